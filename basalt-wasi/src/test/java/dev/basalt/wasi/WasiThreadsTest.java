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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * wasi-threads on both engines with the programs in {@code src/test/resources/wasi-threads}: real Java threads
 * running instances of one module over one shared memory, and the ways such a program ends.
 */
class WasiThreadsTest {
    record Outcome(int exitCode, String stdout, int liveThreadsAfter) {
    }

    static String program(String name) {
        try (InputStream in = WasiThreadsTest.class.getResourceAsStream("/wasi-threads/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] binary(String name) {
        try (InputStream in = WasiThreadsTest.class.getResourceAsStream("/wasi-threads/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Outcome run(Config.Strategy strategy, String program, WasiThreads.Options<WasiContext> options,
            String... args) {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        Module module = program.endsWith(".wasm") ? Module.compile(engine, binary(program))
                : Module.fromWat(engine, program(program));
        assertThat(WasiThreads.uses(module)).isTrue();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (WasiContext wasi = WasiContext.create(WasiConfig.builder().args(program).args(args).stdout(out).build())) {
            Store<WasiContext> store = Store.create(engine, wasi);
            Linker<WasiContext> linker = Linker.create(engine);
            WasiPreview1.addToLinker(linker, ctx -> ctx);
            WasiThreads<WasiContext> threads = WasiThreads.addToLinker(linker, store, module, options);
            int code = threads.run(linker.instantiate(store, module));
            wasi.flush();
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), threads.liveThreads());
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void threadsShareTheMemoryAndAtomicsAreAtomic(Config.Strategy strategy) {
        // 8 threads add 1..8, 1000 times each, with atomic adds: 36000 exactly, and thread ids 1..8 (sum 36)
        Outcome o = run(strategy, "counter.wat", WasiThreads.Options.defaults());
        assertThat(o.stdout()).isEqualTo("36000\n36\n");
        assertThat(o.exitCode()).isZero();
        assertThat(o.liveThreadsAfter()).isZero();
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void clangBuiltThreadsWithOwnStacksAndALock(Config.Strategy strategy) {
        // src/test/c/threads: clang's shared-memory output (passive data, __wasm_init_memory as the start function
        // run once across instances), a stack per thread, a futex-style lock: sum of i % 1000 for i < 60000
        for (int round = 0; round < 3; round++) {
            Outcome o = run(strategy, "threads.wasm", WasiThreads.Options.defaults());
            assertThat(o.stdout()).isEqualTo("29970000\n");
            assertThat(o.exitCode()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void aTrapInAThreadEndsTheProgram(Config.Strategy strategy) {
        // _start waits forever; the thread's trap is the program's outcome
        assertThatThrownBy(() -> run(strategy, "ending.wat", WasiThreads.Options.defaults(), "1"))
                .isInstanceOf(Trap.class)
                .satisfies(t -> assertThat(((Trap) t).kind()).isEqualTo(TrapKind.UNREACHABLE))
                .satisfies(t -> assertThat(((Trap) t).backtrace()).isNotEmpty());
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void procExitInAThreadEndsTheProgramWithItsCode(Config.Strategy strategy) {
        assertThat(run(strategy, "ending.wat", WasiThreads.Options.defaults(), "2").exitCode()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void spawnsBeyondTheLimitFailAndRunawayThreadsStopWhenMainReturns(Config.Strategy strategy) {
        // mode 4: spawn spinning threads until a spawn fails; main then returns, which stops them all
        Outcome o = run(strategy, "ending.wat", WasiThreads.Options.<WasiContext>defaults().withMaxThreads(5), "4");
        assertThat(o.stdout()).isEqualTo("5\n");
        assertThat(o.exitCode()).isZero();
        assertThat(o.liveThreadsAfter()).isZero();
    }

    @Test
    void aDeadlineStopsASpinningThreadWhileMainWaits() {
        // mode 3: the thread spins forever, main waits forever: the thread's deadline ends the program
        assertThatThrownBy(() -> run(Config.Strategy.COMPILER, "ending.wat",
                WasiThreads.Options.<WasiContext>defaults().withDeadline(Duration.ofMillis(300)), "3"))
                .isInstanceOf(Trap.class)
                .satisfies(t -> assertThat(((Trap) t).kind()).isEqualTo(TrapKind.DEADLINE_EXCEEDED));
    }

    @Test
    void fuelPerThreadStopsASpinningThread() {
        assertThatThrownBy(() -> run(Config.Strategy.INTERPRETER, "ending.wat",
                WasiThreads.Options.<WasiContext>defaults().withFuelPerThread(50_000), "3"))
                .isInstanceOf(Trap.class)
                .satisfies(t -> assertThat(((Trap) t).kind()).isEqualTo(TrapKind.OUT_OF_FUEL));
    }

    @Test
    void modulesThatAreNotWasiThreadsProgramsAreRefused() {
        Engine engine = Engine.create();
        Module unshared = Module.fromWat(engine, """
                (module (import "env" "memory" (memory 1 1))
                  (func (export "wasi_thread_start") (param i32 i32)))""");
        Store<Void> store = Store.create(engine);
        assertThatThrownBy(() -> WasiThreads.addToLinker(Linker.<Void>create(engine), store, unshared,
                WasiThreads.Options.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("imports a shared memory");
        Module noStart = Module.fromWat(engine, "(module (import \"env\" \"memory\" (memory 1 1 shared)))");
        assertThatThrownBy(() -> WasiThreads.addToLinker(Linker.<Void>create(engine), store, noStart,
                WasiThreads.Options.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exports wasi_thread_start");
    }
}
