package dev.basalt.wasm;

/**
 * The input is not a well-formed module: bad binary encoding or text syntax.
 * {@link #reason()} is the spec testsuite's wording (e.g. "unexpected end", "integer too large");
 * {@link #offset()} is the byte offset in the binary (or character offset in the text), -1 if unknown.
 */
public final class MalformedException extends BasaltException {
    private final String reason;
    private final long offset;

    public MalformedException(String reason, long offset) {
        super(offset >= 0 ? reason + " (at offset " + offset + ")" : reason);
        this.reason = reason;
        this.offset = offset;
    }

    public MalformedException(String reason) {
        this(reason, -1);
    }

    public String reason() {
        return reason;
    }

    public long offset() {
        return offset;
    }
}
