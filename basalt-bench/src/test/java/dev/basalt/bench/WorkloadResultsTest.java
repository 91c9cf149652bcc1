package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every benchmark workload computes on Basalt exactly what the same C computes natively: benchmarks only mean
 * something when the answers are right. (Timing lives in {@link BenchMain}, never in tests.)
 */
class WorkloadResultsTest {
    @TestFactory
    List<DynamicTest> basaltInterpreterMatchesNative() {
        return matchesNative(new BasaltInterpreterRunner());
    }

    @TestFactory
    List<DynamicTest> basaltCompilerMatchesNative() {
        return matchesNative(new BasaltCompilerRunner());
    }

    private static List<DynamicTest> matchesNative(JvmRunner runner) {
        return Workload.all().stream()
                .map(w -> DynamicTest.dynamicTest(w.name(),
                        () -> assertThat(runner.runOnce(w.wasm())).isEqualTo(w.expected())))
                .toList();
    }
}
