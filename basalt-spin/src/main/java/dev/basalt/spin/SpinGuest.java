package dev.basalt.spin;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.spin.kv.KeyValueStore;
import dev.basalt.spin.redis.RedisAddress;
import dev.basalt.spin.redis.RedisClient;
import dev.basalt.spin.sqlite.SqliteDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Spin host state of one component instance: its {@link SpinConfig} and the handles it holds (open stores
 * and buckets, compare-and-swap tokens, SQLite and Redis connections). One per instance; closing it releases what
 * the guest left open (closing its Redis connections; the stores and databases themselves belong to the
 * application's {@link dev.basalt.spin.kv.KeyValueStores} and {@link dev.basalt.spin.sqlite.SqliteDatabases}).
 *
 * {@snippet :
 * ComponentLinker<SpinGuest> linker = ComponentLinker.create(engine);
 * SpinHost.addToLinker(linker, guest -> guest);
 * try (SpinGuest guest = SpinGuest.create(config)) {
 *     ComponentInstance instance = linker.instantiate(Store.create(engine, guest), component);
 * }
 * }
 */
public final class SpinGuest implements AutoCloseable {
    /**
     * Every live handle of every guest by representation: a host resource type's destructor receives only the
     * representation. The canonical ABI lets a guest name only representations it was given.
     */
    private static final Map<Integer, Handle> TABLE = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger(1);

    /** A host resource held by a guest. */
    abstract static sealed class Handle permits OpenStore, Cas, SqliteConnection, RedisConnection {
        SpinGuest owner;
        int rep;
    }

    /** An open store (Spin's {@code store}, wasi:keyvalue's {@code bucket}). */
    static final class OpenStore extends Handle {
        final String label;
        final KeyValueStore store;

        OpenStore(String label, KeyValueStore store) {
            this.label = label;
            this.store = store;
        }
    }

    /** A compare-and-swap token: the value {@code key} had when it was made. */
    static final class Cas extends Handle {
        final OpenStore bucket;
        final String key;
        final Optional<byte[]> current;

        Cas(OpenStore bucket, String key, Optional<byte[]> current) {
            this.bucket = bucket;
            this.key = key;
            this.current = current;
        }
    }

    /**
     * An open SQLite database ({@code fermyon:spin/sqlite}'s and {@code spin:sqlite}'s {@code connection}), with
     * what its own statements last did ({@code changes}, {@code last-insert-rowid}: 0 until they did it).
     */
    static final class SqliteConnection extends Handle {
        final String name;
        final SqliteDatabase database;
        volatile long changes;
        volatile long lastInsertRowid;

        SqliteConnection(String name, SqliteDatabase database) {
            this.name = name;
            this.database = database;
        }
    }

    /** A connection to a Redis server ({@code fermyon:spin/redis}'s {@code connection}); closed when dropped. */
    static final class RedisConnection extends Handle {
        final RedisAddress address;
        final RedisClient client;

        RedisConnection(RedisAddress address, RedisClient client) {
            this.address = address;
            this.client = client;
        }
    }

    private final SpinConfig config;
    private final Map<Integer, Handle> owned = new LinkedHashMap<>();

    private SpinGuest(SpinConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public static SpinGuest create(SpinConfig config) {
        return new SpinGuest(config);
    }

    public SpinConfig config() {
        return config;
    }

    /** How many store, bucket and cas handles the guest holds now. */
    public synchronized int liveHandles() {
        return owned.size();
    }

    synchronized int openStores() {
        return (int) owned.values().stream().filter(h -> h instanceof OpenStore).count();
    }

    synchronized int count(Class<? extends Handle> type) {
        return (int) owned.values().stream().filter(type::isInstance).count();
    }

    synchronized int add(Handle h) {
        int rep = NEXT.getAndUpdate(n -> n == Integer.MAX_VALUE ? 1 : n + 1);
        while (TABLE.putIfAbsent(rep, h) != null) {
            rep = NEXT.getAndUpdate(n -> n == Integer.MAX_VALUE ? 1 : n + 1);
        }
        h.owner = this;
        h.rep = rep;
        owned.put(rep, h);
        return rep;
    }

    /**
     * Adds {@code h} unless the guest already holds {@code max} handles of its class: its representation, or -1.
     * Counting and adding at once matters for Spin 3's async opens, which run concurrently.
     */
    synchronized int addIfFewer(Handle h, int max) {
        return count(h.getClass()) >= max ? -1 : add(h);
    }

    /** The handle {@code rep} as a {@code type}; a trap if it is gone or of another kind (a host bug). */
    static <H extends Handle> H get(int rep, Class<H> type) {
        Handle h = TABLE.get(rep);
        if (!type.isInstance(h)) {
            throw new Trap(TrapKind.HOST_ERROR, "no live " + type.getSimpleName() + " with representation " + rep);
        }
        return type.cast(h);
    }

    /** Takes {@code rep} out of the tables (an {@code own} argument consumed by the host, or a drop). */
    static <H extends Handle> H take(int rep, Class<H> type) {
        H h = get(rep, type);
        TABLE.remove(rep, h);
        synchronized (h.owner) {
            h.owner.owned.remove(rep);
        }
        return h;
    }

    /** The destructor of the host resource types: the guest dropped its handle. */
    static void drop(int rep) {
        Handle h = TABLE.remove(rep);
        if (h != null) {
            synchronized (h.owner) {
                h.owner.owned.remove(rep);
            }
            release(h);
        }
    }

    /** What a handle holds beyond the table entry (a Redis connection's socket). */
    private static void release(Handle h) {
        if (h instanceof RedisConnection r) {
            r.client.close();
        }
    }

    @Override
    public void close() {
        List<Handle> handles;
        synchronized (this) {
            handles = new ArrayList<>(owned.values());
            owned.clear();
        }
        for (Handle h : handles) {
            TABLE.remove(h.rep, h);
            release(h);
        }
    }
}
