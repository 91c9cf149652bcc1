package dev.basalt.wasi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the C programs of src/test/c (built by build-test-wasm.sh into src/test/resources/wasi) through the
 * embedding API with in-memory stdio and temporary directories. Each program checks WASI results itself (a FAIL
 * line per failed check, exit code 1); these tests assert the exit code, the sections reached, exact output where
 * it is deterministic, and what happened on the host file system.
 */
class WasiProgramsTest {
    private static final Engine ENGINE = Engine.create();
    private static final Map<String, Module> MODULES = new ConcurrentHashMap<>();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Module module(String name) {
        return MODULES.computeIfAbsent(name, n -> {
            try (InputStream in = WasiProgramsTest.class.getResourceAsStream("/wasi/" + n + ".wasm")) {
                assertThat(in).as("fixture " + n).isNotNull();
                return Module.compile(ENGINE, in.readAllBytes());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    /** Runs fixture {@code name} with the capabilities of {@code config} plus in-memory stdout/stderr. */
    static Run run(String name, WasiConfig.Builder config) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        config.stdout(out).stderr(err);
        Linker<WasiContext> linker = Linker.create(ENGINE);
        WasiPreview1.addToLinker(linker, ctx -> ctx);
        try (WasiContext wasi = WasiContext.create(config.build())) {
            Store<WasiContext> store = Store.create(ENGINE, wasi);
            int exit = WasiPreview1.runCommand(linker.instantiate(store, module(name)));
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

    @Test
    void helloSeesExactlyItsArgumentsAndEnvironment() {
        Run r = run("hello", WasiConfig.builder().args("hello", "big", "world").env("GREETING", "hi"));
        assertThat(r).isEqualTo(new Run(0, "hello big world\nGREETING=hi\n", ""));
        Run bare = run("hello", WasiConfig.builder().args("hello", "x"));
        assertThat(bare).isEqualTo(new Run(3, "hello x\n", ""));
    }

    @Test
    void filesAndDirectories() throws IOException {
        Path work = Files.createDirectory(tmp.resolve("work"));
        Run r = run("fs", WasiConfig.builder().args("fs").preopenDir(work, "/work"));
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

    @Test
    void noEscapeFromPreopensAndReadOnlyMeansReadOnly() throws IOException {
        Path sandbox = Files.createDirectories(tmp.resolve("sandbox/sub"));
        sandbox = sandbox.getParent();
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(ro.resolve("readme.txt"), "read me");
        Files.createSymbolicLink(sandbox.resolve("escape"), Path.of("../outside"));
        Files.createSymbolicLink(sandbox.resolve("abs"), outside.resolve("secret.txt").toAbsolutePath());
        Files.createSymbolicLink(sandbox.resolve("inner"), Path.of("sub"));
        Run r = run("sandbox", WasiConfig.builder().args("sandbox").preopenDir(sandbox, "/sandbox")
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

    @Test
    void stdioClocksRandomPollAndProc() {
        Run r = run("misc", misc("misc", "a b"));
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

    @Test
    void exitCodesFromProcExitAndProcRaise() {
        assertThat(run("misc", misc("misc", "exit", "7")).exit()).isEqualTo(7);
        assertThat(run("misc", misc("misc", "exit", "0")).exit()).isZero();
        // proc_raise(term) ends the guest like a killed process: 128 + 15
        Run raised = run("misc", misc("misc", "raise"));
        assertThat(raised.exit()).isEqualTo(143);
        assertThat(raised.out()).contains("ok proc\n");
    }

    @Test
    void aTrapCarriesItsWasmBacktrace() {
        assertThatThrownBy(() -> run("misc", misc("misc", "trap")))
                .isInstanceOfSatisfying(Trap.class, t -> {
                    assertThat(t.kind()).isEqualTo(TrapKind.UNREACHABLE);
                    assertThat(t.backtrace()).isNotEmpty();
                    assertThat(t.backtrace().stream().map(Trap.Frame::functionName).toList())
                            .anySatisfy(n -> assertThat(n).contains("main"));
                });
    }

    @Test
    void preopenedSocketsAcceptReceiveSendShutdown() throws Exception {
        WasiConfig.Builder config = WasiConfig.builder().args("sock")
                .listen(new InetSocketAddress("127.0.0.1", 0)).listen(new InetSocketAddress("127.0.0.1", 0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        config.stdout(out);
        Linker<WasiContext> linker = Linker.create(ENGINE);
        WasiPreview1.addToLinker(linker, ctx -> ctx);
        try (WasiContext wasi = WasiContext.create(config.build())) {
            List<InetSocketAddress> addresses = wasi.listenAddresses();
            assertThat(addresses).hasSize(2);
            CompletableFuture<Integer> guest = CompletableFuture.supplyAsync(
                    () -> WasiPreview1.runCommand(linker.instantiate(Store.create(ENGINE, wasi), module("sock"))));
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
