package dev.basalt.wasm;

/**
 * The root of Basalt's own exceptions: every error Basalt reports to an embedder is one of these
 * (malformed, invalid, unlinkable, trap, exit). Subclasses in other modules extend it.
 */
public abstract class BasaltException extends RuntimeException {
    protected BasaltException(String message) {
        super(message);
    }

    protected BasaltException(String message, Throwable cause) {
        super(message, cause);
    }
}
