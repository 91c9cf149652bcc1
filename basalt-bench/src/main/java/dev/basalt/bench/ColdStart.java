package dev.basalt.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * The cold-start harness (issue 4): per workload, fresh JVMs that each compile, instantiate and call it once, then a
 * few more times for a steady-state reference, measured in CPU time so that a loaded machine still gives usable
 * figures. Run by hand after {@code ./mvnw -pl basalt-bench -am package}:
 *
 * <pre>java -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.ColdStart --runs 5 --only simd,nbody \
 *     /tmp/before.jar basalt-bench/target/basalt-bench.jar</pre>
 *
 * <p>Builds (the trailing arguments; default: this jar) are jars or class directories put first on each child's
 * class path, this jar after them (so a build from before this class existed still runs it); runs alternate the
 * builds, the first build rotating, so that load changes hit them alike. Per workload and build it prints medians
 * over the runs of:
 * <ul>
 *   <li>the first call's main-thread CPU and its wall time;</li>
 *   <li>the process's CPU during the call, and of it the JIT compiler threads' (C1 and C2 apart, read from
 *       {@code /proc/self/task/*&#47;schedstat}, Linux only): the work the first call cannot do without;</li>
 *   <li>the steady state: the main-thread CPU of the last half of {@code --steady} further calls (default 16), and
 *       first call over steady;</li>
 * </ul>
 * then, for the run with the median first call, a timeline of its hottest generated methods (JFR execution samples
 * every 2 ms of the main thread, innermost generated frame): each compile (C1 is level 1-3, C2 level 4, OSR marked)
 * and deoptimisation in ms from the call's start (compiles that started before the call and ended in it included),
 * and a line saying when the hottest method's first C2 code landed in the call: until then it ran interpreted or in
 * C1 code, which is what bounds the first call.
 *
 * <p>The recording is started before the module is compiled, so its own start-up is not in the call; its sampler
 * thread's few ms are in the process CPU (not in the JIT's). Compiler threads that HotSpot retires during the call
 * (dynamic compiler threads) take their CPU with them: the JIT figures are a lower bound.
 */
public final class ColdStart {
    static final String GENERATED_PACKAGE = "dev.basalt.compiler.gen";
    /** Sampling period of the main thread: fine enough for a 30 ms call, cheap enough not to skew it. */
    static final Duration SAMPLE_PERIOD = Duration.ofMillis(2);
    /** Hot methods listed in a timeline. */
    static final int TIMELINE_METHODS = 4;

    private ColdStart() {
    }

    public static void main(String[] args) throws IOException {
        int runs = 5;
        int steady = 16;
        List<String> only = null;
        List<String> builds = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--steady" -> steady = Integer.parseInt(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                default -> {
                    if (args[i].startsWith("--")) {
                        System.err.println("usage: ColdStart [--runs N] [--steady N] [--only w1,w2] [BUILD...]");
                        System.exit(2);
                    }
                    builds.add(args[i]);
                }
            }
        }
        if (builds.isEmpty()) {
            builds.add("");
        }
        List<String> names = Workload.all().stream().map(Workload::name).toList();
        List<Summary> table = new ArrayList<>();
        for (String w : only == null ? names : only) {
            if (!names.contains(w)) {
                System.err.println("unknown workload " + w + " (one of " + names + ")");
                System.exit(2);
            }
            List<List<Run>> perBuild = new ArrayList<>();
            builds.forEach(b -> perBuild.add(new ArrayList<>()));
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < builds.size(); k++) {
                    int b = (k + r) % builds.size();
                    Run run = Run.parse(ProcessRunner.run(childCommand(builds.get(b), w, steady)));
                    perBuild.get(b).add(run);
                    System.err.printf(Locale.ROOT, "%s [%d] run %d: first call %.1f ms CPU, JIT %.1f ms, steady %.2f"
                            + " ms (load %.1f)%n", w, b, r + 1, run.firstCallCpuMs(), run.jitCpuMs(),
                            run.steadyCpuMs(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                }
            }
            for (int b = 0; b < builds.size(); b++) {
                Summary s = Summary.of(w, b, label(builds.get(b)), perBuild.get(b));
                table.add(s);
                System.out.print(s.format());
                System.out.flush();
            }
        }
        System.out.print(table(table));
    }

    /** All workloads and builds in one markdown table (medians over the runs). */
    static String table(List<Summary> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n| workload | build | first call, main-thread CPU ms | process CPU ms | of it JIT (C1 / C2) ms"
                + " | steady ms | first/steady |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Summary s : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | [%d] %s | %.1f | %.1f | %.1f (%.1f / %.1f) | %.2f | %.1fx |%n",
                    s.workload(), s.build(), s.label(), s.firstCallCpuMs(), s.processCpuMs(),
                    s.c1CpuMs() + s.c2CpuMs(), s.c1CpuMs(), s.c2CpuMs(), s.steadyCpuMs(),
                    s.firstCallCpuMs() / s.steadyCpuMs()));
        }
        return sb.toString();
    }

    private static String label(String build) {
        return build.isEmpty() ? "this jar" : Path.of(build).getFileName().toString();
    }

    /** A fresh JVM running {@link Child} with {@code build} before this JVM's class path. */
    static List<String> childCommand(String build, String workload, int steady) {
        String cp = System.getProperty("java.class.path");
        if (!build.isEmpty()) {
            cp = build + java.io.File.pathSeparator + cp;
        }
        return List.of(ProcessRunner.thisJava(), "-Xss16m", "-cp", cp, Child.class.getName(), workload,
                Integer.toString(steady));
    }

    /**
     * The child's side: {@code ColdStart$Child WORKLOAD STEADY}. Only uses what every build of the bench has
     * ({@link Workload}, {@link BasaltCompilerRunner}), so that an older build put before this jar runs it too.
     * Prints {@code key value} lines, and one line per compile, deoptimisation and sampled method of the call.
     */
    public static final class Child {
        private Child() {
        }

        public static void main(String[] args) throws IOException {
            Workload w = Workload.all().stream().filter(x -> x.name().equals(args[0])).findFirst().orElseThrow();
            int steady = Integer.parseInt(args[1]);
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Path file = Files.createTempFile("basalt-coldstart", ".jfr");
            StringBuilder out = new StringBuilder();
            try (Recording recording = new Recording()) {
                recording.enable("jdk.ExecutionSample").withPeriod(SAMPLE_PERIOD);
                recording.enable("jdk.Compilation").withThreshold(Duration.ZERO);
                recording.enable("jdk.Deoptimization");
                recording.start();
                JvmRunner.Compiled compiled = new BasaltCompilerRunner().compile(w.wasm());
                JvmRunner.Instance instance = compiled.instantiate();
                Map<Long, long[]> tasks0 = TaskCpu.snapshot();
                long process0 = os.getProcessCpuTime();
                Instant start = Instant.now();
                long c0 = threads.getCurrentThreadCpuTime();
                long result = instance.run();
                long c1 = threads.getCurrentThreadCpuTime();
                Instant end = Instant.now();
                long process1 = os.getProcessCpuTime();
                Map<Long, long[]> tasks1 = TaskCpu.snapshot();
                recording.stop();
                long[] steadyCpu = new long[steady];
                for (int i = 0; i < steady; i++) {
                    JvmRunner.Instance again = compiled.instantiate();
                    long s0 = threads.getCurrentThreadCpuTime();
                    long r = again.run();
                    steadyCpu[i] = threads.getCurrentThreadCpuTime() - s0;
                    if (r != result) {
                        throw new IllegalStateException("call " + (i + 2) + " returned " + r + ", the first " + result);
                    }
                }
                recording.dump(file);
                out.append("result ").append(result).append(" expected ").append(w.expected()).append('\n');
                out.append("first_call_cpu_ns ").append(c1 - c0).append('\n');
                out.append("first_call_wall_ns ").append(Duration.between(start, end).toNanos()).append('\n');
                out.append("process_cpu_ns ").append(process1 - process0).append('\n');
                long[] jit = TaskCpu.compilerDelta(tasks0, tasks1);
                out.append("c1_cpu_ns ").append(jit[0]).append('\n');
                out.append("c2_cpu_ns ").append(jit[1]).append('\n');
                // the last half of the further calls: past their C2 compiles, as the bench's measured calls are
                long[] tail = Arrays.copyOfRange(steadyCpu, steady / 2, steady);
                Arrays.sort(tail);
                out.append("steady_cpu_ns ").append(tail.length == 0 ? -1 : tail[tail.length / 2]).append('\n');
                events(RecordingFile.readAllEvents(file), Thread.currentThread().threadId(), start, end, out);
            } finally {
                Files.deleteIfExists(file);
            }
            System.out.print(out);
        }

        /** The call's compiles, deoptimisations (generated methods, ms from the call's start) and samples. */
        private static void events(List<RecordedEvent> events, long threadId, Instant start, Instant end,
                                   StringBuilder out) {
            Map<String, int[]> samples = new LinkedHashMap<>();
            int total = 0;
            for (RecordedEvent e : events) {
                switch (e.getEventType().getName()) {
                    case "jdk.Compilation" -> {
                        RecordedMethod m = e.getValue("method");
                        if (m != null && generated(m) && !e.getEndTime().isBefore(start)
                                && e.getStartTime().isBefore(end)) {
                            out.append(String.format(Locale.ROOT, "compile %s %d %b %b %.2f %.2f %d%n", name(m),
                                    e.getInt("compileLevel"), e.getBoolean("isOsr"), e.getBoolean("succeded"),
                                    ms(start, e.getStartTime()), ms(start, e.getEndTime()), e.getLong("codeSize")));
                        }
                    }
                    case "jdk.Deoptimization" -> {
                        RecordedMethod m = e.getValue("method");
                        if (m != null && generated(m) && !e.getStartTime().isBefore(start)
                                && !e.getStartTime().isAfter(end)) {
                            out.append(String.format(Locale.ROOT, "deopt %s %.2f %d %s%n", name(m),
                                    ms(start, e.getStartTime()), e.getInt("bci"), e.getString("reason")));
                        }
                    }
                    case "jdk.ExecutionSample" -> {
                        if (e.getThread("sampledThread") != null
                                && e.getThread("sampledThread").getJavaThreadId() == threadId
                                && !e.getStartTime().isBefore(start) && !e.getStartTime().isAfter(end)
                                && e.getStackTrace() != null) {
                            total++;
                            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                                if (f.getMethod() != null && generated(f.getMethod())) {
                                    int[] n = samples.computeIfAbsent(name(f.getMethod()), k -> new int[2]);
                                    n[0]++;
                                    n[1] += "Interpreted".equals(f.getType()) ? 1 : 0;
                                    break;
                                }
                            }
                        }
                    }
                    default -> {
                    }
                }
            }
            out.append("samples_total ").append(total).append('\n');
            samples.forEach((m, n) -> out.append("samples ").append(m).append(' ').append(n[0]).append(' ')
                    .append(n[1]).append('\n'));
        }

        private static boolean generated(RecordedMethod m) {
            return m.getType() != null && m.getType().getName().startsWith(GENERATED_PACKAGE + ".");
        }

        /** {@code method} of a generated class (one class per module: its name adds nothing). */
        private static String name(RecordedMethod m) {
            return m.getName();
        }

        private static double ms(Instant start, Instant at) {
            return Duration.between(start, at).toNanos() / 1e6;
        }
    }

    /** Per-thread CPU of this process from {@code /proc/self/task/TID/schedstat} (nanoseconds on a CPU). */
    static final class TaskCpu {
        private TaskCpu() {
        }

        /** Per task id: {kind, ns}, kind 1 for a C1 compiler thread, 2 for C2, 0 otherwise; empty without /proc. */
        static Map<Long, long[]> snapshot() {
            Map<Long, long[]> out = new HashMap<>();
            Path tasks = Path.of("/proc/self/task");
            if (!Files.isDirectory(tasks)) {
                return out;
            }
            try (Stream<Path> list = Files.list(tasks)) {
                for (Path t : (Iterable<Path>) list::iterator) {
                    try {
                        String comm = Files.readString(t.resolve("comm")).strip();
                        String[] stat = Files.readString(t.resolve("schedstat")).strip().split("\\s+");
                        long kind = comm.startsWith("C1 CompilerThre") ? 1 : comm.startsWith("C2 CompilerThre") ? 2 : 0;
                        out.put(Long.parseLong(t.getFileName().toString()), new long[] {kind, Long.parseLong(stat[0])});
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended while listing: it is not in this snapshot
                    }
                }
            } catch (IOException e) {
                return out;
            }
            return out;
        }

        /** CPU of the C1 and C2 compiler threads between two snapshots (threads started in between count whole). */
        static long[] compilerDelta(Map<Long, long[]> before, Map<Long, long[]> after) {
            long[] out = new long[2];
            after.forEach((tid, now) -> {
                if (now[0] > 0) {
                    long[] was = before.get(tid);
                    out[(int) now[0] - 1] += now[1] - (was == null ? 0 : was[1]);
                }
            });
            return out;
        }
    }

    /** One compile of a generated method, ms from the call's start. */
    record Compile(String method, int level, boolean osr, boolean succeeded, double startMs, double endMs,
                   long codeSize) {
    }

    /** One deoptimisation of a generated method. */
    record Deopt(String method, double atMs, int bci, String reason) {
    }

    /** One child's figures. */
    record Run(long result, long expected, double firstCallCpuMs, double firstCallWallMs, double processCpuMs,
               double c1CpuMs, double c2CpuMs, double steadyCpuMs, int samplesTotal, Map<String, int[]> samples,
               List<Compile> compiles, List<Deopt> deopts) {
        double jitCpuMs() {
            return c1CpuMs + c2CpuMs;
        }

        /** Reads a child's output; an unknown line is an error (it would hide one). */
        static Run parse(String output) throws IOException {
            Map<String, Double> values = new HashMap<>();
            long result = 0;
            long expected = 0;
            Map<String, int[]> samples = new LinkedHashMap<>();
            List<Compile> compiles = new ArrayList<>();
            List<Deopt> deopts = new ArrayList<>();
            for (String line : output.strip().split("\n")) {
                String[] f = line.strip().split(" ");
                try {
                    switch (f[0]) {
                        case "result" -> {
                            result = Long.parseLong(f[1]);
                            expected = Long.parseLong(f[3]);
                        }
                        case "first_call_cpu_ns", "first_call_wall_ns", "process_cpu_ns", "c1_cpu_ns", "c2_cpu_ns",
                             "steady_cpu_ns", "samples_total" -> values.put(f[0], Double.parseDouble(f[1]));
                        case "samples" -> samples.put(f[1], new int[] {Integer.parseInt(f[2]), Integer.parseInt(f[3])});
                        case "compile" -> compiles.add(new Compile(f[1], Integer.parseInt(f[2]),
                                Boolean.parseBoolean(f[3]), Boolean.parseBoolean(f[4]), Double.parseDouble(f[5]),
                                Double.parseDouble(f[6]), Long.parseLong(f[7])));
                        case "deopt" -> deopts.add(new Deopt(f[1], Double.parseDouble(f[2]), Integer.parseInt(f[3]),
                                String.join(" ", Arrays.asList(f).subList(4, f.length))));
                        default -> throw new IOException("unexpected output: " + line);
                    }
                } catch (RuntimeException e) {
                    throw new IOException("unexpected output: " + line, e);
                }
            }
            for (String key : List.of("first_call_cpu_ns", "first_call_wall_ns", "process_cpu_ns", "c1_cpu_ns",
                    "c2_cpu_ns", "steady_cpu_ns", "samples_total")) {
                if (!values.containsKey(key)) {
                    throw new IOException("no " + key + " in output: " + output.strip());
                }
            }
            compiles.sort(Comparator.comparingDouble(Compile::endMs));
            return new Run(result, expected, values.get("first_call_cpu_ns") / 1e6,
                    values.get("first_call_wall_ns") / 1e6, values.get("process_cpu_ns") / 1e6,
                    values.get("c1_cpu_ns") / 1e6, values.get("c2_cpu_ns") / 1e6, values.get("steady_cpu_ns") / 1e6,
                    values.get("samples_total").intValue(), samples, compiles, deopts);
        }

        /** The hottest generated methods by samples, most first: name, {samples, interpreted samples}. */
        List<Map.Entry<String, int[]>> hottest(int n) {
            return samples.entrySet().stream()
                    .sorted(Comparator.comparingInt((Map.Entry<String, int[]> e) -> -e.getValue()[0])
                            .thenComparing(Map.Entry::getKey))
                    .limit(n).toList();
        }

        /** When the first successful C2 compile (level 4, OSR or not) of {@code method} was installed, or NaN. */
        double firstC2Ms(String method) {
            return compiles.stream().filter(c -> c.method().equals(method) && c.level() == 4 && c.succeeded())
                    .mapToDouble(Compile::endMs).min().orElse(Double.NaN);
        }
    }

    /** Medians over one build's runs of a workload, and the timeline of its median run. */
    record Summary(String workload, int build, String label, int runs, double firstCallCpuMs, double wallMs,
                   double processCpuMs, double c1CpuMs, double c2CpuMs, double steadyCpuMs, List<String> wrong,
                   Run median) {
        static Summary of(String workload, int build, String label, List<Run> runs) {
            List<String> wrong = runs.stream().filter(r -> r.result() != r.expected())
                    .map(r -> r.result() + " (expected " + r.expected() + ")").toList();
            List<Run> byFirst = runs.stream().sorted(Comparator.comparingDouble(Run::firstCallCpuMs)).toList();
            return new Summary(workload, build, label, runs.size(), median(runs, Run::firstCallCpuMs),
                    median(runs, Run::firstCallWallMs), median(runs, Run::processCpuMs), median(runs, Run::c1CpuMs),
                    median(runs, Run::c2CpuMs), median(runs, Run::steadyCpuMs), wrong,
                    byFirst.get((byFirst.size() - 1) / 2));
        }

        private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
            return Measurement.median(runs.stream().mapToDouble(f).toArray());
        }

        String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%s [%d] %s, %d fresh JVMs, medians: first call %.1f ms main-thread"
                    + " CPU (%.1f ms wall), process %.1f ms CPU of which JIT %.1f (C1 %.1f, C2 %.1f); steady %.2f ms;"
                    + " first/steady %.1fx%n", workload, build, label, runs, firstCallCpuMs, wallMs, processCpuMs,
                    c1CpuMs + c2CpuMs, c1CpuMs, c2CpuMs, steadyCpuMs, firstCallCpuMs / steadyCpuMs));
            if (!wrong.isEmpty()) {
                sb.append("  WRONG results: ").append(wrong).append('\n');
            }
            Run r = median;
            sb.append(String.format(Locale.ROOT, "  median run (first call %.1f ms CPU, %.1f ms wall, %d samples):%n",
                    r.firstCallCpuMs(), r.firstCallWallMs(), r.samplesTotal()));
            for (Map.Entry<String, int[]> hot : r.hottest(TIMELINE_METHODS)) {
                String m = hot.getKey();
                sb.append(String.format(Locale.ROOT, "    %-14s %3.0f%% of samples (%.0f%% of its own interpreted):",
                        m, 100.0 * hot.getValue()[0] / Math.max(1, r.samplesTotal()),
                        100.0 * hot.getValue()[1] / hot.getValue()[0]));
                r.compiles().stream().filter(c -> c.method().equals(m)).forEach(c -> sb.append(String.format(
                        Locale.ROOT, " %s%s%s +%.0f..%.0f,", c.level() == 4 ? "C2" : "C1", c.osr() ? " OSR" : "",
                        c.succeeded() ? "" : " FAILED", c.startMs(), c.endMs())));
                r.deopts().stream().filter(d -> d.method().equals(m)).forEach(d -> sb.append(String.format(
                        Locale.ROOT, " deopt +%.0f bci %d %s,", d.atMs(), d.bci(), d.reason())));
                sb.setLength(sb.length() - (sb.charAt(sb.length() - 1) == ',' ? 1 : 0));
                sb.append('\n');
            }
            List<Map.Entry<String, int[]>> hottest = r.hottest(1);
            if (!hottest.isEmpty()) {
                String m = hottest.get(0).getKey();
                double c2 = r.firstC2Ms(m);
                sb.append(Double.isNaN(c2)
                        ? String.format(Locale.ROOT, "  bound: the hottest method, %s, got no C2 code during the call"
                                + " (%.0f ms wall)%n", m, r.firstCallWallMs())
                        : String.format(Locale.ROOT, "  bound: the hottest method, %s, had C2 code from +%.0f ms of"
                                + " %.0f ms wall (%.0f%%); everything before ran interpreted or in C1%n", m, c2,
                                r.firstCallWallMs(), 100 * c2 / r.firstCallWallMs()));
            }
            return sb.toString();
        }
    }
}
