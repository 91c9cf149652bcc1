package dev.basalt.wasm;

/**
 * The non-reference value types. {@code v128} sits here with the number types: like them it is a plain bit
 * pattern that needs no heap type, subtyping or nullability, which keeps every switch over value types short.
 */
public enum NumType implements ValType {
    I32(0x7F, "i32"),
    I64(0x7E, "i64"),
    F32(0x7D, "f32"),
    F64(0x7C, "f64"),
    V128(0x7B, "v128");

    private final int code;
    private final String text;

    NumType(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /** The binary encoding byte. */
    public int code() {
        return code;
    }

    /** The text format keyword. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
