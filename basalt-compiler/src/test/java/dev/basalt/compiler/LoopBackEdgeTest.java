package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.WatParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A loop's back edge on a local's value ({@code local.get x; br_if loop}, as clang leaves fib's loop) is compiled as
 * an exit test and a {@code goto} (FunctionCompiler's {@code BR_IF}): the loops must run exactly as the interpreter
 * runs them, taken or not, with the loop's parameters on the stack, nested in blocks, and with fuel.
 */
class LoopBackEdgeTest {
    private static final byte[] WASM = BinaryWriter.write(WatParser.parseModule("""
            (module
              ;; clang's fib: the exit test is kept in a local before n changes, then read by br_if
              (func $fib (export "fib") (param i32) (result i32)
                (local i32 i32)
                (if (i32.lt_s (local.get 0) (i32.const 2)) (then (return (local.get 0))))
                (loop $l
                  (local.set 1 (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (local.get 1)))
                  (local.set 2 (i32.gt_u (local.get 0) (i32.const 3)))
                  (local.set 0 (i32.sub (local.get 0) (i32.const 2)))
                  (br_if $l (local.get 2)))
                (i32.add (local.get 0) (local.get 1)))
              ;; a loop with a parameter: the running sum rides on the stack through the back edge
              (func (export "sumParam") (param i32) (result i32)
                (local i32)
                i32.const 0
                loop $l (param i32) (result i32)
                  local.get 0
                  i32.add
                  local.get 0
                  i32.const 1
                  i32.sub
                  local.set 0
                  local.get 0
                  i32.const 0
                  i32.gt_s
                  local.set 1
                  local.get 1
                  br_if $l
                end)
              ;; the back edge from inside a block, a non-zero value other than 1 as the condition, and a
              ;; block exit with a value under its condition (not a back edge: the usual branch)
              (func (export "nested") (param i32) (result i32)
                (local i32 i32)
                (block $out (result i32)
                  (loop $l
                    (block $b
                      (drop (br_if $out (local.get 1) (i32.le_s (local.get 0) (i32.const 0))))
                      (local.set 1 (i32.add (local.get 1) (local.get 0)))
                      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
                      (local.set 2 (i32.and (local.get 0) (i32.const 6)))
                      (br_if $l (local.get 2)))
                    (br $l))
                  (unreachable))))
            """));

    private static final Engine INTERPRETER = Engine.create(Config.builder().build());
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());

    private static Instance instantiate(Engine engine, Store<Void> store) {
        return Linker.<Void>create(engine).instantiate(store, Module.compile(engine, WASM));
    }

    @Test
    void loopsGiveTheInterpretersResults() {
        Instance compiled = instantiate(COMPILER, Store.create(COMPILER));
        Instance interpreted = instantiate(INTERPRETER, Store.create(INTERPRETER));
        for (String name : List.of("fib", "sumParam", "nested")) {
            for (int n : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 13, 20}) {
                assertThat(compiled.getFunc(name).orElseThrow().callI32(n)).as("%s(%d)", name, n)
                        .isEqualTo(interpreted.getFunc(name).orElseThrow().callI32(n));
            }
        }
        assertThat(compiled.getFunc("fib").orElseThrow().callI32(20)).isEqualTo(6765);
        assertThat(compiled.getFunc("sumParam").orElseThrow().callI32(10)).isEqualTo(55);
    }

    @Test
    void fuelIsTheInterpreters() {
        for (String name : List.of("fib", "sumParam", "nested")) {
            for (int fuel : new int[] {7, 50, 333, 1_000, 20_000}) {
                List<Object> outcomes = new ArrayList<>();
                for (Engine engine : List.of(INTERPRETER, COMPILER)) {
                    Store<Void> store = Store.create(engine);
                    store.setFuel(fuel);
                    Instance inst = instantiate(engine, store);
                    int[] result = new int[1];
                    Trap t = catchThrowableOfType(Trap.class,
                            () -> result[0] = inst.getFunc(name).orElseThrow().callI32(13));
                    outcomes.add(List.of(t == null ? "ok " + result[0] : t.kind().toString(),
                            store.getFuel().orElseThrow()));
                }
                assertThat(outcomes.get(1)).as("%s, fuel %d", name, fuel).isEqualTo(outcomes.get(0));
            }
        }
    }
}
