package dev.basalt.wasm;

/**
 * The module is well-formed but does not validate. {@link #reason()} is the spec testsuite's wording
 * (e.g. "type mismatch"); {@link #function()} the index of the offending function (-1 if not in a function);
 * {@link #offset()} the byte offset of the offending instruction when known (-1 otherwise).
 */
public final class InvalidException extends BasaltException {
    private final String reason;
    private final int function;
    private final long offset;

    public InvalidException(String reason, int function, long offset) {
        super(describe(reason, function, offset));
        this.reason = reason;
        this.function = function;
        this.offset = offset;
    }

    public InvalidException(String reason) {
        this(reason, -1, -1);
    }

    private static String describe(String reason, int function, long offset) {
        StringBuilder sb = new StringBuilder(reason);
        if (function >= 0) {
            sb.append(" (in function ").append(function);
            if (offset >= 0) {
                sb.append(" at offset ").append(offset);
            }
            sb.append(')');
        } else if (offset >= 0) {
            sb.append(" (at offset ").append(offset).append(')');
        }
        return sb.toString();
    }

    public String reason() {
        return reason;
    }

    public int function() {
        return function;
    }

    public long offset() {
        return offset;
    }
}
