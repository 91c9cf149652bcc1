package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.Component;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * basalt serve logs a trapping request's backtrace with the source lines of the component's DWARF: the wasi:http
 * test handler built with -g (basalt-wasi's build-test-http.sh, handler-debug.component.wasm), whose /trap path runs
 * {@code __builtin_trap()} at line 333 of src/test/c/http/handler.c, in handle().
 */
class TrapSourceLinesServeTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void theLoggedBacktraceHasSourceLines(Config.Strategy strategy) throws Exception {
        byte[] handler;
        try (InputStream in = getClass().getResourceAsStream("/wasi-http/handler-debug.component.wasm")) {
            assertThat(in).as("fixture wasi-http/handler-debug.component.wasm").isNotNull();
            handler = in.readAllBytes();
        }
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = WasiHttpServer.builder(engine, Component.compile(engine, handler))
                .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(log::add).start()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/trap"))
                    .timeout(Duration.ofMinutes(2)).build();
            assertThat(CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(500);
        }
        assertThat(log).singleElement().asString()
                .startsWith("GET /trap (app): the guest trapped: unreachable")
                .contains(" at handler.c:333:");
    }
}
