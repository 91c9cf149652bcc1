package dev.basalt.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The component-model testsuite ({@code ../shared/component-model-tests}) through {@link WastRunner}, as
 * {@code basalt wast} runs it: a test per directive on each executing engine, named
 * {@code engine/folder/file.wast:line kind}. Known gaps (among them 50 directives of
 * {@code async/}) are listed in {@code component-skips.txt}. After the run, the
 * counts per engine and folder are printed, as {@link SpecTestSuite} does for the core suite.
 */
class ComponentSpecTestSuite {
    private static final Map<String, Counts> COUNTS = new TreeMap<>();
    private static final SpecTestSuite.SkipList SKIPS = loadSkips();

    private static SpecTestSuite.SkipList loadSkips() {
        try (InputStream in = ComponentSpecTestSuite.class.getResourceAsStream("/component-skips.txt")) {
            return SpecTestSuite.SkipList.parse(in == null ? "" : new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read component-skips.txt", e);
        }
    }

    static Optional<Path> locate() {
        String shared = System.getProperty(SpecSuite.PROPERTY);
        List<Path> candidates = new ArrayList<>();
        if (shared != null && !shared.isBlank()) {
            candidates.add(Path.of(shared, "component-model-tests"));
        }
        candidates.add(Path.of("..", "shared", "component-model-tests"));
        return candidates.stream().filter(Files::isDirectory).findFirst().map(p -> p.toAbsolutePath().normalize());
    }

    @TestFactory
    Stream<DynamicNode> componentModelTestsuite() throws IOException {
        Optional<Path> root = locate();
        if (root.isEmpty()) {
            String msg = "SKIPPING the component-model testsuite: not found (-D" + SpecSuite.PROPERTY
                    + "=DIR with DIR/component-model-tests)";
            System.err.println(msg);
            return Stream.of(DynamicTest.dynamicTest("component-model testsuite absent", () -> Assumptions.abort(msg)));
        }
        List<Path> scripts;
        try (Stream<Path> s = Files.walk(root.get())) {
            scripts = s.filter(p -> p.toString().endsWith(".wast") && Files.isRegularFile(p)).sorted().toList();
        }
        List<DynamicNode> engines = new ArrayList<>();
        for (ExecutionBackend backend : ExecutionBackends.forSpecTests()) {
            WastRunner runner = WastRunner.standard(backend);
            List<DynamicNode> files = new ArrayList<>();
            for (Path script : scripts) {
                String name = root.get().relativize(script).toString().replace('\\', '/');
                ScriptResult result = runner.run(script, name);
                String folder = name.contains("/") ? name.substring(0, name.lastIndexOf('/')) : ".";
                String prefix = backend.name() + "/" + name;
                files.add(DynamicContainer.dynamicContainer(prefix, script.toUri(), result.outcomes().stream()
                        .map(o -> test(backend.name(), name, folder, prefix, o))));
            }
            engines.add(DynamicContainer.dynamicContainer(backend.name(), files.stream()));
        }
        return engines.stream();
    }

    private static DynamicNode test(String engine, String file, String folder, String prefix, Outcome o) {
        return DynamicTest.dynamicTest(prefix + ":" + o.line() + " " + o.kind(), () -> {
            Optional<String> known = SKIPS.reason(engine, file, o.line());
            Outcome.Status counted = known.isPresent() && !o.passed() ? Outcome.Status.SKIPPED : o.status();
            record(engine + "/" + folder, counted);
            if (known.isPresent()) {
                if (o.passed()) {
                    fail("listed in component-skips.txt (" + known.get() + ") but passes now: remove the entry");
                }
                throw new SpecTestSuite.Skipped("known gap: " + known.get() + " [" + o.reason() + "]");
            }
            switch (o.status()) {
                case PASSED -> {
                }
                case SKIPPED -> throw new SpecTestSuite.Skipped(o.reason());
                case FAILED -> {
                    if (o.error().isPresent()) {
                        fail(o.reason(), o.error().get());
                    }
                    fail(o.reason());
                }
            }
        });
    }

    private static synchronized void record(String folder, Outcome.Status status) {
        COUNTS.merge(folder, Counts.ZERO.plus(status), Counts::plus);
    }

    @AfterAll
    static synchronized void printSummary() {
        if (COUNTS.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("\nComponent-model testsuite by engine/folder:\n");
        sb.append(String.format("  %-28s %8s %8s %8s%n", "folder", "passed", "failed", "skipped"));
        Counts total = Counts.ZERO;
        for (Map.Entry<String, Counts> e : COUNTS.entrySet()) {
            Counts c = e.getValue();
            sb.append(String.format("  %-28s %8d %8d %8d%n", e.getKey(), c.passed(), c.failed(), c.skipped()));
            total = total.plus(c);
        }
        List<String> unused = SKIPS.unusedKeys();
        if (!unused.isEmpty()) {
            sb.append("component-skips.txt entries that matched no directive (stale?): ").append(unused).append('\n');
        }
        sb.append(total.summary());
        System.out.println(sb);
    }
}
