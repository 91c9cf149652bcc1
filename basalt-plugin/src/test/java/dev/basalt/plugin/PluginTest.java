package dev.basalt.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.TrapKind;
import dev.basalt.wasm.NumType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Extism plug-ins on both engines, with the test plug-in {@code src/test/c/plugin.c} (built by
 * {@code src/test/c/build.sh} against our own minimal PDK header, which declares Extism 1.x's kernel imports).
 */
class PluginTest {
    static byte[] fixture(String name) {
        try (InputStream in = PluginTest.class.getResourceAsStream("/plugins/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test fixture /plugins/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Engine engine(Config.Strategy strategy) {
        return Engine.create(Config.builder().strategy(strategy).build());
    }

    static CompiledPlugin.Builder testPlugin(Config.Strategy strategy, PluginManifest.Builder manifest) {
        return CompiledPlugin.builder(engine(strategy), manifest.wasm(fixture("test-plugin.wasm")).build())
                .hostFunction(PluginFunction.of("reverse", List.of(NumType.I64), List.of(NumType.I64),
                        (plugin, args) -> new long[] {
                            plugin.writeString(new StringBuilder(plugin.readString(args[0])).reverse().toString())}));
    }

    static Plugin testPlugin(Config.Strategy strategy) {
        return testPlugin(strategy, PluginManifest.builder()).build().instantiate();
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void inputOutputAndVariablesAcrossCalls(Config.Strategy strategy) {
        CompiledPlugin compiled = testPlugin(strategy, PluginManifest.builder()).build();
        try (Plugin plugin = compiled.instantiate()) {
            assertThat(plugin.call("count_vowels", "Hello, World!"))
                    .isEqualTo("{\"count\":3,\"total\":3,\"vowels\":\"aeiouAEIOU\"}");
            assertThat(plugin.call("count_vowels", "aeiou"))
                    .isEqualTo("{\"count\":5,\"total\":8,\"vowels\":\"aeiouAEIOU\"}");
            // inputs longer than one 8-byte load, and empty ones
            assertThat(plugin.call("count_vowels", "a".repeat(1001))).contains("\"count\":1001,\"total\":1009");
            assertThat(plugin.call("count_vowels", "")).contains("\"count\":0,\"total\":1009");
            plugin.clearVariables();
            assertThat(plugin.call("count_vowels", "o")).contains("\"total\":1");
        }
        try (Plugin other = compiled.instantiate()) {
            assertThat(other.call("count_vowels", "e")).contains("\"total\":1");   // variables are per plug-in
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void configIsWhatTheManifestGrants(Config.Strategy strategy) {
        try (Plugin plain = testPlugin(strategy)) {
            assertThat(plain.call("greet", "Basalt")).isEqualTo("Hello, Basalt!");
        }
        try (Plugin configured = testPlugin(strategy, PluginManifest.builder().config("greeting", "Grüß dich"))
                .build().instantiate()) {
            assertThat(configured.call("greet", "Basalt")).isEqualTo("Grüß dich, Basalt!");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void guestErrorsFailTheCallAndThePluginGoesOn(Config.Strategy strategy) {
        try (Plugin plugin = testPlugin(strategy)) {
            assertThatThrownBy(() -> plugin.call("fail", "bad input"))
                    .isInstanceOf(PluginException.class).hasMessage("refused: bad input")
                    .satisfies(e -> assertThat(((PluginException) e).returnCode()).isEqualTo(1));
            assertThatThrownBy(() -> plugin.call("fail_silently", ""))
                    .isInstanceOf(PluginException.class).hasMessageContaining("returned 7")
                    .satisfies(e -> assertThat(((PluginException) e).returnCode()).isEqualTo(7));
            assertThat(plugin.call("greet", "again")).isEqualTo("Hello, again!");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aTrapFailsTheCallAndTheNextCallGetsAFreshInstance(Config.Strategy strategy) {
        try (Plugin plugin = testPlugin(strategy)) {
            assertThat(plugin.call("calls", "")).isEqualTo("1");
            assertThat(plugin.call("calls", "")).isEqualTo("2");      // the instance lives across calls
            plugin.call("count_vowels", "aa");
            assertThatThrownBy(() -> plugin.call("trap", ""))
                    .isInstanceOf(PluginException.class)
                    .hasMessageStartingWith("plug-in function 'trap' trapped: unreachable")
                    .satisfies(e -> {
                        PluginException pe = (PluginException) e;
                        assertThat(pe.trap()).get().extracting(t -> t.kind()).isEqualTo(TrapKind.UNREACHABLE);
                        assertThat(pe.trap().get().backtrace()).anySatisfy(
                                f -> assertThat(f.functionName()).isEqualTo("trap"));
                    });
            assertThat(plugin.call("calls", "")).isEqualTo("1");      // fresh instance after the trap
            assertThat(plugin.call("count_vowels", "a")).contains("\"total\":3"); // variables survive it
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void wildKernelPointersTrapInsteadOfReachingHostMemory(Config.Strategy strategy) {
        try (Plugin plugin = testPlugin(strategy)) {
            assertThatThrownBy(() -> plugin.call("wild_load", ""))
                    .isInstanceOf(PluginException.class).hasMessageContaining("outside the kernel memory");
            assertThat(plugin.call("greet", "x")).isEqualTo("Hello, x!");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void timeoutEndsARunawayCall(Config.Strategy strategy) {
        try (Plugin plugin = testPlugin(strategy, PluginManifest.builder().timeout(Duration.ofMillis(200)))
                .build().instantiate()) {
            assertThatThrownBy(() -> plugin.call("spin", ""))
                    .isInstanceOf(PluginException.class).hasMessage("plug-in function 'spin' timed out after 200 ms")
                    .satisfies(e -> assertThat(((PluginException) e).isTimeout()).isTrue());
            assertThat(plugin.call("greet", "after")).isEqualTo("Hello, after!");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void cancelFromAnotherThread(Config.Strategy strategy) throws Exception {
        try (Plugin plugin = testPlugin(strategy)) {
            plugin.call("greet", "warm up");
            CountDownLatch done = new CountDownLatch(1);
            List<Throwable> failure = new ArrayList<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    plugin.call("spin", "");
                } catch (Throwable t) {
                    failure.add(t);
                } finally {
                    done.countDown();
                }
            });
            // cancel until the call is seen to end: the call may not have started at the first cancel
            while (!done.await(50, TimeUnit.MILLISECONDS)) {
                plugin.cancel();
            }
            caller.join();
            assertThat(failure).singleElement().isInstanceOf(PluginException.class)
                    .satisfies(e -> assertThat(((PluginException) e).isCancelled()).isTrue())
                    .satisfies(e -> assertThat(e).hasMessage("plug-in function 'spin' was cancelled"));
            assertThat(plugin.call("greet", "after")).isEqualTo("Hello, after!");
        }
    }

    @Test
    void fuelLimitsEachCall() {
        try (Plugin plugin = testPlugin(Config.Strategy.INTERPRETER, PluginManifest.builder()).fuelPerCall(100_000)
                .build().instantiate()) {
            assertThatThrownBy(() -> plugin.call("spin", ""))
                    .isInstanceOf(PluginException.class).hasMessage("plug-in function 'spin' ran out of fuel");
            assertThat(plugin.call("greet", "fuel")).isEqualTo("Hello, fuel!");  // each call gets its own fuel
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void logMessagesAtOrAboveTheLevel(Config.Strategy strategy) {
        List<String> log = new CopyOnWriteArrayList<>();
        try (Plugin plugin = testPlugin(strategy, PluginManifest.builder())
                .logSink((level, message) -> log.add(level + " " + message)).build().instantiate()) {
            assertThat(plugin.call("log", "hello log")).isEqualTo("level 2");
        }
        assertThat(log).containsExactly("INFO hello log");
        log.clear();
        try (Plugin quiet = testPlugin(strategy, PluginManifest.builder()).logLevel(LogLevel.WARN)
                .logSink((level, message) -> log.add(level + " " + message)).build().instantiate()) {
            assertThat(quiet.call("log", "dropped")).isEqualTo("level 3");
        }
        assertThat(log).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void userHostFunctions(Config.Strategy strategy) {
        try (Plugin plugin = testPlugin(strategy)) {
            assertThat(plugin.call("call_host", "stressed")).isEqualTo("desserts");
        }
        PluginFunction failing = PluginFunction.of("reverse", List.of(NumType.I64), List.of(NumType.I64),
                (plugin, args) -> {
                    throw new IllegalStateException("no reversing today");
                });
        try (Plugin plugin = CompiledPlugin.builder(engine(strategy),
                PluginManifest.ofWasm(fixture("test-plugin.wasm"))).hostFunction(failing).build().instantiate()) {
            assertThatThrownBy(() -> plugin.call("call_host", "x")).isInstanceOf(PluginException.class)
                    .hasMessageContaining("extism:host/user::reverse: no reversing today");
        }
    }

    /**
     * Extism's per-call host context: one instance serves calls for different callers, and the host function sees
     * the object of the call it runs in (and nothing in a call made without one).
     */
    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void hostFunctionsSeeTheCallsHostContext(Config.Strategy strategy) {
        record Caller(String name) {
        }
        PluginFunction tagged = PluginFunction.of("reverse", List.of(NumType.I64), List.of(NumType.I64),
                (plugin, args) -> new long[] {plugin.writeString(plugin.hostContext(Caller.class)
                        .map(Caller::name).orElse("nobody") + ":" + plugin.readString(args[0]))});
        try (Plugin plugin = CompiledPlugin.builder(engine(strategy),
                PluginManifest.ofWasm(fixture("test-plugin.wasm"))).hostFunction(tagged).build().instantiate()) {
            assertThat(plugin.call("call_host", "x", new Caller("alice"))).isEqualTo("alice:x");
            assertThat(plugin.call("call_host", "y", new Caller("bob"))).isEqualTo("bob:y");
            assertThat(plugin.call("call_host", "z")).isEqualTo("nobody:z");
            assertThat(plugin.call("call_host", "w", "a String, not a Caller")).isEqualTo("nobody:w");
        }
    }

    /** Extism's {@code extism_plugin_config}: an instance's configuration changes between calls, its own only. */
    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void configurationChangesPerInstance(Config.Strategy strategy) {
        CompiledPlugin compiled = testPlugin(strategy, PluginManifest.builder().config("greeting", "Hi")).build();
        try (Plugin plugin = compiled.instantiate(); Plugin other = compiled.instantiate()) {
            assertThat(plugin.call("greet", "Basalt")).isEqualTo("Hi, Basalt!");
            plugin.updateConfig(Map.of("greeting", "Servus"));
            assertThat(plugin.call("greet", "Basalt")).isEqualTo("Servus, Basalt!");
            assertThat(plugin.config()).containsEntry("greeting", "Servus");
            assertThat(other.call("greet", "Basalt")).isEqualTo("Hi, Basalt!");
            java.util.Map<String, String> removal = new java.util.HashMap<>();
            removal.put("greeting", null);
            plugin.updateConfig(removal);
            assertThat(plugin.call("greet", "Basalt")).isEqualTo("Hello, Basalt!"); // the plug-in's own default
            assertThat(compiled.manifest().config()).containsEntry("greeting", "Hi");
        }
    }

    /** Extism's {@code extism_plugin_reset}: a fresh instance (memory, globals) and no variables; config stays. */
    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void resetStartsAFreshInstanceWithoutVariables(Config.Strategy strategy) {
        try (Plugin plugin = testPlugin(strategy)) {
            plugin.updateConfig(Map.of("greeting", "Ahoj"));
            assertThat(plugin.call("calls", "")).isEqualTo("1");
            assertThat(plugin.call("calls", "")).isEqualTo("2");
            plugin.call("count_vowels", "aaa");
            plugin.reset();
            assertThat(plugin.call("calls", "")).isEqualTo("1");
            assertThat(plugin.call("count_vowels", "a")).contains("\"total\":1");
            assertThat(plugin.call("greet", "Basalt")).isEqualTo("Ahoj, Basalt!");
        }
    }

    @Test
    void aMissingHostFunctionIsALinkError() {
        assertThatThrownBy(() -> CompiledPlugin.compile(engine(Config.Strategy.INTERPRETER), fixture("test-plugin.wasm")))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("extism:host/user").hasMessageContaining("reverse");
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void kernelMemoryIsCappedByMaxPagesAndFreedAfterEachCall(Config.Strategy strategy) {
        // 80 pages = 5 MiB: the 4-byte input takes the first 16 bytes, then four 1 MiB blocks fit, a fifth not
        try (Plugin plugin = testPlugin(strategy, PluginManifest.builder().maxPages(80)).build().instantiate()) {
            assertThat(plugin.call("exhaust", "keep")).isEqualTo("4");
            assertThat(plugin.call("exhaust", "keep")).isEqualTo("4");   // the last call's blocks are gone
            assertThat(plugin.call("exhaust", "free")).isEqualTo("4");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void httpOnlyToAllowedHosts(Config.Strategy strategy) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> seenHeaders = new CopyOnWriteArrayList<>();
        server.createContext("/hello", exchange -> {
            seenHeaders.add(exchange.getRequestHeaders().getFirst("x-plugin"));
            byte[] body = "hi from upstream".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/big", exchange -> {
            byte[] body = new byte[5000];
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            try (Plugin allowed = testPlugin(strategy, PluginManifest.builder().allowHost("127.0.0.1")
                    .maxHttpResponseBytes(4096)).build().instantiate()) {
                assertThat(allowed.call("http_get", base + "/hello")).isEqualTo("200 hi from upstream");
                assertThat(seenHeaders).containsExactly("basalt-test");
                assertThat(allowed.call("http_get", base + "/missing")).startsWith("404 ");
                assertThatThrownBy(() -> allowed.call("http_get", base + "/big"))
                        .isInstanceOf(PluginException.class)
                        .hasMessageContaining("larger than max_http_response_bytes (4096)");
            }
            try (Plugin denied = testPlugin(strategy)) {
                assertThatThrownBy(() -> denied.call("http_get", base + "/hello"))
                        .isInstanceOf(PluginException.class)
                        .hasMessageContaining("is not allowed (host 127.0.0.1 is not in allowed_hosts)");
                assertThat(seenHeaders).hasSize(1);                  // nothing was sent
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void allowedHostPatterns() {
        assertThat(HttpBridge.allowed(List.of("*.example.com"), "api.example.com")).isTrue();
        assertThat(HttpBridge.allowed(List.of("*.example.com"), "example.com.evil.net")).isFalse();
        assertThat(HttpBridge.allowed(List.of("*.example.com"), "evilexample.com")).isFalse();
        assertThat(HttpBridge.allowed(List.of("Example.com"), "example.COM")).isTrue();
        assertThat(HttpBridge.allowed(List.of("*"), "anything.net")).isTrue();
        assertThat(HttpBridge.allowed(List.of(), "example.com")).isFalse();
    }

    @Test
    void functionsAreTheMainModulesNoArgumentExports() {
        CompiledPlugin compiled = testPlugin(Config.Strategy.INTERPRETER, PluginManifest.builder()).build();
        assertThat(compiled.functions()).contains("count_vowels", "greet", "spin").doesNotContain("memory");
        try (Plugin plugin = compiled.instantiate()) {
            assertThatThrownBy(() -> plugin.call("nope", "")).isInstanceOf(PluginException.class)
                    .hasMessageStartingWith("plug-in has no function 'nope' (it has [").hasMessageContaining("greet");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void wasiPluginsSeeOnlyTheAllowedPaths(Config.Strategy strategy, @TempDir Path dir) throws IOException {
        byte[] wasm = fixture("wasi-plugin.wasm");
        assertThatThrownBy(() -> CompiledPlugin.compile(engine(strategy), wasm))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("imports WASI").hasMessageContaining("--wasi");

        Path out = Files.createDirectory(dir.resolve("out"));
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        PluginManifest manifest = PluginManifest.builder().wasm(wasm).config("file", "note.txt")
                .allowPath(out, "/out", false).build();
        try (Plugin plugin = CompiledPlugin.builder(engine(strategy), manifest).wasi(b -> b.stdout(stdout))
                .build().instantiate()) {
            assertThat(plugin.call("write_file", "written by a plug-in")).isEqualTo("written by a plug-in");
        }
        assertThat(Files.readString(out.resolve("note.txt"))).isEqualTo("written by a plug-in");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("wrote 20 bytes to /out/note.txt\n");

        PluginManifest readOnly = PluginManifest.builder().wasm(wasm).config("file", "other.txt")
                .allowPath(out, "/out", true).build();
        try (Plugin plugin = CompiledPlugin.builder(engine(strategy), readOnly).withWasi(true).build().instantiate()) {
            assertThatThrownBy(() -> plugin.call("write_file", "x")).isInstanceOf(PluginException.class)
                    .hasMessage("cannot open the file");
        }
        try (Plugin plugin = CompiledPlugin.builder(engine(strategy),
                PluginManifest.builder().wasm(wasm).config("file", "x.txt").build()).withWasi(true).build()
                .instantiate()) {
            assertThatThrownBy(() -> plugin.call("write_file", "x")).isInstanceOf(PluginException.class)
                    .hasMessage("cannot open the file");                 // no /out granted at all
        }
        assertThat(out.resolve("other.txt")).doesNotExist();
    }

    @Test
    void memoryCapBelowWhatTheModuleNeedsFailsClearly() {
        try (Plugin plugin = testPlugin(Config.Strategy.INTERPRETER, PluginManifest.builder().maxPages(1))
                .build().instantiate()) {
            assertThatThrownBy(() -> plugin.call("greet", "x")).isInstanceOf(PluginException.class)
                    .hasMessageStartingWith("plug-in cannot be instantiated: ");
        }
    }
}
