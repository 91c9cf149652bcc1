package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.Store;
import dev.basalt.wasi.WasiConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code wasi:http/middleware} world through {@link WasiHttp} on both engines: the middleware
 * (src/test/resources/wasi-http-p3/middleware.wat) imports and exports {@code wasi:http/handler@0.3.0}. Without an
 * imported-handler router its next handler is the network under the guest's grants (the request's own authority,
 * here a local upstream); {@link WasiComponentContext#routeImportedHandler} decides first where it goes. The
 * middleware passes the incoming request on unread and the next handler's response back with its body ends as they
 * are, so the request body reaches the upstream and the upstream's body reaches the caller through the host.
 */
class WasiHttpMiddlewareTest {
    private static HttpServer upstream;
    private static final AtomicInteger upstreamRequests = new AtomicInteger();
    private static final List<String> upstreamBodies = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            upstreamRequests.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            upstreamBodies.add(body);
            byte[] out = ("upstream saw " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("x-from-client") + " " + body)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-upstream", "yes");
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

    private static String upstreamAuthority() {
        return "127.0.0.1:" + upstream.getAddress().getPort();
    }

    private static WasiHttp.Request request(String path, List<WasiHttp.Header> headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new WasiHttp.Request("POST", Optional.of("http"), Optional.of(upstreamAuthority()), path, headers,
                new java.io.ByteArrayInputStream(bytes), List::of);
    }

    private static WasiHttp.Response call(Config.Strategy strategy, WasiConfig config, OutboundHttpRouter router,
            WasiHttp.Request request) {
        try (WasiComponentContext wasi = WasiComponentContext.create(config)) {
            wasi.routeImportedHandler(router);
            var pre = WasiHttpP3Test.pre(strategy, "middleware.wat");
            var instance = pre.instantiate(Store.create(pre.component().engine(), wasi));
            WasiHttp.Response r = WasiHttp.handle(instance, wasi, request);
            assertThat(wasi.state.liveResources()).as("host resources left after the request").isZero();
            return r;
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void passesTheRequestToTheGrantedNextHandlerAndItsResponseBack(Config.Strategy strategy) {
        int before = upstreamRequests.get();
        WasiHttp.Response r = call(strategy,
                WasiConfig.builder().allowOutboundHost("http://" + upstreamAuthority()).build(), null,
                request("/a?b=c", List.of(new WasiHttp.Header("x-from-client", "hello")), "the body"));
        assertThat(r.status()).as("%s", r.headers()).isEqualTo(203);
        assertThat(r.header("x-middleware")).containsExactly("seen");
        assertThat(r.header("x-upstream")).containsExactly("yes");
        assertThat(r.bodyText()).isEqualTo("upstream saw POST /a?b=c hello the body");
        assertThat(upstreamRequests.get()).isEqualTo(before + 1);
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aNextHandlerOutsideTheGrantsIsDenied(Config.Strategy strategy) {
        int before = upstreamRequests.get();
        WasiHttp.Response r = call(strategy, WasiConfig.builder().allowOutboundHost("http://127.0.0.1:1").build(),
                null, request("/", List.of(), "x"));
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.header("x-next-error")).as("HTTP-request-denied").containsExactly("15");
        assertThat(upstreamRequests.get()).isEqualTo(before);
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void theMiddlewareAnswersItselfWithoutCallingTheNextHandler(Config.Strategy strategy) {
        int before = upstreamRequests.get();
        WasiHttp.Response r = call(strategy,
                WasiConfig.builder().allowOutboundHost("http://" + upstreamAuthority()).build(), null,
                request("/", List.of(new WasiHttp.Header("x-deny", "1")), "unread"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("x-middleware")).containsExactly("denied");
        assertThat(r.body()).isEmpty();
        assertThat(upstreamRequests.get()).isEqualTo(before);
    }

    /** The imported-handler router decides before the grants: here it refuses, there it sends to the network. */
    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void theImportedHandlerRouterDecidesFirst(Config.Strategy strategy) {
        List<String> seen = new CopyOnWriteArrayList<>();
        OutboundHttpRouter refuse = (scheme, authority, path) -> {
            seen.add(scheme + "://" + authority.orElse("?") + path);
            return OutboundHttpRouter.Route.refuse("destination-not-found");
        };
        WasiConfig granted = WasiConfig.builder().allowOutboundHost("http://" + upstreamAuthority()).build();
        WasiHttp.Response r = call(strategy, granted, refuse, request("/p", List.of(), ""));
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.header("x-next-error")).as("destination-not-found").containsExactly("02");
        assertThat(seen).containsExactly("http://" + upstreamAuthority() + "/p");

        // network: as without a router, the grants decide
        r = call(strategy, granted, (scheme, authority, path) -> OutboundHttpRouter.Route.network(),
                request("/q", List.of(), "b"));
        assertThat(r.status()).as("%s", r.headers()).isEqualTo(203);
        assertThat(r.bodyText()).isEqualTo("upstream saw POST /q null b");
    }
}
