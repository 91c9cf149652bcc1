package dev.basalt.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Tells the machine's slow stretches apart from a JIT's modes (issue 4, fib's "bimodality"): in ONE JVM, rounds of
 * one call each of a workload on Basalt's compiler and on Endive's, then three plain-Java controls that involve no Wasm
 * runtime at all: a call-bound recursion (javac's {@code fib(30)}), a throughput-bound loop (four independent
 * add/xor chains) and a latency-bound loop (one dependent multiply chain). Run by hand:
 *
 * <pre>java -Xss16m -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.MachineStretches fib 150 10</pre>
 *
 * <p>Arguments: workload (default fib), timed rounds (default 150), warm-up rounds (default 10); {@code --trace}
 * also prints every round's thread CPU per series. A call is slow when it takes more than 1.4x its series' tenth
 * percentile. It prints per series its tenth percentile, median and slow calls, how often each series is slow in the
 * rounds where Basalt's call is slow and in the rounds where it is not, and in how many rounds Basalt's call was
 * faster than Endive's one next to it. If the controls slow down in the same rounds as the Wasm calls, the machine
 * slowed the thread for everyone (a JVM's compiled code cannot make plain javac code slower); a JIT mode shows as a
 * Basalt-only slowdown that lasts the whole run.
 *
 * <p>What it showed (session 10, load average 13-16, AMD EPYC under KVM): fib's calls on every runtime go 1.6-2x
 * slower in stretches of a few to 30 consecutive rounds; the javac recursion and the throughput loop slow in the same
 * rounds, the latency-bound loop never does.
 */
public final class MachineStretches {
    private MachineStretches() {
    }

    /** A call this much slower than its series' tenth percentile counts as slow. */
    static final double SLOW = 1.4;

    public static void main(String[] args) {
        boolean trace = Arrays.asList(args).contains("--trace");
        List<String> positional = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        String workload = positional.size() > 0 ? positional.get(0) : "fib";
        int rounds = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 150;
        int warmup = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 10;

        Map<String, LongSupplier> series = new LinkedHashMap<>();
        series.put("basalt", SameJvmAB.Call.basalt(workload, "NONE"));
        series.put("endive", SameJvmAB.Call.of(new EndiveCompilerRunner(), workload));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        series.put("java-calls", timed(threads, () -> javaFib(30)));
        series.put("throughput", timed(threads, () -> throughput(20_000_000)));
        series.put("latency", timed(threads, () -> latency(10_000_000)));

        List<String> names = new ArrayList<>(series.keySet());
        double[][] ms = new double[names.size()][rounds];
        for (int r = 0; r < warmup + rounds; r++) {
            for (int s = 0; s < names.size(); s++) {
                long cpu = series.get(names.get(s)).getAsLong();
                if (r >= warmup) {
                    ms[s][r - warmup] = cpu / 1e6;
                }
            }
        }
        System.out.println(report(workload, names, ms, trace));
    }

    /** The analysis of {@code ms[series][round]} (series 0 is Basalt's, series 1 Endive's). */
    static String report(String workload, List<String> names, double[][] ms, boolean trace) {
        int rounds = ms[0].length;
        boolean[][] slow = new boolean[names.size()][rounds];
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%s: %d rounds, thread CPU per call (ms); slow = more than %.1fx the series' 10th percentile%n",
                workload, rounds, SLOW));
        for (int s = 0; s < names.size(); s++) {
            double[] sorted = ms[s].clone();
            Arrays.sort(sorted);
            double p10 = sorted[rounds / 10];
            int count = 0;
            for (int r = 0; r < rounds; r++) {
                slow[s][r] = ms[s][r] > SLOW * p10;
                count += slow[s][r] ? 1 : 0;
            }
            out.append(String.format(Locale.ROOT, "  %-10s p10 %7.2f  median %7.2f  slow %3d%n",
                    names.get(s), p10, sorted[rounds / 2], count));
        }
        int basaltSlow = 0;
        for (boolean b : slow[0]) {
            basaltSlow += b ? 1 : 0;
        }
        for (int s = 1; s < names.size(); s++) {
            int whenSlow = 0;
            int whenFast = 0;
            for (int r = 0; r < rounds; r++) {
                if (slow[s][r]) {
                    if (slow[0][r]) {
                        whenSlow++;
                    } else {
                        whenFast++;
                    }
                }
            }
            out.append(String.format(Locale.ROOT, "  %-10s slow in %d of the %d rounds Basalt is slow, in %d of the %d"
                    + " others%n", names.get(s), whenSlow, basaltSlow, whenFast, rounds - basaltSlow));
        }
        int basaltFaster = 0;
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratio[r] = ms[1][r] / ms[0][r];
            basaltFaster += ratio[r] > 1 ? 1 : 0;
        }
        Arrays.sort(ratio);
        out.append(String.format(Locale.ROOT, "  Basalt faster than Endive's call next to it in %d of %d rounds, "
                + "median Endive/Basalt %.2f%n", basaltFaster, rounds, ratio[rounds / 2]));
        if (trace) {
            for (int s = 0; s < names.size(); s++) {
                out.append(String.format(Locale.ROOT, "  %-10s", names.get(s)));
                for (double v : ms[s]) {
                    out.append(String.format(Locale.ROOT, " %5.1f", v));
                }
                out.append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    private static volatile int sink;

    private static LongSupplier timed(ThreadMXBean threads, java.util.function.IntSupplier work) {
        return () -> {
            long start = threads.getCurrentThreadCpuTime();
            sink += work.getAsInt();
            return threads.getCurrentThreadCpuTime() - start;
        };
    }

    /** Call-bound: the naive recursion as javac compiles it. */
    static int javaFib(int n) {
        return n < 2 ? n : javaFib(n - 1) + javaFib(n - 2);
    }

    /** Throughput-bound: four independent chains per iteration. */
    static int throughput(int n) {
        int a = 1;
        int b = 2;
        int c = 3;
        int d = 4;
        for (int i = 0; i < n; i++) {
            a += i;
            b ^= i;
            c += a;
            d ^= b;
        }
        return a + b + c + d;
    }

    /** Latency-bound: one chain of dependent multiplies. */
    static int latency(int n) {
        int x = 1;
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            x ^= x >>> 13;
        }
        return x;
    }
}
