package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.Component;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link WasiHttpServer} serving WASI 0.3 HTTP services (components exporting {@code wasi:http/handler@0.3.0},
 * basalt-wasi's src/test/resources/wasi-http-p3) over real HTTP: the echo service streams a chunked request body
 * back while it still arrives, and the proxy service's outbound requests reach a granted host and are denied
 * elsewhere.
 */
class WasiHttpServerP3Test {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static HttpServer upstream;
    private static final AtomicInteger upstreamRequests = new AtomicInteger();

    @BeforeAll
    static void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            upstreamRequests.incrementAndGet();
            byte[] out = ("upstream saw " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        upstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop(0);
    }

    /** The component of a WAT fixture, as a binary (what `basalt serve` reads) compiled for {@code engine}. */
    static Component component(Engine engine, String fixture) throws IOException {
        try (InputStream in = WasiHttpServerP3Test.class.getResourceAsStream("/wasi-http-p3/" + fixture)) {
            assertThat(in).as("fixture wasi-http-p3/" + fixture).isNotNull();
            String wat = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Component.compile(engine, ComponentBinaryWriter.write(ComponentTextParser.parse(wat)));
        }
    }

    static WasiHttpServer start(Config.Strategy strategy, String fixture, WasiConfig wasi, List<String> log)
            throws IOException {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        return WasiHttpServer.builder(engine, component(engine, fixture))
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .wasi(wasi)
                .errorLog(log::add)
                .start();
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void echoesARequest(Config.Strategy strategy) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = start(strategy, "echo.wat", WasiConfig.builder().build(), log)) {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/p/q?x=1"))
                    .POST(HttpRequest.BodyPublishers.ofString("over the wire")).timeout(Duration.ofMinutes(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-path")).hasValue("/p/q?x=1");
            assertThat(r.body()).isEqualTo("echo:over the wire");
        }
        assertThat(log).isEmpty();
    }

    /**
     * A chunked request whose second chunk is only sent after the echo of the first came back over the connection:
     * request and response bodies both stream through the guest (a server buffering either would never answer).
     */
    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void streamsTheRequestBodyInAndTheResponseBodyOut(Config.Strategy strategy) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = start(strategy, "echo.wat", WasiConfig.builder().build(), log);
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /stream HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\n6\r\nfirst,\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            readUntil(in, received, "echo:first,");
            assertThat(received.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            out.write("6\r\nsecond\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            received.writeBytes(in.readAllBytes());
            String response = received.toString(StandardCharsets.ISO_8859_1);
            assertThat(response).endsWith("0\r\n\r\n");
            assertThat(chunkedBody(response)).isEqualTo("echo:first,second");
        }
        assertThat(log).isEmpty();
    }

    /** The body of a chunked response read so far (the complete chunks), without the chunk framing. */
    static String chunkedBody(String raw) {
        int at = raw.indexOf("\r\n\r\n");
        StringBuilder body = new StringBuilder();
        if (at < 0) {
            return "";
        }
        at += 4;
        while (true) {
            int eol = raw.indexOf("\r\n", at);
            if (eol < 0) {
                return body.toString();
            }
            int size = Integer.parseInt(raw.substring(at, eol).trim(), 16);
            if (size == 0 || eol + 2 + size > raw.length()) {
                return body.toString();
            }
            body.append(raw, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    private static void readUntil(InputStream in, ByteArrayOutputStream received, String marker) throws IOException {
        byte[] buf = new byte[1024];
        while (!chunkedBody(received.toString(StandardCharsets.ISO_8859_1)).contains(marker)) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("the connection ended before `" + marker + "` arrived: " + received);
            }
            received.write(buf, 0, n);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void proxiesToAGrantedHostAndIsDeniedElsewhere(Config.Strategy strategy) throws Exception {
        String authority = "127.0.0.1:" + upstream.getAddress().getPort();
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer granted = start(strategy, "proxy.wat",
                WasiConfig.builder().allowOutboundHost("http://" + authority).build(), log);
                WasiHttpServer notGranted = start(strategy, "proxy.wat", WasiConfig.builder().build(), log)) {
            HttpResponse<String> ok = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + granted.port() + "/")).header("x-target", authority)
                    .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("upstream saw /upstream");
            int before = upstreamRequests.get();
            HttpResponse<String> denied = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + notGranted.port() + "/")).header("x-target", authority)
                    .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(denied.statusCode()).isEqualTo(502);
            assertThat(denied.body()).as("HTTP-request-denied (case 15)").isEqualTo("error:15");
            assertThat(upstreamRequests.get()).isEqualTo(before);
        }
        assertThat(log).isEmpty();
    }

    /**
     * A guest waiting in the event loop for a host operation (here an outbound response that never comes) is
     * stopped by the request timeout like a guest blocked in a WASI 0.2 host call: the request is answered 500.
     */
    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void theRequestTimeoutStopsAGuestWaitingForAnOutboundResponse(Config.Strategy strategy) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.createContext("/", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        slow.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        slow.start();
        String authority = "127.0.0.1:" + slow.getAddress().getPort();
        List<String> log = new CopyOnWriteArrayList<>();
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        try (WasiHttpServer server = WasiHttpServer.builder(engine, component(engine, "proxy.wat"))
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .wasi(WasiConfig.builder().allowOutboundHost("http://" + authority).build())
                .requestTimeout(Duration.ofMillis(300))
                .errorLog(log::add)
                .start()) {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/")).header("x-target", authority)
                    .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(500);
        } finally {
            release.countDown();
            slow.stop(0);
        }
        assertThat(log).singleElement().asString().contains("deadline exceeded");
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aGuestAnsweringAnErrorCodeGets500(Config.Strategy strategy) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = start(strategy, "failing.wat", WasiConfig.builder().build(), log)) {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/error")).timeout(Duration.ofMinutes(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(500);
            // the server goes on serving
            HttpResponse<String> echo = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/fine"))
                    .POST(HttpRequest.BodyPublishers.ofString("still")).timeout(Duration.ofMinutes(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(echo.body()).isEqualTo("echo:still");
        }
        assertThat(log).singleElement().asString().contains("error-code internal-error");
    }

    /** The status is out when the guest traps mid-body: the response ends abnormally (no last chunk). */
    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aTrapAfterTheResponseStartedCutsTheBodyOff(Config.Strategy strategy) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = start(strategy, "failing.wat", WasiConfig.builder().build(), log);
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(120_000);
            socket.getOutputStream().write(("POST /trap HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n"
                    + "Connection: close\r\n\r\nbody").getBytes(StandardCharsets.ISO_8859_1));
            String response;
            try {
                response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (java.net.SocketException reset) {
                response = "";
            }
            assertThat(response).doesNotEndWith("0\r\n\r\n");
        }
        assertThat(log).singleElement().asString().contains("trapped");
    }
}
