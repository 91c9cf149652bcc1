package dev.basalt.bench;

import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.ByteSequence;

/**
 * The child side of {@link GraalWasmRunner}: runs in a JVM started with GraalWasm and Truffle on the module path,
 * never in the benchmark's own JVM (Truffle's compiler threads and code would share the JIT, heap and cores with
 * the runtimes measured there).
 *
 * <pre>GraalWasmRun WORKLOAD WARMUP ITERATIONS jit|fallback</pre>
 *
 * For {@code jit}, WARMUP is a minimum: warm-up goes on while calls keep getting faster (see {@link #improving}), within
 * {@value #MAX_WARMUP_FACTOR} x WARMUP calls and {@value #MAX_WARMUP_SECONDS} s, and the count made is reported.
 *
 * Timed like {@link JvmRunner}: compile = evaluating the module's {@link Source} in a fresh {@link Engine} (decode
 * and validate; median of three after a first, untimed one); per call, instantiate = a new {@link Context} on the
 * shared engine, the cached module and {@code newInstance()}, and run = calling the export {@code run}. The engine
 * is shared so that code Truffle compiles for one instance serves the next, as an embedder would set it up.
 * Prints the lines {@link ProcessRunner#parse} reads. Exits with status 3 when the Truffle runtime is not the one
 * asked for, so a column labelled {@code graalwasm-jit} can never hold interpreted numbers.
 */
public final class GraalWasmRun {
    /** What {@link Engine#getImplementationName()} says when Truffle runs on its fallback (interpreter) runtime. */
    static final String FALLBACK_IMPLEMENTATION = "Interpreted";

    private static final int TIMED_COMPILES = 3;
    /** Warm-up goes on while the median of the last this many calls is more than 5% below the window before. */
    static final int CONVERGENCE_WINDOW = 10;
    static final int MAX_WARMUP_FACTOR = 4;
    static final int MAX_WARMUP_SECONDS = 300;

    /** One call: a fresh context and instance, then {@code run}. */
    private record Call(long instantiateNs, long runNs, long result) {
    }

    private static Call call(Engine engine, Source source) {
        long a = System.nanoTime();
        try (Context context = Context.newBuilder("wasm").engine(engine).build()) {
            Value run = context.eval(source).newInstance().getMember("exports").getMember("run");
            long b = System.nanoTime();
            long result = run.execute().asLong();
            long c = System.nanoTime();
            return new Call(b - a, c - b, result);
        }
    }

    /** Whether the last window of calls is still more than 5% faster than the one before it. */
    static boolean improving(List<Double> callsMs) {
        int n = callsMs.size();
        if (n < 2 * CONVERGENCE_WINDOW) {
            return true;
        }
        double recent = Measurement.median(callsMs.subList(n - CONVERGENCE_WINDOW, n).stream()
                .mapToDouble(Double::doubleValue).toArray());
        double before = Measurement.median(callsMs.subList(n - 2 * CONVERGENCE_WINDOW, n - CONVERGENCE_WINDOW).stream()
                .mapToDouble(Double::doubleValue).toArray());
        return recent < 0.95 * before;
    }

    private GraalWasmRun() {
    }

    public static void main(String[] args) {
        Workload w = Workload.all().stream().filter(x -> x.name().equals(args[0])).findFirst().orElseThrow();
        int warmup = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        boolean jit = args[3].equals("jit");
        Source source = Source.newBuilder("wasm", ByteSequence.create(w.wasm()), w.name()).buildLiteral();

        Engine engine = null;
        double[] compiles = new double[TIMED_COMPILES];
        for (int i = -1; i < TIMED_COMPILES; i++) {
            if (engine != null) {
                engine.close();
            }
            engine = Engine.newBuilder("wasm").build();
            try (Context context = Context.newBuilder("wasm").engine(engine).build()) {
                long t0 = System.nanoTime();
                context.eval(source);
                long t1 = System.nanoTime();
                if (i >= 0) {
                    compiles[i] = t1 - t0;
                }
            }
        }
        String implementation = engine.getImplementationName();
        if (jit == implementation.equals(FALLBACK_IMPLEMENTATION)) {
            System.err.println("Truffle runtime is '" + implementation + "', but " + (jit ? "the optimizing runtime"
                    : "the fallback runtime") + " was asked for");
            System.exit(3);
        }
        System.out.println("compile_ns " + (long) Measurement.median(compiles));

        // Warm-up: at least `warmup` calls; on the optimizing runtime, on while the last CONVERGENCE_WINDOW calls are
        // still clearly faster than the window before them (Truffle keeps compiling for a long time, longer on a busy
        // machine), within MAX_WARMUP_FACTOR x `warmup` calls and MAX_WARMUP_SECONDS. The fallback never compiles.
        List<Double> warm = new ArrayList<>();
        long warmStart = System.nanoTime();
        long first = 0;
        while (true) {
            int i = warm.size();
            if (i >= warmup && (!jit || i >= MAX_WARMUP_FACTOR * warmup
                    || System.nanoTime() - warmStart > MAX_WARMUP_SECONDS * 1e9 || !improving(warm))) {
                break;
            }
            Call call = call(engine, source);
            warm.add(call.runNs / 1e6);
            if (i == 0) {
                first = call.result;
                System.out.println("result " + first);
                System.out.println("first_run_ns " + call.runNs);
            } else if (call.result != first) {
                System.out.println("result " + call.result);
            }
        }
        if (jit) {
            System.out.println("warmup_calls " + warm.size());
        }
        for (int i = 0; i < iterations; i++) {
            Call call = call(engine, source);
            if (warm.isEmpty() && i == 0) {
                first = call.result;
                System.out.println("result " + first);
            } else if (call.result != first) {
                System.out.println("result " + call.result);
            }
            System.out.println("instantiate_ns " + call.instantiateNs);
            System.out.println("run_ns " + call.runNs);
        }
        engine.close();
    }
}
