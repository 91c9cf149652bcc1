package dev.basalt.wasm.binary;

import dev.basalt.wasm.MalformedException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over a module binary with the primitive decoders of the binary format (bytes, LEB128 integers, floats,
 * length-prefixed vectors and names).
 *
 * <p>Reads are bounded only by {@link #limit} (the end of the buffer being decoded), not by the enclosing section:
 * like the reference interpreter, sections and function bodies are checked against their declared size after they
 * have been decoded. This is what makes the error wording match the spec testsuite (a vector that runs past its
 * section reports what it actually hits, and the size check then reports "section size mismatch").
 *
 * <p>Every failure is a {@link MalformedException} carrying the byte offset (relative to {@link #base}, so that
 * a reader over a slice reports offsets in the whole module).
 */
final class ByteReader {
    static final String UNEXPECTED_END = "unexpected end of section or function";

    private final byte[] bytes;
    private final int limit;
    private final int base;
    private int pos;

    ByteReader(byte[] bytes) {
        this(bytes, 0, bytes.length, 0);
    }

    /** A reader over {@code bytes[start, end)}; offsets are reported as {@code base + index - start}. */
    ByteReader(byte[] bytes, int start, int end, int base) {
        this.bytes = bytes;
        this.pos = start;
        this.limit = end;
        this.base = base - start;
    }

    int pos() {
        return pos;
    }

    /** The offset of the current position in the module, for error messages and instruction offsets. */
    int offset() {
        return base + pos;
    }

    int offsetOf(int position) {
        return base + position;
    }

    boolean atEnd() {
        return pos >= limit;
    }

    int remaining() {
        return limit - pos;
    }

    MalformedException error(String reason) {
        return new MalformedException(reason, offset());
    }

    MalformedException errorAt(int position, String reason) {
        return new MalformedException(reason, base + position);
    }

    int peek() {
        if (pos >= limit) {
            throw error(UNEXPECTED_END);
        }
        return bytes[pos] & 0xFF;
    }

    int u8() {
        if (pos >= limit) {
            throw error(UNEXPECTED_END);
        }
        return bytes[pos++] & 0xFF;
    }

    void skip(int n) {
        if (n < 0 || n > limit - pos) {
            throw errorAt(limit, UNEXPECTED_END);
        }
        pos += n;
    }

    byte[] bytes(int n) {
        if (n < 0 || n > limit - pos) {
            throw errorAt(limit, UNEXPECTED_END);
        }
        byte[] out = new byte[n];
        System.arraycopy(bytes, pos, out, 0, n);
        pos += n;
        return out;
    }

    int fixed32() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= u8() << (8 * i);
        }
        return v;
    }

    long fixed64() {
        long lo = fixed32() & 0xFFFF_FFFFL;
        long hi = fixed32() & 0xFFFF_FFFFL;
        return lo | (hi << 32);
    }

    /**
     * An unsigned LEB128 integer of at most {@code bits} bits, with the reference interpreter's checks: the last
     * permitted byte may not carry bits beyond {@code bits} ("integer too large") nor a continuation bit
     * ("integer representation too long").
     */
    long unsigned(int bits) {
        long result = 0;
        int shift = 0;
        for (int remaining = bits; ; remaining -= 7) {
            if (remaining <= 0) {
                throw error("integer representation too long");
            }
            int b = u8();
            if (remaining < 7 && (b & 0x7F) >= (1 << remaining)) {
                throw errorAt(pos - 1, "integer too large");
            }
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
            shift += 7;
        }
    }

    /** A signed LEB128 integer of at most {@code bits} bits (the unused bits of the last byte must sign-extend). */
    long signed(int bits) {
        long result = 0;
        int shift = 0;
        for (int remaining = bits; ; remaining -= 7) {
            if (remaining <= 0) {
                throw error("integer representation too long");
            }
            int b = u8();
            if (remaining < 7) {
                int mask = (-1 << (remaining - 1)) & 0x7F;
                if ((b & mask) != 0 && (b & mask) != mask) {
                    throw errorAt(pos - 1, "integer too large");
                }
            }
            result |= (long) (b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                if (shift < 64 && (b & 0x40) != 0) {
                    result |= -1L << shift;
                }
                return result;
            }
        }
    }

    /** u32 as a Java long (0 .. 2^32-1). */
    long u32() {
        return unsigned(32);
    }

    long u64() {
        return unsigned(64);
    }

    int s32() {
        return (int) signed(32);
    }

    long s33() {
        return signed(33);
    }

    long s64() {
        return signed(64);
    }

    /**
     * An index (u32) as an {@code int} holding its bit pattern, the convention of the whole model: indices of
     * 2^31 and above come out negative, and every consumer compares them unsigned (or rejects negatives as
     * unknown), since no index space can be that large.
     */
    int index() {
        return (int) u32();
    }

    /** A u32 clamped to {@link Integer#MAX_VALUE}, for the few places the model needs a non-negative int. */
    static int clamp(long u32) {
        return u32 > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) u32;
    }

    /**
     * A length or vector count (u32) that must not exceed the bytes left after the position where the count
     * starts ("length out of bounds"), the reference interpreter's check; it also bounds every allocation by
     * the input size.
     */
    int length() {
        int start = pos;
        long n = u32();
        if (n > limit - start) {
            throw errorAt(start, "length out of bounds");
        }
        return (int) n;
    }

    /** A name: a length-prefixed UTF-8 string. */
    String name() {
        int start = pos;
        int n = length();
        if (n > limit - pos) {
            throw errorAt(limit, UNEXPECTED_END);
        }
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, pos, n))
                    .toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw errorAt(start, "malformed UTF-8 encoding");
        }
    }

    /** Initial capacity for a list of {@code count} untrusted entries: never more than a small constant. */
    static int capacity(long count) {
        return (int) Math.min(Math.max(count, 0), 64);
    }
}
