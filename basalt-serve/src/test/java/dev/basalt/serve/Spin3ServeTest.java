package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.binary.ComponentBinaryWriter;
import dev.basalt.component.text.ComponentTextParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Spin 3 app through basalt serve: a Spin manifest whose component is a wasi:http@0.3.0 handler importing
 * {@code spin:sqlite/sqlite@3.0.0} (src/test/resources/spin3/visits.wat), on both engines: each request runs
 * statements on the app's default database (Spin's {@code .spin/sqlite_db.db}) in a fresh instance; a component
 * without the database grant is refused (its open fails, the guest traps, the client gets 500).
 */
class Spin3ServeTest {
    @TempDir
    Path dir;

    private void component(String name) throws IOException {
        try (InputStream in = Spin3ServeTest.class.getResourceAsStream("/spin3/visits.wat")) {
            assertThat(in).as("fixture spin3/visits.wat").isNotNull();
            Files.write(dir.resolve(name), ComponentBinaryWriter.write(ComponentTextParser.parse(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8))));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aSpin3HttpComponentUsesItsSqliteDatabase(Config.Strategy strategy) throws Exception {
        component("visits.wasm");
        Path manifest = dir.resolve("spin.toml");
        Files.writeString(manifest, """
                spin_manifest_version = 2
                [application]
                name = "visits"
                [[trigger.http]]
                route = "/..."
                component = "visits"
                [[trigger.http]]
                route = "/bare/..."
                component = "bare"
                [component.visits]
                source = "visits.wasm"
                sqlite_databases = ["default"]
                [component.bare]
                source = "visits.wasm"
                """);
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        try (WasiHttpServer server = AppManifest.load(manifest).serverBuilder(engine, Optional.empty(), Map.of())
                .listen(new InetSocketAddress("127.0.0.1", 0)).start()) {
            int port = server.port();
            assertThat(SpinServeTest.send(port, "/first", "").body()).isEqualTo("visit 1: /first");
            assertThat(SpinServeTest.send(port, "/second?x=1", "").body()).isEqualTo("visit 2: /second?x=1");
            assertThat(SpinServeTest.send(port, "/bare/third", "").statusCode())
                    .as("not granted the database: the guest traps on the failed open").isEqualTo(500);
            assertThat(SpinServeTest.send(port, "/fourth", "").body()).isEqualTo("visit 3: /fourth");
        }
        assertThat(dir.resolve(".spin/sqlite_db.db")).isRegularFile();
    }
}
