package dev.basalt.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.text.WatParser;
import dev.basalt.wasm.text.WatPrinter;
import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastParser;
import dev.basalt.wasm.wast.WastScript;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Text round trip over every valid module of the spec testsuite: {@code parse(print(m))} equals {@code m}, modulo
 * what the text format cannot express (see {@link WatPrinter}): the name section, how locals were grouped,
 * whether a data count section was present, and the relative order of custom sections placed in different spots.
 */
class TextRoundTripTest {
    private final Frontend frontend = Frontend.standard();

    @TestFactory
    Stream<DynamicNode> printedModulesParseBackToTheSameModule() throws IOException {
        Optional<SpecSuite> suite = SpecSuite.locate();
        if (suite.isEmpty()) {
            String msg = "SKIPPING the text round trip: spec testsuite not found. Looked at " + SpecSuite.searchedPlaces();
            System.err.println(msg);
            return Stream.of(DynamicTest.dynamicTest("spec testsuite absent", () -> Assumptions.abort(msg)));
        }
        List<DynamicNode> files = new ArrayList<>();
        for (SpecSuite.Script script : suite.get().scripts()) {
            WastScript parsed = WastParser.parse(script.name(), Files.readAllBytes(script.path()));
            List<DynamicNode> tests = new ArrayList<>();
            for (Directive d : parsed.directives()) {
                validModuleSource(d).ifPresent(source -> tests.add(DynamicTest.dynamicTest(
                        script.name() + ":" + d.line(), () -> roundTrip(source))));
            }
            if (!tests.isEmpty()) {
                files.add(DynamicContainer.dynamicContainer(script.name(), tests));
            }
        }
        return files.stream();
    }

    /** The modules the suite says are valid. */
    private static Optional<ModuleSource> validModuleSource(Directive d) {
        return switch (d) {
            case Directive.Module m -> Optional.of(m.source());
            case Directive.AssertModuleTrap t -> Optional.of(t.module());
            case Directive.AssertUnlinkable u -> Optional.of(u.module());
            default -> Optional.empty();
        };
    }

    private void roundTrip(ModuleSource source) {
        WasmModule original;
        try {
            original = switch (source) {
                case ModuleSource.Text t -> frontend.parseText(t.text());
                case ModuleSource.Binary b -> frontend.decode(b.bytes());
                case ModuleSource.Quote q -> frontend.parseText(WastRunner.quotedModuleText(q.text()));
                case ModuleSource.Component c -> throw new SpecTestSuite.Skipped("a component, not a core module");
            };
            frontend.validate(original);
        } catch (RuntimeException e) {
            // SpecTestSuite reports modules that do not parse or validate; nothing to round-trip here
            throw new SpecTestSuite.Skipped("the module itself does not parse or validate: " + e.getMessage());
        }
        String text = WatPrinter.print(original);
        WasmModule reparsed = WatParser.parseModule(text);
        assertThat(comparable(reparsed)).as(() -> "printed as:\n" + text).isEqualTo(comparable(original));
    }

    /** The module without what the text format cannot express. */
    static WasmModule comparable(WasmModule m) {
        List<Function> functions = m.functions().stream()
                .map(f -> new Function(f.typeIndex(), mergedLocals(f.locals()), f.body())).toList();
        return new WasmModule(m.recGroups(), m.imports(), functions, m.tables(), m.memories(), m.tags(), m.globals(),
                m.exports(), m.start(), m.elements(), OptionalInt.empty(), m.data(), inBinaryOrder(m.customSections()),
                Optional.empty());
    }

    /** Where the binary format puts sections, by id: custom sections are compared in the order a writer emits them. */
    private static final List<Integer> SECTION_ORDER = List.of(0, 1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11);

    private static List<CustomSection> inBinaryOrder(List<CustomSection> sections) {
        return sections.stream().sorted(Comparator.comparingInt(c -> {
            int rank = SECTION_ORDER.indexOf(c.precedingSectionId());
            return rank < 0 ? SECTION_ORDER.size() : rank;
        })).toList();
    }

    private static List<Locals> mergedLocals(List<Locals> locals) {
        List<Locals> out = new ArrayList<>();
        for (Locals l : locals) {
            if (l.count() == 0) {
                continue;
            }
            int last = out.size() - 1;
            if (last >= 0 && out.get(last).type().equals(l.type())) {
                out.set(last, new Locals(out.get(last).count() + l.count(), l.type()));
            } else {
                out.add(l);
            }
        }
        return out;
    }
}
