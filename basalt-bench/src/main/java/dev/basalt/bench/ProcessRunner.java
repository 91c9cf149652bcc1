package dev.basalt.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A runtime outside this JVM (native code, node, GraalWasm, Basalt in a fresh JVM), measured by a child process that times itself and prints lines
 * {@code compile_ns T}, {@code first_run_ns T} (the first, unmeasured, call), {@code instantiate_ns T},
 * {@code run_ns T}, {@code result R} and, where the child decides how long to warm up, {@code warmup_calls N} (see {@code src/main/native/bench-main.c},
 * {@code src/main/resources/node/run-wasm.mjs}, {@link GraalWasmRun} and {@link ColdRun}).
 */
abstract class ProcessRunner implements Runner {
    private static final long TIMEOUT_MINUTES = 20;

    /** The java launcher of this JVM, so that child JVMs run the same JDK as the benchmark. */
    static String thisJava() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A child JVM on this JVM's class path running {@code main} with {@code args}. */
    static List<String> childJvm(Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of(thisJava(), "-Xss16m"));
        if (BasaltRunner.metersFuel()) {
            command.add("-D" + BasaltRunner.FUEL_PROPERTY + "=true"); // --fuel reaches the child's Basalt runtimes
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** The command that measures {@code workload}. */
    abstract List<String> command(Workload workload, int warmup, int iterations) throws IOException;

    @Override
    public Measurement measure(Workload workload, int warmup, int iterations) {
        try {
            return parse(run(command(workload, warmup, iterations)));
        } catch (IOException e) {
            return Measurement.failed(e.getMessage());
        }
    }

    /**
     * Runs {@code command} and returns its standard output. Standard error is kept apart (a JVM child's warnings
     * must not be taken for measurements): it is part of the error when the command fails, and otherwise passed on
     * to this process's standard error so that nothing the child said is lost.
     */
    static String run(List<String> command) throws IOException {
        Path errors = Files.createTempFile("basalt-bench", ".stderr");
        try {
            Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
            try {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IOException(command.get(0) + " timed out");
                }
                String err = Files.readString(errors, StandardCharsets.UTF_8).strip();
                if (p.exitValue() != 0) {
                    throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                            + (out.strip() + "\n" + err).strip());
                }
                if (!err.isEmpty()) {
                    System.err.println(err);
                }
                return out;
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** Reads the child's lines; medians of the repeated ones. Unknown lines are an error (they would hide one). */
    static Measurement parse(String output) throws IOException {
        double compile = Double.NaN;
        double firstRun = Double.NaN;
        int warmupCalls = -1;
        List<Double> instantiate = new ArrayList<>();
        List<Double> run = new ArrayList<>();
        List<Long> results = new ArrayList<>();
        for (String line : output.strip().split("\n")) {
            String[] kv = line.strip().split(" ", 2);
            if (kv.length != 2) {
                throw new IOException("unexpected output: " + line);
            }
            try {
                switch (kv[0]) {
                    case "compile_ns" -> compile = Long.parseLong(kv[1]) / 1e6;
                    case "warmup_calls" -> warmupCalls = Integer.parseInt(kv[1]);
                    case "first_run_ns" -> firstRun = Long.parseLong(kv[1]) / 1e6;
                    case "instantiate_ns" -> instantiate.add(Long.parseLong(kv[1]) / 1e6);
                    case "run_ns" -> run.add(Long.parseLong(kv[1]) / 1e6);
                    case "result" -> {
                        long r = Long.parseLong(kv[1]);
                        if (!results.contains(r)) {
                            results.add(r);
                        }
                    }
                    default -> throw new IOException("unexpected output: " + line);
                }
            } catch (NumberFormatException e) {
                throw new IOException("unexpected output: " + line, e);
            }
        }
        if (run.isEmpty() || results.isEmpty()) {
            throw new IOException("no measurements in output: " + output.strip());
        }
        double[] runs = run.stream().mapToDouble(Double::doubleValue).toArray();
        double[] insts = instantiate.stream().mapToDouble(Double::doubleValue).toArray();
        return new Measurement(compile, Measurement.median(insts), firstRun, runs, results)
                .withWarmupCalls(warmupCalls);
    }
}
