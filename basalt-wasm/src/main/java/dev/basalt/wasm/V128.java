package dev.basalt.wasm;

/** A 128-bit vector value, little-endian: {@code lo} holds bytes 0..7, {@code hi} bytes 8..15. */
public record V128(long lo, long hi) {
    public static final V128 ZERO = new V128(0, 0);

    /** Byte {@code i} (0..15) as an unsigned value. */
    public int byteAt(int i) {
        long word = i < 8 ? lo : hi;
        return (int) (word >>> ((i & 7) * 8)) & 0xFF;
    }

    public static V128 ofBytes(byte[] bytes) {
        if (bytes.length != 16) {
            throw new IllegalArgumentException("v128 needs 16 bytes, got " + bytes.length);
        }
        long lo = 0;
        long hi = 0;
        for (int i = 7; i >= 0; i--) {
            lo = (lo << 8) | (bytes[i] & 0xFF);
            hi = (hi << 8) | (bytes[i + 8] & 0xFF);
        }
        return new V128(lo, hi);
    }

    public byte[] toBytes() {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (lo >>> (i * 8));
            b[i + 8] = (byte) (hi >>> (i * 8));
        }
        return b;
    }

    @Override
    public String toString() {
        return String.format("v128(0x%016x%016x)", hi, lo);
    }
}
