package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.binary.BinaryReader;
import dev.basalt.wasm.dwarf.SourceLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interpreted backtrace frames carry source positions from the module's DWARF (fixture: basalt-wasm's
 * src/test/c/dwarf/crash.c, built with DWARF 4 and 5 by build-test-dwarf.sh; line numbers are that file's).
 */
class SourceLineBacktraceTest {
    static byte[] fixture(int version) throws IOException {
        return Files.readAllBytes(Path.of("../basalt-wasm/src/test/resources/dwarf/crash-dwarf" + version + ".wasm"));
    }

    private static SourceLocation at(String function, int line, int column) {
        return new SourceLocation(function, "crash.c", line, column);
    }

    private static Trap trap(Engine engine, byte[] wasm, String export, int... args) {
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), Module.compile(engine, wasm));
        Val[] vals = java.util.Arrays.stream(args).mapToObj(Val::i32).toArray(Val[]::new);
        return catchThrowableOfType(Trap.class, () -> inst.getFunc(export).orElseThrow().call(vals));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void framesCarryFileLineColumnAndInlinedFunctions(int version) throws IOException {
        Trap t = trap(Engine.create(), fixture(version), "load", 100_000_000);
        assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        List<Trap.Frame> frames = t.backtrace();
        assertThat(frames).extracting(Trap.Frame::functionName).containsExactly("sum_from", "load");
        assertThat(frames.get(0).source()).containsExactly(at("element", 7, 12), at("sum_from", 11, 17));
        assertThat(frames.get(0).sourceFile()).isEqualTo("crash.c");
        assertThat(frames.get(0).sourceLine()).isEqualTo(7);
        assertThat(frames.get(0).sourceColumn()).isEqualTo(12);
        assertThat(frames.get(1).source()).containsExactly(at("load", 20, 12));
        assertThat(frames.get(0)).hasToString(
                "sum_from @0x66 at crash.c:7:12 (inlined: element into sum_from at crash.c:11:17)");
        assertThat(t.describe()).isEqualTo("""
                wasm trap: out of bounds memory access
                wasm backtrace:
                  0: sum_from @0x66
                        at element (crash.c:7:12) [inlined]
                        at sum_from (crash.c:11:17)
                  1: load @0x7b
                        at load (crash.c:20:12)""");
    }

    @Test
    void aCallSiteInsideAnInlinedFunction() throws IOException {
        Trap t = trap(Engine.create(), fixture(5), "_start");
        assertThat(t.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO);
        assertThat(t.backtrace()).extracting(Trap.Frame::source).containsExactly(
                List.of(at("divide", 16, 14)), List.of(at("div", 24, 12), at("start", 32, 16)));
    }

    @Test
    void modulesWithoutDwarfOrWithoutTheirBinaryHaveNoSource() throws IOException {
        byte[] wasm = fixture(5);
        // the same module from its model: no binary, so no code-section offsets to map
        Engine engine = Engine.create();
        Module fromModel = Module.fromModel(engine, BinaryReader.read(wasm));
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), fromModel);
        Trap t = catchThrowableOfType(Trap.class, () -> inst.getFunc("div").orElseThrow().call(Val.i32(1), Val.i32(0)));
        assertThat(t.backtrace()).hasSize(2).allSatisfy(f -> assertThat(f.source()).isEmpty());
        assertThat(fromModel.debugInfo()).isEmpty();
        // with the binary it came from, the model's frames have sources again
        Module withBinary = Module.fromModel(engine, BinaryReader.read(wasm), wasm);
        assertThat(withBinary.debugInfo()).hasValueSatisfying(d -> assertThat(d.summary()).startsWith("DWARF 5"));
        Instance inst2 = Linker.<Void>create(engine).instantiate(Store.create(engine), withBinary);
        Trap t2 = catchThrowableOfType(Trap.class, () -> inst2.getFunc("div").orElseThrow().call(Val.i32(1), Val.i32(0)));
        assertThat(t2.backtrace().get(0).sourceLine()).isEqualTo(16);
    }

    @Test
    void malformedDwarfIsIgnoredAndTrapsStillReport() throws IOException {
        byte[] wasm = fixture(5);
        for (String section : List.of(".debug_line", ".debug_info", ".debug_abbrev", ".debug_str_offsets")) {
            byte[] damaged = wasm.clone();
            CustomSection s = BinaryReader.read(wasm).customSections().stream()
                    .filter(c -> c.name().equals(section)).findFirst().orElseThrow();
            int at = indexOf(damaged, s.data());
            java.util.Arrays.fill(damaged, at, at + s.data().length, (byte) 0xff);
            Trap t = trap(Engine.create(), damaged, "load", 100_000_000);
            assertThat(t.kind()).as(section).isEqualTo(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
            assertThat(t.backtrace()).as(section).extracting(Trap.Frame::functionName)
                    .containsExactly("sum_from", "load");
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("section not found");
    }
}
