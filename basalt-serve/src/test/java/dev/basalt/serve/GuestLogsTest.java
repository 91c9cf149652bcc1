package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.Component;
import dev.basalt.component.binary.ComponentBinaryWriter;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.wasi.WasiConfig;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What guests log ({@link GuestLogs}), through a running server and the logging echo service
 * (logging/echo-logging.wat: a wasi:logging record, then "line one\nline two" on stderr and a line on stdout): with
 * telemetry, OpenTelemetry log records in the request's trace; without, the wasi:logging record on the
 * {@code dev.basalt.serve.guest} logger and the output where the grants send it.
 */
class GuestLogsTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    static Component loggingEcho(Engine engine) throws IOException {
        try (InputStream in = GuestLogsTest.class.getResourceAsStream("/logging/echo-logging.wat")) {
            String wat = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Component.compile(engine, ComponentBinaryWriter.write(ComponentTextParser.parse(wat)));
        }
    }

    private static HttpResponse<String> post(WasiHttpServer server, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/p"))
                .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withTelemetryWasiLoggingAndOutputLinesAreLogRecordsOfTheRequest() throws Exception {
        InMemoryLogRecordExporter logs = InMemoryLogRecordExporter.create();
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        List<String> errors = new CopyOnWriteArrayList<>();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setLoggerProvider(SdkLoggerProvider.builder().addLogRecordProcessor(SimpleLogRecordProcessor.create(logs))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build()) {
            Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
            // the grants' stderr still gets every byte
            WasiConfig wasi = WasiConfig.builder().stderr(new WasiConfig.Stdio.Streams(null, () -> stderr))
                    .stdout(new WasiConfig.Stdio.Streams(null, () -> stdout)).build();
            try (WasiHttpServer server = WasiHttpServer.builder(engine, loggingEcho(engine)).wasi(wasi)
                    .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(errors::add)
                    .telemetry(ServeTelemetry.create(sdk)).start()) {
                HttpResponse<String> r = post(server, "logged");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("echo:logged");
            }
            assertThat(errors).isEmpty();
            assertThat(stderr.toString(StandardCharsets.UTF_8)).isEqualTo("line one\nline two");
            assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("to stdout\n");
            SpanData request = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getKind() == io.opentelemetry.api.trace.SpanKind.SERVER).findFirst().orElseThrow();
            List<LogRecordData> records = logs.getFinishedLogRecordItems();
            assertThat(records).hasSize(4);
            LogRecordData logged = records.get(0);
            assertThat(logged.getBodyValue().asString()).isEqualTo("handling a request");
            assertThat(logged.getSeverity()).isEqualTo(Severity.WARN);
            assertThat(logged.getSeverityText()).isEqualTo("WARN");
            assertThat(logged.getAttributes().get(ServeTelemetry.LOG_CONTEXT)).isEqualTo("echo");
            assertThat(logged.getAttributes().get(ServeTelemetry.COMPONENT)).isEqualTo("app");
            List<String> lines = new ArrayList<>();
            for (LogRecordData line : records.subList(1, 4)) {
                lines.add(line.getAttributes().get(ServeTelemetry.LOG_IOSTREAM) + ": " + line.getBodyValue().asString());
                assertThat(line.getSeverity()).isEqualTo(Severity.UNDEFINED_SEVERITY_NUMBER);
            }
            // stderr's last line had no newline: it is exported when the guest is done
            assertThat(lines).containsExactly("stderr: line one", "stdout: to stdout", "stderr: line two");
            for (LogRecordData x : records) {
                assertThat(x.getSpanContext().getTraceId()).as("in the request's trace").isEqualTo(TRACE_ID);
                assertThat(x.getSpanContext().getSpanId()).isEqualTo(request.getSpanId());
            }
        }
    }

    @Test
    void withoutTelemetryWasiLoggingGoesToTheGuestLogger() throws Exception {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(GuestLogs.LOGGER);
        List<java.util.logging.LogRecord> published = new CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                published.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(handler);
        try {
            Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
            try (WasiHttpServer server = WasiHttpServer.builder(engine, loggingEcho(engine))
                    .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
                assertThat(post(server, "x").body()).isEqualTo("echo:x");
            }
        } finally {
            jul.removeHandler(handler);
        }
        assertThat(published).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
            assertThat(r.getMessage()).isEqualTo("app echo: handling a request");
        });
    }

    @Test
    void stderrIsCutIntoLinesAndBoundedLinesWithoutTouchingTheBytes() throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        GuestLogs.LineRecords out = new GuestLogs.LineRecords(passed, lines::add);
        out.write("a\r\nb".getBytes(StandardCharsets.UTF_8));
        out.write("c\n\nü".getBytes(StandardCharsets.UTF_8));
        out.flush(); // a flush does not end a line
        out.write('\n');
        byte[] longLine = "x".repeat(GuestLogs.MAX_LINE * 2 + 3).getBytes(StandardCharsets.UTF_8);
        out.write(longLine);
        out.endLine();
        out.endLine(); // nothing more
        assertThat(lines).containsExactly("a", "bc", "", "ü", "x".repeat(GuestLogs.MAX_LINE),
                "x".repeat(GuestLogs.MAX_LINE), "xxx");
        assertThat(passed.size()).isEqualTo("a\r\nbc\n\nü\n".getBytes(StandardCharsets.UTF_8).length + longLine.length);
    }
}
