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
}
