package dev.basalt.spin;

import dev.basalt.spin.kv.KeyValueStores;
import dev.basalt.spin.sqlite.SqliteDatabases;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one component is granted of the Spin host interfaces: the key-value stores it may open (by label, the
 * manifest's {@code key_value_stores}; any other label is {@code access-denied}), the SQLite databases it may open
 * (the manifest's {@code sqlite_databases}, likewise), the Redis servers it may reach (the {@code redis://} and
 * {@code *://} entries of its {@code allowed_outbound_hosts}; any other address is {@code invalid-address}), the
 * application's stores and databases, its variables, and the limits. Shared by all of the component's guests; each
 * guest gets its own {@link SpinGuest}.
 *
 * @param componentId the component whose variables the guest sees
 * @param stores the application's stores (shared, long-lived; closed by their owner)
 * @param allowedStores the labels this component may open
 * @param variables the application's variables
 * @param limits size limits
 * @param databases the application's SQLite databases (shared, long-lived; closed by their owner)
 * @param allowedDatabases the database names this component may open
 * @param allowedOutboundHosts the component's outbound grants in Spin's syntax; the {@code redis}, {@code rediss}
 *     and {@code *} schemes' entries admit Redis servers ({@link dev.basalt.spin.redis.RedisAddress#allowedBy})
 */
public record SpinConfig(String componentId, KeyValueStores stores, Set<String> allowedStores, Variables variables,
        Limits limits, SqliteDatabases databases, Set<String> allowedDatabases, List<String> allowedOutboundHosts) {
    public SpinConfig {
        Objects.requireNonNull(componentId, "componentId");
        Objects.requireNonNull(stores, "stores");
        allowedStores = Set.copyOf(allowedStores);
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(databases, "databases");
        allowedDatabases = Set.copyOf(allowedDatabases);
        allowedOutboundHosts = List.copyOf(allowedOutboundHosts);
    }

    /** Key-value stores and variables only: no SQLite databases, no Redis servers. */
    public SpinConfig(String componentId, KeyValueStores stores, Set<String> allowedStores, Variables variables,
            Limits limits) {
        this(componentId, stores, allowedStores, variables, limits, SqliteDatabases.none(), Set.of(), List.of());
    }

    /**
     * Limits on what a guest may store and hold; beyond them an operation answers the interface's error
     * ({@code other}, or {@code store-table-full} for too many open stores, {@code too-many-connections} for Redis).
     *
     * @param maxKeyBytes a key's UTF-8 length (Spin: 255)
     * @param maxValueBytes a value's length (Spin: 1 MiB)
     * @param maxOpenStores store/bucket handles one guest holds at once
     * @param maxConnections SQLite connections, and Redis connections, one guest holds at once (each)
     * @param maxRedisReplyBytes the largest Redis reply a guest may receive
     */
    public record Limits(int maxKeyBytes, int maxValueBytes, int maxOpenStores, int maxConnections,
            int maxRedisReplyBytes) {
        public static final Limits DEFAULT = new Limits(255, 1 << 20, 256, 64, 64 << 20);

        public Limits {
            if (maxKeyBytes < 1 || maxValueBytes < 0 || maxOpenStores < 1 || maxConnections < 1
                    || maxRedisReplyBytes < 1 || maxRedisReplyBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("limits must be positive: " + maxKeyBytes + ", " + maxValueBytes
                        + ", " + maxOpenStores + ", " + maxConnections + ", " + maxRedisReplyBytes);
            }
        }

        /** Key-value limits, with the default connection limits. */
        public Limits(int maxKeyBytes, int maxValueBytes, int maxOpenStores) {
            this(maxKeyBytes, maxValueBytes, maxOpenStores, DEFAULT.maxConnections, DEFAULT.maxRedisReplyBytes);
        }
    }
}
