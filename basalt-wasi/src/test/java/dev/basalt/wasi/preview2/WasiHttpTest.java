package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.wasi.WasiConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Calls the C test handler (src/test/c/http/handler.c, built by build-test-http.sh into
 * src/test/resources/wasi-http) through {@link WasiHttp} on both engines: a fresh instance per request, requests
 * and responses with headers and bodies, streaming, the fields rules, traps and error-codes, and outbound requests
 * to a local upstream server, granted and not.
 */
class WasiHttpTest {
    private static final Map<Config.Strategy, ComponentInstancePre<WasiComponentContext>> PRES = new ConcurrentHashMap<>();
    private static HttpServer upstream;
    private static final AtomicInteger upstreamRequests = new AtomicInteger();

    @BeforeAll
    static void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            upstreamRequests.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String text = exchange.getRequestMethod() + " " + exchange.getRequestURI() + " x-from="
                    + exchange.getRequestHeaders().getFirst("x-from") + " body=" + new String(body, StandardCharsets.UTF_8);
            byte[] out = text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        upstream.start();
    }

    @AfterAll
    static void stopUpstream() {
        upstream.stop(0);
    }

    static ComponentInstancePre<WasiComponentContext> pre(Config.Strategy strategy) {
        return PRES.computeIfAbsent(strategy, s -> {
            Engine engine = Engine.create(Config.builder().strategy(s).build());
            try (InputStream in = WasiHttpTest.class.getResourceAsStream("/wasi-http/handler.component.wasm")) {
                assertThat(in).as("fixture handler.component.wasm").isNotNull();
                Component component = Component.compile(engine, in.readAllBytes());
                assertThat(WasiHttp.isHandler(component)).isTrue();
                ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
                WasiPreview2.addToLinker(linker, ctx -> ctx);
                return linker.instantiatePre(component);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** One request on a fresh instance; also checks that the guest left no host resource behind. */
    static WasiHttp.Response call(Config.Strategy strategy, WasiConfig config, WasiHttp.Request request) {
        ComponentInstancePre<WasiComponentContext> pre = pre(strategy);
        try (WasiComponentContext wasi = WasiComponentContext.create(config)) {
            WasiHttp.Response r = WasiHttp.handle(pre.instantiate(Store.create(pre.component().engine(), wasi)), wasi, request);
            assertThat(wasi.state.liveResources()).as("host resources the guest still holds").isZero();
            return r;
        }
    }

    static WasiHttp.Request get(String path, WasiHttp.Header... headers) {
        return WasiHttp.Request.of("GET", path, List.of(headers), new byte[0]);
    }

    static final WasiConfig NOTHING = WasiConfig.builder().build();

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void echoesMethodPathHeadersAndBody(Config.Strategy engine) {
        WasiHttp.Response r = call(engine, NOTHING, WasiHttp.Request.of("POST", "/echo/x?y=1",
                List.of(new WasiHttp.Header("X-A", "1"), new WasiHttp.Header("x-b", "two words")),
                "posted body".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).containsExactly("text/plain");
        assertThat(r.header("x-echo-method")).containsExactly("POST");
        assertThat(r.bodyText()).isEqualTo("POST /echo/x?y=1\nx-a: 1\nx-b: two words\nbody=posted body");
        assertThat(r.trailers()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void readsALargeRequestBodyInChunksAndMethodsOutsideTheEnum(Config.Strategy engine) {
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        WasiHttp.Response r = call(engine, NOTHING, WasiHttp.Request.of("PROPFIND", "/big", List.of(), big));
        assertThat(r.header("x-echo-method")).containsExactly("PROPFIND");
        String expected = "PROPFIND /big\nbody=" + new String(big, StandardCharsets.US_ASCII);
        assertThat(r.bodyText()).isEqualTo(expected);
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void everyFreshInstanceStartsFromItsOwnGlobals(Config.Strategy engine) {
        for (int i = 0; i < 3; i++) {
            assertThat(call(engine, NOTHING, get("/counter")).bodyText()).isEqualTo("count=1\n");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void streamsTheBodyAsTheGuestWritesIt(Config.Strategy engine) {
        ComponentInstancePre<WasiComponentContext> pre = pre(engine);
        List<String> events = new ArrayList<>();
        try (WasiComponentContext wasi = WasiComponentContext.create(NOTHING)) {
            WasiHttp.handle(pre.instantiate(Store.create(pre.component().engine(), wasi)), wasi, get("/stream?5"),
                    new WasiHttp.ResponseSink() {
                        @Override
                        public OutputStream respond(int status, List<WasiHttp.Header> headers) {
                            events.add("status " + status);
                            return new OutputStream() {
                                @Override
                                public void write(int b) {
                                    throw new AssertionError("single bytes");
                                }

                                @Override
                                public void write(byte[] b, int off, int len) {
                                    events.add("write " + new String(b, off, len, StandardCharsets.UTF_8).strip());
                                }

                                @Override
                                public void flush() {
                                    events.add("flush");
                                }
                            };
                        }

                        @Override
                        public void complete(List<WasiHttp.Header> trailers) {
                            events.add("complete " + trailers.size());
                        }
                    });
        }
        List<String> expected = new ArrayList<>(List.of("status 200"));
        for (int i = 0; i < 5; i++) {
            expected.add("write chunk " + i);
            expected.add("flush");
        }
        expected.add("complete 0");
        assertThat(events).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void fieldsFollowTheImmutabilityAndSyntaxRules(Config.Strategy engine) {
        WasiHttp.Response r = call(engine, NOTHING, get("/fields",
                new WasiHttp.Header("x-test", "a"), new WasiHttp.Header("X-Test", "b"), new WasiHttp.Header("x-other", "c")));
        assertThat(r.header("x-immutable")).containsExactly("immutable");
        assertThat(r.header("x-forbidden")).containsExactly("forbidden");
        assertThat(r.header("x-invalid")).containsExactly("invalid-syntax");
        assertThat(r.header("x-invalid-value")).containsExactly("invalid-syntax");
        assertThat(r.bodyText()).isEqualTo("a,b");
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void trailersGoBothWays(Config.Strategy engine) {
        byte[] body = "payload".getBytes(StandardCharsets.UTF_8);
        WasiHttp.Request withTrailers = new WasiHttp.Request("POST", java.util.Optional.empty(), java.util.Optional.empty(),
                "/trailers", List.of(), new java.io.ByteArrayInputStream(body),
                () -> List.of(new WasiHttp.Header("X-Checksum", "c0ffee")));
        WasiHttp.Response r = call(engine, NOTHING, withTrailers);
        assertThat(r.bodyText()).isEqualTo("body=payload");
        assertThat(r.trailers()).containsExactly(new WasiHttp.Header("x-echo-checksum", "c0ffee"));
        WasiHttp.Response none = call(engine, NOTHING, WasiHttp.Request.of("POST", "/trailers", List.of(), body));
        assertThat(none.trailers()).containsExactly(new WasiHttp.Header("x-echo-checksum", "none"));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aTrapReachesTheCallerWithItsWasmBacktrace(Config.Strategy engine) {
        assertThatThrownBy(() -> call(engine, NOTHING, get("/trap")))
                .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.backtrace())
                        .anySatisfy(f -> assertThat(f.functionName()).isEqualTo("handle")));
        // the pre-instantiated component is unharmed: the next request works
        assertThat(call(engine, NOTHING, get("/counter")).bodyText()).isEqualTo("count=1\n");
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void anErrorCodeOrAMissingResponseIsAWasiHttpException(Config.Strategy engine) {
        assertThatThrownBy(() -> call(engine, NOTHING, get("/error-code")))
                .isInstanceOfSatisfying(WasiHttpException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(
                            "the handler responded with error-code internal-error(handler refused)");
                    assertThat(e.responseStarted()).isFalse();
                });
        ComponentInstancePre<WasiComponentContext> pre = pre(engine);
        try (WasiComponentContext wasi = WasiComponentContext.create(NOTHING)) {
            assertThatThrownBy(() -> WasiHttp.handle(pre.instantiate(Store.create(pre.component().engine(), wasi)), wasi,
                    get("/no-response")))
                    .isInstanceOf(WasiHttpException.class)
                    .hasMessage("the handler returned without setting a response");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void outboundRequestsReachGrantedHostsWithTheirBodies(Config.Strategy engine) {
        int port = upstream.getAddress().getPort();
        WasiConfig granted = WasiConfig.builder().allowOutboundHost("127.0.0.1:" + port).build();
        int before = upstreamRequests.get();
        WasiHttp.Response get = call(engine, granted, get("/outbound/127.0.0.1:" + port + "/up?q=1"));
        assertThat(get.status()).isEqualTo(201);
        assertThat(get.bodyText()).isEqualTo("upstream: GET /up?q=1 x-from=basalt body=");
        WasiHttp.Response post = call(engine, granted, WasiHttp.Request.of("POST", "/outbound/127.0.0.1:" + port + "/p",
                List.of(), "sent along".getBytes(StandardCharsets.UTF_8)));
        assertThat(post.status()).isEqualTo(201);
        assertThat(post.bodyText()).isEqualTo("upstream: POST /p x-from=basalt body=sent along");
        assertThat(upstreamRequests.get() - before).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void outboundRequestsToUngrantedHostsAreDeniedWithoutAConnection(Config.Strategy engine) {
        int port = upstream.getAddress().getPort();
        int before = upstreamRequests.get();
        // nothing granted; another port of the same host; the name instead of the address
        for (WasiConfig config : List.of(NOTHING,
                WasiConfig.builder().allowOutboundHost("127.0.0.1:" + (port == 1 ? 2 : port - 1)).build(),
                WasiConfig.builder().allowOutboundHost("localhost:" + port).build(),
                WasiConfig.builder().allowOutboundHost("https://127.0.0.1:" + port).build())) {
            WasiHttp.Response r = call(engine, config, get("/outbound/127.0.0.1:" + port + "/secret"));
            assertThat(r.status()).as(config.outboundHosts().toString()).isEqualTo(502);
            assertThat(r.bodyText()).isEqualTo("error-code: HTTP-request-denied\n");
        }
        assertThat(upstreamRequests.get()).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aRefusedConnectionIsItsErrorCode(Config.Strategy engine) throws IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        WasiConfig granted = WasiConfig.builder().allowOutboundHost("127.0.0.1:*").build();
        WasiHttp.Response r = call(engine, granted, get("/outbound/127.0.0.1:" + closedPort + "/"));
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.bodyText()).isEqualTo("error-code: connection-refused\n");
    }

    @Test
    void anOutboundObserverSeesEachSentRequestSetsHeadersAndHearsHowItEnded() throws IOException {
        int port = upstream.getAddress().getPort();
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        OutboundHttpObserver observer = (method, uri, setHeader) -> {
            seen.add("sending " + method + " " + uri);
            setHeader.accept("x-from", "observer");
            // a header HttpClient manages itself is not the observer's to set: it is left out, not an error
            setHeader.accept("host", "elsewhere");
            return new OutboundHttpObserver.Exchange() {
                @Override
                public void responded(int status) {
                    seen.add("responded " + status);
                }

                @Override
                public void failed(String errorCode) {
                    seen.add("failed " + errorCode);
                }
            };
        };
        ComponentInstancePre<WasiComponentContext> pre = pre(Config.Strategy.INTERPRETER);
        WasiConfig granted = WasiConfig.builder().allowOutboundHost("127.0.0.1:*").build();
        for (String target : List.of("127.0.0.1:" + port + "/up?q=1", "127.0.0.1:" + closedPort + "/",
                "localhost:" + port + "/denied")) {
            try (WasiComponentContext wasi = WasiComponentContext.create(granted)) {
                wasi.observeOutboundHttp(observer);
                WasiHttp.Response r = WasiHttp.handle(pre.instantiate(Store.create(pre.component().engine(), wasi)),
                        wasi, get("/outbound/" + target));
                if (target.endsWith("/up?q=1")) {
                    // the observer's value replaced the guest's
                    assertThat(r.bodyText()).isEqualTo("upstream: GET /up?q=1 x-from=observer body=");
                }
            }
        }
        // the denied request never left the host: the observer did not hear of it
        assertThat(seen).containsExactly(
                "sending GET http://127.0.0.1:" + port + "/up?q=1", "responded 201",
                "sending GET http://127.0.0.1:" + closedPort + "/", "failed connection-refused");
    }

    /**
     * The embedding API's {@link Store#interrupt()} and {@link Store#setDeadline} reach a guest blocked in a host
     * call (here waiting in {@code pollable.block} for an outbound response that does not come, and reading a
     * request body that does not arrive), not only running Wasm code; the thread's interrupt flag is clear after.
     */
    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void interruptAndDeadlineWakeAGuestBlockedInAHostCall(Config.Strategy engine) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.Semaphore arrived = new java.util.concurrent.Semaphore(0);
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.createContext("/", exchange -> {
            arrived.release();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        slow.start();
        ComponentInstancePre<WasiComponentContext> pre = pre(engine);
        WasiConfig granted = WasiConfig.builder().allowOutboundHost("127.0.0.1:" + slow.getAddress().getPort()).build();
        WasiHttp.Request never = get("/outbound/127.0.0.1:" + slow.getAddress().getPort() + "/never");
        try {
            // a deadline
            try (WasiComponentContext wasi = WasiComponentContext.create(granted)) {
                Store<WasiComponentContext> store = Store.create(pre.component().engine(), wasi);
                store.setDeadline(java.time.Duration.ofMillis(300));
                assertThatThrownBy(() -> WasiHttp.handle(pre.instantiate(store), wasi, never))
                        .isInstanceOfSatisfying(Trap.class,
                                t -> assertThat(t.kind()).isEqualTo(dev.basalt.TrapKind.DEADLINE_EXCEEDED));
                assertThat(Thread.interrupted()).as("the thread's interrupt flag after the trap").isFalse();
            }
            // an interrupt from another thread, once the guest waits for the upstream
            try (WasiComponentContext wasi = WasiComponentContext.create(granted)) {
                Store<WasiComponentContext> store = Store.create(pre.component().engine(), wasi);
                Thread interrupter = new Thread(() -> {
                    try {
                        arrived.acquire();
                        store.interrupt();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                arrived.drainPermits();
                interrupter.start();
                assertThatThrownBy(() -> WasiHttp.handle(pre.instantiate(store), wasi, never))
                        .isInstanceOfSatisfying(Trap.class,
                                t -> assertThat(t.kind()).isEqualTo(dev.basalt.TrapKind.INTERRUPTED));
                interrupter.join();
                assertThat(Thread.interrupted()).isFalse();
            }
            // a request body that never comes: the guest blocks reading it
            java.io.PipedOutputStream writer = new java.io.PipedOutputStream();
            java.io.PipedInputStream body = new java.io.PipedInputStream(writer);
            try (WasiComponentContext wasi = WasiComponentContext.create(NOTHING)) {
                Store<WasiComponentContext> store = Store.create(pre.component().engine(), wasi);
                store.setDeadline(java.time.Duration.ofMillis(300));
                WasiHttp.Request post = new WasiHttp.Request("POST", java.util.Optional.empty(),
                        java.util.Optional.empty(), "/echo", List.of(), body, List::of);
                assertThatThrownBy(() -> WasiHttp.handle(pre.instantiate(store), wasi, post))
                        .isInstanceOfSatisfying(Trap.class,
                                t -> assertThat(t.kind()).isEqualTo(dev.basalt.TrapKind.DEADLINE_EXCEEDED));
                assertThat(Thread.interrupted()).isFalse();
            } finally {
                writer.close();
            }
        } finally {
            release.countDown();
            slow.stop(0);
        }
    }
}
