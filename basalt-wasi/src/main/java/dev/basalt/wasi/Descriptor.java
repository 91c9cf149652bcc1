package dev.basalt.wasi;

import dev.basalt.wasi.internal.Errno;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import dev.basalt.wasi.internal.Sandbox;
import dev.basalt.wasi.internal.StdioStreams;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * An open file descriptor of a {@link WasiContext}: what it refers to, its rights and its fd flags. The kinds are
 * stdio streams, regular files, directories (always inside a pre-opened directory), pre-opened listening sockets
 * and sockets accepted from them.
 */
abstract sealed class Descriptor {
    /** The {@code rights} this descriptor grants ({@code fs_rights_base}). */
    long rightsBase;
    /** Rights that descriptors opened through this one may get ({@code fs_rights_inheriting}). */
    long rightsInheriting;
    /** {@code fdflags}: append, dsync, nonblock, rsync, sync. */
    int fdflags;

    Descriptor(long rightsBase, long rightsInheriting) {
        this.rightsBase = rightsBase;
        this.rightsInheriting = rightsInheriting;
    }

    abstract int filetype();

    void close() throws IOException {
    }

    /** Fails with {@code ENOTCAPABLE} unless this descriptor has all of {@code rights}. */
    void require(long rights) {
        if ((rightsBase & rights) != rights) {
            throw Errno.fail(Errno.NOTCAPABLE);
        }
    }

    /** One of stdin, stdout, stderr: a Java stream, not seekable. */
    static final class Stream extends Descriptor {
        final InputStream in;
        final OutputStream out;
        final boolean terminal;
        /** Whether the context owns the Java stream and closes it (see {@link StdioStreams#owned}). */
        private final boolean owned;

        Stream(InputStream in, OutputStream out, boolean terminal, boolean owned) {
            super(in != null ? Rights.STDIN : Rights.STDOUT, 0);
            this.in = in;
            this.out = out;
            this.terminal = terminal;
            this.owned = owned;
        }

        /** Flushes the output; closes the stream only if the context owns it (never the host's own stdio). */
        @Override
        void close() throws IOException {
            StdioStreams.release(in != null ? in : out, owned);
        }

        @Override
        int filetype() {
            // wasi-libc's isatty() asks for a character device without seek rights: that makes stdout line-buffered.
            return terminal ? Abi.FILETYPE_CHARACTER_DEVICE : Abi.FILETYPE_UNKNOWN;
        }
    }

    /** A regular file opened by {@code path_open}. */
    static final class File extends Descriptor {
        final FileChannel channel;
        final Path hostPath;

        File(FileChannel channel, Path hostPath, long rightsBase, long rightsInheriting) {
            super(rightsBase, rightsInheriting);
            this.channel = channel;
            this.hostPath = hostPath;
        }

        @Override
        int filetype() {
            return Abi.FILETYPE_REGULAR_FILE;
        }

        @Override
        void close() throws IOException {
            channel.close();
        }
    }

    /**
     * A directory inside a pre-open: the pre-open's canonical host root plus the path below it as checked
     * components (no {@code ..}, no symlinks), so every lookup starts from a place known to be inside.
     */
    static final class Directory extends Descriptor {
        final Sandbox.Root root;
        final List<String> components;
        /** Whether this is the descriptor the guest was given for the grant (reported by {@code fd_prestat_get}). */
        private final boolean preopen;
        /** The listing taken when {@code fd_readdir} last started over (cookie 0); later cookies index it. */
        List<DirEntry> listing;

        Directory(Sandbox.Root root, List<String> components, long rightsBase, long rightsInheriting) {
            this(root, components, rightsBase, rightsInheriting, false);
        }

        private Directory(Sandbox.Root root, List<String> components, long rightsBase, long rightsInheriting,
                boolean preopen) {
            super(rightsBase, rightsInheriting);
            this.root = root;
            this.components = List.copyOf(components);
            this.preopen = preopen;
        }

        /** The descriptor of a directory grant, with the rights its read-only flag allows. */
        static Directory preopen(Sandbox.Root root) {
            boolean ro = root.readOnly();
            return new Directory(root, List.of(), ro ? Rights.DIR_BASE_READ_ONLY : Rights.DIR_BASE,
                    ro ? Rights.INHERITING_READ_ONLY : Rights.INHERITING, true);
        }

        Path hostPath() {
            return Sandbox.hostPath(root, components);
        }

        boolean isPreopen() {
            return preopen;
        }

        @Override
        int filetype() {
            return Abi.FILETYPE_DIRECTORY;
        }
    }

    /** One entry of a directory listing for {@code fd_readdir}. */
    record DirEntry(String name, long ino, int filetype) {
    }

    /** A pre-opened listening TCP socket ({@code sock_accept}). */
    static final class Listener extends Descriptor {
        final ServerSocketChannel channel;
        final Selector selector;

        /** The host channel is always non-blocking; blocking guest calls wait on {@link #selector}. */
        Listener(ServerSocketChannel channel) throws IOException {
            super(Rights.LISTENER, 0);
            this.channel = channel;
            channel.configureBlocking(false);
            this.selector = Selector.open();
            channel.register(selector, SelectionKey.OP_ACCEPT);
        }

        /** Waits up to {@code millis} (0: just look) for a pending connection; true if there is one. */
        boolean await(long millis) throws IOException {
            selector.selectedKeys().clear();
            return (millis == 0 ? selector.selectNow() : selector.select(millis)) > 0;
        }

        @Override
        int filetype() {
            return Abi.FILETYPE_SOCKET_STREAM;
        }

        @Override
        void close() throws IOException {
            selector.close();
            channel.close();
        }
    }

    /** A connection accepted from a {@link Listener}. */
    static final class Socket extends Descriptor {
        final SocketChannel channel;
        final Selector selector;
        final SelectionKey key;

        /** Non-blocking on the host like {@link Listener}; {@link #await} implements the guest's blocking mode. */
        Socket(SocketChannel channel) throws IOException {
            super(Rights.SOCKET, 0);
            this.channel = channel;
            channel.configureBlocking(false);
            this.selector = Selector.open();
            this.key = channel.register(selector, SelectionKey.OP_READ);
        }

        /** Waits up to {@code millis} until {@code op} is ready; true if it is. */
        boolean await(int op, long millis) throws IOException {
            key.interestOps(op);
            selector.selectedKeys().clear();
            int n = millis == 0 ? selector.selectNow() : selector.select(millis);
            return n > 0 && (key.readyOps() & op) != 0;
        }

        @Override
        int filetype() {
            return Abi.FILETYPE_SOCKET_STREAM;
        }

        @Override
        void close() throws IOException {
            selector.close();
            channel.close();
        }
    }
}
