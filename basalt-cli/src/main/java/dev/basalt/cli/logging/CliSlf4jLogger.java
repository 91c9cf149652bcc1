package dev.basalt.cli.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger writing through {@link CliLogging}, with its level cached until the levels change. */
final class CliSlf4jLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    private transient int generation = -1;
    private transient CliLogging.Level level;

    CliSlf4jLogger(String name) {
        this.name = name;
    }

    private boolean enabled(CliLogging.Level wanted) {
        int g = CliLogging.generation();
        CliLogging.Level l = level;
        if (g != generation || l == null) {
            l = CliLogging.levelOf(name);
            level = l;
            generation = g;
        }
        return l != CliLogging.Level.OFF && wanted.compareTo(l) >= 0;
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(CliLogging.Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(CliLogging.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(CliLogging.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(CliLogging.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(CliLogging.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level slf4jLevel, Marker marker, String messagePattern,
            Object[] arguments, Throwable throwable) {
        CliLogging.Level l = switch (slf4jLevel) {
            case TRACE -> CliLogging.Level.TRACE;
            case DEBUG -> CliLogging.Level.DEBUG;
            case INFO -> CliLogging.Level.INFO;
            case WARN -> CliLogging.Level.WARN;
            case ERROR -> CliLogging.Level.ERROR;
        };
        String message = arguments == null || arguments.length == 0 ? String.valueOf(messagePattern)
                : MessageFormatter.basicArrayFormat(messagePattern, arguments);
        CliLogging.write(l, name, message, throwable);
    }
}
