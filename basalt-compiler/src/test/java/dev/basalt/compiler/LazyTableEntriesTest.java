package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Table;
import dev.basalt.Trap;
import dev.basalt.Val;
import org.junit.jupiter.api.Test;

/**
 * Active element segments fill their tables lazily ({@code TableInstance.initLazily}): on every engine,
 * {@code call_indirect} (direct and through the compiler's dispatchers), {@code table.get}, the host's
 * {@link Table#get}, {@code table.copy} and writes of nulls must see what an eagerly filled table holds, with one
 * function object per function, also across instances sharing a table and after an instantiation that traps.
 */
class LazyTableEntriesTest {
    /** A segment long enough to be filled lazily ({@code Instantiator.LAZY_SEGMENT_MIN}). */
    private static final int LONG = 1100;

    /** {@code name} repeated: the items of a long segment. */
    private static String repeat(String name, int times) {
        return (" " + name).repeat(times);
    }

    /** Entries 1..LONG: $one $two $three, then $three; entries 5 and 6 overwritten by a short second segment. */
    private static final String WAT = """
            (module
              (type $t (func (result i32)))
              (table $tab (export "t") 2048 funcref)
              (elem (i32.const 1) func $one $two $three%s)
              (elem (i32.const 5) funcref (ref.func $two) (ref.null func))
              (func $one (result i32) (i32.const 1))
              (func $two (export "two") (result i32) (i32.const 2))
              (func $three (result i32) (i32.const 3))
              (func (export "call-at") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
              (func (export "get") (param i32) (result funcref) (table.get $tab (local.get 0)))
              (func (export "ref-three") (result funcref) (ref.func $three))
              (func (export "copy") (param i32 i32 i32) (table.copy (local.get 0) (local.get 1) (local.get 2)))
              (func (export "clear") (param i32) (table.set (local.get 0) (ref.null func))))
            """.formatted(repeat("$three", LONG - 3));

    /**
     * A module that fills entries 0.. of an imported table lazily, then traps on an out-of-bounds long segment,
     * which its function $f reads with {@code table.init} afterwards.
     */
    private static final String PARTIAL = """
            (module
              (import "a" "t" (table $t 2048 funcref))
              (func $f (result i32)
                (table.init $t 1 (i32.const 6) (i32.const 0) (i32.const 1))
                (i32.const 11))
              (func $g (result i32) (i32.const 22))
              (elem (table $t) (i32.const 0) func%s)
              (elem (table $t) (i32.const 2000) func%s))
            """.formatted(repeat("$f", LONG), repeat("$g", LONG));

    @Test
    void lazyEntriesBehaveAsEagerOnes() {
        for (Engine engine : LazyFunctionsTest.engines()) {
            String on = engine.config().strategy().toString();
            Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), Module.fromWat(engine, WAT));
            Func callAt = inst.getFunc("call-at").orElseThrow();
            Func get = inst.getFunc("get").orElseThrow();
            Table table = inst.getTable("t").orElseThrow();
            // several rounds: under AUTO the callers tier up to compiled code in between
            for (int round = 0; round < 5; round++) {
                assertThat(callAt.callI32(1)).as(on).isEqualTo(1);
                assertThat(callAt.callI32(2)).as(on).isEqualTo(2);
                assertThat(callAt.callI32(3)).as(on).isEqualTo(3);
                assertThat(callAt.callI32(5)).as(on).isEqualTo(2);
                assertThatThrownBy(() -> callAt.callI32(6)).as(on).isInstanceOf(Trap.class)
                        .hasMessageContaining("uninitialized element");
                assertThatThrownBy(() -> callAt.callI32(0)).as(on).isInstanceOf(Trap.class)
                        .hasMessageContaining("uninitialized element");
                assertThat(callAt.callI32(LONG)).as(on).isEqualTo(3);
                assertThatThrownBy(() -> callAt.callI32(LONG + 1)).as(on).isInstanceOf(Trap.class)
                        .hasMessageContaining("uninitialized element");
                assertThatThrownBy(() -> callAt.callI32(2048)).as(on).isInstanceOf(Trap.class)
                        .hasMessageContaining("undefined element");
            }
            Val.FuncRef two = new Val.FuncRef(inst.getFunc("two").orElseThrow());
            assertThat(table.get(2)).as(on + ": host read").isEqualTo(two);
            assertThat(table.get(5)).as(on + ": the same function in another segment").isEqualTo(two);
            assertThat(get.call(Val.i32(3))[0]).as(on + ": table.get against ref.func")
                    .isEqualTo(inst.getFunc("ref-three").orElseThrow().call()[0]);
            assertThat(table.get(6)).isEqualTo(new Val.FuncRef(null));

            Instance fresh = Linker.<Void>create(engine).instantiate(Store.create(engine), Module.fromWat(engine, WAT));
            Func copy = fresh.getFunc("copy").orElseThrow();
            copy.call(Val.i32(4), Val.i32(1), Val.i32(3)); // 4..6 <- 1..3, overlapping, nothing read before
            Func freshCall = fresh.getFunc("call-at").orElseThrow();
            assertThat(freshCall.callI32(4)).as(on + ": copied").isEqualTo(1);
            assertThat(freshCall.callI32(5)).isEqualTo(2);
            assertThat(freshCall.callI32(6)).isEqualTo(3);
            fresh.getFunc("clear").orElseThrow().call(Val.i32(2));
            assertThatThrownBy(() -> freshCall.callI32(2)).as(on + ": a null written over an unmade entry")
                    .isInstanceOf(Trap.class).hasMessageContaining("uninitialized element");
            assertThat(freshCall.callI32(3)).as(on + ": its neighbour").isEqualTo(3);
        }
    }

    @Test
    void anInstantiationThatTrapsLeavesWorkingEntriesAndUnreachedSegments() {
        for (Engine engine : LazyFunctionsTest.engines()) {
            String on = engine.config().strategy().toString();
            Store<Void> store = Store.create(engine);
            Instance a = Linker.<Void>create(engine).instantiate(store, Module.fromWat(engine, WAT));
            Linker<Void> linker = Linker.<Void>create(engine).define("a", "t", a.getTable("t").orElseThrow());
            assertThatThrownBy(() -> linker.instantiate(store, Module.fromWat(engine, PARTIAL))).as(on)
                    .isInstanceOf(Trap.class).hasMessageContaining("out of bounds table access");
            Func callAt = a.getFunc("call-at").orElseThrow();
            // $f, written before the trap, runs table.init from the segment the trap left unapplied
            assertThat(callAt.callI32(0)).as(on).isEqualTo(11);
            assertThat(callAt.callI32(6)).as(on).isEqualTo(22);
            assertThat(callAt.callI32(7)).as(on + ": written lazily before the trap").isEqualTo(11);
            assertThat(callAt.callI32(LONG - 1)).as(on).isEqualTo(11);
            assertThatThrownBy(() -> callAt.callI32(2000)).as(on + ": the trapping segment wrote nothing")
                    .isInstanceOf(Trap.class).hasMessageContaining("uninitialized element");
        }
    }
}
