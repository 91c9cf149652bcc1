package dev.basalt.serve.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.serve.AppManifest;
import dev.basalt.serve.WasiHttpServer;
import dev.basalt.testkit.DockerRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push and pull against a real registry ({@code docker-registry}, started on a free loopback port for this class):
 * a Spin application (two components sharing one Wasm, files inlined and as layers) in Spin's layout, checked by
 * reading the registry's manifest and locked app back raw, pulled into an empty cache and served; a single
 * component in the Wasm artifact layout; Spin 1's layout (locked app as the config); a damaged cache entry is
 * fetched again; hostile locked apps are refused.
 */
class OciDistributionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static DockerRegistry registry;
    @TempDir
    static Path shared;

    static Path handler() throws IOException {
        try (InputStream in = OciDistributionTest.class.getResourceAsStream("/wasi-http/handler.component.wasm")) {
            Path p = shared.resolve("handler.component.wasm");
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    @BeforeAll
    static void startRegistry() throws Exception {
        assumeTrue(DockerRegistry.binary().isPresent(),
                "docker-registry is not installed (apt-get install docker-registry): the OCI registry tests are SKIPPED");
        registry = DockerRegistry.start(shared.resolve("registry"), "");
    }

    @AfterAll
    static void stopRegistry() throws InterruptedException {
        if (registry != null) {
            registry.close();
        }
    }

    private static OciDistribution client(Path cache) {
        return new OciDistribution(new RegistryClient(DockerCredentials.none(), true), new OciCache(cache));
    }

    private static JsonNode raw(String path, String accept) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + registry.host() + path))
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** An application directory: api and web share the handler, web mounts a small and a large file. */
    static Path app(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("static/sub"));
        Files.copy(handler(), dir.resolve("handler.wasm"));
        Files.writeString(dir.resolve("static/small.txt"), "tiny");
        Files.writeString(dir.resolve("static/sub/large.txt"), "x".repeat(1000));
        Files.writeString(dir.resolve("static/skip.tmp"), "excluded");
        Files.writeString(dir.resolve("spin.toml"), """
                spin_manifest_version = 2
                [application]
                name = "shop"
                version = "1.2.0"

                [[trigger.http]]
                route = "/api/..."
                component = "api"

                [[trigger.http]]
                route = "/..."
                component = "web"

                [component.api]
                source = "handler.wasm"
                environment = { MODE = "live" }
                allowed_outbound_hosts = ["http://127.0.0.1:9"]

                [component.web]
                source = "handler.wasm"
                files = [{ source = "static", destination = "/www" }]
                exclude_files = ["static/*.tmp"]
                """);
        return dir;
    }

    @Test
    void spinAppPushedInSpinsLayoutPulledIntoAnEmptyCacheAndServed(@TempDir Path tmp) throws Exception {
        OciReference ref = OciReference.parse(registry.host() + "/basalt/shop:1.2.0");
        String digest = client(tmp.resolve("cache-push")).pushApp(app(tmp.resolve("app")), ref);
        assertThat(digest).matches("sha256:[0-9a-f]{64}");

        JsonNode manifest = raw("/v2/basalt/shop/manifests/1.2.0", RegistryClient.OCI_MANIFEST);
        assertThat(manifest.path("config").path("mediaType").asText()).isEqualTo(OciDistribution.IMAGE_CONFIG);
        assertThat(manifest.path("annotations").path("org.opencontainers.image.version").asText()).isEqualTo("1.2.0");
        List<String> types = new ArrayList<>();
        manifest.path("layers").forEach(l -> types.add(l.path("mediaType").asText()));
        // one Wasm layer for both components, one data layer for the large file (the small one is inlined), the app
        assertThat(types).containsExactly(OciDistribution.WASM_LAYER, OciDistribution.DATA_LAYER, OciDistribution.SPIN_APP);
        JsonNode lockedLayer = manifest.path("layers").get(2);
        JsonNode imageConfig = raw("/v2/basalt/shop/blobs/" + manifest.path("config").path("digest").asText(), "*/*");
        assertThat(imageConfig.path("config").path("Labels").path("com.fermyon.spin.lockedAppDigest").asText())
                .isEqualTo(lockedLayer.path("digest").asText());
        JsonNode locked = raw("/v2/basalt/shop/blobs/" + lockedLayer.path("digest").asText(), "*/*");
        assertThat(locked.path("spin_lock_version").asInt()).isZero();
        assertThat(locked.path("metadata").path("name").asText()).isEqualTo("shop");
        assertThat(locked.path("triggers")).hasSize(2);
        assertThat(locked.path("triggers").get(0).path("trigger_config").path("route").asText()).isEqualTo("/api/...");
        JsonNode api = locked.path("components").get(0);
        assertThat(api.path("id").asText()).isEqualTo("api");
        assertThat(api.path("source").path("digest").asText()).isEqualTo(manifest.path("layers").get(0).path("digest").asText());
        assertThat(api.path("env").path("MODE").asText()).isEqualTo("live");
        assertThat(api.path("metadata").path("allowed_outbound_hosts").get(0).asText()).isEqualTo("http://127.0.0.1:9");
        JsonNode files = locked.path("components").get(1).path("files");
        assertThat(files).hasSize(2);
        assertThat(files.get(0).path("path").asText()).isEqualTo("www/small.txt");
        assertThat(files.get(0).path("inline").asText()).isEqualTo("dGlueQ==");
        assertThat(files.get(1).path("path").asText()).isEqualTo("www/sub/large.txt");
        assertThat(files.get(1).path("digest").asText()).isEqualTo(manifest.path("layers").get(1).path("digest").asText());

        // pushing the same app again gives the same digest (nothing in it depends on the time)
        assertThat(client(tmp.resolve("cache-push")).pushApp(tmp.resolve("app/spin.toml"), ref)).isEqualTo(digest);

        Path cache = tmp.resolve("cache-pull");
        OciDistribution.Pulled pulled = client(cache).pull(ref);
        assertThat(pulled).isInstanceOf(OciDistribution.PulledApp.class);
        assertThat(pulled.digest()).isEqualTo(digest);
        Path toml = ((OciDistribution.PulledApp) pulled).manifest();
        assertThat(toml).startsWith(cache);
        Path dir = toml.getParent();
        assertThat(Files.readString(dir.resolve("files/web/www/small.txt"))).isEqualTo("tiny");
        assertThat(Files.readString(dir.resolve("files/web/www/sub/large.txt"))).isEqualTo("x".repeat(1000));
        assertThat(dir.resolve("files/web/www/skip.tmp")).doesNotExist();
        assertThat(Files.mismatch(dir.resolve("wasm/api.wasm"), handler())).isEqualTo(-1);

        AppManifest app = AppManifest.load(toml);
        assertThat(app.name()).isEqualTo("shop");
        assertThat(app.routes()).extracting(AppManifest.HttpTrigger::route).containsExactly("/api/...", "/...");
        assertThat(app.components().get("api").environment()).containsEntry("MODE", "live");
        assertThat(app.components().get("api").allowedOutboundHosts()).containsExactly("http://127.0.0.1:9");
        assertThat(app.components().get("web").files()).singleElement()
                .satisfies(m -> assertThat(m.destination()).isEqualTo("/"));

        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        try (WasiHttpServer server = app.serverBuilder(engine).listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/items")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("GET /api/items\n").contains("spin-component-route: /api");
        }

        // a second pull is served from the cache: the same directory
        assertThat(((OciDistribution.PulledApp) client(cache).pull(ref)).manifest()).isEqualTo(toml);
        // and so is a pull by digest
        assertThat(client(tmp.resolve("cache-3")).pull(ref.withDigest(digest)).digest()).isEqualTo(digest);
        // pinned by digest, a cached app needs no registry at all (here: a registry that is not there)
        OciReference gone = OciReference.parse("127.0.0.1:1/basalt/shop@" + digest);
        assertThat(((OciDistribution.PulledApp) client(cache).pull(gone)).manifest()).isEqualTo(toml);
        assertThatThrownBy(() -> client(tmp.resolve("cache-4")).pull(gone)).isInstanceOf(OciException.class)
                .hasMessageContaining("cannot reach http://127.0.0.1:1");
    }

    @Test
    void singleComponentInTheWasmArtifactLayout(@TempDir Path tmp) throws Exception {
        OciReference ref = OciReference.parse("oci://" + registry.host() + "/basalt/handler");
        String digest = client(tmp.resolve("c1")).pushWasm(handler(), ref);
        JsonNode manifest = raw("/v2/basalt/handler/manifests/latest", RegistryClient.OCI_MANIFEST);
        assertThat(manifest.path("config").path("mediaType").asText()).isEqualTo(OciDistribution.WASM_CONFIG);
        assertThat(manifest.path("layers")).singleElement()
                .satisfies(l -> assertThat(l.path("mediaType").asText()).isEqualTo(OciDistribution.WASM));
        JsonNode config = raw("/v2/basalt/handler/blobs/" + manifest.path("config").path("digest").asText(), "*/*");
        assertThat(config.path("os").asText()).isEqualTo("wasip2");
        assertThat(config.path("layerDigests").get(0).asText()).isEqualTo(manifest.path("layers").get(0).path("digest").asText());

        Path cache = tmp.resolve("c2");
        OciDistribution.Pulled pulled = client(cache).pull(ref);
        assertThat(pulled.digest()).isEqualTo(digest);
        Path wasm = ((OciDistribution.PulledWasm) pulled).wasm();
        assertThat(Files.mismatch(wasm, handler())).isEqualTo(-1);

        // pinned by digest, a cached component needs no registry at all (here: a registry that is not there)
        OciReference gone = OciReference.parse("127.0.0.1:1/basalt/handler@" + digest);
        assertThat(Files.mismatch(((OciDistribution.PulledWasm) client(cache).pull(gone)).wasm(), handler())).isEqualTo(-1);

        // a damaged cache entry is not used: it is fetched again
        Files.write(wasm, "not the component".getBytes(StandardCharsets.UTF_8));
        Path again = ((OciDistribution.PulledWasm) client(cache).pull(ref)).wasm();
        assertThat(Files.mismatch(again, handler())).isEqualTo(-1);
    }

    @Test
    void spin1LayoutWithTheLockedAppAsConfigIsPulled(@TempDir Path tmp) throws Exception {
        OciReference ref = OciReference.parse(registry.host() + "/basalt/old:v1");
        RegistryClient rc = new RegistryClient(DockerCredentials.none(), true);
        byte[] wasm = Files.readAllBytes(handler());
        String wasmDigest = RegistryClient.sha256(wasm);
        rc.pushBlob(ref, wasmDigest, HttpRequest.BodyPublishers.ofByteArray(wasm));
        byte[] locked = ("{\"spin_lock_version\":1,\"metadata\":{\"name\":\"old\"},\"triggers\":[{\"id\":\"t\","
                + "\"trigger_type\":\"http\",\"trigger_config\":{\"route\":\"/...\",\"component\":\"hello\"}}],"
                + "\"components\":[{\"id\":\"hello\",\"source\":{\"content_type\":\"application/wasm\",\"digest\":\""
                + wasmDigest + "\"}}]}").getBytes(StandardCharsets.UTF_8);
        String lockedDigest = RegistryClient.sha256(locked);
        rc.pushBlob(ref, lockedDigest, HttpRequest.BodyPublishers.ofByteArray(locked));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"" + OciDistribution.SPIN_APP + "\",\"digest\":\"" + lockedDigest + "\",\"size\":"
                + locked.length + "},\"layers\":[{\"mediaType\":\"" + OciDistribution.WASM_LAYER + "\",\"digest\":\""
                + wasmDigest + "\",\"size\":" + wasm.length + "}]}";
        rc.pushManifest(ref, manifest.getBytes(StandardCharsets.UTF_8), RegistryClient.OCI_MANIFEST);

        Path toml = ((OciDistribution.PulledApp) client(tmp).pull(ref)).manifest();
        AppManifest app = AppManifest.load(toml);
        assertThat(app.routes()).singleElement().satisfies(t -> assertThat(t.component()).isEqualTo("hello"));
    }

    /** A ustar entry: header and content padded to 512 bytes. */
    private static void tarEntry(java.io.OutputStream out, String name, char type, byte[] content) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", content.length));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        put(h, 257, "ustar");
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[155] = ' ';
        out.write(h);
        out.write(content);
        out.write(new byte[(512 - content.length % 512) % 512]);
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    @Test
    void spinArchiveLayersAreUnpackedByDigest(@TempDir Path tmp) throws Exception {
        OciReference ref = OciReference.parse(registry.host() + "/basalt/archived:1");
        RegistryClient rc = new RegistryClient(DockerCredentials.none(), true);
        byte[] wasm = Files.readAllBytes(handler());
        byte[] page = "<h1>archived</h1>".repeat(20).getBytes(StandardCharsets.UTF_8);
        byte[] style = "body{}".repeat(40).getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream tgz = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(tgz)) {
            tarEntry(gz, "./", '5', new byte[0]);
            tarEntry(gz, "./www/index.html", '0', page);
            tarEntry(gz, "../../outside/style.css", '0', style); // names are never used as paths
            tarEntry(gz, "./link", '2', new byte[0]);
            gz.write(new byte[1024]);
        }
        byte[] archive = tgz.toByteArray();
        String wasmDigest = RegistryClient.sha256(wasm);
        String archiveDigest = RegistryClient.sha256(archive);
        rc.pushBlob(ref, wasmDigest, HttpRequest.BodyPublishers.ofByteArray(wasm));
        rc.pushBlob(ref, archiveDigest, HttpRequest.BodyPublishers.ofByteArray(archive));
        byte[] locked = ("{\"spin_lock_version\":0,\"metadata\":{\"name\":\"archived\"},\"triggers\":[{\"id\":\"t\","
                + "\"trigger_type\":\"http\",\"trigger_config\":{\"route\":\"/...\",\"component\":\"site\"}}],"
                + "\"components\":[{\"id\":\"site\",\"source\":{\"content_type\":\"application/wasm\",\"digest\":\""
                + wasmDigest + "\"},\"files\":[{\"digest\":\"" + RegistryClient.sha256(page) + "\",\"path\":\"www/index.html\"},"
                + "{\"digest\":\"" + RegistryClient.sha256(style) + "\",\"path\":\"www/style.css\"}]}]}").getBytes(StandardCharsets.UTF_8);
        String lockedDigest = RegistryClient.sha256(locked);
        rc.pushBlob(ref, lockedDigest, HttpRequest.BodyPublishers.ofByteArray(locked));
        byte[] config = "{\"architecture\":\"wasm\",\"os\":\"wasip1\"}".getBytes(StandardCharsets.UTF_8);
        String configDigest = RegistryClient.sha256(config);
        rc.pushBlob(ref, configDigest, HttpRequest.BodyPublishers.ofByteArray(config));
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"" + OciDistribution.IMAGE_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length
                + "},\"layers\":[{\"mediaType\":\"" + OciDistribution.WASM_LAYER + "\",\"digest\":\"" + wasmDigest + "\",\"size\":"
                + wasm.length + "},{\"mediaType\":\"" + OciDistribution.ARCHIVE_LAYER + "\",\"digest\":\"" + archiveDigest
                + "\",\"size\":" + archive.length + "},{\"mediaType\":\"" + OciDistribution.SPIN_APP + "\",\"digest\":\""
                + lockedDigest + "\",\"size\":" + locked.length + "}]}";
        rc.pushManifest(ref, manifest.getBytes(StandardCharsets.UTF_8), RegistryClient.OCI_MANIFEST);

        Path dir = ((OciDistribution.PulledApp) client(tmp.resolve("cache")).pull(ref)).manifest().getParent();
        assertThat(Files.readAllBytes(dir.resolve("files/site/www/index.html"))).isEqualTo(page);
        assertThat(Files.readAllBytes(dir.resolve("files/site/www/style.css"))).isEqualTo(style);
        assertThat(tmp.resolve("outside")).doesNotExist();
        assertThat(AppManifest.load(dir.resolve("spin.toml")).components()).containsKey("site");
    }

    @Test
    void missingReferencesAndBadInputAreOciExceptions(@TempDir Path tmp) throws Exception {
        OciDistribution oci = client(tmp);
        assertThatThrownBy(() -> oci.pull(OciReference.parse(registry.host() + "/basalt/nothing:here")))
                .isInstanceOf(OciException.class).hasMessageContaining("HTTP 404 not found").hasMessageContaining("MANIFEST_UNKNOWN");
        Files.writeString(tmp.resolve("not.wasm"), "hello");
        assertThatThrownBy(() -> oci.pushWasm(tmp.resolve("not.wasm"), OciReference.parse(registry.host() + "/x/y")))
                .isInstanceOf(OciException.class).hasMessageContaining("is not a binary Wasm");
        Files.writeString(tmp.resolve("spin.toml"), """
                spin_manifest_version = 2
                [application]
                name = "bad"
                [[trigger.http]]
                route = "/..."
                component = "a"
                [component.a]
                source = "../outside.wasm"
                """);
        assertThatThrownBy(() -> oci.pushApp(tmp, OciReference.parse(registry.host() + "/x/y")))
                .isInstanceOf(OciException.class).hasMessageContaining("outside the application directory");
    }

    /**
     * An app whose components chain ({@code *.spin.internal} grants) is pushed as Spin pushes it: lock version 1
     * requiring {@code local_service_chaining}, so hosts without chaining refuse it; one without is version 0.
     */
    @Test
    void serviceChainingIsAHostRequirementOfThePushedApp(@TempDir Path tmp) throws Exception {
        Files.write(tmp.resolve("a.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        String toml = """
                spin_manifest_version = 2
                [application]
                name = "chain"
                [[trigger.http]]
                route = "/..."
                component = "a"
                [component.a]
                source = "a.wasm"
                allowed_outbound_hosts = [%s]
                """;
        Path chained = Files.writeString(tmp.resolve("spin.toml"), toml.formatted("\"http://b.spin.internal\""));
        JsonNode locked = LockedAppBuilder.build(chained).lockedApp();
        assertThat(locked.path("spin_lock_version").asInt()).isEqualTo(1);
        assertThat(locked.path("must_understand").toString()).isEqualTo("[\"host_requirements\"]");
        assertThat(locked.path("host_requirements").path("local_service_chaining").asText()).isEqualTo("required");
        Path plain = Files.writeString(tmp.resolve("spin.toml"), toml.formatted("\"https://example.com\""));
        JsonNode unchained = LockedAppBuilder.build(plain).lockedApp();
        assertThat(unchained.path("spin_lock_version").asInt()).isZero();
        assertThat(unchained.has("host_requirements")).isFalse();
    }

    @Test
    void hostileLockedAppsAreRefused(@TempDir Path tmp) throws Exception {
        LockedAppMaterializer.Blobs none = d -> {
            throw new OciException("no blob " + d);
        };
        String traversal = "{\"spin_lock_version\":0,\"triggers\":[],\"components\":[{\"id\":\"a\",\"source\":{\"inline\":"
                + "\"AGFzbQ==\"},\"files\":[{\"inline\":\"eA==\",\"path\":\"../../escape.txt\"}]}]}";
        assertThatThrownBy(() -> LockedAppMaterializer.write(JSON.readTree(traversal), none, Files.createDirectories(tmp.resolve("a")), "test"))
                .isInstanceOf(OciException.class).hasMessageContaining("unsafe path `../../escape.txt`");
        assertThat(tmp.resolve("escape.txt")).doesNotExist();
        String badId = "{\"spin_lock_version\":0,\"triggers\":[],\"components\":[{\"id\":\"../x\",\"source\":{\"inline\":\"AA==\"}}]}";
        assertThatThrownBy(() -> LockedAppMaterializer.write(JSON.readTree(badId), none, Files.createDirectories(tmp.resolve("b")), "test"))
                .isInstanceOf(OciException.class).hasMessageContaining("bad component id");
        String wrongInline = "{\"spin_lock_version\":0,\"triggers\":[],\"components\":[{\"id\":\"a\",\"source\":{\"inline\":"
                + "\"AA==\",\"digest\":\"sha256:" + "0".repeat(64) + "\"}}]}";
        assertThatThrownBy(() -> LockedAppMaterializer.write(JSON.readTree(wrongInline), none, Files.createDirectories(tmp.resolve("c")), "test"))
                .isInstanceOf(OciException.class).hasMessageContaining("does not match its digest");
        String hostReq = "{\"spin_lock_version\":1,\"must_understand\":[\"host_requirements\"],\"host_requirements\":"
                + "{\"local_service_chaining\":\"required\",\"teleportation\":\"required\"},\"triggers\":[],\"components\":[]}";
        assertThatThrownBy(() -> LockedAppMaterializer.write(JSON.readTree(hostReq), none, Files.createDirectories(tmp.resolve("d")), "test"))
                .isInstanceOf(OciException.class).hasMessageContaining("`teleportation`");
        String chaining = "{\"spin_lock_version\":1,\"must_understand\":[\"host_requirements\"],\"host_requirements\":"
                + "{\"local_service_chaining\":\"required\"},\"triggers\":[],\"components\":[]}";
        assertThat(LockedAppMaterializer.write(JSON.readTree(chaining), none, Files.createDirectories(tmp.resolve("e")), "test"))
                .as("basalt serve chains in-process").exists();
    }
}
