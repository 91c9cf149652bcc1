package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Element segments of only {@code ref.func}/{@code ref.null} items, resolved from precomputed indices. */
class ElementFunctionsTest {
    private final Engine engine = Engine.create();

    @Test
    void precomputedIndicesOnlyForFunctionAndNullItems() {
        Module module = Module.fromWat(engine, """
                (module
                  (type $t (func (result i32)))
                  (global $g funcref (ref.func $two))
                  (table (export "t") 4 funcref)
                  (func $one (result i32) (i32.const 1))
                  (func $two (result i32) (i32.const 2))
                  (elem (i32.const 0) funcref (ref.func $two) (ref.null func) (ref.func $one))
                  (elem (i32.const 3) funcref (global.get $g))
                  (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))
                """);
        int[][] functions = module.defined().elementFunctions();
        assertThat(functions[0]).containsExactly(1, -1, 0);
        assertThat(functions[1]).isNull();
        InstancePre<Void> pre = Linker.<Void>create(engine).instantiatePre(module);
        Instance a = pre.instantiate(Store.create(engine));
        Instance b = pre.instantiate(Store.create(engine));
        Func call = a.getFunc("call").orElseThrow();
        assertThat(call.callI32(0)).isEqualTo(2);
        assertThat(call.callI32(2)).isEqualTo(1);
        assertThat(call.callI32(3)).isEqualTo(2);
        assertThatThrownBy(() -> call.callI32(1)).isInstanceOf(Trap.class);
        // each instance's table holds its own functions
        assertThat(a.getTable("t").orElseThrow().get(0)).isNotEqualTo(b.getTable("t").orElseThrow().get(0));
    }
}
