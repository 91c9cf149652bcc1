package dev.basalt.spin.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteKeyValueStoreTest extends KeyValueStoreContract {
    @TempDir
    Path dir;

    @Override
    protected KeyValueStore newStore() {
        return SqliteKeyValueStore.open(dir.resolve("sub/kv.db"), "default");
    }

    @Test
    void persistsAndKeepsLabelsApartInSpinsLayout() throws Exception {
        Path file = dir.resolve("sub/kv.db");
        store.set("k", b("default's"));
        try (SqliteKeyValueStore other = SqliteKeyValueStore.open(file, "other")) {
            assertThat(other.get("k")).isEmpty();
            other.set("k", b("other's"));
            assertThat(other.keys()).containsExactly("k");
        }
        store.close();
        store = SqliteKeyValueStore.open(file, "default");
        assertThat(s(store.get("k"))).as("after reopening").isEqualTo("default's");
        // the file is Spin's: table spin_key_value(store, key, value)
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             ResultSet r = c.createStatement().executeQuery(
                     "SELECT store, key, value FROM spin_key_value ORDER BY store")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1) + "/" + r.getString(2) + "=" + new String(r.getBytes(3))).isEqualTo("default/k=default's");
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("other");
        }
        assertThat(Files.isRegularFile(file)).isTrue();
    }

    @Test
    void inMemoryDatabase() {
        try (SqliteKeyValueStore mem = SqliteKeyValueStore.inMemory("x")) {
            mem.set("a", b("1"));
            assertThat(mem.increment("a", 1)).isEqualTo(2);
        }
    }
}
