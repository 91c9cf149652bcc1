package dev.basalt.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.TestAbortedException;

/**
 * The WebAssembly spec testsuite through {@link WastRunner}, the same runner as {@code basalt wast}: a container
 * per engine and script, a test per directive, named {@code engine/file.wast:line kind}. Directives the runner
 * skips (no engine yet) and known gaps listed in {@code spec-skips.txt} are reported as skipped (aborted) tests.
 *
 * <p>Scripts are run ahead on a small thread pool; each container waits for its script's outcomes.
 * After the run, a table of counts per suite folder and the line {@code N passed, N failed, N skipped} are printed.
 */
class SpecTestSuite {
    private static final Map<String, Counts> COUNTS = new TreeMap<>();
    private static final SkipList SKIPS = SkipList.load();
    private static ExecutorService pool;

    @TestFactory
    Stream<DynamicNode> specTestsuite() {
        Optional<SpecSuite> suite = SpecSuite.locate();
        if (suite.isEmpty()) {
            String msg = "SKIPPING the spec testsuite: not found. Looked at " + SpecSuite.searchedPlaces();
            System.err.println(msg);
            // a visible skipped test rather than an empty factory
            return Stream.of(DynamicTest.dynamicTest("spec testsuite absent", () -> Assumptions.abort(msg)));
        }
        List<SpecSuite.Script> scripts = suite.get().scripts();
        pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                r -> {
                    Thread t = new Thread(null, r, "spec", 64L << 20);
                    t.setDaemon(true);
                    return t;
                });
        List<DynamicNode> engines = new ArrayList<>();
        for (ExecutionBackend backend : ExecutionBackends.forSpecTests()) {
            WastRunner runner = WastRunner.standard(backend);
            List<DynamicNode> files = new ArrayList<>();
            for (SpecSuite.Script script : scripts) {
                CompletableFuture<ScriptResult> result = CompletableFuture.supplyAsync(
                        () -> runner.run(script.path(), script.name()), pool);
                String prefix = backend.name() + "/" + script.name();
                files.add(DynamicContainer.dynamicContainer(prefix, script.path().toUri(),
                        Stream.of(script).flatMap(s -> result.join().outcomes().stream()
                                .map(o -> test(backend.name(), s, prefix, o)))));
            }
            engines.add(DynamicContainer.dynamicContainer(backend.name(), files.stream()));
        }
        return engines.stream();
    }

    private static DynamicNode test(String engine, SpecSuite.Script script, String prefix, Outcome o) {
        return DynamicTest.dynamicTest(prefix + ":" + o.line() + " " + o.kind(), () -> {
            Optional<String> known = SKIPS.reason(engine, script.name(), o.line());
            Outcome.Status counted = known.isPresent() && !o.passed() ? Outcome.Status.SKIPPED : o.status();
            record(engine + "/" + script.folder(), counted);
            if (counted == Outcome.Status.SKIPPED && known.isEmpty()) {
                recordSkip(engine, o.reason());
            }
            if (known.isPresent()) {
                if (o.passed()) {
                    fail("listed in spec-skips.txt (" + known.get() + ") but passes now: remove the entry");
                }
                throw new Skipped("known gap: " + known.get() + " [" + o.reason() + "]");
            }
            switch (o.status()) {
                case PASSED -> {
                }
                case SKIPPED -> throw new Skipped(o.reason());
                case FAILED -> {
                    if (o.error().isPresent()) {
                        fail(o.reason(), o.error().get());
                    }
                    fail(o.reason());
                }
            }
        });
    }

    /**
     * A skipped directive. Tens of thousands are skipped until an engine exists; without a stack trace each costs
     * the test run almost nothing (the trace would only point at this class).
     */
    static final class Skipped extends TestAbortedException {
        private static final long serialVersionUID = 1L;

        Skipped(String reason) {
            super(reason);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** Skip reasons per engine, for the summary: what keeps each engine from running the whole suite. */
    private static final Map<String, Map<String, Integer>> SKIP_REASONS = new java.util.TreeMap<>();

    private static synchronized void recordSkip(String engine, String reason) {
        SKIP_REASONS.computeIfAbsent(engine, e -> new java.util.HashMap<>()).merge(reason, 1, Integer::sum);
    }

    private static synchronized void record(String folder, Outcome.Status status) {
        COUNTS.merge(folder, Counts.ZERO.plus(status), Counts::plus);
    }

    @AfterAll
    static synchronized void printSummary() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (COUNTS.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("\nSpec testsuite by engine/folder:\n");
        sb.append(String.format("  %-28s %8s %8s %8s%n", "folder", "passed", "failed", "skipped"));
        Counts total = Counts.ZERO;
        for (Map.Entry<String, Counts> e : COUNTS.entrySet()) {
            Counts c = e.getValue();
            sb.append(String.format("  %-28s %8d %8d %8d%n", e.getKey(), c.passed(), c.failed(), c.skipped()));
            total = total.plus(c);
        }
        for (Map.Entry<String, Map<String, Integer>> e : SKIP_REASONS.entrySet()) {
            sb.append("Most frequent skip reasons, ").append(e.getKey()).append(":\n");
            e.getValue().entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(15)
                    .forEach(r -> sb.append(String.format("  %8d  %s%n", r.getValue(), r.getKey())));
        }
        List<String> unused = SKIPS.unusedKeys();
        if (!unused.isEmpty()) {
            sb.append("spec-skips.txt entries that matched no directive (stale?): ").append(unused).append('\n');
        }
        sb.append(total.summary());
        System.out.println(sb);
    }

    /**
     * Known gaps: {@code src/test/resources/spec-skips.txt}, one {@code [engine/]file.wast:line  reason} a line,
     * {@code #} comments. Every entry needs a reason.
     */
    static final class SkipList {
        private final Map<String, String> reasons;
        private final java.util.Set<String> used = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private SkipList(Map<String, String> reasons) {
            this.reasons = reasons;
        }

        static SkipList load() {
            try (InputStream in = SpecTestSuite.class.getResourceAsStream("/spec-skips.txt")) {
                return in == null ? new SkipList(Map.of())
                        : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read spec-skips.txt", e);
            }
        }

        static SkipList parse(String text) {
            Map<String, String> reasons = new TreeMap<>();
            int lineNo = 0;
            for (String line : text.split("\n")) {
                lineNo++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split("\\s+", 2);
                if (parts.length < 2 || !parts[0].matches(".+\\.wast:\\d+")) {
                    throw new IllegalStateException("spec-skips.txt line " + lineNo
                            + ": expected '[engine/]file.wast:line  reason', got: " + l);
                }
                reasons.put(parts[0], parts[1].strip());
            }
            return new SkipList(reasons);
        }

        Optional<String> reason(String engine, String file, int line) {
            String key = file + ":" + line;
            for (String k : List.of(engine + "/" + key, key)) {
                String r = reasons.get(k);
                if (r != null) {
                    used.add(k);
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }

        List<String> unusedKeys() {
            return reasons.keySet().stream().filter(k -> !used.contains(k)).toList();
        }
    }
}
