package dev.basalt.wasm.validate;

import dev.basalt.wasm.SpecTestsuite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.basalt.wasm.BasaltException;
import dev.basalt.wasm.Features;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.binary.BinaryReader;
import dev.basalt.wasm.text.WatParser;
import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastParser;
import dev.basalt.wasm.wast.WastScript;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * The validator against the spec testsuite: every {@code assert_invalid} module must be rejected with an
 * {@link InvalidException} whose reason starts with the expected text, and every plain {@code (module ...)} (and
 * every module of {@code assert_unlinkable} and {@code assert_trap}) must validate. One dynamic test per directive, named {@code validate/<file>:<line>}. Modules the parsers cannot read
 * are aborted (reported, not judged here: that is the parsers' suite). Known gaps are listed in
 * {@code validation-skips.txt} with a reason.
 */
class SpecValidationTest {
    /** Per file: [passed, failed, aborted (parse error or skip)]. */
    private static final Map<String, int[]> COUNTS = new ConcurrentHashMap<>();

    static Map<String, String> skips() throws IOException {
        Map<String, String> skips = new HashMap<>();
        try (InputStream in = SpecValidationTest.class.getResourceAsStream("validation-skips.txt")) {
            if (in == null) {
                return skips;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int space = line.indexOf(' ');
                skips.put(line.substring(0, space), line.substring(space + 1));
            }
        }
        return skips;
    }

    @TestFactory
    Stream<DynamicNode> specSuite() throws IOException {
        Path root = SpecTestsuite.dir();
        if (root == null) {
            String why = "SKIPPED: wasm-testsuite not found (set -Dbasalt.shared or BASALT_WASM_TESTSUITE); "
                    + "the spec validation suite did not run";
            System.err.println(why);
            Assumptions.abort(why);
        }
        Map<String, String> skips = skips();
        List<DynamicNode> files = new ArrayList<>();
        for (Path file : SpecTestsuite.wastFiles(root)) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            files.add(DynamicContainer.dynamicContainer(rel, Stream.of(0).flatMap(x -> directives(file, rel, skips))));
        }
        return files.stream();
    }

    private static Stream<DynamicNode> directives(Path file, String rel, Map<String, String> skips) {
        WastScript script;
        try {
            script = WastParser.parse(rel, Files.readAllBytes(file));
        } catch (IOException | BasaltException e) {
            return Stream.of(DynamicTest.dynamicTest("validate/" + rel, () -> {
                count(rel, 2);
                throw new TestAbortedException("script does not parse: " + e.getMessage());
            }));
        }
        List<DynamicNode> tests = new ArrayList<>();
        for (Directive d : script.directives()) {
            String key = rel + ":" + d.line();
            ModuleSource source;
            String expected;
            if (d instanceof Directive.Module m) {
                source = m.source();
                expected = null;
            } else if (d instanceof Directive.AssertUnlinkable u) {
                // Linking and instantiation come after validation: these modules must be valid.
                source = u.module();
                expected = null;
            } else if (d instanceof Directive.AssertModuleTrap t) {
                source = t.module();
                expected = null;
            } else if (d instanceof Directive.AssertInvalid a && !a.custom()) {
                source = a.module();
                expected = a.message();
            } else {
                continue;
            }
            tests.add(DynamicTest.dynamicTest("validate/" + key, () -> check(rel, key, source, expected, skips)));
        }
        return tests.stream();
    }

    private static void check(String rel, String key, ModuleSource source, String expected, Map<String, String> skips) {
        if (skips.containsKey(key)) {
            count(rel, 2);
            throw new TestAbortedException("skipped: " + skips.get(key));
        }
        WasmModule module;
        try {
            module = switch (source) {
                case ModuleSource.Text t -> WatParser.parseModule(t.text(), SpecTestsuite.features(rel));
                case ModuleSource.Quote q -> WatParser.parseModule("(module " + q.text() + ")", SpecTestsuite.features(rel));
                case ModuleSource.Binary b -> BinaryReader.read(b.bytes());
                case ModuleSource.Component c -> throw new IllegalStateException("a component in the core suite: " + c);
            };
        } catch (BasaltException e) {
            count(rel, 2);
            throw new TestAbortedException("module does not parse: " + e.getMessage());
        }
        try {
            Validator.validate(module, SpecTestsuite.features(rel));
            if (expected != null) {
                count(rel, 1);
                fail("expected invalid module (\"" + expected + "\") but it validated");
            }
        } catch (InvalidException e) {
            if (expected == null) {
                count(rel, 1);
                fail("valid module rejected: " + e.getMessage(), e);
            }
            if (!e.reason().startsWith(expected)) {
                count(rel, 1);
            }
            assertThat(e.reason()).as("reason of the InvalidException").startsWith(expected);
        }
        count(rel, 0);
    }

    private static void count(String file, int slot) {
        COUNTS.computeIfAbsent(file, f -> new int[3])[slot]++;
    }

    @AfterAll
    static void summary() {
        if (COUNTS.isEmpty()) {
            return;
        }
        int[] total = new int[3];
        StringBuilder sb = new StringBuilder("Spec validation suite (passed / failed / not judged):\n");
        for (Map.Entry<String, int[]> e : new TreeMap<>(COUNTS).entrySet()) {
            int[] c = e.getValue();
            sb.append(String.format("  %-45s %5d %5d %5d%n", e.getKey(), c[0], c[1], c[2]));
            for (int i = 0; i < 3; i++) {
                total[i] += c[i];
            }
        }
        sb.append(String.format("  %-45s %5d %5d %5d%n", "TOTAL", total[0], total[1], total[2]));
        System.out.print(sb);
    }
}
