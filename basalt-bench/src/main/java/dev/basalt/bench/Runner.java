package dev.basalt.bench;

/** One runtime under test: measures a workload with the given numbers of warm-up and measured calls. */
public interface Runner {
    /** The column name, e.g. {@code basalt-compiler}, {@code v8}, {@code native}. */
    String name();

    /** Interpreters: measured with fewer iterations (see BenchMain's {@code --slow-iterations}). */
    default boolean slow() {
        return false;
    }

    Measurement measure(Workload workload, int warmup, int iterations);
}
