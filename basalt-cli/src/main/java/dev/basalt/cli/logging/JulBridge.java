package dev.basalt.cli.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends {@code java.util.logging} to {@link CliLogging}: the root logger's handlers are replaced by one writing
 * through it, and the JUL levels follow {@link CliLogging}'s (the default on the root logger, each per-logger rule
 * on its logger), so a disabled message is dropped by JUL's own cheap check. {@code System.Logger}, which Basalt
 * logs through, is JUL unless another backend is installed; the OpenTelemetry SDK logs to JUL directly.
 */
public final class JulBridge {
    private static volatile boolean installed;
    /** JUL holds loggers weakly: a logger with a level of ours is kept here so that its level is not lost. */
    private static final List<Logger> configured = new ArrayList<>();

    private JulBridge() {
    }

    /** Installs the bridge (once; later calls do nothing). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                String name = r.getLoggerName() == null ? "" : r.getLoggerName();
                CliLogging.Level level = level(r.getLevel());
                CliLogging.Level threshold = CliLogging.levelOf(name);
                if (threshold == CliLogging.Level.OFF || level.compareTo(threshold) < 0) {
                    return;
                }
                String message = r.getMessage();
                try {
                    if (message != null && r.getParameters() != null && r.getParameters().length > 0) {
                        message = java.text.MessageFormat.format(message, r.getParameters());
                    }
                } catch (IllegalArgumentException e) {
                    // a message that only looks like a pattern: as it is
                }
                CliLogging.write(level, name, String.valueOf(message), r.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        installed = true;
        levelsChanged();
    }

    static synchronized void levelsChanged() {
        if (!installed) {
            return;
        }
        for (Logger l : configured) {
            l.setLevel(null);
        }
        configured.clear();
        LogManager.getLogManager().getLogger("").setLevel(jul(CliLogging.defaultLevel()));
        for (String[] rule : CliLogging.rules()) {
            Logger l = Logger.getLogger(rule[0]);
            l.setLevel(jul(CliLogging.Level.valueOf(rule[1])));
            configured.add(l);
        }
    }

    private static java.util.logging.Level jul(CliLogging.Level level) {
        return switch (level) {
            case TRACE -> java.util.logging.Level.FINEST;
            case DEBUG -> java.util.logging.Level.FINE;
            case INFO -> java.util.logging.Level.INFO;
            case WARN -> java.util.logging.Level.WARNING;
            case ERROR -> java.util.logging.Level.SEVERE;
            case OFF -> java.util.logging.Level.OFF;
        };
    }

    private static CliLogging.Level level(java.util.logging.Level level) {
        int v = level.intValue();
        if (v >= java.util.logging.Level.SEVERE.intValue()) {
            return CliLogging.Level.ERROR;
        }
        if (v >= java.util.logging.Level.WARNING.intValue()) {
            return CliLogging.Level.WARN;
        }
        if (v >= java.util.logging.Level.INFO.intValue()) {
            return CliLogging.Level.INFO;
        }
        if (v >= java.util.logging.Level.FINE.intValue()) {
            return CliLogging.Level.DEBUG;
        }
        return CliLogging.Level.TRACE;
    }
}
