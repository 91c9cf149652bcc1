package dev.basalt.cli;

import dev.basalt.testkit.Counts;
import dev.basalt.testkit.ExecutionBackend;
import dev.basalt.testkit.ExecutionBackends;
import dev.basalt.testkit.Outcome;
import dev.basalt.testkit.ScriptResult;
import dev.basalt.testkit.WastRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code basalt wast FILE...}: runs WAST scripts (the spec testsuite's format) and reports a line per file, the
 * failures, and the closing line {@code N passed, N failed, N skipped}.
 */
@Command(name = "wast", description = "Run WAST scripts (spec tests): a line per file, then the totals.",
        mixinStandardHelpOptions = true)
final class WastCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "1..*",
            description = "WAST scripts, or directories to search for .wast files.")
    List<Path> files;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "Execution engine: interpreter, compiler, auto (tiering: each function compiled at its first call) or none (parse and validate only). "
                    + "Default: the best one this build has.")
    String engine;

    @Option(names = {"-v", "--verbose"}, description = "Also list passing directives whose error message differs "
            + "from the expected text, and stack traces of crashes.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ExecutionBackend backend = backend();
        List<Path> scripts = expand(files);
        PrintWriter out = spec.commandLine().getOut();
        WastRunner runner = WastRunner.standard(backend);
        int threads = Math.max(1, Math.min(scripts.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            // deep but legal nesting in scripts needs more stack than a default thread has
            Thread t = new Thread(null, r, "wast", 64L << 20);
            t.setDaemon(true);
            return t;
        });
        Counts total = Counts.ZERO;
        try {
            List<Future<ScriptResult>> results = new ArrayList<>();
            for (Path p : scripts) {
                results.add(pool.submit(() -> runner.run(p, p.toString())));
            }
            for (Future<ScriptResult> f : results) {
                ScriptResult r = get(f);
                total = total.plus(Counts.of(r));
                report(out, r);
            }
        } finally {
            pool.shutdownNow();
        }
        out.println(total.summary());
        return total.failed() > 0 ? Main.PROBLEM : Main.OK;
    }

    private void report(PrintWriter out, ScriptResult r) {
        out.println(r.summary());
        for (Outcome o : r.outcomes()) {
            if (o.failed()) {
                out.println("  " + r.file() + ":" + o.line() + " " + o.kind() + ": " + o.reason());
                if (verbose || debug()) {
                    o.error().ifPresent(e -> e.printStackTrace(out));
                }
            } else if (verbose && o.note().isPresent()) {
                out.println("  " + r.file() + ":" + o.line() + " " + o.kind() + " (passed): " + o.note().get());
            }
        }
        out.flush();
    }

    private boolean debug() {
        return spec.parent() != null && spec.parent().userObject() instanceof Main m && m.debug;
    }

    private ExecutionBackend backend() {
        if (engine == null) {
            return ExecutionBackends.preferred();
        }
        return ExecutionBackends.byName(engine).orElseThrow(() -> new Main.CliException(
                "engine '" + engine + "' is not available in this build (available: "
                        + ExecutionBackends.all().stream().map(ExecutionBackend::name).collect(Collectors.joining(", "))
                        + ")", Main.USAGE));
    }

    private static ScriptResult get(Future<ScriptResult> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            // WastRunner reports every failure as an outcome; reaching this is a bug in the runner itself
            throw new IllegalStateException("the runner failed", e.getCause());
        }
    }

    /** Files as given; directories replaced by the .wast files under them, sorted. */
    static List<Path> expand(List<Path> paths) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    out.addAll(walk.filter(f -> f.toString().endsWith(".wast") && Files.isRegularFile(f))
                            .sorted().toList());
                } catch (IOException e) {
                    throw new Main.CliException("cannot list " + p + ": " + e.getMessage(), Main.USAGE);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new Main.CliException("no such file: " + p, Main.USAGE);
            }
        }
        return out;
    }
}
