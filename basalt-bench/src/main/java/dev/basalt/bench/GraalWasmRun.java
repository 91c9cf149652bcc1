package dev.basalt.bench;

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
        long first = 0;
        for (int i = 0; i < warmup + iterations; i++) {
            long a = System.nanoTime();
            Context context = Context.newBuilder("wasm").engine(engine).build();
            Value run = context.eval(source).newInstance().getMember("exports").getMember("run");
            long b = System.nanoTime();
            long result = run.execute().asLong();
            long c = System.nanoTime();
            context.close();
            if (i == 0 || result != first) {
                System.out.println("result " + result);
                if (i == 0) {
                    first = result;
                }
            }
            if (i == 0) {
                System.out.println("first_run_ns " + (c - b));
            }
            if (i >= warmup) {
                System.out.println("instantiate_ns " + (b - a));
                System.out.println("run_ns " + (c - b));
            }
        }
        engine.close();
    }
}
