package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    private static final String WAT = """
            (module
              (func $fac (export "fac") (param i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
                  (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
              (func (export "pair") (param i32 f64) (result f64 i32) (local.get 1) (local.get 0))
              (func $spin (export "spin") (loop $l (br $l)))
              (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
              (memory 1))
            """;

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private Result run(String... args) throws IOException {
        Path file = dir.resolve("m.wat");
        Files.writeString(file, WAT);
        String[] full = new String[args.length + 2];
        full[0] = "run";
        full[1] = file.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void invokesAnExportAndPrintsEachResult() throws IOException {
        assertThat(run("--invoke", "fac", "20")).isEqualTo(new Result(0, "2432902008176640000\n", ""));
        Result pair = run("--invoke", "pair", "-7", "2.5");
        assertThat(pair.code()).isZero();
        assertThat(pair.out()).isEqualTo("2.5\n-7\n");
    }

    @Test
    void fuelAndTimeoutStopARunawayLoopWithABacktrace() throws IOException {
        Result fuel = run("--invoke", "spin", "--fuel", "1000");
        assertThat(fuel.code()).isEqualTo(1);
        assertThat(fuel.err()).startsWith("wasm trap: all fuel consumed").contains("wasm backtrace:").contains("spin");
        Result timeout = run("--invoke", "spin", "--timeout", "100ms");
        assertThat(timeout.code()).isEqualTo(1);
        assertThat(timeout.err()).startsWith("wasm trap: deadline exceeded");
    }

    /** wasmtime's -W and -S spellings of the same limits and grants work, unknown keys are usage errors. */
    @Test
    void wasmtimeStyleWasmAndWasiOptions() throws IOException {
        Result fuel = run("--invoke", "spin", "-W", "fuel=1000");
        assertThat(fuel.code()).isEqualTo(1);
        assertThat(fuel.err()).startsWith("wasm trap: all fuel consumed");
        Result timeout = run("--invoke", "spin", "-W", "timeout=100ms");
        assertThat(timeout.code()).isEqualTo(1);
        assertThat(timeout.err()).startsWith("wasm trap: deadline exceeded");
        assertThat(run("--invoke", "grow", "2", "-W", "max-memory-size=131072").out()).isEqualTo("-1\n");
        assertThat(run("--invoke", "grow", "2", "-W", "fuel=1000000,max-memory-size=131072").out()).isEqualTo("-1\n");
        assertThat(run("--invoke", "grow", "1", "-S", "inherit-env,cli", "-S", "threads=y").out()).isEqualTo("1\n");
        Result unknown = run("--invoke", "grow", "1", "-W", "relaxed-simd-deterministic=y");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("-W relaxed-simd-deterministic is not supported");
        assertThat(run("--invoke", "grow", "1", "-S", "cli=n").code()).isEqualTo(2);
        assertThat(run("--invoke", "grow", "1", "-W", "fuel").err()).contains("-W fuel wants a value");
        assertThat(run("--invoke", "grow", "1", "-W", "fuel=lots").err()).contains("-W fuel wants a count");
    }

    @Test
    void maxMemoryCapsGrowth() throws IOException {
        assertThat(run("--invoke", "grow", "1", "--max-memory", "128KiB").out()).isEqualTo("1\n");
        assertThat(run("--invoke", "grow", "2", "--max-memory", "128KiB").out()).isEqualTo("-1\n");
    }

    @Test
    void badArgumentsAreUsageErrors() throws IOException {
        assertThat(run("--invoke", "fac").code()).isEqualTo(2);
        assertThat(run("--invoke", "fac", "x").code()).isEqualTo(2);
        assertThat(run("--invoke", "nope").code()).isEqualTo(2);
        assertThat(run("--invoke", "spin", "--timeout", "soon").code()).isEqualTo(2);
    }

    @Test
    void engineSelectsTheInterpreterTheCompilerOrAuto() throws IOException {
        String wat = """
                (module
                  (func $fac (export "fac") (param i64) (result i64)
                    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
                      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
                  (func $boom (export "boom") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))
                """;
        for (String engine : new String[] {"interpreter", "compiler", "auto"}) {
            assertThat(runWat(wat, "--engine", engine, "--invoke", "fac", "20"))
                    .isEqualTo(new Result(0, "2432902008176640000\n", ""));
            Result trap = runWat(wat, "--engine", engine, "--invoke", "boom", "0");
            assertThat(trap.code()).isEqualTo(1);
            assertThat(trap.err()).startsWith("wasm trap: integer divide by zero").contains("boom");
        }
        Result unknown = run("--engine", "jit", "--invoke", "fac", "1");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown engine: jit (available: interpreter, compiler, auto)");
    }

    @Test
    void theCompilerRunsTheSameModuleAsTheInterpreter() throws IOException {
        // The default module of these tests (several results, recursion, memory) on the compiler.
        assertThat(run("--engine", "compiler", "--invoke", "pair", "-7", "2.5"))
                .isEqualTo(new Result(0, "2.5\n-7\n", ""));
        assertThat(run("--engine", "compiler", "--invoke", "grow", "2", "--max-memory", "128KiB").out())
                .isEqualTo("-1\n");
        Result fuel = run("--engine", "compiler", "--invoke", "spin", "--fuel", "1000");
        assertThat(fuel.code()).isEqualTo(1);
        assertThat(fuel.err()).startsWith("wasm trap: all fuel consumed").contains("spin");
    }

    private Result runWat(String wat, String... args) throws IOException {
        Path file = dir.resolve("other.wat");
        Files.writeString(file, wat);
        String[] full = new String[args.length + 2];
        full[0] = "run";
        full[1] = file.toString();
        System.arraycopy(args, 0, full, 2, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(full, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }
}
