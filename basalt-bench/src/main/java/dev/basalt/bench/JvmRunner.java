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

    @Override
    public Measurement measure(Workload workload, int warmup, int iterations) {
        long t0 = System.nanoTime();
        Compiled compiled = compile(workload.wasm());
        double compileMs = (System.nanoTime() - t0) / 1e6;
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
        return new Measurement(compileMs, Measurement.median(instantiate), firstRun, Measurement.median(run), results,
                null);
    }
}
