package dev.basalt.spin.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.basalt.spin.internal.OpenedOnFirstUse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The key-value stores of an application, by label: each label's backend is opened on first use and shared by
 * every guest (and thread) after that; {@link #close()} closes them. Which labels a given component may open is
 * not decided here but by its grants (see {@code dev.basalt.spin.SpinGuest}).
 *
 * <p>Spin's runtime-config file chooses the backends ({@link #fromRuntimeConfig}):
 * <pre>{@code
 * [key_value_store.default]          # replaces the default store
 * type = "spin"                      # SQLite; path relative to this file; without path: in memory
 * path = ".spin/data.db"
 *
 * [key_value_store.cache]
 * type = "redis"
 * url = "redis://localhost:6379"
 * }</pre>
 */
public final class KeyValueStores implements AutoCloseable {
    /** The label Spin opens for {@code Store::open_default()}. */
    public static final String DEFAULT = "default";

    private final OpenedOnFirstUse<KeyValueStore> resources;

    private KeyValueStores(Builder b) {
        this.resources = new OpenedOnFirstUse<>(b.factories, b.descriptions, KeyValueStore::close,
                () -> new KeyValueException("the key-value stores are closed"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether a store {@code label} is configured. */
    public boolean has(String label) {
        return resources.has(label);
    }

    /** The configured labels with a description of their backend (for logs; Redis passwords are hidden). */
    public Map<String, String> describe() {
        return resources.describe();
    }

    /**
     * The store {@code label}, opened now if this is its first use; empty if no such store is configured.
     *
     * @throws KeyValueException if its backend cannot be opened (tried again on the next call)
     */
    public Optional<KeyValueStore> open(String label) {
        return resources.open(label);
    }

    @Override
    public void close() {
        resources.close();
    }

    /**
     * Stores as a Spin runtime-config file configures them, on top of {@code defaults} (a label configured in the
     * file replaces the same label of {@code defaults}). Sections other than {@code key_value_store} (and
     * {@code sqlite_database}, read by {@code SqliteDatabases}) are refused
     * with a message, rather than silently ignored.
     *
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static Builder fromRuntimeConfig(Path file, Builder defaults) throws IOException {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw problem(file, "not valid TOML: " + e.getOriginalMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            // [sqlite_database.NAME] is dev.basalt.spin.sqlite.SqliteDatabases's to read
            if (!key.equals("key_value_store") && !key.equals("sqlite_database")) {
                throw problem(file, "`" + key + "` is not supported (only [key_value_store.NAME] and "
                        + "[sqlite_database.NAME] sections)");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("key_value_store").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String label = e.getKey();
            JsonNode s = e.getValue();
            String type = s.path("type").asText("");
            switch (type) {
                case "spin" -> {
                    checkKeys(file, label, s, Set.of("type", "path"));
                    if (s.has("path")) {
                        defaults.sqlite(label, dir.resolve(s.path("path").asText()).normalize());
                    } else {
                        defaults.sqliteInMemory(label);
                    }
                }
                case "redis" -> {
                    checkKeys(file, label, s, Set.of("type", "url"));
                    String url = s.path("url").asText("");
                    if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
                        throw problem(file, "key_value_store." + label + ": type \"redis\" needs url = \"redis://...\"");
                    }
                    defaults.redis(label, url);
                }
                case "memory" -> {
                    checkKeys(file, label, s, Set.of("type"));
                    defaults.memory(label);
                }
                default -> throw problem(file, "key_value_store." + label + ": type \"" + type
                        + "\" is not supported (spin, redis, memory)");
            }
        }
        return defaults;
    }

    private static void checkKeys(Path file, String label, JsonNode s, Set<String> allowed) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw problem(file, "key_value_store." + label + "." + key + " is not understood");
            }
        }
    }

    private static IllegalArgumentException problem(Path file, String message) {
        return new IllegalArgumentException(file + ": " + message);
    }

    /** Configures the stores; a label given twice keeps the last backend. */
    public static final class Builder {
        private final Map<String, Supplier<KeyValueStore>> factories = new LinkedHashMap<>();
        private final Map<String, String> descriptions = new LinkedHashMap<>();

        private Builder() {
        }

        private Builder put(String label, String description, Supplier<KeyValueStore> factory) {
            Objects.requireNonNull(label, "label");
            factories.put(label, factory);
            descriptions.put(label, description);
            return this;
        }

        /** {@code label} in the JVM's memory. */
        public Builder memory(String label) {
            return put(label, "memory", InMemoryKeyValueStore::new);
        }

        /** {@code label} in the SQLite database {@code file} (Spin's table layout). */
        public Builder sqlite(String label, Path file) {
            return put(label, "sqlite " + file, () -> SqliteKeyValueStore.open(file, label));
        }

        /** {@code label} in a private in-memory SQLite database. */
        public Builder sqliteInMemory(String label) {
            return put(label, "sqlite :memory:", () -> SqliteKeyValueStore.inMemory(label));
        }

        /** {@code label} on the Redis server at {@code url}. */
        public Builder redis(String label, String url) {
            return put(label, "redis " + RedisKeyValueStore.redact(url), () -> RedisKeyValueStore.open(url));
        }

        /** {@code label} as the given backend (closed by the registry). */
        public Builder store(String label, KeyValueStore store) {
            Objects.requireNonNull(store, "store");
            return put(label, store.getClass().getSimpleName(), () -> store);
        }

        public KeyValueStores build() {
            return new KeyValueStores(this);
        }
    }
}
