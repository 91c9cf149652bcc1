package dev.basalt.plugin;

/** Where the guest's {@code log_*} messages go. The default writes to {@code System.Logger} "dev.basalt.plugin". */
@FunctionalInterface
public interface LogSink {
    void log(LogLevel level, String message);

    /** Messages to {@code System.getLogger("dev.basalt.plugin")} at the matching level. */
    static LogSink systemLogger() {
        System.Logger logger = System.getLogger("dev.basalt.plugin");
        return (level, message) -> logger.log(switch (level) {
            case TRACE -> System.Logger.Level.TRACE;
            case DEBUG -> System.Logger.Level.DEBUG;
            case INFO -> System.Logger.Level.INFO;
            case WARN -> System.Logger.Level.WARNING;
            case ERROR, OFF -> System.Logger.Level.ERROR;
        }, message);
    }
}
