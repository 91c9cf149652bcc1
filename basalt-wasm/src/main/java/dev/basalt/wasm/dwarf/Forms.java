package dev.basalt.wasm.dwarf;

/** Reading attribute values by form (DWARF 2 to 5 plus the GNU split-DWARF forms), for .debug_info and .debug_line. */
final class Forms {
    private Forms() {
    }

    enum Kind {
        /** A constant, flag or block length: {@link Value#number}. */
        CONSTANT,
        /** A signed constant. */
        SIGNED,
        /** A target address. */
        ADDRESS,
        /** An index into {@code .debug_addr} (from the unit's address base). */
        ADDRESS_INDEX,
        /** A string stored in place ({@link Value#text}). */
        INLINE_STRING,
        /** An offset into {@code .debug_str}. */
        STRING_OFFSET,
        /** An offset into {@code .debug_line_str}. */
        LINE_STRING_OFFSET,
        /** An index into {@code .debug_str_offsets} (from the unit's string offsets base). */
        STRING_INDEX,
        /** A reference relative to the start of the unit. */
        UNIT_REFERENCE,
        /** A reference relative to the start of {@code .debug_info}. */
        SECTION_REFERENCE,
        /** An offset into another section (line program, range list...). */
        SECTION_OFFSET,
        /** An index into the unit's range-list offsets table. */
        RANGE_LIST_INDEX,
        /** Anything a backtrace does not use (blocks, expressions, signatures, supplementary-file references). */
        OTHER
    }

    /** A value: {@code number} for every kind but strings stored in place ({@code text}). */
    record Value(Kind kind, long number, String text) {

        /** A string value that needs no unit context (inline, .debug_str, .debug_line_str); null otherwise. */
        String string(DwarfInput strings, DwarfInput lineStrings) {
            return switch (kind) {
                case INLINE_STRING -> text;
                case STRING_OFFSET -> strings == null ? null : strings.cstringAt(number);
                case LINE_STRING_OFFSET -> lineStrings == null ? null : lineStrings.cstringAt(number);
                default -> null;
            };
        }
    }

    private static Value v(Kind kind, long n) {
        return new Value(kind, n, null);
    }

    /**
     * Reads one value of form {@code form}; {@code implicitConst} is the abbreviation's value for
     * {@code DW_FORM_implicit_const}. {@code version} matters for {@code DW_FORM_ref_addr} (address-sized in DWARF 2).
     */
    static Value read(DwarfInput in, int form, int offsetSize, int addressSize, int version) {
        return read(in, form, offsetSize, addressSize, version, 0, 0);
    }

    static Value read(DwarfInput in, int form, int offsetSize, int addressSize, int version, long implicitConst,
                      int indirections) {
        return switch (form) {
            case 0x01 -> v(Kind.ADDRESS, in.unsigned(addressSize)); // addr
            case 0x03 -> skipBlock(in, in.u16()); // block2
            case 0x04 -> skipBlock(in, in.u32()); // block4
            case 0x05 -> v(Kind.CONSTANT, in.u16()); // data2
            case 0x06 -> v(Kind.CONSTANT, in.u32()); // data4
            case 0x07 -> v(Kind.CONSTANT, in.u64()); // data8
            case 0x08 -> new Value(Kind.INLINE_STRING, 0, in.cstring()); // string
            case 0x09, 0x18 -> skipBlock(in, in.uleb()); // block, exprloc
            case 0x0a -> skipBlock(in, in.u8()); // block1
            case 0x0b -> v(Kind.CONSTANT, in.u8()); // data1
            case 0x0c -> v(Kind.CONSTANT, in.u8()); // flag
            case 0x0d -> v(Kind.SIGNED, in.sleb()); // sdata
            case 0x0e -> v(Kind.STRING_OFFSET, in.unsigned(offsetSize)); // strp
            case 0x0f -> v(Kind.CONSTANT, in.uleb()); // udata
            case 0x10 -> v(Kind.SECTION_REFERENCE, in.unsigned(version <= 2 ? addressSize : offsetSize)); // ref_addr
            case 0x11 -> v(Kind.UNIT_REFERENCE, in.u8()); // ref1
            case 0x12 -> v(Kind.UNIT_REFERENCE, in.u16()); // ref2
            case 0x13 -> v(Kind.UNIT_REFERENCE, in.u32()); // ref4
            case 0x14 -> v(Kind.UNIT_REFERENCE, in.u64()); // ref8
            case 0x15 -> v(Kind.UNIT_REFERENCE, in.uleb()); // ref_udata
            case 0x16 -> { // indirect: the form comes first
                if (indirections > 0) {
                    throw new DwarfFormatException("nested DW_FORM_indirect");
                }
                yield read(in, in.ulebInt(), offsetSize, addressSize, version, implicitConst, indirections + 1);
            }
            case 0x17 -> v(Kind.SECTION_OFFSET, in.unsigned(offsetSize)); // sec_offset
            case 0x19 -> v(Kind.CONSTANT, 1); // flag_present
            case 0x1a -> v(Kind.STRING_INDEX, in.uleb()); // strx
            case 0x1b -> v(Kind.ADDRESS_INDEX, in.uleb()); // addrx
            case 0x1c -> v(Kind.OTHER, in.u32()); // ref_sup4
            case 0x1d -> v(Kind.OTHER, in.unsigned(offsetSize)); // strp_sup
            case 0x1e -> skipBlock(in, 16); // data16
            case 0x1f -> v(Kind.LINE_STRING_OFFSET, in.unsigned(offsetSize)); // line_strp
            case 0x20 -> v(Kind.OTHER, in.u64()); // ref_sig8
            case 0x21 -> v(Kind.SIGNED, implicitConst); // implicit_const
            case 0x22 -> v(Kind.OTHER, in.uleb()); // loclistx
            case 0x23 -> v(Kind.RANGE_LIST_INDEX, in.uleb()); // rnglistx
            case 0x24 -> v(Kind.OTHER, in.u64()); // ref_sup8
            case 0x25 -> v(Kind.STRING_INDEX, in.u8()); // strx1
            case 0x26 -> v(Kind.STRING_INDEX, in.u16()); // strx2
            case 0x27 -> v(Kind.STRING_INDEX, in.u24()); // strx3
            case 0x28 -> v(Kind.STRING_INDEX, in.u32()); // strx4
            case 0x29 -> v(Kind.ADDRESS_INDEX, in.u8()); // addrx1
            case 0x2a -> v(Kind.ADDRESS_INDEX, in.u16()); // addrx2
            case 0x2b -> v(Kind.ADDRESS_INDEX, in.u24()); // addrx3
            case 0x2c -> v(Kind.ADDRESS_INDEX, in.u32()); // addrx4
            case 0x1f01 -> v(Kind.ADDRESS_INDEX, in.uleb()); // GNU_addr_index
            case 0x1f02 -> v(Kind.STRING_INDEX, in.uleb()); // GNU_str_index
            case 0x1f20, 0x1f21 -> v(Kind.OTHER, in.unsigned(offsetSize)); // GNU_ref_alt, GNU_strp_alt
            default -> throw new DwarfFormatException("unknown attribute form 0x" + Integer.toHexString(form));
        };
    }

    private static Value skipBlock(DwarfInput in, long length) {
        in.skip(length);
        return v(Kind.OTHER, length);
    }
}
