package dev.basalt.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A Wasm runtime in this JVM, measured in three steps: {@link #compile} once, then per call {@link
 * Compiled#instantiate} and {@link Instance#run}, each timed on its own. Every call gets a fresh instance, so every
 * run starts from the module's initial memory.
 */
abstract class JvmRunner implements Runner {
    interface Compiled {
        Instance instantiate();
    }

    interface Instance {
        long run();
    }

    /** Decodes, validates and translates the module: the per-module work, done once. */
    abstract Compiled compile(byte[] wasm);

    /** Compiles, instantiates and runs once: for tests and the cold-start measurement. */
    long runOnce(byte[] wasm) {
        return compile(wasm).instantiate().run();
    }

    /** Compiles after the first (which also warms the compiler up) that are timed; the median is reported. */
    private static final int TIMED_COMPILES = 3;

    @Override
    public Measurement measure(Workload workload, int warmup, int iterations) {
        // The first compile in a JVM mostly measures loading and JIT-compiling the compiler itself (the cold-start
        // table shows that); the column reports the median of the compiles after it.
        Compiled compiled = compile(workload.wasm());
        double[] compiles = new double[TIMED_COMPILES];
        for (int i = 0; i < TIMED_COMPILES; i++) {
            long t0 = System.nanoTime();
            compiled = compile(workload.wasm());
            compiles[i] = (System.nanoTime() - t0) / 1e6;
        }
        double compileMs = Measurement.median(compiles);
        double[] instantiate = new double[iterations];
        double[] run = new double[iterations];
        double firstRun = Double.NaN;
        List<Long> results = new ArrayList<>();
        for (int i = 0; i < warmup + iterations; i++) {
            long a = System.nanoTime();
            Instance instance = compiled.instantiate();
            long b = System.nanoTime();
            long result = instance.run();
            long c = System.nanoTime();
            if (!results.contains(result)) {
                results.add(result);
            }
            if (i == 0) {
                firstRun = (c - b) / 1e6;
            }
            if (i >= warmup) {
                instantiate[i - warmup] = (b - a) / 1e6;
                run[i - warmup] = (c - b) / 1e6;
            }
        }
        return new Measurement(compileMs, Measurement.median(instantiate), firstRun, run, results);
    }
}
