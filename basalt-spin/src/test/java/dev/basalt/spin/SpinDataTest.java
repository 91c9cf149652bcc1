package dev.basalt.spin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.spin.kv.KeyValueStores;
import dev.basalt.spin.redis.RedisAddress;
import dev.basalt.spin.redis.RedisClient;
import dev.basalt.spin.sqlite.SqliteDatabase;
import dev.basalt.spin.sqlite.SqliteDatabases;
import dev.basalt.testkit.RedisServer;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.preview2.WasiComponentContext;
import dev.basalt.wasi.preview2.WasiHttp;
import dev.basalt.wasi.preview2.WasiPreview2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fermyon:spin/sqlite and fermyon:spin/redis through a real guest (the C component kv-handler.c, a fresh instance
 * per request as basalt serve runs it): SQLite databases in a file and in memory, with grants and limits, and
 * outbound Redis against a real redis-server (started on an ephemeral port; those tests are skipped, naming the
 * binary, without it).
 */
class SpinDataTest {
    record Ctx(WasiComponentContext wasi, SpinGuest spin) {
    }

    @TempDir
    static Path dir;
    private static Engine engine;
    private static ComponentInstancePre<Ctx> pre;
    private static SqliteDatabases databases;
    private static KeyValueStores stores;
    private static RedisServer redis;
    private static SpinConfig config;

    @BeforeAll
    static void setUp() throws IOException {
        engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        Component component = Component.compile(engine, SpinHostTest.fixture());
        ComponentLinker<Ctx> linker = ComponentLinker.create(engine);
        WasiPreview2.addToLinker(linker, Ctx::wasi);
        SpinHost.addToLinker(linker, Ctx::spin);
        pre = linker.instantiatePre(component);
        databases = SqliteDatabases.builder().file("default", dir.resolve("state/sqlite_db.db"))
                .memory("other").memory("unlisted")
                .limits(new SqliteDatabase.Limits(200_000, 4096)).memory("small").build();
        stores = KeyValueStores.builder().build();
        config(List.of());
    }

    private static void config(List<String> outbound) {
        config = new SpinConfig("app", stores, Set.of(), Variables.none(), new SpinConfig.Limits(64, 1024, 3, 3,
                1 << 16), databases, Set.of("default", "other", "small", "missing"), outbound);
    }

    @AfterAll
    static void tearDown() {
        databases.close();
        stores.close();
        if (redis != null) {
            redis.close();
        }
    }

    private record Reply(int status, String body, int handlesLeft) {
    }

    private static Reply call(String path, String body) {
        try (WasiComponentContext wasi = WasiComponentContext.create(WasiConfig.builder().build());
             SpinGuest spin = SpinGuest.create(config)) {
            Store<Ctx> store = Store.create(engine, new Ctx(wasi, spin));
            WasiHttp.Response r = WasiHttp.handle(pre.instantiate(store), wasi,
                    WasiHttp.Request.of("POST", path, List.of(), body.getBytes(StandardCharsets.UTF_8)));
            return new Reply(r.status(), r.bodyText(), spin.liveHandles());
        }
    }

    private static String sql(String db, String... statementAndParams) {
        return call("/sql/" + db, String.join("\n", statementAndParams)).body();
    }

    // ---------------------------------------------------------------- sqlite

    @Test
    void sqliteRoundTripsEveryValueType() throws Exception {
        assertThat(sql("default", "CREATE TABLE IF NOT EXISTS pets (id INTEGER PRIMARY KEY, name TEXT, weight REAL,"
                + " photo BLOB, note TEXT)")).isEqualTo("\n");
        assertThat(sql("default", "INSERT INTO pets (id, name, weight, photo, note) VALUES (?, ?, ?, ?, ?)",
                "i:7", "t:Rex \u00e9", "r:12.25", "x:00ff10", "n")).isEqualTo("\n");
        assertThat(sql("default", "INSERT INTO pets VALUES (?, ?, ?, ?, ?)", "i:-9000000000", "t:", "r:-0.5",
                "x:", "t:ok")).isEqualTo("\n");
        assertThat(sql("default", "SELECT id, name, weight, photo, note AS remark FROM pets ORDER BY id"))
                .isEqualTo("id|name|weight|photo|remark\n"
                        + "i:-9000000000|t:|r:-500e-3|x:|t:ok\n"
                        + "i:7|t:Rex \u00e9|r:12250e-3|x:00ff10|n\n");
        assertThat(sql("default", "SELECT count(*) AS n, typeof(weight) FROM pets WHERE id = ?", "i:7"))
                .as("each value keeps its own storage class").isEqualTo("n|typeof(weight)\ni:1|t:real\n");
        // the file is an ordinary SQLite database: what the guest wrote is there for any other client (Spin too)
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("state/sqlite_db.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM pets WHERE id = 7")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Rex \u00e9");
        }
        assertThat(sql("other", "SELECT name FROM pets")).as("databases are separate")
                .startsWith("error: io: ").contains("no such table: pets");
    }

    @Test
    void sqliteGrantsAndErrors() {
        assertThat(call("/sql/unlisted", "SELECT 1")).as("configured but not granted")
                .isEqualTo(new Reply(500, "error: access-denied", 0));
        assertThat(sql("nowhere", "SELECT 1")).as("neither: denial first").isEqualTo("error: access-denied");
        assertThat(sql("missing", "SELECT 1")).as("granted but not configured").isEqualTo("error: no-such-database");
        assertThat(sql("other", "SELEKT 1")).startsWith("error: io: ").contains("syntax error");
        assertThat(sql("other", "SELECT ? + ?", "i:1")).isEqualTo(
                "error: io: the statement has 2 parameters but 1 were given");
        Reply r = call("/sql-open/other/5", "");
        assertThat(r.body()).isEqualTo("error: io: too many open connections (at most 3) after 3");
        assertThat(r.handlesLeft()).as("the guest did not drop them; closing its SpinGuest does").isEqualTo(3);
    }

    @Test
    void sqliteSandbox() {
        Path outside = dir.resolve("outside.db");
        assertThat(sql("other", "ATTACH DATABASE '" + outside + "' AS other2")).as("no other files of the host")
                .startsWith("error: io: ").contains("too many attached databases");
        assertThat(outside).doesNotExist();
        assertThat(sql("other", "SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')")).startsWith("error: io: ");
        assertThat(sql("small", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"))
                .as("a statement without end is stopped").isEqualTo("error: io: the statement took more than 200000 steps");
        assertThat(sql("small", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000)"
                + " SELECT x, 'some text' FROM c")).as("a result over the limit")
                .isEqualTo("error: io: the result is larger than 4096 bytes");
        assertThat(sql("small", "SELECT zeroblob(100000)")).startsWith("error: io: ").contains("too big");
        assertThat(sql("small", "SELECT 40 + 2 AS answer")).as("the database still works")
                .isEqualTo("answer\ni:42\n");
    }

    @Test
    void sqliteRuntimeConfig() throws IOException {
        Path rc = dir.resolve("runtime-config.toml");
        Files.writeString(rc, """
                [sqlite_database.default]
                type = "spin"
                path = "data/app.db"

                [sqlite_database.scratch]
                type = "spin"

                [key_value_store.cache]
                type = "memory"
                """);
        try (SqliteDatabases dbs = SqliteDatabases.fromRuntimeConfig(rc, SqliteDatabases.builder()).build()) {
            assertThat(dbs.describe()).containsEntry("default", "sqlite " + dir.resolve("data/app.db"))
                    .containsEntry("scratch", "sqlite :memory:");
            dbs.open("default").orElseThrow().execute("CREATE TABLE t (x)", List.of());
            assertThat(dir.resolve("data/app.db")).exists();
        }
        assertThat(KeyValueStores.fromRuntimeConfig(rc, KeyValueStores.builder()).build().has("cache"))
                .as("the key-value reader leaves the sqlite sections alone").isTrue();
        Files.writeString(rc, "[sqlite_database.x]\ntype = \"libsql\"\nurl = \"https://x\"\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqliteDatabases.fromRuntimeConfig(rc,
                SqliteDatabases.builder())).hasMessageContaining("sqlite_database.x: type \"libsql\" is not supported");
    }

    // ---------------------------------------------------------------- redis

    private static String startRedis() throws Exception {
        assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        if (redis == null) {
            redis = RedisServer.start();
        }
        return redis.url();
    }

    private static String redisCall(String op, String... lines) {
        return call("/redis/" + op, String.join("\n", lines)).body();
    }

    @Test
    void outboundRedisCommands() throws Exception {
        String url = startRedis() + "/3";
        config(List.of("https://example.com", "redis://127.0.0.1:" + RedisAddress.parse(url).port()));
        try (RedisClient direct = RedisClient.connect(RedisAddress.parse(url), 1 << 20)) {
            direct.command("FLUSHDB");
            assertThat(redisCall("set", url, "greeting", "hello")).isEqualTo("ok");
            assertThat(direct.command("GET", "greeting")).isInstanceOfSatisfying(RedisClient.Reply.Bulk.class,
                    b -> assertThat(new String(b.value(), StandardCharsets.UTF_8)).isEqualTo("hello"));
            assertThat(redisCall("get", url, "greeting")).isEqualTo("hello");
            assertThat(call("/redis/get", url + "\nnope").status()).isEqualTo(404);
            assertThat(redisCall("incr", url, "n")).isEqualTo("1");
            assertThat(redisCall("incr", url, "n")).isEqualTo("2");
            assertThat(redisCall("incr", url, "greeting")).isEqualTo("error: type-error");
            assertThat(redisCall("sadd", url, "s", "a", "b", "c", "a")).isEqualTo("3");
            assertThat(redisCall("srem", url, "s", "b", "zz")).isEqualTo("1");
            assertThat(redisCall("smembers", url, "s").lines().sorted().toList()).containsExactly("a", "c");
            assertThat(redisCall("get", url, "s")).as("GET of a set").isEqualTo("error: type-error");
            assertThat(redisCall("del", url, "n", "s", "never")).isEqualTo("2");
            assertThat(redisCall("execute", url, "SET", "k", "v")).isEqualTo("status:OK\n");
            assertThat(redisCall("execute", url, "INCRBY", "c", "i:40")).isEqualTo("int:40\n");
            assertThat(redisCall("execute", url, "MGET", "k", "missing", "c"))
                    .as("an array reply, flattened").isEqualTo("bin:v\nnil\nbin:40\n");
            assertThat(redisCall("execute", url, "NOSUCHCOMMAND")).startsWith("error: other: ERR unknown command");
        }
    }

    @Test
    void outboundRedisPublishReachesSubscribers() throws Exception {
        String url = startRedis();
        config(List.of("redis://127.0.0.1:*"));
        try (RedisClient subscriber = RedisClient.connect(RedisAddress.parse(url), 1 << 20)) {
            subscriber.command("SUBSCRIBE", "news");
            CompletableFuture<RedisClient.Reply> message = CompletableFuture.supplyAsync(subscriber::receive);
            assertThat(redisCall("publish", url, "news", "extra extra")).isEqualTo("ok");
            RedisClient.Reply.Array m = (RedisClient.Reply.Array) message.get(30, TimeUnit.SECONDS);
            assertThat(m.elements()).hasSize(3);
            assertThat(((RedisClient.Reply.Bulk) m.elements().get(2)).value())
                    .isEqualTo("extra extra".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void outboundRedisNeedsAGrant() throws Exception {
        String url = startRedis();
        int port = RedisAddress.parse(url).port();
        config(List.of("http://127.0.0.1:" + port, "redis://127.0.0.1:" + (port == 1 ? 2 : port - 1)));
        assertThat(redisCall("get", url, "k")).as("an http grant or another port is not a redis grant")
                .isEqualTo("error: invalid-address");
        assertThat(redisCall("get", "not a url", "k")).isEqualTo("error: invalid-address");
        assertThat(redisCall("get", "http://127.0.0.1:" + port, "k")).isEqualTo("error: invalid-address");
        config(List.of("*://127.0.0.1:" + port));
        assertThat(call("/redis/get", url + "\nk").status()).as("the * scheme admits redis").isEqualTo(404);
    }

    @Test
    void redisConnectionsAreLimitedAndClosed() throws Exception {
        String url = startRedis();
        config(List.of("redis://127.0.0.1:*"));
        try (RedisClient direct = RedisClient.connect(RedisAddress.parse(url), 1 << 20)) {
            long before = clients(direct);
            Reply r = call("/redis-open/5", url);
            assertThat(r.body()).isEqualTo("error: too-many-connections after 3");
            assertThat(r.handlesLeft()).isEqualTo(3);
            assertThat(call("/redis/get", url + "\nk").status()).isEqualTo(404);
            // the guest's connections are closed by the time its SpinGuest is; the server notices a moment later
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (clients(direct) > before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(clients(direct)).isEqualTo(before);
        }
        assertThat(redisCall("get", "redis://127.0.0.1:1", "k")).as("a granted address where nothing listens")
                .startsWith("error: other: cannot connect to redis://127.0.0.1:1");
    }

    private static long clients(RedisClient c) {
        String info = new String(((RedisClient.Reply.Bulk) c.command("INFO", "clients")).value(),
                StandardCharsets.UTF_8);
        return info.lines().filter(l -> l.startsWith("connected_clients:")).mapToLong(l -> Long.parseLong(
                l.substring(l.indexOf(':') + 1).strip())).findFirst().orElseThrow();
    }

    @Test
    void redisAddresses() {
        RedisAddress a = RedisAddress.parse("redis://user:pw@Cache.Example.com:6380/2");
        assertThat(a.host()).isEqualTo("cache.example.com");
        assertThat(a.port()).isEqualTo(6380);
        assertThat(a.user()).contains("user");
        assertThat(a.password()).contains("pw");
        assertThat(a.database()).isEqualTo(2);
        assertThat(a.toString()).isEqualTo("redis://cache.example.com:6380/2").doesNotContain("pw");
        assertThat(a.allowedBy(List.of("redis://*.example.com:6380"))).isTrue();
        assertThat(a.allowedBy(List.of("redis://cache.example.com"))).as("no port: 6379").isFalse();
        assertThat(a.allowedBy(List.of("rediss://cache.example.com:6380"))).isFalse();
        assertThat(a.allowedBy(List.of("redis://example.com:*"))).isFalse();
        assertThat(RedisAddress.parse("redis://h").port()).isEqualTo(6379);
        assertThat(RedisAddress.parse("redis://[::1]:7000").allowedBy(List.of("redis://[::1]:7000"))).isTrue();
        assertThat(RedisAddress.redact("redis://u:secret@h:1")).isEqualTo("redis://u:***@h:1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedisAddress.parse("redis://h/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
