package dev.basalt.serve;

import dev.basalt.Trap;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ValueType;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.preview2.WasiComponentContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * What guests log: {@code wasi:logging/logging@0.1.0-draft} (Spin's and wasmtime's logging interface) for every
 * served component, and, when telemetry is on, the guest's stdout and stderr line by line. With telemetry both become
 * OpenTelemetry log records of the request that wrote them ({@link ServeTelemetry.RequestTelemetry#guestLog});
 * without, {@code wasi:logging} records go to the {@code System.Logger} {@value #LOGGER} (basalt serve's
 * {@code --log-level} applies) and stdout and stderr go where the guest's grants send them.
 */
final class GuestLogs {
    /** The interface a guest imports to log. */
    static final String LOGGING = "wasi:logging/logging@0.1.0-draft";
    /** Its levels, in order (the WIT enum {@code level}). */
    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "critical");
    /** Where {@code wasi:logging} records go without telemetry. */
    static final String LOGGER = "dev.basalt.serve.guest";
    /**
     * The longest stderr line exported as one record; a longer one is cut into records of this size, so that a guest
     * that never writes a newline cannot make the host buffer without bound.
     */
    static final int MAX_LINE = 16 * 1024;

    private GuestLogs() {
    }

    /** One request's guest: its component and the request's telemetry (null: off). */
    record Sink(String component, ServeTelemetry.RequestTelemetry telemetry) {
        void log(String level, String context, String message) {
            if (telemetry != null) {
                telemetry.guestLog(component, level, context, message);
                return;
            }
            System.Logger.Level to = switch (level) {
                case "trace" -> System.Logger.Level.TRACE;
                case "debug" -> System.Logger.Level.DEBUG;
                case "info" -> System.Logger.Level.INFO;
                case "warn" -> System.Logger.Level.WARNING;
                default -> System.Logger.Level.ERROR;
            };
            System.Logger logger = System.getLogger(LOGGER);
            if (logger.isLoggable(to)) {
                logger.log(to, component + (context.isEmpty() ? "" : " " + context) + ": " + message);
            }
        }
    }

    /** Whether {@code importNames} (a component's) include {@link #LOGGING}. */
    static boolean imported(List<String> importNames) {
        return importNames.contains(LOGGING);
    }

    /**
     * Defines {@link #LOGGING} in {@code linker}: each {@code log} goes to the {@link Sink} attached to the guest's
     * WASI context (none attached: the record is dropped, as a guest of an embedder that did not ask for it).
     */
    static void addToLinker(ComponentLinker<WasiComponentContext> linker) {
        ValueType level = ValueType.enumOf(LEVELS.toArray(String[]::new));
        linker.instance(LOGGING)
                .defineType("level", level)
                .defineFunction("log", ComponentFuncType.of(List.of(
                        new ComponentFuncType.Param("level", level), new ComponentFuncType.Param("context", ValueType.STRING),
                        new ComponentFuncType.Param("message", ValueType.STRING)), null),
                        (store, args) -> {
                            if (!(args.get(0) instanceof ComponentValue.EnumValue l)
                                    || !(args.get(1) instanceof ComponentValue.Str context)
                                    || !(args.get(2) instanceof ComponentValue.Str message)) {
                                throw new Trap(dev.basalt.TrapKind.COMPONENT, "wasi:logging log: bad arguments "
                                        + args);
                            }
                            store.data().attachment(Sink.class)
                                    .ifPresent(s -> s.log(l.label(), context.value(), message.value()));
                            return List.of();
                        });
    }

    /**
     * A request's guest stdout and stderr split into log records for {@code telemetry}: {@link #wasi} is the guest's
     * grants with those streams (which still pass every byte on where the grants send them); {@link #finish} once
     * the guest is done exports a last line without a newline.
     */
    record StdioRecords(WasiConfig wasi, LineRecords out, LineRecords err) {
        static StdioRecords of(WasiConfig wasi, String component, ServeTelemetry.RequestTelemetry telemetry) {
            LineRecords out = new LineRecords(original(wasi.stdout(), System.out),
                    line -> telemetry.guestOutput(component, "stdout", line));
            LineRecords err = new LineRecords(original(wasi.stderr(), System.err),
                    line -> telemetry.guestOutput(component, "stderr", line));
            return new StdioRecords(wasi.withStdout(new WasiConfig.Stdio.Streams(null, () -> out))
                    .withStderr(new WasiConfig.Stdio.Streams(null, () -> err)), out, err);
        }

        /** Where the grants send the stream ({@code inherited}: the host's own). */
        private static OutputStream original(WasiConfig.Stdio stdio, OutputStream inherited) {
            return switch (stdio) {
                case WasiConfig.Stdio.Inherit i -> new NonClosing(inherited);
                case WasiConfig.Stdio.Closed c -> OutputStream.nullOutputStream();
                case WasiConfig.Stdio.Streams st -> st.out() != null ? st.out().get() : OutputStream.nullOutputStream();
            };
        }

        void finish() {
            out.endLine();
            err.endLine();
        }
    }

    /** The host's own stream, which a guest's context closing must leave open. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /**
     * Passes every byte on to {@code out} and hands each line (without its {@code \n} or {@code \r\n}, decoded as
     * UTF-8) to {@code lines}: at a newline, every {@value #MAX_LINE} bytes of a longer line, and what is left when
     * closed. Flushing does not end a line (guests flush after every write).
     */
    static final class LineRecords extends OutputStream {
        private final OutputStream out;
        private final java.util.function.Consumer<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean closed;

        LineRecords(OutputStream out, java.util.function.Consumer<String> lines) {
            this.out = out;
            this.lines = lines;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    line.write(b, start, i - start);
                    emit();
                    start = i + 1;
                } else if (line.size() + (i + 1 - start) >= MAX_LINE) {
                    line.write(b, start, i + 1 - start);
                    emit();
                    start = i + 1;
                }
            }
            line.write(b, start, off + len - start);
        }

        private void emit() {
            byte[] bytes = line.toByteArray();
            line.reset();
            int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            lines.accept(new String(bytes, 0, n, StandardCharsets.UTF_8));
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        /** Hands on what was written since the last line (the guest is done writing). */
        synchronized void endLine() {
            if (line.size() > 0) {
                emit();
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            endLine();
            out.close();
        }
    }

    /** The level's name as OpenTelemetry's severity text wants it. */
    static String severityText(String level) {
        return level.toUpperCase(Locale.ROOT);
    }
}
