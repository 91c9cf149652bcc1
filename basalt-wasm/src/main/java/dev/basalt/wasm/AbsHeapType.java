package dev.basalt.wasm;

/**
 * The abstract heap types of Wasm 3.0 (GC and exception handling included), with their binary codes
 * (the signed LEB128 byte, as it appears in the binary format) and text keywords.
 */
public enum AbsHeapType implements HeapType {
    NOEXN(0x74, "noexn", "nullexnref"),
    NOFUNC(0x73, "nofunc", "nullfuncref"),
    NOEXTERN(0x72, "noextern", "nullexternref"),
    NONE(0x71, "none", "nullref"),
    FUNC(0x70, "func", "funcref"),
    EXTERN(0x6F, "extern", "externref"),
    ANY(0x6E, "any", "anyref"),
    EQ(0x6D, "eq", "eqref"),
    I31(0x6C, "i31", "i31ref"),
    STRUCT(0x6B, "struct", "structref"),
    ARRAY(0x6A, "array", "arrayref"),
    EXN(0x69, "exn", "exnref");

    private final int code;
    private final String text;
    private final String refShorthand;

    AbsHeapType(int code, String text, String refShorthand) {
        this.code = code;
        this.text = text;
        this.refShorthand = refShorthand;
    }

    /** The binary encoding byte. */
    public int code() {
        return code;
    }

    /** The text keyword of the heap type, e.g. {@code func}. */
    public String text() {
        return text;
    }

    /** The text keyword of the nullable reference shorthand, e.g. {@code funcref}. */
    public String refShorthand() {
        return refShorthand;
    }

    /** The abstract heap type with this binary code, or null. */
    public static AbsHeapType fromCode(int code) {
        for (AbsHeapType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }
}
