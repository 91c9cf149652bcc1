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
import dev.basalt.Val;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compiled frames carry the same DWARF source positions as interpreted ones: under COMPILER, under AUTO with only
 * some functions tiered up, and for a module loaded from its serialized form (fixture: basalt-wasm's
 * src/test/c/dwarf/crash.c).
 */
class SourceLineBacktraceCompilerTest {
    private static byte[] fixture(int version) throws IOException {
        return Files.readAllBytes(Path.of("../basalt-wasm/src/test/resources/dwarf/crash-dwarf" + version + ".wasm"));
    }

    private static Trap trap(Module m, String export, Val... args) {
        Instance inst = Linker.<Void>create(m.engine()).instantiate(Store.create(m.engine()), m);
        return catchThrowableOfType(Trap.class, () -> inst.getFunc(export).orElseThrow().call(args));
    }

    private static final List<Object[]> CALLS = List.of(
            new Object[] {"load", new Val[] {Val.i32(100_000_000)}},
            new Object[] {"div", new Val[] {Val.i32(1), Val.i32(0)}},
            new Object[] {"_start", new Val[0]});

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void compiledFramesHaveTheInterpretersSources(int version) throws IOException {
        byte[] wasm = fixture(version);
        Engine interpreter = Engine.create();
        Engine compiler = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        Module compiled = Module.compile(compiler, wasm);
        Module stored = Module.deserialize(compiler, compiled.serialize());
        for (Object[] call : CALLS) {
            String export = (String) call[0];
            Val[] args = (Val[]) call[1];
            List<Trap.Frame> expected = trap(Module.compile(interpreter, wasm), export, args).backtrace();
            assertThat(expected).as(export).isNotEmpty().allSatisfy(f -> assertThat(f.source()).isNotEmpty());
            assertThat(trap(compiled, export, args).backtrace()).as(export).isEqualTo(expected);
            assertThat(trap(stored, export, args).backtrace()).as(export).isEqualTo(expected);
        }
        Trap load = trap(compiled, "load", Val.i32(100_000_000));
        assertThat(load.backtrace().get(0).source()).extracting(s -> s.function() + ":" + s.line())
                .containsExactly("element:7", "sum_from:11");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void tieredAndInterpretedFramesMixWithSources(int version) throws IOException, InterruptedException {
        byte[] wasm = fixture(version);
        List<Trap.Frame> expected = trap(Module.compile(Engine.create(), wasm), "_start").backtrace();
        // tier up div and divide (threshold 3), not _start: interpreted _start calls compiled divide
        Engine auto = Engine.create(Config.builder().strategy(Config.Strategy.AUTO).tierUpThreshold(3).build());
        Module m = Module.compile(auto, wasm);
        Instance inst = Linker.<Void>create(auto).instantiate(Store.create(auto), m);
        for (int i = 0; i < 3; i++) {
            inst.getFunc("div").orElseThrow().call(Val.i32(6), Val.i32(2));
        }
        assertThat(auto.awaitBackgroundCompilation(Duration.ofSeconds(60))).isTrue();
        assertThat(m.compiledFunctionCount()).isEqualTo(2);
        Trap t = catchThrowableOfType(Trap.class, () -> inst.getFunc("_start").orElseThrow().call());
        assertThat(t.backtrace()).isEqualTo(expected);
        assertThat(t.backtrace()).extracting(Trap.Frame::sourceLine).containsExactly(16, 24);
    }
}
