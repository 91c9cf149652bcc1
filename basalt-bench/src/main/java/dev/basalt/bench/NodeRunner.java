package dev.basalt.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * V8 through node: {@code run-wasm.mjs} (a resource of this module) compiles the module with {@code new
 * WebAssembly.Module}, then instantiates and calls {@code run} per iteration, timing each step as {@link JvmRunner}
 * does. V8 compiles with its baseline compiler (Liftoff) first and tiers hot functions up to TurboFan.
 */
final class NodeRunner extends ProcessRunner {
    private final String node;
    private Path dir;

    NodeRunner(String node) {
        this.node = node;
    }

    @Override
    public String name() {
        return "v8";
    }

    @Override
    List<String> command(Workload workload, int warmup, int iterations) throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("basalt-bench-node");
            dir.toFile().deleteOnExit();
            try (InputStream in = NodeRunner.class.getResourceAsStream("/node/run-wasm.mjs")) {
                if (in == null) {
                    throw new IOException("missing resource /node/run-wasm.mjs");
                }
                Files.write(dir.resolve("run-wasm.mjs"), in.readAllBytes());
            }
            dir.resolve("run-wasm.mjs").toFile().deleteOnExit();
        }
        Path wasm = dir.resolve(workload.name() + ".wasm");
        if (!Files.exists(wasm)) {
            Files.write(wasm, workload.wasm());
            wasm.toFile().deleteOnExit();
        }
        return List.of(node, dir.resolve("run-wasm.mjs").toString(), wasm.toString(), Integer.toString(warmup),
                Integer.toString(iterations));
    }

    /** The node version, or empty when node cannot be run. */
    static java.util.Optional<String> version(String node) {
        try {
            return java.util.Optional.of(run(List.of(node, "--version")).strip());
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
