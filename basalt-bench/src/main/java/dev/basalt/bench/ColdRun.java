package dev.basalt.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Basalt's compiler from a cold JVM: a fresh JVM compiles, instantiates and calls {@code run} once, so the figure
 * includes loading Basalt's own classes and HotSpot starting on generated code, which a steady-state median hides.
 * {@link #main} is the child's side; the runner in the parent starts it {@code repeats} times and takes the medians.
 */
public final class ColdRun extends ProcessRunner {
    private final int repeats;

    ColdRun(int repeats) {
        this.repeats = repeats;
    }

    @Override
    public String name() {
        return "basalt-compiler-cold";
    }

    /** Child: {@code ColdRun WORKLOAD}. Prints compile_ns, instantiate_ns, run_ns and result, as ProcessRunner reads. */
    public static void main(String[] args) {
        Workload w = Workload.all().stream().filter(x -> x.name().equals(args[0])).findFirst().orElseThrow();
        JvmRunner runner = new BasaltCompilerRunner();
        long t0 = System.nanoTime();
        JvmRunner.Compiled compiled = runner.compile(w.wasm());
        long t1 = System.nanoTime();
        JvmRunner.Instance instance = compiled.instantiate();
        long t2 = System.nanoTime();
        long result = instance.run();
        long t3 = System.nanoTime();
        System.out.println("compile_ns " + (t1 - t0));
        System.out.println("instantiate_ns " + (t2 - t1));
        System.out.println("run_ns " + (t3 - t2));
        System.out.println("result " + result);
    }

    @Override
    List<String> command(Workload workload, int warmup, int iterations) {
        return childJvm(ColdRun.class, workload.name());
    }

    /**
     * Runs the fresh JVM {@code repeats} times. The measurement's calls are the first call in each fresh JVM
     * (compile and instantiation excluded), its cold totals compile + instantiate + first call per JVM; compile and
     * instantiation are the medians over the JVMs.
     */
    @Override
    public Measurement measure(Workload workload, int warmup, int iterations) {
        List<Measurement> runs = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            Measurement m = super.measure(workload, 0, 1);
            if (m.failure() != null) {
                return m;
            }
            runs.add(m);
        }
        List<Long> results = new ArrayList<>();
        runs.forEach(m -> m.results().stream().filter(r -> !results.contains(r)).forEach(results::add));
        List<Double> firstCalls = runs.stream().map(Measurement::runMs).toList();
        List<Double> totals = runs.stream().map(m -> m.compileMs() + m.instantiateMs() + m.runMs()).toList();
        return new Measurement(Measurement.median(runs.stream().mapToDouble(Measurement::compileMs).toArray()),
                Measurement.median(runs.stream().mapToDouble(Measurement::instantiateMs).toArray()),
                Measurement.median(firstCalls.stream().mapToDouble(Double::doubleValue).toArray()), firstCalls,
                totals, results, null, -1);
    }
}
