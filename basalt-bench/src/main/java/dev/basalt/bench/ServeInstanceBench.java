package dev.basalt.bench;

import dev.basalt.CodeCache;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.preview2.WasiComponentContext;
import dev.basalt.wasi.preview2.WasiHttp;
import dev.basalt.wasi.preview2.WasiPreview2;
import dev.basalt.wasi.preview2.WasiPreview3;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code basalt serve} pays per request for a component's instance, without Jetty and the load generator that
 * {@link ServeBench} includes, and what loading a cached component costs at start-up. A separate command:
 * <pre>java -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.ServeInstanceBench --component PATH
 *     [--cache DIR] [--instances N] [--warmup N] [--rounds N] [--get /path]</pre>
 * Start-up: {@link Component#compile} through a {@link CodeCache} in {@code DIR} (a cache hit from the second run
 * on; without {@code --cache}, a compile) and {@link ComponentLinker#instantiatePre} with the host interfaces
 * {@code basalt serve} defines, each as the main thread's CPU time and wall time. Then, per round, the mean thread
 * CPU time and allocated bytes per instance of what the server does per request around the guest's work: a
 * {@link WasiComponentContext}, a store, {@link ComponentInstancePre#instantiate}, and {@link Store#release} (the
 * memories' reset). With {@code --get}, each instance also handles a GET of that path ({@link WasiHttp#handle}),
 * which adds the guest's own work. The compiler engine with written-page tracking, as {@code basalt serve} runs.
 * Thread CPU and allocation barely change with the machine's load, so builds can be compared in alternated JVMs.
 */
public final class ServeInstanceBench {
    private ServeInstanceBench() {
    }

    public static void main(String[] args) throws Exception {
        Path componentPath = null;
        Path cacheDir = null;
        int instances = 300;
        int warmup = 300;
        int rounds = 3;
        String get = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--component" -> componentPath = Path.of(args[++i]);
                case "--cache" -> cacheDir = Path.of(args[++i]);
                case "--instances" -> instances = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--get" -> get = args[++i];
                default -> {
                    System.err.println("unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (componentPath == null) {
            System.err.println("--component PATH is required");
            System.exit(2);
        }
        Config.Builder config = Config.builder().strategy(Config.Strategy.COMPILER).trackMemoryWrites(true);
        if (cacheDir != null) {
            config.codeCache(new CodeCache(cacheDir));
        }
        Engine engine = Engine.create(config.build());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] bytes = Files.readAllBytes(componentPath);
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        Component component = Component.compile(engine, bytes);
        long cpu1 = threads.getCurrentThreadCpuTime();
        long wall1 = System.nanoTime();
        ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
        WasiPreview2.addToLinker(linker, ctx -> ctx);
        WasiPreview3.addToLinker(linker, ctx -> ctx);
        WasiHttp.addP3ToLinker(linker, ctx -> ctx);
        ComponentInstancePre<WasiComponentContext> pre = linker.instantiatePre(component);
        long cpu2 = threads.getCurrentThreadCpuTime();
        long wall2 = System.nanoTime();
        System.out.printf(Locale.ROOT, "%s (%,d bytes)%s: load %.2f s CPU (%.2f s wall), instantiatePre %.3f s CPU"
                + " (%.3f s wall)%n", componentPath.getFileName(), bytes.length,
                cacheDir == null ? ", no code cache" : ", code cache " + cacheDir, (cpu1 - cpu0) / 1e9,
                (wall1 - wall0) / 1e9, (cpu2 - cpu1) / 1e9, (wall2 - wall1) / 1e9);

        WasiConfig wasi = WasiConfig.builder().build();
        long tid = Thread.currentThread().threadId();
        long[] cpu = new long[instances];
        run(engine, pre, wasi, get, warmup, threads, cpu);
        System.out.println("round | instance CPU us: mean  median  p90 | alloc KB/instance");
        for (int r = 0; r < rounds; r++) {
            long allocBefore = threads.getThreadAllocatedBytes(tid);
            run(engine, pre, wasi, get, instances, threads, cpu);
            long allocated = threads.getThreadAllocatedBytes(tid) - allocBefore;
            long[] sorted = cpu.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "%5d | %20.1f %7.1f %6.1f | %17.1f%n", r + 1,
                    Arrays.stream(cpu).average().orElse(0) / 1e3, sorted[sorted.length / 2] / 1e3,
                    sorted[(int) (sorted.length * 0.9)] / 1e3, allocated / 1024.0 / instances);
        }
    }

    /** {@code n} instances one after the other; {@code cpu[i]} gets instance i's thread CPU (when it fits). */
    private static void run(Engine engine, ComponentInstancePre<WasiComponentContext> pre, WasiConfig config,
            String get, int n, com.sun.management.ThreadMXBean threads, long[] cpu) {
        for (int i = 0; i < n; i++) {
            long t0 = threads.getCurrentThreadCpuTime();
            Store<WasiComponentContext> store;
            try (WasiComponentContext wasi = WasiComponentContext.create(config)) {
                store = Store.create(engine, wasi);
                ComponentInstance instance = pre.instantiate(store);
                if (get != null) {
                    WasiHttp.Response response = WasiHttp.handle(instance, wasi,
                            new WasiHttp.Request("GET", Optional.of("http"), Optional.of("localhost"), get,
                                    List.of(), InputStream.nullInputStream(), List::of));
                    if (response.status() != 200) {
                        throw new IllegalStateException("GET " + get + ": status " + response.status());
                    }
                }
            }
            store.release();
            if (i < cpu.length) {
                cpu[i] = threads.getCurrentThreadCpuTime() - t0;
            }
        }
    }
}
