package dev.basalt.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * GraalWasm 25.0.2 (Truffle), one fresh JVM per workload running {@link GraalWasmRun}, with the GraalVM jars that
 * the build copies to {@code target/graalvm} on the module path (they are not in {@code basalt-bench.jar}).
 *
 * <ul>
 *   <li>{@code graalwasm-jit}: Truffle's optimizing runtime. On a stock JDK that needs JVMCI and the Graal compiler:
 *       the child runs with {@code -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI} and
 *       {@code org.graalvm.compiler:compiler} on {@code --upgrade-module-path} (the JDK's own
 *       {@code jdk.graal.compiler} module is an empty placeholder in Temurin). The Graal compiler then runs as
 *       ordinary Java code ("jargraal", compiled by HotSpot itself, not the precompiled libgraal of a GraalVM JDK),
 *       so GraalWasm's warm-up is long: it gets its own warm-up count ({@code --jit-warmup}).</li>
 *   <li>{@code graalwasm}: the same without JVMCI, i.e. Truffle's fallback runtime, which only interprets.</li>
 * </ul>
 *
 * The child checks which runtime Truffle picked and fails rather than report one as the other.
 */
final class GraalWasmRunner extends ProcessRunner {
    private final boolean jit;
    private final Path graalvm;

    /** {@code graalvm}: the directory with {@code modules/} and {@code compiler/} (see the module's pom). */
    GraalWasmRunner(boolean jit, Path graalvm) {
        this.jit = jit;
        this.graalvm = graalvm;
    }

    /** {@code target/graalvm} beside the jar (or classes directory) this class was loaded from. */
    static Path defaultGraalvmDir() {
        try {
            Path codeSource = Path.of(GraalWasmRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return codeSource.getParent().resolve("graalvm");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("basalt-bench", "target", "graalvm");
        }
    }

    @Override
    public String name() {
        return jit ? "graalwasm-jit" : "graalwasm";
    }

    /** The fallback runtime is an interpreter: the interpreters' (slow) counts. */
    @Override
    public boolean slow() {
        return !jit;
    }

    @Override
    List<String> command(Workload workload, int warmup, int iterations) throws IOException {
        Path modules = graalvm.resolve("modules");
        if (!Files.isDirectory(modules)) {
            throw new IOException("no GraalVM jars in " + modules + " (built by ./mvnw -pl basalt-bench -am package)");
        }
        List<String> command = new ArrayList<>(List.of(thisJava(), "-Xss16m"));
        if (jit) {
            Path compiler;
            try (Stream<Path> jars = Files.list(graalvm.resolve("compiler"))) {
                compiler = jars.filter(p -> p.toString().endsWith(".jar")).findFirst()
                        .orElseThrow(() -> new IOException("no Graal compiler jar in " + graalvm.resolve("compiler")));
            }
            command.addAll(List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI",
                    "--upgrade-module-path", compiler.toString()));
        } else {
            // Truffle warns on every engine that it runs without runtime compilation: this column says so already.
            command.add("-Dpolyglot.engine.WarnInterpreterOnly=false");
        }
        // Truffle loads its native support library and uses sun.misc.Unsafe; JDK 24+ warns on both unless allowed.
        command.add("--enable-native-access=org.graalvm.truffle");
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("--module-path", modules.toString(), "--add-modules", "ALL-MODULE-PATH",
                "-cp", System.getProperty("java.class.path"), GraalWasmRun.class.getName(), workload.name(),
                Integer.toString(warmup), Integer.toString(iterations), jit ? "jit" : "fallback"));
        return command;
    }
}
