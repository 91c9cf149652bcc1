package dev.basalt.wasm.text;

/**
 * One token of the WebAssembly text format.
 *
 * <p>{@code start}/{@code end} are char offsets into the source the {@link Lexer} was given. For {@link Kind#STRING}
 * tokens {@link #bytes()} holds the decoded contents (strings denote byte sequences, which need not be UTF-8); for
 * {@link Kind#ID} tokens {@link #idName()} is the identifier without its {@code $} (decoded for {@code $"..."}).
 */
public final class Token {
    /** The lexical classes of the text format. */
    public enum Kind {
        LPAR, RPAR,
        /** A keyword: starts with a lowercase letter ({@code func}, {@code i32.add}, {@code offset=4}, {@code nan}). */
        KEYWORD,
        /** {@code $name} or {@code $"name"}. */
        ID,
        /** An unsigned integer literal. */
        NAT,
        /** A signed integer literal. */
        INT,
        /** A float literal, including {@code +inf}, {@code -nan:0x1}; unsigned inf/nan forms are keywords. */
        FLOAT,
        STRING,
        /** Any other run of identifier characters; never valid syntax, always an "unexpected token". */
        RESERVED,
        EOF
    }

    private final Kind kind;
    private final String text;
    private final int start;
    private final int end;
    private final byte[] bytes;
    private final String idName;

    Token(Kind kind, String text, int start, int end, byte[] bytes, String idName) {
        this.kind = kind;
        this.text = text;
        this.start = start;
        this.end = end;
        this.bytes = bytes;
        this.idName = idName;
    }

    public Kind kind() {
        return kind;
    }

    /** The token's source text. */
    public String text() {
        return text;
    }

    public int start() {
        return start;
    }

    public int end() {
        return end;
    }

    /** The decoded bytes of a string token (null for other kinds). */
    public byte[] bytes() {
        return bytes;
    }

    /** The identifier name of an {@code ID} token, without the {@code $} (null for other kinds). */
    public String idName() {
        return idName;
    }

    public boolean is(Kind k) {
        return kind == k;
    }

    public boolean isKeyword(String keyword) {
        return kind == Kind.KEYWORD && text.equals(keyword);
    }

    /** Whether this is a number literal token (nat, int or float, not the bare inf/nan keywords). */
    public boolean isNumber() {
        return kind == Kind.NAT || kind == Kind.INT || kind == Kind.FLOAT;
    }

    @Override
    public String toString() {
        return kind == Kind.EOF ? "end of input" : text;
    }
}
