package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WASI 0.3 HTTP services through {@link WasiHttp} on both engines: the echo service
 * (src/test/resources/wasi-http-p3/echo.wat, a component exporting {@code wasi:http/handler@0.3.0}) gets its
 * request as a {@code request} resource whose body is a {@code stream<u8>}, answers with a {@code response} whose
 * body is another stream, and streams: it returns its response before it read the request body, and the host
 * delivers the response body while the request body is still arriving.
 */
class WasiHttpP3Test {
    private static final Map<Config.Strategy, ComponentInstancePre<WasiComponentContext>> PRES = new ConcurrentHashMap<>();

    static String wat(String name) {
        try (InputStream in = WasiHttpP3Test.class.getResourceAsStream("/wasi-http-p3/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static ComponentInstancePre<WasiComponentContext> pre(Config.Strategy strategy) {
        return PRES.computeIfAbsent(strategy, s -> {
            Engine engine = Engine.create(Config.builder().strategy(s).build());
            Component component = Component.fromModel(engine, ComponentTextParser.parse(wat("echo.wat")));
            assertThat(WasiHttp.isHandler(component)).isTrue();
            ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
            WasiPreview2.addToLinker(linker, ctx -> ctx);
            WasiHttp.addP3ToLinker(linker, ctx -> ctx);
            return linker.instantiatePre(component);
        });
    }

    private static WasiHttp.Response call(Config.Strategy strategy, WasiHttp.Request request) {
        try (WasiComponentContext wasi = WasiComponentContext.create(WasiConfig.builder().build())) {
            var instance = pre(strategy).instantiate(Store.create(pre(strategy).component().engine(), wasi));
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
}
