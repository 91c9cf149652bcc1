package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The probes' answers through the life of a served app: starting, ready, port gone, draining, failed. */
class HealthEndpointsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(HealthEndpoints h, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void livenessAndReadinessFollowTheServedApp() throws Exception {
        try (HealthEndpoints h = HealthEndpoints.start(new InetSocketAddress("127.0.0.1", 0))) {
            assertThat(get(h, "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(h, "/readyz").statusCode()).isEqualTo(503);
            assertThat(get(h, "/readyz").body()).contains("\"starting\"");

            InetSocketAddress served;
            try (ServerSocket app = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
                served = (InetSocketAddress) app.getLocalSocketAddress();
                h.ready(served);
                assertThat(get(h, "/readyz").statusCode()).isEqualTo(200);
                assertThat(get(h, "/readyz").body()).contains("\"ready\"");
            }
            // the app's port no longer accepts: not ready, still alive
            assertThat(get(h, "/readyz").statusCode()).isEqualTo(503);
            assertThat(get(h, "/readyz").body()).contains("not accepting");
            assertThat(get(h, "/healthz").statusCode()).isEqualTo(200);

            h.draining();
            assertThat(get(h, "/readyz").body()).contains("\"draining\"");
            assertThat(get(h, "/healthz").statusCode()).isEqualTo(200);
            h.failed("the listener \"died\"");
            HttpResponse<String> dead = get(h, "/healthz");
            assertThat(dead.statusCode()).isEqualTo(503);
            assertThat(dead.body()).contains("the listener \\\"died\\\"");
            assertThat(get(h, "/other").statusCode()).isEqualTo(404);
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/healthz"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(405);
        }
    }
}
