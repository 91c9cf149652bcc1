package dev.basalt.wasm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where this module's tests find the WebAssembly spec testsuite, and which of its scripts they read. (The testkit's
 * SpecSuite does the same for the engine-level tests; basalt-wasm cannot depend on the testkit.)
 */
public final class SpecTestsuite {
    private SpecTestsuite() {
    }

    /**
     * The testsuite directory: $BASALT_WASM_TESTSUITE, else the system property {@code basalt.shared} (set by the
     * build to {@code ../shared}) + "/wasm-testsuite"; null when neither exists.
     */
    public static Path dir() {
        String env = System.getenv("BASALT_WASM_TESTSUITE");
        if (env != null && Files.isDirectory(Path.of(env))) {
            return Path.of(env);
        }
        String shared = System.getProperty("basalt.shared");
        if (shared != null && Files.isDirectory(Path.of(shared, "wasm-testsuite"))) {
            return Path.of(shared, "wasm-testsuite");
        }
        return null;
    }

    /** Every script of the suite: top level, custom/, legacy/ and each proposals/* folder, in name order. */
    public static List<Path> wastFiles(Path root) throws IOException {
        List<Path> dirs = new ArrayList<>(List.of(root, root.resolve("custom"), root.resolve("legacy")));
        Path proposals = root.resolve("proposals");
        if (Files.isDirectory(proposals)) {
            try (Stream<Path> s = Files.list(proposals)) {
                s.filter(Files::isDirectory).sorted().forEach(dirs::add);
            }
        }
        List<Path> files = new ArrayList<>();
        for (Path d : dirs) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> p.toString().endsWith(".wast")).sorted().forEach(files::add);
                }
            }
        }
        return files;
    }

    /**
     * The features a script is written for, by its path relative to the suite: the threads proposal's scripts
     * assume Wasm 1.0 (no multi-memory, several tables or memory64), everything else Wasm 3.0.
     */
    public static Features features(String relativePath) {
        return relativePath.replace('\\', '/').startsWith("proposals/threads/")
                ? Features.threadsProposalBaseline() : Features.wasm3();
    }
}
