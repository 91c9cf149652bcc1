package dev.basalt.component.wit;

import dev.basalt.wasm.BasaltException;
import java.util.Optional;

/**
 * A WIT document could not be read, parsed or resolved. The message starts with the location
 * ({@code file:line:col: }) when the error belongs to a place in a source file.
 */
public final class WitException extends BasaltException {
    private final transient Optional<WitAst.Span> span;

    public WitException(WitAst.Span span, String message) {
        super(span + ": " + message);
        this.span = Optional.of(span);
    }

    public WitException(String message) {
        super(message);
        this.span = Optional.empty();
    }

    public WitException(String message, Throwable cause) {
        super(message, cause);
        this.span = Optional.empty();
    }

    /** Where the error is, when it belongs to a place in a source file. */
    public Optional<WitAst.Span> span() {
        return span;
    }
}
