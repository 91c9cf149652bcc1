package dev.basalt.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark command: runs every workload on every runtime in one JVM, checks each answer against native code's,
 * and prints median times, the ratio of each runtime to Basalt, and geometric means.
 *
 * <pre>java -jar basalt-bench/target/basalt-bench.jar [--warmup N] [--iterations N] [--only a,b] [--runtimes x,y]</pre>
 *
 * Warm-up iterations are run and discarded first so that both JVM runtimes are measured after HotSpot compiled
 * their interpreters. Times are wall-clock per call of {@code run}, including instantiation (microseconds).
 */
public final class BenchMain {
    public static void main(String[] args) {
        int warmup = 3;
        int iterations = 5;
        List<String> only = List.of();
        List<String> runtimes = List.of("basalt-compiler", "basalt-interp", "endive-interp");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                case "--runtimes" -> runtimes = Arrays.asList(args[++i].split(","));
                default -> {
                    System.err.println("usage: basalt-bench [--warmup N] [--iterations N] [--only w1,w2] [--runtimes "
                            + "basalt-compiler,basalt-interp,endive-interp]");
                    System.exit(2);
                }
            }
        }
        List<Runner> runners = new ArrayList<>();
        for (String r : runtimes) {
            runners.add(switch (r) {
                case "basalt-compiler" -> new BasaltCompilerRunner();
                case "basalt-interp" -> new BasaltInterpreterRunner();
                case "endive-interp" -> new EndiveInterpreterRunner();
                default -> throw new IllegalArgumentException("unknown runtime " + r);
            });
        }
        System.out.printf(Locale.ROOT, "Basalt benchmarks: %d warm-up + %d measured iterations, Java %s, %d cores%n",
                warmup, iterations, Runtime.version(), Runtime.getRuntime().availableProcessors());
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        boolean allCorrect = true;
        for (Workload w : Workload.all()) {
            if (!only.isEmpty() && !only.contains(w.name())) {
                continue;
            }
            Map<String, Double> row = new LinkedHashMap<>();
            for (Runner runner : runners) {
                Runner.Prepared p = runner.prepare(w.wasm());
                double[] times = new double[iterations];
                boolean correct = true;
                for (int i = 0; i < warmup + iterations; i++) {
                    long t0 = System.nanoTime();
                    long result = p.runOnce();
                    long t1 = System.nanoTime();
                    if (result != w.expected()) {
                        correct = false;
                        System.out.printf("  %s on %s returned %d, native says %d%n", w.name(), runner.name(), result,
                                w.expected());
                    }
                    if (i >= warmup) {
                        times[i - warmup] = (t1 - t0) / 1e6;
                    }
                }
                allCorrect &= correct;
                Arrays.sort(times);
                row.put(runner.name(), times[iterations / 2]);
            }
            medians.put(w.name(), row);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-8s", w.name()));
            row.forEach((r, ms) -> line.append(String.format(Locale.ROOT, "  %s %9.1f ms", r, ms)));
            Double basalt = row.get("basalt-interp");
            Double endive = row.get("endive-interp");
            if (basalt != null && endive != null) {
                line.append(String.format(Locale.ROOT, "  endive/basalt %.2fx", endive / basalt));
            }
            Double compiled = row.get("basalt-compiler");
            if (compiled != null && basalt != null) {
                line.append(String.format(Locale.ROOT, "  interp/compiler %.2fx", basalt / compiled));
            }
            System.out.println(line);
        }
        if (runtimes.contains("basalt-interp") && runtimes.contains("endive-interp") && !medians.isEmpty()) {
            double logSum = 0;
            double worst = Double.MAX_VALUE;
            for (Map<String, Double> row : medians.values()) {
                double ratio = row.get("endive-interp") / row.get("basalt-interp");
                logSum += Math.log(ratio);
                worst = Math.min(worst, ratio);
            }
            System.out.printf(Locale.ROOT, "geomean endive/basalt interpreter speed-up: %.2fx (worst workload %.2fx)%n",
                    Math.exp(logSum / medians.size()), worst);
        }
        if (runtimes.contains("basalt-interp") && runtimes.contains("basalt-compiler") && !medians.isEmpty()) {
            double logSum = 0;
            for (Map<String, Double> row : medians.values()) {
                logSum += Math.log(row.get("basalt-interp") / row.get("basalt-compiler"));
            }
            System.out.printf(Locale.ROOT, "geomean basalt compiler speed-up over the interpreter: %.2fx%n",
                    Math.exp(logSum / medians.size()));
        }
        if (!allCorrect) {
            System.out.println("some results differ from native: see above");
            System.exit(1);
        }
    }
}
