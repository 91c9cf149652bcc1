package dev.basalt.spin.sqlite;

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
 * The SQLite databases of an application, by name: each is opened on first use and shared by every guest after
 * that; {@link #close()} closes them. Which names a component may open is decided by its grants (the manifest's
 * {@code sqlite_databases}), not here.
 *
 * <p>Spin's runtime-config file configures them ({@link #fromRuntimeConfig}):
 * <pre>{@code
 * [sqlite_database.default]          # replaces the default database
 * type = "spin"
 * path = "data/app.db"               # relative to this file; without path: in memory
 * }</pre>
 */
public final class SqliteDatabases implements AutoCloseable {
    /** The database Spin opens for {@code Connection::open_default()}. */
    public static final String DEFAULT = "default";

    private final OpenedOnFirstUse<SqliteDatabase> resources;

    private SqliteDatabases(Builder b) {
        this.resources = new OpenedOnFirstUse<>(b.factories, b.descriptions, SqliteDatabase::close,
                () -> new SqliteException("the SQLite databases are closed"));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No databases. */
    public static SqliteDatabases none() {
        return builder().build();
    }

    /** Whether a database {@code name} is configured. */
    public boolean has(String name) {
        return resources.has(name);
    }

    /** The configured names with where each database is (for logs). */
    public Map<String, String> describe() {
        return resources.describe();
    }

    /**
     * The database {@code name}, opened now if this is its first use; empty if none is configured.
     *
     * @throws SqliteException if it cannot be opened (tried again on the next call)
     */
    public Optional<SqliteDatabase> open(String name) {
        return resources.open(name);
    }

    @Override
    public void close() {
        resources.close();
    }

    /**
     * Databases as a Spin runtime-config file configures them ({@code [sqlite_database.NAME]}), on top of
     * {@code defaults} (a name configured in the file replaces the same name of {@code defaults}). Its other
     * sections ({@code key_value_store}) are someone else's and left alone.
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
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("sqlite_database").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode s = e.getValue();
            String type = s.path("type").asText("");
            if (!type.equals("spin")) {
                throw problem(file, "sqlite_database." + name + ": type \"" + type
                        + "\" is not supported (only \"spin\": a local SQLite file)");
            }
            for (Iterator<String> keys = s.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!Set.of("type", "path").contains(key)) {
                    throw problem(file, "sqlite_database." + name + "." + key + " is not understood");
                }
            }
            if (s.has("path")) {
                defaults.file(name, dir.resolve(s.path("path").asText()).normalize());
            } else {
                defaults.memory(name);
            }
        }
        return defaults;
    }

    private static IllegalArgumentException problem(Path file, String message) {
        return new IllegalArgumentException(file + ": " + message);
    }

    /** Configures the databases; a name given twice keeps the last. */
    public static final class Builder {
        private final Map<String, Supplier<SqliteDatabase>> factories = new LinkedHashMap<>();
        private final Map<String, String> descriptions = new LinkedHashMap<>();
        private SqliteDatabase.Limits limits = SqliteDatabase.Limits.DEFAULT;

        private Builder() {
        }

        /** The limits of the databases configured after this call. */
        public Builder limits(SqliteDatabase.Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** {@code name} in the file {@code file} (created with its directory on first use). */
        public Builder file(String name, Path file) {
            SqliteDatabase.Limits l = limits;
            return put(name, "sqlite " + file, () -> SqliteDatabase.open(file, l));
        }

        /** {@code name} as a private in-memory database. */
        public Builder memory(String name) {
            SqliteDatabase.Limits l = limits;
            return put(name, "sqlite :memory:", () -> SqliteDatabase.inMemory(l));
        }

        private Builder put(String name, String description, Supplier<SqliteDatabase> factory) {
            Objects.requireNonNull(name, "name");
            factories.put(name, factory);
            descriptions.put(name, description);
            return this;
        }

        public SqliteDatabases build() {
            return new SqliteDatabases(this);
        }
    }
}
