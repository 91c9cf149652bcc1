package dev.basalt.wasm.binary;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with the primitive encoders of the binary format (canonical, shortest LEB128). */
final class ByteWriter {
    private byte[] buf = new byte[64];
    private int size;

    int size() {
        return size;
    }

    void u8(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    void bytes(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
    }

    void bytes(ByteWriter other) {
        ensure(other.size);
        System.arraycopy(other.buf, 0, buf, size, other.size);
        size += other.size;
    }

    /** Unsigned LEB128 of a u32 given as an int bit pattern. */
    void u32(int value) {
        unsigned(value & 0xFFFF_FFFFL);
    }

    /** Unsigned LEB128 of a u64 given as a long bit pattern. */
    void unsigned(long value) {
        do {
            int b = (int) (value & 0x7F);
            value >>>= 7;
            if (value != 0) {
                b |= 0x80;
            }
            u8(b);
        } while (value != 0);
    }

    /** Signed LEB128. */
    void signed(long value) {
        while (true) {
            int b = (int) (value & 0x7F);
            value >>= 7;
            boolean done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
            u8(done ? b : b | 0x80);
            if (done) {
                return;
            }
        }
    }

    void fixed32(int v) {
        for (int i = 0; i < 4; i++) {
            u8(v >>> (8 * i));
        }
    }

    void fixed64(long v) {
        fixed32((int) v);
        fixed32((int) (v >>> 32));
    }

    void name(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        u32(utf8.length);
        bytes(utf8);
    }

    /** Writes {@code content}'s size as a u32 and then its bytes (sections, subsections, function bodies). */
    void sized(ByteWriter content) {
        u32(content.size);
        bytes(content);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int n) {
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        }
    }
}
