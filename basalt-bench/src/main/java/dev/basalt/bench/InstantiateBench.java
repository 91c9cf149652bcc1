package dev.basalt.bench;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.InstancePre;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Val;
import dev.basalt.wasm.NumType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How long {@link InstancePre#instantiate} takes for a small pre-linked module (issue 4's target: at most 10 µs
 * median), per engine. A separate command from {@link BenchMain}:
 * <pre>java -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.InstantiateBench [--samples N] [--warmup N]</pre>
 * Each sample times one {@code instantiate} into a fresh store (stores are made outside the timed region, so the
 * figure is the instance's own cost: functions, one 64 KiB memory with a data segment, a table with an element
 * segment, globals, exports). The first call of an export after each instantiation checks the instance works.
 */
public final class InstantiateBench {
    /** A small module of the kind a plugin system instantiates per request. */
    static final String SMALL = """
            (module
              (import "env" "log" (func $log (param i32)))
              (memory (export "memory") 1)
              (data (i32.const 1024) "hello, instantiation")
              (global $counter (mut i32) (i32.const 0))
              (global $base i32 (i32.const 1024))
              (table 4 funcref)
              (elem (i32.const 0) $add $get $bump)
              (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
              (func $get (export "get") (result i32) (i32.load8_u (global.get $base)))
              (func $bump (export "bump") (result i32)
                (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
                (global.get $counter))
              (func (export "dispatch") (param i32) (result i32)
                (call_indirect (result i32) (local.get 0))))
            """;

    private InstantiateBench() {
    }

    public static void main(String[] args) {
        int samples = 200_000;
        int warmup = 100_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--samples" -> samples = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: InstantiateBench [--samples N] [--warmup N]");
                    System.exit(2);
                }
            }
        }
        System.out.printf(Locale.ROOT, "InstantiateBench: Java %s, %d cores; %d warm-up + %d timed instantiations%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(), warmup, samples);
        System.out.println("| engine | median µs | p90 µs | p99 µs | mean µs |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Config.Strategy s : List.of(Config.Strategy.INTERPRETER, Config.Strategy.COMPILER)) {
            long[] t = measure(s, warmup, samples);
            Arrays.sort(t);
            double mean = Arrays.stream(t).average().orElse(0);
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", s.name().toLowerCase(Locale.ROOT),
                    t[t.length / 2] / 1e3, t[(int) (t.length * 0.9)] / 1e3, t[(int) (t.length * 0.99)] / 1e3,
                    mean / 1e3);
        }
    }

    /** Nanoseconds per instantiation, one per timed sample. */
    static long[] measure(Config.Strategy strategy, int warmup, int samples) {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        Module module = Module.fromWat(engine, SMALL);
        Linker<Void> linker = Linker.create(engine);
        linker.defineHostFunction("env", "log", FuncType.of(List.of(NumType.I32), List.of()), (caller, a) -> new Val[0]);
        InstancePre<Void> pre = linker.instantiatePre(module);
        long[] times = new long[samples];
        long check = 0;
        for (int i = -warmup; i < samples; i++) {
            Store<Void> store = Store.create(engine);
            long t0 = System.nanoTime();
            Instance instance = pre.instantiate(store);
            long t1 = System.nanoTime();
            if (i >= 0) {
                times[i] = t1 - t0;
            }
            if ((i & 1023) == 0) {
                check += instance.getFunc("dispatch").orElseThrow().callI32(2);
            }
        }
        if (check == 0) {
            throw new AssertionError("instances do not work");
        }
        return times;
    }
}
