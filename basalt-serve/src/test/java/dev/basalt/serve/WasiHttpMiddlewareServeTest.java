package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.binary.ComponentBinaryWriter;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.wasi.WasiConfig;
import java.io.ByteArrayOutputStream;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code basalt serve} and the {@code wasi:http/middleware} world over real HTTP: the middleware
 * (basalt-wasi's wasi-http-p3/middleware.wat) is routed, its next handler is the echo service (wasi-http-p3/echo.wat)
 * as a private component ({@link WasiHttpServer.Builder#nextHandler}, a manifest's {@code next_handler}), run
 * in-process. The request and response bodies stream through both guests; the middleware answers some requests
 * itself; a chain that comes back to itself ends with {@code loop-detected}.
 */
class WasiHttpMiddlewareServeTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private static WasiHttpServer.Builder builder(Engine engine, List<String> log) throws IOException {
        return WasiHttpServer.builder(engine)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .errorLog(log::add);
    }

    private static Engine engine(Config.Strategy strategy) {
        return Engine.create(Config.builder().strategy(strategy).build());
    }

    private static HttpResponse<String> post(WasiHttpServer server, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofMinutes(2));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void theNextHandlerAnswersThroughTheMiddleware(Config.Strategy strategy) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Engine engine = engine(strategy);
        WasiConfig none = WasiConfig.builder().build();
        try (WasiHttpServer server = builder(engine, log)
                .route("/...", "gate", WasiHttpServerP3Test.component(engine, "middleware.wat"), none)
                .privateComponent("echo", WasiHttpServerP3Test.component(engine, "echo.wat"), none)
                .nextHandler("gate", "echo")
                .start()) {
            HttpResponse<String> r = post(server, "/p/q?x=1", "through the chain");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-middleware")).hasValue("seen");
            assertThat(r.headers().firstValue("x-path")).as("the echo service saw the path").hasValue("/p/q?x=1");
            assertThat(r.body()).isEqualTo("echo:through the chain");

            HttpResponse<String> denied = post(server, "/", "never read", "x-deny", "yes");
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(denied.headers().firstValue("x-middleware")).hasValue("denied");
            assertThat(denied.headers().firstValue("x-path")).as("no echo").isEmpty();
            // the two requests, and the one the middleware passed on to its next handler
            assertThat(server.requestCount()).isEqualTo(3);
        }
        assertThat(log).isEmpty();
    }

    /**
     * A chunked request whose second chunk is sent only after the echo of the first came back: the bodies stream
     * through the middleware and its next handler both ways (a host buffering a body anywhere would never answer).
     */
    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void bodiesStreamThroughTheChain(Config.Strategy strategy) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Engine engine = engine(strategy);
        WasiConfig none = WasiConfig.builder().build();
        try (WasiHttpServer server = builder(engine, log)
                .route("/...", "gate", WasiHttpServerP3Test.component(engine, "middleware.wat"), none)
                .privateComponent("echo", WasiHttpServerP3Test.component(engine, "echo.wat"), none)
                .nextHandler("gate", "echo")
                .start();
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /stream HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n6\r\nfirst,\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buf = new byte[1024];
            while (!WasiHttpServerP3Test.chunkedBody(received.toString(StandardCharsets.ISO_8859_1))
                    .contains("echo:first,")) {
                int n = in.read(buf);
                assertThat(n).as("the connection ended early: %s", received).isPositive();
                received.write(buf, 0, n);
            }
            assertThat(received.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200")
                    .containsIgnoringCase("x-middleware: seen");
            out.write("6\r\nsecond\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            received.writeBytes(in.readAllBytes());
            String response = received.toString(StandardCharsets.ISO_8859_1);
            assertThat(response).endsWith("0\r\n\r\n");
            assertThat(WasiHttpServerP3Test.chunkedBody(response)).isEqualTo("echo:first,second");
        }
        assertThat(log).isEmpty();
    }

    /**
     * A next handler that fails before its response gives the middleware's imported {@code handle} an error-code, as
     * a request that got no response over the network would, never a response of the host's making: the next
     * handler's own error-code as it set it, {@code internal-error} when it trapped. A trap after its response
     * started ends the response body the middleware passes on.
     */
    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aFailingNextHandlerGivesTheMiddlewareAnErrorCode(Config.Strategy strategy) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Engine engine = engine(strategy);
        WasiConfig none = WasiConfig.builder().build();
        try (WasiHttpServer server = builder(engine, log)
                .route("/...", "gate", WasiHttpServerP3Test.component(engine, "middleware.wat"), none)
                .privateComponent("failing", WasiHttpServerP3Test.component(engine, "failing.wat"), none)
                .nextHandler("gate", "failing")
                .start()) {
            HttpResponse<String> own = post(server, "/c/x", "");
            assertThat(own.statusCode()).isEqualTo(502);
            assertThat(own.headers().firstValue("x-next-error")).as("configuration-error, as set").hasValue("37");

            HttpResponse<String> trapped = post(server, "/u/x", "");
            assertThat(trapped.statusCode()).isEqualTo(502);
            assertThat(trapped.headers().firstValue("x-next-error")).as("internal-error").hasValue("38");

            HttpResponse<String> fine = post(server, "/ok", "still");
            assertThat(fine.statusCode()).isEqualTo(200);
            assertThat(fine.body()).isEqualTo("echo:still");

            assertThatThrownBy(() -> post(server, "/t/x", "late")).as("the body ends early").isInstanceOf(IOException.class);
        }
        assertThat(log).hasSize(4);
        assertThat(log.get(0)).contains("(next handler) (failing)").contains("error-code configuration-error");
        assertThat(log.get(1)).contains("/u/x (next handler) (failing): the guest trapped: unreachable");
        assertThat(log.get(2)).contains("/t/x (next handler) (failing): the guest trapped: unreachable");
        assertThat(log.get(3)).contains("/t/x (gate): the response body is incomplete");
    }

    /** Two middlewares that are each other's next handler: the chain ends at its depth limit with loop-detected. */
    @Test
    void aChainThatComesBackToItselfEndsWithLoopDetected() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Engine engine = engine(Config.Strategy.INTERPRETER);
        WasiConfig none = WasiConfig.builder().build();
        var middleware = WasiHttpServerP3Test.component(engine, "middleware.wat");
        try (WasiHttpServer server = builder(engine, log)
                .route("/...", "a", middleware, none)
                .privateComponent("b", middleware, none)
                .nextHandler("a", "b")
                .nextHandler("b", "a")
                .start()) {
            HttpResponse<String> r = post(server, "/", "");
            // the innermost middleware gets loop-detected (36) and answers 502; the others pass that on
            assertThat(r.statusCode()).as("%s", log).isEqualTo(502);
            assertThat(r.headers().firstValue("x-next-error")).hasValue("36");
            assertThat(r.headers().allValues("x-middleware")).hasSize(WasiHttpServer.MAX_CHAIN_DEPTH);
        }
        assertThat(log).isEmpty();
    }

    @Test
    void aNextHandlerNeedsAMiddlewareAndAKnownComponent() throws Exception {
        Engine engine = engine(Config.Strategy.INTERPRETER);
        WasiConfig none = WasiConfig.builder().build();
        var echo = WasiHttpServerP3Test.component(engine, "echo.wat");
        assertThatThrownBy(() -> builder(engine, List.of()).route("/...", "echo", echo, none)
                .privateComponent("other", echo, none).nextHandler("echo", "other").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no wasi:http/middleware");
        assertThatThrownBy(() -> builder(engine, List.of()).route("/...", "gate",
                WasiHttpServerP3Test.component(engine, "middleware.wat"), none).nextHandler("gate", "missing").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing is no component");
    }

    /** A manifest's next_handler: the next handler needs no trigger of its own (it becomes a private component). */
    @Test
    void aManifestNamesTheNextHandler() throws Exception {
        for (String fixture : List.of("middleware.wat", "echo.wat")) {
            try (InputStream in = WasiHttpMiddlewareServeTest.class.getResourceAsStream("/wasi-http-p3/" + fixture)) {
                String wat = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Files.write(dir.resolve(fixture.replace(".wat", ".wasm")),
                        ComponentBinaryWriter.write(ComponentTextParser.parse(wat)));
            }
        }
        Path file = Files.writeString(dir.resolve("spin.toml"), """
                spin_manifest_version = 2
                [application]
                name = "gated"

                [[trigger.http]]
                route = "/..."
                component = "gate"

                [component.gate]
                source = "middleware.wasm"
                next_handler = "backend"

                [component.backend]
                source = "echo.wasm"
                """);
        AppManifest app = AppManifest.load(file);
        assertThat(app.components().get("gate").nextHandler()).hasValue("backend");
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = app.serverBuilder(engine(Config.Strategy.INTERPRETER))
                .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(log::add).start()) {
            HttpResponse<String> r = post(server, "/m", "manifest");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-middleware")).hasValue("seen");
            assertThat(r.body()).isEqualTo("echo:manifest");
        }
        assertThat(log).isEmpty();

        Files.writeString(file, Files.readString(file).replace("next_handler = \"backend\"", "next_handler = \"nope\""));
        assertThatThrownBy(() -> AppManifest.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("next_handler names the unknown component `nope`");
    }

    /**
     * One middleware, different next handlers per route ({@link WasiHttpServer.Builder#routeNextHandlers}): on
     * {@code /one/...} echo directly, on {@code /two/...} the middleware once more and then echo, on {@code /e/...}
     * its own next handler (failing.wat, which fails paths starting with /e with an error-code: the middleware's 502), and on
     * the exact route {@code /e/echo}
     * (more specific than {@code /e/...}) echo again.
     */
    @Test
    void aMiddlewareHasItsOwnNextHandlersPerRoute() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Engine engine = engine(Config.Strategy.INTERPRETER);
        WasiConfig none = WasiConfig.builder().build();
        var middleware = WasiHttpServerP3Test.component(engine, "middleware.wat");
        try (WasiHttpServer server = builder(engine, log)
                .route("/one/...", "gate", middleware, none)
                .route("/two/...", "gate", middleware, none)
                .route("/e/...", "gate", middleware, none)
                .route("/e/echo", "gate", middleware, none)
                .privateComponent("echo", WasiHttpServerP3Test.component(engine, "echo.wat"), none)
                .privateComponent("failing", WasiHttpServerP3Test.component(engine, "failing.wat"), none)
                .nextHandler("gate", "failing")
                .routeNextHandlers("/one/...", "echo")
                .routeNextHandlers("/two/...", "gate", "echo")
                .routeNextHandlers("/e/echo", "echo")
                .start()) {
            HttpResponse<String> one = post(server, "/one/x", "1");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(one.headers().allValues("x-middleware")).containsExactly("seen");
            assertThat(one.body()).isEqualTo("echo:1");

            HttpResponse<String> two = post(server, "/two/x", "2");
            assertThat(two.statusCode()).isEqualTo(200);
            assertThat(two.headers().allValues("x-middleware")).as("the middleware twice").hasSize(2);
            assertThat(two.body()).isEqualTo("echo:2");

            // the component's own next handler: failing.wat answers paths starting with /e with
            // err(internal-error), which the middleware's handle gets as it is (38) and answers 502
            HttpResponse<String> own = post(server, "/e/x", "3");
            assertThat(own.statusCode()).isEqualTo(502);
            assertThat(own.headers().firstValue("x-next-error")).hasValue("38");

            HttpResponse<String> exact = post(server, "/e/echo", "4");
            assertThat(exact.statusCode()).isEqualTo(200);
            assertThat(exact.body()).isEqualTo("echo:4");
            assertThat(exact.headers().firstValue("x-path")).hasValue("/e/echo");
        }
        // failing.wat's failure is logged as the next handler's, once
        assertThat(log).singleElement().asString().contains("(failing)").contains("(next handler)");
    }

    @Test
    void aRoutesNextHandlersAreChecked() throws Exception {
        Engine engine = engine(Config.Strategy.INTERPRETER);
        WasiConfig none = WasiConfig.builder().build();
        var middleware = WasiHttpServerP3Test.component(engine, "middleware.wat");
        var echo = WasiHttpServerP3Test.component(engine, "echo.wat");
        assertThatThrownBy(() -> builder(engine, List.of()).route("/...", "gate", middleware, none)
                .routeNextHandlers("/other/...", "gate").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("route /other/..., which the server does not serve");
        assertThatThrownBy(() -> builder(engine, List.of()).route("/...", "gate", middleware, none)
                .routeNextHandlers("/...", "missing").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing is no component of the server");
        // echo is no middleware: it cannot pass a request on to the chain's next element
        assertThatThrownBy(() -> builder(engine, List.of()).route("/...", "gate", middleware, none)
                .privateComponent("echo", echo, none).routeNextHandlers("/...", "echo", "gate").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("component echo has a next handler but is no wasi:http/middleware");
        assertThatThrownBy(() -> builder(engine, List.of()).route("/...", "gate", middleware, none)
                .routeNextHandlers("/...", "gate").routeNextHandlers("/...", "gate"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has next handlers already");
    }

    /** A trigger's next_handler (one id or a chain) overrides the component's own on that route only. */
    @Test
    void aManifestTriggerNamesItsOwnNextHandlers() throws Exception {
        for (String fixture : List.of("middleware.wat", "echo.wat", "failing.wat")) {
            try (InputStream in = WasiHttpMiddlewareServeTest.class.getResourceAsStream("/wasi-http-p3/" + fixture)) {
                String wat = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Files.write(dir.resolve(fixture.replace(".wat", ".wasm")),
                        ComponentBinaryWriter.write(ComponentTextParser.parse(wat)));
            }
        }
        Path file = Files.writeString(dir.resolve("spin.toml"), """
                spin_manifest_version = 2
                [application]
                name = "gated"

                [[trigger.http]]
                route = "/e/..."
                component = "gate"

                [[trigger.http]]
                route = "/e/echo/..."
                component = "gate"
                next_handler = "backend"

                [[trigger.http]]
                route = "/e/twice/..."
                component = "gate"
                next_handler = ["gate", "backend"]

                [component.gate]
                source = "middleware.wasm"
                next_handler = "failing"

                [component.backend]
                source = "echo.wasm"

                [component.failing]
                source = "failing.wasm"
                """);
        AppManifest app = AppManifest.load(file);
        assertThat(app.routes()).extracting(AppManifest.HttpTrigger::nextHandlers)
                .containsExactly(List.of(), List.of("backend"), List.of("gate", "backend"));
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = app.serverBuilder(engine(Config.Strategy.INTERPRETER))
                .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(log::add).start()) {
            assertThat(post(server, "/e/x", "a").statusCode()).as("the component's own: failing").isEqualTo(502);
            HttpResponse<String> echo = post(server, "/e/echo/x", "b");
            assertThat(echo.statusCode()).isEqualTo(200);
            assertThat(echo.body()).isEqualTo("echo:b");
            HttpResponse<String> twice = post(server, "/e/twice/x", "c");
            assertThat(twice.statusCode()).isEqualTo(200);
            assertThat(twice.headers().allValues("x-middleware")).hasSize(2);
            assertThat(twice.body()).isEqualTo("echo:c");
        }
        assertThat(log).singleElement().asString().contains("(failing)");

        String text = Files.readString(file);
        Files.writeString(file, text.replace("next_handler = \"backend\"", "next_handler = \"nope\""));
        assertThatThrownBy(() -> AppManifest.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trigger.http: next_handler names the unknown component `nope`");
        Files.writeString(file, text.replace("next_handler = \"backend\"", "next_handler = 3"));
        assertThatThrownBy(() -> AppManifest.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("next_handler must be a component id or a list of them");
        Files.writeString(file, text.replace("route = \"/e/echo/...\"", "route = { private = true }"));
        assertThatThrownBy(() -> AppManifest.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("next_handler on a private route");
    }

    /**
     * With telemetry, the in-process hop to the next handler is a span of its own: a SERVER span named after the
     * next handler ({@code basalt.hop = next-handler}) under the middleware's CLIENT span, in the incoming request's
     * trace, with the next handler's instantiation below it.
     */
    @Test
    void theHopToTheNextHandlerHasItsOwnSpan() throws Exception {
        var spans = io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
        try (var sdk = io.opentelemetry.sdk.OpenTelemetrySdk.builder()
                .setTracerProvider(io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                        .addSpanProcessor(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(spans)).build())
                .setPropagators(io.opentelemetry.context.propagation.ContextPropagators.create(
                        io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance()))
                .build()) {
            List<String> log = new CopyOnWriteArrayList<>();
            Engine engine = engine(Config.Strategy.INTERPRETER);
            WasiConfig none = WasiConfig.builder().build();
            try (WasiHttpServer server = builder(engine, log)
                    .route("/...", "gate", WasiHttpServerP3Test.component(engine, "middleware.wat"), none)
                    .privateComponent("echo", WasiHttpServerP3Test.component(engine, "echo.wat"), none)
                    .nextHandler("gate", "echo")
                    .telemetry(ServeTelemetry.create(sdk))
                    .start()) {
                assertThat(post(server, "/p?q=1", "traced").body()).isEqualTo("echo:traced");
            }
            assertThat(log).isEmpty();
            List<io.opentelemetry.sdk.trace.data.SpanData> all = spans.getFinishedSpanItems();
            var incoming = all.stream().filter(x -> x.getName().equals("POST /...")).findFirst().orElseThrow();
            var hop = all.stream().filter(x -> x.getName().equals("POST echo")).findFirst().orElseThrow();
            var client = all.stream().filter(x -> x.getKind() == io.opentelemetry.api.trace.SpanKind.CLIENT)
                    .findFirst().orElseThrow();
            assertThat(hop.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.SERVER);
            assertThat(hop.getAttributes().get(ServeTelemetry.HOP)).isEqualTo("next-handler");
            assertThat(hop.getAttributes().get(ServeTelemetry.COMPONENT)).isEqualTo("echo");
            assertThat(hop.getAttributes().get(ServeTelemetry.URL_PATH)).isEqualTo("/p");
            assertThat(hop.getAttributes().get(ServeTelemetry.URL_QUERY)).isEqualTo("q=1");
            assertThat(hop.getAttributes().get(ServeTelemetry.HTTP_RESPONSE_STATUS_CODE)).isEqualTo(200L);
            assertThat(hop.getTraceId()).isEqualTo(incoming.getTraceId());
            assertThat(client.getParentSpanId()).as("the middleware's request").isEqualTo(incoming.getSpanId());
            assertThat(hop.getParentSpanId()).as("the hop runs under the middleware's request")
                    .isEqualTo(client.getSpanId());
            assertThat(all).anySatisfy(x -> {
                assertThat(x.getName()).isEqualTo("instantiate echo");
                assertThat(x.getParentSpanId()).isEqualTo(hop.getSpanId());
            });
        }
    }
}
