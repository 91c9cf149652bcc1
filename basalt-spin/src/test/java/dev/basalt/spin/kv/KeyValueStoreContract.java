package dev.basalt.spin.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link KeyValueStore} backend must do; a subclass per backend supplies a fresh, empty store. */
abstract class KeyValueStoreContract {
    protected KeyValueStore store;

    /** A fresh, empty store. */
    protected abstract KeyValueStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(Optional<byte[]> v) {
        return v.map(x -> new String(x, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void getSetDeleteExists() {
        assertThat(store.get("k")).isEmpty();
        assertThat(store.exists("k")).isFalse();
        store.set("k", b("v1"));
        assertThat(s(store.get("k"))).isEqualTo("v1");
        assertThat(store.exists("k")).isTrue();
        store.set("k", b("v2"));
        assertThat(s(store.get("k"))).isEqualTo("v2");
        store.delete("k");
        assertThat(store.get("k")).isEmpty();
        store.delete("k");
        store.set("empty", new byte[0]);
        assertThat(store.get("empty")).hasValueSatisfying(v -> assertThat(v).isEmpty());
        assertThat(store.exists("empty")).isTrue();
    }

    @Test
    void binaryValuesAndUnicodeKeys() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        store.set("cl\u00e9 \uD83D\uDE00", all);
        assertThat(store.get("cl\u00e9 \uD83D\uDE00")).hasValueSatisfying(v -> assertThat(v).isEqualTo(all));
        assertThat(store.keys()).containsExactly("cl\u00e9 \uD83D\uDE00");
    }

    @Test
    void keysAreSorted() {
        for (String k : List.of("b", "a", "c/d", "A", "aa")) {
            store.set(k, b(k));
        }
        assertThat(store.keys()).containsExactly("A", "a", "aa", "b", "c/d");
    }

    @Test
    void countersAreDecimalText() {
        assertThat(store.increment("n", 5)).isEqualTo(5);
        assertThat(store.increment("n", -8)).isEqualTo(-3);
        assertThat(s(store.get("n"))).isEqualTo("-3");
        store.set("m", b("40"));
        assertThat(store.increment("m", 2)).isEqualTo(42);
        store.set("text", b("forty"));
        assertThatThrownBy(() -> store.increment("text", 1)).isInstanceOf(KeyValueException.class);
        assertThat(s(store.get("text"))).isEqualTo("forty");
        store.set("max", b(Long.toString(Long.MAX_VALUE)));
        assertThatThrownBy(() -> store.increment("max", 1)).isInstanceOf(KeyValueException.class);
        assertThat(s(store.get("max"))).isEqualTo(Long.toString(Long.MAX_VALUE));
    }

    @Test
    void compareAndSwap() {
        assertThat(store.compareAndSwap("c", Optional.empty(), b("1"))).as("absent as expected").isTrue();
        assertThat(store.compareAndSwap("c", Optional.empty(), b("2"))).as("no longer absent").isFalse();
        assertThat(store.compareAndSwap("c", Optional.of(b("0")), b("2"))).isFalse();
        assertThat(s(store.get("c"))).isEqualTo("1");
        assertThat(store.compareAndSwap("c", Optional.of(b("1")), b("2"))).isTrue();
        assertThat(s(store.get("c"))).isEqualTo("2");
        store.delete("c");
        assertThat(store.compareAndSwap("c", Optional.of(b("2")), b("3"))).as("deleted meanwhile").isFalse();
        assertThat(store.get("c")).isEmpty();
    }

    @Test
    void concurrentIncrementsAndSwapsAreAtomic() throws Exception {
        int threads = 4;
        int each = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        store.increment("hits", 1);
                        // a counter by compare-and-swap: retry until this thread's read is still current
                        while (true) {
                            Optional<byte[]> cur = store.get("cas");
                            long next = cur.isEmpty() ? 1 : Long.parseLong(s(cur)) + 1;
                            if (store.compareAndSwap("cas", cur, b(Long.toString(next)))) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(s(store.get("hits"))).isEqualTo(Integer.toString(threads * each));
        assertThat(s(store.get("cas"))).isEqualTo(Integer.toString(threads * each));
    }
}
