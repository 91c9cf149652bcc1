package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code Config.Strategy.AUTO}: modules start interpreted, hot functions get compiled in the background. */
class TieringTest {
    private static Engine auto(int threshold) {
        return Engine.create(Config.builder().strategy(Config.Strategy.AUTO).tierUpThreshold(threshold).build());
    }

    private static Instance instantiate(Module m) {
        return Linker.<Void>create(m.engine()).instantiate(Store.create(m.engine()), m);
    }

    @Test
    void hotFunctionsGetCompiledAndComputeTheSame() throws InterruptedException {
        Engine engine = auto(50);
        Module m = Module.fromWat(engine, CompilerTest.LOOPS);
        assertThat(m.compiledFunctionCount()).isZero();
        Instance inst = instantiate(m);
        var fib = inst.getFunc("fib").orElseThrow();
        assertThat(fib.callI32(5)).isEqualTo(5);
        assertThat(m.compiledFunctionCount()).as("fib(5) makes 15 calls, under the threshold").isZero();
        // fib(20) makes 21,891 calls: $fib gets hot while it runs; the rest of the run mixes both engines.
        assertThat(fib.callI32(20)).isEqualTo(6765);
        assertThat(engine.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        assertThat(m.compiledFunctionCount()).isEqualTo(1);
        assertThat(fib.callI32(20)).isEqualTo(6765);
        assertThat(fib.callI32(25)).isEqualTo(75025);
        // A loop counts too: 100 iterations of "sum" pass the threshold of 50.
        assertThat(inst.getFunc("sum").orElseThrow().callI64(100)).isEqualTo(10100L);
        assertThat(engine.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        assertThat(m.compiledFunctionCount()).isEqualTo(2);
        assertThat(inst.getFunc("sum").orElseThrow().callI64(100)).isEqualTo(10100L * 2 - 5050);
    }

    @Test
    void everyFunctionCompiledOnFirstCallBehavesAsInterpreted() throws InterruptedException {
        Engine engine = auto(1);
        Module m = Module.fromWat(engine, CompilerTest.LOOPS);
        Instance inst = instantiate(m);
        for (String f : new String[] {"fib", "switch", "div", "fmin", "load", "sel", "grow", "g"}) {
            inst.getFunc(f).orElseThrow();
        }
        inst.getFunc("fib").orElseThrow().callI32(3);
        inst.getFunc("div").orElseThrow().callI32(1, 1);
        inst.getFunc("load").orElseThrow().callI32(0);
        inst.getFunc("switch").orElseThrow().callI32(0);
        assertThat(engine.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        assertThat(m.compiledFunctionCount()).isEqualTo(4);
        assertThat(inst.getFunc("fib").orElseThrow().callI32(20)).isEqualTo(6765);
        assertThat(inst.getFunc("switch").orElseThrow().callI32(1)).isEqualTo(3);
        assertThatThrownBy(() -> inst.getFunc("div").orElseThrow().callI32(1, 0))
                .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO));
        assertThatThrownBy(() -> inst.getFunc("load").orElseThrow().callI32(65_535))
                .isInstanceOfSatisfying(Trap.class,
                        t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS));
        // The store stays usable after traps in compiled code.
        assertThat(inst.getFunc("fib").orElseThrow().callI32(10)).isEqualTo(55);
    }

    @Test
    void functionsTheCompilerCannotTranslateStayInterpreted() throws InterruptedException {
        // A body over 64 KB that cannot be split (it has a try_table): under COMPILER the module fails, under AUTO
        // the function stays interpreted.
        String wat = "(module (func $big (export \"big\") (param i32) (result i32) (local" + " i64".repeat(40_000)
                + ") (try_table) (local.get 0))"
                + " (func (export \"twice\") (param i32) (result i32)"
                + " (i32.add (call $big (local.get 0)) (call $big (local.get 0)))))";
        Engine engine = auto(1);
        Module m = Module.fromWat(engine, wat);
        Instance inst = instantiate(m);
        assertThat(inst.getFunc("twice").orElseThrow().callI32(21)).isEqualTo(42);
        assertThat(engine.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Module.fromWat(CompilerTest.COMPILER, wat))
                .isInstanceOf(dev.basalt.spi.UnsupportedCodeException.class);
        assertThat(m.compiledFunctionCount()).isEqualTo(1);
        // "twice" runs compiled and calls the interpreted "big" through the runtime.
        assertThat(inst.getFunc("twice").orElseThrow().callI32(4)).isEqualTo(8);
    }

    @Test
    void interpretedCallerKeepsItsOperandStackAcrossACompiledCallee() {
        // $mid runs compiled and makes a call through the runtime (call_indirect), whose arguments go on the
        // store's value stack: they must land above the interpreted caller's frame, whose operand stack holds
        // x * 1000 during the call (found by the spec suite's call_indirect.wast under --engine auto).
        String wat = """
                (module
                  (type $t (func (param i32) (result i32)))
                  (table funcref (elem $leaf))
                  (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
                  (func $mid (export "mid") (param i32) (result i32)
                    (call_indirect (type $t) (local.get 0) (i32.const 0)))
                  (func (export "outer") (param i32) (result i32)
                    (i32.add (i32.mul (local.get 0) (i32.const 1000)) (call $mid (local.get 0)))))
                """;
        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.AUTO).tierUpThreshold(3)
                .compileInBackground(false).build());
        Module m = Module.fromWat(engine, wat);
        Instance inst = instantiate(m);
        for (int i = 0; i < 3; i++) {
            assertThat(inst.getFunc("mid").orElseThrow().callI32(i)).isEqualTo(i + 1);
        }
        assertThat(m.compiledFunctionCount()).as("$mid and $leaf compiled, outer not").isEqualTo(2);
        assertThat(inst.getFunc("outer").orElseThrow().callI32(7)).isEqualTo(7008);
    }

    @Test
    void fuelIsChargedAlikeBeforeAndAfterTierUp() throws InterruptedException {
        Engine engine = auto(1);
        Module m = Module.fromWat(engine, CompilerTest.LOOPS);
        Store<Void> store = Store.create(engine);
        Instance inst = Linker.<Void>create(engine).instantiate(store, m);
        store.setFuel(1_000_000);
        inst.getFunc("sum").orElseThrow().callI64(10);
        long interpreted = 1_000_000 - store.getFuel().orElseThrow();
        assertThat(engine.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        assertThat(m.compiledFunctionCount()).isEqualTo(1);
        store.setFuel(1_000_000);
        inst.getFunc("sum").orElseThrow().callI64(10);
        assertThat(1_000_000 - store.getFuel().orElseThrow()).isEqualTo(interpreted);
    }
}
