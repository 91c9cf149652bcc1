package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The arithmetic behind the tables (no timing): spread, the child-process protocol, ratios and geomeans. */
class BenchReportTest {
    @Test
    void spreadIsMinMaxAndMedianAbsoluteDeviation() {
        Measurement m = new Measurement(1, 0.1, 50, new double[] {10, 12, 11, 30, 9}, List.of(7L));
        assertThat(m.runMs()).isEqualTo(11);
        assertThat(m.minRunMs()).isEqualTo(9);
        assertThat(m.maxRunMs()).isEqualTo(30);
        // deviations from 11: 1, 1, 0, 19, 2 -> median 1 -> 1/11 of the median; the outlier does not count.
        assertThat(m.madPercent()).isCloseTo(100.0 / 11, within(1e-9));
        assertThat(BenchMain.Report.spread(m)).isEqualTo("9.0-30.0 ±9.1%");
    }

    @Test
    void childOutputGivesFirstCallApartFromMeasuredCalls() throws IOException {
        Measurement m = ProcessRunner.parse("""
                compile_ns 2000000
                result 42
                first_run_ns 9000000
                instantiate_ns 100000
                run_ns 3000000
                instantiate_ns 300000
                run_ns 1000000
                instantiate_ns 200000
                run_ns 2000000
                """);
        assertThat(m.compileMs()).isEqualTo(2);
        assertThat(m.firstRunMs()).isEqualTo(9);
        assertThat(m.runsMs()).containsExactly(3.0, 1.0, 2.0);
        assertThat(m.runMs()).isEqualTo(2);
        assertThat(m.instantiateMs()).isEqualTo(0.2);
        assertThat(m.correct(42)).isTrue();
    }

    @Test
    void childOutputMayReportItsWarmUpCalls() throws IOException {
        assertThat(ProcessRunner.parse("result 1\nwarmup_calls 57\nrun_ns 5000000\n").warmupCalls()).isEqualTo(57);
        assertThat(ProcessRunner.parse("result 1\nrun_ns 5000000\n").warmupCalls()).isEqualTo(-1);
    }

    @Test
    void graalWasmWarmUpGoesOnWhileCallsStillGetFaster() {
        List<Double> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 19; i++) {
            calls.add(100.0 - i);
        }
        assertThat(GraalWasmRun.improving(calls)).as("fewer than two windows").isTrue();
        calls.add(81.0);
        // windows 100..91 (median 95.5) and 90..81 (median 85.5): more than 5% faster, go on.
        assertThat(GraalWasmRun.improving(calls)).isTrue();
        for (int i = 0; i < 10; i++) {
            calls.add(84.0);
        }
        assertThat(GraalWasmRun.improving(calls)).as("85.5 -> 84 is within 5%").isFalse();
    }

    @Test
    void childOutputWithoutFirstCallLeavesItUnknown() throws IOException {
        Measurement m = ProcessRunner.parse("result 1\nrun_ns 5000000\n");
        assertThat(m.firstRunMs()).isNaN();
        assertThat(m.runMs()).isEqualTo(5);
    }

    @Test
    void ratiosAndGeomeansComeFromMediansAndWrongAnswersAreNotCompared() {
        Workload a = new Workload("a", new byte[0], 1);
        Workload b = new Workload("b", new byte[0], 2);
        Map<String, Map<String, Measurement>> table = new LinkedHashMap<>();
        table.put("a", row(1, 2.0, 8.0, 4.0));
        table.put("b", row(2, 1.0, 3.0, 1.0));
        String md = new BenchMain.Report(List.of(a, b), table).markdown();
        // Over native: v8 2 and 1, basalt-compiler 4 and 3 (geomeans sqrt(2), sqrt(12)); compiler over v8: 2 and 3.
        assertThat(md).contains("| a | 2.00x | 4.00x |").contains("| **geomean** | **1.41x** | **3.46x** |")
                .contains("| basalt-compiler | 3.46x | 2.45x | 1.00x | 2.00x a .. 3.00x b |");

        table.put("b", Map.of("native", ok(2, 1.0), "v8", ok(2, 2.0), "basalt-compiler", ok(3, 1.0)));
        String wrong = new BenchMain.Report(List.of(a, b), table).markdown();
        assertThat(wrong).contains("| b | 2.00x | n/a |").contains("| **geomean** | **2.00x** | **n/a** |")
                .contains("| b | 1.0 | 2.0 | WRONG |");
        assertThat(new BenchMain.Report(List.of(a, b), table).allCorrect()).isFalse();
    }

    @Test
    void coldStartIsReportedWithAndWithoutCompile() {
        Workload a = new Workload("a", new byte[0], 1);
        Map<String, Measurement> row = new LinkedHashMap<>();
        row.put("basalt-compiler", ok(1, 10.0));
        // Two fresh JVMs: first calls 30 and 50 ms, compile + instantiate + first call 130 and 170 ms.
        row.put("basalt-compiler-cold", new Measurement(90, 10, 40, List.of(30.0, 50.0), List.of(130.0, 170.0),
                List.of(1L), null, -1));
        String md = new BenchMain.Report(List.of(a), Map.of("a", row)).markdown();
        assertThat(md).contains("| a | 90.0 | 10.0 | 40.0 | 30.0-50.0 | 150 | 10.0 | 10.0 | 4.00x | 15x |");
    }

    private static Map<String, Measurement> row(long expected, double nativeMs, double compilerMs, double v8Ms) {
        Map<String, Measurement> row = new LinkedHashMap<>();
        row.put("native", ok(expected, nativeMs));
        row.put("v8", ok(expected, v8Ms));
        row.put("basalt-compiler", ok(expected, compilerMs));
        return row;
    }

    private static Measurement ok(long result, double runMs) {
        return new Measurement(1, 0.1, runMs, new double[] {runMs}, List.of(result));
    }
}
