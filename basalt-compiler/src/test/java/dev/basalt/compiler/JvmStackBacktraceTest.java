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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Compiled functions record no frames while they run; their backtrace frames come from the trap's JVM stack trace
 * ({@code StoreState.backtrace}). These cases are where JVM frames and Wasm activations do not line up one to one:
 * a tail call that runs its callee on top of the caller's JVM frame, the depth limit, interpreted and compiled
 * activations interleaved under tiering, and a host function between two Wasm calls. Each must give exactly the
 * interpreter's backtrace (function indices, names and byte offsets).
 */
class JvmStackBacktraceTest {
    private static final byte[] WASM = BinaryWriter.write(WatParser.parseModule("""
            (module
              (import "host" "reenter" (func $reenter (param i32) (result i32)))
              (memory 1)
              (type $t (func (param i32) (result i32)))
              (table funcref (elem $leaf))
              (func $leaf (param i32) (result i32)
                (i32.load (local.get 0)))
              (func $direct (param i32) (result i32)
                (nop)
                (return_call $leaf (local.get 0)))
              (func $indirect (param i32) (result i32)
                (nop) (nop)
                (return_call_indirect (type $t) (local.get 0) (i32.const 0)))
              (func (export "leafTail") (param i32) (result i32)
                (i32.add (i32.const 1) (call $direct (local.get 0))))
              (func (export "indirectTail") (param i32) (result i32)
                (i32.add (i32.const 2) (call $indirect (local.get 0))))
              (func $rec (export "rec") (param i32) (result i32)
                (i32.add (i32.const 1) (call $rec (local.get 0))))
              (func $middle (param i32) (result i32)
                (if (result i32) (local.get 0)
                  (then (nop) (call $leaf (local.get 0)))
                  (else (i32.const 0))))
              (func (export "warmMiddle") (drop (call $middle (i32.const 0))) (drop (call $middle (i32.const 0))))
              (func (export "mixed") (param i32) (result i32)
                (i32.sub (i32.const 3) (call $middle (local.get 0))))
              (func (export "viaHost") (param i32) (result i32)
                (i32.add (i32.const 4) (call $reenter (local.get 0)))))
            """));

    private static final Engine INTERPRETER = Engine.create(Config.builder().maxCallDepth(1_000).build());
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER)
            .maxCallDepth(1_000).build());

    /** An instance whose import calls back into its own export {@code leafTail} (a host frame between Wasm calls). */
    private static Instance instantiate(Engine engine) {
        AtomicReference<Instance> self = new AtomicReference<>();
        Linker<Void> linker = Linker.<Void>create(engine).defineHostFunction("host", "reenter",
                new FuncType(List.of(NumType.I32), List.of(NumType.I32)),
                (caller, args) -> new Val[] {Val.i32(self.get().getFunc("leafTail").orElseThrow().callI32(((Val.I32) args[0]).value()))});
        Instance inst = linker.instantiate(Store.create(engine), Module.compile(engine, WASM));
        self.set(inst);
        return inst;
    }

    private static Trap trap(Instance inst, String export) {
        return catchThrowableOfType(Trap.class, () -> inst.getFunc(export).orElseThrow().callI32(1_000_000));
    }

    private static List<Integer> functions(Trap t) {
        return t.backtrace().stream().map(Trap.Frame::functionIndex).toList();
    }

    @Test
    void tailCalledFramesAreGoneAsInTheInterpreter() {
        Instance interpreted = instantiate(INTERPRETER);
        Instance compiled = instantiate(COMPILER);
        for (String export : List.of("leafTail", "indirectTail", "viaHost")) {
            Trap expected = trap(interpreted, export);
            Trap actual = trap(compiled, export);
            assertThat(expected.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
            assertThat(expected.backtrace()).allSatisfy(f -> assertThat(f.offset()).isPositive());
            assertThat(actual.backtrace()).as(export).isEqualTo(expected.backtrace());
        }
        // $leaf (1) replaced $direct (2) and $indirect (3); the host frame ends the inner call's backtrace.
        assertThat(functions(trap(compiled, "leafTail"))).containsExactly(1, 4);
        assertThat(functions(trap(compiled, "indirectTail"))).containsExactly(1, 5);
        assertThat(functions(trap(compiled, "viaHost"))).containsExactly(1, 4);
    }

    @Test
    void callStackExhaustionListsTheInnermostFramesAsTheInterpreter() {
        Trap expected = trap(instantiate(INTERPRETER), "rec");
        Trap actual = trap(instantiate(COMPILER), "rec");
        assertThat(expected.kind()).isEqualTo(TrapKind.CALL_STACK_EXHAUSTED);
        assertThat(actual.kind()).isEqualTo(TrapKind.CALL_STACK_EXHAUSTED);
        assertThat(expected.backtrace()).hasSize(256);
        assertThat(actual.backtrace()).isEqualTo(expected.backtrace());
    }

    @Test
    void interpretedFramesAroundATieredOneKeepTheirFunctionsAndOffsets() throws InterruptedException {
        Trap expected = trap(instantiate(INTERPRETER), "mixed");
        assertThat(functions(expected)).containsExactly(1, 7, 9);
        // Tier up only $middle (threshold 3: "warmMiddle" calls it twice per call, without reaching $leaf): an
        // interpreted export calls compiled $middle, which calls interpreted $leaf through the runtime.
        Engine auto = Engine.create(Config.builder().strategy(Config.Strategy.AUTO).tierUpThreshold(3).build());
        Module m = Module.compile(auto, WASM);
        AtomicReference<Instance> self = new AtomicReference<>();
        Instance inst = Linker.<Void>create(auto).defineHostFunction("host", "reenter",
                        new FuncType(List.of(NumType.I32), List.of(NumType.I32)), (caller, args) -> args)
                .instantiate(Store.create(auto), m);
        inst.getFunc("warmMiddle").orElseThrow().call();
        inst.getFunc("warmMiddle").orElseThrow().call();
        assertThat(auto.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        assertThat(m.compiledFunctionCount()).isEqualTo(1);
        assertThat(trap(inst, "mixed").backtrace()).isEqualTo(expected.backtrace());
        // Twice: the frames array of the interpreter still holds stale entries at the compiled frame's depth.
        assertThat(trap(inst, "mixed").backtrace()).isEqualTo(expected.backtrace());
    }
}
