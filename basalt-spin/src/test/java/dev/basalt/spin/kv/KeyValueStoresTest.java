package dev.basalt.spin.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyValueStoresTest {
    @TempDir
    Path dir;

    private Path write(String toml) throws Exception {
        Path f = dir.resolve("runtime-config.toml");
        Files.writeString(f, toml);
        return f;
    }

    @Test
    void runtimeConfigChoosesBackendsPerLabel() throws Exception {
        Path f = write("""
                [key_value_store.default]
                type = "spin"
                path = "data/kv.db"

                [key_value_store.scratch]
                type = "spin"

                [key_value_store.cache]
                type = "redis"
                url = "redis://:hunter2@127.0.0.1:6390/1"

                [key_value_store.mem]
                type = "memory"
                """);
        KeyValueStores.Builder defaults = KeyValueStores.builder().memory("default").memory("kept");
        try (KeyValueStores stores = KeyValueStores.fromRuntimeConfig(f, defaults).build()) {
            assertThat(stores.describe()).containsExactly(
                    java.util.Map.entry("default", "sqlite " + dir.resolve("data/kv.db")),
                    java.util.Map.entry("kept", "memory"),
                    java.util.Map.entry("scratch", "sqlite :memory:"),
                    java.util.Map.entry("cache", "redis redis://:***@127.0.0.1:6390/1"),
                    java.util.Map.entry("mem", "memory"));
            assertThat(stores.has("cache")).isTrue();
            assertThat(stores.open("nope")).isEmpty();
            stores.open("default").orElseThrow().set("k", "v".getBytes(StandardCharsets.UTF_8));
            assertThat(Files.isRegularFile(dir.resolve("data/kv.db"))).as("opened on first use").isTrue();
            assertThat(stores.open("default")).as("one backend per label").containsSame(stores.open("default").get());
        }
    }

    @Test
    void refusesWhatItDoesNotUnderstand() throws Exception {
        assertThatThrownBy(() -> KeyValueStores.fromRuntimeConfig(write("""
                [key_value_store.x]
                type = "azure_cosmos"
                """), KeyValueStores.builder())).hasMessageContaining("key_value_store.x: type \"azure_cosmos\" is not supported");
        assertThatThrownBy(() -> KeyValueStores.fromRuntimeConfig(write("""
                [llm_compute]
                type = "spin"
                """), KeyValueStores.builder())).hasMessageContaining("`llm_compute` is not supported");
        assertThatThrownBy(() -> KeyValueStores.fromRuntimeConfig(write("""
                [key_value_store.x]
                type = "redis"
                """), KeyValueStores.builder())).hasMessageContaining("needs url = \"redis://...\"");
        assertThatThrownBy(() -> KeyValueStores.fromRuntimeConfig(write("""
                [key_value_store.x]
                type = "spin"
                file = "a.db"
                """), KeyValueStores.builder())).hasMessageContaining("key_value_store.x.file is not understood");
        assertThatThrownBy(() -> KeyValueStores.fromRuntimeConfig(write("[key_value_store"), KeyValueStores.builder()))
                .hasMessageContaining("not valid TOML");
    }

    @Test
    void aClosedRegistryOpensNothing() {
        KeyValueStores stores = KeyValueStores.builder().memory("default").build();
        stores.open("default").orElseThrow();
        stores.close();
        assertThatThrownBy(() -> stores.open("default")).isInstanceOf(KeyValueException.class);
    }
}
