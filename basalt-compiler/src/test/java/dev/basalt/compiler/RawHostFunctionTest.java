package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import dev.basalt.wasm.RefType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Linker#defineRawHostFunction}: numbers in place on the value stack, on both engines. */
class RawHostFunctionTest {
    static final String WAT = """
            (module
              (import "host" "mix" (func $mix (param i32 i64 f32 f64) (result f64 i32 i64)))
              (import "host" "twice" (func $twice (param i32) (result i32)))
              (import "host" "boom" (func $boom (param i32)))
              (func $inner (export "inner") (param i32) (result i32)
                (i32.add (call $twice (local.get 0)) (i32.const 1)))
              (func (export "mix") (param i32 i64 f32 f64) (result f64 i32 i64)
                (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
              ;; many calls in a loop: results written in place must not disturb the caller's locals and stack
              (func (export "sum") (param $n i32) (result i32) (local $acc i32)
                (loop $l
                  (local.set $acc (i32.add (local.get $acc) (call $twice (local.get $n))))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $l (local.get $n)))
                (local.get $acc))
              (func (export "boom") (call $boom (i32.const 7))))
            """;

    static Instance instance(Config.Strategy strategy) {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        Linker<Void> linker = Linker.create(engine);
        Store<Void> store = Store.create(engine);
        Instance[] self = new Instance[1];
        linker.defineRawHostFunction("host", "mix", FuncType.of(List.of(NumType.I32, NumType.I64, NumType.F32,
                NumType.F64), List.of(NumType.F64, NumType.I32, NumType.I64)), (caller, v) -> {
                    int a = v.i32(0);
                    long b = v.i64(1);
                    float c = v.f32(2);
                    double d = v.f64(3);
                    v.setF64(0, (double) a + b + c + d);
                    v.setI32(1, a * 2);
                    v.setI64(2, b * 3);
                });
        linker.defineRawHostFunction("host", "twice", FuncType.of(List.of(NumType.I32), List.of(NumType.I32)),
                (caller, v) -> v.setI32(0, v.i32(0) * 2));
        linker.defineRawHostFunction("host", "boom", FuncType.of(List.of(NumType.I32), List.of()), (caller, v) -> {
            // a host function calling back into the guest (nested raw calls) before failing
            int nested = self[0].getFunc("inner").orElseThrow().callI32(v.i32(0));
            throw new IllegalStateException("boom after " + nested);
        });
        self[0] = linker.instantiate(store, Module.fromWat(engine, WAT));
        return self[0];
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void numbersGoInAndOutInPlace(Config.Strategy strategy) {
        Instance i = instance(strategy);
        Val[] r = i.getFunc("mix").orElseThrow().call(Val.i32(-3), Val.i64(1L << 40), Val.f32(0.5f), Val.f64(0.25));
        assertThat(r).containsExactly(Val.f64(-3 + (double) (1L << 40) + 0.5 + 0.25), Val.i32(-6), Val.i64(3L << 40));
        // 2 * (1 + ... + 1000)
        assertThat(i.getFunc("sum").orElseThrow().callI32(1000)).isEqualTo(1_001_000);
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void hostExceptionsTrapAfterNestedCalls(Config.Strategy strategy) {
        Instance i = instance(strategy);
        assertThatThrownBy(() -> i.getFunc("boom").orElseThrow().call())
                .isInstanceOf(Trap.class)
                .satisfies(t -> assertThat(((Trap) t).kind()).isEqualTo(TrapKind.HOST_ERROR))
                .hasMessageContaining("boom after 15");
    }

    @Test
    void onlyNumericTypes() {
        Linker<Void> linker = Linker.create(Engine.create());
        assertThatThrownBy(() -> linker.defineRawHostFunction("host", "ref",
                FuncType.of(List.of(RefType.FUNCREF), List.of()), (caller, v) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("i32, i64, f32 and f64");
        assertThatThrownBy(() -> linker.defineRawHostFunction("host", "simd",
                FuncType.of(List.of(), List.of(NumType.V128)), (caller, v) -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
