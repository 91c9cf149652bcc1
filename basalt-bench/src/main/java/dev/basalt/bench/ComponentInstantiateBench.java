package dev.basalt.bench;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentFunc;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ValueType;
import dev.basalt.component.text.ComponentTextParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How long {@link ComponentInstancePre#instantiate} takes, next to {@link InstantiateBench}'s core-module figure,
 * per engine. A separate command from {@link BenchMain}:
 * <pre>java -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.ComponentInstantiateBench
 *     [--samples N] [--warmup N] [--values PATH] [--no-calls] [--call-batches N]</pre>
 * Components: (a) {@code values}, the clang+jco-built test component of basalt-component
 * ({@code src/test/components/values.component.wasm}: three core modules, a memory, a table of lowered imports, a
 * resource type, 14 lifted exports, one host import), found by walking up from the working directory unless
 * {@code --values} names it; (b) {@link #COMPOSED}, two components linked inside a third. Each sample times one
 * {@code instantiate} into a fresh store made outside the timed region; every 1024th instance is called to check it
 * works. Every configuration runs once untimed before the timed rows.
 *
 * <p>Then the per-call cost of {@link ComponentFunc#call} with dynamic values (lowering the arguments, the core
 * call, lifting the results, post-return) for a few functions of each component: the median CPU time per call
 * over batches of {@value #CALL_BATCH} calls ({@value #BULK_BATCH} for the 64 KiB {@code list<u8>} and 8192-element
 * {@code list<f64>} round trips through {@link #ECHO}), each result checked once per batch. {@code --calls-only}
 * skips the instantiation rows; {@code --only-calls TEXT} measures only the calls whose description contains it, and
 * {@code --engine} one engine.
 */
public final class ComponentInstantiateBench {
    /**
     * Two components composed: {@code $doubler} exports {@code double} (a core module with a 64 KiB memory and a
     * data segment), {@code $adder} imports it (lowered into its core module) and exports {@code add-doubled};
     * the outer component instantiates both, linking the first's export to the second's import.
     */
    static final String COMPOSED = """
            (component
              (component $doubler
                (core module $m
                  (memory (export "memory") 1)
                  (data (i32.const 1024) "doubler")
                  (func (export "double") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1))))
                (core instance $i (instantiate $m))
                (func (export "double") (param "x" u32) (result u32) (canon lift (core func $i "double"))))
              (component $adder
                (import "double" (func $double (param "x" u32) (result u32)))
                (core func $double-core (canon lower (func $double)))
                (core instance $host (export "double" (func $double-core)))
                (core module $m
                  (import "host" "double" (func $d (param i32) (result i32)))
                  (func (export "add-doubled") (param i32 i32) (result i32)
                    (i32.add (call $d (local.get 0)) (local.get 1))))
                (core instance $i (instantiate $m (with "host" (instance $host))))
                (func (export "add-doubled") (param "a" u32) (param "b" u32) (result u32)
                  (canon lift (core func $i "add-doubled"))))
              (instance $d (instantiate $doubler))
              (instance $a (instantiate $adder (with "double" (func $d "double"))))
              (export "add-doubled" (func $a "add-doubled")))
            """;

    /**
     * A component that hands back what it is given: {@code echo-bytes} ({@code list<u8>}) and {@code echo-f64s}
     * ({@code list<f64>}) return their argument's pointer and length (the list the caller's lowering wrote with
     * realloc), so a call measures the runtime's lowering and lifting of the list and nothing of the guest; the
     * bump allocator is reset by post-return.
     */
    static final String ECHO = """
            (component
              (core module $m
                (memory (export "mem") 8)
                (global $bump (mut i32) (i32.const 1024))
                (func (export "realloc") (param i32 i32 i32 i32) (result i32)
                  (local $p i32)
                  (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                                         (i32.sub (i32.const 0) (local.get 2))))
                  (global.set $bump (i32.add (local.get $p) (local.get 3)))
                  (local.get $p))
                (func (export "echo") (param i32 i32) (result i32)
                  (i32.store (i32.const 0) (local.get 0))
                  (i32.store (i32.const 4) (local.get 1))
                  (i32.const 0))
                (func (export "reset") (param i32) (global.set $bump (i32.const 1024))))
              (core instance $i (instantiate $m))
              (func (export "echo-bytes") (param "b" (list u8)) (result (list u8))
                (canon lift (core func $i "echo") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))
                  (post-return (core func $i "reset"))))
              (func (export "echo-f64s") (param "b" (list f64)) (result (list f64))
                (canon lift (core func $i "echo") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))
                  (post-return (core func $i "reset")))))
            """;

    static final String VALUES_API = "basalt:values/api@1.0.0";

    private ComponentInstantiateBench() {
    }

    public static void main(String[] args) throws IOException {
        int samples = 50_000;
        int warmup = 30_000;
        Path values = null;
        boolean calls = true;
        boolean instantiations = true;
        int callBatches = 300;
        String onlyCalls = "";
        List<Config.Strategy> engines = List.of(Config.Strategy.INTERPRETER, Config.Strategy.COMPILER);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--values" -> values = Path.of(args[++i]);
                case "--no-calls" -> calls = false;
                case "--calls-only" -> instantiations = false;
                case "--call-batches" -> callBatches = Integer.parseInt(args[++i]);
                case "--only-calls" -> onlyCalls = args[++i];
                case "--engine" -> engines = List.of(Config.Strategy.valueOf(args[++i].toUpperCase(Locale.ROOT)));
                default -> {
                    System.err.println("usage: ComponentInstantiateBench [--samples N] [--warmup N] [--values PATH]"
                            + " [--no-calls] [--calls-only] [--call-batches N] [--only-calls SUBSTRING]"
                            + " [--engine interpreter|compiler]");
                    System.exit(2);
                }
            }
        }
        byte[] valuesBytes = Files.readAllBytes(values != null ? values
                : findAbove("basalt-component/src/test/components/values.component.wasm"));
        System.out.printf(Locale.ROOT,
                "ComponentInstantiateBench: Java %s, %d cores; %d warm-up + %d timed instantiations%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), warmup, samples);
        if (instantiations) {
            System.out.println("| engine | what | median µs | p90 µs | p99 µs | mean µs |");
            System.out.println("|---|---|---:|---:|---:|---:|");
            // one untimed round of everything first, so that no row pays for the JIT compiling code the others share
            for (Config.Strategy s : List.of(Config.Strategy.INTERPRETER, Config.Strategy.COMPILER)) {
                InstantiateBench.measure(s, warmup, 1);
                measureValues(s, valuesBytes, warmup, 1);
                measureComposed(s, warmup, 1);
            }
            for (Config.Strategy s : List.of(Config.Strategy.INTERPRETER, Config.Strategy.COMPILER)) {
                row(s, "core module (InstantiateBench)", InstantiateBench.measure(s, warmup, samples));
                row(s, "values component", measureValues(s, valuesBytes, warmup, samples));
                row(s, "composed component", measureComposed(s, warmup, samples));
            }
        }
        if (calls) {
            System.out.println();
            System.out.printf(Locale.ROOT, "ComponentFunc.call with dynamic values: ns of CPU time per call, median (p90) of %d batches"
                    + " of %d calls (%d for the bulk lists) after %d warm-up batches%n", callBatches, CALL_BATCH,
                    BULK_BATCH, callBatches);
            System.out.println("| engine | call | median ns | p90 ns |");
            System.out.println("|---|---|---:|---:|");
            for (Config.Strategy s : engines) {
                Engine engine = Engine.create(Config.builder().strategy(s).build());
                for (CallCase c : callCases(engine, valuesBytes)) {
                    if (!c.what().contains(onlyCalls)) {
                        continue;
                    }
                    double[] t = measureCalls(c, callBatches, callBatches, c.batch());
                    System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.0f |%n", s.name().toLowerCase(Locale.ROOT),
                            c.what(), t[0], t[1]);
                }
            }
        }
    }

    static final int CALL_BATCH = 1000;

    /** One exported function called with fixed arguments, and the result it must return. */
    record CallCase(String what, ComponentFunc func, List<ComponentValue> args, List<ComponentValue> expected, int batch) {
        CallCase(String what, ComponentFunc func, List<ComponentValue> args, List<ComponentValue> expected) {
            this(what, func, args, expected, CALL_BATCH);
        }
    }

    /** Calls per batch for the bulk-list cases, which take thousands of times longer than the scalar ones. */
    static final int BULK_BATCH = 10;

    static List<CallCase> callCases(Engine engine, byte[] valuesBytes) {
        ComponentInstance values = valuesPre(engine, valuesBytes).instantiate(Store.create(engine));
        ComponentInstance composed = ComponentLinker.<Void>create(engine)
                .instantiatePre(Component.fromModel(engine, ComponentTextParser.parse(COMPOSED)))
                .instantiate(Store.create(engine));
        ComponentInstance echo = ComponentLinker.<Void>create(engine)
                .instantiatePre(Component.fromModel(engine, ComponentTextParser.parse(ECHO)))
                .instantiate(Store.create(engine));
        List<ComponentValue> byteElements = new java.util.ArrayList<>();
        for (int i = 0; i < 65536; i++) {
            byteElements.add(ComponentValue.u8(i * 31 & 0xff));
        }
        // what a host does: the bulk factory (ComponentValue.u8List), and the same list made element by element
        ComponentValue bytes = ComponentValue.u8List(bulkBytes(byteElements));
        ComponentValue bytesByElement = ComponentValue.list(byteElements);
        List<ComponentValue> doubleElements = new java.util.ArrayList<>();
        for (int i = 0; i < 8192; i++) {
            doubleElements.add(ComponentValue.f64(i * 0.5));
        }
        ComponentValue doubles = ComponentValue.f64List(doubleElements.stream()
                .mapToDouble(d -> ((ComponentValue.F64) d).value()).toArray());
        List<ComponentValue> sixteen = new java.util.ArrayList<>();
        List<ComponentValue> reversed = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            sixteen.add(ComponentValue.u32(i));
            reversed.add(ComponentValue.u32(15 - i));
        }
        ComponentValue point = ComponentValue.record(ComponentValue.field("x", ComponentValue.s32(1)),
                ComponentValue.field("y", ComponentValue.s32(-2)));
        ComponentValue swapped = ComponentValue.record(ComponentValue.field("x", ComponentValue.s32(-2)),
                ComponentValue.field("y", ComponentValue.s32(1)));
        return List.of(
                new CallCase("values negate: bool -> bool", values.getFunc(VALUES_API, "negate").orElseThrow(),
                        List.of(ComponentValue.bool(true)), List.of(ComponentValue.bool(false))),
                new CallCase("values sum-ints: 8 integers -> s64", values.getFunc(VALUES_API, "sum-ints").orElseThrow(),
                        List.of(ComponentValue.s8(1), ComponentValue.u8(2), ComponentValue.s16(3), ComponentValue.u16(4),
                                ComponentValue.s32(5), ComponentValue.u32(6), ComponentValue.s64(7), ComponentValue.u64(8)),
                        List.of(ComponentValue.s64(36))),
                new CallCase("values swap: record -> record", values.getFunc(VALUES_API, "swap").orElseThrow(),
                        List.of(point), List.of(swapped)),
                new CallCase("values greet: string -> string (+ host import)", values.getFunc(VALUES_API, "greet").orElseThrow(),
                        List.of(ComponentValue.string("Basalt")), List.of(ComponentValue.string("Hello, Basalt!"))),
                new CallCase("values reverse: list<u32> of 16 -> list<u32>", values.getFunc(VALUES_API, "reverse").orElseThrow(),
                        List.of(ComponentValue.list(sixteen)), List.of(ComponentValue.list(reversed))),
                new CallCase("composed add-doubled: component to component", composed.getFunc("add-doubled").orElseThrow(),
                        List.of(ComponentValue.u32(20), ComponentValue.u32(2)), List.of(ComponentValue.u32(42))),
                new CallCase("echo-bytes: list<u8> of 64 KiB round trip", echo.getFunc("echo-bytes").orElseThrow(),
                        List.of(bytes), List.of(bytes), BULK_BATCH),
                new CallCase("echo-bytes: the same list made element by element", echo.getFunc("echo-bytes").orElseThrow(),
                        List.of(bytesByElement), List.of(bytes), BULK_BATCH),
                new CallCase("echo-f64s: list<f64> of 8192 round trip", echo.getFunc("echo-f64s").orElseThrow(),
                        List.of(doubles), List.of(doubles), BULK_BATCH));
    }

    private static byte[] bulkBytes(List<ComponentValue> u8s) {
        byte[] out = new byte[u8s.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((ComponentValue.U8) u8s.get(i)).value();
        }
        return out;
    }

    /**
     * Nanoseconds of this thread's CPU time per call: the median (and p90) over batches of {@code batch} calls. CPU
     * time rather than wall-clock time, because a batch takes long enough to be preempted on a shared machine.
     */
    static double[] measureCalls(CallCase c, int warmupBatches, int batches, int batch) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] perBatch = new long[batches];
        for (int b = -warmupBatches; b < batches; b++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < batch; i++) {
                c.func().call(c.args());
            }
            long t1 = threads.getCurrentThreadCpuTime();
            if (b >= 0) {
                perBatch[b] = t1 - t0;
            }
            if (!c.func().call(c.args()).equals(c.expected())) {
                throw new AssertionError(c.what() + " returned " + c.func().call(c.args()));
            }
        }
        Arrays.sort(perBatch);
        return new double[] {perBatch[batches / 2] / (double) batch, perBatch[(int) (batches * 0.9)] / (double) batch};
    }

    private static void row(Config.Strategy s, String what, long[] t) {
        Arrays.sort(t);
        double mean = Arrays.stream(t).average().orElse(0);
        System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.2f |%n", s.name().toLowerCase(Locale.ROOT),
                what, t[t.length / 2] / 1e3, t[(int) (t.length * 0.9)] / 1e3, t[(int) (t.length * 0.99)] / 1e3,
                mean / 1e3);
    }

    static Path findAbove(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath()
                + " (give --values PATH)");
    }

    static ComponentInstancePre<Void> valuesPre(Engine engine, byte[] bytes) {
        Component component = Component.compile(engine, bytes);
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        linker.instance("basalt:values/host@1.0.0").defineFunction("log",
                ComponentFuncType.of(List.of(new ComponentFuncType.Param("msg", ValueType.STRING)), null),
                (store, a) -> List.of());
        return linker.instantiatePre(component);
    }

    static long[] measureValues(Config.Strategy strategy, byte[] bytes, int warmup, int samples) {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        ComponentInstancePre<Void> pre = valuesPre(engine, bytes);
        return measure(engine, pre, instance -> {
            ComponentFunc nextChar = instance.getFunc(VALUES_API, "next-char").orElseThrow();
            return ((ComponentValue.Char) nextChar.callOne(ComponentValue.character('a')).orElseThrow()).codePoint() == 'b';
        }, warmup, samples);
    }

    static long[] measureComposed(Config.Strategy strategy, int warmup, int samples) {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        Component component = Component.fromModel(engine, ComponentTextParser.parse(COMPOSED));
        ComponentInstancePre<Void> pre = ComponentLinker.<Void>create(engine).instantiatePre(component);
        return measure(engine, pre, instance -> {
            ComponentFunc f = instance.getFunc("add-doubled").orElseThrow();
            return f.callOne(ComponentValue.u32(20), ComponentValue.u32(2)).orElseThrow().equals(ComponentValue.u32(42));
        }, warmup, samples);
    }

    interface Check {
        boolean works(ComponentInstance instance);
    }

    /** Nanoseconds per instantiation, one per timed sample. */
    static long[] measure(Engine engine, ComponentInstancePre<Void> pre, Check check, int warmup, int samples) {
        long[] times = new long[samples];
        for (int i = -warmup; i < samples; i++) {
            Store<Void> store = Store.create(engine);
            long t0 = System.nanoTime();
            ComponentInstance instance = pre.instantiate(store);
            long t1 = System.nanoTime();
            if (i >= 0) {
                times[i] = t1 - t0;
            }
            if ((i & 1023) == 0 && !check.works(instance)) {
                throw new AssertionError("instances do not work");
            }
        }
        return times;
    }
}
