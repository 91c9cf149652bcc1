package dev.basalt.spin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.Component;
import dev.basalt.spin.kv.InMemoryKeyValueStore;
import dev.basalt.spin.kv.KeyValueStores;
import dev.basalt.spin.redis.RedisAddress;
import dev.basalt.spin.redis.RedisClient;
import dev.basalt.spin.redis.RedisTrigger;
import dev.basalt.testkit.RedisServer;
import dev.basalt.wasi.WasiConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Redis trigger against a real redis-server (started on an ephemeral port; skipped, naming the binary,
 * without it) with the C component {@code src/test/c/redis-handler.c}, which records each message it handles in
 * the key-value store {@code default}.
 */
class RedisTriggerTest {
    private static RedisServer redis;
    private static Engine engine;
    private static Component handler;

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        redis = RedisServer.start();
        engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        handler = Component.compile(engine, resource("/redis-handler.component.wasm"));
    }

    @AfterAll
    static void tearDown() {
        if (redis != null) {
            redis.close();
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = RedisTriggerTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name + " (built by build-test-kv.sh)").isNotNull();
            return in.readAllBytes();
        }
    }

    /** Waits for {@code condition} (messages are handled asynchronously); fails after a generous bound. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String text(InMemoryKeyValueStore s, String key) {
        return s.get(key).map(v -> new String(v, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void messagesRunTheChannelsComponent() throws Exception {
        InMemoryKeyValueStore orders = new InMemoryKeyValueStore();
        InMemoryKeyValueStore audit = new InMemoryKeyValueStore();
        List<String> errors = new CopyOnWriteArrayList<>();
        RedisAddress address = RedisAddress.parse(redis.url());
        try (KeyValueStores s1 = KeyValueStores.builder().store("default", orders).build();
             KeyValueStores s2 = KeyValueStores.builder().store("default", audit).build();
             RedisTrigger trigger = RedisTrigger.start(engine, address, List.of(
                     new RedisTrigger.Subscription("orders", "order-handler", handler, WasiConfig.builder().build(),
                             new SpinConfig("order-handler", s1, Set.of("default"), Variables.none(),
                                     SpinConfig.Limits.DEFAULT)),
                     new RedisTrigger.Subscription("audit", "auditor", handler, WasiConfig.builder().build(),
                             new SpinConfig("auditor", s2, Set.of("default"), Variables.none(),
                                     SpinConfig.Limits.DEFAULT))), errors::add);
             RedisClient publisher = RedisClient.connect(address, 1 << 20)) {
            assertThat(trigger.channels()).containsExactly("orders", "audit");
            for (int i = 0; i < 20; i++) {
                publisher.command("PUBLISH", "orders", "order-" + i);
            }
            publisher.command("PUBLISH", "audit", "login");
            publisher.command("PUBLISH", "elsewhere", "ignored");
            await("20 orders", () -> {
                for (int i = 0; i < 20; i++) {
                    if (text(orders, "msg:order-" + i) == null) {
                        return false;
                    }
                }
                return true;
            });
            await("the audit message", () -> "seen".equals(text(audit, "msg:login")));
            assertThat(orders.keys()).as("each channel's messages go to its component only")
                    .doesNotContain("msg:login", "msg:ignored");
            assertThat(audit.keys()).containsExactlyInAnyOrder("last", "count", "msg:login");
            assertThat(errors).isEmpty();

            // a handler's error and a trap are logged; the trigger goes on
            publisher.command("PUBLISH", "audit", "fail");
            publisher.command("PUBLISH", "audit", "trap");
            await("two errors", () -> errors.size() >= 2);
            publisher.command("PUBLISH", "audit", "after");
            await("a message after the trap", () -> "seen".equals(text(audit, "msg:after")));
            assertThat(errors).hasSize(2).anyMatch(e -> e.contains("component auditor answered error"))
                    .anyMatch(e -> e.contains("component auditor on audit") && e.contains("unreachable"));
            assertThat(text(audit, "msg:fail")).isEqualTo("seen");
        }
    }

    @Test
    void aComponentWithoutTheExportIsRefused() throws IOException {
        Component http = Component.compile(engine, SpinHostTest.fixture());
        assertThat(RedisTrigger.exportsHandler(handler)).isTrue();
        assertThat(RedisTrigger.exportsHandler(http)).isFalse();
        try (KeyValueStores none = KeyValueStores.builder().build()) {
            assertThatThrownBy(() -> RedisTrigger.start(engine, RedisAddress.parse(redis.url()), List.of(
                    new RedisTrigger.Subscription("c", "web", http, WasiConfig.builder().build(),
                            new SpinConfig("web", none, Set.of(), Variables.none(), SpinConfig.Limits.DEFAULT))),
                    e -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("component web does not export fermyon:spin/inbound-redis#handle-message"
                            + " (a Redis trigger's component must)");
        }
    }
}
