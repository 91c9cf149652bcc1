package dev.basalt.bench;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compile speed: MB of Wasm per second from bytes to a runnable {@link Module}, per strategy, for the modules given
 * (issue 4's target: at least 20 MB/s with {@code AUTO}). A separate command from {@link BenchMain}:
 * <pre>java -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.CompileBench [--runs N] FILE.wasm...</pre>
 * Each run is a fresh {@code Module.compile} in a fresh engine (one warm-up run first); medians reported, with the
 * heap in use after the last compile. Also times {@code Module.deserialize} of the COMPILER module's
 * {@code serialize()} output (what {@code basalt run} does on a cache hit).
 */
public final class CompileBench {
    private CompileBench() {
    }

    public static void main(String[] args) throws IOException {
        int runs = 5;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs")) {
                runs = Integer.parseInt(args[++i]);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty() || runs < 1) {
            System.err.println("usage: CompileBench [--runs N] FILE.wasm...");
            System.exit(2);
        }
        System.out.printf(Locale.ROOT, "CompileBench: Java %s, %d cores, max heap %d MB; %d runs (+1 warm-up)%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20, runs);
        System.out.println("| module | MB | strategy | median ms | MB/s | heap after MB |");
        System.out.println("|---|---:|---|---:|---:|---:|");
        for (Path file : files) {
            byte[] wasm = Files.readAllBytes(file);
            double mb = wasm.length / 1e6;
            byte[] serialized = null;
            // The interpreter first: its runs also warm up the parser and validator that every strategy uses.
            for (Config.Strategy s : List.of(Config.Strategy.INTERPRETER, Config.Strategy.AUTO,
                    Config.Strategy.COMPILER)) {
                long[] ms = new long[runs];
                Module last = null;
                for (int r = -1; r < runs; r++) {
                    Engine engine = Engine.create(Config.builder().strategy(s).build());
                    last = null;
                    long t0 = System.nanoTime();
                    try {
                        last = Module.compile(engine, wasm);
                    } catch (RuntimeException e) {
                        System.out.printf(Locale.ROOT, "| %s | %.1f | %s | fails: %s | | |%n", file.getFileName(), mb,
                                s, e.getMessage());
                        break;
                    }
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        ms[r] = (t1 - t0) / 1_000_000;
                    }
                }
                if (last == null) {
                    continue;
                }
                if (s == Config.Strategy.COMPILER) {
                    serialized = last.serialize();
                }
                last = null;
                report(file, mb, s.name(), ms);
            }
            if (serialized != null) {
                long[] ms = new long[runs];
                for (int r = -1; r < runs; r++) {
                    Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
                    long t0 = System.nanoTime();
                    Module.deserialize(engine, serialized);
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        ms[r] = (t1 - t0) / 1_000_000;
                    }
                }
                report(file, mb, "COMPILER, deserialize", ms);
            }
        }
    }

    private static void report(Path file, double mb, String what, long[] ms) {
        Arrays.sort(ms);
        long median = ms[ms.length / 2];
        System.gc();
        long heap = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        System.out.printf(Locale.ROOT, "| %s | %.1f | %s | %d | %.1f | %d |%n", file.getFileName(), mb, what, median,
                median == 0 ? Double.POSITIVE_INFINITY : mb / (median / 1000.0), heap);
    }
}
