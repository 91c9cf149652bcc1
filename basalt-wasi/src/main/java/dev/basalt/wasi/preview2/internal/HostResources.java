package dev.basalt.wasi.preview2.internal;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.wasi.internal.Sandbox;
import dev.basalt.wasi.internal.SandboxFs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host side of WASI's resources: one table from representation (the {@code i32} a guest's handle refers to)
 * to the Java object, shared by every context (a host resource type's destructor receives only the
 * representation). A guest cannot name a representation directly: the canonical ABI maps its handle indices
 * through its own handle table, which only holds what the host gave it. Each resource also belongs to the
 * {@link HostState} that made it, which releases what is left when it is closed.
 */
final class HostResources {
    private static final Map<Integer, Res> TABLE = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger(1);

    private HostResources() {
    }

    /** A host resource. */
    abstract static class Res {
        HostState owner;
        int rep;

        /** Releases what the resource holds (a file channel); called once, on drop or when the owner closes. */
        void close() throws IOException {
        }
    }

    /** Registers {@code r} for {@code owner}; returns its representation. */
    static int add(HostState owner, Res r) {
        int rep = NEXT.getAndUpdate(n -> n == Integer.MAX_VALUE ? 1 : n + 1);
        while (TABLE.putIfAbsent(rep, r) != null) {
            rep = NEXT.getAndUpdate(n -> n == Integer.MAX_VALUE ? 1 : n + 1);
        }
        r.owner = owner;
        r.rep = rep;
        synchronized (owner.owned) {
            owner.owned.put(rep, r);
        }
        return rep;
    }

    /** The resource {@code rep} as a {@code type}; a trap if it is gone or of another kind (a host bug). */
    static <R extends Res> R get(int rep, Class<R> type) {
        Res r = TABLE.get(rep);
        if (!type.isInstance(r)) {
            throw new Trap(TrapKind.HOST_ERROR, "no live WASI " + type.getSimpleName() + " with representation " + rep);
        }
        return type.cast(r);
    }

    /**
     * Takes the resource {@code rep} out of the table without closing it: its ownership moved to the host (an
     * {@code own<...>} argument, e.g. the headers given to a constructor). A trap as {@link #get} if it is not
     * a live {@code type}.
     */
    static <R extends Res> R take(int rep, Class<R> type) {
        R r = get(rep, type);
        TABLE.remove(rep, r);
        synchronized (r.owner.owned) {
            r.owner.owned.remove(rep);
        }
        return r;
    }

    /** The destructor of every WASI resource type: the guest dropped its last handle to {@code rep}. */
    static void drop(int rep) {
        Res r = TABLE.get(rep);
        if (r != null) {
            synchronized (r.owner.owned) {
                r.owner.owned.remove(rep);
            }
            release(r);
        }
    }

    static void release(Res r) {
        TABLE.remove(r.rep, r);
        try {
            r.close();
        } catch (IOException ignored) {
            // closing is best effort: nothing more can be done for a resource the guest abandoned
        }
    }

    // ---------------------------------------------------------------- the resources

    /** {@code wasi:io/error.error}: a message and, for file system failures, the errno behind it (else -1). */
    static final class IoError extends Res {
        final String message;
        final int errno;
        /** The failure behind it, if known (wasi:http's {@code http-error-code} reads an HTTP body's). */
        final IOException cause;

        IoError(String message, int errno) {
            this(message, errno, null);
        }

        IoError(String message, int errno, IOException cause) {
            this.message = message;
            this.errno = errno;
            this.cause = cause;
        }
    }

    /**
     * {@code wasi:io/poll.pollable}: ready at a monotonic-clock deadline ({@link Long#MIN_VALUE}: always), when
     * a host event completes (an outbound HTTP response arrived ...), or, for an {@link IoPollable}, when its
     * socket is.
     */
    static class Pollable extends Res {
        final long deadline;
        /** The event this pollable waits for, or null for a clock (or always-ready) pollable. */
        final java.util.concurrent.CompletableFuture<?> event;

        Pollable(long deadline) {
            this.deadline = deadline;
            this.event = null;
        }

        /** A pollable that is ready once {@code event} has completed (normally or not). */
        Pollable(java.util.concurrent.CompletableFuture<?> event) {
            this.deadline = Long.MAX_VALUE;
            this.event = java.util.Objects.requireNonNull(event);
        }
    }

    /**
     * A pollable of an I/O source (a socket): ready when {@link #readyNow()} says so without waiting, or when its
     * {@link #channel()} is ready for {@link #ops()} (waited for by the guest's {@link NetPoll} selector). Its
     * clock deadline is {@link Long#MAX_VALUE}: never.
     */
    abstract static class IoPollable extends Pollable {
        IoPollable() {
            super(Long.MAX_VALUE);
        }

        /** Ready without any waiting (e.g. the source is in a state where the operation does not block). */
        abstract boolean readyNow();

        /** The channel to wait on when not {@link #readyNow()}. */
        abstract java.nio.channels.SelectableChannel channel();

        /** The {@link java.nio.channels.SelectionKey} operations that make it ready. */
        abstract int ops();

        /**
         * A pollable ready when {@code channel} is ready for {@code ops}, or at once once it is closed (the operation
         * then fails without waiting).
         */
        static IoPollable onChannel(java.nio.channels.SelectableChannel channel, int ops) {
            return new IoPollable() {
                @Override
                boolean readyNow() {
                    return !channel.isOpen();
                }

                @Override
                java.nio.channels.SelectableChannel channel() {
                    return channel;
                }

                @Override
                int ops() {
                    return ops;
                }
            };
        }
    }

    /** The outcome of a stream read: bytes (possibly none yet), or the end of the stream. */
    static final byte[] CLOSED = new byte[0];

    /** {@code wasi:io/streams.input-stream}. */
    abstract static class InStream extends Res {
        /** Up to {@code max} bytes; empty if none are available without blocking; {@link #CLOSED} at the end. */
        abstract byte[] read(int max, boolean blocking) throws IOException;

        /**
         * Whether a read may wait for a peer (a network, a pipe, a request body), so that it runs as a blocking
         * section that the store's interrupt and deadline end; false for files, whose channels an interrupt would
         * close.
         */
        boolean mayWait() {
            return true;
        }

        /** The pollable of {@code subscribe}: by default always ready (reads of files and stdin do not wait). */
        Pollable subscribe() {
            return new Pollable(Long.MIN_VALUE);
        }
    }

    /** stdin: a Java stream; reads block (as for preview1, stdin counts as always readable). */
    static final class StdinStream extends InStream {
        final InputStream in;

        StdinStream(InputStream in) {
            this.in = in;
        }

        @Override
        byte[] read(int max, boolean blocking) throws IOException {
            if (max == 0) {
                return new byte[0];
            }
            byte[] buf = new byte[max];
            int n = in.read(buf, 0, max);
            if (n < 0) {
                return CLOSED;
            }
            return n == max ? buf : java.util.Arrays.copyOf(buf, n);
        }
    }

    /** A file read from an offset on ({@code read-via-stream}); the file stays open while the stream lives. */
    static final class FileInStream extends InStream {
        final FileChannel channel;
        long position;

        FileInStream(FileChannel channel, long position) {
            this.channel = channel;
            this.position = position;
        }

        @Override
        boolean mayWait() {
            return false;
        }

        @Override
        byte[] read(int max, boolean blocking) throws IOException {
            if (max == 0) {
                return new byte[0];
            }
            long size = channel.size();
            if (position >= size) {
                return CLOSED;
            }
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, size - position));
            int n = channel.read(buf, position);
            if (n < 0) {
                return CLOSED;
            }
            position += n;
            return java.util.Arrays.copyOf(buf.array(), n);
        }
    }

    /** {@code wasi:io/streams.output-stream}. */
    abstract static class OutStream extends Res {
        abstract void write(byte[] bytes) throws IOException;

        /** Whether a write or flush may wait for a peer: see {@link InStream#mayWait()}. */
        boolean mayWait() {
            return true;
        }

        void flush() throws IOException {
        }
    }

    /** stdout or stderr. */
    static final class JavaOutStream extends OutStream {
        final OutputStream out;

        JavaOutStream(OutputStream out) {
            this.out = out;
        }

        @Override
        void write(byte[] bytes) throws IOException {
            out.write(bytes);
        }

        @Override
        void flush() throws IOException {
            out.flush();
        }
    }

    /** A file written from an offset on, or (append) always at its end. */
    static final class FileOutStream extends OutStream {
        final FileChannel channel;
        final boolean append;
        long position;

        FileOutStream(FileChannel channel, long position, boolean append) {
            this.channel = channel;
            this.position = position;
            this.append = append;
        }

        @Override
        boolean mayWait() {
            return false;
        }

        @Override
        void write(byte[] bytes) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            long at = append ? channel.size() : position;
            while (buf.hasRemaining()) {
                at += channel.write(buf, at);
            }
            position = at;
        }
    }

    /**
     * {@code wasi:filesystem/types.descriptor}: a directory inside a grant (its checked components) or an open
     * regular file, with what the guest may do through it.
     */
    static final class Descriptor extends Res {
        final Sandbox.Root root;
        /** For a directory: its place below the root; for a file: the place it was opened at. */
        final List<String> components;
        final FileChannel channel;
        final Path hostPath;
        final boolean read;
        final boolean write;
        /** Directories: whether entries may be created, removed, renamed (false below a read-only grant). */
        final boolean mutate;
        final boolean fileSync;
        final boolean dataSync;
        final boolean requestedWriteSync;

        private Descriptor(Sandbox.Root root, List<String> components, FileChannel channel, Path hostPath, boolean read,
                boolean write, boolean mutate, boolean fileSync, boolean dataSync, boolean requestedWriteSync) {
            this.root = root;
            this.components = List.copyOf(components);
            this.channel = channel;
            this.hostPath = hostPath;
            this.read = read;
            this.write = write;
            this.mutate = mutate;
            this.fileSync = fileSync;
            this.dataSync = dataSync;
            this.requestedWriteSync = requestedWriteSync;
        }

        static Descriptor directory(Sandbox.Root root, List<String> components) {
            return new Descriptor(root, components, null, Sandbox.hostPath(root, components), true, false,
                    !root.readOnly(), false, false, false);
        }

        static Descriptor file(Sandbox.Root root, List<String> components, FileChannel channel, Path hostPath,
                boolean read, boolean write, boolean fileSync, boolean dataSync, boolean requestedWriteSync) {
            return new Descriptor(root, components, channel, hostPath, read, write, false, fileSync, dataSync,
                    requestedWriteSync);
        }

        boolean isDirectory() {
            return channel == null;
        }

        @Override
        void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** {@code directory-entry-stream}: a listing taken when {@code read-directory} was called. */
    static final class DirectoryEntries extends Res {
        final List<SandboxFs.Entry> entries;
        int next;

        DirectoryEntries(List<SandboxFs.Entry> entries) {
            this.entries = entries;
        }
    }

    /** {@code terminal-input} / {@code terminal-output}: no operations yet, only their existence. */
    static final class Terminal extends Res {
    }
}
