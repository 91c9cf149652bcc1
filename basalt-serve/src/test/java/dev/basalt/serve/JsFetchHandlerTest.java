package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.Component;
import dev.basalt.testkit.JsComponents;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A real JavaScript HTTP handler: {@code src/test/js/fetch-handler.js} made into a 14 MB StarlingMonkey component
 * by {@code jco componentize} at test time (npm packages from {@code npm ci}; cached in {@code target/}), served by
 * basalt serve on the compiler with an instance per request.
 */
class JsFetchHandlerTest {
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    static HttpResponse<String> send(WasiHttpServer server, HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder request(WasiHttpServer server, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    }

    @Test
    void javascriptHandlerServesRequestsWithAnInstanceEach() throws Exception {
        Optional<String> unavailable = JsComponents.unavailable();
        if (unavailable.isPresent()) {
            System.err.println("JsFetchHandlerTest " + unavailable.get());
        }
        assumeTrue(unavailable.isEmpty(), () -> unavailable.get());
        Path target = Path.of("target/js-components");
        Path wit = JsComponents.fetchHandlerWit(Files.createDirectories(target.resolve("fetch-wit")));
        Path component = JsComponents.componentize(Path.of("src/test/js/fetch-handler.js"), wit, "handler", target);

        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        List<String> errors = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = WasiHttpServer.builder(engine, Component.compile(engine, Files.readAllBytes(component)))
                .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(errors::add).start()) {
            HttpResponse<String> hello = send(server, request(server, "/hello?name=Basalt"));
            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello Basalt from js\n");
            assertThat(hello.headers().firstValue("content-type")).contains("text/plain");

            HttpResponse<String> echo = send(server, request(server, "/echo")
                    .POST(HttpRequest.BodyPublishers.ofString("stressed desserts")));
            assertThat(echo.statusCode()).isEqualTo(201);
            assertThat(echo.body()).isEqualTo("stressed desserts".transform(s -> new StringBuilder(s).reverse().toString()));
            assertThat(echo.headers().firstValue("x-length")).contains("17");

            HttpResponse<String> json = send(server, request(server, "/json?a=1&b=two").header("x-client", "junit"));
            assertThat(json.body()).isEqualTo("{\"method\":\"GET\",\"path\":\"/json\",\"query\":{\"a\":\"1\",\"b\":\"two\"},"
                    + "\"header\":\"junit\",\"requestsSeen\":1,\"sum\":499500}");

            assertThat(send(server, request(server, "/nowhere")).statusCode()).isEqualTo(404);

            // concurrent requests, each in its own instance: module state never carries over
            try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
                List<Future<HttpResponse<String>>> responses = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    responses.add(pool.submit(() -> send(server, request(server, "/json"))));
                }
                for (Future<HttpResponse<String>> r : responses) {
                    assertThat(r.get().statusCode()).isEqualTo(200);
                    assertThat(r.get().body()).contains("\"requestsSeen\":1");
                }
            }
        }
        assertThat(errors).isEmpty();
    }
}
