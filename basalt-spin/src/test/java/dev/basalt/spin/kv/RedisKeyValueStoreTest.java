package dev.basalt.spin.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.testkit.RedisServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract against a real redis-server (started here on an ephemeral port; skipped without the binary). */
class RedisKeyValueStoreTest extends KeyValueStoreContract {
    private static RedisServer redis;
    private static int database;

    @BeforeAll
    static void startRedis() throws Exception {
        assumeTrue(RedisServer.binary().isPresent(), RedisServer.MISSING);
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected KeyValueStore newStore() {
        // a fresh database (0-15) per test: empty, so keys() sees only this test's keys
        return RedisKeyValueStore.open(redis.url() + "/" + (database++ % 16));
    }

    @Test
    void anUnreachableServerIsAKeyValueException() {
        try (RedisKeyValueStore down = RedisKeyValueStore.open("redis://user:pw@127.0.0.1:1")) {
            assertThatThrownBy(() -> down.get("k")).isInstanceOf(KeyValueException.class)
                    .hasMessageStartingWith("Redis GET at redis://user:***@127.0.0.1:1 failed")
                    .hasMessageNotContaining("pw");
        }
        assertThat(RedisKeyValueStore.redact("redis://:secret@h:1/2")).isEqualTo("redis://:***@h:1/2");
    }
}
