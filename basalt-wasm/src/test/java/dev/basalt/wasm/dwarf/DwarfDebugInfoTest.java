package dev.basalt.wasm.dwarf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.binary.BinaryReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The fixture src/test/c/dwarf/crash.c built by build-test-dwarf.sh with DWARF 4 and 5. Expected locations are the
 * source lines of the C file; llvm-symbolizer -i gives the same for these offsets. Code offsets are relative to the
 * code section's contents (which starts at module offset 0x5b in both fixtures).
 */
class DwarfDebugInfoTest {
    static List<CustomSection> sections(int version) throws IOException {
        byte[] wasm = Files.readAllBytes(Path.of("src/test/resources/dwarf/crash-dwarf" + version + ".wasm"));
        return BinaryReader.read(wasm).customSections();
    }

    private static SourceLocation at(String function, int line, int column) {
        return new SourceLocation(function, "crash.c", line, column);
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void mapsOffsetsToLinesWithInlinedFrames(int version) throws IOException {
        DwarfDebugInfo debug = DwarfDebugInfo.parse(sections(version));
        assertThat(debug.problem()).isEmpty();
        // the i32.load of element(), inlined into sum_from() at line 11
        assertThat(debug.locate(0x0b)).containsExactly(at("element", 7, 12), at("sum_from", 11, 17));
        // load()'s call of sum_from()
        assertThat(debug.locate(0x20)).containsExactly(at("load", 20, 12));
        // divide()'s i32.div_s
        assertThat(debug.locate(0x18)).containsExactly(at("divide", 16, 14));
        // the call of divide() in div(), which is inlined into start()
        assertThat(debug.locate(0x49)).containsExactly(at("div", 24, 12), at("start", 32, 16));
        assertThat(debug.summary()).startsWith("DWARF " + version + ": 1 unit, 5 functions (2 inlined)");
    }

    @Test
    void lineZeroTakesTheNearestEarlierLine() throws IOException {
        // 0x0e..0x10 is line 0 (code merged from several lines): the row before it says line 7
        assertThat(DwarfDebugInfo.parse(sections(5)).locate(0x0e)).containsExactly(at("element", 7, 12),
                at("sum_from", 11, 17));
    }

    @Test
    void offsetsOutsideAnyFunctionAreUnknown() throws IOException {
        DwarfDebugInfo debug = DwarfDebugInfo.parse(sections(5));
        assertThat(debug.locate(0)).isEmpty();
        assertThat(debug.locate(0x5a)).isEmpty(); // past the last sequence's end
        assertThat(debug.locate(1L << 40)).isEmpty();
    }

    @Test
    void lineTableAloneGivesLinesWithoutFunctions() throws IOException {
        List<CustomSection> lineOnly = sections(5).stream()
                .filter(s -> !s.name().equals(".debug_info")).toList();
        DwarfDebugInfo debug = DwarfDebugInfo.parse(lineOnly);
        assertThat(debug.locate(0x0b)).containsExactly(new SourceLocation(null, "crash.c", 7, 12));
    }

    @Test
    void modulesWithoutDwarfHaveNone() {
        assertThat(DwarfDebugInfo.present(List.of(new CustomSection("producers", new byte[3], 0)))).isFalse();
        DwarfDebugInfo none = DwarfDebugInfo.parse(List.of());
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.locate(5)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void truncatedSectionsKeepWhatWasReadAndNeverThrow(int version) throws IOException {
        List<CustomSection> original = sections(version);
        for (CustomSection victim : original) {
            if (!victim.name().startsWith(".debug_")) {
                continue;
            }
            for (int cut = 0; cut < victim.data().length; cut += 3) {
                List<CustomSection> damaged = replace(original, victim,
                        java.util.Arrays.copyOf(victim.data(), cut));
                DwarfDebugInfo debug = DwarfDebugInfo.parse(damaged);
                debug.locate(0x0b);
                debug.locate(0x49);
                debug.summary();
            }
        }
        // a line table cut in its first program: reported, and the module still has its functions
        CustomSection line = original.stream().filter(s -> s.name().equals(".debug_line")).findFirst().orElseThrow();
        DwarfDebugInfo cutLine = DwarfDebugInfo.parse(replace(original, line, java.util.Arrays.copyOf(line.data(), 30)));
        assertThat(cutLine.problem()).hasValueSatisfying(p -> assertThat(p).startsWith(".debug_line"));
        assertThat(cutLine.locate(0x0b)).extracting(SourceLocation::function).containsExactly("element", "sum_from");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 5})
    void randomlyCorruptedSectionsNeverThrow(int version) throws IOException {
        List<CustomSection> original = sections(version);
        Random random = new Random(version * 7919L);
        for (int round = 0; round < 3000; round++) {
            List<CustomSection> damaged = new ArrayList<>();
            for (CustomSection s : original) {
                byte[] data = s.data().clone();
                if (s.name().startsWith(".debug_") && data.length > 0 && random.nextInt(3) == 0) {
                    for (int k = 1 + random.nextInt(4); k > 0; k--) {
                        data[random.nextInt(data.length)] = (byte) random.nextInt(256);
                    }
                }
                damaged.add(new CustomSection(s.name(), data, s.precedingSectionId()));
            }
            DwarfDebugInfo debug = DwarfDebugInfo.parse(damaged);
            for (long a = 0; a < 0x5c; a += 5) {
                debug.locate(a);
            }
        }
    }

    private static List<CustomSection> replace(List<CustomSection> all, CustomSection victim, byte[] data) {
        return all.stream().map(s -> s == victim ? new CustomSection(s.name(), data, s.precedingSectionId()) : s)
                .toList();
    }
}
