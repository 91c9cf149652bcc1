package dev.basalt.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a cold JVM's first call of a workload spends its time: a diagnostic for cold-start work (issue 4), run by
 * hand in a fresh JVM, one workload per JVM:
 *
 * <pre>java -Xss16m -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.ColdProfile deflate</pre>
 *
 * <p>It compiles and instantiates the workload with Basalt's compiler, then makes the first call under a Flight
 * Recorder recording started from inside (no JVM flag): execution samples of this thread every millisecond, every
 * JIT compile and every deoptimisation. It prints the phases' thread CPU, then which tier ran the call: each
 * sample is counted for its innermost frame of generated code ({@value #GENERATED_PACKAGE}), as interpreted, or
 * compiled by C1 or C2 according to the last compile of that method that had finished by the sample's time
 * (on-stack-replacement compiles marked). Per generated method: its samples by tier, its compiles (when, level,
 * OSR, how long, code size) and its deoptimisations (bytecode index, reason, action).
 *
 * <p>Thread CPU, not wall time, so that a loaded machine still gives usable figures, though a loaded machine also
 * starves the JIT's threads and so shifts the tiers towards the interpreter and C1. The sampler takes about one
 * sample per millisecond or two of the thread's time; the recording itself costs a little. Compare tiers and
 * compile events between builds, not single samples.
 */
public final class ColdProfile {
    static final String GENERATED_PACKAGE = "dev.basalt.compiler.gen";

    private ColdProfile() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ColdProfile WORKLOAD   (one of "
                    + Workload.all().stream().map(Workload::name).toList() + ")");
            System.exit(2);
        }
        Workload w = Workload.all().stream().filter(x -> x.name().equals(args[0])).findFirst().orElse(null);
        if (w == null) {
            System.err.println("unknown workload " + args[0]);
            System.exit(2);
        }
        System.out.print(profile(w).format());
    }

    /** The phases of one cold call and where it ran. */
    record Profile(Workload workload, double compileMs, double instantiateMs, double callMs, double callWallMs,
                   long result, Report report) {
        String format() {
            return String.format(Locale.ROOT, "%s: compile %.0f ms, instantiate %.0f ms, first call %.0f ms of thread"
                    + " CPU (%.0f ms wall; result %s)%n", workload.name(), compileMs, instantiateMs, callMs, callWallMs,
                    result == workload.expected() ? "ok" : result + ", WRONG: expected " + workload.expected())
                    + report.format();
        }
    }

    /**
     * Compiles and instantiates {@code w} with Basalt's compiler, then calls it once under a recording. Meant for a
     * fresh JVM: in a JVM that ran the workload before, the call is no longer cold.
     */
    static Profile profile(Workload w) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long c0 = threads.getCurrentThreadCpuTime();
        JvmRunner.Compiled compiled = new BasaltCompilerRunner().compile(w.wasm());
        long c1 = threads.getCurrentThreadCpuTime();
        JvmRunner.Instance instance = compiled.instantiate();
        long c2 = threads.getCurrentThreadCpuTime();
        Path file = Files.createTempFile("basalt-cold", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            recording.enable("jdk.Compilation").withThreshold(Duration.ZERO);
            recording.enable("jdk.Deoptimization");
            recording.enable("jdk.CompilationFailure");
            recording.start();
            Instant start = Instant.now();
            long r0 = threads.getCurrentThreadCpuTime();
            long result = instance.run();
            long r1 = threads.getCurrentThreadCpuTime();
            Instant end = Instant.now();
            recording.stop();
            recording.dump(file);
            Report report = Report.of(RecordingFile.readAllEvents(file), Thread.currentThread().threadId(), start,
                    end);
            return new Profile(w, (c1 - c0) / 1e6, (c2 - c1) / 1e6, (r1 - r0) / 1e6, ms(start, end), result, report);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Where a sample ran: the tier of its innermost generated frame. */
    enum Tier {
        INTERPRETER("interpreter"), C1("C1"), C1_OSR("C1 OSR"), C2("C2"), C2_OSR("C2 OSR"),
        /** Compiled, but no finished compile of the method was recorded (compiled before the recording started). */
        COMPILED_EARLIER("compiled before"),
        /** No generated frame (the runtime's own code, the JDK). */
        OUTSIDE("outside generated code");

        final String label;

        Tier(String label) {
            this.label = label;
        }

        static Tier of(int level, boolean osr) {
            if (level >= 4) {
                return osr ? C2_OSR : C2;
            }
            return osr ? C1_OSR : C1;
        }
    }

    /** One finished compile: when it was installed (ms after the call started), its level and size. */
    record Compile(double doneMs, double tookMs, int level, boolean osr, boolean succeeded, long codeSize) {
    }

    /** One deoptimisation of a generated method. */
    record Deopt(double atMs, int bci, String instruction, String reason, String action) {
    }

    /** The per-method and overall figures of one call. */
    record Report(int samples, Map<Tier, Integer> byTier, Map<String, MethodFigures> methods,
                  List<String> failures) {
        static Report of(List<RecordedEvent> events, long threadId, Instant start, Instant end) {
            Map<String, MethodFigures> methods = new LinkedHashMap<>();
            List<RecordedEvent> samples = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (RecordedEvent e : events) {
                switch (e.getEventType().getName()) {
                    case "jdk.Compilation" -> {
                        RecordedMethod m = e.getValue("method");
                        if (m != null && isGenerated(m)) {
                            methods.computeIfAbsent(name(m), k -> new MethodFigures()).compiles.add(
                                    new Compile(ms(start, e.getEndTime()), e.getDuration().toNanos() / 1e6,
                                            e.getInt("compileLevel"), e.getBoolean("isOsr"),
                                            e.getBoolean("succeded"), e.getLong("codeSize")));
                        }
                    }
                    case "jdk.Deoptimization" -> {
                        RecordedMethod m = e.getValue("method");
                        if (m != null && isGenerated(m)) {
                            methods.computeIfAbsent(name(m), k -> new MethodFigures()).deopts.add(
                                    new Deopt(ms(start, e.getStartTime()), e.getInt("bci"), e.getString("instruction"),
                                            e.getString("reason"), e.getString("action")));
                        }
                    }
                    case "jdk.CompilationFailure" -> failures.add(String.format(Locale.ROOT, "%+.0f ms compile %d: %s",
                            ms(start, e.getStartTime()), e.getLong("compileId"), e.getString("failureMessage")));
                    case "jdk.ExecutionSample" -> {
                        if (e.getThread("sampledThread") != null
                                && e.getThread("sampledThread").getJavaThreadId() == threadId
                                && !e.getStartTime().isBefore(start) && !e.getStartTime().isAfter(end)
                                && e.getStackTrace() != null) {
                            samples.add(e);
                        }
                    }
                    default -> {
                    }
                }
            }
            methods.values().forEach(f -> f.compiles.sort(Comparator.comparingDouble(Compile::doneMs)));
            Map<Tier, Integer> byTier = new LinkedHashMap<>();
            for (Tier t : Tier.values()) {
                byTier.put(t, 0);
            }
            for (RecordedEvent s : samples) {
                double at = ms(start, s.getStartTime());
                Tier tier = Tier.OUTSIDE;
                for (RecordedFrame f : s.getStackTrace().getFrames()) {
                    if (f.getMethod() != null && isGenerated(f.getMethod())) {
                        MethodFigures figures = methods.computeIfAbsent(name(f.getMethod()), k -> new MethodFigures());
                        tier = tierAt(f, figures.compiles, at);
                        figures.samples.merge(tier, 1, Integer::sum);
                        break;
                    }
                }
                byTier.merge(tier, 1, Integer::sum);
            }
            return new Report(samples.size(), byTier, methods, failures);
        }

        /**
         * The tier of a generated frame at {@code atMs}: interpreted frames are; a compiled frame ran the last
         * successful compile of its method finished by then (an inlined frame, its caller's: the innermost generated
         * frame is inlined only into another generated method, counted as the tier of that compile of the callee,
         * which is close enough for shares).
         */
        static Tier tierAt(RecordedFrame frame, List<Compile> compiles, double atMs) {
            if ("Interpreted".equals(frame.getType())) {
                return Tier.INTERPRETER;
            }
            Compile last = null;
            for (Compile c : compiles) {
                if (c.succeeded() && c.doneMs() <= atMs) {
                    last = c;
                }
            }
            return last == null ? Tier.COMPILED_EARLIER : Tier.of(last.level(), last.osr());
        }

        String format() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%d samples in the call; innermost generated frame ran in:", samples));
            byTier.forEach((t, n) -> {
                if (n > 0) {
                    sb.append(String.format(Locale.ROOT, " %s %.0f%%,", t.label, 100.0 * n / samples));
                }
            });
            sb.setLength(sb.length() - 1);
            sb.append('\n');
            methods.entrySet().stream().filter(e -> e.getValue().total() > 0)
                    .sorted(Comparator.comparingInt((Map.Entry<String, MethodFigures> e) -> -e.getValue().total())
                            .thenComparing(Map.Entry::getKey))
                    .forEach(e -> e.getValue().format(e.getKey(), sb));
            failures.forEach(f -> sb.append("  JIT compile failed (any method): ").append(f).append('\n'));
            List<MethodFigures> unsampled = methods.values().stream().filter(f -> f.total() == 0).toList();
            if (!unsampled.isEmpty()) {
                sb.append(String.format(Locale.ROOT, "  and %d generated methods without samples (%d compiles, %d"
                        + " deoptimisations)%n", unsampled.size(),
                        unsampled.stream().mapToInt(f -> f.compiles.size()).sum(),
                        unsampled.stream().mapToInt(f -> f.deopts.size()).sum()));
            }
            return sb.toString();
        }
    }

    /** One generated method's samples by tier, compiles and deoptimisations. */
    static final class MethodFigures {
        final Map<Tier, Integer> samples = new LinkedHashMap<>();
        final List<Compile> compiles = new ArrayList<>();
        final List<Deopt> deopts = new ArrayList<>();

        int total() {
            return samples.values().stream().mapToInt(Integer::intValue).sum();
        }

        void format(String name, StringBuilder sb) {
            sb.append(String.format(Locale.ROOT, "  %-16s %4d samples", name, total()));
            samples.forEach((t, n) -> sb.append(String.format(Locale.ROOT, ", %s %d", t.label, n)));
            sb.append('\n');
            for (Compile c : compiles) {
                sb.append(String.format(Locale.ROOT, "      %+7.0f ms  %s%s level %d, took %.1f ms, %,d bytes of code%n",
                        c.doneMs(), c.succeeded() ? "compiled" : "FAILED", c.osr() ? " (OSR)" : "", c.level(),
                        c.tookMs(), c.codeSize()));
            }
            for (Deopt d : deopts) {
                sb.append(String.format(Locale.ROOT, "      %+7.0f ms  deoptimised at bci %d (%s): %s, %s%n",
                        d.atMs(), d.bci(), d.instruction(), d.reason(), d.action()));
            }
        }
    }

    static boolean isGenerated(RecordedMethod m) {
        return m.getType() != null && m.getType().getName().startsWith(GENERATED_PACKAGE + ".");
    }

    /** {@code Class.method}, without the package: generated class names are the same in every module. */
    static String name(RecordedMethod m) {
        String type = m.getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + m.getName();
    }

    static double ms(Instant start, Instant at) {
        return Duration.between(start, at).toNanos() / 1e6;
    }
}
