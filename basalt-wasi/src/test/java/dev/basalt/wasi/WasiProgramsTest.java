package dev.basalt.wasi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the C programs of src/test/c (built by build-test-wasm.sh into src/test/resources/wasi) through the
 * embedding API with in-memory stdio and temporary directories. Each program checks WASI results itself (a FAIL
 * line per failed check, exit code 1); these tests assert the exit code, the sections reached, exact output where
 * it is deterministic, and what happened on the host file system.
 *
 * <p>Every test runs on both engines (the interpreter and the compiler), so each WASI function and each sandbox
 * rule is proven on both: the host functions are the same, but the guest's code, its traps and backtraces differ.
 */
class WasiProgramsTest {
    private static final Map<Config.Strategy, Engine> ENGINES = new ConcurrentHashMap<>();
    private static final Map<String, Module> MODULES = new ConcurrentHashMap<>();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Engine engine(Config.Strategy strategy) {
        return ENGINES.computeIfAbsent(strategy, s -> Engine.create(Config.builder().strategy(s).build()));
    }

    static Module module(Config.Strategy strategy, String name) {
        return MODULES.computeIfAbsent(strategy + "/" + name, key -> {
            try (InputStream in = WasiProgramsTest.class.getResourceAsStream("/wasi/" + name + ".wasm")) {
                assertThat(in).as("fixture " + name).isNotNull();
                return Module.compile(engine(strategy), in.readAllBytes());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Runs fixture {@code name} with the capabilities of {@code config} plus in-memory stdout/stderr. */
    static Run run(Config.Strategy strategy, String name, WasiConfig.Builder config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        config.stdout(out).stderr(err);
        Engine engine = engine(strategy);
        Linker<WasiContext> linker = Linker.create(engine);
        WasiPreview1.addToLinker(linker, ctx -> ctx);
        try (WasiContext wasi = WasiContext.create(config.build())) {
            Store<WasiContext> store = Store.create(engine, wasi);
            int exit = WasiPreview1.runCommand(linker.instantiate(store, module(strategy, name)));
            wasi.flush();
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
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
    void helloSeesExactlyItsArgumentsAndEnvironment(Config.Strategy engine) {
        Run r = run(engine, "hello", WasiConfig.builder().args("hello", "big", "world").env("GREETING", "hi"));
        assertThat(r).isEqualTo(new Run(0, "hello big world\nGREETING=hi\n", ""));
        Run bare = run(engine, "hello", WasiConfig.builder().args("hello", "x"));
        assertThat(bare).isEqualTo(new Run(3, "hello x\n", ""));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void filesAndDirectories(Config.Strategy engine) throws IOException {
        Path work = Files.createDirectory(tmp.resolve("work"));
        Run r = run(engine, "fs", WasiConfig.builder().args("fs").preopenDir(work, "/work"));
        assertPassed(r, "files", "dirs", "errors");
        assertThat(r.out()).contains("readdir: ./ ../ f.txt g.txt h/ \n");
        assertThat(Files.readString(work.resolve("a.txt"))).isEqualTo("one two");
        assertThat(Files.readString(work.resolve("b.txt"))).isEqualTo("bee");
        assertThat(Files.readString(work.resolve("d/e/f.txt"))).isEqualTo("data");
        assertThat(Files.getLastModifiedTime(work.resolve("d/e/f.txt")).toMillis()).isEqualTo(42_000);
        try (Stream<Path> s = Files.list(work)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("a.txt", "b.txt", "d");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void noEscapeFromPreopensAndReadOnlyMeansReadOnly(Config.Strategy engine) throws IOException {
        Path sandbox = Files.createDirectories(tmp.resolve("sandbox/sub"));
        sandbox = sandbox.getParent();
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(ro.resolve("readme.txt"), "read me");
        Files.createSymbolicLink(sandbox.resolve("escape"), Path.of("../outside"));
        Files.createSymbolicLink(sandbox.resolve("abs"), outside.resolve("secret.txt").toAbsolutePath());
        Files.createSymbolicLink(sandbox.resolve("inner"), Path.of("sub"));
        Run r = run(engine, "sandbox", WasiConfig.builder().args("sandbox").preopenDir(sandbox, "/sandbox")
                .preopenDir(ro, "/ro", true));
        assertPassed(r, "dotdot", "symlinks", "rename", "readonly");
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.count()).isEqualTo(1);
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("outside", "ro", "sandbox");
        }
        try (Stream<Path> s = Files.list(ro)) {
            assertThat(s.count()).isEqualTo(1);
        }
        assertThat(Files.readString(ro.resolve("readme.txt"))).isEqualTo("read me");
        assertThat(Files.readString(sandbox.resolve("secret-copy.txt"))).isEqualTo("mine");
        assertThat(Files.exists(sandbox.resolve("mine.txt"))).isTrue();
    }

    private static WasiConfig.Builder misc(String... args) {
        return WasiConfig.builder().args(args).env("A", "1").env("B", "two=2")
                .stdin("some input".getBytes(StandardCharsets.UTF_8))
                .clock(WasiClock.deterministic(1_700_000_000_000_000_000L, 1_000))
                .deterministicRandom(42);
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void stdioClocksRandomPollAndProc(Config.Strategy engine) {
        Run r = run(engine, "misc", misc("misc", "a b"));
        assertPassed(r, "args", "stdio", "clocks", "random", "poll", "proc");
        byte[] expected = new byte[8];
        new SplittableRandom(42).nextBytes(expected);
        assertThat(r.out()).startsWith("argc=2 [misc] [a b]\nenv A=1\nenv B=two=2\nok args\nSOME INPUT\nstdin bytes=10\n")
                .contains("realtime=1700000000000000000 monotonic=1000\n")
                .contains("resolution=1000\n")
                .contains("random=" + HexFormat.of().formatHex(expected) + "\n")
                // the virtual clock sleeps exactly the timeout (plus the ticks of the readings around it)
                .containsPattern("slept=500[0-9]{4}\n");
        assertThat(r.err()).isEqualTo("to stderr\n");
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void exitCodesFromProcExitAndProcRaise(Config.Strategy engine) {
        assertThat(run(engine, "misc", misc("misc", "exit", "7")).exit()).isEqualTo(7);
        assertThat(run(engine, "misc", misc("misc", "exit", "0")).exit()).isZero();
        // proc_raise(term) ends the guest like a killed process: 128 + 15
        Run raised = run(engine, "misc", misc("misc", "raise"));
        assertThat(raised.exit()).isEqualTo(143);
        assertThat(raised.out()).contains("ok proc\n");
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aTrapCarriesItsWasmBacktrace(Config.Strategy engine) {
        assertThatThrownBy(() -> run(engine, "misc", misc("misc", "trap")))
                .isInstanceOfSatisfying(Trap.class, t -> {
                    assertThat(t.kind()).isEqualTo(TrapKind.UNREACHABLE);
                    assertThat(t.backtrace()).isNotEmpty();
                    assertThat(t.backtrace().stream().map(Trap.Frame::functionName).toList())
                            .anySatisfy(n -> assertThat(n).contains("main"));
                });
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void preopenedSocketsAcceptReceiveSendShutdown(Config.Strategy engine) throws Exception {
        WasiConfig.Builder config = WasiConfig.builder().args("sock")
                .listen(new InetSocketAddress("127.0.0.1", 0)).listen(new InetSocketAddress("127.0.0.1", 0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        config.stdout(out);
        Linker<WasiContext> linker = Linker.create(engine(engine));
        WasiPreview1.addToLinker(linker, ctx -> ctx);
        try (WasiContext wasi = WasiContext.create(config.build())) {
            List<InetSocketAddress> addresses = wasi.listenAddresses();
            assertThat(addresses).hasSize(2);
            CompletableFuture<Integer> guest = CompletableFuture.supplyAsync(
                    () -> WasiPreview1.runCommand(linker.instantiate(Store.create(engine(engine), wasi), module(engine, "sock"))));
            try (Socket client = new Socket(addresses.get(0).getAddress(), addresses.get(0).getPort())) {
                client.setSoTimeout(30_000);
                OutputStream o = client.getOutputStream();
                o.write("hi there\n".getBytes(StandardCharsets.UTF_8));
                o.flush();
                String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).isEqualTo("echo: hi there\n");
            }
            assertThat(guest.get(60, TimeUnit.SECONDS)).as(out.toString()).isZero();
            wasi.flush();
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(text).doesNotContain("FAIL").contains("served: hi there\n").contains("ok sockets\n");
        }
    }
}
