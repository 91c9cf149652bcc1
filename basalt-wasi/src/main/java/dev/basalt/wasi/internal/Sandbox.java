package dev.basalt.wasi.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import dev.basalt.wasi.WasiConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Path resolution that cannot leave a pre-opened directory. A guest path is resolved component by component from
 * the directory's position (a list of components below the pre-open's canonical host root):
 * <ul>
 *   <li>an absolute path, or a {@code ..} above the pre-open's root, fails with {@code EPERM} (wasmtime's answer);</li>
 *   <li>every intermediate component that is a symlink is read and its target spliced into the remaining path, so
 *       a link is followed by the same rules (an absolute target or one that climbs out fails with {@code EPERM});
 *       more than {@link #MAX_SYMLINKS} expansions fail with {@code ELOOP};</li>
 *   <li>the last component is followed only when the caller asks ({@code lookupflags::symlink_follow}).</li>
 * </ul>
 * The host path handed to Java's file API is then root + checked components, with no symlink left to follow
 * except (by design) none: intermediates are known to be real directories at check time. A host process racing
 * the guest by swapping a checked directory for a symlink between check and use is outside this model (Java has
 * no {@code openat}); see docs/RATIONALE.md.
 *
 * <p>Shared by the preview1 functions and the preview2 (component) host: one capability model, one set of rules.
 * Failures are {@link Errno.Failure}s.
 */
public final class Sandbox {
    public static final int MAX_SYMLINKS = 40;

    private Sandbox() {
    }

    /**
     * A granted directory: its canonical host path, the name the guest knows it by, and whether the guest may
     * change anything below it.
     */
    public record Root(Path hostRoot, String guestPath, boolean readOnly) {
        /**
         * Opens a grant: resolves the host directory to its canonical path (so later checks compare real paths).
         *
         * @throws IllegalArgumentException if the directory does not exist or is not a directory
         */
        public static Root open(WasiConfig.DirGrant grant) {
            Path real;
            try {
                real = grant.host().toRealPath();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot pre-open " + grant.host() + ": no such directory", e);
            }
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException("cannot pre-open " + grant.host() + ": not a directory");
            }
            return new Root(real, grant.guestPath(), grant.readOnly());
        }
    }

    /** A resolved path: the pre-open it lies in and its components below the root (empty for the root). */
    public record Resolved(Root root, List<String> components, boolean trailingSlash) {
        public Path host() {
            return hostPath(root, components);
        }

        public boolean isRoot() {
            return components.isEmpty();
        }
    }

    public static Path hostPath(Root root, List<String> components) {
        Path p = root.hostRoot();
        for (String c : components) {
            p = p.resolve(c);
        }
        return p;
    }

    /**
     * Resolves guest {@code path} relative to the directory {@code from} (checked components below {@code root}).
     * {@code followFinal}: whether a symlink in the last component is followed.
     */
    public static Resolved resolve(Root root, List<String> from, String path, boolean followFinal) {
        if (path.isEmpty()) {
            throw Errno.fail(Errno.NOENT);
        }
        if (path.indexOf('\0') >= 0) {
            throw Errno.fail(Errno.ILSEQ);
        }
        if (path.startsWith("/")) {
            throw Errno.fail(Errno.PERM);
        }
        boolean trailingSlash = path.endsWith("/");
        // A trailing slash demands a directory, and a directory is reached through a final symlink.
        boolean follow = followFinal || trailingSlash;
        Deque<String> pending = new ArrayDeque<>(split(path));
        List<String> current = new ArrayList<>(from);
        int expansions = 0;
        while (!pending.isEmpty()) {
            String c = pending.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (current.isEmpty()) {
                    throw Errno.fail(Errno.PERM);
                }
                current.removeLast();
                continue;
            }
            boolean last = pending.stream().allMatch(x -> x.isEmpty() || x.equals("."));
            Path host;
            try {
                host = hostPath(root, current).resolve(c);
            } catch (InvalidPathException e) {
                throw Errno.fail(Errno.INVAL);
            }
            BasicFileAttributes attrs = attributes(host);
            if (attrs != null && attrs.isSymbolicLink() && (!last || follow)) {
                if (++expansions > MAX_SYMLINKS) {
                    throw Errno.fail(Errno.LOOP);
                }
                String target;
                try {
                    target = Files.readSymbolicLink(host).toString();
                } catch (IOException e) {
                    throw Errno.fail(Errno.of(e));
                }
                if (target.startsWith("/")) {
                    throw Errno.fail(Errno.PERM);
                }
                List<String> parts = split(target);
                if (trailingSlash && last) {
                    parts = new ArrayList<>(parts);
                    parts.add("");
                }
                for (int i = parts.size() - 1; i >= 0; i--) {
                    pending.addFirst(parts.get(i));
                }
                continue;
            }
            if (!last) {
                if (attrs == null) {
                    throw Errno.fail(Errno.NOENT);
                }
                if (!attrs.isDirectory()) {
                    throw Errno.fail(Errno.NOTDIR);
                }
            }
            current.add(c);
        }
        if (trailingSlash) {
            BasicFileAttributes attrs = attributes(hostPath(root, current));
            if (attrs != null && !attrs.isDirectory()) {
                throw Errno.fail(Errno.NOTDIR);
            }
        }
        return new Resolved(root, current, trailingSlash);
    }

    /** The attributes of {@code host} itself (not following a symlink), or null if it does not exist. */
    public static BasicFileAttributes attributes(Path host) {
        try {
            return Files.readAttributes(host, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                out.add(path.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }
}
