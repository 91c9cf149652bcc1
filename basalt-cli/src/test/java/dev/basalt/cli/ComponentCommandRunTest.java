package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code basalt run COMPONENT [ARGS]} for WASI 0.2 command components (the fixtures of basalt-wasi's
 * src/test/resources/wasi-p2, C programs wrapped by jco's preview1 adapter): the same flags as for core modules
 * grant exactly the directories, environment and arguments, and the wasi:sockets flags exactly the network; the
 * exit code is the guest's; on both engines.
 */
class ComponentCommandRunTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) {
        String relative = "basalt-wasi/src/test/resources/wasi-p2/" + name + ".component.wasm";
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    static CliRun run(String engine, String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "run";
        full[1] = "--engine";
        full[2] = engine;
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.of(full);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void argumentsEnvironmentAndExitCodes(String engine) {
        String hello = fixture("hello").toString();
        CliRun r = run(engine, "--env", "GREETING=hi", hello, "big", "world");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("hello big world\nGREETING=hi\n");
        assertThat(r.code()).isZero();
        CliRun x = run(engine, hello, "x");
        assertThat(x.out()).isEqualTo("hello x\n");
        assertThat(x.code()).as("the adapter reports a failing main as exit(err)").isEqualTo(1);
        // argv[0] is the file name, as for core modules; the host's environment is not inherited unless asked
        CliRun env = run(engine, fixture("p2").toString(), "env", "a b");
        assertThat(env.out()).isEqualTo("argc=3 [p2.component.wasm] [env] [a b]\nok env\n");
        assertThat(run(engine, fixture("p2").toString(), "exit", "0").code()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void filesOnlyInGrantedDirectoriesAndReadOnlyMeansReadOnly(String engine) throws IOException {
        Path work = Files.createDirectory(tmp.resolve("work"));
        CliRun files = run(engine, "--dir", work + "::/work", fixture("p2").toString(), "files");
        assertThat(files.out()).doesNotContain("FAIL").contains("ok files\n");
        assertThat(files.code()).isZero();
        assertThat(Files.readString(work.resolve("d/e/f.txt"))).isEqualTo("data");

        Path sandbox = Files.createDirectories(tmp.resolve("sandbox/sub")).getParent();
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(ro.resolve("readme.txt"), "read me");
        Files.createSymbolicLink(sandbox.resolve("escape"), Path.of("../outside"));
        Files.createSymbolicLink(sandbox.resolve("abs"), outside.resolve("secret.txt").toAbsolutePath());
        Files.createSymbolicLink(sandbox.resolve("inner"), Path.of("sub"));
        CliRun r = run(engine, "--dir", sandbox + "::/sandbox", "--dir", ro + "::/ro:ro", fixture("p2").toString(),
                "sandbox");
        assertThat(r.out()).doesNotContain("FAIL").contains("ok dotdot\n", "ok symlinks\n", "ok readonly\n");
        assertThat(r.code()).isZero();
        try (Stream<Path> s = Files.list(ro)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("readme.txt");
        }
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void withoutAGrantTheFileSystemIsEmpty(String engine) {
        CliRun r = run(engine, fixture("p2").toString(), "files");
        // no pre-open at all: wasi-libc finds none for /work and answers ENOTCAPABLE (76) without asking the host
        assertThat(r.out()).containsPattern("FAIL \\d+ write_file\\(\"/work/a.txt\", \"hello world\"\\) == 0 \\(errno 76\\)")
                .doesNotContain("ok files");
        assertThat(r.code()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void socketGrantsComeFromTheNetworkFlags(String engine) throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread echo = new Thread(() -> {
                try (Socket c = server.accept()) {
                    c.getInputStream().transferTo(c.getOutputStream());
                } catch (IOException ignored) {
                    // the guest's output shows what went wrong
                }
            });
            echo.setDaemon(true);
            echo.start();
            String sockets = fixture("sockets").toString();
            int port = server.getLocalPort();
            CliRun ok = run(engine, "--tcp-connect", "127.0.0.1:" + port, sockets, "tcp-echo", "" + port, "hi");
            assertThat(ok.out()).isEqualTo("echo: hi\n");
            assertThat(ok.code()).isZero();
            CliRun denied = run(engine, "--tcp-connect", "127.0.0.1:" + port, sockets, "tcp-echo",
                    "" + other.getLocalPort(), "hi");
            assertThat(denied.out()).isEqualTo("error access-denied at start-connect\n");
            assertThat(denied.code()).isEqualTo(1);
            assertThat(run(engine, "--tcp-connect", "127.0.0.1:" + port, "--max-sockets", "0", sockets, "tcp-echo",
                    "" + port, "hi").out()).isEqualTo("error new-socket-limit at create-tcp-socket\n");
        }
        String sockets = fixture("sockets").toString();
        assertThat(run(engine, "--ip-name-lookup", "localhost", sockets, "lookup", "localhost").out())
                .contains("address 127.0.0.1\n");
        assertThat(run(engine, "--allow-ip-name-lookup", sockets, "lookup", "localhost").out())
                .contains("address 127.0.0.1\n");
        assertThat(run(engine, sockets, "lookup", "localhost").out())
                .isEqualTo("error access-denied at resolve-addresses\n");
        assertThat(run(engine, "--tcp-listen", "127.0.0.2:*", sockets, "tcp-serve", "0").out())
                .isEqualTo("error access-denied at start-bind\n");
        CliRun bad = run(engine, "--tcp-connect", "::1:80", sockets, "tcp-echo", "80", "x");
        assertThat(bad.code()).isEqualTo(Main.USAGE);
        assertThat(bad.err()).contains("--tcp-connect wants HOST:PORT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter"})
    void listenIsForCoreModulesSocketGrantsForComponents(String engine) {
        CliRun r = run(engine, "--listen", "127.0.0.1:0", fixture("hello").toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("--listen is for core modules");
        CliRun missing = run(engine, "--dir", tmp.resolve("nope") + "::/x", fixture("hello").toString());
        assertThat(missing.code()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("cannot pre-open");
    }
}
