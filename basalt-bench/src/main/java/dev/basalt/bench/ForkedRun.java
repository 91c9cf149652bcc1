package dev.basalt.bench;

import java.util.List;
import java.util.Locale;

/**
 * A runtime that runs in this JVM (Basalt's engines, Endive's), measured in a fresh JVM of its own per workload:
 * {@code --fork}, the default. Runtimes measured one after another in one JVM share its JIT state: HotSpot's
 * profiles of shared code (the runtime's own interpreter, helpers, the JDK's), the code cache and the compile queue,
 * so a workload's figure depended on which workloads and runtimes ran before it (hash 15 ms alone, 18-22 ms after
 * deflate and the interpreter). {@link #main} is the child's side: it measures as the runtime does in process and
 * prints the measurement in the lines {@link ProcessRunner#parse} reads.
 */
final class ForkedRun extends ProcessRunner {
    private final JvmRunner inProcess;

    ForkedRun(JvmRunner inProcess) {
        this.inProcess = inProcess;
    }

    @Override
    public String name() {
        return inProcess.name();
    }

    @Override
    public boolean slow() {
        return inProcess.slow();
    }

    @Override
    List<String> command(Workload workload, int warmup, int iterations) {
        return childJvm(ForkedRun.class, inProcess.name(), workload.name(), String.valueOf(warmup),
                String.valueOf(iterations));
    }

    /** Child: {@code ForkedRun RUNTIME WORKLOAD WARMUP ITERATIONS}. Exits with 1 when the measurement failed. */
    public static void main(String[] args) {
        JvmRunner runner = BenchMain.inProcessRunner(args[0]);
        Workload w = Workload.all().stream().filter(x -> x.name().equals(args[1])).findFirst().orElseThrow();
        Measurement m = runner.measure(w, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        if (m.failure() != null) {
            System.err.println(m.failure());
            System.exit(1);
        }
        System.out.print(report(m));
    }

    /** {@code m} in the lines that {@link ProcessRunner#parse} reads back. */
    static String report(Measurement m) {
        StringBuilder out = new StringBuilder();
        line(out, "compile_ns", m.compileMs());
        line(out, "instantiate_ns", m.instantiateMs());
        line(out, "first_run_ns", m.firstRunMs());
        if (m.warmupCalls() >= 0) {
            out.append("warmup_calls ").append(m.warmupCalls()).append('\n');
        }
        m.runsMs().forEach(ms -> out.append("run_ns ").append(nanos(ms)).append('\n'));
        m.results().forEach(r -> out.append("result ").append(r).append('\n'));
        return out.toString();
    }

    private static void line(StringBuilder out, String key, double ms) {
        if (!Double.isNaN(ms)) {
            out.append(key).append(' ').append(nanos(ms)).append('\n');
        }
    }

    private static String nanos(double ms) {
        return String.format(Locale.ROOT, "%d", Math.round(ms * 1e6));
    }
}
