package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.spin.kv.RedisKeyValueStore;
import dev.basalt.testkit.RedisServer;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key-value stores and variables through a running basalt serve: a Spin manifest with {@code key_value_stores},
 * {@code [variables]} and component variables, a runtime-config file, and the C guest
 * (basalt-spin's {@code src/test/c/kv-handler.c}) answering real HTTP requests.
 */
class SpinServeTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static Engine engine;

    @TempDir
    Path dir;

    @BeforeAll
    static void engine() {
        engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
    }

    private void handlerAs(String name) throws IOException {
        fixtureAs("kv-handler.component.wasm", name);
    }

    /** Copies the test component {@code fixture} (built by basalt-spin/build-test-kv.sh) to {@code name} in the app. */
    private void fixtureAs(String fixture, String name) throws IOException {
        try (InputStream in = SpinServeTest.class.getResourceAsStream("/spin/" + fixture)) {
            assertThat(in).as(fixture + " (basalt-spin/build-test-kv.sh)").isNotNull();
            Files.write(dir.resolve(name), in.readAllBytes());
        }
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    static HttpResponse<String> send(int port, String path, String body) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String MANIFEST = """
            spin_manifest_version = 2
            [application]
            name = "kv"

            [variables]
            host = { default = "api.example.com" }
            token = { required = true, secret = true }

            [[trigger.http]]
            route = "/..."
            component = "main"

            [[trigger.http]]
            route = "/other/..."
            component = "other"

            [component.main]
            source = "kv.wasm"
            key_value_stores = ["default", "cache"]
            variables = { api_url = "https://{{ host }}/v1", auth = "Bearer {{ token }}" }

            [component.other]
            source = "kv.wasm"
            """;

    @Test
    void storesAndVariablesThroughARunningServer() throws Exception {
        handlerAs("kv.wasm");
        Path manifest = write("spin.toml", MANIFEST);
        Path rc = write("runtime-config.toml", """
                [key_value_store.cache]
                type = "spin"
                path = "cache.db"
                """);
        AppManifest m = AppManifest.load(manifest);
        assertThat(m.components().get("main").keyValueStores()).containsExactly("default", "cache");
        List<String> log = new CopyOnWriteArrayList<>();
        Map<String, String> env = Map.of("SPIN_VARIABLE_TOKEN", "t0k");
        try (WasiHttpServer server = m.serverBuilder(engine, Optional.of(rc), env)
                .listen(new InetSocketAddress("127.0.0.1", 0)).errorLog(log::add).start()) {
            int port = server.port();
            assertThat(send(port, "/spin/default/set/visits", "1").body()).isEqualTo("ok");
            assertThat(send(port, "/wasi/default/incr/visits", "41").body()).isEqualTo("42");
            assertThat(send(port, "/spin/default/get/visits", "").body()).isEqualTo("42");
            assertThat(send(port, "/wasi/cache/set/c", "cached").body()).isEqualTo("ok");
            assertThat(send(port, "/spin/cache/keys", "").body()).isEqualTo("c\n");
            assertThat(send(port, "/spin/elsewhere/get/x", "").body()).isEqualTo("error: access-denied");
            assertThat(send(port, "/var/api_url", "").body()).isEqualTo("https://api.example.com/v1");
            assertThat(send(port, "/var/auth", "").body()).isEqualTo("Bearer t0k");
            assertThat(send(port, "/config-all", "").body())
                    .isEqualTo("api_url=https://api.example.com/v1\nauth=Bearer t0k\n");
            // the other component (the same code): no stores granted, no variables
            assertThat(send(port, "/other/spin/default/get/visits", "").body()).isEqualTo("error: access-denied");
            assertThat(send(port, "/other/wasi/cache/get/c", "").body()).isEqualTo("error: access-denied");
            assertThat(send(port, "/other/var/api_url", "").body()).isEqualTo("error: undefined: no variable api_url");
        }
        assertThat(log).isEmpty();
        // Spin's default store: .spin/sqlite_key_value.db beside the manifest; it outlives the server
        assertThat(dir.resolve(".spin/sqlite_key_value.db")).isRegularFile();
        assertThat(dir.resolve("cache.db")).isRegularFile();
        try (WasiHttpServer again = m.serverBuilder(engine, Optional.of(rc), env)
                .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
            assertThat(send(again.port(), "/spin/default/get/visits", "").body()).isEqualTo("42");
            assertThat(send(again.port(), "/wasi/cache/get/c", "").body()).isEqualTo("cached");
        }
    }

    @Test
    void concurrentRequestsShareTheStoreAtomically() throws Exception {
        handlerAs("kv.wasm");
        Path manifest = write("spin.toml", """
                spin_manifest_version = 2
                [[trigger.http]]
                route = "/..."
                component = "kv"
                [component.kv]
                source = "kv.wasm"
                key_value_stores = ["default"]
                """);
        int threads = 4;
        int each = 15;
        try (WasiHttpServer server = AppManifest.load(manifest).serverBuilder(engine, Optional.empty(), Map.of())
                .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
            int port = server.port();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<List<String>>> results = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        List<String> seen = new java.util.ArrayList<>();
                        for (int i = 0; i < each; i++) {
                            seen.add(send(port, "/wasi/default/incr/hits", "1").body());
                        }
                        return seen;
                    }));
                }
                java.util.Set<String> all = new java.util.TreeSet<>();
                for (var f : results) {
                    all.addAll(f.get());
                }
                // every increment saw its own value: 1 .. threads * each, none twice, none lost
                assertThat(all).hasSize(threads * each);
                assertThat(send(port, "/spin/default/get/hits", "").body()).isEqualTo(Integer.toString(threads * each));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aComponentWithoutGrantsIsDenied() throws Exception {
        handlerAs("kv.wasm");
        Path manifest = write("spin.toml", """
                spin_manifest_version = 2
                [[trigger.http]]
                route = "/..."
                component = "bare"
                [component.bare]
                source = "kv.wasm"
                """);
        try (WasiHttpServer server = AppManifest.load(manifest).serverBuilder(engine, Optional.empty(), Map.of())
                .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
            assertThat(send(server.port(), "/spin/default/get/k", "").body()).isEqualTo("error: access-denied");
            assertThat(send(server.port(), "/wasi/default/get/k", "").body()).isEqualTo("error: access-denied");
            assertThat(send(server.port(), "/var/x", "").body()).isEqualTo("error: undefined: no variable x");
            assertThat(send(server.port(), "/config/x", "").statusCode()).isEqualTo(404);
        }
        assertThat(dir.resolve(".spin")).as("the default store is created on first use only").doesNotExist();
    }

    @Test
    void startupChecksVariablesAndStores() throws Exception {
        handlerAs("kv.wasm");
        AppManifest m = AppManifest.load(write("spin.toml", MANIFEST));
        assertThatThrownBy(() -> m.serverBuilder(engine, Optional.empty(), Map.of("SPIN_VARIABLE_TOKEN", "t")))
                .hasMessageContaining("component main uses the key-value store `cache`, which no runtime config defines");
        Path rc = write("rc.toml", "[key_value_store.cache]\ntype = \"memory\"\n");
        assertThatThrownBy(() -> m.serverBuilder(engine, Optional.of(rc), Map.of()))
                .hasMessageContaining("the required variable `token` has no value (set SPIN_VARIABLE_TOKEN");
    }

    @Test
    void redisStoreThroughTheServer() throws Exception {
        assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        handlerAs("kv.wasm");
        try (RedisServer redis = RedisServer.start()) {
            Path manifest = write("spin.toml", MANIFEST);
            Path rc = write("rc.toml", "[key_value_store.default]\ntype = \"redis\"\nurl = \"" + redis.url() + "\"\n"
                    + "[key_value_store.cache]\ntype = \"redis\"\nurl = \"" + redis.url() + "/3\"\n");
            try (WasiHttpServer server = AppManifest.load(manifest)
                    .serverBuilder(engine, Optional.of(rc), Map.of("SPIN_VARIABLE_TOKEN", "t"))
                    .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
                int port = server.port();
                assertThat(send(port, "/spin/default/set/greeting", "hi from wasm").body()).isEqualTo("ok");
                assertThat(send(port, "/wasi/cache/incr/n", "3").body()).isEqualTo("3");
                assertThat(send(port, "/wasi/cache/cas-race/n", "x").body()).isEqualTo("cas-failed current=intruder");
                assertThat(send(port, "/wasi/cache/setmany", "a=1\nb=2").body()).isEqualTo("set 2");
                assertThat(send(port, "/wasi/cache/keys", "").body()).isEqualTo("a\nb\nn\npages=1");
            }
            try (RedisKeyValueStore direct = RedisKeyValueStore.open(redis.url())) {
                assertThat(direct.get("greeting")).hasValueSatisfying(v ->
                        assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("hi from wasm"));
                assertThat(direct.exists("n")).as("cache is database 3").isFalse();
            }
            assertThat(dir.resolve(".spin")).as("default is Redis here").doesNotExist();
        }
    }

    @Test
    void sqliteDatabasesThroughTheServer() throws Exception {
        handlerAs("kv.wasm");
        Path manifest = write("spin.toml", """
                spin_manifest_version = 2
                [[trigger.http]]
                route = "/..."
                component = "db"
                [[trigger.http]]
                route = "/bare/..."
                component = "bare"
                [component.db]
                source = "kv.wasm"
                sqlite_databases = ["default", "audit"]
                [component.bare]
                source = "kv.wasm"
                """);
        Path rc = write("rc.toml", "[sqlite_database.audit]\ntype = \"spin\"\npath = \"audit.db\"\n");
        AppManifest m = AppManifest.load(manifest);
        assertThat(m.components().get("db").sqliteDatabases()).containsExactly("default", "audit");
        assertThatThrownBy(() -> m.serverBuilder(engine, Optional.empty(), Map.of()))
                .hasMessageContaining("component db uses the SQLite database `audit`, which no runtime config defines");
        try (WasiHttpServer server = m.serverBuilder(engine, Optional.of(rc), Map.of())
                .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
            int port = server.port();
            assertThat(send(port, "/sql/default", "CREATE TABLE todo (id INTEGER PRIMARY KEY, title TEXT)").body())
                    .isEqualTo("\n");
            assertThat(send(port, "/sql/default", "INSERT INTO todo (title) VALUES (?)\nt:write tests").body())
                    .isEqualTo("\n");
            assertThat(send(port, "/sql/default", "SELECT id, title FROM todo").body())
                    .isEqualTo("id|title\ni:1|t:write tests\n");
            assertThat(send(port, "/sql/audit", "CREATE TABLE log (line TEXT)").body()).isEqualTo("\n");
            assertThat(send(port, "/sql/elsewhere", "SELECT 1").body()).isEqualTo("error: access-denied");
            assertThat(send(port, "/bare/sql/default", "SELECT 1").body()).as("not granted to this component")
                    .isEqualTo("error: access-denied");
        }
        // Spin's default database: .spin/sqlite_db.db beside the manifest (the runtime config's beside that file)
        assertThat(dir.resolve(".spin/sqlite_db.db")).isRegularFile();
        assertThat(dir.resolve("audit.db")).isRegularFile();
        try (WasiHttpServer again = m.serverBuilder(engine, Optional.of(rc), Map.of())
                .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
            assertThat(send(again.port(), "/sql/default", "SELECT count(*) AS n FROM todo").body())
                    .isEqualTo("n\ni:1\n");
        }
    }

    @Test
    void outboundRedisThroughTheServer() throws Exception {
        assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        handlerAs("kv.wasm");
        try (RedisServer redis = RedisServer.start()) {
            Path manifest = write("spin.toml", """
                    spin_manifest_version = 2
                    [[trigger.http]]
                    route = "/..."
                    component = "r"
                    [[trigger.http]]
                    route = "/http-only/..."
                    component = "h"
                    [component.r]
                    source = "kv.wasm"
                    allowed_outbound_hosts = ["%s"]
                    [component.h]
                    source = "kv.wasm"
                    allowed_outbound_hosts = ["%s"]
                    """.formatted(redis.url(), redis.url().replace("redis://", "http://")));
            try (WasiHttpServer server = AppManifest.load(manifest).serverBuilder(engine, Optional.empty(), Map.of())
                    .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
                int port = server.port();
                assertThat(send(port, "/redis/set", redis.url() + "\ncolour\nteal").body()).isEqualTo("ok");
                assertThat(send(port, "/redis/get", redis.url() + "\ncolour").body()).isEqualTo("teal");
                assertThat(send(port, "/http-only/redis/get", redis.url() + "\ncolour").body())
                        .as("an http grant does not admit redis").isEqualTo("error: invalid-address");
            }
            try (RedisKeyValueStore direct = RedisKeyValueStore.open(redis.url())) {
                assertThat(direct.get("colour")).hasValueSatisfying(v ->
                        assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("teal"));
            }
        }
    }

    @Test
    void redisTriggerBesideHttpRoutes() throws Exception {
        assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        handlerAs("kv.wasm");
        fixtureAs("redis-handler.component.wasm", "on-message.wasm");
        try (RedisServer redis = RedisServer.start()) {
            Path manifest = write("spin.toml", """
                    spin_manifest_version = 2
                    [application]
                    name = "events"
                    [application.trigger.redis]
                    address = "%s"
                    [[trigger.http]]
                    route = "/..."
                    component = "web"
                    [[trigger.redis]]
                    channel = "events"
                    component = "on-message"
                    [component.web]
                    source = "kv.wasm"
                    key_value_stores = ["default"]
                    [component.on-message]
                    source = "on-message.wasm"
                    key_value_stores = ["default"]
                    """.formatted(redis.url()));
            AppManifest m = AppManifest.load(manifest);
            assertThat(m.redisTriggers()).containsExactly(
                    new AppManifest.RedisTriggerSpec("events", "on-message", redis.url()));
            try (WasiHttpServer server = m.serverBuilder(engine, Optional.empty(), Map.of())
                    .listen(new InetSocketAddress("127.0.0.1", 0)).start();
                 dev.basalt.spin.redis.RedisClient publisher = dev.basalt.spin.redis.RedisClient.connect(
                         dev.basalt.spin.redis.RedisAddress.parse(redis.url()), 1 << 20)) {
                int port = server.port();
                publisher.command("PUBLISH", "events", "user signed up");
                // the trigger's component writes the store; the HTTP component reads it
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                while (send(port, "/spin/default/get/last", "").statusCode() == 404) {
                    assertThat(System.nanoTime()).as("waiting for the message").isLessThan(deadline);
                    Thread.sleep(20);
                }
                assertThat(send(port, "/spin/default/get/last", "").body()).isEqualTo("user signed up");
            }
            // closing the server unsubscribed: nobody listens on the channel any more
            try (dev.basalt.spin.redis.RedisClient c = dev.basalt.spin.redis.RedisClient.connect(
                    dev.basalt.spin.redis.RedisAddress.parse(redis.url()), 1 << 20)) {
                assertThat(c.command("PUBLISH", "events", "late")).isEqualTo(new dev.basalt.spin.redis.RedisClient.Reply.Int(0));
            }
        }
    }

    @Test
    void redisTriggerWithoutHttpRoutes() throws Exception {
        assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        fixtureAs("redis-handler.component.wasm", "on-message.wasm");
        try (RedisServer redis = RedisServer.start()) {
            Path manifest = write("spin.toml", """
                    spin_manifest_version = 2
                    [application]
                    name = "worker"
                    [application.trigger.redis]
                    address = "%s"
                    [[trigger.redis]]
                    channel = "jobs"
                    component = "on-message"
                    [component.on-message]
                    source = "on-message.wasm"
                    key_value_stores = ["default"]
                    """.formatted(redis.url()));
            // the default store in Redis, so that the test reads what the trigger's component wrote
            Path runtimeConfig = write("runtime-config.toml", """
                    [key_value_store.default]
                    type = "redis"
                    url = "%s"
                    """.formatted(redis.url()));
            AppManifest m = AppManifest.load(manifest);
            assertThat(m.routes()).isEmpty();
            try (WasiHttpServer server = m.serverBuilder(engine, Optional.of(runtimeConfig), Map.of())
                    .listen(new InetSocketAddress("127.0.0.1", 0)).start();
                 dev.basalt.spin.redis.RedisClient publisher = dev.basalt.spin.redis.RedisClient.connect(
                         dev.basalt.spin.redis.RedisAddress.parse(redis.url()), 1 << 20);
                 RedisKeyValueStore direct = RedisKeyValueStore.open(redis.url())) {
                assertThat(send(server.port(), "/anything", "").statusCode()).isEqualTo(404);
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                while (direct.get("last").isEmpty()) {
                    publisher.command("PUBLISH", "jobs", "resize image 7");
                    assertThat(System.nanoTime()).as("waiting for the message").isLessThan(deadline);
                    Thread.sleep(50);
                }
                assertThat(new String(direct.get("last").orElseThrow(), StandardCharsets.UTF_8))
                        .isEqualTo("resize image 7");
            }
        }
    }

    @Test
    void componentSourceFromAUrlWithADigest() throws Exception {
        byte[] wasm;
        try (InputStream in = SpinServeTest.class.getResourceAsStream("/spin/kv-handler.component.wasm")) {
            wasm = in.readAllBytes();
        }
        String digest = dev.basalt.serve.oci.RegistryClient.sha256(wasm);
        java.util.concurrent.atomic.AtomicInteger downloads = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer origin = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        origin.createContext("/kv.wasm", exchange -> {
            downloads.incrementAndGet();
            exchange.sendResponseHeaders(200, wasm.length);
            exchange.getResponseBody().write(wasm);
            exchange.close();
        });
        origin.start();
        String url = "http://127.0.0.1:" + origin.getAddress().getPort() + "/kv.wasm";
        String saved = System.getProperty("basalt.cache.dir");
        System.setProperty("basalt.cache.dir", dir.resolve("cache").toString());
        try {
            String manifest = """
                    spin_manifest_version = 2
                    [[trigger.http]]
                    route = "/..."
                    component = "remote"
                    [component.remote]
                    source = { url = "%s", digest = "%s" }
                    key_value_stores = ["default"]
                    """;
            AppManifest m = AppManifest.load(write("spin.toml", manifest.formatted(url, digest)));
            assertThat(m.components().get("remote").source())
                    .isEqualTo(dir.resolve("cache/blobs/sha256/" + digest.substring(7)));
            try (WasiHttpServer server = m.serverBuilder(engine, Optional.empty(), Map.of())
                    .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
                assertThat(send(server.port(), "/spin/default/set/k", "from the url").body()).isEqualTo("ok");
            }
            origin.stop(0);
            assertThat(AppManifest.load(write("spin.toml", manifest.formatted(url, digest))).components()
                    .get("remote").source()).as("from the cache, without the origin").isRegularFile();
            assertThat(downloads.get()).isEqualTo(1);

            String wrong = "sha256:" + "0".repeat(64);
            assertThatThrownBy(() -> AppManifest.load(write("spin.toml", manifest.formatted(
                    url.replace("kv.wasm", "other.wasm"), wrong))))
                    .hasMessageContaining("component remote: downloading " + url.replace("kv.wasm", "other.wasm"));
            assertThatThrownBy(() -> AppManifest.load(write("spin.toml", manifest.formatted(url, "md5:x"))))
                    .hasMessageContaining("component remote: ");
        } finally {
            origin.stop(0);
            if (saved == null) {
                System.clearProperty("basalt.cache.dir");
            } else {
                System.setProperty("basalt.cache.dir", saved);
            }
        }
    }

    @Test
    void aDownloadThatDoesNotMatchItsDigestIsRefused() throws Exception {
        com.sun.net.httpserver.HttpServer origin = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] tampered = "not the component you pinned".getBytes(StandardCharsets.UTF_8);
        origin.createContext("/x.wasm", exchange -> {
            exchange.sendResponseHeaders(200, tampered.length);
            exchange.getResponseBody().write(tampered);
            exchange.close();
        });
        origin.start();
        String url = "http://127.0.0.1:" + origin.getAddress().getPort() + "/x.wasm";
        String pinned = "sha256:" + "ab".repeat(32);
        try {
            Path cache = dir.resolve("cache2");
            assertThatThrownBy(() -> dev.basalt.serve.oci.UrlSource.fetch(new dev.basalt.serve.oci.OciCache(cache),
                    url, pinned)).hasMessage("the content of " + url + " does not match its digest: expected "
                    + pinned + ", got " + dev.basalt.serve.oci.RegistryClient.sha256(tampered));
            assertThat(cache.resolve("blobs/sha256/" + "ab".repeat(32))).as("nothing kept").doesNotExist();
            assertThatThrownBy(() -> dev.basalt.serve.oci.UrlSource.fetch(new dev.basalt.serve.oci.OciCache(cache),
                    "file:///etc/passwd", pinned)).hasMessageContaining("must be http(s)://");
        } finally {
            origin.stop(0);
        }
    }
}
