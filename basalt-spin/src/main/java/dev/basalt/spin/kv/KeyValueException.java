package dev.basalt.spin.kv;

/** A key-value backend failed (I/O, the server refused, a value that is not a counter ...). */
public final class KeyValueException extends RuntimeException {
    public KeyValueException(String message) {
        super(message);
    }

    public KeyValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
