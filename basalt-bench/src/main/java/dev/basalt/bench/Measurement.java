package dev.basalt.bench;

import java.util.Arrays;
import java.util.List;

/**
 * What one runtime did with one workload.
 *
 * @param compileMs     module compile time (decode, validate, translate; median of repeated compiles in a warm JVM
 *                      for the JVM runtimes, once in a fresh process for node); NaN where not measured
 * @param instantiateMs median time to instantiate the compiled module (a fresh instance per call)
 * @param firstRunMs    the first call of {@code run} (before warm-up), so cold-ish behaviour is visible
 * @param runMs         median of the measured calls of {@code run}, instantiation excluded
 * @param results       every distinct result {@code run} returned, in order of first appearance
 * @param failure       why the runtime could not run the workload at all (then the times are NaN), or null
 */
public record Measurement(double compileMs, double instantiateMs, double firstRunMs, double runMs,
                          List<Long> results, String failure) {

    public Measurement {
        results = List.copyOf(results);
    }

    static Measurement failed(String why) {
        return new Measurement(Double.NaN, Double.NaN, Double.NaN, Double.NaN, List.of(), why);
    }

    /** Whether the runtime ran and every call returned {@code expected}. */
    public boolean correct(long expected) {
        return failure == null && results.equals(List.of(expected));
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
