package dev.basalt.bench;

import java.util.Arrays;
import java.util.List;

/**
 * What one runtime did with one workload.
 *
 * @param compileMs     module compile time (decode, validate, translate; median of repeated compiles in a warm JVM
 *                      for the JVM runtimes, once in a fresh process for node); NaN where not measured
 * @param instantiateMs median time to instantiate the compiled module (a fresh instance per call)
 * @param firstRunMs    the first call of {@code run} (before warm-up), so cold-ish behaviour is visible; NaN where
 *                      the runtime does not report it
 * @param runsMs        every measured call of {@code run}, instantiation excluded, in call order (for
 *                      {@code basalt-compiler-cold}: the first call in each fresh JVM)
 * @param coldTotalsMs  for {@code basalt-compiler-cold} only: compile + instantiate + first call, per fresh JVM;
 *                      empty for the other runtimes
 * @param results       every distinct result {@code run} returned, in order of first appearance
 * @param failure       why the runtime could not run the workload at all (then the times are NaN), or null
 * @param warmupCalls   the warm-up calls made, where the runtime decides when it is warmed up ({@code graalwasm-jit});
 *                      -1 where it made exactly the count it was given
 */
public record Measurement(double compileMs, double instantiateMs, double firstRunMs, List<Double> runsMs,
                          List<Double> coldTotalsMs, List<Long> results, String failure, int warmupCalls) {

    public Measurement {
        runsMs = List.copyOf(runsMs);
        coldTotalsMs = List.copyOf(coldTotalsMs);
        results = List.copyOf(results);
    }

    Measurement(double compileMs, double instantiateMs, double firstRunMs, double[] runsMs, List<Long> results) {
        this(compileMs, instantiateMs, firstRunMs, Arrays.stream(runsMs).boxed().toList(), List.of(), results, null,
                -1);
    }

    Measurement withWarmupCalls(int calls) {
        return new Measurement(compileMs, instantiateMs, firstRunMs, runsMs, coldTotalsMs, results, failure, calls);
    }

    static Measurement failed(String why) {
        return new Measurement(Double.NaN, Double.NaN, Double.NaN, List.of(), List.of(), List.of(), why, -1);
    }

    /** Whether the runtime ran and every call returned {@code expected}. */
    public boolean correct(long expected) {
        return failure == null && results.equals(List.of(expected));
    }

    /** Median of the measured calls: the figure the tables compare. */
    public double runMs() {
        return median(values(runsMs));
    }

    public double minRunMs() {
        return runsMs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public double maxRunMs() {
        return runsMs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * The median absolute deviation of the measured calls relative to their median, in percent: a spread that one
     * outlier (a GC, a neighbour's build) does not move, unlike max - min.
     */
    public double madPercent() {
        double median = runMs();
        double[] deviations = runsMs.stream().mapToDouble(v -> Math.abs(v - median)).toArray();
        return 100 * median(deviations) / median;
    }

    /** Median of {@link #coldTotalsMs}: a fresh JVM's compile + instantiate + first call. */
    public double coldTotalMs() {
        return median(values(coldTotalsMs));
    }

    private static double[] values(List<Double> list) {
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
