package dev.basalt.wasi;

import dev.basalt.wasi.internal.Sandbox;
import dev.basalt.wasi.internal.StdioStreams;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The state of one WASI guest: its file descriptor table (stdio at 0-2, then the pre-opened directories in the
 * order granted, then the pre-opened listening sockets), arguments, environment, clock and random source. Made
 * from a {@link WasiConfig} by {@link #create}; used by the host functions {@link WasiPreview1} defines. One
 * context per guest instance; not thread-safe (a store runs one thread at a time). Closing it closes every
 * descriptor the guest still holds, and the stdio streams it owns (see {@link #close()}).
 *
 * {@snippet :
 * try (WasiContext wasi = WasiContext.create(config)) {
 *     Store<WasiContext> store = Store.create(engine, wasi);
 *     int exitCode = WasiPreview1.runCommand(linker.instantiate(store, module));
 * }
 * }
 */
public final class WasiContext implements AutoCloseable {
    final List<byte[]> args;
    final List<byte[]> env;
    final WasiClock clock;
    final RandomGenerator random;
    /** Open descriptors by number; a TreeMap so the lowest free number is easy to find. */
    final TreeMap<Integer, Descriptor> fds = new TreeMap<>();
    private final List<InetSocketAddress> listening = new ArrayList<>();

    private WasiContext(WasiConfig config) {
        this.args = config.args().stream().map(a -> a.getBytes(StandardCharsets.UTF_8)).toList();
        this.env = config.env().entrySet().stream()
                .map(e -> (e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8)).toList();
        this.clock = config.clock();
        this.random = config.newRandom();
    }

    /**
     * Opens what {@code config} grants: resolves each pre-opened directory to its canonical host path and binds
     * each listening socket.
     *
     * @throws IllegalArgumentException if a pre-opened directory does not exist or is not a directory
     * @throws UncheckedIOException if a socket cannot be bound
     */
    public static WasiContext create(WasiConfig config) {
        WasiContext ctx = new WasiContext(config);
        try {
            ctx.fds.put(0, new Descriptor.Stream(input(config.stdin()), null, isTerminal(config.stdin()),
                    StdioStreams.owned(config.stdin())));
            ctx.fds.put(1, new Descriptor.Stream(null, output(config.stdout(), FileDescriptor.out),
                    isTerminal(config.stdout()), StdioStreams.owned(config.stdout())));
            ctx.fds.put(2, new Descriptor.Stream(null, output(config.stderr(), FileDescriptor.err),
                    isTerminal(config.stderr()), StdioStreams.owned(config.stderr())));
            for (WasiConfig.DirGrant d : config.dirs()) {
                ctx.fds.put(ctx.fds.lastKey() + 1, Descriptor.Directory.preopen(Sandbox.Root.open(d)));
            }
            for (InetSocketAddress address : config.listenAddresses()) {
                ServerSocketChannel server = ServerSocketChannel.open();
                try {
                    server.bind(address);
                } catch (IOException e) {
                    server.close();
                    throw e;
                }
                ctx.listening.add((InetSocketAddress) server.getLocalAddress());
                ctx.fds.put(ctx.fds.lastKey() + 1, new Descriptor.Listener(server));
            }
        } catch (IOException e) {
            ctx.close();
            throw new UncheckedIOException("cannot listen: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
        return ctx;
    }

    /** The addresses the pre-opened sockets are bound to (with the actual port when port 0 was asked). */
    public List<InetSocketAddress> listenAddresses() {
        return List.copyOf(listening);
    }

    /** The guest paths of the pre-opened directories by descriptor number. */
    public Map<Integer, String> preopens() {
        Map<Integer, String> out = new TreeMap<>();
        fds.forEach((fd, d) -> {
            if (d instanceof Descriptor.Directory dir && dir.isPreopen()) {
                out.put(fd, dir.root.guestPath());
            }
        });
        return out;
    }

    /** Flushes the guest's stdout and stderr (the JVM's own streams are flushed on each write already). */
    public void flush() {
        for (int fd = 1; fd <= 2; fd++) {
            if (fds.get(fd) instanceof Descriptor.Stream s && s.out != null) {
                try {
                    s.out.flush();
                } catch (IOException ignored) {
                    // the guest already got its bytes written; a failing sink is the embedder's business
                }
            }
        }
    }

    /**
     * Closes every descriptor the guest still holds. Its stdout and stderr are flushed; stdio streams the context
     * owns ({@link WasiConfig.Builder#stdoutPerContext} and the like) are closed, the host's own stdio and streams
     * shared by several contexts ({@link WasiConfig.Builder#stdout(OutputStream)}) are left open.
     */
    @Override
    public void close() {
        for (Descriptor d : fds.values()) {
            try {
                d.close();
            } catch (IOException ignored) {
                // closing is best effort: nothing more can be done for a descriptor the guest abandoned
            }
        }
        fds.clear();
    }

    /** A free descriptor number for a new descriptor: the lowest unused, as POSIX does. */
    int allocate(Descriptor d) {
        int fd = 0;
        for (int used : fds.keySet()) {
            if (used != fd) {
                break;
            }
            fd++;
        }
        fds.put(fd, d);
        return fd;
    }

    private static boolean isTerminal(WasiConfig.Stdio s) {
        return StdioStreams.isTerminal(s);
    }

    private static InputStream input(WasiConfig.Stdio s) {
        return StdioStreams.input(s);
    }

    private static OutputStream output(WasiConfig.Stdio s, FileDescriptor inherited) {
        return StdioStreams.output(s, inherited);
    }
}
