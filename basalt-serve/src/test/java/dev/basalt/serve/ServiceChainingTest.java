package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spin's in-process requests between the components of one application, through a running server: service
 * chaining ({@code http://ID.spin.internal/}, also to a private component) and self-requests ({@code self.alt},
 * routed by path), their grants, Spin's headers on the chained request, a missing component, a loop, a callee that
 * traps. Every component is basalt-wasi's C test handler, whose {@code /outbound/AUTHORITY/PATH} sends a request
 * and answers "upstream: " and the response's body (or 502 "error-code: CASE").
 */
class ServiceChainingTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private WasiHttpServer server;

    @BeforeEach
    void start() throws Exception {
        try (InputStream in = ServiceChainingTest.class.getResourceAsStream("/wasi-http/handler.component.wasm")) {
            assertThat(in).isNotNull();
            Files.write(dir.resolve("handler.wasm"), in.readAllBytes());
        }
        Path file = Files.writeString(dir.resolve("spin.toml"), """
                spin_manifest_version = 2
                [application]
                name = "chain"

                [[trigger.http]]
                route = "/outbound/inventory.spin.internal/..."
                component = "front"
                [[trigger.http]]
                route = "/outbound/self.alt/..."
                component = "front"
                [[trigger.http]]
                route = "/outbound/public.spin.internal/..."
                component = "front"
                [[trigger.http]]
                route = { private = true }
                component = "inventory"
                [[trigger.http]]
                route = "/pub/..."
                component = "public"
                [[trigger.http]]
                route = "/outbound/inventory.spin.internal/nogrant/..."
                component = "public"
                [[trigger.http]]
                route = "/outbound/looper.spin.internal/..."
                component = "looper"
                [[trigger.http]]
                route = "/outbound/nope.spin.internal/..."
                component = "looper"
                [[trigger.http]]
                route = "/outbound/public.spin.internal/looper/..."
                component = "looper"
                [[trigger.http]]
                route = "/outbound/inventory.spin.internal/wild/..."
                component = "wild"
                [[trigger.http]]
                route = "/outbound/self.alt/wild/..."
                component = "wild"

                [component.front]
                source = "handler.wasm"
                allowed_outbound_hosts = ["http://inventory.spin.internal", "http://self"]
                [component.inventory]
                source = "handler.wasm"
                [component.public]
                source = "handler.wasm"
                [component.looper]
                source = "handler.wasm"
                allowed_outbound_hosts = ["http://*.spin.internal"]
                [component.wild]
                source = "handler.wasm"
                allowed_outbound_hosts = ["*://*:*"]
                """);
        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        server = AppManifest.load(file).serverBuilder(engine, java.util.Optional.empty(), java.util.Map.of(),
                        dir.resolve(".spin"))
                .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(log::add).start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void chainedRequestRunsThePrivateComponentInProcessWithSpinHeaders() throws Exception {
        HttpResponse<String> r = get("/outbound/inventory.spin.internal/items/7?full=1");
        assertThat(r.statusCode()).isEqualTo(200);
        // the host does not resolve: only an in-process request reaches the component
        assertThat(r.body()).startsWith("upstream: GET /items/7?full=1\n")
                .contains("\nhost: inventory.spin.internal\n")
                .contains("\nx-from: basalt\n")
                .contains("\nspin-path-info: /items/7\n")
                .contains("\nspin-matched-route: /...\n")
                .contains("\nspin-full-url: http://inventory.spin.internal/items/7?full=1\n")
                .contains("\nspin-client-addr: 127.0.0.1:0\n");
        assertThat(get("/inventory").statusCode()).as("a private component has no route").isEqualTo(404);
        assertThat(log).isEmpty();
    }

    /**
     * With telemetry, a chained request and a self-request each run in a span of their own ({@code basalt.hop}
     * {@code chained} / {@code self}) under the caller's CLIENT span, in the incoming request's trace.
     */
    @Test
    void chainedAndSelfRequestsHaveSpansOfTheirOwn() throws Exception {
        var spans = io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
        try (var sdk = io.opentelemetry.sdk.OpenTelemetrySdk.builder()
                .setTracerProvider(io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                        .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(spans)).build())
                .setPropagators(io.opentelemetry.context.propagation.ContextPropagators.create(
                        io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance()))
                .build()) {
            Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
            try (WasiHttpServer traced = AppManifest.load(dir.resolve("spin.toml")).serverBuilder(engine,
                            java.util.Optional.empty(), java.util.Map.of(), dir.resolve(".spin"))
                    .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(log::add)
                    .telemetry(ServeTelemetry.create(sdk)).start()) {
                for (String path : List.of("/outbound/inventory.spin.internal/items", "/outbound/self.alt/pub/x")) {
                    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + traced.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                }
            }
            var all = spans.getFinishedSpanItems();
            for (String[] expected : new String[][] {{"GET inventory", "chained", "/items"},
                    {"GET public", "self", "/pub/x"}}) {
                var hop = all.stream().filter(x -> x.getName().equals(expected[0])).findFirst().orElseThrow(
                        () -> new AssertionError("no span " + expected[0] + " in " + all));
                assertThat(hop.getAttributes().get(ServeTelemetry.HOP)).isEqualTo(expected[1]);
                assertThat(hop.getAttributes().get(ServeTelemetry.URL_PATH)).isEqualTo(expected[2]);
                var client = all.stream().filter(x -> x.getSpanId().equals(hop.getParentSpanId())).findFirst()
                        .orElseThrow();
                assertThat(client.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CLIENT);
                var incoming = all.stream().filter(x -> x.getSpanId().equals(client.getParentSpanId())).findFirst()
                        .orElseThrow();
                assertThat(incoming.getAttributes().get(ServeTelemetry.COMPONENT)).isEqualTo("front");
                assertThat(hop.getTraceId()).isEqualTo(incoming.getTraceId());
            }
        }
        assertThat(log).isEmpty();
    }

    @Test
    void requestBodyStreamsToTheChainedComponent() throws Exception {
        String payload = "x".repeat(100_000) + "end";
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/outbound/inventory.spin.internal/store"))
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("upstream: POST /store\n").endsWith("\nbody=" + payload);
    }

    @Test
    void selfRequestIsRoutedByItsPath() throws Exception {
        HttpResponse<String> r = get("/outbound/self.alt/pub/x/y");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("upstream: GET /pub/x/y\n")
                .contains("\nspin-matched-route: /pub/...\n")
                .contains("\nspin-path-info: /x/y\n");
        HttpResponse<String> none = get("/outbound/self.alt/nowhere");
        assertThat(none.statusCode()).as("no route for the self-request's path").isEqualTo(404);
    }

    @Test
    void onlyTheSpinInternalAndSelfGrantsAllowInProcessRequests() throws Exception {
        assertThat(get("/outbound/inventory.spin.internal/nogrant/x").body())
                .as("no grant").isEqualTo("error-code: HTTP-request-denied\n");
        assertThat(get("/outbound/inventory.spin.internal/wild/x").body())
                .as("*://*:* does not grant chaining").isEqualTo("error-code: HTTP-request-denied\n");
        assertThat(get("/outbound/self.alt/wild/pub/x").body())
                .as("*://*:* does not grant self-requests").isEqualTo("error-code: HTTP-request-denied\n");
        assertThat(get("/outbound/public.spin.internal/x").body())
                .as("a grant names one component").isEqualTo("error-code: HTTP-request-denied\n");
        assertThat(get("/outbound/public.spin.internal/looper/x").body())
                .as("*.spin.internal grants every component").startsWith("upstream: GET /looper/x\n");
        assertThat(get("/outbound/nope.spin.internal/x").body())
                .isEqualTo("error-code: destination-not-found\n");
    }

    @Test
    void aChainThatCallsItselfEndsAsLoopDetected() throws Exception {
        String path = "/outbound/looper.spin.internal".repeat(WasiHttpServer.MAX_CHAIN_DEPTH + 1) + "/x";
        HttpResponse<String> r = get(path);
        assertThat(r.body()).isEqualTo("upstream: ".repeat(WasiHttpServer.MAX_CHAIN_DEPTH)
                + "error-code: loop-detected\n");
        String shorter = "/outbound/looper.spin.internal".repeat(WasiHttpServer.MAX_CHAIN_DEPTH) + "/x";
        assertThat(get(shorter).body()).as("a chain of the maximum depth is served")
                .startsWith("upstream: ".repeat(WasiHttpServer.MAX_CHAIN_DEPTH) + "GET /x\n");
    }

    @Test
    void aTrapInTheCalleeIsTheCallers500() throws Exception {
        HttpResponse<String> r = get("/outbound/inventory.spin.internal/trap");
        assertThat(r.statusCode()).as("the callee's failure is a response, not the caller's").isEqualTo(500);
        assertThat(r.body()).isEqualTo("upstream: ");
        assertThat(log).singleElement().asString().contains("http://inventory.spin.internal/trap (chained)")
                .contains("(inventory): the guest trapped");
        assertThat(get("/outbound/inventory.spin.internal/ok").statusCode()).isEqualTo(200);
    }

    /**
     * WASI 0.3 on both sides, through the builder API: the 0.3 proxy service (basalt-wasi's wasi-http-p3/proxy.wat,
     * GET /upstream to the host its x-target header names) chains to the private C handler, and the C handler chains
     * to the private 0.3 echo service, whose response body streams back through both.
     */
    @Test
    void wasi03ServicesChainBothWays() throws Exception {
        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        dev.basalt.component.Component handler;
        try (InputStream in = ServiceChainingTest.class.getResourceAsStream("/wasi-http/handler.component.wasm")) {
            handler = dev.basalt.component.Component.compile(engine, in.readAllBytes());
        }
        dev.basalt.wasi.WasiConfig chaining = dev.basalt.wasi.WasiConfig.builder()
                .allowOutboundHost("http://*.spin.internal").build();
        try (WasiHttpServer chain = WasiHttpServer.builder(engine)
                .route("/p3/...", "proxy", WasiHttpServerP3Test.component(engine, "proxy.wat"), chaining)
                .route("/outbound/...", "c-caller", handler, chaining)
                .privateComponent("c", handler, dev.basalt.wasi.WasiConfig.builder().build())
                .privateComponent("echo", WasiHttpServerP3Test.component(engine, "echo.wat"),
                        dev.basalt.wasi.WasiConfig.builder().build())
                .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(log::add).start()) {
            HttpResponse<String> fromP3 = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + chain.port() + "/p3/go")).header("x-target", "c.spin.internal").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(fromP3.statusCode()).isEqualTo(200);
            assertThat(fromP3.body()).startsWith("GET /upstream\n").contains("\nhost: c.spin.internal\n");
            HttpResponse<String> toP3 = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + chain.port() + "/outbound/echo.spin.internal/e?x=1")).POST(HttpRequest.BodyPublishers
                    .ofString("ping")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(toP3.statusCode()).isEqualTo(200);
            assertThat(toP3.body()).isEqualTo("upstream: echo:ping");
        }
        assertThat(log).isEmpty();
    }

    @Test
    void aClientCannotPassForAChainedCaller() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET /pub/x HTTP/1.1\r\nHost: inventory.spin.internal\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200").contains("GET /pub/x\n").doesNotContain("spin.internal");
        }
    }
}
