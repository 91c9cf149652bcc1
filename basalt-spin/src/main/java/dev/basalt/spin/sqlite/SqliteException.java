package dev.basalt.spin.sqlite;

/**
 * A statement or database failure, as the guest sees it: {@link #full()} is the interface's {@code database-full},
 * anything else its {@code io(message)}.
 */
public final class SqliteException extends RuntimeException {
    private final boolean full;

    public SqliteException(String message, boolean full, Throwable cause) {
        super(message, cause);
        this.full = full;
    }

    public SqliteException(String message) {
        this(message, false, null);
    }

    /** Whether the database (or the disk under it) is full. */
    public boolean full() {
        return full;
    }
}
