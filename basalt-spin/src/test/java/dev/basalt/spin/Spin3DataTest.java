package dev.basalt.spin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentCall;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.spin.kv.KeyValueStores;
import dev.basalt.spin.redis.RedisAddress;
import dev.basalt.spin.sqlite.SqliteDatabase;
import dev.basalt.spin.sqlite.SqliteDatabases;
import dev.basalt.testkit.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spin 3's {@code spin:sqlite/sqlite@3.0.0} and {@code spin:redis/redis@3.0.0} through the hand-written component
 * src/test/resources/spin3/spin3-data.wat on both engines: SQLite statements with grants, each connection's
 * {@code changes} / {@code last-insert-rowid}; Redis's async functions against a real redis-server (started on an
 * ephemeral port; those tests are skipped, naming the binary, without it), including a blocking command that only
 * finishes because another call of the same store runs while it waits.
 */
class Spin3DataTest {
    @TempDir
    static Path dir;
    private static SqliteDatabases databases;
    private static KeyValueStores stores;
    private static RedisServer redis;

    @BeforeAll
    static void setUp() {
        databases = SqliteDatabases.builder().file("default", dir.resolve("spin3.db")).memory("other")
                .limits(SqliteDatabase.Limits.DEFAULT).build();
        stores = KeyValueStores.builder().build();
    }

    @AfterAll
    static void tearDown() {
        databases.close();
        stores.close();
        if (redis != null) {
            redis.close();
        }
    }

    private static SpinConfig config(List<String> outbound) {
        return new SpinConfig("app", stores, Set.of(), Variables.none(), new SpinConfig.Limits(64, 1024, 3, 3,
                1 << 16), databases, Set.of("default", "missing"), outbound);
    }

    private record Guest(ComponentInstance instance, SpinGuest spin) implements AutoCloseable {
        ComponentValue call(String name, ComponentValue... args) {
            return instance.getFunc(name).orElseThrow().callOne(args).orElseThrow();
        }

        @Override
        public void close() {
            spin.close();
        }
    }

    private static Guest guest(Config.Strategy strategy, List<String> outbound) {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        Component component = Component.fromModel(engine, ComponentTextParser.parse(wat()));
        ComponentLinker<SpinGuest> linker = ComponentLinker.create(engine);
        SpinHost.addToLinker(linker, g -> g);
        ComponentInstancePre<SpinGuest> pre = linker.instantiatePre(component);
        SpinGuest spin = SpinGuest.create(config(outbound));
        return new Guest(pre.instantiate(Store.create(engine, spin)), spin);
    }

    private static String wat() {
        try (InputStream in = Spin3DataTest.class.getResourceAsStream("/spin3/spin3-data.wat")) {
            assertThat(in).as("fixture spin3-data.wat").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------- sqlite

    private static ComponentValue sql(Guest g, String db, String statement, ComponentValue... params) {
        return g.call("sql-execute", ComponentValue.string(db), ComponentValue.string(statement),
                ComponentValue.list(List.of(params)));
    }

    private static ComponentValue integer(long v) {
        return ComponentValue.variant("integer", ComponentValue.s64(v));
    }

    private static ComponentValue text(String v) {
        return ComponentValue.variant("text", ComponentValue.string(v));
    }

    private static ComponentValue rows(List<String> columns, List<List<ComponentValue>> rows) {
        return ComponentValue.ok(ComponentValue.record(
                ComponentValue.field("columns", ComponentValue.list(columns.stream().map(ComponentValue::string)
                        .toList())),
                ComponentValue.field("rows", ComponentValue.list(rows.stream().map(r -> ComponentValue.record(
                        ComponentValue.field("values", ComponentValue.list(r)))).toList()))));
    }

    private static ComponentValue stats(long changes, long rowid) {
        return ComponentValue.tuple(ComponentValue.u64(changes), ComponentValue.s64(rowid));
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void sqliteStatementsReportTheirChangesAndInsertedRowids(Config.Strategy strategy) {
        String table = "pets_" + strategy.name().toLowerCase();
        try (Guest g = guest(strategy, List.of())) {
            assertThat(sql(g, "default", "CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, name TEXT)"))
                    .isEqualTo(rows(List.of(), List.of()));
            assertThat(g.call("sql-stats")).as("a new connection has changed nothing").isEqualTo(stats(0, 0));
            assertThat(sql(g, "default", "INSERT INTO " + table + " (id, name) VALUES (?, ?), (?, ?)",
                    integer(41), text("Rex"), integer(42), text("Tom"))).isEqualTo(rows(List.of(), List.of()));
            assertThat(g.call("sql-stats")).isEqualTo(stats(2, 42));
            try (Guest other = guest(strategy, List.of())) {
                // the database's one JDBC connection already has 42 as its last rowid: this guest's insert of the
                // same rowid is still its own insert
                sql(other, "default", "CREATE TABLE " + table + "_2 (id INTEGER PRIMARY KEY)");
                sql(other, "default", "INSERT INTO " + table + "_2 VALUES (42)");
                assertThat(other.call("sql-stats")).isEqualTo(stats(1, 42));
            }
            assertThat(sql(g, "default", "UPDATE " + table + " SET name = upper(name)")).isEqualTo(
                    rows(List.of(), List.of()));
            assertThat(g.call("sql-stats")).as("an update inserts nothing").isEqualTo(stats(2, 0));
            assertThat(sql(g, "default", "DELETE FROM " + table + " WHERE id = ?", integer(7)))
                    .isEqualTo(rows(List.of(), List.of()));
            assertThat(g.call("sql-stats")).as("a delete of no rows changed 0").isEqualTo(stats(0, 0));
            assertThat(sql(g, "default", "SELECT id, name FROM " + table + " ORDER BY id")).isEqualTo(rows(
                    List.of("id", "name"), List.of(List.of(integer(41), text("REX")),
                            List.of(integer(42), text("TOM")))));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void sqliteGrantsAndFailuresAreTheInterfacesErrors(Config.Strategy strategy) {
        try (Guest g = guest(strategy, List.of())) {
            assertThat(sql(g, "other", "SELECT 1")).as("configured but not granted")
                    .isEqualTo(ComponentValue.err(ComponentValue.variant("access-denied")));
            assertThat(sql(g, "missing", "SELECT 1"))
                    .isEqualTo(ComponentValue.err(ComponentValue.variant("no-such-database")));
            assertThat(sql(g, "default", "SELEC nonsense")).isInstanceOfSatisfying(ComponentValue.ResultValue.class,
                    r -> {
                        assertThat(r.ok()).isFalse();
                        assertThat(((ComponentValue.VariantValue) r.payload().orElseThrow()).caseName())
                                .isEqualTo("io");
                    });
            assertThat(sql(g, "default", "SELECT ? + 1", integer(1), integer(2)).toString())
                    .contains("io").contains("parameters");
            assertThat(g.spin().liveHandles()).as("the guest dropped every connection").isZero();
        }
    }

    // ---------------------------------------------------------------- redis

    private static String redisUrl() throws IOException, InterruptedException {
        assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        synchronized (Spin3DataTest.class) {
            if (redis == null) {
                redis = RedisServer.start();
            }
        }
        return redis.url();
    }

    private static List<String> grant(String url) {
        return List.of("redis://127.0.0.1:" + RedisAddress.parse(url).port());
    }

    private static ComponentValue binary(String s) {
        return ComponentValue.variant("binary", ComponentValue.u8List(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static ComponentValue[] execute(String url, String command, ComponentValue... args) {
        return new ComponentValue[] {ComponentValue.string(url), ComponentValue.string(command),
                ComponentValue.list(List.of(args))};
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void redisAsyncFunctionsRunCommands(Config.Strategy strategy) throws Exception {
        String url = redisUrl();
        String key = "spin3:" + strategy;
        try (Guest g = guest(strategy, grant(url))) {
            assertThat(g.call("redis-execute", execute(url, "SET", binary(key), binary("40")))).isEqualTo(
                    ComponentValue.ok(ComponentValue.list(ComponentValue.variant("status",
                            ComponentValue.string("OK")))));
            assertThat(g.call("redis-incr", ComponentValue.string(url), ComponentValue.string(key)))
                    .isEqualTo(ComponentValue.ok(ComponentValue.s64(41)));
            assertThat(g.call("redis-execute", execute(url, "INCRBY", binary(key),
                    ComponentValue.variant("int64", ComponentValue.s64(1)))))
                    .isEqualTo(ComponentValue.ok(ComponentValue.list(ComponentValue.variant("int64",
                            ComponentValue.s64(42)))));
            assertThat(g.call("redis-execute", execute(url, "GET", binary(key)))).isEqualTo(
                    ComponentValue.ok(ComponentValue.list(binary("42"))));
            g.call("redis-execute", execute(url, "SET", binary(key), binary("not a number")));
            assertThat(g.call("redis-incr", ComponentValue.string(url), ComponentValue.string(key)))
                    .isEqualTo(ComponentValue.err(ComponentValue.variant("type-error")));
            assertThat(g.spin().liveHandles()).as("the guest dropped every connection").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void redisAddressesOutsideTheGrantsAreInvalid(Config.Strategy strategy) throws Exception {
        String url = redisUrl();
        try (Guest g = guest(strategy, List.of("redis://example.com:6379"))) {
            assertThat(g.call("redis-incr", ComponentValue.string(url), ComponentValue.string("k")))
                    .isEqualTo(ComponentValue.err(ComponentValue.variant("invalid-address")));
            assertThat(g.call("redis-execute", execute("not an address", "PING")))
                    .isEqualTo(ComponentValue.err(ComponentValue.variant("invalid-address")));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aBlockingCommandWaitsWhileTheStoresOtherCallsRun(Config.Strategy strategy) throws Exception {
        String url = redisUrl();
        String list = "spin3:queue:" + strategy;
        try (Guest g = guest(strategy, grant(url))) {
            g.call("redis-execute", execute(url, "DEL", binary(list)));
            // BLPOP waits up to 30 s for an element; only the second call (same store, started while the first
            // waits) pushes one: a host that ran Redis on the guest's turn would time out with nil instead
            ComponentCall pop = g.instance().getFunc("redis-execute").orElseThrow().callAsync(execute(url, "BLPOP",
                    binary(list), ComponentValue.variant("int64", ComponentValue.s64(30))));
            assertThat(pop.isDone()).isFalse();
            assertThat(g.call("redis-execute", execute(url, "RPUSH", binary(list), binary("job-1")))).isEqualTo(
                    ComponentValue.ok(ComponentValue.list(ComponentValue.variant("int64", ComponentValue.s64(1)))));
            assertThat(pop.join()).containsExactly(ComponentValue.ok(ComponentValue.list(binary(list),
                    binary("job-1"))));
        }
    }
}
