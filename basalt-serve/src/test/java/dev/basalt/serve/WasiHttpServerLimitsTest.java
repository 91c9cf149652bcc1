package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.wasi.WasiConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WasiHttpServer}'s listener and limits, through a running server with the C test handler: HTTPS from PEM
 * files, the concurrency limit (503), the request body cap (413), and graceful shutdown (requests in flight finish;
 * guests still running at the end of the drain time are interrupted). A slow upstream that answers only when
 * released keeps a request in flight (the guest waits for it in an outbound request).
 */
class WasiHttpServerLimitsTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer slow;
    private final CountDownLatch release = new CountDownLatch(1);
    /** One permit per request that reached the slow upstream. */
    private final Semaphore arrived = new Semaphore(0);

    @BeforeEach
    void startSlowUpstream() throws IOException {
        slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slow.setExecutor(Executors.newCachedThreadPool());
        slow.createContext("/", exchange -> {
            arrived.release();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] out = "released".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        slow.start();
    }

    @AfterEach
    void stopSlowUpstream() {
        release.countDown();
        slow.stop(0);
    }

    private WasiHttpServer.Builder server(List<String> log) throws IOException {
        return WasiHttpServerTest.server(Config.Strategy.INTERPRETER, log)
                .wasi(WasiConfig.builder().allowOutboundHost("127.0.0.1:" + slow.getAddress().getPort()).build());
    }

    private String slowPath() {
        return "/outbound/127.0.0.1:" + slow.getAddress().getPort() + "/wait";
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(WasiHttpServer server, String path) {
        return CLIENT.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitUpstream() throws InterruptedException {
        assertThat(arrived.tryAcquire(2, TimeUnit.MINUTES)).as("the guest's outbound request arrived").isTrue();
    }

    static Path resource(String name) {
        return Path.of(System.getProperty("user.dir")).resolve("src/test/resources/tls").resolve(name);
    }

    private static HttpClient trustingClient() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(resource("cert.pem"))) {
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
    }

    @Test
    void servesHttpsWithAPemCertificateAndAPkcs8OrPkcs1Key() throws Exception {
        HttpClient client = trustingClient();
        for (String key : List.of("key.pem", "key-pkcs1.pem")) {
            List<String> log = new CopyOnWriteArrayList<>();
            try (WasiHttpServer server = server(log).tls(resource("cert.pem"), resource(key)).start()) {
                assertThat(server.isTls()).isTrue();
                for (String host : List.of("localhost", "127.0.0.1")) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                            URI.create("https://" + host + ":" + server.port() + "/echo")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(key).isEqualTo(200);
                    // the guest sees the scheme it was reached by
                    assertThat(r.body()).contains("spin-full-url: https://" + host + ":" + server.port() + "/echo");
                }
                // plain HTTP on the TLS port gets no HTTP answer
                assertThatThrownBy(() -> CLIENT.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/echo")).timeout(Duration.ofMinutes(1)).build(),
                        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
            }
            assertThat(log).isEmpty();
        }
    }

    @Test
    void refusesKeysItCannotUseWithAMessage(@TempDir Path dir) throws IOException {
        Path encrypted = dir.resolve("enc.pem");
        Files.writeString(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        Path ec = dir.resolve("ec.pem");
        Files.writeString(ec, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        Path none = dir.resolve("none.pem");
        Files.writeString(none, "not a key\n");
        WasiHttpServer.Builder b = server(List.of());
        assertThatThrownBy(() -> b.tls(resource("cert.pem"), encrypted)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encrypted").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> b.tls(resource("cert.pem"), ec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SEC1 EC key");
        assertThatThrownBy(() -> b.tls(resource("cert.pem"), none)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no PEM private key");
        assertThatThrownBy(() -> b.tls(none, resource("key.pem"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("certificate");
        assertThatThrownBy(() -> b.tls(dir.resolve("missing.pem"), resource("key.pem"))).isInstanceOf(IOException.class);
    }

    @Test
    void aRequestOverTheConcurrencyLimitIsA503() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(log).maxConcurrentRequests(1).start()) {
            CompletableFuture<HttpResponse<String>> first = sendAsync(server, slowPath());
            awaitUpstream();
            assertThat(server.activeRequests()).isEqualTo(1);
            HttpResponse<String> second = sendAsync(server, "/counter").get(2, TimeUnit.MINUTES);
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(second.headers().firstValue("retry-after")).contains("1");
            release.countDown();
            assertThat(first.get(2, TimeUnit.MINUTES).body()).isEqualTo("upstream: released");
            // the client may see the response before the server's handler has returned: wait for that
            long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (server.activeRequests() > 0 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(sendAsync(server, "/counter").get(2, TimeUnit.MINUTES).body()).isEqualTo("count=1\n");
            assertThat(server.rejectedCount()).isEqualTo(1);
        }
        assertThat(log).isEmpty();
    }

    @Test
    void aRequestBodyOverTheCapIsA413() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = server(log).maxRequestBodyBytes(16).start()) {
            URI echo = URI.create("http://127.0.0.1:" + server.port() + "/echo");
            // declared too long: refused before a guest runs
            HttpResponse<String> declared = CLIENT.send(HttpRequest.newBuilder(echo)
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(declared.statusCode()).isEqualTo(413);
            // exactly at the cap: served
            HttpResponse<String> fits = CLIENT.send(HttpRequest.newBuilder(echo)
                    .POST(HttpRequest.BodyPublishers.ofString("y".repeat(16))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(fits.statusCode()).isEqualTo(200);
            assertThat(fits.body()).endsWith("body=" + "y".repeat(16));
            // chunked, no declared length: cut off while the guest reads it
            for (int size : List.of(17, 100_000)) {
                byte[] big = "z".repeat(size).getBytes(StandardCharsets.US_ASCII);
                HttpResponse<String> chunked = CLIENT.send(HttpRequest.newBuilder(echo)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(chunked.statusCode()).as("%d bytes chunked", size).isEqualTo(413);
            }
            assertThat(server.rejectedCount()).isEqualTo(3);
            assertThat(sendAsync(server, "/counter").get(2, TimeUnit.MINUTES).body()).isEqualTo("count=1\n");
        }
    }

    @Test
    void closeLetsTheRequestsInFlightFinishAndStopsAccepting() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        WasiHttpServer server = server(log).drainTimeout(Duration.ofMinutes(2)).start();
        int port = server.port();
        CompletableFuture<HttpResponse<String>> inFlight = sendAsync(server, slowPath());
        awaitUpstream();
        Thread closer = new Thread(server::close);
        closer.start();
        // the listener closes first, while the request is still running
        awaitRefused(port);
        assertThat(inFlight).isNotDone();
        release.countDown();
        HttpResponse<String> r = inFlight.get(2, TimeUnit.MINUTES);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("upstream: released");
        closer.join(120_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(log).isEmpty();
    }

    @Test
    void closeInterruptsTheGuestsStillRunningWhenTheDrainTimeIsUp() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        WasiHttpServer server = server(log).drainTimeout(Duration.ofMillis(200)).start();
        CompletableFuture<HttpResponse<String>> stuck = sendAsync(server, slowPath());
        awaitUpstream();
        server.close();
        // the guest trapped: a 500 if Jetty could still send it, else a cut-off exchange
        try {
            assertThat(stuck.get(2, TimeUnit.MINUTES).statusCode()).isEqualTo(500);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IOException.class);
        }
        assertThat(log).singleElement().asString().contains("the guest trapped: interrupted");
    }

    /** Waits until connecting to {@code port} is refused (the listener was closed). */
    private static void awaitRefused(int port) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < until) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                Thread.sleep(10);
            } catch (ConnectException e) {
                return;
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the listener on port " + port + " stayed open");
    }
}
