package dev.basalt.plugin;

/**
 * Levels of the guest's {@code log_*} calls. {@link #code()} is what {@code get_log_level} returns to the guest
 * (Extism's numbering), so PDKs skip formatting messages the host would drop.
 */
public enum LogLevel {
    TRACE(0),
    DEBUG(1),
    INFO(2),
    WARN(3),
    ERROR(4),
    /** Nothing is logged. */
    OFF(Integer.MAX_VALUE);

    private final int code;

    LogLevel(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
