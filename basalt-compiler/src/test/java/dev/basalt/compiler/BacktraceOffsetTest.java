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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compiled frames report the byte offsets of the trapping instruction and of the calls, as the interpreter does. */
class BacktraceOffsetTest {
    private static final byte[] WASM = BinaryWriter.write(WatParser.parseModule("""
            (module
              (memory 1)
              (func $inner (param i32) (result i32)
                (i32.add (i32.const 1) (i32.load (local.get 0))))
              (func $middle (param i32) (result i32)
                (nop) (nop)
                (call $inner (local.get 0)))
              (func (export "outer") (param i32) (result i32)
                (i32.add (call $middle (local.get 0)) (i32.const 0)))
              (func (export "warm") (drop (call $inner (i32.const 0))) (drop (call $inner (i32.const 0))))
              (func (export "deep") (param i32) (result i32)
                (if (result i32) (local.get 0)
                  (then (i32.div_u (i32.const 1) (i32.const 0)))
                  (else (call $middle (i32.const 70000))))))
            """));

    private static List<Trap.Frame> trap(Engine engine, String export, int arg) {
        Module m = Module.compile(engine, WASM);
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), m);
        return catchThrowableOfType(Trap.class, () -> inst.getFunc(export).orElseThrow().callI32(arg)).backtrace();
    }

    @Test
    void compiledFramesReportTheInterpretersOffsets() {
        Engine interpreter = Engine.create();
        Engine compiler = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        record Case(String export, int arg, int frames) {
        }
        for (Case c : List.of(new Case("outer", 1_000_000, 3), new Case("deep", 1, 1), new Case("deep", 0, 3))) {
            List<Trap.Frame> expected = trap(interpreter, c.export(), c.arg());
            assertThat(expected).hasSize(c.frames()).allSatisfy(f -> assertThat(f.offset()).isPositive());
            assertThat(trap(compiler, c.export(), c.arg())).isEqualTo(expected);
        }
    }

    @Test
    void mixedInterpretedAndTieredFramesReportOffsets() throws InterruptedException {
        Engine interpreter = Engine.create();
        List<Trap.Frame> expected = trap(interpreter, "outer", 1_000_000);
        assertThat(expected).hasSize(3);
        // Tier up only $inner (threshold 3: "warm" calls it twice per call), so the stack mixes both engines.
        Engine auto = Engine.create(Config.builder().strategy(Config.Strategy.AUTO).tierUpThreshold(3).build());
        Module m = Module.compile(auto, WASM);
        Instance inst = Linker.<Void>create(auto).instantiate(Store.create(auto), m);
        var outer = inst.getFunc("outer").orElseThrow();
        inst.getFunc("warm").orElseThrow().call();
        inst.getFunc("warm").orElseThrow().call();
        assertThat(auto.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        assertThat(m.compiledFunctionCount()).isEqualTo(1);
        Trap t = catchThrowableOfType(Trap.class, () -> outer.callI32(1_000_000));
        assertThat(t.backtrace()).isEqualTo(expected);
    }
}
