package dev.basalt.compiler;

import static dev.basalt.compiler.CompilerTest.COMPILER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.InstancePre;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Table;
import dev.basalt.Val;
import dev.basalt.wasm.NumType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Instances make their functions on first use ({@code ModuleInstance.func}): every way code reaches a function
 * ({@code ref.func} in code and in a global's initialiser, a passive segment's {@code table.init}, an export, a tail
 * call, a call of an import) must see one function object per function and instance, on every engine.
 */
class LazyFunctionsTest {
    static final String WAT = """
            (module
              (import "host" "seven" (func $seven (result i32)))
              (type $t (func (result i32)))
              (table $tab (export "t") 4 funcref)
              (global $g funcref (ref.func $late))
              (elem $passive func $late $other)
              (elem declare func $late $countdown)
              (func $late (export "late") (result i32) (i32.const 42))
              (func $other (result i32) (i32.add (call $seven) (i32.const 1)))
              (func $unused (result i32) (i32.const 13))
              ;; not a leaf: it tail-calls itself, then $late
              (func $countdown (param i32) (result i32)
                (if (result i32) (local.get 0)
                  (then (return_call $countdown (i32.sub (local.get 0) (i32.const 1))))
                  (else (return_call $late))))
              (func (export "store-refs")
                (table.set $tab (i32.const 0) (ref.func $late))
                (table.set $tab (i32.const 1) (global.get $g))
                (table.init $tab $passive (i32.const 2) (i32.const 0) (i32.const 2)))
              (func (export "ref-countdown") (result funcref) (ref.func $countdown))
              (func (export "call-at") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
              (func (export "countdown") (param i32) (result i32) (return_call $countdown (local.get 0))))
            """;

    static List<Engine> engines() {
        return List.of(COMPILER, Engine.create(),
                Engine.create(Config.builder().strategy(Config.Strategy.AUTO).tierUpThreshold(2).build()));
    }

    @Test
    void everyPathToAFunctionSeesTheSameObject() {
        for (Engine engine : engines()) {
            InstancePre<Void> pre = Linker.<Void>create(engine)
                    .defineHostFunction("host", "seven", FuncType.of(List.of(), List.of(NumType.I32)),
                            (c, args) -> new Val[] {Val.i32(7)})
                    .instantiatePre(Module.fromWat(engine, WAT));
            Instance a = pre.instantiate(Store.create(engine));
            Instance b = pre.instantiate(Store.create(engine));
            for (Instance inst : List.of(a, b)) {
                inst.getFunc("store-refs").orElseThrow().call();
                Table t = inst.getTable("t").orElseThrow();
                Func late = inst.getFunc("late").orElseThrow();
                assertThat(t.get(0)).as(engine.config().strategy() + ": ref.func").isEqualTo(new Val.FuncRef(late));
                assertThat(t.get(1)).as("a global's ref.func").isEqualTo(new Val.FuncRef(late));
                assertThat(t.get(2)).as("table.init").isEqualTo(new Val.FuncRef(late));
                assertThat(t.get(3)).isNotEqualTo(t.get(0));
                Func call = inst.getFunc("call-at").orElseThrow();
                // several rounds: under AUTO the callers tier up to compiled code in between
                for (int round = 0; round < 5; round++) {
                    assertThat(call.callI32(0)).isEqualTo(42);
                    assertThat(call.callI32(3)).isEqualTo(8);
                    assertThat(inst.getFunc("countdown").orElseThrow().callI32(10 + round)).isEqualTo(42);
                }
                // made by a tail call through the runtime or by its first ref.func: the same object after
                Func refCountdown = inst.getFunc("ref-countdown").orElseThrow();
                assertThat(refCountdown.call()[0]).isEqualTo(refCountdown.call()[0]);
                Val.FuncRef countdown = (Val.FuncRef) refCountdown.call()[0];
                assertThat(countdown.func().callI32(3)).isEqualTo(42);
            }
            // each instance has functions of its own
            assertThat(a.getTable("t").orElseThrow().get(0)).isNotEqualTo(b.getTable("t").orElseThrow().get(0));
            assertThat(a.getFunc("late")).isNotEqualTo(b.getFunc("late"));
        }
    }
}
