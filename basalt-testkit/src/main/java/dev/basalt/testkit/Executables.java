package dev.basalt.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Programs some tests start (node, redis-server, docker-registry), found as a shell would find them. */
public final class Executables {
    private Executables() {
    }

    /** The first of {@code names} that is an executable in a directory of {@code PATH} (then {@code /usr/bin}). */
    public static Optional<Path> find(String... names) {
        String path = System.getenv("PATH");
        String dirs = (path == null ? "" : path + File.pathSeparator) + "/usr/bin";
        for (String dir : dirs.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String name : names) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }
}
