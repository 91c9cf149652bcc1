package dev.basalt.spin.redis;

/** A Redis connection or command failure (for a guest: the interface's {@code other(message)}). */
public class RedisException extends RuntimeException {
    public RedisException(String message) {
        super(message);
    }

    public RedisException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The server answered the command with an error reply ({@code -ERR ...}, {@code -WRONGTYPE ...}). */
    public static final class ErrorReply extends RedisException {
        public ErrorReply(String message) {
            super(message);
        }

        /** Whether the server refused the value's type ({@code WRONGTYPE}, or not an integer for INCR). */
        public boolean typeError() {
            String m = getMessage();
            return m.startsWith("WRONGTYPE") || m.contains("not an integer") || m.contains("not a valid float");
        }
    }
}
