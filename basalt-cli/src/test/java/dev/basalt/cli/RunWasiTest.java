package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code basalt run} as a WASI command runner: arguments, environment, directories, exit codes, traps, preload;
 * each on every engine ({@code --engine}).
 */
class RunWasiTest {
    /** Writes "hi\n", then the value of the first environment variable if any, and exits with argc. */
    private static final String HELLO = """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "environ_sizes_get" (func $env_sizes (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "environ_get" (func $env_get (param i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (data (i32.const 16) "hi\\n")
              (func $print (param $ptr i32) (param $len i32)
                (i32.store (i32.const 0) (local.get $ptr))
                (i32.store (i32.const 4) (local.get $len))
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
              (func (export "_start")
                (call $print (i32.const 16) (i32.const 3))
                (drop (call $env_sizes (i32.const 32) (i32.const 36)))
                (if (i32.load (i32.const 32))
                  (then
                    (drop (call $env_get (i32.const 40) (i32.const 100)))
                    ;; one variable: print it without its NUL
                    (call $print (i32.const 100) (i32.sub (i32.load (i32.const 36)) (i32.const 1)))))
                (drop (call $args_sizes (i32.const 32) (i32.const 36)))
                (call $exit (i32.load (i32.const 32)))))
            """;

    /** Creates "made.txt" in the first pre-open (fd 3) and exits with path_open's errno. */
    private static final String CREATE = """
            (module
              (import "wasi_snapshot_preview1" "path_open"
                (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (data (i32.const 16) "made.txt")
              (func (export "_start")
                (call $exit (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 8) (i32.const 1)
                  (i64.const 0x40) (i64.const 0) (i32.const 0) (i32.const 64)))))
            """;

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private String engine;

    private Result run(String wat, String... args) throws IOException {
        Path file = dir.resolve("prog.wat");
        Files.writeString(file, wat);
        List<String> full = new ArrayList<>(List.of("run", "--engine", engine));
        for (String a : args) {
            full.add(a.equals("FILE") ? file.toString() : a);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(full.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler", "auto"})
    void argumentsEnvironmentAndExitCode(String engine) throws IOException {
        this.engine = engine;
        assertThat(run(HELLO, "FILE")).isEqualTo(new Result(1, "hi\n", ""));
        assertThat(run(HELLO, "FILE", "a", "--b")).isEqualTo(new Result(3, "hi\n", ""));
        assertThat(run(HELLO, "FILE", "--", "--env", "x")).isEqualTo(new Result(3, "hi\n", ""));
        // "@FILE" is the guest's argument as it is (wasmtime's behaviour), not an argument file basalt expands
        Path argFile = Files.writeString(dir.resolve("args.txt"), "a b c\n");
        assertThat(run(HELLO, "FILE", "@" + argFile)).isEqualTo(new Result(2, "hi\n", ""));
        assertThat(run(HELLO, "--env", "K=v=1", "FILE", "x")).isEqualTo(new Result(2, "hi\nK=v=1", ""));
        assertThat(run(HELLO, "--env", "=novalue", "FILE").code()).isEqualTo(2);
        // a NAME alone passes the host's variable (wasmtime's --env NAME); an unset one passes nothing
        var host = System.getenv().entrySet().stream()
                .filter(e -> !e.getKey().isEmpty() && e.getKey().indexOf('=') < 0).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(host.isPresent(), "the test JVM has no environment variable");
        String name = host.get().getKey();
        assertThat(run(HELLO, "--env", name, "FILE"))
                .isEqualTo(new Result(1, "hi\n" + name + "=" + host.get().getValue(), ""));
        assertThat(run(HELLO, "--env", "BASALT_TEST_SURELY_UNSET_" + System.nanoTime(), "FILE"))
                .isEqualTo(new Result(1, "hi\n", ""));
    }

    /**
     * wasmtime's --argv0 and unknown-imports-trap: a module importing a function no host provides runs while it does
     * not call it, and traps naming the import when it does.
     */
    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler", "auto"})
    void argv0AndTrappingUnknownImports(String engine) throws IOException {
        this.engine = engine;
        assertThat(run(HELLO, "--argv0", "hello", "FILE", "a")).isEqualTo(new Result(2, "hi\n", ""));
        String importsMore = """
                (module
                  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                  (import "js" "alert" (func $alert (param i32)))
                  (func (export "_start")
                    (if (i32.eqz (i32.const 0)) (then (call $exit (i32.const 5))))
                    (call $alert (i32.const 1)))
                  (func (export "alert") (call $alert (i32.const 2))))
                """;
        Result refused = run(importsMore, "FILE");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("unknown import").contains("js").contains("alert");
        assertThat(run(importsMore, "--trap-unknown-imports", "FILE").code()).isEqualTo(5);
        assertThat(run(importsMore, "-W", "unknown-imports-trap=y", "FILE").code()).isEqualTo(5);
        Result called = run(importsMore, "--trap-unknown-imports", "--invoke", "alert", "FILE");
        assertThat(called.code()).isEqualTo(1);
        assertThat(called.err()).startsWith("wasm trap: ").contains("js").contains("alert");
        assertThat(run(importsMore, "-W", "unknown-imports-trap=maybe", "FILE").code()).isEqualTo(2);
        Result component = run("(component)", "--trap-unknown-imports", "FILE");
        assertThat(component.code()).isEqualTo(2);
        assertThat(component.err()).contains("--trap-unknown-imports is for core modules");
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler", "auto"})
    void directoriesReadWriteAndReadOnly(String engine) throws IOException {
        this.engine = engine;
        Path data = Files.createDirectory(dir.resolve("data"));
        assertThat(run(CREATE, "--dir", data + "::/data:ro", "FILE").code()).isEqualTo(76); // ENOTCAPABLE
        assertThat(Files.exists(data.resolve("made.txt"))).isFalse();
        assertThat(run(CREATE, "--dir", data + "::/data", "FILE").code()).isZero();
        assertThat(Files.exists(data.resolve("made.txt"))).isTrue();
        assertThat(run(CREATE, "FILE").code()).isEqualTo(8); // no pre-open: EBADF
        Result missing = run(CREATE, "--dir", dir.resolve("nope") + "::/x", "FILE");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot pre-open");
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler", "auto"})
    void aTrapPrintsTheBacktraceAndExits134(String engine) throws IOException {
        this.engine = engine;
        Result r = run("""
                (module (func $inner unreachable) (func $start (export "_start") (call $inner)))
                """, "FILE");
        assertThat(r.code()).isEqualTo(134);
        assertThat(r.err()).startsWith("wasm trap: unreachable").contains("wasm backtrace:").contains("inner")
                .contains("start");
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler", "auto"})
    void preloadLinksAnotherModulesExports(String engine) throws IOException {
        this.engine = engine;
        Path lib = dir.resolve("lib.wat");
        Files.writeString(lib, "(module (func (export \"add\") (param i32 i32) (result i32) "
                + "(i32.add (local.get 0) (local.get 1))))");
        String main = """
                (module
                  (import "lib" "add" (func $add (param i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                  (func (export "_start") (call $exit (call $add (i32.const 2) (i32.const 3)))))
                """;
        assertThat(run(main, "--preload", "lib=" + lib, "FILE").code()).isEqualTo(5);
        assertThat(run(main, "FILE").code()).isEqualTo(1); // unlinkable without it
        assertThat(run(main, "--preload", "nolib", "FILE").code()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler", "auto"})
    void fuelStopsACommand(String engine) throws IOException {
        this.engine = engine;
        Result r = run("(module (func (export \"_start\") (loop $l (br $l))))", "--fuel", "10000", "FILE");
        assertThat(r.code()).isEqualTo(134);
        assertThat(r.err()).startsWith("wasm trap: all fuel consumed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler", "auto"})
    void invokeInitialisesAReactorFirst(String engine) throws IOException {
        this.engine = engine;
        String reactor = """
                (module
                  (global $ready (mut i32) (i32.const 0))
                  (func (export "_initialize") (global.set $ready (i32.const 40)))
                  (func (export "answer") (param i32) (result i32) (i32.add (global.get $ready) (local.get 0))))
                """;
        assertThat(run(reactor, "--invoke", "answer", "FILE", "2")).isEqualTo(new Result(0, "42\n", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler", "auto"})
    void listenPreopensASocketAndInheritEnvPassesTheHostEnvironment(String engine) throws IOException {
        this.engine = engine;
        String filetypeOfFd3 = """
                (module
                  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $st (param i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
                  (memory (export "memory") 1)
                  (func (export "_start")
                    (drop (call $st (i32.const 3) (i32.const 0)))
                    (call $exit (i32.load8_u (i32.const 0)))))
                """;
        assertThat(run(filetypeOfFd3, "--listen", "127.0.0.1:0", "FILE").code()).isEqualTo(6); // socket_stream
        assertThat(run(filetypeOfFd3, "-S", "tcplisten=127.0.0.1:0", "FILE").code()).isEqualTo(6); // wasmtime's
        assertThat(run(filetypeOfFd3, "FILE").code()).isZero(); // nothing granted: fd 3 does not exist
        assertThat(run(filetypeOfFd3, "--listen", "127.0.0.1:notaport", "FILE").code()).isEqualTo(2);
        // wasi:sockets grants are for components; a core module is told to use --listen
        Result socketGrant = run(filetypeOfFd3, "--tcp-connect", "127.0.0.1:80", "FILE");
        assertThat(socketGrant.code()).isEqualTo(2);
        assertThat(socketGrant.err()).contains("are for wasi:sockets in components");
        Result inherited = run(HELLO, "--inherit-env", "FILE");
        assertThat(inherited.code()).isEqualTo(1);
        assertThat(inherited.out().length() > 3).isEqualTo(!System.getenv().isEmpty());
        assertThat(run(HELLO, "-S", "inherit-env", "FILE")).isEqualTo(inherited); // wasmtime's spelling
    }
}
