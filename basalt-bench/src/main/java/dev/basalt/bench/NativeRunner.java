package dev.basalt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The same C compiled natively ({@code clang -O2}, built by {@code build-wasm.sh} into {@code target/native}), timed
 * in-process by its harness with the same warm-up and measured calls as the Wasm runtimes.
 */
final class NativeRunner extends ProcessRunner {
    private final Path dir;

    NativeRunner(Path dir) {
        this.dir = dir;
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    List<String> command(Workload workload, int warmup, int iterations) throws IOException {
        Path binary = dir.resolve(workload.name());
        if (!Files.isExecutable(binary)) {
            throw new IOException("no native binary " + binary + " (run basalt-bench/build-wasm.sh --native)");
        }
        return List.of(binary.toString(), Integer.toString(warmup), Integer.toString(iterations));
    }
}
