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
 * markdown tables of median run times with their spread, ratios to native and to V8 with geometric means, compile
 * and instantiation times, and Basalt's compiler from a cold JVM against its steady state.
 *
 * <pre>java -jar basalt-bench/target/basalt-bench.jar [--warmup N] [--iterations N] [--slow-warmup N]
 *     [--slow-iterations N] [--jit-warmup N] [--cold-runs N] [--only a,b] [--runtimes x,y] [--native-dir DIR]
 *     [--node PATH] [--graalvm-dir DIR] [--fork | --no-fork] [--fuel]</pre>
 *
 * Runtimes: {@code native} (the same C, clang -O2), {@code v8} (node), {@code basalt-compiler},
 * {@code basalt-compiler-cold} (a fresh JVM per run), {@code basalt-auto} (tiering), {@code basalt-interp},
 * {@code endive-compiler}, {@code endive-interp}, {@code graalwasm-jit} (Truffle's optimizing runtime, a fresh JVM per workload) and, only
 * when asked for, {@code graalwasm} (Truffle's fallback interpreter). Interpreters get the slow warm-up and
 * iteration counts, {@code graalwasm-jit} the JIT warm-up count. Each call of {@code run} gets a fresh instance; run times exclude
 * instantiation, which is its own column. The runtimes that run in a JVM (Basalt's and Endive's) are measured in a
 * fresh JVM per workload ({@link ForkedRun}; {@code --no-fork} measures them all in this JVM, one after another,
 * where each workload's figure then depends on what ran before it).
 */
public final class BenchMain {
    /** Issue 4's table, in this order, when {@code --runtimes} is not given. */
    static final List<String> DEFAULT_RUNTIMES = List.of("native", "v8", "basalt-compiler", "basalt-compiler-cold",
            "basalt-auto", "basalt-interp", "endive-compiler", "endive-interp", "graalwasm-jit");
    /** Every runtime {@code --runtimes} accepts: the defaults and GraalWasm on Truffle's fallback runtime. */
    static final List<String> ALL_RUNTIMES = List.of("native", "v8", "basalt-compiler", "basalt-compiler-cold",
            "basalt-auto", "basalt-interp", "endive-compiler", "endive-interp", "graalwasm-jit", "graalwasm");

    /** A runtime that runs in this JVM, by its column name. */
    static JvmRunner inProcessRunner(String name) {
        return switch (name) {
            case "basalt-compiler" -> new BasaltCompilerRunner();
            case "basalt-auto" -> new BasaltAutoRunner();
            case "basalt-interp" -> new BasaltInterpreterRunner();
            case "endive-compiler" -> new EndiveCompilerRunner();
            case "endive-interp" -> new EndiveInterpreterRunner();
            default -> throw new IllegalArgumentException("not an in-process runtime: " + name);
        };
    }

    public static void main(String[] args) {
        int warmup = 5;
        int iterations = 10;
        int slowWarmup = 1;
        int slowIterations = 3;
        int jitWarmup = 40;
        int coldRuns = 5;
        List<String> only = List.of();
        List<String> runtimes = DEFAULT_RUNTIMES;
        Path graalvm = GraalWasmRunner.defaultGraalvmDir();
        Path nativeDir = Path.of("basalt-bench", "target", "native");
        String node = "node";
        boolean fork = true;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                    case "--slow-warmup" -> slowWarmup = Integer.parseInt(args[++i]);
                    case "--slow-iterations" -> slowIterations = Integer.parseInt(args[++i]);
                    case "--jit-warmup" -> jitWarmup = Integer.parseInt(args[++i]);
                    case "--cold-runs" -> coldRuns = Integer.parseInt(args[++i]);
                    case "--only" -> only = Arrays.asList(args[++i].split(","));
                    case "--runtimes" -> runtimes = Arrays.asList(args[++i].split(","));
                    case "--native-dir" -> nativeDir = Path.of(args[++i]);
                    case "--node" -> node = args[++i];
                    case "--graalvm-dir" -> graalvm = Path.of(args[++i]);
                    case "--fork" -> fork = true;
                    case "--no-fork" -> fork = false;
                    case "--fuel" -> System.setProperty(BasaltRunner.FUEL_PROPERTY, "true");
                    default -> throw new IllegalArgumentException(args[i]);
                }
            }
            if (iterations < 1 || slowIterations < 1 || coldRuns < 1 || warmup < 0 || slowWarmup < 0
                    || jitWarmup < 0) {
                throw new IllegalArgumentException("counts");
            }
        } catch (RuntimeException e) {
            System.err.println("usage: basalt-bench [--warmup N] [--iterations N] [--slow-warmup N] "
                    + "[--slow-iterations N] [--jit-warmup N] [--cold-runs N] [--only w1,w2] [--runtimes "
                    + String.join(",", ALL_RUNTIMES) + "] [--native-dir DIR] [--node PATH] [--graalvm-dir DIR] "
                    + "[--fork | --no-fork] [--fuel]");
            System.exit(2);
            return;
        }
        List<Runner> runners = new ArrayList<>();
        for (String r : runtimes) {
            runners.add(switch (r) {
                case "native" -> new NativeRunner(nativeDir);
                case "v8" -> new NodeRunner(node);
                case "basalt-compiler", "basalt-auto", "basalt-interp", "endive-compiler", "endive-interp" ->
                        fork ? new ForkedRun(inProcessRunner(r)) : inProcessRunner(r);
                case "basalt-compiler-cold" -> new ColdRun(coldRuns);
                case "graalwasm-jit" -> new GraalWasmRunner(true, graalvm);
                case "graalwasm" -> new GraalWasmRunner(false, graalvm);
                default -> {
                    System.err.println("unknown runtime " + r + "; known: " + String.join(",", ALL_RUNTIMES));
                    System.exit(2);
                    yield null;
                }
            });
        }
        System.out.printf(Locale.ROOT, "Basalt benchmarks: Java %s (%s), %d cores, node %s; %d warm-up + %d measured "
                        + "calls (interpreters %d + %d, graalwasm-jit %d + %d), cold runs %d%n", Runtime.version(),
                System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
                NodeRunner.version(node).orElse("absent"), warmup, iterations, slowWarmup, slowIterations, jitWarmup,
                iterations, coldRuns);
        System.out.println(fork ? "Basalt's and Endive's runtimes: a fresh JVM per workload (--fork)"
                : "Basalt's and Endive's runtimes: all in this JVM, one after another (--no-fork)");
        if (BasaltRunner.metersFuel()) {
            System.out.println("Basalt's runtimes meter fuel (--fuel): every call's store has Store.setFuel");
        }
        System.out.println("started " + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ", load average " + loadAverage());
        long start = System.nanoTime();
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
                            : runner.name().equals("graalwasm-jit") ? runner.measure(w, jitWarmup, iterations)
                            : runner.measure(w, warmup, iterations);
                } catch (RuntimeException | StackOverflowError e) {
                    m = Measurement.failed(String.valueOf(e));
                }
                row.put(runner.name(), m);
                System.out.printf(Locale.ROOT, "  %-9s %-21s %s%n", w.name(), runner.name(), describe(m, w));
            }
            table.put(w.name(), row);
            System.out.println("  (load average " + loadAverage() + ")");
        }
        System.out.printf(Locale.ROOT, "finished %s after %.1f min, load average %s%n",
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                (System.nanoTime() - start) / 60e9, loadAverage());
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
        return String.format(Locale.ROOT, "run %s ms (%s), first run %s ms,%s compile %s ms, instantiate %s ms, %s",
                Report.ms(m.runMs()), Report.spread(m), Report.ms(m.firstRunMs()),
                m.warmupCalls() >= 0 ? " " + m.warmupCalls() + " warm-up calls," : "", Report.ms(m.compileMs()),
                Report.ms(m.instantiateMs()), verdict);
    }

    /** The tables, from the measurements. */
    record Report(List<Workload> workloads, Map<String, Map<String, Measurement>> table) {
        private static final String COLD = "basalt-compiler-cold";

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
        private String cell(Workload w, String runtime, Function<Measurement, String> field) {
            Measurement m = get(w, runtime);
            if (m.failure() != null) {
                return "n/a";
            }
            if (!m.correct(w.expected())) {
                return "WRONG";
            }
            return field.apply(m);
        }

        private String msCell(Workload w, String runtime, Function<Measurement, Double> field) {
            return cell(w, runtime, m -> ms(field.apply(m)));
        }

        /** Median run time of {@code num} over {@code den}'s; NaN unless both ran and were right. */
        private double ratio(Workload w, String num, String den) {
            Measurement a = get(w, num);
            Measurement b = get(w, den);
            if (a == null || b == null || !a.correct(w.expected()) || !b.correct(w.expected())) {
                return Double.NaN;
            }
            return a.runMs() / b.runMs();
        }

        /** Geometric mean over every workload of a per-workload ratio; NaN if any workload lacks it. */
        private double geomean(Function<Workload, Double> ratio) {
            double logs = 0;
            for (Workload w : workloads) {
                double r = ratio.apply(w);
                if (Double.isNaN(r)) {
                    return Double.NaN;
                }
                logs += Math.log(r);
            }
            return Math.exp(logs / workloads.size());
        }

        private void ratioTable(StringBuilder sb, String title, List<String> runtimes, String den) {
            sb.append('\n').append(title).append("\n\n");
            List<String> header = new ArrayList<>(List.of("workload"));
            header.addAll(runtimes);
            header(sb, header);
            for (Workload w : workloads) {
                List<String> cells = new ArrayList<>(List.of(w.name()));
                runtimes.forEach(r -> cells.add(x(ratio(w, r, den))));
                row(sb, cells);
            }
            List<String> geo = new ArrayList<>(List.of("**geomean**"));
            runtimes.forEach(r -> geo.add("**" + x(geomean(w -> ratio(w, r, den))) + "**"));
            row(sb, geo);
        }

        String markdown() {
            List<String> all = runtimes();
            List<String> steady = all.stream().filter(r -> !r.equals(COLD)).toList();
            StringBuilder sb = new StringBuilder();

            sb.append("Run time: median ms per call of run (fresh instance, instantiation excluded)\n\n");
            List<String> header = new ArrayList<>(List.of("workload"));
            header.addAll(steady);
            header(sb, header);
            for (Workload w : workloads) {
                List<String> cells = new ArrayList<>(List.of(w.name()));
                steady.forEach(r -> cells.add(msCell(w, r, Measurement::runMs)));
                row(sb, cells);
            }

            for (String r : steady) {
                if (workloads.stream().anyMatch(w -> get(w, r).warmupCalls() >= 0)) {
                    sb.append("\n").append(r).append(" warm-up calls (until calls stopped getting faster): ")
                            .append(String.join(", ", workloads.stream().map(w -> w.name() + " "
                                    + cell(w, r, m -> String.valueOf(m.warmupCalls()))).toList())).append('\n');
                }
            }

            sb.append("\nSpread of the measured calls: min-max ms, and the median absolute deviation in % of the "
                    + "median (calls per cell: ");
            sb.append(String.join(", ", steady.stream().map(r -> r + " " + samples(r)).toList())).append(")\n\n");
            header(sb, header);
            for (Workload w : workloads) {
                List<String> cells = new ArrayList<>(List.of(w.name()));
                steady.forEach(r -> cells.add(cell(w, r, Report::spread)));
                row(sb, cells);
            }

            List<String> others = steady.stream().filter(r -> !r.equals("native")).toList();
            if (all.contains("native") && !others.isEmpty()) {
                ratioTable(sb, "Ratio to native (median run time over native's; lower is better)", others, "native");
            }
            List<String> notV8 = steady.stream().filter(r -> !r.equals("v8") && !r.equals("native")).toList();
            if (all.contains("v8") && !notV8.isEmpty()) {
                ratioTable(sb, "Ratio to V8 (median run time over V8's; lower is better)", notV8, "v8");
            }
            if (all.contains("native") || all.contains("v8") || all.contains("basalt-compiler")) {
                summary(sb, steady);
            }

            List<String> jvmOrNode = steady.stream().filter(r -> !r.equals("native")).toList();
            if (!jvmOrNode.isEmpty()) {
                sb.append("\nModule compile time / median instantiation time, ms\n\n");
                List<String> h2 = new ArrayList<>(List.of("workload", "size"));
                jvmOrNode.forEach(r -> h2.add(r));
                List<String> throughput = jvmOrNode.stream().filter(r -> r.startsWith("basalt-")).toList();
                throughput.forEach(r -> h2.add(r + " MB/s"));
                header(sb, h2);
                for (Workload w : workloads) {
                    List<String> cells = new ArrayList<>(List.of(w.name(), w.wasm().length + " B"));
                    jvmOrNode.forEach(r -> cells.add(msCell(w, r, Measurement::compileMs) + " / "
                            + msCell(w, r, Measurement::instantiateMs)));
                    throughput.forEach(r -> {
                        Measurement m = get(w, r);
                        cells.add(m.failure() != null ? "n/a" : String.format(Locale.ROOT, "%.3g",
                                w.wasm().length / 1e6 / (m.compileMs() / 1e3)));
                    });
                    row(sb, cells);
                }
            }
            if (all.contains(COLD) && all.contains("basalt-compiler")) {
                cold(sb);
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

        /** One line per runtime: geomeans of its ratios to native, V8 and Basalt's compiler, and its range. */
        private void summary(StringBuilder sb, List<String> steady) {
            sb.append("\nSummary: geometric means over the workloads of the per-workload ratios of median run times\n\n");
            List<String> dens = new ArrayList<>();
            for (String d : List.of("native", "v8", "basalt-compiler")) {
                if (steady.contains(d)) {
                    dens.add(d);
                }
            }
            List<String> h = new ArrayList<>(List.of("runtime"));
            dens.forEach(d -> h.add("x " + d));
            if (steady.contains("v8")) {
                h.add("x v8, best .. worst workload");
            }
            header(sb, h);
            for (String r : steady) {
                List<String> cells = new ArrayList<>(List.of(r));
                dens.forEach(d -> cells.add(r.equals(d) ? x(1) : x(geomean(w -> ratio(w, r, d)))));
                if (steady.contains("v8")) {
                    cells.add(r.equals("v8") ? "" : range(r, "v8"));
                }
                row(sb, cells);
            }
        }

        /** The workloads with the lowest and the highest ratio, e.g. "0.71x mandel .. 3.86x deflate". */
        private String range(String num, String den) {
            Workload best = null;
            Workload worst = null;
            for (Workload w : workloads) {
                double r = ratio(w, num, den);
                if (Double.isNaN(r)) {
                    continue;
                }
                if (best == null || r < ratio(best, num, den)) {
                    best = w;
                }
                if (worst == null || r > ratio(worst, num, den)) {
                    worst = w;
                }
            }
            return best == null ? "n/a" : x(ratio(best, num, den)) + " " + best.name() + " .. "
                    + x(ratio(worst, num, den)) + " " + worst.name();
        }

        /**
         * Basalt's compiler in fresh JVMs against its steady state. Two readings of issue 4's "first run (cold JVM)":
         * the first call alone (the module already compiled and instantiated in that JVM), and everything a fresh
         * JVM does before the answer (compile + instantiate + first call). Both over the steady-state median.
         */
        private void cold(StringBuilder sb) {
            sb.append("\nBasalt compiler from a cold JVM (medians over fresh JVMs) against its steady state in this "
                    + "JVM, ms. \"first call\" excludes compile and instantiation, \"compile+inst+first\" is all a "
                    + "fresh JVM does before the answer; both are divided by the steady-state median run\n\n");
            List<String> h = List.of("workload", "cold compile", "cold instantiate", "cold first call",
                    "cold first call min-max", "cold compile+inst+first", "first call in this JVM", "steady run",
                    "cold first call / steady", "cold compile+inst+first / steady");
            header(sb, h);
            for (Workload w : workloads) {
                Measurement cold = get(w, COLD);
                Measurement hot = get(w, "basalt-compiler");
                boolean ok = cold.correct(w.expected()) && hot.correct(w.expected());
                row(sb, List.of(w.name(), msCell(w, COLD, Measurement::compileMs),
                        msCell(w, COLD, Measurement::instantiateMs), msCell(w, COLD, Measurement::runMs),
                        cell(w, COLD, m -> ms(m.minRunMs()) + "-" + ms(m.maxRunMs())),
                        msCell(w, COLD, Measurement::coldTotalMs),
                        msCell(w, "basalt-compiler", Measurement::firstRunMs),
                        msCell(w, "basalt-compiler", Measurement::runMs),
                        x(ok ? cold.runMs() / hot.runMs() : Double.NaN),
                        x(ok ? cold.coldTotalMs() / hot.runMs() : Double.NaN)));
            }
            row(sb, List.of("**geomean**", "", "", "", "", "", "", "",
                    "**" + x(geomean(w -> coldRatio(w, Measurement::runMs))) + "**",
                    "**" + x(geomean(w -> coldRatio(w, Measurement::coldTotalMs))) + "**"));
        }

        private double coldRatio(Workload w, Function<Measurement, Double> cold) {
            Measurement c = get(w, COLD);
            Measurement hot = get(w, "basalt-compiler");
            return c.correct(w.expected()) && hot.correct(w.expected()) ? cold.apply(c) / hot.runMs() : Double.NaN;
        }

        /** Calls measured per cell of {@code runtime} (the most any workload had). */
        private String samples(String runtime) {
            return String.valueOf(workloads.stream().mapToInt(w -> get(w, runtime).runsMs().size()).max().orElse(0));
        }

        static String spread(Measurement m) {
            return ms(m.minRunMs()) + "-" + ms(m.maxRunMs()) + " ±" + String.format(Locale.ROOT, "%.1f%%",
                    m.madPercent());
        }

        private static void header(StringBuilder sb, List<String> header) {
            row(sb, header);
            row(sb, header.stream().map(h -> h.equals("workload") || h.equals("runtime") ? "---" : "---:").toList());
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
