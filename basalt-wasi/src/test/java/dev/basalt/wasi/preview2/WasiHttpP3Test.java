package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.wasi.WasiConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WASI 0.3 HTTP services through {@link WasiHttp} on both engines: the echo service
 * (src/test/resources/wasi-http-p3/echo.wat, a component exporting {@code wasi:http/handler@0.3.0}) gets its
 * request as a {@code request} resource whose body is a {@code stream<u8>}, answers with a {@code response} whose
 * body is another stream, and streams: it returns its response before it read the request body, and the host
 * delivers the response body while the request body is still arriving; the proxy service
 * (wasi-http-p3/proxy.wat) sends an outbound request through {@code wasi:http/client@0.3.0} to a local upstream,
 * granted or not.
 */
class WasiHttpP3Test {
    private static final Map<String, ComponentInstancePre<WasiComponentContext>> PRES = new ConcurrentHashMap<>();
    private static HttpServer upstream;
    private static final AtomicInteger upstreamRequests = new AtomicInteger();

    @BeforeAll
    static void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            upstreamRequests.incrementAndGet();
            byte[] out = ("upstream saw " + exchange.getRequestMethod() + " " + exchange.getRequestURI())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(203, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        upstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop(0);
    }

    static String wat(String name) {
        try (InputStream in = WasiHttpP3Test.class.getResourceAsStream("/wasi-http-p3/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ComponentInstancePre<WasiComponentContext> pre(Config.Strategy strategy) {
        return pre(strategy, "echo.wat");
    }

    static ComponentInstancePre<WasiComponentContext> pre(Config.Strategy strategy, String fixture) {
        return PRES.computeIfAbsent(strategy + "/" + fixture, k -> {
            Engine engine = Engine.create(Config.builder().strategy(strategy).build());
            Component component = Component.fromModel(engine, ComponentTextParser.parse(wat(fixture)));
            assertThat(WasiHttp.isHandler(component)).isTrue();
            ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
            WasiPreview2.addToLinker(linker, ctx -> ctx);
            WasiHttp.addP3ToLinker(linker, ctx -> ctx);
            return linker.instantiatePre(component);
        });
    }

    private static WasiHttp.Response call(Config.Strategy strategy, WasiHttp.Request request) {
        return call(strategy, "echo.wat", WasiConfig.builder().build(), request);
    }

    private static WasiHttp.Response call(Config.Strategy strategy, String fixture, WasiConfig config,
            WasiHttp.Request request) {
        try (WasiComponentContext wasi = WasiComponentContext.create(config)) {
            var pre = pre(strategy, fixture);
            var instance = pre.instantiate(Store.create(pre.component().engine(), wasi));
            WasiHttp.Response r = WasiHttp.handle(instance, wasi, request);
            assertThat(wasi.state.liveResources()).as("host resources left after the request").isZero();
            return r;
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void echoesTheBodyWithThePathAsAHeader(Config.Strategy strategy) {
        WasiHttp.Response r = call(strategy, WasiHttp.Request.of("POST", "/a/b?c=d",
                List.of(new WasiHttp.Header("content-type", "text/plain")), "hello 0.3".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-path")).containsExactly("/a/b?c=d");
        assertThat(r.bodyText()).isEqualTo("echo:hello 0.3");
        assertThat(r.trailers()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void echoesAnEmptyBodyAndALargeOne(Config.Strategy strategy) {
        assertThat(call(strategy, WasiHttp.Request.of("GET", "/", List.of(), new byte[0])).bodyText()).isEqualTo("echo:");
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        WasiHttp.Response r = call(strategy, WasiHttp.Request.of("PUT", "/big", List.of(), big));
        assertThat(r.body()).hasSize(5 + big.length);
        assertThat(java.util.Arrays.copyOfRange(r.body(), 5, r.body().length)).isEqualTo(big);
    }

    /**
     * The second half of the request body is only sent once the echo of the first half came back: a host or guest
     * that waited for the whole request body before responding would never see it (the guard fails the test).
     */
    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void streamsBothWays(Config.Strategy strategy) throws Exception {
        CountDownLatch firstEchoed = new CountDownLatch(1);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean[] waitedInVain = {false};
        InputStream body = new InputStream() {
            private int part;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (part == 0) {
                    part = 1;
                    byte[] p = "first,".getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(p, 0, b, off, p.length);
                    return p.length;
                }
                if (part == 1) {
                    part = 2;
                    try {
                        waitedInVain[0] = !firstEchoed.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    byte[] p = "second".getBytes(StandardCharsets.UTF_8);
                    System.arraycopy(p, 0, b, off, p.length);
                    return p.length;
                }
                return -1;
            }
        };
        WasiHttp.Request request = new WasiHttp.Request("POST", Optional.of("http"), Optional.of("example.com"),
                "/stream", List.of(), body, List::of);
        try (WasiComponentContext wasi = WasiComponentContext.create(WasiConfig.builder().build())) {
            var instance = pre(strategy).instantiate(Store.create(pre(strategy).component().engine(), wasi));
            WasiHttp.handle(instance, wasi, request, new WasiHttp.ResponseSink() {
                @Override
                public OutputStream respond(int status, List<WasiHttp.Header> headers) {
                    return new OutputStream() {
                        @Override
                        public void write(int b) {
                            write(new byte[] {(byte) b}, 0, 1);
                        }

                        @Override
                        public void write(byte[] b, int off, int len) {
                            received.write(b, off, len);
                            if (received.toString(StandardCharsets.UTF_8).contains("first,")) {
                                firstEchoed.countDown();
                            }
                        }
                    };
                }
            });
        }
        assertThat(waitedInVain[0]).as("the first half was echoed before the second was sent").isFalse();
        assertThat(received.toString(StandardCharsets.UTF_8)).isEqualTo("echo:first,second");
    }

    private static WasiHttp.Request proxyTo(String authority) {
        return WasiHttp.Request.of("GET", "/", List.of(new WasiHttp.Header("x-target", authority)), new byte[0]);
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void sendsAnOutboundRequestToAGrantedHost(Config.Strategy strategy) {
        String authority = "127.0.0.1:" + upstream.getAddress().getPort();
        WasiHttp.Response r = call(strategy, "proxy.wat",
                WasiConfig.builder().allowOutboundHost("http://" + authority).build(), proxyTo(authority));
        assertThat(r.status()).isEqualTo(203);
        assertThat(r.bodyText()).isEqualTo("upstream saw GET /upstream");
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void anOutboundRequestToAHostNotGrantedIsDeniedWithoutConnecting(Config.Strategy strategy) {
        String authority = "127.0.0.1:" + upstream.getAddress().getPort();
        int before = upstreamRequests.get();
        // granted: another port of the same host only
        WasiHttp.Response r = call(strategy, "proxy.wat",
                WasiConfig.builder().allowOutboundHost("http://127.0.0.1:1").build(), proxyTo(authority));
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.bodyText()).as("error-code case 15, HTTP-request-denied").isEqualTo("error:15");
        assertThat(upstreamRequests.get()).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aRefusedConnectionIsAnErrorCodeForTheGuest(Config.Strategy strategy) throws IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        WasiHttp.Response r = call(strategy, "proxy.wat",
                WasiConfig.builder().allowOutboundHost("http://127.0.0.1:" + closedPort).build(),
                proxyTo("127.0.0.1:" + closedPort));
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.bodyText()).as("error-code case 6, connection-refused").isEqualTo("error:06");
    }

    /** The component-model threads alive now (virtual threads are not in {@link Thread#getAllStackTraces()}). */
    static int componentThreads() throws IOException {
        java.nio.file.Path dump = java.nio.file.Files.createTempFile("threads", ".txt");
        java.nio.file.Files.delete(dump);
        try {
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            String text = java.nio.file.Files.readString(dump);
            return text.split("\"basalt-component-thread\"", -1).length - 1;
        } finally {
            java.nio.file.Files.deleteIfExists(dump);
        }
    }

    /**
     * The guest's task ends with its request: its last steps after the response body (writing its trailers, dropping
     * its ends, returning) run before {@link WasiHttp#handle} returns, so no guest thread stays parked per request.
     */
    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void noGuestThreadOutlivesItsRequest(Config.Strategy strategy) throws IOException, InterruptedException {
        call(strategy, WasiHttp.Request.of("GET", "/warm", List.of(), new byte[0]));
        int before = componentThreads();
        for (int i = 0; i < 5; i++) {
            assertThat(call(strategy, WasiHttp.Request.of("POST", "/n", List.of(), new byte[] {'x'})).bodyText())
                    .isEqualTo("echo:x");
        }
        // a thread whose task ended may still be on its way out (it hands control back, then terminates)
        int after = componentThreads();
        for (int i = 0; i < 100 && after > before; i++) {
            Thread.sleep(50);
            after = componentThreads();
        }
        assertThat(after).isLessThanOrEqualTo(before);
    }
}
