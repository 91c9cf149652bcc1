package dev.basalt.cli.logging;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The command line's log levels and its log output. A level spec is a default level and optional per-logger
 * levels, comma-separated: {@code warn}, {@code info,org.eclipse.jetty=debug,dev.basalt=trace}; a logger's level
 * is that of the longest name prefix (on dot boundaries) given, else the default. Levels: {@code trace},
 * {@code debug}, {@code info}, {@code warn}, {@code error}, {@code off}. The default spec is {@code warn}, or
 * the {@code BASALT_LOG} environment variable's. Lines go to stderr:
 * {@code 2026-11-27T01:02:03.456Z WARN  [thread] logger.name: message}, then the stack trace if any.
 *
 * <p>Loggers cache their level and look again only when the spec changes (a generation count), so a disabled
 * {@code isDebugEnabled()} check, which Jetty makes often, costs a volatile read and a compare.
 */
public final class CliLogging {
    /** Levels, most verbose first. */
    public enum Level {
        TRACE, DEBUG, INFO, WARN, ERROR, OFF;

        static Level parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown log level '" + text.trim()
                        + "': trace, debug, info, warn, error or off");
            }
        }
    }

    /** The environment variable with the default level spec. */
    public static final String ENV = "BASALT_LOG";

    private record Rule(String prefix, Level level) {
    }

    private record Spec(Level defaultLevel, List<Rule> rules) {
        Level levelOf(String logger) {
            for (Rule r : rules) {
                if (logger.equals(r.prefix()) || logger.startsWith(r.prefix()) && logger.charAt(r.prefix().length()) == '.') {
                    return r.level();
                }
            }
            return defaultLevel;
        }
    }

    private static volatile Spec spec = initialSpec();
    private static volatile int generation;
    private static volatile PrintStream out = System.err;

    private CliLogging() {
    }

    private static Spec initialSpec() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            try {
                return parse(env);
            } catch (IllegalArgumentException e) {
                System.err.println("basalt: ignoring " + ENV + ": " + e.getMessage());
            }
        }
        return new Spec(Level.WARN, List.of());
    }

    /**
     * Parses {@code text}: {@code LEVEL[,LOGGER=LEVEL]...}.
     *
     * @throws IllegalArgumentException if a level is unknown or a part is malformed
     */
    private static Spec parse(String text) {
        Level def = null;
        List<Rule> rules = new ArrayList<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                def = Level.parse(part);
            } else {
                String name = part.substring(0, eq).trim();
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("a logger name is missing before '=' in '" + part.trim() + "'");
                }
                rules.add(new Rule(name, Level.parse(part.substring(eq + 1))));
            }
        }
        // the longest prefix is tried first
        rules.sort(Comparator.comparingInt((Rule r) -> r.prefix().length()).reversed());
        return new Spec(def == null ? Level.WARN : def, List.copyOf(rules));
    }

    /**
     * Sets the levels from a spec ({@code info}, {@code warn,org.eclipse.jetty=debug}); loggers already made
     * follow.
     *
     * @throws IllegalArgumentException if the spec is malformed (the levels stay as they were)
     */
    public static void configure(String levels) {
        spec = parse(Objects.requireNonNull(levels, "levels"));
        generation++;
        JulBridge.levelsChanged();
    }

    /** Where the lines go (stderr unless changed; tests). */
    public static void output(PrintStream stream) {
        out = Objects.requireNonNull(stream);
    }

    /** The level in force for {@code logger}. */
    public static Level levelOf(String logger) {
        return spec.levelOf(logger);
    }

    static int generation() {
        return generation;
    }

    /** The (per-logger) levels that differ from the default, and the default: what the JUL bridge needs. */
    static Level defaultLevel() {
        return spec.defaultLevel();
    }

    static List<String[]> rules() {
        return spec.rules().stream().map(r -> new String[] {r.prefix(), r.level().name()}).toList();
    }

    /** Writes one event (already known to be enabled). */
    static void write(Level level, String logger, String message, Throwable thrown) {
        StringBuilder sb = new StringBuilder(96 + message.length());
        sb.append(Instant.now()).append(' ').append(level.name());
        sb.append(" ".repeat(6 - level.name().length()));
        sb.append('[').append(Thread.currentThread().getName()).append("] ").append(logger).append(": ").append(message);
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            sb.append(System.lineSeparator()).append(trace.toString().stripTrailing());
        }
        PrintStream o = out;
        // one println per event: lines of concurrent events do not interleave
        o.println(sb);
        o.flush();
    }
}
