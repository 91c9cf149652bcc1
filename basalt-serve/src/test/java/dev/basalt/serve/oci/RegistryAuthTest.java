package dev.basalt.serve.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.basalt.testkit.DockerRegistry;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry token flow against a real registry configured for token authentication: a token service written
 * here (it checks basic credentials and issues RS256 JWTs whose x5c certificate the registry trusts, as Docker
 * Hub's and GHCR's do) and a Docker config with the user's {@code auth}. Push and pull work with the right
 * password; a wrong password and anonymous access are refused with a message saying so.
 */
class RegistryAuthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE = "basalt-test-registry";
    private static final String ISSUER = "basalt-test-issuer";

    /** A key pair and self-signed certificate made with the JDK's keytool. */
    private record Signer(PrivateKey key, X509Certificate cert) {
    }

    private static Signer signer(Path dir) throws Exception {
        Path ks = dir.resolve("token.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "token", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=basalt-test-token",
                "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(ks.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        return new Signer((PrivateKey) store.getKey("token", "changeit".toCharArray()),
                (X509Certificate) store.getCertificate("token"));
    }

    private static String b64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String jwt(Signer signer, String subject, String repository, List<String> actions) throws Exception {
        ObjectNode header = JSON.createObjectNode().put("typ", "JWT").put("alg", "RS256");
        header.putArray("x5c").add(Base64.getEncoder().encodeToString(signer.cert().getEncoded()));
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = JSON.createObjectNode().put("iss", ISSUER).put("sub", subject).put("aud", SERVICE)
                .put("exp", now + 300).put("nbf", now - 10).put("iat", now).put("jti", UUID.randomUUID().toString());
        ObjectNode access = claims.putArray("access").addObject().put("type", "repository").put("name", repository);
        actions.forEach(access.putArray("actions")::add);
        String input = b64url(JSON.writeValueAsBytes(header)) + "." + b64url(JSON.writeValueAsBytes(claims));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(signer.key());
        rs256.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64url(rs256.sign());
    }

    /** What the token service was asked: the Authorization header (or "-") and the scope. */
    record TokenRequest(String authorization, String scope) {
    }

    private static HttpServer tokenService(Signer signer, List<TokenRequest> seen) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        String good = "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        server.createContext("/token", (HttpExchange ex) -> {
            try (ex) {
                String query = ex.getRequestURI().getRawQuery();
                String scope = "";
                String service = "";
                for (String kv : query == null ? new String[0] : query.split("&")) {
                    String[] p = kv.split("=", 2);
                    String v = URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8);
                    if (p[0].equals("scope")) {
                        scope = v;
                    } else if (p[0].equals("service")) {
                        service = v;
                    }
                }
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                seen.add(new TokenRequest(auth == null ? "-" : auth, scope));
                if (!good.equals(auth) || !service.equals(SERVICE)) {
                    ex.sendResponseHeaders(401, -1);
                    return;
                }
                String[] parts = scope.split(":"); // repository:NAME:ACTIONS
                byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode()
                        .put("token", jwt(signer, "alice", parts[1], List.of(parts[2].split(",")))).put("expires_in", 300));
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            } catch (Exception e) {
                throw new IOException(e);
            }
        });
        server.start();
        return server;
    }

    private static DockerCredentials config(Path dir, String registry, String userPassword) throws IOException {
        Path file = dir.resolve("config-" + UUID.randomUUID() + ".json");
        Files.writeString(file, "{\"auths\":{\"" + registry + "\":{\"auth\":\""
                + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)) + "\"}}}");
        return DockerCredentials.load(file);
    }

    @Test
    void bearerTokensFromTheRealmWithDockerConfigCredentials(@TempDir Path tmp) throws Exception {
        assumeTrue(DockerRegistry.binary().isPresent(),
                "docker-registry is not installed (apt-get install docker-registry): the registry auth test is SKIPPED");
        Signer signer = signer(tmp);
        Path bundle = tmp.resolve("root.pem");
        Files.writeString(bundle, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(signer.cert().getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        List<TokenRequest> seen = new CopyOnWriteArrayList<>();
        HttpServer tokens = tokenService(signer, seen);
        try (DockerRegistry registry = DockerRegistry.start(tmp.resolve("registry"), String.join("\n",
                "  token:",
                "    realm: http://127.0.0.1:" + tokens.getAddress().getPort() + "/token",
                "    service: " + SERVICE,
                "    issuer: " + ISSUER,
                "    rootcertbundle: " + bundle))) {
            Path handler = tmp.resolve("handler.wasm");
            try (InputStream in = getClass().getResourceAsStream("/wasi-http/handler.component.wasm")) {
                Files.write(handler, in.readAllBytes());
            }
            OciReference ref = OciReference.parse(registry.host() + "/alice/handler:1");
            DockerCredentials alice = config(tmp, registry.host(), "alice:s3cret");
            String digest = new OciDistribution(new RegistryClient(alice, true), new OciCache(tmp.resolve("c1"))).pushWasm(handler, ref);
            assertThat(seen).isNotEmpty().allSatisfy(r -> assertThat(r.authorization()).startsWith("Basic "));
            assertThat(seen).extracting(TokenRequest::scope).contains("repository:alice/handler:pull,push");

            seen.clear();
            OciDistribution.Pulled pulled = new OciDistribution(new RegistryClient(alice, true), new OciCache(tmp.resolve("c2"))).pull(ref);
            assertThat(pulled.digest()).isEqualTo(digest);
            assertThat(Files.mismatch(((OciDistribution.PulledWasm) pulled).wasm(), handler)).isEqualTo(-1);
            // one token for the pull scope, reused for the manifest and the blobs
            assertThat(seen).extracting(TokenRequest::scope).containsExactly("repository:alice/handler:pull");

            DockerCredentials wrong = config(tmp, "http://" + registry.host(), "alice:wrong");
            assertThatThrownBy(() -> new OciDistribution(new RegistryClient(wrong, true), new OciCache(tmp.resolve("c3"))).pull(ref))
                    .isInstanceOf(OciException.class)
                    .hasMessageContaining("unauthorized: the token service")
                    .hasMessageContaining("refused the credentials from the Docker config");
            assertThatThrownBy(() -> new OciDistribution(new RegistryClient(DockerCredentials.none(), true),
                    new OciCache(tmp.resolve("c4"))).pull(ref))
                    .isInstanceOf(OciException.class).hasMessageContaining("refused anonymous access");
        } finally {
            tokens.stop(0);
        }
    }
}
