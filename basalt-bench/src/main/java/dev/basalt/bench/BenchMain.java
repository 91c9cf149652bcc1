package dev.basalt.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The benchmark command: every workload on every runtime in one run, every answer checked against native code's, and
 * markdown tables of median run times, ratios to native and to V8, geometric means, compile and instantiation times,
 * and Basalt's compiler from a cold JVM against its steady state.
 *
 * <pre>java -jar basalt-bench/target/basalt-bench.jar [--warmup N] [--iterations N] [--slow-warmup N]
 *     [--slow-iterations N] [--cold-runs N] [--only a,b] [--runtimes x,y] [--native-dir DIR] [--node PATH]</pre>
 *
 * Runtimes: {@code native} (the same C, clang -O2), {@code v8} (node), {@code basalt-compiler},
 * {@code basalt-compiler-cold} (a fresh JVM per run), {@code basalt-auto} (tiering), {@code basalt-interp},
 * {@code endive-interp}. Interpreters get
 * the slow warm-up and iteration counts. Each call of {@code run} gets a fresh instance; run times exclude
 * instantiation, which is its own column.
 */
public final class BenchMain {
    static final List<String> ALL_RUNTIMES = List.of("native", "v8", "basalt-compiler", "basalt-compiler-cold",
            "basalt-auto", "basalt-interp", "endive-interp");

    public static void main(String[] args) {
        int warmup = 5;
        int iterations = 10;
        int slowWarmup = 1;
        int slowIterations = 3;
        int coldRuns = 3;
        List<String> only = List.of();
        List<String> runtimes = ALL_RUNTIMES;
        Path nativeDir = Path.of("basalt-bench", "target", "native");
        String node = "node";
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                    case "--slow-warmup" -> slowWarmup = Integer.parseInt(args[++i]);
                    case "--slow-iterations" -> slowIterations = Integer.parseInt(args[++i]);
                    case "--cold-runs" -> coldRuns = Integer.parseInt(args[++i]);
                    case "--only" -> only = Arrays.asList(args[++i].split(","));
                    case "--runtimes" -> runtimes = Arrays.asList(args[++i].split(","));
                    case "--native-dir" -> nativeDir = Path.of(args[++i]);
                    case "--node" -> node = args[++i];
                    default -> throw new IllegalArgumentException(args[i]);
                }
            }
            if (iterations < 1 || slowIterations < 1 || coldRuns < 1 || warmup < 0 || slowWarmup < 0) {
                throw new IllegalArgumentException("counts");
            }
        } catch (RuntimeException e) {
            System.err.println("usage: basalt-bench [--warmup N] [--iterations N] [--slow-warmup N] "
                    + "[--slow-iterations N] [--cold-runs N] [--only w1,w2] [--runtimes " + String.join(",", ALL_RUNTIMES)
                    + "] [--native-dir DIR] [--node PATH]");
            System.exit(2);
            return;
        }
        List<Runner> runners = new ArrayList<>();
        for (String r : runtimes) {
            runners.add(switch (r) {
                case "native" -> new NativeRunner(nativeDir);
                case "v8" -> new NodeRunner(node);
                case "basalt-compiler" -> new BasaltCompilerRunner();
                case "basalt-compiler-cold" -> new ColdRun(coldRuns);
                case "basalt-auto" -> new BasaltAutoRunner();
                case "basalt-interp" -> new BasaltInterpreterRunner();
                case "endive-interp" -> new EndiveInterpreterRunner();
                default -> {
                    System.err.println("unknown runtime " + r + "; known: " + String.join(",", ALL_RUNTIMES));
                    System.exit(2);
                    yield null;
                }
            });
        }
        System.out.printf(Locale.ROOT, "Basalt benchmarks: Java %s (%s), %d cores, node %s; %d warm-up + %d measured "
                        + "calls (interpreters %d + %d), cold runs %d%n", Runtime.version(),
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                NodeRunner.version(node).orElse("absent"), warmup, iterations, slowWarmup, slowIterations, coldRuns);
        System.out.println("load average at start: " + loadAverage());
        Map<String, Map<String, Measurement>> table = new LinkedHashMap<>();
        List<String> selected = only;
        List<Workload> workloads = Workload.all().stream()
                .filter(w -> selected.isEmpty() || selected.contains(w.name())).toList();
        for (Workload w : workloads) {
            Map<String, Measurement> row = new LinkedHashMap<>();
            for (Runner runner : runners) {
                Measurement m;
                try {
                    m = runner.slow() ? runner.measure(w, slowWarmup, slowIterations)
                            : runner.measure(w, warmup, iterations);
                } catch (RuntimeException | StackOverflowError e) {
                    m = Measurement.failed(String.valueOf(e));
                }
                row.put(runner.name(), m);
                System.out.printf(Locale.ROOT, "  %-9s %-21s %s%n", w.name(), runner.name(), describe(m, w));
            }
            table.put(w.name(), row);
        }
        System.out.println("load average at end: " + loadAverage());
        Report report = new Report(workloads, table);
        System.out.println();
        System.out.println(report.markdown());
        if (!report.allCorrect()) {
            System.out.println("Some runtimes returned results that differ from native's (WRONG above).");
            System.exit(1);
        }
    }

    /** The 1, 5 and 15 minute load averages (Linux), so a loaded machine shows in the output. */
    private static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String describe(Measurement m, Workload w) {
        if (m.failure() != null) {
            return "FAILED: " + m.failure();
        }
        String verdict = m.correct(w.expected()) ? "ok" : "WRONG: returned " + m.results() + ", native " + w.expected();
        return String.format(Locale.ROOT, "run %s ms, first run %s ms, compile %s ms, instantiate %s ms, %s",
                Report.ms(m.runMs()), Report.ms(m.firstRunMs()), Report.ms(m.compileMs()),
                Report.ms(m.instantiateMs()), verdict);
    }

    /** The tables, from the measurements. */
    record Report(List<Workload> workloads, Map<String, Map<String, Measurement>> table) {
        boolean allCorrect() {
            return workloads.stream().allMatch(w -> table.get(w.name()).values().stream()
                    .allMatch(m -> m.failure() != null || m.correct(w.expected())));
        }

        private List<String> runtimes() {
            return table.values().stream().findFirst().map(r -> List.copyOf(r.keySet())).orElse(List.of());
        }

        private Measurement get(Workload w, String runtime) {
            return table.get(w.name()).get(runtime);
        }

        /** A time, or a reason it is missing: n/a (runtime failed) or WRONG (result differs from native). */
        private String cell(Workload w, String runtime, Function<Measurement, Double> field) {
            Measurement m = get(w, runtime);
            if (m.failure() != null) {
                return "n/a";
            }
            if (!m.correct(w.expected())) {
                return "WRONG";
            }
            return ms(field.apply(m));
        }

        private double ratio(Workload w, String num, String den) {
            Measurement a = get(w, num);
            Measurement b = get(w, den);
            if (a == null || b == null || !a.correct(w.expected()) || !b.correct(w.expected())) {
                return Double.NaN;
            }
            return a.runMs() / b.runMs();
        }

        private String geomean(String num, String den) {
            double logs = 0;
            for (Workload w : workloads) {
                double r = ratio(w, num, den);
                if (Double.isNaN(r)) {
                    return "n/a";
                }
                logs += Math.log(r);
            }
            return x(Math.exp(logs / workloads.size()));
        }

        String markdown() {
            List<String> all = runtimes();
            List<String> steady = all.stream().filter(r -> !r.equals("basalt-compiler-cold")).toList();
            List<String> vsNative = all.contains("native")
                    ? steady.stream().filter(r -> !r.equals("native")).toList() : List.of();
            List<String[]> ratios = new ArrayList<>();
            for (String r : vsNative) {
                ratios.add(new String[] {r, "native", r + " x native"});
            }
            if (all.contains("basalt-compiler") && all.contains("v8")) {
                ratios.add(new String[] {"basalt-compiler", "v8", "compiler / v8"});
            }
            if (all.contains("basalt-compiler") && all.contains("endive-interp")) {
                ratios.add(new String[] {"endive-interp", "basalt-compiler", "endive-interp / compiler"});
            }
            StringBuilder sb = new StringBuilder();
            sb.append("Run time: median ms per call of run (fresh instance, instantiation excluded)\n\n");
            List<String> header = new ArrayList<>(List.of("workload"));
            header.addAll(steady);
            ratios.forEach(r -> header.add(r[2]));
            row(sb, header);
            row(sb, header.stream().map(h -> h.equals("workload") ? "---" : "---:").toList());
            for (Workload w : workloads) {
                List<String> cells = new ArrayList<>(List.of(w.name()));
                steady.forEach(r -> cells.add(cell(w, r, Measurement::runMs)));
                ratios.forEach(r -> cells.add(x(ratio(w, r[0], r[1]))));
                row(sb, cells);
            }
            List<String> geo = new ArrayList<>(List.of("**geomean**"));
            steady.forEach(r -> geo.add(""));
            ratios.forEach(r -> geo.add("**" + geomean(r[0], r[1]) + "**"));
            row(sb, geo);

            List<String> jvmOrNode = steady.stream().filter(r -> !r.equals("native")).toList();
            if (!jvmOrNode.isEmpty()) {
                sb.append("\nModule compile time / median instantiation time, ms\n\n");
                List<String> h2 = new ArrayList<>(List.of("workload", "size"));
                jvmOrNode.forEach(r -> h2.add(r));
                List<String> throughput = jvmOrNode.stream().filter(r -> r.startsWith("basalt-")).toList();
                throughput.forEach(r -> h2.add(r + " MB/s"));
                row(sb, h2);
                row(sb, h2.stream().map(h -> h.equals("workload") ? "---" : "---:").toList());
                for (Workload w : workloads) {
                    List<String> cells = new ArrayList<>(List.of(w.name(), w.wasm().length + " B"));
                    jvmOrNode.forEach(r -> cells.add(cell(w, r, Measurement::compileMs) + " / "
                            + cell(w, r, Measurement::instantiateMs)));
                    throughput.forEach(r -> {
                        Measurement m = get(w, r);
                        cells.add(m.failure() != null ? "n/a" : String.format(Locale.ROOT, "%.3g",
                                w.wasm().length / 1e6 / (m.compileMs() / 1e3)));
                    });
                    row(sb, cells);
                }
            }
            if (all.contains("basalt-compiler-cold") && all.contains("basalt-compiler")) {
                sb.append("\nBasalt compiler from a cold JVM (median of fresh JVMs: compile, instantiate, first run) "
                        + "against its steady state in this JVM, ms\n\n");
                List<String> h3 = List.of("workload", "cold compile", "cold instantiate", "cold first run",
                        "first run in this JVM", "steady run", "cold first run / steady");
                row(sb, h3);
                row(sb, h3.stream().map(h -> h.equals("workload") ? "---" : "---:").toList());
                double logs = 0;
                int n = 0;
                for (Workload w : workloads) {
                    Measurement cold = get(w, "basalt-compiler-cold");
                    Measurement hot = get(w, "basalt-compiler");
                    double r = cold.correct(w.expected()) && hot.correct(w.expected())
                            ? cold.firstRunMs() / hot.runMs() : Double.NaN;
                    if (!Double.isNaN(r)) {
                        logs += Math.log(r);
                        n++;
                    }
                    row(sb, List.of(w.name(), cell(w, "basalt-compiler-cold", Measurement::compileMs),
                            cell(w, "basalt-compiler-cold", Measurement::instantiateMs),
                            cell(w, "basalt-compiler-cold", Measurement::firstRunMs),
                            cell(w, "basalt-compiler", Measurement::firstRunMs),
                            cell(w, "basalt-compiler", Measurement::runMs), x(r)));
                }
                row(sb, List.of("**geomean**", "", "", "", "", "", "**" + (n == workloads.size()
                        ? x(Math.exp(logs / n)) : "n/a") + "**"));
            }
            List<String> failures = new ArrayList<>();
            table.forEach((w, row) -> row.forEach((r, m) -> {
                if (m.failure() != null) {
                    failures.add(w + " on " + r + ": " + m.failure());
                }
            }));
            if (!failures.isEmpty()) {
                sb.append("\nn/a:\n");
                failures.forEach(f -> sb.append("- ").append(f).append('\n'));
            }
            return sb.toString();
        }

        private static void row(StringBuilder sb, List<String> cells) {
            sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }

        static String ms(double v) {
            if (Double.isNaN(v)) {
                return "-";
            }
            return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
                    : v >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
        }

        static String x(double v) {
            if (Double.isNaN(v)) {
                return "n/a";
            }
            return String.format(Locale.ROOT, v >= 10 ? "%.0fx" : "%.2fx", v);
        }
    }
}
