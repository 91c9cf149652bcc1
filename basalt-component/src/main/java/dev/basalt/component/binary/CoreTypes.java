package dev.basalt.component.binary;

import dev.basalt.component.binary.ComponentBinaryReader.Cursor;

/**
 * Delimits core type encodings inside a component (a rec group, value types, limits) so that their bytes can be
 * handed to the core reader or kept as encoded. Only the shape is checked here; the core reader decodes.
 */
final class CoreTypes {
    private CoreTypes() {
    }

    /** {@code rectype ::= 0x4e vec(subtype) | subtype}. */
    static void skipRecType(Cursor in) {
        if (in.peekByte() == 0x4e) {
            in.u8();
            int count = in.length();
            for (int i = 0; i < count; i++) {
                skipSubType(in);
            }
        } else {
            skipSubType(in);
        }
    }

    /** {@code subtype ::= 0x50 vec(typeidx) comptype | 0x4f vec(typeidx) comptype | comptype}. */
    static void skipSubType(Cursor in) {
        int b = in.peekByte();
        if (b == 0x50 || b == 0x4f) {
            in.u8();
            int count = in.length();
            for (int i = 0; i < count; i++) {
                in.u32();
            }
        }
        skipCompType(in);
    }

    static void skipCompType(Cursor in) {
        int pos = in.pos;
        int b = in.u8();
        switch (b) {
            case 0x60 -> {
                skipValTypes(in);
                skipValTypes(in);
            }
            case 0x5f -> {
                int count = in.length();
                for (int i = 0; i < count; i++) {
                    skipFieldType(in);
                }
            }
            case 0x5e -> skipFieldType(in);
            default -> throw in.errorAt(pos, ComponentBinaryReader.invalidLeading(b, "core type"));
        }
    }

    private static void skipValTypes(Cursor in) {
        int count = in.length();
        for (int i = 0; i < count; i++) {
            skipValType(in);
        }
    }

    private static void skipFieldType(Cursor in) {
        int b = in.peekByte();
        if (b == 0x78 || b == 0x77) {
            in.u8();
        } else {
            skipValType(in);
        }
        skipMutability(in);
    }

    static void skipMutability(Cursor in) {
        int pos = in.pos;
        int m = in.u8();
        if (m > 1) {
            throw in.errorAt(pos, "malformed mutability");
        }
    }

    /** A core value type: a one-byte type, or {@code 0x63}/{@code 0x64} and a heap type (s33). */
    static void skipValType(Cursor in) {
        int b = in.u8();
        if (b == 0x63 || b == 0x64) {
            in.s33();
        }
    }

    static void skipRefType(Cursor in) {
        skipValType(in);
    }

    /** Limits: a flags byte, a minimum and (with bit 0) a maximum; bit 2 selects 64-bit (u64) limits. */
    static void skipLimits(Cursor in) {
        int flags = in.u8();
        if (flags > 0x07) {
            throw in.errorAt(in.pos - 1, ComponentBinaryReader.invalidLeading(flags, "limits"));
        }
        skipU64(in);
        if ((flags & 1) != 0) {
            skipU64(in);
        }
    }

    private static void skipU64(Cursor in) {
        for (int i = 0; i < 10; i++) {
            if ((in.u8() & 0x80) == 0) {
                return;
            }
        }
        throw in.error("integer representation too long");
    }
}
