package dev.basalt.wasm.dwarf;

/**
 * A bounds-checked little-endian cursor over one DWARF section (or a window of it). Every read past the window,
 * every LEB128 longer than 10 bytes and every unterminated string throws {@link DwarfFormatException}, so malformed
 * sections can never surface as index or arithmetic exceptions.
 */
final class DwarfInput {
    private final byte[] data;
    private final int end;
    private int pos;

    DwarfInput(byte[] data) {
        this(data, 0, data.length);
    }

    DwarfInput(byte[] data, int start, int end) {
        if (start < 0 || end > data.length || start > end) {
            throw new DwarfFormatException("window [" + start + ", " + end + ") outside a section of " + data.length
                    + " bytes");
        }
        this.data = data;
        this.pos = start;
        this.end = end;
    }

    /** A cursor over {@code [offset, offset + length)} of the same bytes, checked against this window's end. */
    DwarfInput window(long offset, long length) {
        if (offset < 0 || length < 0 || offset > end || length > end - offset) {
            throw new DwarfFormatException("unit of " + length + " bytes at " + offset + " overruns its section");
        }
        return new DwarfInput(data, (int) offset, (int) (offset + length));
    }

    /** A cursor from {@code offset} to the end of this window. */
    DwarfInput at(long offset) {
        if (offset < 0 || offset > end) {
            throw new DwarfFormatException("offset " + offset + " outside its section of " + end + " bytes");
        }
        return new DwarfInput(data, (int) offset, end);
    }

    int pos() {
        return pos;
    }

    int end() {
        return end;
    }

    boolean atEnd() {
        return pos >= end;
    }

    void seek(long offset) {
        if (offset < 0 || offset > end) {
            throw new DwarfFormatException("offset " + offset + " outside its section of " + end + " bytes");
        }
        pos = (int) offset;
    }

    void skip(long n) {
        if (n < 0 || n > end - pos) {
            throw new DwarfFormatException("unexpected end of section (skipping " + n + " bytes at " + pos + ")");
        }
        pos += (int) n;
    }

    private void need(int n) {
        if (n > end - pos) {
            throw new DwarfFormatException("unexpected end of section at " + pos);
        }
    }

    int u8() {
        need(1);
        return data[pos++] & 0xff;
    }

    int s8() {
        need(1);
        return data[pos++];
    }

    int u16() {
        need(2);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    int u24() {
        need(3);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16;
        pos += 3;
        return v;
    }

    long u32() {
        need(4);
        long v = (data[pos] & 0xffL) | (data[pos + 1] & 0xffL) << 8 | (data[pos + 2] & 0xffL) << 16
                | (data[pos + 3] & 0xffL) << 24;
        pos += 4;
        return v;
    }

    long u64() {
        long lo = u32();
        return lo | u32() << 32;
    }

    /** An unsigned value of {@code size} bytes (1, 2, 4 or 8): addresses and section offsets. */
    long unsigned(int size) {
        return switch (size) {
            case 1 -> u8();
            case 2 -> u16();
            case 4 -> u32();
            case 8 -> u64();
            default -> throw new DwarfFormatException("unsupported field size " + size);
        };
    }

    long uleb() {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift >= 70) {
                throw new DwarfFormatException("LEB128 too long at " + pos);
            }
            int b = u8();
            if (shift < 64) {
                result |= (long) (b & 0x7f) << shift;
            }
            if ((b & 0x80) == 0) {
                return result;
            }
        }
    }

    long sleb() {
        long result = 0;
        int shift = 0;
        int b;
        do {
            if (shift >= 70) {
                throw new DwarfFormatException("LEB128 too long at " + pos);
            }
            b = u8();
            if (shift < 64) {
                result |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) {
            result |= -1L << shift;
        }
        return result;
    }

    /** An unsigned LEB128 that must fit a non-negative int (counts, indices, lengths). */
    int ulebInt() {
        long v = uleb();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new DwarfFormatException("value " + Long.toUnsignedString(v) + " out of range at " + pos);
        }
        return (int) v;
    }

    /** A NUL-terminated UTF-8 string. */
    String cstring() {
        int start = pos;
        int i = start;
        while (i < end && data[i] != 0) {
            i++;
        }
        if (i >= end) {
            throw new DwarfFormatException("unterminated string at " + start);
        }
        pos = i + 1;
        return new String(data, start, i - start, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The NUL-terminated string at {@code offset} of this section. */
    String cstringAt(long offset) {
        return at(offset).cstring();
    }

    /**
     * A unit's initial length: 32-bit, or 0xffffffff then 64-bit (the 64-bit DWARF format). Returns the length
     * and sets {@code offsetSize[0]} to 4 or 8.
     */
    long initialLength(int[] offsetSize) {
        long length = u32();
        if (length == 0xffff_ffffL) {
            offsetSize[0] = 8;
            length = u64();
        } else if (length >= 0xffff_fff0L) {
            throw new DwarfFormatException("reserved unit length 0x" + Long.toHexString(length));
        } else {
            offsetSize[0] = 4;
        }
        return length;
    }
}
