package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.Component;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import dev.basalt.wasi.WasiConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ServeTelemetry} through a running {@link WasiHttpServer} (the C test handler) with the SDK's in-memory
 * span exporter and metric reader: a server span per request continuing the caller's trace, instantiation and
 * outbound client spans as its children with the trace context sent upstream, the metrics by route and status,
 * traps by kind, fuel; and the access log.
 */
class ServeTelemetryTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private OpenTelemetrySdk sdk;
    private HttpServer upstream;
    private final List<String> upstreamTraceparents = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            upstreamTraceparents.add(String.valueOf(exchange.getRequestHeaders().getFirst("traceparent")));
            byte[] out = "fine".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        upstream.start();
    }

    @AfterEach
    void tearDown() {
        upstream.stop(0);
        sdk.close();
    }

    private static byte[] handler;

    @BeforeAll
    static void loadHandler() throws IOException {
        try (java.io.InputStream in = ServeTelemetryTest.class.getResourceAsStream("/wasi-http/handler.component.wasm")) {
            assertThat(in).as("fixture wasi-http/handler.component.wasm").isNotNull();
            handler = in.readAllBytes();
        }
    }

    private static WasiHttpServer.Builder server(List<String> log) {
        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        return WasiHttpServer.builder(engine, Component.compile(engine, handler))
                .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(log::add);
    }

    private static HttpResponse<String> get(WasiHttpServer server, String path, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofMinutes(2));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The server ends a request's span when Jetty completes it, which may be just after the client has the response. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private List<SpanData> serverSpans() {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
    }

    private MetricData metric(String name) {
        Collection<MetricData> all = metrics.collectAllMetrics();
        return all.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + all.stream().map(MetricData::getName).toList()));
    }

    @Test
    void aRequestIsAServerSpanContinuingTheCallersTraceWithInstantiationAndOutboundChildren() throws Exception {
        int port = upstream.getAddress().getPort();
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(log)
                .wasi(WasiConfig.builder().allowOutboundHost("127.0.0.1:" + port).build())
                .telemetry(ServeTelemetry.create(sdk)).start()) {
            HttpResponse<String> r = get(server, "/outbound/127.0.0.1:" + port + "/up?q=1",
                    "traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01", "user-agent", "telemetry-test");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("upstream: fine");
            await("the server span", () -> serverSpans().size() == 1);
        }
        assertThat(log).isEmpty();
        SpanData server = serverSpans().get(0);
        assertThat(server.getName()).isEqualTo("GET /...");
        assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(server.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        var a = server.getAttributes();
        assertThat(a.get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(a.get(AttributeKey.stringKey("http.route"))).isEqualTo("/...");
        assertThat(a.get(AttributeKey.stringKey("url.path"))).isEqualTo("/outbound/127.0.0.1:" + port + "/up");
        assertThat(a.get(AttributeKey.stringKey("url.query"))).isEqualTo("q=1");
        assertThat(a.get(AttributeKey.stringKey("url.scheme"))).isEqualTo("http");
        assertThat(a.get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        assertThat(a.get(AttributeKey.stringKey("network.protocol.version"))).isEqualTo("1.1");
        assertThat(a.get(AttributeKey.stringKey("user_agent.original"))).isEqualTo("telemetry-test");
        assertThat(a.get(AttributeKey.stringKey("client.address"))).isEqualTo("127.0.0.1");
        assertThat(a.get(AttributeKey.stringKey("basalt.component"))).isEqualTo("app");

        List<SpanData> children = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(server.getSpanId())).toList();
        assertThat(children).extracting(SpanData::getName).containsExactlyInAnyOrder("instantiate app", "GET");
        SpanData client = children.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
        assertThat(client.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(client.getAttributes().get(AttributeKey.stringKey("url.full")))
                .isEqualTo("http://127.0.0.1:" + port + "/up?q=1");
        assertThat(client.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("127.0.0.1");
        assertThat(client.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo((long) port);
        assertThat(client.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        // the upstream was told the client span as its parent
        assertThat(upstreamTraceparents).containsExactly("00-" + TRACE_ID + "-" + client.getSpanId() + "-01");

        HistogramPointData clientDuration = (HistogramPointData) metric("http.client.request.duration").getData()
                .getPoints().iterator().next();
        assertThat(clientDuration.getCount()).isEqualTo(1);
        assertThat(clientDuration.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
        HistogramPointData instantiation = (HistogramPointData) metric("basalt.instantiation.duration").getData()
                .getPoints().iterator().next();
        assertThat(instantiation.getCount()).isEqualTo(1);
        assertThat(instantiation.getAttributes().get(AttributeKey.stringKey("basalt.component"))).isEqualTo("app");
    }

    @Test
    void withoutAnIncomingTraceContextARequestStartsANewTrace() throws Exception {
        try (WasiHttpServer server = server(new CopyOnWriteArrayList<>())
                .telemetry(ServeTelemetry.create(sdk)).start()) {
            assertThat(get(server, "/counter").statusCode()).isEqualTo(200);
            assertThat(get(server, "/counter").statusCode()).isEqualTo(200);
            await("two server spans", () -> serverSpans().size() == 2);
        }
        List<SpanData> servers = serverSpans();
        assertThat(servers).allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
        assertThat(servers.get(0).getTraceId()).isNotEqualTo(servers.get(1).getTraceId());
    }

    @Test
    void durationsCountRequestsByRouteAndStatusAndTrapsByKindAndFuel() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(log)
                .fuelPerRequest(50_000_000).telemetry(ServeTelemetry.create(sdk)).start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(get(server, "/counter").statusCode()).isEqualTo(200);
            }
            assertThat(get(server, "/trap").statusCode()).isEqualTo(500);
            assertThat(get(server, "/error-code").statusCode()).isEqualTo(500);
            await("five server spans", () -> serverSpans().size() == 5);
        }
        assertThat(log).hasSize(2);

        List<HistogramPointData> durations = metric("http.server.request.duration").getHistogramData().getPoints()
                .stream().toList();
        HistogramPointData ok = durations.stream()
                .filter(p -> Long.valueOf(200).equals(p.getAttributes().get(AttributeKey.longKey("http.response.status_code"))))
                .findFirst().orElseThrow();
        assertThat(ok.getCount()).isEqualTo(3);
        assertThat(ok.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/...");
        assertThat(ok.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(ok.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
        assertThat(durations).filteredOn(p -> Long.valueOf(500).equals(p.getAttributes().get(AttributeKey.longKey("http.response.status_code"))))
                .extracting(p -> p.getAttributes().get(AttributeKey.stringKey("error.type")))
                .containsExactlyInAnyOrder("unreachable", "dev.basalt.wasi.preview2.WasiHttpException");

        LongPointData traps = metric("basalt.traps").getLongSumData().getPoints().iterator().next();
        assertThat(traps.getValue()).isEqualTo(1);
        assertThat(traps.getAttributes().get(AttributeKey.stringKey("basalt.trap.kind"))).isEqualTo("unreachable");

        HistogramPointData fuel = metric("basalt.fuel.consumed").getHistogramData().getPoints().iterator().next();
        assertThat(fuel.getCount()).isEqualTo(5);
        assertThat(fuel.getSum()).isPositive();

        // every request ended: none active
        assertThat(metric("http.server.active_requests").getLongSumData().getPoints())
                .allSatisfy(p -> assertThat(p.getValue()).isZero());

        SpanData trapped = serverSpans().stream()
                .filter(s -> "/trap".equals(s.getAttributes().get(AttributeKey.stringKey("url.path")))).findFirst().orElseThrow();
        assertThat(trapped.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(trapped.getEvents()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("exception");
            assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.stacktrace")))
                    .startsWith("unreachable").contains("\n    at ");
        });
    }

    @Test
    void embeddersCallingWasiHttpThemselvesGetOutboundSpansUnderTheirOwn() {
        int port = upstream.getAddress().getPort();
        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        dev.basalt.component.ComponentLinker<dev.basalt.wasi.preview2.WasiComponentContext> linker =
                dev.basalt.component.ComponentLinker.create(engine);
        dev.basalt.wasi.preview2.WasiPreview2.addToLinker(linker, ctx -> ctx);
        var pre = linker.instantiatePre(Component.compile(engine, handler));
        io.opentelemetry.api.trace.Span job = sdk.getTracer("embedder").spanBuilder("job").startSpan();
        try (var wasi = dev.basalt.wasi.preview2.WasiComponentContext.create(
                WasiConfig.builder().allowOutboundHost("127.0.0.1:" + port).build())) {
            wasi.observeOutboundHttp(ServeTelemetry.create(sdk)
                    .outboundObserver(io.opentelemetry.context.Context.root().with(job)));
            var response = dev.basalt.wasi.preview2.WasiHttp.handle(pre.instantiate(dev.basalt.Store.create(engine, wasi)),
                    wasi, dev.basalt.wasi.preview2.WasiHttp.Request.of("GET", "/outbound/127.0.0.1:" + port + "/e",
                            List.of(), new byte[0]));
            assertThat(response.status()).isEqualTo(200);
        } finally {
            job.end();
        }
        SpanData client = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CLIENT)
                .findFirst().orElseThrow();
        assertThat(client.getParentSpanId()).isEqualTo(job.getSpanContext().getSpanId());
        assertThat(client.getTraceId()).isEqualTo(job.getSpanContext().getTraceId());
        assertThat(upstreamTraceparents).containsExactly(
                "00-" + client.getTraceId() + "-" + client.getSpanId() + "-" + client.getSpanContext().getTraceFlags().asHex());
    }

    @Test
    void theAccessLogHasALinePerRequest() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        int bodyBytes;
        try (WasiHttpServer server = server(new CopyOnWriteArrayList<>())
                .requestLog(AccessLog.create("combined", lines::add)).start()) {
            HttpResponse<String> echo = get(server, "/echo?x=1", "user-agent", "access-test", "referer", "http://from.example/");
            assertThat(echo.statusCode()).isEqualTo(200);
            bodyBytes = echo.body().getBytes(StandardCharsets.UTF_8).length;
            assertThat(get(server, "/trap").statusCode()).isEqualTo(500);
            await("two access log lines", () -> lines.size() == 2);
        }
        assertThat(lines.get(0)).matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /echo\\?x=1 HTTP/1\\.1\" 200 " + bodyBytes + " "
                + "\"http://from\\.example/\" \"access-test\"");
        assertThat(lines.get(1)).matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /trap HTTP/1\\.1\" 500 \\d+ \"-\" \"[^\"]+\"");
        assertThat(AccessLog.create("%s %m", line -> { })).isInstanceOf(org.eclipse.jetty.server.CustomRequestLog.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AccessLog.create("fancy", line -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown access log format fancy");
    }
}
