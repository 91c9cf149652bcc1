package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Val;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code AUTO}: compiled functions entered from interpreted callers use the store's value stack (calls through the
 * runtime, several results, tail calls) without touching the interpreted callers' values.
 */
class TieredCallsTest {
    static final String WAT = """
            (module
              (type $ii (func (param i32) (result i32)))
              (table 1 funcref)
              (elem (i32.const 0) $inc)
              (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
              (func $hot (param i32) (result i32 i32)
                ;; a call through the runtime and two results
                (call_indirect (type $ii) (local.get 0) (i32.const 0))
                (i32.const 7))
              (func $hot-tail (param i32) (result i32)
                (return_call_indirect (type $ii) (local.get 0) (i32.const 0)))
              (func (export "warm") (param i32)
                (loop $l
                  (drop (call $hot (i32.const 0))) (drop)
                  (drop (call $hot-tail (i32.const 0)))
                  (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
              (func (export "cold") (param i32 i32 i32) (result i32 i32 i32 i32)
                ;; interpreted: its locals and operands sit on the value stack under the compiled callee's frame
                (local.get 0) (local.get 1)
                (call $hot (local.get 2))
                (i32.add)
                (call $hot-tail (local.get 2))))
            """;

    @Test
    void compiledCalleesLeaveInterpretedCallersIntact() throws InterruptedException {
        Engine auto = Engine.create(Config.builder().strategy(Config.Strategy.AUTO).tierUpThreshold(10).build());
        Module m = Module.fromWat(auto, WAT);
        Instance inst = Linker.<Void>create(auto).instantiate(Store.create(auto), m);
        inst.getFunc("warm").orElseThrow().call(Val.i32(100));
        assertThat(auto.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        assertThat(m.compiledFunctionCount()).isGreaterThanOrEqualTo(2);
        assertThat(inst.getFunc("cold").orElseThrow().call(Val.i32(100), Val.i32(200), Val.i32(5)))
                .containsExactly(Val.i32(100), Val.i32(200), Val.i32(13), Val.i32(6));
    }
}
