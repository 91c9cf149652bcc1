package dev.basalt.component.wit;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads WIT from the file system (or from text) and resolves it into a {@link Resolve}. The layout follows WIT.md,
 * "Filesystem structure":
 *
 * <ul>
 *   <li>a {@code .wit} file: one root package (its {@code package} declaration), plus the packages of its nested
 *       {@code package ns:name { ... }} blocks as dependencies;</li>
 *   <li>a directory with {@code .wit} files: all of them form the root package; each entry of its {@code deps/}
 *       directory (a {@code .wit} file or a directory of them, not recursive) is a dependency package;</li>
 *   <li>a directory without {@code .wit} files but with package subdirectories (like the vendored WASI tree
 *       {@code wasip2/}): every subdirectory is a root package, and they may depend on each other.</li>
 * </ul>
 * When the root is a package directory, its sibling package directories are also available as dependencies (the
 * WASI trees reference each other that way instead of vendoring {@code deps/}). Only packages reachable from the
 * roots are resolved; earlier sources win when one package is found twice (root, nested blocks, {@code deps/},
 * siblings).
 *
 * {@snippet :
 * WitLoader.Loaded loaded = WitLoader.load(Path.of("wit"), WitLoader.Options.DEFAULT);
 * Resolve resolve = loaded.resolve();
 * }
 */
public final class WitLoader {
    private WitLoader() {}

    /**
     * Resolution options.
     *
     * @param features the {@code @unstable(feature = ...)} features to include; other unstable items are dropped
     * @param allFeatures include every unstable item
     */
    public record Options(Set<String> features, boolean allFeatures) {
        public static final Options DEFAULT = new Options(Set.of(), false);

        public Options {
            features = Set.copyOf(features);
        }

        boolean enabled(String feature) {
            return allFeatures || features.contains(feature);
        }
    }

    /** A resolved load: the model and which of its packages were the roots (the rest are dependencies). */
    public record Loaded(Resolve resolve, List<Resolve.PackageId> roots) {
        public Loaded {
            roots = List.copyOf(roots);
        }
    }

    /** A WIT source text and the name it is reported under. */
    public record Source(String name, String text) {}

    /** The files of one package (a directory or a single file). */
    record Group(String where, List<WitAst.File> files) {}

    /** Loads a {@code .wit} file or a directory as described in the class comment. */
    public static Loaded load(Path path, Options options) {
        List<Group> roots = new ArrayList<>();
        List<Group> deps = new ArrayList<>();
        if (Files.isRegularFile(path)) {
            roots.add(new Group(path.toString(), List.of(parseFile(path))));
        } else if (Files.isDirectory(path)) {
            if (!witFiles(path).isEmpty()) {
                roots.add(directory(path));
                deps.addAll(depsOf(path));
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    for (Path sibling : subdirectories(parent)) {
                        if (!sibling.equals(path.toAbsolutePath()) && !witFiles(sibling).isEmpty()) {
                            deps.add(directory(sibling));
                        }
                    }
                }
            } else {
                for (Path sub : subdirectories(path)) {
                    if (!witFiles(sub).isEmpty()) {
                        roots.add(directory(sub));
                        deps.addAll(depsOf(sub));
                    }
                }
                if (roots.isEmpty()) {
                    throw new WitException(path + ": no .wit files and no package directories found");
                }
            }
        } else {
            throw new WitException(path + ": no such file or directory");
        }
        return new WitResolver(options).resolve(roots, deps);
    }

    /**
     * Resolves text sources: {@code root} forms one package (like the files of a directory), {@code deps} are
     * dependency packages, one per source.
     */
    public static Loaded load(List<Source> root, List<Source> deps, Options options) {
        List<WitAst.File> files = root.stream().map(s -> WitParser.parse(s.name(), s.text())).toList();
        List<Group> depGroups = deps.stream()
                .map(s -> new Group(s.name(), List.of(WitParser.parse(s.name(), s.text())))).toList();
        return new WitResolver(options).resolve(List.of(new Group("(root)", files)), depGroups);
    }

    /** Resolves several packages given as separate sources, all of them roots (e.g. a printed package set). */
    public static Loaded loadPackages(List<Source> packages, Options options) {
        List<Group> groups = packages.stream()
                .map(s -> new Group(s.name(), List.of(WitParser.parse(s.name(), s.text())))).toList();
        return new WitResolver(options).resolve(groups, List.of());
    }

    /** Resolves a single WIT text (with nested package blocks as its dependencies). */
    public static Loaded load(String name, String text, Options options) {
        return load(List.of(new Source(name, text)), List.of(), options);
    }

    private static List<Group> depsOf(Path dir) {
        Path deps = dir.resolve("deps");
        List<Group> out = new ArrayList<>();
        if (Files.isDirectory(deps)) {
            for (Path p : list(deps)) {
                if (Files.isDirectory(p)) {
                    if (!witFiles(p).isEmpty()) {
                        out.add(directory(p));
                    }
                } else if (p.getFileName().toString().endsWith(".wit")) {
                    out.add(new Group(p.toString(), List.of(parseFile(p))));
                }
            }
        }
        return out;
    }

    private static Group directory(Path dir) {
        return new Group(dir.toString(), witFiles(dir).stream().map(WitLoader::parseFile).toList());
    }

    private static List<Path> witFiles(Path dir) {
        return list(dir).stream()
                .filter(p -> p.getFileName().toString().endsWith(".wit") && Files.isRegularFile(p)).toList();
    }

    private static List<Path> subdirectories(Path dir) {
        return list(dir).stream().filter(Files::isDirectory).toList();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new WitException(dir + ": cannot list directory: " + e.getMessage(), e);
        }
    }

    private static WitAst.File parseFile(Path file) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new WitException(file + ": not valid UTF-8");
        } catch (IOException e) {
            throw new WitException(file + ": cannot read: " + e.getMessage(), e);
        }
        return WitParser.parse(file.toString(), text);
    }
}
