package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.Component;
import dev.basalt.wasi.WasiConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Starts {@link WasiHttpServer} on an ephemeral port with the C test handler (basalt-wasi's
 * src/test/c/http/handler.c) and talks to it over real HTTP: echo, isolation of requests, streaming, traps and
 * other guest failures, limits, outbound grants, and shutdown.
 */
class WasiHttpServerTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static byte[] handler;
    private static HttpServer upstream;
    private static final AtomicInteger upstreamRequests = new AtomicInteger();

    /** The C test handler's component bytes. */
    static synchronized byte[] handler() throws IOException {
        if (handler == null) {
            try (InputStream in = WasiHttpServerTest.class.getResourceAsStream("/wasi-http/handler.component.wasm")) {
                assertThat(in).as("fixture wasi-http/handler.component.wasm").isNotNull();
                handler = in.readAllBytes();
            }
        }
        return handler;
    }

    @BeforeAll
    static void setUp() throws IOException {
        handler();
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            upstreamRequests.incrementAndGet();
            byte[] out = ("hello " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        upstream.start();
    }

    @AfterAll
    static void tearDown() {
        upstream.stop(0);
    }

    static WasiHttpServer.Builder server(Config.Strategy strategy, List<String> log) throws IOException {
        // as basalt serve: memories reset page by page after each request (the isolation test checks it)
        Engine engine = Engine.create(Config.builder().strategy(strategy).trackMemoryWrites(true).build());
        return WasiHttpServer.builder(engine, Component.compile(engine, handler()))
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .errorLog(log::add);
    }

    static HttpResponse<String> send(WasiHttpServer server, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("x-test", "yes")
                .timeout(Duration.ofMinutes(2))
                .build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(WasiHttpServer server, String path) throws IOException, InterruptedException {
        return send(server, "GET", path, null);
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void servesRequestsEachInAFreshInstance(Config.Strategy engine) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(engine, log).start()) {
            HttpResponse<String> echo = send(server, "POST", "/echo?q=1", "the body");
            assertThat(echo.statusCode()).isEqualTo(200);
            assertThat(echo.headers().firstValue("x-echo-method")).hasValue("POST");
            assertThat(echo.headers().firstValue("server")).as("no Server header of Jetty's").isEmpty();
            assertThat(echo.body()).startsWith("POST /echo?q=1\n").contains("\nx-test: yes\n")
                    .contains("\nhost: 127.0.0.1:" + server.port() + "\n").endsWith("\nbody=the body");

            // the guest's global counter is 1 in every request: nothing survives from one instance to the next
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> counter = get(server, "/counter");
                assertThat(counter.statusCode()).isEqualTo(200);
                assertThat(counter.body()).isEqualTo("count=1\n");
            }
            assertThat(server.requestCount()).isEqualTo(4);
            assertThat(server.failureCount()).isZero();
        }
        assertThat(log).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aTrapIsA500WithALoggedBacktraceAndTheNextRequestWorks(Config.Strategy engine) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(engine, log).start()) {
            HttpResponse<String> trapped = get(server, "/trap");
            assertThat(trapped.statusCode()).isEqualTo(500);
            assertThat(log).singleElement().asString()
                    .startsWith("GET /trap (app): the guest trapped: unreachable")
                    .contains("\n    at ").contains("handle");
            HttpResponse<String> next = get(server, "/counter");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.body()).isEqualTo("count=1\n");

            // a guest that answers with an error-code, or not at all, is a 500 too
            assertThat(get(server, "/error-code").statusCode()).isEqualTo(500);
            assertThat(get(server, "/no-response").statusCode()).isEqualTo(500);
            assertThat(log).hasSize(3);
            assertThat(log.get(1)).isEqualTo(
                    "GET /error-code (app): the handler responded with error-code internal-error(handler refused)");
            assertThat(log.get(2)).isEqualTo("GET /no-response (app): the handler returned without setting a response");
            assertThat(get(server, "/counter").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void streamsALongResponseAndServesConcurrentRequests() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(Config.Strategy.COMPILER, log).start()) {
            HttpResponse<String> stream = get(server, "/stream?2000");
            assertThat(stream.statusCode()).isEqualTo(200);
            // written chunk by chunk with flushes: no length known up front
            assertThat(stream.headers().firstValue("transfer-encoding")).hasValue("chunked");
            assertThat(stream.body().lines().toList()).hasSize(2000).startsWith("chunk 0").endsWith("chunk 1999");

            List<String> bodies = IntStream.range(0, 8).parallel().mapToObj(i -> {
                try {
                    return get(server, "/counter").body();
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            }).toList();
            assertThat(bodies).hasSize(8).containsOnly("count=1\n");
        }
        assertThat(log).isEmpty();
    }

    @Test
    void trailersPassThroughChunkedHttp11() throws Exception {
        try (WasiHttpServer server = server(Config.Strategy.INTERPRETER, new CopyOnWriteArrayList<>()).start();
                java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            // java.net.http cannot send trailers: a chunked request by hand
            socket.setSoTimeout(120_000); // a safety net against a hang, not a timing assumption
            socket.getOutputStream().write(("POST /trailers HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n"
                    + "TE: trailers\r\n\r\n7\r\npayload\r\n0\r\nX-Checksum: c0ffee\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // read up to the end of the chunked body: the last chunk, the trailers, an empty line
            StringBuilder sb = new StringBuilder();
            InputStream in = socket.getInputStream();
            while (!(sb.indexOf("\r\n0\r\n") >= 0 && sb.toString().endsWith("\r\n\r\n"))) {
                int b = in.read();
                assertThat(b).as("the response so far: " + sb).isNotNegative();
                sb.append((char) b);
            }
            String response = sb.toString();
            assertThat(response).startsWith("HTTP/1.1 200 ").containsIgnoringCase("transfer-encoding: chunked")
                    .contains("body=payload").containsIgnoringCase("\r\n0\r\nx-echo-checksum: c0ffee\r\n\r\n");
        }
    }

    @Test
    void aBodyLeftUnreadByATrapIsDroppedSoTheClientGetsTheErrorAndTheConnectionStays() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(Config.Strategy.INTERPRETER, log).fuelPerRequest(500_000).start();
                java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(120_000); // a safety net against a hang, not a timing assumption
            // the guest runs out of fuel copying the body, long before its end: the 500 must still reach the client.
            // 4 MiB is far more than the sockets' buffers hold, so the write only completes if the server reads the
            // rest; had it closed instead, the client's write fails (a reset) and the response is lost
            byte[] body = new byte[4 << 20];
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            // the same connection carries the next request
            out.write("GET /counter HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String responses = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(responses.split("HTTP/1.1 ", -1)).as(responses).hasSize(3);
            assertThat(responses).as(responses).startsWith("HTTP/1.1 500 ");
            assertThat(responses.substring(responses.lastIndexOf("HTTP/1.1 "))).as(responses)
                    .startsWith("HTTP/1.1 200 ").contains("count=1\n");
        }
        assertThat(log).singleElement().asString().startsWith("POST /echo (app): the guest trapped: all fuel consumed");
    }

    @Test
    void fuelAndMemoryLimitsApplyPerRequest() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(Config.Strategy.INTERPRETER, log).fuelPerRequest(500_000).start()) {
            // copying a 2 MB request body takes more than the fuel, before the guest responds: a 500
            assertThat(send(server, "POST", "/echo", "x".repeat(2 << 20)).statusCode()).isEqualTo(500);
            assertThat(log).singleElement().asString().startsWith("POST /echo (app): the guest trapped: all fuel consumed");
            // fuel running out after the status was sent: the exchange ends abnormally (the client sees a broken
            // chunked body), the server goes on
            assertThatThrownBy(() -> get(server, "/stream?100000")).isInstanceOf(IOException.class);
            assertThat(log).hasSize(2);
            assertThat(log.get(1)).startsWith("GET /stream?100000 (app): the guest trapped: all fuel consumed");
            // the next request has its own fuel again
            assertThat(get(server, "/counter").statusCode()).isEqualTo(200);
        }
        log.clear();
        // one 64 KiB page is less than the handler's data and heap need: instantiation itself fails
        try (WasiHttpServer server = server(Config.Strategy.INTERPRETER, log).maxMemoryBytes(65536).start()) {
            assertThat(get(server, "/counter").statusCode()).isEqualTo(500);
            assertThat(log).singleElement().asString().startsWith("GET /counter (app): ");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void outboundRequestsReachOnlyGrantedHosts(Config.Strategy engine) throws Exception {
        int port = upstream.getAddress().getPort();
        int before = upstreamRequests.get();
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(engine, log)
                .wasi(WasiConfig.builder().allowOutboundHost("127.0.0.1:" + port).build()).start()) {
            HttpResponse<String> granted = get(server, "/outbound/127.0.0.1:" + port + "/x?y");
            assertThat(granted.statusCode()).isEqualTo(200);
            assertThat(granted.body()).isEqualTo("upstream: hello /x?y");
            HttpResponse<String> denied = get(server, "/outbound/localhost:" + port + "/x");
            assertThat(denied.statusCode()).isEqualTo(502);
            assertThat(denied.body()).isEqualTo("error-code: HTTP-request-denied\n");
        }
        assertThat(upstreamRequests.get() - before).isEqualTo(1);
        assertThat(log).isEmpty();
    }

    @Test
    void theRequestTimeoutAlsoEndsAGuestBlockedInAHostCall() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.createContext("/", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        slow.start();
        int port = slow.getAddress().getPort();
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(Config.Strategy.INTERPRETER, log).requestTimeout(Duration.ofSeconds(2))
                .wasi(WasiConfig.builder().allowOutboundHost("127.0.0.1:" + port).build()).start()) {
            // the guest waits in pollable.block for a response that does not come before the deadline
            assertThat(get(server, "/outbound/127.0.0.1:" + port + "/never").statusCode()).isEqualTo(500);
            assertThat(log).singleElement().asString()
                    .contains("the guest trapped: deadline exceeded");
            // the thread's interrupt was cleared: the next requests on the pool's threads work
            for (int i = 0; i < 3; i++) {
                assertThat(get(server, "/counter").body()).isEqualTo("count=1\n");
            }
        } finally {
            release.countDown();
            slow.stop(0);
        }
    }

    @Test
    void closeStopsTheServerAndFreesThePort() throws Exception {
        WasiHttpServer server = server(Config.Strategy.INTERPRETER, new CopyOnWriteArrayList<>()).start();
        int port = server.port();
        assertThat(get(server, "/counter").statusCode()).isEqualTo(200);
        server.close();
        assertThatThrownBy(() -> CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    }

    @Test
    void refusesAComponentThatIsNoHttpHandler() throws IOException {
        Engine engine = Engine.create(Config.builder().build());
        // an empty component: the preamble only (magic, version 0x0d, layer 1)
        Component command = Component.compile(engine, new byte[] {0, 'a', 's', 'm', 0x0d, 0, 1, 0});
        assertThatThrownBy(() -> WasiHttpServer.builder(engine, command))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the component is not an HTTP handler");
    }
}
