package dev.basalt.testkit;

import static org.junit.jupiter.api.Assertions.fail;

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
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential test over the whole spec testsuite: every module, {@code assert_return}, {@code assert_trap}
 * (and every other executing directive) runs on the interpreter and on the compiler through
 * {@link DifferentialBackend}; a test per script fails when the engines disagree anywhere in it (different values,
 * one traps and the other does not, different trap kinds), whatever the script expected. Failures on which both
 * engines agree are the spec suite's business ({@link SpecTestSuite}) and are only counted here; modules the
 * compiler cannot translate yet are counted as skipped, with the compiler's reason, in the summary printed at the end.
 */
class DifferentialSpecTest {
    private static final Map<String, Integer> SKIP_REASONS = new TreeMap<>();
    private static final List<String> AGREEING_FAILURES = new ArrayList<>();
    private static long compared;
    private static long disagreements;
    private static long skipped;
    private static ExecutorService pool;

    @TestFactory
    Stream<DynamicNode> interpreterAndCompilerAgree() {
        Optional<SpecSuite> suite = SpecSuite.locate();
        if (suite.isEmpty()) {
            String msg = "SKIPPING the differential spec test: suite not found. Looked at " + SpecSuite.searchedPlaces();
            System.err.println(msg);
            return Stream.of(DynamicTest.dynamicTest("spec testsuite absent", () -> Assumptions.abort(msg)));
        }
        pool = Executors.newFixedThreadPool(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                r -> {
                    Thread t = new Thread(null, r, "differential", 64L << 20);
                    t.setDaemon(true);
                    return t;
                });
        WastRunner runner = WastRunner.standard(DifferentialBackend.INTERPRETER_VS_COMPILER);
        List<DynamicNode> tests = new ArrayList<>();
        for (SpecSuite.Script script : suite.get().scripts()) {
            CompletableFuture<ScriptResult> result = CompletableFuture.supplyAsync(
                    () -> runner.run(script.path(), script.name()), pool);
            tests.add(DynamicTest.dynamicTest(script.name(), script.path().toUri(), () -> check(result.join())));
        }
        return tests.stream();
    }

    private static void check(ScriptResult result) {
        List<String> disagreeing = new ArrayList<>();
        synchronized (DifferentialSpecTest.class) {
            for (Outcome o : result.outcomes()) {
                if (o.skipped()) {
                    skipped++;
                    SKIP_REASONS.merge(o.reason(), 1, Integer::sum);
                    continue;
                }
                compared++;
                if (o.failed() && o.reason().contains(DifferentialBackend.Disagreement.PREFIX)) {
                    disagreements++;
                    disagreeing.add(result.file() + ":" + o.line() + " " + o.kind() + ": " + o.reason());
                } else if (o.failed()) {
                    AGREEING_FAILURES.add(result.file() + ":" + o.line() + " " + o.kind() + ": " + o.reason());
                }
            }
        }
        if (!disagreeing.isEmpty()) {
            fail(disagreeing.size() + " disagreement(s) between interpreter and compiler:\n  "
                    + String.join("\n  ", disagreeing.subList(0, Math.min(20, disagreeing.size()))));
        }
    }

    @AfterAll
    static synchronized void printSummary() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (compared + skipped == 0) {
            return;
        }
        StringBuilder sb = new StringBuilder("\nDifferential spec test, interpreter vs compiler: ")
                .append(compared).append(" directives run on both, ").append(disagreements)
                .append(" disagreements, ").append(DifferentialBackend.INTERPRETER_VS_COMPILER.toleratedNanDifferences())
                .append(" results that differed only in NaN sign or payload (allowed, see DifferentialBackend), ").append(AGREEING_FAILURES.size())
                .append(" failures on which both engines agree, ").append(skipped)
                .append(" skipped (compiler cannot translate the module yet)\n");
        AGREEING_FAILURES.stream().limit(10).forEach(f -> sb.append("  agreeing failure: ").append(f).append('\n'));
        sb.append("Most frequent skip reasons:\n");
        SKIP_REASONS.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(15)
                .forEach(e -> sb.append(String.format("  %8d  %s%n", e.getValue(), e.getKey())));
        System.out.println(sb);
    }
}
