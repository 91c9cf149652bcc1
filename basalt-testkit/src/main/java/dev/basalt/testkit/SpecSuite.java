package dev.basalt.testkit;

import dev.basalt.wasm.Features;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The WebAssembly spec testsuite on disk: where it is and which scripts it has.
 *
 * <p>Found, in order, at: the system property {@code basalt.shared} + {@code /wasm-testsuite} (the build sets it
 * for tests), the environment variable {@code BASALT_WASM_TESTSUITE} (the suite directory itself), and
 * {@code ../shared/wasm-testsuite} relative to the working directory.
 */
public record SpecSuite(Path root) {
    public static final String PROPERTY = "basalt.shared";
    public static final String ENV = "BASALT_WASM_TESTSUITE";

    /** One script of the suite: its path and its name relative to the suite root, with '/' separators. */
    public record Script(Path path, String name) {
        /** The folder it belongs to for summaries: "." for top level, else e.g. "legacy", "proposals/threads". */
        public String folder() {
            int slash = name.lastIndexOf('/');
            return slash < 0 ? "." : name.substring(0, slash);
        }
    }

    /** The suite, if one of the places above holds a directory. */
    public static Optional<SpecSuite> locate() {
        List<Path> candidates = new ArrayList<>();
        String shared = System.getProperty(PROPERTY);
        if (shared != null && !shared.isBlank()) {
            candidates.add(Path.of(shared, "wasm-testsuite"));
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            candidates.add(Path.of(env));
        }
        candidates.add(Path.of("..", "shared", "wasm-testsuite"));
        return candidates.stream().filter(Files::isDirectory).findFirst()
                .map(p -> new SpecSuite(p.toAbsolutePath().normalize()));
    }

    /** Where {@link #locate()} looks, for messages when the suite is absent. */
    public static String searchedPlaces() {
        return "-D" + PROPERTY + "=DIR (DIR/wasm-testsuite), $" + ENV + ", ../shared/wasm-testsuite (from "
                + Path.of("").toAbsolutePath() + ")";
    }

    /**
     * Every {@code .wast} script: top level, then {@code custom/}, {@code legacy/}, then each folder under
     * {@code proposals/}, each sorted by name.
     */
    public List<Script> scripts() {
        List<Script> out = new ArrayList<>(list(root));
        for (String folder : List.of("custom", "legacy")) {
            out.addAll(list(root.resolve(folder)));
        }
        Path proposals = root.resolve("proposals");
        if (Files.isDirectory(proposals)) {
            try (Stream<Path> dirs = Files.list(proposals)) {
                for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                    out.addAll(list(dir));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private List<Script> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".wast") && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .map(p -> new Script(p, root.relativize(p).toString().replace('\\', '/')))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The features a script of the testsuite is written for. Everything is Wasm 3.0 except the threads proposal's
     * scripts, which were written against Wasm 1.0 and assert that several memories, several tables and 64-bit
     * limits are rejected ({@link Features#threadsProposalBaseline()}); Wasm 3.0's own scripts assert the opposite.
     * {@code fileName} is the script's path as the runner names it (relative or not).
     */
    public static Features featuresFor(String fileName) {
        String path = fileName.replace('\\', '/');
        return path.contains("proposals/threads/") ? Features.threadsProposalBaseline() : Features.wasm3();
    }
}
