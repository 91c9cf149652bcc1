package dev.basalt.wasi.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file system operations of both WASI versions on {@link Sandbox.Resolved} paths: the POSIX-like rules
 * (what exists, what is a directory, what may be replaced) in one place. Capability checks (preview1 rights,
 * preview2 descriptor flags) are the callers'; failures are {@link Errno.Failure}s or {@link IOException}s
 * (mapped by {@link Errno#of(IOException)}).
 */
public final class SandboxFs {
    private SandboxFs() {
    }

    /** The kind of a file, as both WASI versions name it. */
    public enum Kind {
        UNKNOWN, BLOCK_DEVICE, CHARACTER_DEVICE, DIRECTORY, FIFO, SYMBOLIC_LINK, REGULAR_FILE, SOCKET
    }

    /** One directory entry. */
    public record Entry(String name, long ino, Kind kind) {
    }

    /** A file's metadata; times in nanoseconds since the epoch. */
    public record Stat(long dev, long ino, Kind kind, long nlink, long size, long atimeNanos, long mtimeNanos,
            long ctimeNanos) {
    }

    public static void createDirectory(Sandbox.Resolved r) throws IOException {
        if (r.isRoot() || Sandbox.attributes(r.host()) != null) {
            throw Errno.fail(Errno.EXIST);
        }
        Files.createDirectory(r.host());
    }

    public static void removeDirectory(Sandbox.Resolved r) throws IOException {
        if (r.isRoot()) {
            throw Errno.fail(Errno.BUSY);
        }
        BasicFileAttributes a = Sandbox.attributes(r.host());
        if (a == null) {
            throw Errno.fail(Errno.NOENT);
        }
        if (!a.isDirectory()) {
            throw Errno.fail(Errno.NOTDIR);
        }
        Files.delete(r.host());
    }

    public static void unlinkFile(Sandbox.Resolved r) throws IOException {
        BasicFileAttributes a = Sandbox.attributes(r.host());
        if (a == null) {
            throw Errno.fail(Errno.NOENT);
        }
        if (a.isDirectory()) {
            throw Errno.fail(Errno.ISDIR);
        }
        if (r.trailingSlash()) {
            throw Errno.fail(Errno.NOTDIR);
        }
        Files.delete(r.host());
    }

    public static void rename(Sandbox.Resolved source, Sandbox.Resolved target) throws IOException {
        if (source.isRoot() || target.isRoot()) {
            throw Errno.fail(Errno.BUSY);
        }
        BasicFileAttributes a = Sandbox.attributes(source.host());
        if (a == null) {
            throw Errno.fail(Errno.NOENT);
        }
        if ((source.trailingSlash() || target.trailingSlash()) && !a.isDirectory()) {
            throw Errno.fail(Errno.NOTDIR);
        }
        if (a.isDirectory() && target.components().size() > source.components().size()
                && source.root().hostRoot().equals(target.root().hostRoot())
                && target.components().subList(0, source.components().size()).equals(source.components())) {
            // A directory cannot move into itself.
            throw Errno.fail(Errno.INVAL);
        }
        BasicFileAttributes b = Sandbox.attributes(target.host());
        if (b != null) {
            if (a.isDirectory() && !b.isDirectory()) {
                throw Errno.fail(Errno.NOTDIR);
            }
            if (!a.isDirectory() && b.isDirectory()) {
                throw Errno.fail(Errno.ISDIR);
            }
        }
        // ATOMIC_MOVE is rename(2): it replaces an existing target (an empty directory or a file) atomically.
        Files.move(source.host(), target.host(), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A hard link {@code target} to {@code source}. */
    public static void link(Sandbox.Resolved source, Sandbox.Resolved target) throws IOException {
        BasicFileAttributes a = Sandbox.attributes(source.host());
        if (a == null) {
            throw Errno.fail(Errno.NOENT);
        }
        if (a.isDirectory()) {
            throw Errno.fail(Errno.PERM);
        }
        if (target.isRoot() || Sandbox.attributes(target.host()) != null) {
            throw Errno.fail(Errno.EXIST);
        }
        if (target.trailingSlash() || source.trailingSlash()) {
            throw Errno.fail(Errno.NOTDIR);
        }
        Files.createLink(target.host(), source.host());
    }

    /** A symlink at {@code r} with the guest's {@code target} text. */
    public static void symlink(String target, Sandbox.Resolved r) throws IOException {
        if (Sandbox.attributes(r.host()) != null || r.isRoot()) {
            throw Errno.fail(Errno.EXIST);
        }
        if (r.trailingSlash()) {
            throw Errno.fail(Errno.NOENT);
        }
        Files.createSymbolicLink(r.host(), Path.of(target));
    }

    /**
     * Checks a symlink target the guest wants to create before anything else: empty is {@code ENOENT}; absolute
     * targets could never be followed inside the sandbox, refused as wasmtime does.
     */
    public static void checkSymlinkTarget(String target) {
        if (target.isEmpty()) {
            throw Errno.fail(Errno.NOENT);
        }
        if (target.startsWith("/") || target.indexOf('\0') >= 0) {
            throw Errno.fail(Errno.PERM);
        }
    }

    public static String readlink(Sandbox.Resolved r) throws IOException {
        BasicFileAttributes a = Sandbox.attributes(r.host());
        if (a == null) {
            throw Errno.fail(Errno.NOENT);
        }
        if (!a.isSymbolicLink()) {
            throw Errno.fail(Errno.INVAL);
        }
        return Files.readSymbolicLink(r.host()).toString();
    }

    /** What to open and how. */
    public record OpenRequest(boolean create, boolean exclusive, boolean truncate, boolean directory, boolean read,
            boolean write, boolean append, boolean sync, boolean dsync) {
    }

    /** The result of {@link #open}: a directory (its resolved place) or an open regular file. */
    public sealed interface Opened {
        record Directory(Sandbox.Resolved place) implements Opened {
        }

        record File(FileChannel channel, Path hostPath) implements Opened {
        }
    }

    /**
     * Opens {@code r} as {@code path_open}/{@code open-at} do. A symlink is only reachable here when the caller
     * did not follow it: POSIX {@code O_NOFOLLOW} says {@code ELOOP}. Host devices, fifos and sockets are not
     * handed to guests ({@code EACCES}).
     */
    public static Opened open(Sandbox.Resolved r, OpenRequest q) throws IOException {
        Path host = r.host();
        BasicFileAttributes a = Sandbox.attributes(host);
        if (a != null && q.create() && q.exclusive()) {
            throw Errno.fail(Errno.EXIST);
        }
        if (a != null && a.isSymbolicLink()) {
            throw Errno.fail(Errno.LOOP);
        }
        if (a == null && (!q.create() || q.directory())) {
            throw Errno.fail(Errno.NOENT);
        }
        if (a != null && a.isDirectory() || q.directory()) {
            if (a != null && !a.isDirectory()) {
                throw Errno.fail(Errno.NOTDIR);
            }
            if (q.truncate() || q.write() && !q.directory()) {
                throw Errno.fail(Errno.ISDIR);
            }
            return new Opened.Directory(r);
        }
        if (a != null && !a.isRegularFile()) {
            throw Errno.fail(Errno.ACCES);
        }
        if (r.trailingSlash()) {
            throw Errno.fail(Errno.NOTDIR);
        }
        Set<OpenOption> options = new HashSet<>();
        options.add(LinkOption.NOFOLLOW_LINKS);
        boolean write = q.write() || q.truncate() || q.append();
        if (write) {
            options.add(StandardOpenOption.WRITE);
        }
        if (q.read() || !write) {
            options.add(StandardOpenOption.READ);
        }
        if (q.create()) {
            options.add(q.exclusive() ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
            if (!write) {
                options.add(StandardOpenOption.WRITE);
            }
        }
        if (q.truncate()) {
            options.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        if (q.sync()) {
            options.add(StandardOpenOption.SYNC);
        } else if (q.dsync()) {
            options.add(StandardOpenOption.DSYNC);
        }
        return new Opened.File(FileChannel.open(host, options), host);
    }

    /**
     * The entries of the directory at {@code components} below {@code root}, sorted by name, without {@code .}
     * and {@code ..} (preview1 adds those itself; preview2 never lists them).
     */
    public static List<Entry> list(Sandbox.Root root, List<String> components) throws IOException {
        Path host = Sandbox.hostPath(root, components);
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(host)) {
            for (Path p : stream) {
                children.add(p);
            }
        }
        children.sort(null);
        List<Entry> out = new ArrayList<>();
        for (Path p : children) {
            BasicFileAttributes a = Sandbox.attributes(p);
            out.add(new Entry(p.getFileName().toString(), ino(p), a == null ? Kind.UNKNOWN : kind(a)));
        }
        return out;
    }

    public static long ino(Path p) {
        try {
            return Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS) instanceof Long l ? l : 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }

    public static Kind kind(BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return Kind.SYMBOLIC_LINK;
        }
        if (a.isDirectory()) {
            return Kind.DIRECTORY;
        }
        return a.isRegularFile() ? Kind.REGULAR_FILE : Kind.UNKNOWN;
    }

    /**
     * The metadata of {@code host}. {@code openSize} >= 0 is the size of an open file, used if the path is gone
     * (unlinked while open).
     */
    public static Stat stat(Path host, boolean followLink, long openSize) throws IOException {
        LinkOption[] opts = followLink ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        Map<String, Object> a;
        try {
            try {
                a = Files.readAttributes(host, "unix:dev,ino,nlink,size,lastAccessTime,lastModifiedTime,ctime,"
                        + "isDirectory,isRegularFile,isSymbolicLink,mode", opts);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                a = Files.readAttributes(host, "*", opts);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            if (openSize < 0) {
                throw e;
            }
            return new Stat(0, 0, Kind.REGULAR_FILE, 0, openSize, 0, 0, 0);
        }
        return new Stat(a.get("dev") instanceof Long dev ? dev : 0, a.get("ino") instanceof Long ino ? ino : 0,
                kind(a), a.get("nlink") instanceof Integer n ? n : 1, a.get("size") instanceof Long size ? size : 0,
                nanos(a.get("lastAccessTime")), nanos(a.get("lastModifiedTime")),
                nanos(a.containsKey("ctime") ? a.get("ctime") : a.get("lastModifiedTime")));
    }

    private static Kind kind(Map<String, Object> a) {
        if (Boolean.TRUE.equals(a.get("isSymbolicLink"))) {
            return Kind.SYMBOLIC_LINK;
        }
        if (Boolean.TRUE.equals(a.get("isDirectory"))) {
            return Kind.DIRECTORY;
        }
        if (Boolean.TRUE.equals(a.get("isRegularFile"))) {
            return Kind.REGULAR_FILE;
        }
        if (a.get("mode") instanceof Integer mode) {
            return switch (mode & 0xF000) {
                case 0x6000 -> Kind.BLOCK_DEVICE;
                case 0x2000 -> Kind.CHARACTER_DEVICE;
                case 0xC000 -> Kind.SOCKET;
                case 0x1000 -> Kind.FIFO;
                default -> Kind.UNKNOWN;
            };
        }
        return Kind.UNKNOWN;
    }

    private static long nanos(Object time) {
        if (!(time instanceof FileTime t)) {
            return 0;
        }
        Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** A {@link FileTime} from unsigned nanoseconds since the epoch. */
    public static FileTime fileTime(long nanos) {
        return FileTime.from(Instant.ofEpochSecond(Long.divideUnsigned(nanos, 1_000_000_000L),
                Long.remainderUnsigned(nanos, 1_000_000_000L)));
    }

    /** Sets the access and/or modification time (null: unchanged). */
    public static void setTimes(Path host, FileTime access, FileTime modified, boolean follow) throws IOException {
        BasicFileAttributeView view = follow ? Files.getFileAttributeView(host, BasicFileAttributeView.class)
                : Files.getFileAttributeView(host, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        view.setTimes(modified, access, null);
    }

    /** Truncates or extends (with zeros) an open file. */
    public static void setSize(FileChannel ch, long size) throws IOException {
        long current = ch.size();
        if (size < current) {
            ch.truncate(size);
        } else if (size > current) {
            ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
    }
}
