package dev.basalt.serve;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Spin's {@code files} and {@code exclude_files} of a component: which host files the guest sees where. An entry
 * is a directory (its tree, at the same relative path), a file, a glob pattern ({@code "static/**\/*.css"}: the
 * matching files at their relative paths; {@code **} also matches no directory at all, as in Spin), or
 * {@code { source = FILE_OR_DIR, destination = "/PATH" }}; {@code exclude_files} globs drop files again. Nothing
 * outside the application directory is reachable, also not through links. Used by {@link AppManifest} (which
 * copies the files of components that need more than plain directory mounts into a private read-only tree) and
 * by the OCI push ({@code oci.LockedAppBuilder}).
 */
public final class AppFiles {
    private AppFiles() {
    }

    /** Whether {@code entry} (a {@code files} string) is a glob pattern rather than a path. */
    public static boolean isGlob(String entry) {
        return entry.matches(".*[*?\\[{].*");
    }

    /**
     * Where component {@code id}'s files go: guest path (relative, {@code /}-separated) to host file; a later
     * entry placing the same path wins, as copying over it would.
     *
     * @param root the application directory, as a real path
     * @param c the component's manifest table
     * @throws IllegalArgumentException naming the entry if it does not exist (and is no pattern), leaves
     *     {@code root}, or has no valid destination
     */
    public static TreeMap<String, Path> place(Path root, String id, JsonNode c) throws IOException {
        List<PathMatcher> excludes = new ArrayList<>();
        for (JsonNode x : c.path("exclude_files")) {
            excludes.addAll(matchers(x.asText()));
        }
        TreeMap<String, Path> placed = new TreeMap<>();
        for (JsonNode f : c.path("files")) {
            if (f.isTextual()) {
                String pattern = f.asText();
                Path p = root.resolve(pattern).normalize();
                if (Files.isDirectory(p)) {
                    inside(root, pattern, "component " + id + " files entry");
                    walk(root, p, root, portable(root.relativize(p)), excludes, placed);
                } else if (Files.isRegularFile(p)) {
                    inside(root, pattern, "component " + id + " files entry");
                    place(root, p, portable(root.relativize(p)), excludes, placed);
                } else if (isGlob(pattern)) {
                    if (pattern.startsWith("/") || pattern.contains("..")) {
                        throw new IllegalArgumentException("component " + id + ": files pattern " + pattern
                                + " must stay inside the application directory");
                    }
                    List<PathMatcher> globs = matchers(pattern);
                    try (Stream<Path> s = Files.walk(root)) {
                        for (Path q : (Iterable<Path>) s.sorted()::iterator) {
                            Path rel = root.relativize(q);
                            if (Files.isRegularFile(q) && globs.stream().anyMatch(g -> g.matches(rel))) {
                                place(root, q, portable(rel), excludes, placed);
                            }
                        }
                    }
                } else {
                    throw new IllegalArgumentException("component " + id + ": files entry " + pattern
                            + " does not exist and is not a glob pattern");
                }
            } else {
                String source = f.path("source").asText("");
                String destination = f.path("destination").asText("");
                if (source.isEmpty() || destination.isEmpty()) {
                    throw new IllegalArgumentException("component " + id
                            + ": files entries need `source` and `destination`: " + f);
                }
                Path p = inside(root, source, "component " + id + " files source");
                String dest = destination.replaceAll("^/+", "");
                if (Files.isDirectory(p)) {
                    walk(root, p, p, dest, excludes, placed);
                } else if (Files.isRegularFile(p)) {
                    if (dest.isEmpty() || dest.endsWith("/")) {
                        throw new IllegalArgumentException("component " + id + ": \"" + destination
                                + "\" is not a valid destination file name");
                    }
                    place(root, p, dest, excludes, placed);
                } else {
                    throw new IllegalArgumentException("component " + id + ": files source " + source
                            + " does not exist");
                }
            }
        }
        for (String dest : placed.keySet()) {
            if (Path.of(dest).normalize().startsWith("..") || dest.contains("/../")) {
                throw new IllegalArgumentException("component " + id + ": destination " + dest
                        + " leaves the guest's file tree");
            }
        }
        return placed;
    }

    /**
     * Copies {@code placed} into {@code target} (a fresh directory) at their guest paths.
     *
     * @throws IOException if a file cannot be copied
     */
    public static void copy(Map<String, Path> placed, Path target) throws IOException {
        for (Map.Entry<String, Path> e : placed.entrySet()) {
            Path to = target.resolve(e.getKey()).normalize();
            if (!to.startsWith(target)) {
                throw new IOException("destination " + e.getKey() + " leaves " + target);
            }
            Files.createDirectories(to.getParent());
            Files.copy(e.getValue(), to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes {@code dir} and everything under it (links are deleted, not followed). */
    public static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a temporary copy: what cannot be deleted now stays in the temp directory
        }
    }

    /** Glob matchers for {@code pattern}; {@code **}{@code /} also matches no directory at all, as Spin's globs do. */
    private static List<PathMatcher> matchers(String pattern) {
        List<PathMatcher> out = new ArrayList<>();
        out.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
        String zeroDirs = pattern.replace("/**/", "/").replaceFirst("^\\*\\*/", "");
        if (!zeroDirs.equals(pattern)) {
            out.add(FileSystems.getDefault().getPathMatcher("glob:" + zeroDirs));
        }
        return out;
    }

    /** A path relative to the application directory, which it must not leave (also not through links). */
    private static Path inside(Path root, String relative, String what) throws IOException {
        Path p = root.resolve(relative).normalize();
        Path real = Files.exists(p) ? p.toRealPath() : p;
        if (!real.startsWith(root)) {
            throw new IllegalArgumentException(what + " " + relative + " is outside the application directory "
                    + root);
        }
        return p;
    }

    private static void walk(Path root, Path dir, Path base, String destPrefix, List<PathMatcher> excludes,
            Map<String, Path> placed) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path q : (Iterable<Path>) s.sorted()::iterator) {
                if (Files.isRegularFile(q)) {
                    String rel = portable(base.relativize(q));
                    place(root, q, destPrefix.isEmpty() ? rel : destPrefix.replaceAll("/+$", "") + "/" + rel,
                            excludes, placed);
                }
            }
        }
    }

    private static void place(Path root, Path file, String dest, List<PathMatcher> excludes, Map<String, Path> placed)
            throws IOException {
        Path rel = root.relativize(file.toAbsolutePath().normalize());
        for (PathMatcher x : excludes) {
            if (x.matches(rel)) {
                return;
            }
        }
        if (!file.toRealPath().startsWith(root)) {
            throw new IllegalArgumentException("file " + file + " is outside the application directory " + root
                    + " (through a link)");
        }
        placed.put(dest, file);
    }

    private static String portable(Path relative) {
        return relative.toString().replace('\\', '/');
    }
}
