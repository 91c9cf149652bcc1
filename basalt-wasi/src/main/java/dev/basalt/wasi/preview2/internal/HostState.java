package dev.basalt.wasi.preview2.internal;

import dev.basalt.Store;
import dev.basalt.wasi.WasiClock;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.internal.Sandbox;
import dev.basalt.wasi.internal.StdioStreams;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * What one component guest was granted (from a {@link WasiConfig}: arguments, environment, the granted
 * directories as sandbox roots, stdio, clock, random sources) plus the host resources it currently holds, so
 * that closing the state releases every file the guest left open.
 */
public final class HostState implements AutoCloseable {
    final List<String> args;
    final List<Map.Entry<String, String>> env;
    final WasiClock clock;
    final RandomGenerator random;
    final RandomGenerator insecureRandom;
    final long insecureSeedLow;
    final long insecureSeedHigh;
    /** Keys of {@code metadata-hash}: the hash of a file's identity must not be guessable across contexts. */
    final long hashKeyLow;
    final long hashKeyHigh;
    final InputStream stdin;
    final OutputStream stdout;
    final OutputStream stderr;
    final boolean stdinTerminal;
    final boolean stdoutTerminal;
    final boolean stderrTerminal;
    final List<Sandbox.Root> roots;
    /** The grants of wasi:http/outgoing-handler (see {@link HttpHost}) and of wasi:sockets (see {@link SocketsHost}). */
    final WasiConfig config;
    /** Told about each outbound wasi:http request (telemetry), or null. */
    public volatile dev.basalt.wasi.preview2.OutboundHttpObserver outboundHttpObserver;
    /** Decides first where each outbound wasi:http request goes (e.g. in-process service chaining), or null. */
    public volatile dev.basalt.wasi.preview2.OutboundHttpRouter outboundHttpRouter;
    /**
     * Decides first where the requests the guest passes to its imported {@code wasi:http/handler@0.3.x} go (a
     * {@code wasi:http/middleware} component's next handler), or null: they go where {@code client.send}'s would.
     */
    public volatile dev.basalt.wasi.preview2.OutboundHttpRouter importedHandlerRouter;
    /** Waits for the guest's sockets (opened on first use). */
    final NetPoll net = new NetPoll(this);
    /**
     * The store of the guest's current host call (set by {@link WasiHost} before each one): its interrupt and
     * deadline wake the host's blocking waits ({@link #blocking()}). Null outside calls from a store.
     */
    Store<?> store;
    /** The resources this guest holds, by representation (see {@link HostResources}). */
    final Map<Integer, HostResources.Res> owned = new LinkedHashMap<>();

    private HostState(WasiConfig config) {
        this.config = config;
        this.args = config.args();
        this.env = List.copyOf(config.env().entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList());
        this.clock = config.clock();
        this.random = config.newRandom();
        this.insecureRandom = config.newRandom();
        this.insecureSeedLow = insecureRandom.nextLong();
        this.insecureSeedHigh = insecureRandom.nextLong();
        // From the insecure generator, so that the secure one's bytes are exactly what the guest reads.
        this.hashKeyLow = insecureRandom.nextLong();
        this.hashKeyHigh = insecureRandom.nextLong();
        List<Sandbox.Root> r = new ArrayList<>();
        for (WasiConfig.DirGrant d : config.dirs()) {
            r.add(Sandbox.Root.open(d));
        }
        this.roots = List.copyOf(r);
        this.stdin = StdioStreams.input(config.stdin());
        this.stdout = StdioStreams.output(config.stdout(), FileDescriptor.out);
        this.stderr = StdioStreams.output(config.stderr(), FileDescriptor.err);
        this.stdinTerminal = StdioStreams.isTerminal(config.stdin());
        this.stdoutTerminal = StdioStreams.isTerminal(config.stdout());
        this.stderrTerminal = StdioStreams.isTerminal(config.stderr());
    }

    /**
     * Opens what {@code config} grants.
     *
     * @throws IllegalArgumentException if a granted directory does not exist or is not a directory
     */
    public static HostState create(WasiConfig config) {
        return new HostState(config);
    }

    /**
     * Enters a blocking wait of the current host call: the store's {@link Store#interrupt()} and deadline wake it
     * (see {@link Store#enterBlockingCall()}). Without a store (host functions called directly) only an interrupt
     * of the thread does.
     *
     * @throws dev.basalt.Trap if an interrupt or deadline is pending already
     */
    Wait blocking() {
        return new Wait(store == null ? null : store.enterBlockingCall());
    }

    /** A blocking wait in progress ({@link #blocking()}); closing it ends the section. */
    static final class Wait implements AutoCloseable {
        private final Store.BlockingCall call;

        private Wait(Store.BlockingCall call) {
            this.call = call;
        }

        /**
         * The trap for a wait that ended because the thread was interrupted: the store's pending interrupt or
         * deadline (see {@link Store.BlockingCall#interrupted()}), else "interrupted". Ends the section.
         */
        dev.basalt.Trap interrupted() {
            return call != null ? call.interrupted()
                    : new dev.basalt.Trap(dev.basalt.TrapKind.INTERRUPTED, "while the guest was blocked in a host call");
        }

        @Override
        public void close() {
            if (call != null) {
                call.close();
            }
        }
    }

    /** How many host resources (streams, descriptors, pollables ...) the guest holds now. */
    public int liveResources() {
        synchronized (owned) {
            return owned.size();
        }
    }

    /** Flushes the guest's stdout and stderr. */
    public void flush() {
        for (OutputStream o : List.of(stdout, stderr)) {
            try {
                o.flush();
            } catch (IOException ignored) {
                // the guest already got its bytes written; a failing sink is the embedder's business
            }
        }
    }

    /**
     * Releases every resource the guest still holds, flushes its stdout and stderr and closes the stdio streams the
     * context owns ({@link StdioStreams#owned}; never the host's own stdio or a stream shared by several contexts).
     */
    @Override
    public void close() {
        synchronized (owned) {
            for (HostResources.Res r : List.copyOf(owned.values())) {
                HostResources.release(r);
            }
            owned.clear();
        }
        net.close();
        release(stdin, config.stdin());
        release(stdout, config.stdout());
        release(stderr, config.stderr());
    }

    private static void release(java.io.Closeable stream, WasiConfig.Stdio grant) {
        try {
            StdioStreams.release(stream, StdioStreams.owned(grant));
        } catch (IOException ignored) {
            // closing is best effort: the guest is gone, and a failing sink is the embedder's business
        }
    }
}
