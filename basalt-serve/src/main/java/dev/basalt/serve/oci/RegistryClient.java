package dev.basalt.serve.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of the OCI distribution API ({@code /v2/...}) on {@code java.net.http}: manifests and blobs,
 * pulled with digest and size verification and pushed with monolithic uploads. Authentication as the Docker
 * client does it: a {@code 401} with {@code WWW-Authenticate: Bearer realm=...,service=...,scope=...} is answered
 * by fetching a token from the realm (with the {@link DockerCredentials} as basic credentials when there are some,
 * anonymously otherwise) and retrying; {@code WWW-Authenticate: Basic} by retrying with the credentials. Tokens
 * are kept per registry and scope for the client's lifetime. HTTPS unless {@code insecure} (plain HTTP, for local
 * and test registries).
 */
public final class RegistryClient {
    /** Media types of image manifests and indexes this client asks for. */
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    /** Larger manifests are refused (containerd's limit), so that a hostile registry cannot exhaust memory. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;

    /** A manifest as the registry sent it, with its digest (computed here, checked against a pinned one). */
    public record Manifest(byte[] bytes, String mediaType, String digest) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("([A-Za-z_]+)=\"([^\"]*)\"");

    private final HttpClient http;
    private final DockerCredentials credentials;
    private final boolean insecure;
    /** Authorization header values by "host scope". */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    public RegistryClient(DockerCredentials credentials, boolean insecure) {
        this.credentials = credentials;
        this.insecure = insecure;
        // redirects are followed by hand: a blob redirect to storage elsewhere must not carry the registry token
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private URI base(OciReference ref) {
        return URI.create((insecure ? "http" : "https") + "://" + ref.apiHost() + "/v2/" + ref.repository() + "/");
    }

    private static String scope(OciReference ref, boolean push) {
        return "repository:" + ref.repository() + (push ? ":pull,push" : ":pull");
    }

    /** Fetches the manifest {@code ref} names (by tag or digest); a pinned digest is verified. */
    public Manifest fetchManifest(OciReference ref) throws OciException {
        URI uri = base(ref).resolve("manifests/" + ref.manifestReference());
        HttpResponse<InputStream> r = send(ref, false, () -> HttpRequest.newBuilder(uri).GET()
                .header("Accept", String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST))
                .timeout(Duration.ofMinutes(2)));
        expect(r, 200, "fetching the manifest of " + ref);
        byte[] bytes = readLimited(r, MAX_MANIFEST_BYTES, "the manifest of " + ref);
        String digest = sha256(bytes);
        if (ref.digest() != null && !ref.digest().equals(digest)) {
            throw new OciException("the manifest of " + ref + " has the digest " + digest + ", not the one asked for");
        }
        String type = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
        return new Manifest(bytes, type, digest);
    }

    /** True if the repository already has the blob (a push can skip it). */
    public boolean hasBlob(OciReference ref, String digest) throws OciException {
        URI uri = base(ref).resolve("blobs/" + digest);
        HttpResponse<InputStream> r = send(ref, true, () -> HttpRequest.newBuilder(uri)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(1)));
        discard(r);
        return r.statusCode() == 200;
    }

    /**
     * Downloads a blob to {@code target}, checking that it has exactly {@code size} bytes and the digest
     * {@code digest}; on any mismatch nothing is left at {@code target}.
     */
    public void fetchBlob(OciReference ref, String digest, long size, Path target) throws OciException {
        checkDigest(digest);
        URI uri = base(ref).resolve("blobs/" + digest);
        HttpResponse<InputStream> r = send(ref, false, () -> HttpRequest.newBuilder(uri).GET());
        for (int hops = 0; isRedirect(r.statusCode()); hops++) {
            Optional<String> location = r.headers().firstValue("Location");
            discard(r);
            if (location.isEmpty() || hops == 5) {
                throw new OciException("fetching blob " + digest + " of " + ref + ": bad redirect");
            }
            URI next = r.request().uri().resolve(location.get());
            boolean sameHost = next.getAuthority() != null && next.getAuthority().equals(uri.getAuthority());
            HttpRequest.Builder b = HttpRequest.newBuilder(next).GET();
            if (sameHost) {
                authorization(ref, false).ifPresent(a -> b.header("Authorization", a));
            }
            r = sendOnce(b.build());
        }
        expect(r, 200, "fetching blob " + digest + " of " + ref);
        try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(target)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > size) {
                    throw new OciException("blob " + digest + " of " + ref + " is larger than its descriptor's size " + size);
                }
                md.update(buf, 0, n);
                out.write(buf, 0, n);
            }
            if (total != size) {
                throw new OciException("blob " + digest + " of " + ref + " has " + total + " bytes, its descriptor says " + size);
            }
            String actual = "sha256:" + HexFormat.of().formatHex(md.digest());
            if (!actual.equals(digest)) {
                throw new OciException("blob " + digest + " of " + ref + " does not match its digest (got " + actual + ")");
            }
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            deleteQuietly(target);
            if (e instanceof OciException o) {
                throw o;
            }
            throw new OciException("fetching blob " + digest + " of " + ref + ": " + e.getMessage(), e);
        }
    }

    /** Uploads a blob (one monolithic PUT) unless the repository has it already. */
    public void pushBlob(OciReference ref, String digest, HttpRequest.BodyPublisher content) throws OciException {
        checkDigest(digest);
        if (hasBlob(ref, digest)) {
            return;
        }
        URI start = base(ref).resolve("blobs/uploads/");
        HttpResponse<InputStream> r = send(ref, true, () -> HttpRequest.newBuilder(start)
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(1)));
        expect(r, 202, "starting the upload of blob " + digest + " to " + ref);
        discard(r);
        String location = r.headers().firstValue("Location")
                .orElseThrow(() -> new OciException("the registry started an upload to " + ref + " without a Location"));
        URI upload = r.request().uri().resolve(location);
        URI put = URI.create(upload + (upload.getRawQuery() == null ? "?" : "&") + "digest="
                + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        HttpResponse<InputStream> done = send(ref, true, () -> HttpRequest.newBuilder(put).PUT(content)
                .header("Content-Type", "application/octet-stream"));
        expect(done, 201, "uploading blob " + digest + " to " + ref);
        discard(done);
    }

    /** Uploads a manifest under the reference's tag (or digest) and returns its digest. */
    public String pushManifest(OciReference ref, byte[] manifest, String mediaType) throws OciException {
        String digest = sha256(manifest);
        URI uri = base(ref).resolve("manifests/" + ref.manifestReference());
        HttpResponse<InputStream> r = send(ref, true, () -> HttpRequest.newBuilder(uri)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).header("Content-Type", mediaType)
                .timeout(Duration.ofMinutes(2)));
        expect(r, 201, "pushing the manifest of " + ref);
        discard(r);
        Optional<String> reported = r.headers().firstValue("Docker-Content-Digest");
        if (reported.isPresent() && !reported.get().equals(digest)) {
            throw new OciException("the registry stored the manifest of " + ref + " as " + reported.get()
                    + ", but its digest is " + digest);
        }
        return digest;
    }

    // ---- authentication ----

    private Optional<String> authorization(OciReference ref, boolean push) {
        return Optional.ofNullable(authorizations.get(ref.apiHost() + " " + scope(ref, push)));
    }

    private interface RequestFactory {
        HttpRequest.Builder build();
    }

    /** Sends with what authorization is known; on a 401 obtains one from the challenge and retries once. */
    private HttpResponse<InputStream> send(OciReference ref, boolean push, RequestFactory factory) throws OciException {
        HttpRequest.Builder b = factory.build();
        authorization(ref, push).ifPresent(a -> b.header("Authorization", a));
        HttpResponse<InputStream> r = sendOnce(b.build());
        if (r.statusCode() != 401) {
            return r;
        }
        discard(r);
        String header = authenticate(ref, push, r.headers());
        authorizations.put(ref.apiHost() + " " + scope(ref, push), header);
        HttpRequest.Builder again = factory.build();
        again.header("Authorization", header);
        HttpResponse<InputStream> retried = sendOnce(again.build());
        if (retried.statusCode() == 401) {
            discard(retried);
            throw new OciException("unauthorized: the registry " + ref.registry() + " refused the credentials "
                    + (credentials.lookup(ref.registry()).isPresent() ? "from the Docker config" : "(none: anonymous)")
                    + " for " + scope(ref, push));
        }
        return retried;
    }

    /** The Authorization header value a 401's challenge asks for. */
    private String authenticate(OciReference ref, boolean push, HttpHeaders headers) throws OciException {
        String challenge = headers.firstValue("WWW-Authenticate").orElseThrow(() -> new OciException(
                "unauthorized: the registry " + ref.registry() + " answered 401 without a WWW-Authenticate challenge"));
        Optional<DockerCredentials.Basic> basic = credentials.lookup(ref.registry());
        String scheme = challenge.trim().split("\\s+", 2)[0];
        if (scheme.equalsIgnoreCase("Basic")) {
            return basic.map(DockerCredentials.Basic::header).orElseThrow(() -> new OciException(
                    "unauthorized: the registry " + ref.registry() + " wants a user name and password; log in with "
                            + "`docker login " + ref.registry() + "` (or add it to the Docker config)"));
        }
        if (!scheme.equalsIgnoreCase("Bearer")) {
            throw new OciException("the registry " + ref.registry() + " asks for the unsupported authentication " + scheme);
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new OciException("the registry " + ref.registry() + " sent a Bearer challenge without a realm");
        }
        List<String> query = new ArrayList<>();
        if (params.containsKey("service")) {
            query.add("service=" + URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        query.add("scope=" + URLEncoder.encode(scope(ref, push), StandardCharsets.UTF_8));
        URI tokenUri;
        try {
            tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + String.join("&", query));
        } catch (IllegalArgumentException e) {
            throw new OciException("the registry " + ref.registry() + " sent a bad token realm " + realm);
        }
        if (!insecure && !"https".equals(tokenUri.getScheme())) {
            throw new OciException("the registry " + ref.registry() + " wants credentials sent to the non-HTTPS realm "
                    + realm + " (use --insecure only for registries you trust)");
        }
        HttpRequest.Builder tb = HttpRequest.newBuilder(tokenUri).GET().timeout(Duration.ofMinutes(1));
        basic.ifPresent(c -> tb.header("Authorization", c.header()));
        HttpResponse<InputStream> r = sendOnce(tb.build());
        if (r.statusCode() == 401 || r.statusCode() == 403) {
            discard(r);
            throw new OciException("unauthorized: the token service " + tokenUri.getAuthority() + " refused "
                    + (basic.isPresent() ? "the credentials from the Docker config" : "anonymous access")
                    + " for " + scope(ref, push));
        }
        expect(r, 200, "fetching a token from " + realm);
        JsonNode token;
        try {
            token = JSON.readTree(readLimited(r, 1 << 20, "the token from " + realm));
        } catch (IOException e) {
            throw new OciException("the token service " + realm + " answered with bad JSON", e);
        }
        String value = token.path("token").asText(token.path("access_token").asText(""));
        if (value.isEmpty()) {
            throw new OciException("the token service " + realm + " answered without a token");
        }
        return "Bearer " + value;
    }

    // ---- plumbing ----

    private HttpResponse<InputStream> sendOnce(HttpRequest request) throws OciException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new OciException("cannot reach " + request.uri().getScheme() + "://" + request.uri().getAuthority()
                    + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
                    + (!insecure && e instanceof javax.net.ssl.SSLException ? " (a plain-HTTP registry needs --insecure)" : ""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OciException("interrupted while talking to " + request.uri().getAuthority());
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static void expect(HttpResponse<InputStream> r, int status, String what) throws OciException {
        if (r.statusCode() == status) {
            return;
        }
        String detail = "";
        try {
            byte[] body = readLimited(r, 64 * 1024, what);
            JsonNode errors = JSON.readTree(body).path("errors");
            List<String> parts = new ArrayList<>();
            for (JsonNode e : errors) {
                parts.add(e.path("code").asText() + ": " + e.path("message").asText());
            }
            detail = parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
        } catch (IOException | RuntimeException e) {
            // no JSON error body: the status alone says it
        }
        String meaning = switch (r.statusCode()) {
            case 404 -> " not found";
            case 403 -> " forbidden";
            case 401 -> " unauthorized";
            default -> "";
        };
        throw new OciException(what + ": HTTP " + r.statusCode() + meaning + detail);
    }

    private static byte[] readLimited(HttpResponse<InputStream> r, int max, String what) throws OciException {
        try (InputStream in = r.body()) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new OciException(what + " is larger than " + max + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            if (e instanceof OciException o) {
                throw o;
            }
            throw new OciException("reading " + what + ": " + e.getMessage(), e);
        }
    }

    private static void discard(HttpResponse<InputStream> r) {
        try (InputStream in = r.body()) {
            in.skip(Long.MAX_VALUE);
        } catch (IOException e) {
            // the connection is dropped instead of reused
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover partial file in the cache's temp area is harmless
        }
    }

    static void checkDigest(String digest) throws OciException {
        if (digest == null || !digest.matches("sha256:[a-f0-9]{64}")) {
            throw new OciException("unsupported or malformed digest `" + digest + "` (sha256:<64 hex digits> expected)");
        }
    }

    /** {@code sha256:<hex>} of the bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** {@code sha256:<hex>} of a file's content. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
