package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cold-start harness: a real child JVM reports its first call, its JIT work and its compiles (no timing
 * asserted), and the parent's reading and summary of children's lines.
 */
class ColdStartTest {
    @Test
    void freshJvmReportsFirstCallSteadyStateAndTheCallsCompiles() throws IOException {
        Workload sort = Workload.all().stream().filter(w -> w.name().equals("sort")).findFirst().orElseThrow();

        ColdStart.Run run = ColdStart.Run.parse(ProcessRunner.run(ColdStart.childCommand("", "sort", 2)));

        assertThat(run.result()).isEqualTo(sort.expected());
        assertThat(run.expected()).isEqualTo(sort.expected());
        assertThat(run.firstCallCpuMs()).isPositive();
        assertThat(run.firstCallWallMs()).isPositive();
        assertThat(run.steadyCpuMs()).isPositive();
        assertThat(run.c1CpuMs()).isNotNegative();
        assertThat(run.c2CpuMs()).isNotNegative();
        // the module's classes are new in this JVM: what ran sort's first call was JIT-compiled during it
        assertThat(run.compiles()).isNotEmpty().allSatisfy(c -> {
            assertThat(c.method()).isNotBlank();
            assertThat(c.level()).isBetween(1, 4);
            assertThat(c.endMs()).isGreaterThanOrEqualTo(c.startMs());
        });
        int inGenerated = run.samples().values().stream().mapToInt(n -> n[0]).sum();
        assertThat(inGenerated).isLessThanOrEqualTo(run.samplesTotal());
        assertThat(run.samples().values()).allSatisfy(n -> assertThat(n[1]).isBetween(0, n[0]));
    }

    private static String child(long cpuNs, long result, String extra) {
        return "result " + result + " expected 42\n"
                + "first_call_cpu_ns " + cpuNs + "\n"
                + "first_call_wall_ns " + 2 * cpuNs + "\n"
                + "process_cpu_ns " + 3 * cpuNs + "\n"
                + "c1_cpu_ns 1000000\n"
                + "c2_cpu_ns 4000000\n"
                + "steady_cpu_ns 2000000\n"
                + "samples_total 10\n"
                + extra;
    }

    @Test
    void summaryTakesMediansAndTheMedianRunsTimeline() throws IOException {
        ColdStart.Run slow = ColdStart.Run.parse(child(90_000_000, 42, ""));
        ColdStart.Run middle = ColdStart.Run.parse(child(40_000_000, 42, """
                samples f0$loop1 8 6
                samples f0 2 2
                compile f0$loop1 4 false true 30.00 35.50 2048
                compile f0$loop1 3 true true 2.00 3.00 512
                deopt f0$loop1 36.00 17 unstable_if
                """));
        ColdStart.Run fast = ColdStart.Run.parse(child(20_000_000, 7, ""));

        ColdStart.Summary s = ColdStart.Summary.of("w", 1, "b.jar", List.of(slow, middle, fast));

        assertThat(s.firstCallCpuMs()).isCloseTo(40.0, within(1e-9));
        assertThat(s.processCpuMs()).isCloseTo(120.0, within(1e-9));
        assertThat(s.steadyCpuMs()).isCloseTo(2.0, within(1e-9));
        assertThat(s.median()).isSameAs(middle);
        // compiles sorted by when they were installed; the first C2 code of the hottest method
        assertThat(middle.compiles()).extracting(ColdStart.Compile::level).containsExactly(3, 4);
        assertThat(middle.firstC2Ms("f0$loop1")).isCloseTo(35.5, within(1e-9));
        assertThat(middle.firstC2Ms("f0")).isNaN();
        assertThat(middle.hottest(1)).extracting(Map.Entry::getKey).containsExactly("f0$loop1");
        String text = s.format();
        assertThat(text).startsWith("w [1] b.jar, 3 fresh JVMs, medians: first call 40.0 ms")
                .contains("first/steady 20.0x")
                .contains("WRONG results: [7 (expected 42)]")
                .contains("f0$loop1        80% of samples (75% of its own interpreted): C1 OSR +2..3, C2 +30..36,"
                        + " deopt +36 bci 17 unstable_if")
                .contains("bound: the hottest method, f0$loop1, had C2 code from +36 ms of 80 ms wall (44%)");
        assertThat(ColdStart.table(List.of(s))).contains("| w | [1] b.jar | 40.0 | 120.0 | 5.0 (1.0 / 4.0) | 2.00 | 20.0x |");
    }

    @Test
    void unknownOrMissingLinesAreErrors() {
        assertThatThrownBy(() -> ColdStart.Run.parse(child(1, 42, "surprise 1\n")))
                .isInstanceOf(IOException.class).hasMessageContaining("unexpected output: surprise 1");
        assertThatThrownBy(() -> ColdStart.Run.parse("result 1 expected 1\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("no first_call_cpu_ns");
    }

    @Test
    void compilerThreadsCpuIsTheirGrowthAndNewThreadsCountWhole() {
        Map<Long, long[]> before = Map.of(1L, new long[] {0, 100}, 2L, new long[] {1, 50}, 3L, new long[] {2, 10});
        Map<Long, long[]> after = Map.of(1L, new long[] {0, 900}, 2L, new long[] {1, 80}, 3L, new long[] {2, 40},
                4L, new long[] {2, 5});

        assertThat(ColdStart.TaskCpu.compilerDelta(before, after)).containsExactly(30, 35);
    }
}
