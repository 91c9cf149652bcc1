package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --fork}: an in-process runtime measured in a child JVM reports what it would have measured here. */
class ForkedRunTest {
    @Test
    void reportReadsBackAsTheSameMeasurement() throws IOException {
        Measurement m = new Measurement(12.5, 0.25, 40.0, List.of(3.0, 4.5), List.of(), List.of(832040L), null, 57);
        Measurement back = ProcessRunner.parse(ForkedRun.report(m));
        assertThat(back.compileMs()).isCloseTo(12.5, within(1e-6));
        assertThat(back.instantiateMs()).isCloseTo(0.25, within(1e-6));
        assertThat(back.firstRunMs()).isCloseTo(40.0, within(1e-6));
        assertThat(back.runsMs()).containsExactly(3.0, 4.5);
        assertThat(back.results()).containsExactly(832040L);
        assertThat(back.warmupCalls()).isEqualTo(57);
    }

    @Test
    void childJvmMeasuresTheWorkloadWithTheGivenCounts() {
        Workload fib = Workload.all().stream().filter(w -> w.name().equals("fib")).findFirst().orElseThrow();
        ForkedRun forked = new ForkedRun(BenchMain.inProcessRunner("basalt-compiler"));
        assertThat(forked.name()).isEqualTo("basalt-compiler");
        Measurement m = forked.measure(fib, 1, 3);
        assertThat(m.failure()).isNull();
        assertThat(m.correct(fib.expected())).isTrue();
        assertThat(m.runsMs()).hasSize(3);
        assertThat(m.compileMs()).isPositive();
    }
}
