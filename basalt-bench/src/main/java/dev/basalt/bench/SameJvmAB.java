package dev.basalt.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Compares builds of Basalt's compiler in ONE JVM, their calls alternated, so that a loaded machine slows them alike:
 * an A/B harness for compiler changes (issue 4), run by hand:
 *
 * <pre>java -Xss16m -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.SameJvmAB fib,hash 20 40 \
 *     /tmp/before.jar basalt-bench/target/basalt-bench.jar endive</pre>
 *
 * <p>Arguments: workloads, warm-up calls and timed calls per build, then the builds: each a {@code basalt-bench.jar}
 * (or a directory of classes placed before this JVM's class path, such as a module's {@code target/classes}),
 * loaded in a class loader of its own, {@code endive} for Endive's compiler, or {@code java} for the workload's
 * plain-Java port ({@link JavaPorts}: what HotSpot makes of the same algorithm on Java arrays, the floor a Basalt build
 * is measured against; fib, hash, mandel, matmul, sieve and sort). A Basalt build may carry a
 * metering suffix ({@link Metering}): {@code build.jar@fuel} runs every call with fuel metering on,
 * {@code @deadline} with a deadline armed (an hour: it never fires), {@code @pending} while another, idle store of
 * that build has an interrupt pending (the state in which compiled checkpoints read the volatile interrupt flag).
 * Each build has its own copy of the runtime's static flags, so one build's fuel or pending interrupt does not
 * reach another's code: the same jar twice, once with {@code @fuel}, measures what metering costs. Every build has its own copies of
 * Basalt's classes, so the JIT compiles and profiles each one's generated code and helpers apart (no build's
 * profile shapes another's).
 * Per workload, one call of each build in turn (the starting build rotates), every call on a fresh instance; it
 * prints each build's thread CPU per call: median, fastest quarter and fastest. Separate JVMs of the same build
 * differ by up to 1.5x on this machine; in one JVM two copies of the same build agree within a few percent, which
 * is what makes small differences visible. Still alternate whole runs too (a JVM's JIT can settle on slower code for
 * one build, which a second JVM shows).
 */
public final class SameJvmAB {
    private SameJvmAB() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: SameJvmAB WORKLOADS WARMUP ITERATIONS BUILD... (BUILD: a basalt-bench.jar, "
                    + "a classes directory, endive, or java)");
            System.exit(2);
        }
        int warmup = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        List<String> builds = Arrays.asList(args).subList(3, args.length);
        for (String workload : args[0].split(",")) {
            LongSupplier[] calls = new LongSupplier[builds.size()];
            for (int b = 0; b < calls.length; b++) {
                calls[b] = prepare(builds.get(b), workload);
            }
            long[][] cpu = new long[calls.length][iterations];
            for (int i = 0; i < warmup + iterations; i++) {
                for (int k = 0; k < calls.length; k++) {
                    int b = (k + i) % calls.length;
                    long t = calls[b].getAsLong();
                    if (i >= warmup) {
                        cpu[b][i - warmup] = t;
                    }
                }
            }
            StringBuilder line = new StringBuilder(workload);
            for (int b = 0; b < calls.length; b++) {
                long[] t = cpu[b];
                Arrays.sort(t);
                line.append(String.format(Locale.ROOT, "  [%d] %s: median %.2f, fastest quarter %.2f, fastest %.2f ms",
                        b, Path.of(builds.get(b)).getFileName(), t[t.length / 2] / 1e6, t[t.length / 4] / 1e6,
                        t[0] / 1e6));
            }
            System.out.println(line);
        }
    }

    /** One call of {@code workload} on a fresh instance of {@code build}: its thread CPU in nanoseconds. */
    private static LongSupplier prepare(String build, String workload) throws Exception {
        if (build.equals("endive")) {
            return Call.of(new EndiveCompilerRunner(), workload);
        }
        if (build.equals("java")) {
            return Call.java(workload);
        }
        int at = build.lastIndexOf('@');
        String metering = at < 0 ? Metering.NONE.name() : Metering.of(build.substring(at + 1)).name();
        ClassLoader loader = new BuildLoader(at < 0 ? build : build.substring(0, at));
        return (LongSupplier) loader.loadClass(Call.class.getName()).getMethod("basalt", String.class, String.class)
                .invoke(null, workload, metering);
    }

    /**
     * Loads a build's classes, and {@link Call} from this jar into the build's {@code dev.basalt.bench} package (so
     * it reaches the build's package-private runners). Parent: the platform loader, so nothing of this jar's Basalt
     * leaks in.
     */
    private static final class BuildLoader extends URLClassLoader {
        BuildLoader(String build) throws MalformedURLException {
            super(urls(build), ClassLoader.getPlatformClassLoader());
        }

        private static URL[] urls(String build) throws MalformedURLException {
            List<URL> out = new ArrayList<>();
            out.add(Path.of(build).toUri().toURL());
            if (!build.endsWith(".jar")) {
                // A classes directory: the rest comes from this JVM's class path (this jar, or a test's class path).
                for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                    if (!entry.isEmpty()) {
                        out.add(Path.of(entry).toUri().toURL());
                    }
                }
            }
            return out.toArray(URL[]::new);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Call.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    String resource = name.replace('.', '/') + ".class";
                    try (InputStream in = SameJvmAB.class.getClassLoader().getResourceAsStream(resource)) {
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return c;
            }
        }
    }

    /** How a build's calls are metered (the suffix after {@code @} of a build argument, lower case). */
    enum Metering {
        /** No fuel, no deadline, no interrupt pending anywhere: the checkpoints compile to nothing. */
        NONE,
        /** Fuel metering on ({@code Store.setFuel}, more than any call uses). */
        FUEL,
        /** A deadline armed for each call (an hour: it does not fire). */
        DEADLINE,
        /** An interrupt pending on another store that never runs: every checkpoint reads the interrupt flag. */
        PENDING;

        static Metering of(String suffix) {
            return valueOf(suffix.toUpperCase(Locale.ROOT));
        }
    }

    /** Compiles a workload once and times its calls; defined again in each build's loader. */
    public static final class Call {
        private Call() {
        }

        /** Keeps the idle stores of {@link Metering#PENDING} reachable: a collected one would uncount itself. */
        private static final List<Object> IDLE_STORES = new ArrayList<>();

        /**
         * Basalt's compiler of the loader that defined this class, each call on a fresh store metered as
         * {@code metering} (a {@link Metering} constant's name, never the type: this class is defined again in each
         * build's loader, which resolves every other class from the build, and builds from before the option have no
         * {@code Metering}). Only public API that every build has.
         */
        public static LongSupplier basalt(String workload, String metering) {
            Workload w = Workload.all().stream().filter(x -> x.name().equals(workload)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no workload " + workload));
            dev.basalt.Engine engine = dev.basalt.Engine.create(
                    dev.basalt.Config.builder().strategy(dev.basalt.Config.Strategy.COMPILER).build());
            dev.basalt.InstancePre<Void> pre = dev.basalt.Linker.<Void>create(engine)
                    .instantiatePre(dev.basalt.Module.compile(engine, w.wasm()));
            if (metering.equals("PENDING")) {
                dev.basalt.Store<Void> idle = dev.basalt.Store.create(engine);
                idle.interrupt();
                IDLE_STORES.add(idle);
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            return () -> {
                dev.basalt.Store<Void> store = dev.basalt.Store.create(engine);
                if (metering.equals("FUEL")) {
                    store.setFuel(Long.MAX_VALUE / 4);
                } else if (metering.equals("DEADLINE")) {
                    store.setDeadline(java.time.Duration.ofHours(1));
                }
                dev.basalt.Func run = pre.instantiate(store).getFunc("run").orElseThrow();
                long start = threads.getCurrentThreadCpuTime();
                long result = run.callI64();
                long cpu = threads.getCurrentThreadCpuTime() - start;
                store.cancelDeadline();
                if (result != w.expected()) {
                    throw new IllegalStateException(workload + " returned " + result + ", expected " + w.expected());
                }
                return cpu;
            };
        }

        /** The plain-Java port of {@code workload} ({@link JavaPorts}), its result checked like the Wasm builds'. */
        static LongSupplier java(String workload) {
            Workload w = Workload.all().stream().filter(x -> x.name().equals(workload)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no workload " + workload));
            if (!JavaPorts.NAMES.contains(workload)) {
                throw new IllegalArgumentException("no Java port of " + workload + " (ports: " + JavaPorts.NAMES + ")");
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            return () -> {
                long start = threads.getCurrentThreadCpuTime();
                long result = JavaPorts.run(workload);
                long cpu = threads.getCurrentThreadCpuTime() - start;
                if (result != w.expected()) {
                    throw new IllegalStateException(workload + " (Java port) returned " + result + ", expected "
                            + w.expected());
                }
                return cpu;
            };
        }

        static LongSupplier of(JvmRunner runner, String workload) {
            Workload w = Workload.all().stream().filter(x -> x.name().equals(workload)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no workload " + workload));
            JvmRunner.Compiled compiled = runner.compile(w.wasm());
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            return () -> {
                JvmRunner.Instance instance = compiled.instantiate();
                long start = threads.getCurrentThreadCpuTime();
                long result = instance.run();
                long cpu = threads.getCurrentThreadCpuTime() - start;
                if (result != w.expected()) {
                    throw new IllegalStateException(workload + " returned " + result + ", expected " + w.expected());
                }
                return cpu;
            };
        }
    }
}
