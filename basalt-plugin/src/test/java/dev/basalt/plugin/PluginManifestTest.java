package dev.basalt.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.Engine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extism manifests: the JSON Basalt reads, what it refuses, and module sources (path, data, url) with hashes. */
class PluginManifestTest {
    static final byte[] WASM = PluginTest.fixture("wasi-plugin.wasm");
    static final String WASM_SHA256 = CompiledPlugin.Builder.sha256(WASM);

    @Test
    void everyFieldOfAnExtismManifest(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("plugin.wasm"), WASM);
        Path manifestFile = dir.resolve("manifest.json");
        Files.writeString(manifestFile, """
                {"wasm": [{"path": "plugin.wasm", "name": "main", "hash": "%s"}],
                 "memory": {"max_pages": 16, "max_http_response_bytes": 1024, "max_var_bytes": 64},
                 "config": {"greeting": "Hi", "file": "a.txt"},
                 "allowed_hosts": ["*.example.com", "example.org"],
                 "allowed_paths": {"ro:data": "/data", "/tmp/out": "/out"},
                 "timeout_ms": 1500}
                """.formatted(WASM_SHA256.toUpperCase()));
        PluginManifest m = PluginManifest.load(manifestFile);
        assertThat(m.wasm()).singleElement().isEqualTo(new PluginManifest.FileSource(
                dir.resolve("plugin.wasm"), java.util.Optional.of("main"), java.util.Optional.of(WASM_SHA256)));
        assertThat(m.maxPages()).hasValue(16);
        assertThat(m.maxHttpResponseBytes()).hasValue(1024);
        assertThat(m.maxVarBytes()).hasValue(64);
        assertThat(m.config()).isEqualTo(Map.of("greeting", "Hi", "file", "a.txt"));
        assertThat(m.allowedHosts()).containsExactly("*.example.com", "example.org");
        assertThat(m.allowedPaths()).containsExactly(Map.entry(dir.resolve("data").toString(), "/data"),
                Map.entry("/tmp/out", "/out"));
        assertThat(m.readOnlyPaths()).containsExactly(dir.resolve("data").toString());
        assertThat(m.timeout()).contains(Duration.ofMillis(1500));
        // and it compiles: the hash matches
        assertThat(CompiledPlugin.builder(Engine.create(), m).withWasi(true).build().functions())
                .contains("write_file");
    }

    @Test
    void hashMismatchIsRefused() {
        String json = """
                {"wasm": [{"data": "%s", "hash": "%s"}]}
                """.formatted(Base64.getEncoder().encodeToString(WASM), "0".repeat(64));
        PluginManifest m = PluginManifest.parse(json, null);
        assertThatThrownBy(() -> CompiledPlugin.builder(Engine.create(), m).withWasi(true).build())
                .isInstanceOf(PluginException.class)
                .hasMessage("wasm 'main': hash mismatch: the manifest expects " + "0".repeat(64)
                        + ", the module's SHA-256 is " + WASM_SHA256);
    }

    @Test
    void badManifestsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> PluginManifest.parse("{\"wasm\": [", null)).hasMessageStartingWith("manifest: malformed JSON");
        assertThatThrownBy(() -> PluginManifest.parse("[]", null)).hasMessage("manifest: expected a JSON object");
        assertThatThrownBy(() -> PluginManifest.parse("{\"wasm\": []}", null))
                .hasMessage("manifest: \"wasm\" must be a non-empty array of modules");
        assertThatThrownBy(() -> PluginManifest.parse("{\"wasm\": [{\"path\": \"a.wasm\"}], \"allowed_host\": []}", null))
                .hasMessageStartingWith("manifest: unknown key \"allowed_host\"");
        assertThatThrownBy(() -> PluginManifest.parse("{\"wasm\": [{\"path\": \"a\", \"url\": \"http://x\"}]}", null))
                .hasMessage("manifest: a \"wasm\" entry needs exactly one of path, data or url");
        assertThatThrownBy(() -> PluginManifest.parse("{\"wasm\": [{\"data\": \"not base64!\"}]}", null))
                .hasMessageStartingWith("manifest: wasm \"data\" is not base64");
        assertThatThrownBy(() -> PluginManifest.parse("{\"wasm\": [{\"url\": \"file:///etc/passwd\"}]}", null))
                .hasMessage("manifest: wasm \"url\" must be http or https: file:///etc/passwd");
        assertThatThrownBy(() -> PluginManifest.parse("{\"wasm\": [{\"path\": \"a\", \"hash\": \"abc\"}]}", null))
                .hasMessageStartingWith("manifest: wasm \"hash\" must be a SHA-256");
        assertThatThrownBy(() -> PluginManifest.parse(
                "{\"wasm\": [{\"path\": \"a\"}], \"memory\": {\"max_pages\": -1}}", null))
                .hasMessage("manifest: \"memory.max_pages\" must be an integer from 0 to 65536");
        assertThatThrownBy(() -> PluginManifest.parse("{\"wasm\": [{\"path\": \"a\"}], \"config\": {\"k\": 1}}", null))
                .hasMessage("manifest: \"config\" value of \"k\" must be a string");
        assertThatThrownBy(() -> PluginManifest.parse("{\"wasm\": [{\"path\": \"a\"}], \"timeout_ms\": \"soon\"}", null))
                .hasMessageStartingWith("manifest: \"timeout_ms\" must be an integer");
    }

    @Test
    void missingFilesAndInvalidModulesSayWhich(@TempDir Path dir) throws IOException {
        PluginManifest missing = PluginManifest.parse("{\"wasm\": [{\"path\": \"gone.wasm\"}]}", dir);
        assertThatThrownBy(() -> CompiledPlugin.builder(Engine.create(), missing).build())
                .isInstanceOf(PluginException.class).hasMessageStartingWith("wasm 'main': cannot read " + dir.resolve("gone.wasm"));
        PluginManifest garbage = PluginManifest.ofWasm(new byte[] {0, 'a', 's', 'm', 9, 9});
        assertThatThrownBy(() -> CompiledPlugin.builder(Engine.create(), garbage).build())
                .isInstanceOf(PluginException.class).hasMessageStartingWith("wasm 'main': ");
    }

    @Test
    void urlSourcesAreFetchedOnceAndHashed() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] fetches = {0};
        server.createContext("/plugin.wasm", exchange -> {
            fetches[0]++;
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body = "Bearer t0k3n".equals(auth) ? WASM : new byte[0];
            exchange.sendResponseHeaders("Bearer t0k3n".equals(auth) ? 200 : 401, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/plugin.wasm";
            PluginManifest m = PluginManifest.parse("""
                    {"wasm": [{"url": "%s", "headers": {"Authorization": "Bearer t0k3n"}, "hash": "%s"}]}
                    """.formatted(url, WASM_SHA256), null);
            CompiledPlugin compiled = CompiledPlugin.builder(Engine.create(Config.builder()
                    .strategy(Config.Strategy.INTERPRETER).build()), m).withWasi(true).build();
            compiled.instantiate().close();
            compiled.instantiate().close();
            assertThat(fetches[0]).isEqualTo(1);
            PluginManifest noAuth = PluginManifest.parse("{\"wasm\": [{\"url\": \"" + url + "\"}]}", null);
            assertThatThrownBy(() -> CompiledPlugin.builder(Engine.create(), noAuth).withWasi(true).build())
                    .isInstanceOf(PluginException.class).hasMessage("wasm 'main': " + url + " answered 401");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theMainModuleIsTheOneNamedMainElseTheLast() {
        PluginManifest m = PluginManifest.builder()
                .wasm(new PluginManifest.BytesSource(WASM, java.util.Optional.of("main"), java.util.Optional.empty()))
                .wasm(new PluginManifest.BytesSource(PluginTest.fixture("test-plugin.wasm"),
                        java.util.Optional.of("helper"), java.util.Optional.empty()))
                .build();
        CompiledPlugin compiled = CompiledPlugin.builder(Engine.create(), m).withWasi(true)
                .hostFunction(PluginFunction.of("reverse", List.of(dev.basalt.wasm.NumType.I64),
                        List.of(dev.basalt.wasm.NumType.I64), (p, a) -> a))
                .build();
        assertThat(compiled.functions()).contains("write_file").doesNotContain("greet");
    }

    @Test
    void dependencyModulesAreLinkedByName() {
        byte[] math = wasm("(module (func (export \"answer\") (result i32) (i32.const 42)))");
        byte[] main = wasm("""
                (module
                  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
                  (import "extism:host/env" "store_u8" (func $store (param i64 i32)))
                  (import "extism:host/env" "output_set" (func $out (param i64 i64)))
                  (import "math" "answer" (func $answer (result i32)))
                  (func (export "run") (result i32) (local $p i64)
                    (local.set $p (call $alloc (i64.const 1)))
                    (call $store (local.get $p) (call $answer))
                    (call $out (local.get $p) (i64.const 1))
                    (i32.const 0)))
                """);
        PluginManifest m = PluginManifest.builder()
                .wasm(new PluginManifest.BytesSource(main, java.util.Optional.of("main"), java.util.Optional.empty()))
                .wasm(new PluginManifest.BytesSource(math, java.util.Optional.of("math"), java.util.Optional.empty()))
                .build();
        try (Plugin plugin = CompiledPlugin.builder(Engine.create(), m).build().instantiate()) {
            assertThat(plugin.call("run", new byte[0])).containsExactly(42);
        }
        PluginManifest unnamed = PluginManifest.builder().wasm(math).wasm(main).build();   // math is "module0"
        assertThatThrownBy(() -> CompiledPlugin.builder(Engine.create(), unnamed).build().instantiate()
                .call("run", new byte[0]))
                .isInstanceOf(PluginException.class).hasMessageContaining("math");
    }

    static byte[] wasm(String wat) {
        return dev.basalt.wasm.binary.BinaryWriter.write(dev.basalt.wasm.text.WatParser.parseModule(wat));
    }
}
