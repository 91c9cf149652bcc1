package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.WatParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Small self-recursive functions are compiled with a twin ({@code ModuleCompiler.twinCandidate}): two copies of
 * their method calling each other. The copies must behave as one function: the interpreter's results and fuel, the
 * depth limit at the same depth whichever copy runs, and backtraces that name every activation of either copy as the
 * function with the interpreter's offsets.
 */
class TwinCompilerTest {
    private static final int MAX_DEPTH = 200;

    private static final byte[] WASM = BinaryWriter.write(WatParser.parseModule("""
            (module
              (import "host" "probe" (func $probe))
              (memory 1)
              (func $fib (export "fib") (param i32) (result i32)
                (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
                  (then (local.get 0))
                  (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                                 (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
              ;; recurses n levels below its own frame, then traps out of bounds
              (func $down (export "down") (param i32) (result i32)
                (if (result i32) (i32.eqz (local.get 0))
                  (then (i32.load (i32.const 70000)))
                  (else (nop) (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
              ;; n frames deep in all, then returns n
              (func $depth (export "depth") (param i32) (result i32)
                (if (result i32) (i32.le_s (local.get 0) (i32.const 1))
                  (then (i32.const 1))
                  (else (i32.add (i32.const 1) (call $depth (i32.sub (local.get 0) (i32.const 1)))))))
              ;; recurses n levels below its own frame, then calls the probe
              (func $probeDown (export "probeDown") (param i32) (result i32)
                (if (result i32) (i32.eqz (local.get 0))
                  (then (call $probe) (i32.const 0))
                  (else (i32.add (i32.const 1) (call $probeDown (i32.sub (local.get 0) (i32.const 1))))))))
            """));

    private static final Engine INTERPRETER = Engine.create(Config.builder().maxCallDepth(MAX_DEPTH).build());
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER)
            .maxCallDepth(MAX_DEPTH).build());

    private static Instance instantiate(Engine engine, Store<Void> store, List<String> probed) {
        Linker<Void> linker = Linker.<Void>create(engine).defineHostFunction("host", "probe",
                new FuncType(List.of(), List.of()), (caller, args) -> {
                    for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
                        if (e.getClassName().startsWith("dev.basalt.compiler.gen.")) {
                            probed.add(e.getMethodName());
                        }
                    }
                    return new Val[0];
                });
        return linker.instantiate(store, Module.compile(engine, WASM));
    }

    private static Instance instantiate(Engine engine) {
        return instantiate(engine, Store.create(engine), new ArrayList<>());
    }

    @Test
    void theTwoCopiesCallEachOther() {
        List<String> methods = new ArrayList<>();
        Instance compiled = instantiate(COMPILER, Store.create(COMPILER), methods);
        assertThat(compiled.getFunc("probeDown").orElseThrow().callI32(3)).isEqualTo(3);
        // $probeDown is function 4; the JVM stack at the probe, innermost first (the bridge method aside).
        assertThat(methods.stream().filter(m -> m.startsWith("f")).toList())
                .containsExactly("f4$twin", "f4", "f4$twin", "f4");
    }

    @Test
    void resultsAreTheInterpreters() {
        Instance interpreted = instantiate(INTERPRETER);
        Instance compiled = instantiate(COMPILER);
        for (int n = 0; n <= 20; n++) {
            assertThat(compiled.getFunc("fib").orElseThrow().callI32(n))
                    .isEqualTo(interpreted.getFunc("fib").orElseThrow().callI32(n));
        }
        assertThat(compiled.getFunc("fib").orElseThrow().callI32(20)).isEqualTo(6765);
    }

    @Test
    void theDepthLimitTrapsAtTheSameDepthInEitherCopy() {
        // maxCallDepth frames run, one more traps, whichever copy is innermost (depths of both parities), and the
        // interpreter draws the line at the same depth (AUTO mixes both engines in one call stack).
        for (Engine engine : List.of(COMPILER, INTERPRETER)) {
            var depth = instantiate(engine).getFunc("depth").orElseThrow();
            for (int n = MAX_DEPTH - 3; n <= MAX_DEPTH; n++) {
                assertThat(depth.callI32(n)).isEqualTo(n);
            }
            for (int n = MAX_DEPTH + 1; n <= MAX_DEPTH + 4; n++) {
                int frames = n;
                Trap t = catchThrowableOfType(Trap.class, () -> depth.callI32(frames));
                assertThat(t).as("%d frames on %s", n, engine).isNotNull();
                assertThat(t.kind()).isEqualTo(TrapKind.CALL_STACK_EXHAUSTED);
            }
        }
    }

    @Test
    void backtracesNameEveryActivationOfEitherCopy() {
        Instance interpreted = instantiate(INTERPRETER);
        Instance compiled = instantiate(COMPILER);
        for (int n : new int[] {1, 2, 5, 6}) {
            Trap expected = catchThrowableOfType(Trap.class,
                    () -> interpreted.getFunc("down").orElseThrow().callI32(n));
            Trap actual = catchThrowableOfType(Trap.class, () -> compiled.getFunc("down").orElseThrow().callI32(n));
            assertThat(expected.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
            assertThat(expected.backtrace()).hasSize(n + 1)
                    .allSatisfy(f -> assertThat(f.functionIndex()).isEqualTo(2))
                    .allSatisfy(f -> assertThat(f.offset()).isPositive());
            assertThat(actual.backtrace()).as("down %d", n).isEqualTo(expected.backtrace());
        }
    }

    @Test
    void fuelIsTheInterpreters() {
        for (int fuel : new int[] {50, 333, 1_000, 5_000}) {
            List<Object> outcomes = new ArrayList<>();
            for (Engine engine : List.of(INTERPRETER, COMPILER)) {
                Store<Void> store = Store.create(engine);
                store.setFuel(fuel);
                Instance inst = instantiate(engine, store, new ArrayList<>());
                Trap t = catchThrowableOfType(Trap.class, () -> inst.getFunc("fib").orElseThrow().callI32(12));
                outcomes.add(List.of(t == null ? "ok" : t.kind().toString(), store.getFuel().orElseThrow()));
            }
            assertThat(outcomes.get(1)).as("fuel %d", fuel).isEqualTo(outcomes.get(0));
        }
    }
}
