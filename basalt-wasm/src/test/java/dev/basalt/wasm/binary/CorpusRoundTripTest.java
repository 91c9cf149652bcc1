package dev.basalt.wasm.binary;

import dev.basalt.wasm.SpecTestsuite;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.wasm.BasaltException;
import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.text.WatParser;
import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastParser;
import dev.basalt.wasm.wast.WastScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Binary round trip over the whole spec testsuite: every module of every .wast file that parses (WAT text,
 * {@code module quote} or {@code module binary}), outside {@code assert_malformed}, must satisfy
 * {@code read(write(m)).equals(m)}, and writing must be idempotent ({@code write(read(write(m)))} equals
 * {@code write(m)}).
 */
class CorpusRoundTripTest {

    @Test
    void everyModuleOfTheSuiteSurvivesWriteAndRead() throws IOException {
        Path suite = SpecTestsuite.dir();
        Assumptions.assumeTrue(suite != null,
                "SKIPPED: spec testsuite not found (set BASALT_WASM_TESTSUITE or -Dbasalt.shared)");
        int text = 0;
        int binary = 0;
        int unparsable = 0;
        List<String> failures = new ArrayList<>();
        for (Path file : SpecTestsuite.wastFiles(suite)) {
            String name = suite.relativize(file).toString();
            WastScript script = WastParser.parse(name, Files.readAllBytes(file));
            for (Directive d : script.directives()) {
                ModuleSource source = switch (d) {
                    case Directive.Module m -> m.source();
                    case Directive.AssertInvalid a -> a.module();
                    case Directive.AssertUnlinkable a -> a.module();
                    case Directive.AssertModuleTrap a -> a.module();
                    default -> null;
                };
                if (source == null) {
                    continue;
                }
                WasmModule module;
                try {
                    module = switch (source) {
                        case ModuleSource.Text t -> WatParser.parseModule(t.text());
                        case ModuleSource.Quote q -> WatParser.parseModule("(module " + q.text() + ")");
                        case ModuleSource.Binary b -> BinaryReader.read(b.bytes());
                        case ModuleSource.Component c -> throw new IllegalStateException("a component in the core corpus: " + c);
                    };
                } catch (BasaltException e) {
                    unparsable++;
                    continue;
                }
                if (source instanceof ModuleSource.Binary) {
                    binary++;
                } else {
                    text++;
                }
                String where = name + ":" + d.line();
                try {
                    byte[] bytes = BinaryWriter.write(module);
                    WasmModule back = BinaryReader.read(bytes);
                    if (!back.equals(withCustomSectionsInBinaryOrder(module))) {
                        failures.add(where + ": decoded module differs");
                    } else if (!java.util.Arrays.equals(BinaryWriter.write(back), bytes)) {
                        failures.add(where + ": writing is not idempotent");
                    }
                } catch (RuntimeException e) {
                    failures.add(where + ": " + e);
                }
            }
        }
        System.out.printf("binary corpus round trip: %d text modules, %d binary modules, %d not parsable, "
                + "%d failures%n", text, binary, unparsable, failures.size());
        assertThat(text).isGreaterThan(1000);
        assertThat(failures).isEmpty();
    }

    /**
     * The text format lists {@code @custom} annotations in source order, while a binary can only hold them in
     * section order; the binary round trip preserves each custom section's place and the relative order of those
     * sharing a place, so compare against that (stable) order.
     */
    private static WasmModule withCustomSectionsInBinaryOrder(WasmModule m) {
        List<CustomSection> sorted = new ArrayList<>(m.customSections());
        sorted.sort(Comparator.comparingInt(c -> c.precedingSectionId() == 0 ? -1
                : BinaryReader.rankOf(c.precedingSectionId())));
        return new WasmModule(m.recGroups(), m.imports(), m.functions(), m.tables(), m.memories(), m.tags(),
                m.globals(), m.exports(), m.start(), m.elements(), m.dataCount(), m.data(), sorted, m.names());
    }
}
