package dev.basalt.serve.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real registry does not do on demand, with a registry written here: Basic challenges, blob redirects to
 * storage on another host (which must not get the registry's credentials), and hostile answers (content that
 * does not match its digest or size, a huge manifest), which must end as {@link OciException} with nothing left
 * in the cache.
 */
class RegistryClientTest {
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    /** Authorization headers seen, by "server path". */
    private final Map<String, String> seen = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    private HttpServer server(String name, Map<String, Handler> routes) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        s.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                seen.put(name + " " + path, String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                Handler h = routes.get(path);
                if (h == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    h.handle(ex);
                }
            }
        });
        s.start();
        servers.add(s);
        return s;
    }

    private interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    private static DockerCredentials bob(Path dir, String registry) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"auths\":{\"https://" + registry + "/v1/\":{\"username\":\"bob\",\"password\":\"pw\"}}}");
        return DockerCredentials.load(f);
    }

    @Test
    void basicChallengeAndRedirectedBlobsWithoutTheRegistrysCredentials(@TempDir Path tmp) throws Exception {
        byte[] blob = "the blob's content".getBytes(StandardCharsets.UTF_8);
        String digest = RegistryClient.sha256(blob);
        HttpServer storage = server("storage", Map.of("/bucket/blob", ex -> send(ex, 200, blob)));
        String basic = "Basic " + Base64.getEncoder().encodeToString("bob:pw".getBytes(StandardCharsets.UTF_8));
        HttpServer registry = server("registry", Map.of("/v2/team/app/blobs/" + digest, ex -> {
            if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"test\"");
                send(ex, 401, new byte[0]);
                return;
            }
            ex.getResponseHeaders().set("Location", "http://127.0.0.1:" + storage.getAddress().getPort() + "/bucket/blob");
            send(ex, 307, new byte[0]);
        }));
        String host = "127.0.0.1:" + registry.getAddress().getPort();
        OciReference ref = OciReference.parse(host + "/team/app:1");
        OciCache cache = new OciCache(tmp.resolve("cache"));
        Path got = cache.blob(new RegistryClient(bob(tmp, host), true), ref, digest, blob.length);
        assertThat(Files.readAllBytes(got)).isEqualTo(blob);
        assertThat(seen.get("registry /v2/team/app/blobs/" + digest)).isEqualTo(basic);
        assertThat(seen.get("storage /bucket/blob")).as("credentials sent to the storage host").isEqualTo("null");

        assertThatThrownBy(() -> new OciCache(tmp.resolve("anon")).blob(new RegistryClient(DockerCredentials.none(), true),
                ref, digest, blob.length))
                .isInstanceOf(OciException.class).hasMessageContaining("wants a user name and password");
    }

    @Test
    void contentThatDoesNotMatchItsDescriptorIsRefusedAndNotCached(@TempDir Path tmp) throws Exception {
        byte[] real = "expected".getBytes(StandardCharsets.UTF_8);
        String digest = RegistryClient.sha256(real);
        byte[] huge = new byte[RegistryClient.MAX_MANIFEST_BYTES + 10];
        HttpServer registry = server("registry", Map.of(
                "/v2/a/b/blobs/" + digest, ex -> send(ex, 200, "tampered".getBytes(StandardCharsets.UTF_8)),
                "/v2/a/b/manifests/huge", ex -> send(ex, 200, huge),
                "/v2/a/b/manifests/" + digest, ex -> send(ex, 200, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8))));
        String host = "127.0.0.1:" + registry.getAddress().getPort();
        RegistryClient client = new RegistryClient(DockerCredentials.none(), true);
        OciCache cache = new OciCache(tmp.resolve("cache"));
        OciReference ref = OciReference.parse(host + "/a/b");
        assertThatThrownBy(() -> cache.blob(client, ref, digest, real.length))
                .isInstanceOf(OciException.class).hasMessageContaining("does not match its digest");
        assertThatThrownBy(() -> cache.blob(client, ref, digest, 3))
                .isInstanceOf(OciException.class).hasMessageContaining("larger than its descriptor's size 3");
        assertThat(cache.blobPath(digest)).doesNotExist();
        try (var s = Files.list(tmp.resolve("cache/tmp"))) {
            assertThat(s.toList()).as("no partial downloads left").isEmpty();
        }
        assertThatThrownBy(() -> client.fetchManifest(OciReference.parse(host + "/a/b:huge")))
                .isInstanceOf(OciException.class).hasMessageContaining("is larger than");
        // a manifest asked for by digest must have that digest
        assertThatThrownBy(() -> client.fetchManifest(ref.withDigest(digest)))
                .isInstanceOf(OciException.class).hasMessageContaining("not the one asked for");
        assertThatThrownBy(() -> client.fetchBlob(ref, "sha256:../../etc", 1, tmp.resolve("x")))
                .isInstanceOf(OciException.class).hasMessageContaining("malformed digest");
    }

    @Test
    void plainHttpRegistryWithoutInsecureSaysSo() throws Exception {
        // as Go's HTTP server (docker-registry) answers a TLS ClientHello on a plain port: 400 and close
        try (java.net.ServerSocket plain = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (java.net.Socket c = plain.accept()) {
                    c.getInputStream().read(new byte[512]);
                    c.getOutputStream().write("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on the client side then
                }
            });
            answer.setDaemon(true);
            answer.start();
            OciReference ref = OciReference.parse("127.0.0.1:" + plain.getLocalPort() + "/a/b");
            assertThatThrownBy(() -> new RegistryClient(DockerCredentials.none(), false).fetchManifest(ref))
                    .isInstanceOf(OciException.class).hasMessageContaining("cannot reach https://127.0.0.1:")
                    .hasMessageContaining("needs --insecure");
        }
    }
}
