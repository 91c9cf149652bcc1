package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentLinker;
import dev.basalt.wasi.WasiClock;
import dev.basalt.wasi.WasiConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the C test programs as WASI 0.2 command components (src/test/resources/wasi-p2, made from the preview1
 * programs by build-test-components.sh with jco's preview1 adapter, which imports wasi:*@0.2.12) on both engines,
 * with in-memory stdio and temporary directories.
 */
class WasiComponentProgramsTest {
    private static final Map<Config.Strategy, Engine> ENGINES = new ConcurrentHashMap<>();
    private static final Map<String, Component> COMPONENTS = new ConcurrentHashMap<>();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Engine engine(Config.Strategy strategy) {
        return ENGINES.computeIfAbsent(strategy, s -> Engine.create(Config.builder().strategy(s).build()));
    }

    static Component component(Config.Strategy strategy, String name) {
        return COMPONENTS.computeIfAbsent(strategy + "/" + name, key -> {
            try (InputStream in = WasiComponentProgramsTest.class.getResourceAsStream("/wasi-p2/" + name + ".component.wasm")) {
                assertThat(in).as("fixture " + name).isNotNull();
                return Component.compile(engine(strategy), in.readAllBytes());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    static Run run(Config.Strategy strategy, String name, WasiConfig.Builder config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        config.stdout(out).stderr(err);
        Engine engine = engine(strategy);
        ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
        WasiPreview2.addToLinker(linker, ctx -> ctx);
        try (WasiComponentContext wasi = WasiComponentContext.create(config.build())) {
            Store<WasiComponentContext> store = Store.create(engine, wasi);
            int exit = WasiPreview2.runCommand(linker.instantiate(store, component(strategy, name)));
            wasi.flush();
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void helloSeesExactlyItsArgumentsAndEnvironment(Config.Strategy engine) {
        Run r = run(engine, "hello", WasiConfig.builder().args("hello", "big", "world").env("GREETING", "hi"));
        assertThat(r).isEqualTo(new Run(0, "hello big world\nGREETING=hi\n", ""));
        // main's 3 reaches the host as wasi:cli/exit.exit(err): jco's preview1 adapter (wasi 0.2.12) does not
        // import exit-with-code, so any non-zero status is 1, as on wasmtime.
        Run bare = run(engine, "hello", WasiConfig.builder().args("hello", "x"));
        assertThat(bare).isEqualTo(new Run(1, "hello x\n", ""));
    }

    private static void assertPassed(Run r, String... sections) {
        assertThat(r.out()).doesNotContain("FAIL");
        for (String s : sections) {
            assertThat(r.out()).contains("ok " + s + "\n");
        }
        assertThat(r.exit()).as(r.out()).isZero();
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void argumentsAndEnvironmentExactlyAsGranted(Config.Strategy engine) {
        Run r = run(engine, "p2", WasiConfig.builder().args("p2", "env", "a b").env("A", "1").env("B", "two=2"));
        assertThat(r).isEqualTo(new Run(0, "argc=3 [p2] [env] [a b]\nenv A=1\nenv B=two=2\nok env\n", ""));
        // nothing granted, nothing seen: not even the host's environment
        Run bare = run(engine, "p2", WasiConfig.builder().args("p2", "env"));
        assertThat(bare).isEqualTo(new Run(0, "argc=2 [p2] [env]\nok env\n", ""));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void stdinToStdoutAndStderr(Config.Strategy engine) {
        Run r = run(engine, "p2", WasiConfig.builder().args("p2", "stdio").stdin("some input".getBytes(StandardCharsets.UTF_8)));
        assertThat(r).isEqualTo(new Run(0, "SOME INPUT\nstdin bytes=10\nok stdio\n", "to stderr\n"));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void clocksSleepAndRandom(Config.Strategy engine) {
        Run r = run(engine, "p2", WasiConfig.builder().args("p2", "clocks")
                .clock(WasiClock.deterministic(1_700_000_000_123_456_789L, 1_000)).deterministicRandom(42));
        byte[] expected = new byte[8];
        new SplittableRandom(42).nextBytes(expected);
        assertPassed(r, "clocks");
        assertThat(r.out()).startsWith("realtime=1700000000.123456789\nresolution=1000\n")
                // the virtual clock sleeps exactly the 5 ms asked (plus the ticks of the readings around it)
                .containsPattern("slept=500[0-9]{4}\n")
                .contains("random=" + HexFormat.of().formatHex(expected) + "\n");
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void filesAndDirectoriesInAGrantedDirectory(Config.Strategy engine) throws IOException {
        Path work = Files.createDirectory(tmp.resolve("work"));
        Run r = run(engine, "p2", WasiConfig.builder().args("p2", "files").preopenDir(work, "/work"));
        assertPassed(r, "files");
        assertThat(r.out()).contains("readdir: ./ ../ b.txt e/ link@\n");
        assertThat(Files.readString(work.resolve("d/b.txt"))).isEqualTo("hello");
        assertThat(Files.readString(work.resolve("d/e/f.txt"))).isEqualTo("data");
        assertThat(Files.getLastModifiedTime(work.resolve("d/e/f.txt")).toMillis()).isEqualTo(42_000);
        try (Stream<Path> s = Files.walk(work)) {
            assertThat(s.map(p -> work.relativize(p).toString()).sorted().toList())
                    .containsExactly("", "d", "d/b.txt", "d/e", "d/e/f.txt");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void noEscapeFromPreopensAndReadOnlyMeansReadOnly(Config.Strategy engine) throws IOException {
        Path sandbox = Files.createDirectories(tmp.resolve("sandbox/sub")).getParent();
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(ro.resolve("readme.txt"), "read me");
        Files.createSymbolicLink(sandbox.resolve("escape"), Path.of("../outside"));
        Files.createSymbolicLink(sandbox.resolve("abs"), outside.resolve("secret.txt").toAbsolutePath());
        Files.createSymbolicLink(sandbox.resolve("inner"), Path.of("sub"));
        Run r = run(engine, "p2", WasiConfig.builder().args("p2", "sandbox").preopenDir(sandbox, "/sandbox")
                .preopenDir(ro, "/ro", true));
        assertPassed(r, "dotdot", "symlinks", "readonly");
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.count()).isEqualTo(1);
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("outside", "ro", "sandbox");
        }
        try (Stream<Path> s = Files.list(ro)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("readme.txt");
        }
        assertThat(Files.readString(ro.resolve("readme.txt"))).isEqualTo("read me");
        try (Stream<Path> s = Files.list(sandbox)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("abs", "escape", "inner", "mine.txt", "sub");
        }
        assertThat(Files.isSymbolicLink(sandbox.resolve("sub/up"))).isTrue();
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aMebibyteThroughFileStreamsInBothDirections(Config.Strategy engine) throws IOException {
        Path work = Files.createDirectory(tmp.resolve("work"));
        Run r = run(engine, "p2", WasiConfig.builder().args("p2", "bulk", "1").preopenDir(work, "/work"));
        assertThat(r).isEqualTo(new Run(0, "ok bulk\n", ""));
        byte[] big = Files.readAllBytes(work.resolve("big.bin"));
        assertThat(big).hasSize(1 << 20);
        for (int b = 0; b < 16; b++) {
            for (int i = 0; i < 65536; i += 4099) {
                assertThat(big[b * 65536 + i]).isEqualTo((byte) (b * 31 + i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void exitCodes(Config.Strategy engine) {
        assertThat(run(engine, "p2", WasiConfig.builder().args("p2", "exit", "0")).exit()).isZero();
        // wasi:cli/exit.exit(err): the adapter has no way to say 7 (see helloSeesExactlyItsArgumentsAndEnvironment)
        assertThat(run(engine, "p2", WasiConfig.builder().args("p2", "exit", "7")).exit()).isEqualTo(1);
        assertThat(run(engine, "p2", WasiConfig.builder().args("p2", "no-such-part"))).isEqualTo(
                new Run(1, "unknown part no-such-part\n", ""));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void resourcesTheGuestDropsAreReleasedAndClosingReleasesTheRest(Config.Strategy engine) throws IOException {
        Path work = Files.createDirectory(tmp.resolve("work"));
        int[] live = new int[2];
        String[] parts = {"env", "files"};
        for (int k = 0; k < 2; k++) {
            ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine(engine));
            WasiPreview2.addToLinker(linker, ctx -> ctx);
            WasiComponentContext wasi = WasiComponentContext.create(
                    WasiConfig.builder().args("p2", parts[k]).preopenDir(work, "/work").build());
            assertThat(WasiPreview2.runCommand(linker.instantiate(Store.create(engine(engine), wasi),
                    component(engine, "p2")))).isZero();
            live[k] = wasi.state.liveResources();
            wasi.close();
            assertThat(wasi.state.liveResources()).isZero();
        }
        // "files" opens and closes a dozen files, directories and streams; what stays is what "env" keeps too
        // (the adapter's stdio streams and pre-open descriptors)
        assertThat(live[1]).isEqualTo(live[0]).isPositive();
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void importsOfAny02VersionAreSatisfiedAndOthersAreNot(Config.Strategy engine) {
        String text = """
                (component
                  (import "wasi:random/random@%s" (instance $r (export "get-random-u64" (func (result u64)))))
                  (import "wasi:clocks/monotonic-clock@0.2.3" (instance $c (export "now" (func (result u64)))))
                  (core func $rnd (canon lower (func $r "get-random-u64")))
                  (core func $now (canon lower (func $c "now")))
                  (core module $m
                    (import "h" "rnd" (func $rnd (result i64)))
                    (import "h" "now" (func $now (result i64)))
                    (func (export "rnd") (result i64) (call $rnd))
                    (func (export "now") (result i64) (call $now)))
                  (core instance $h (export "rnd" (func $rnd)) (export "now" (func $now)))
                  (core instance $i (instantiate $m (with "h" (instance $h))))
                  (func (export "rnd") (result u64) (canon lift (core func $i "rnd")))
                  (func (export "now") (result u64) (canon lift (core func $i "now"))))
                """;
        ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine(engine));
        WasiPreview2.addToLinker(linker, ctx -> ctx);
        for (String version : new String[] {"0.2.0", "0.2.12", "0.2.99"}) {
            Component c = Component.fromModel(engine(engine),
                    dev.basalt.component.text.ComponentTextParser.parse(text.formatted(version)));
            try (WasiComponentContext wasi = WasiComponentContext.create(WasiConfig.builder()
                    .clock(WasiClock.deterministic(0, 7)).deterministicRandom(1).build())) {
                var instance = linker.instantiate(Store.create(engine(engine), wasi), c);
                assertThat(instance.getFunc("rnd").orElseThrow().callOne())
                        .contains(new dev.basalt.component.ComponentValue.U64(new SplittableRandom(1).nextLong()));
                // the virtual clock ticks 7 ns per reading
                var now = instance.getFunc("now").orElseThrow();
                long first = ((dev.basalt.component.ComponentValue.U64) now.callOne().orElseThrow()).value();
                assertThat(now.callOne()).contains(new dev.basalt.component.ComponentValue.U64(first + 7));
            }
        }
        for (String version : new String[] {"0.3.0", "0.1.0"}) {
            Component c = Component.fromModel(engine(engine),
                    dev.basalt.component.text.ComponentTextParser.parse(text.formatted(version)));
            assertThatThrownBy(() -> linker.instantiatePre(c)).isInstanceOf(dev.basalt.component.ComponentException.class)
                    .hasMessageContaining("wasi:random/random@" + version);
        }
    }
}
