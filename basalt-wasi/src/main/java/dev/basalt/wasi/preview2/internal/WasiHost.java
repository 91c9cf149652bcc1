package dev.basalt.wasi.preview2.internal;

import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceHandle;
import dev.basalt.component.ResourceType;
import dev.basalt.component.wit.Function;
import dev.basalt.component.wit.Resolve;
import dev.basalt.wasi.WasiExitException;
import dev.basalt.wasi.internal.Errno;
import dev.basalt.wasi.internal.Sandbox;
import dev.basalt.wasi.internal.SandboxFs;
import dev.basalt.wasi.preview2.internal.HostResources.Descriptor;
import dev.basalt.wasi.preview2.internal.HostResources.DirectoryEntries;
import dev.basalt.wasi.preview2.internal.HostResources.FileInStream;
import dev.basalt.wasi.preview2.internal.HostResources.FileOutStream;
import dev.basalt.wasi.preview2.internal.HostResources.InStream;
import dev.basalt.wasi.preview2.internal.HostResources.IoError;
import dev.basalt.wasi.preview2.internal.HostResources.JavaOutStream;
import dev.basalt.wasi.preview2.internal.HostResources.OutStream;
import dev.basalt.wasi.preview2.internal.HostResources.Pollable;
import dev.basalt.wasi.preview2.internal.HostResources.StdinStream;
import dev.basalt.wasi.preview2.internal.HostResources.Terminal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The WASI 0.2 host functions of wasi:cli, wasi:io, wasi:clocks, wasi:random and wasi:filesystem, defined into a
 * {@link ComponentLinker} with the types of the bundled WIT (version 0.2.12; the linker's semver matching lets
 * them satisfy imports of any 0.2.x). Every function of every interface defined here has an implementation (the
 * definition fails otherwise), so a component sees either a whole interface or none of it.
 */
public final class WasiHost {
    /** The interfaces this host implements, by unversioned name. */
    static final List<String> INTERFACES = java.util.stream.Stream.of(List.of(
            "wasi:io/error", "wasi:io/poll", "wasi:io/streams",
            "wasi:clocks/monotonic-clock", "wasi:clocks/wall-clock",
            "wasi:random/random", "wasi:random/insecure", "wasi:random/insecure-seed",
            "wasi:filesystem/types", "wasi:filesystem/preopens",
            "wasi:cli/environment", "wasi:cli/exit", "wasi:cli/stdin", "wasi:cli/stdout", "wasi:cli/stderr",
            "wasi:cli/terminal-input", "wasi:cli/terminal-output", "wasi:cli/terminal-stdin",
            "wasi:cli/terminal-stdout", "wasi:cli/terminal-stderr"),
            HttpHost.INTERFACES, SocketsHost.INTERFACES).flatMap(List::stream).toList();
    static final String VERSION = "0.2.12";

    /** How long a {@code poll} of sockets together with host events waits on the sockets before looking again. */
    static final long MIXED_WAIT_NANOS = 5_000_000;

    /** Reads at most this much per call: a guest's {@code len: u64} is not an allocation size. */
    static final int MAX_CHUNK = 1 << 20;

    @FunctionalInterface
    interface Impl {
        /** The result value, or null for a function without result. */
        ComponentValue call(HostState s, List<ComponentValue> args) throws IOException;
    }

    private final Map<String, Impl> impls = new HashMap<>();
    private final Map<String, ResourceType> resourceTypes = new LinkedHashMap<>();

    public WasiHost() {
        for (String name : List.of("error", "pollable", "input-stream", "output-stream", "descriptor",
                "directory-entry-stream", "terminal-input", "terminal-output")) {
            resourceTypes.put(name, ResourceType.host(name, HostResources::drop));
        }
        for (String name : HttpHost.RESOURCES) {
            resourceTypes.put(name, ResourceType.host(name, HostResources::drop));
        }
        for (String name : SocketsHost.RESOURCES) {
            if (resourceTypes.put(name, ResourceType.host(name, HostResources::drop)) != null) {
                throw new IllegalStateException("resource type defined twice: " + name);
            }
        }
        registerIo();
        registerClocksAndRandom();
        registerCli();
        registerFilesystem();
        HttpHost.register(this);
        SocketsHost.register(this);
    }

    /** Defines every interface into {@code linker}; {@code state} finds the guest's state from its store. */
    public <T> void define(ComponentLinker<T> linker, java.util.function.Function<Store<T>, HostState> state) {
        Resolve r = WasiWit.resolve();
        Map<Resolve.TypeId, ResourceType> byId = WasiWit.resourceTypes(r,
                INTERFACES.stream().map(i -> i + "@" + VERSION).toList(), (iface, name) -> resourceTypes.get(name));
        WasiWit.Converter conv = new WasiWit.Converter(r, byId);
        Set<String> used = new java.util.HashSet<>();
        for (String iface : INTERFACES) {
            Resolve.InterfaceId id = WasiWit.iface(r, iface + "@" + VERSION);
            ComponentLinker.LinkerInstance<T> inst = linker.instance(iface + "@" + VERSION);
            WasiWit.defineTypes(inst, r, id, conv);
            for (Function f : r.iface(id).functions()) {
                String key = iface + "#" + f.name();
                Impl impl = impls.get(key);
                if (impl == null) {
                    throw new IllegalStateException("no implementation of " + key);
                }
                used.add(key);
                inst.defineFunction(f.name(), conv.funcType(f), (store, args) -> {
                    try {
                        HostState hs = state.apply(store);
                        hs.store = store;
                        ComponentValue v = impl.call(hs, args);
                        return v == null ? List.of() : List.of(v);
                    } catch (IOException e) {
                        throw new Trap(TrapKind.HOST_ERROR, key + ": " + e.getMessage());
                    }
                });
            }
        }
        if (!used.equals(impls.keySet())) {
            Set<String> extra = new java.util.TreeSet<>(impls.keySet());
            extra.removeAll(used);
            throw new IllegalStateException("implementations without a WIT function: " + extra);
        }
    }

    /** Calls the implementation of {@code function} of {@code iface} directly (tests of the host without a guest). */
    ComponentValue call(String iface, String function, HostState s, ComponentValue... args) throws IOException {
        Impl impl = impls.get(iface + "#" + function);
        if (impl == null) {
            throw new IllegalArgumentException("no function " + iface + "#" + function);
        }
        return impl.call(s, List.of(args));
    }

    ResourceType resourceType(String name) {
        return resourceTypes.get(name);
    }

    void on(String iface, String function, Impl impl) {
        if (impls.put(iface + "#" + function, impl) != null) {
            throw new IllegalStateException("defined twice: " + iface + "#" + function);
        }
    }

    // ---------------------------------------------------------------- value helpers

    static long u64(List<ComponentValue> a, int i) {
        return ((ComponentValue.U64) a.get(i)).value();
    }

    static String str(List<ComponentValue> a, int i) {
        return ((ComponentValue.Str) a.get(i)).value();
    }

    static int rep(List<ComponentValue> a, int i) {
        return switch (a.get(i)) {
            case ComponentValue.Borrow b -> b.handle().rep();
            case ComponentValue.Own o -> o.handle().rep();
            default -> throw new IllegalArgumentException("not a handle: " + a.get(i));
        };
    }

    static <R extends HostResources.Res> R res(List<ComponentValue> a, int i, Class<R> type) {
        return HostResources.get(rep(a, i), type);
    }

    /** A lifted {@code list<u8>}'s bytes: one copy of the array the canonical ABI lifted it into. */
    static byte[] bytes(ComponentValue v) {
        return ((ComponentValue.ListValue) v).toByteArray();
    }

    /** A {@code list<u8>} to lower: one array, written into the guest's memory with one copy. */
    static ComponentValue bytes(byte[] b) {
        return ComponentValue.u8List(b);
    }

    static Set<String> flags(List<ComponentValue> a, int i) {
        return ((ComponentValue.FlagsValue) a.get(i)).labels();
    }

    static ComponentValue u64(long v) {
        return new ComponentValue.U64(v);
    }

    static ComponentValue ok(ComponentValue v) {
        return new ComponentValue.ResultValue(true, Optional.ofNullable(v));
    }

    static ComponentValue err(ComponentValue v) {
        return new ComponentValue.ResultValue(false, Optional.ofNullable(v));
    }

    ComponentValue own(HostState s, String type, HostResources.Res r) {
        return new ComponentValue.Own(ResourceHandle.own(resourceTypes.get(type), HostResources.add(s, r)));
    }

    static ComponentValue datetime(long epochNanos) {
        return new ComponentValue.RecordValue(List.of(
                new ComponentValue.Field("seconds", u64(Long.divideUnsigned(epochNanos, 1_000_000_000L))),
                new ComponentValue.Field("nanoseconds", new ComponentValue.U32(Long.remainderUnsigned(epochNanos, 1_000_000_000L)))));
    }

    /** A u64 length as a per-call amount: at most {@link #MAX_CHUNK}. */
    static int chunk(long len) {
        return len < 0 || len > MAX_CHUNK ? MAX_CHUNK : (int) len;
    }

    // ---------------------------------------------------------------- wasi:io

    private ComponentValue streamFailure(HostState s, IOException e) {
        IoError error = new IoError(String.valueOf(e.getMessage()), Errno.of(e), e);
        return err(new ComponentValue.VariantValue("last-operation-failed", Optional.of(own(s, "error", error))));
    }

    private static final ComponentValue STREAM_CLOSED = err(new ComponentValue.VariantValue("closed", Optional.empty()));

    /** A stream operation, run by {@link #streamOp}. */
    private interface StreamOp {
        ComponentValue run() throws IOException;
    }

    /**
     * Runs a stream operation; one that may wait for a peer ({@code mayWait}) runs as a blocking section, so the
     * store's interrupt or deadline ends its wait with their trap rather than a stream error.
     */
    private ComponentValue streamOp(HostState s, boolean mayWait, StreamOp op) {
        HostState.Wait wait = mayWait ? s.blocking() : null;
        try {
            return op.run();
        } catch (IOException e) {
            if (wait != null && endedByInterrupt(e)) {
                throw wait.interrupted();
            }
            return streamFailure(s, e);
        } finally {
            if (wait != null) {
                wait.close();
            }
        }
    }

    /** Whether {@code e} (or its cause) is how Java reports a blocking wait ended by an interrupt of the thread. */
    static boolean endedByInterrupt(Throwable e) {
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if ((t instanceof java.io.InterruptedIOException && !(t instanceof java.net.SocketTimeoutException))
                    || t instanceof java.nio.channels.ClosedByInterruptException || t instanceof InterruptedException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private ComponentValue read(HostState s, InStream in, long len, boolean blocking) {
        return streamOp(s, in.mayWait(), () -> {
            byte[] b = in.read(chunk(len), blocking);
            return b == HostResources.CLOSED ? STREAM_CLOSED : ok(bytes(b));
        });
    }

    private ComponentValue skip(HostState s, InStream in, long len, boolean blocking) {
        return streamOp(s, in.mayWait(), () -> {
            byte[] b = in.read(chunk(len), blocking);
            return b == HostResources.CLOSED ? STREAM_CLOSED : ok(u64(b.length));
        });
    }

    private ComponentValue write(HostState s, OutStream out, byte[] bytes, boolean flush) {
        return streamOp(s, out.mayWait(), () -> {
            out.write(bytes);
            if (flush) {
                out.flush();
            }
            return ok(null);
        });
    }

    private ComponentValue splice(HostState s, OutStream out, InStream in, long len, boolean blocking) {
        return streamOp(s, in.mayWait() || out.mayWait(), () -> {
            byte[] b = in.read(chunk(len), blocking);
            if (b == HostResources.CLOSED) {
                return STREAM_CLOSED;
            }
            out.write(b);
            return ok(u64(b.length));
        });
    }

    private ComponentValue alwaysReady(HostState s) {
        return own(s, "pollable", new Pollable(Long.MIN_VALUE));
    }

    private static boolean ready(HostState s, Pollable p) {
        if (p instanceof HostResources.IoPollable io) {
            return s.net.ready(io);
        }
        if (p.event != null) {
            return p.event.isDone();
        }
        return p.deadline == Long.MIN_VALUE || s.clock.monotonicNanos() - p.deadline >= 0;
    }

    /**
     * Blocks until one of {@code events} completes or the monotonic clock reaches {@code deadline}
     * ({@link Long#MAX_VALUE}: no deadline).
     */
    private static void awaitAny(HostState s, List<java.util.concurrent.CompletableFuture<?>> events, long deadline) {
        if (events.isEmpty()) {
            sleepUntil(s, deadline);
            return;
        }
        java.util.concurrent.CompletableFuture<Object> any =
                java.util.concurrent.CompletableFuture.anyOf(events.toArray(java.util.concurrent.CompletableFuture[]::new));
        try (HostState.Wait w = s.blocking()) {
            try {
                if (deadline == Long.MAX_VALUE) {
                    any.get();
                } else {
                    long wait = deadline - s.clock.monotonicNanos();
                    if (wait > 0) {
                        any.get(wait, java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw w.interrupted();
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | java.util.concurrent.CancellationException e) {
            // a failed or cancelled event is ready too (its owner reports the failure); a timeout is the clock's turn
        }
    }

    private static void sleepUntil(HostState s, long deadline) {
        long wait = deadline - s.clock.monotonicNanos();
        if (wait > 0) {
            try (HostState.Wait w = s.blocking()) {
                try {
                    s.clock.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw w.interrupted();
                }
            }
        }
    }

    private void registerIo() {
        String error = "wasi:io/error";
        on(error, "[method]error.to-debug-string", (s, a) -> new ComponentValue.Str(res(a, 0, IoError.class).message));

        String poll = "wasi:io/poll";
        on(poll, "[method]pollable.ready", (s, a) -> new ComponentValue.Bool(ready(s, res(a, 0, Pollable.class))));
        on(poll, "[method]pollable.block", (s, a) -> {
            Pollable p = res(a, 0, Pollable.class);
            if (p instanceof HostResources.IoPollable io) {
                s.net.await(io);
            } else if (p.event != null) {
                awaitAny(s, List.of(p.event), Long.MAX_VALUE);
            } else if (p.deadline != Long.MIN_VALUE) {
                sleepUntil(s, p.deadline);
            }
            return null;
        });
        on(poll, "poll", (s, a) -> {
            List<ComponentValue> in = ((ComponentValue.ListValue) a.get(0)).elements();
            if (in.isEmpty()) {
                throw new Trap(TrapKind.HOST_ERROR, "wasi:io/poll.poll: the list of pollables is empty");
            }
            List<Pollable> ps = new ArrayList<>();
            for (int k = 0; k < in.size(); k++) {
                ps.add(res(in, k, Pollable.class));
            }
            List<HostResources.IoPollable> io = new ArrayList<>();
            for (Pollable p : ps) {
                if (p instanceof HostResources.IoPollable i) {
                    io.add(i);
                }
            }
            long ioWait = 0;
            while (true) {
                // Socket pollables are checked together in the guest's selector (waiting there when they are the
                // only ones, or up to the earliest clock deadline); events and clocks one by one.
                boolean[] ioReady = io.isEmpty() ? new boolean[0] : s.net.check(io, ioWait);
                List<ComponentValue> readyOnes = new ArrayList<>();
                List<java.util.concurrent.CompletableFuture<?>> events = new ArrayList<>();
                long earliest = Long.MAX_VALUE;
                for (int k = 0, j = 0; k < ps.size(); k++) {
                    Pollable p = ps.get(k);
                    if (p instanceof HostResources.IoPollable ? ioReady[j++] : ready(s, p)) {
                        readyOnes.add(new ComponentValue.U32(k));
                    } else if (p instanceof HostResources.IoPollable) {
                        continue;
                    } else if (p.event != null) {
                        events.add(p.event);
                    } else {
                        earliest = Math.min(earliest, p.deadline);
                    }
                }
                if (!readyOnes.isEmpty()) {
                    return new ComponentValue.ListValue(readyOnes);
                }
                if (io.isEmpty()) {
                    awaitAny(s, events, earliest);
                } else {
                    long untilClock = earliest == Long.MAX_VALUE ? -1
                            : Math.max(1, earliest - s.clock.monotonicNanos());
                    // Sockets together with host events (HTTP): no one object waits for both, so look at the
                    // events again every few milliseconds.
                    ioWait = events.isEmpty() ? untilClock
                            : untilClock < 0 ? MIXED_WAIT_NANOS : Math.min(untilClock, MIXED_WAIT_NANOS);
                }
            }
        });

        String streams = "wasi:io/streams";
        on(streams, "[method]input-stream.read", (s, a) -> read(s, res(a, 0, InStream.class), u64(a, 1), false));
        on(streams, "[method]input-stream.blocking-read", (s, a) -> read(s, res(a, 0, InStream.class), u64(a, 1), true));
        on(streams, "[method]input-stream.skip", (s, a) -> skip(s, res(a, 0, InStream.class), u64(a, 1), false));
        on(streams, "[method]input-stream.blocking-skip", (s, a) -> skip(s, res(a, 0, InStream.class), u64(a, 1), true));
        on(streams, "[method]input-stream.subscribe",
                (s, a) -> own(s, "pollable", res(a, 0, InStream.class).subscribe()));
        // Writes complete synchronously, so a stream is always ready for up to MAX_CHUNK more bytes.
        on(streams, "[method]output-stream.check-write", (s, a) -> {
            res(a, 0, OutStream.class);
            return ok(u64(MAX_CHUNK));
        });
        on(streams, "[method]output-stream.write",
                (s, a) -> write(s, res(a, 0, OutStream.class), bytes(a.get(1)), false));
        on(streams, "[method]output-stream.blocking-write-and-flush",
                (s, a) -> write(s, res(a, 0, OutStream.class), bytes(a.get(1)), true));
        on(streams, "[method]output-stream.flush", (s, a) -> write(s, res(a, 0, OutStream.class), new byte[0], true));
        on(streams, "[method]output-stream.blocking-flush",
                (s, a) -> write(s, res(a, 0, OutStream.class), new byte[0], true));
        on(streams, "[method]output-stream.subscribe", (s, a) -> {
            res(a, 0, OutStream.class);
            return alwaysReady(s);
        });
        on(streams, "[method]output-stream.write-zeroes",
                (s, a) -> write(s, res(a, 0, OutStream.class), new byte[chunk(u64(a, 1))], false));
        on(streams, "[method]output-stream.blocking-write-zeroes-and-flush",
                (s, a) -> write(s, res(a, 0, OutStream.class), new byte[chunk(u64(a, 1))], true));
        on(streams, "[method]output-stream.splice",
                (s, a) -> splice(s, res(a, 0, OutStream.class), res(a, 1, InStream.class), u64(a, 2), false));
        on(streams, "[method]output-stream.blocking-splice",
                (s, a) -> splice(s, res(a, 0, OutStream.class), res(a, 1, InStream.class), u64(a, 2), true));
    }

    // ---------------------------------------------------------------- wasi:clocks, wasi:random

    private void registerClocksAndRandom() {
        String mono = "wasi:clocks/monotonic-clock";
        on(mono, "now", (s, a) -> u64(s.clock.monotonicNanos()));
        on(mono, "resolution", (s, a) -> u64(s.clock.resolutionNanos(1)));
        on(mono, "subscribe-instant", (s, a) -> own(s, "pollable", new Pollable(u64(a, 0))));
        on(mono, "subscribe-duration", (s, a) -> {
            long now = s.clock.monotonicNanos();
            long d = u64(a, 0);
            // u64 durations: saturate instead of wrapping into the past
            long deadline = d < 0 || now + d < now ? Long.MAX_VALUE : now + d;
            return own(s, "pollable", new Pollable(deadline));
        });
        String wall = "wasi:clocks/wall-clock";
        on(wall, "now", (s, a) -> datetime(s.clock.realtimeNanos()));
        on(wall, "resolution", (s, a) -> datetime(s.clock.resolutionNanos(0)));

        on("wasi:random/random", "get-random-bytes", (s, a) -> randomBytes(s.random, u64(a, 0)));
        on("wasi:random/random", "get-random-u64", (s, a) -> u64(s.random.nextLong()));
        on("wasi:random/insecure", "get-insecure-random-bytes", (s, a) -> randomBytes(s.insecureRandom, u64(a, 0)));
        on("wasi:random/insecure", "get-insecure-random-u64", (s, a) -> u64(s.insecureRandom.nextLong()));
        on("wasi:random/insecure-seed", "insecure-seed", (s, a) -> new ComponentValue.TupleValue(
                List.of(u64(s.insecureSeedLow), u64(s.insecureSeedHigh))));
    }

    /** Random bytes; a length beyond {@link #MAX_CHUNK} traps (the guest asked for more than it could take). */
    private static ComponentValue randomBytes(java.util.random.RandomGenerator g, long len) {
        if (len < 0 || len > MAX_CHUNK) {
            throw new Trap(TrapKind.HOST_ERROR, "get-random-bytes: length " + Long.toUnsignedString(len)
                    + " exceeds the host's limit of " + MAX_CHUNK);
        }
        byte[] b = new byte[(int) len];
        g.nextBytes(b);
        return bytes(b);
    }

    // ---------------------------------------------------------------- wasi:cli

    private void registerCli() {
        on("wasi:cli/environment", "get-environment", (s, a) -> new ComponentValue.ListValue(s.env.stream()
                .map(e -> (ComponentValue) new ComponentValue.TupleValue(List.of(new ComponentValue.Str(e.getKey()),
                        new ComponentValue.Str(e.getValue())))).toList()));
        on("wasi:cli/environment", "get-arguments", (s, a) -> new ComponentValue.ListValue(
                s.args.stream().map(x -> (ComponentValue) new ComponentValue.Str(x)).toList()));
        // No working directory is granted: relative paths have no meaning outside the pre-opens.
        on("wasi:cli/environment", "initial-cwd", (s, a) -> new ComponentValue.OptionValue(Optional.empty()));
        on("wasi:cli/exit", "exit", (s, a) -> {
            s.flush();
            throw new WasiExitException(((ComponentValue.ResultValue) a.get(0)).ok() ? 0 : 1);
        });
        on("wasi:cli/exit", "exit-with-code", (s, a) -> {
            s.flush();
            throw new WasiExitException(((ComponentValue.U8) a.get(0)).value());
        });
        on("wasi:cli/stdin", "get-stdin", (s, a) -> own(s, "input-stream", new StdinStream(s.stdin)));
        on("wasi:cli/stdout", "get-stdout", (s, a) -> own(s, "output-stream", new JavaOutStream(s.stdout)));
        on("wasi:cli/stderr", "get-stderr", (s, a) -> own(s, "output-stream", new JavaOutStream(s.stderr)));
        on("wasi:cli/terminal-stdin", "get-terminal-stdin",
                (s, a) -> terminal(s, "terminal-input", s.stdinTerminal));
        on("wasi:cli/terminal-stdout", "get-terminal-stdout",
                (s, a) -> terminal(s, "terminal-output", s.stdoutTerminal));
        on("wasi:cli/terminal-stderr", "get-terminal-stderr",
                (s, a) -> terminal(s, "terminal-output", s.stderrTerminal));
    }

    private ComponentValue terminal(HostState s, String type, boolean isTerminal) {
        return new ComponentValue.OptionValue(isTerminal ? Optional.of(own(s, type, new Terminal())) : Optional.empty());
    }

    // ---------------------------------------------------------------- wasi:filesystem

    /** A file system operation whose failure is an {@code error-code}. */
    @FunctionalInterface
    interface FsOp {
        ComponentValue run() throws IOException;
    }

    static ComponentValue fs(FsOp op) {
        try {
            return ok(op.run());
        } catch (Errno.Failure f) {
            return err(errorCode(f.errno));
        } catch (IOException e) {
            return err(errorCode(Errno.of(e)));
        } catch (UncheckedIOException e) {
            return err(errorCode(Errno.of(e.getCause())));
        } catch (SecurityException e) {
            return err(errorCode(Errno.ACCES));
        }
    }

    /** The {@code error-code} for a preview1 errno (the same host condition gives the same answer in both). */
    static ComponentValue errorCode(int errno) {
        String label = switch (errno) {
            case Errno.ACCES -> "access";
            case Errno.AGAIN -> "would-block";
            case Errno.BADF -> "bad-descriptor";
            case Errno.BUSY -> "busy";
            case Errno.EXIST -> "exist";
            case Errno.FBIG, Errno.TOOBIG -> "file-too-large";
            case Errno.ILSEQ -> "illegal-byte-sequence";
            case Errno.INTR -> "interrupted";
            case Errno.INVAL -> "invalid";
            case Errno.ISDIR -> "is-directory";
            case Errno.LOOP -> "loop";
            case Errno.MLINK -> "too-many-links";
            case Errno.NAMETOOLONG -> "name-too-long";
            case Errno.NOENT -> "no-entry";
            case Errno.NOMEM -> "insufficient-memory";
            case Errno.NOSPC -> "insufficient-space";
            case Errno.NOTDIR -> "not-directory";
            case Errno.NOTEMPTY -> "not-empty";
            case Errno.NOTSUP, Errno.NOSYS -> "unsupported";
            case Errno.OVERFLOW -> "overflow";
            case Errno.PERM, Errno.NOTCAPABLE -> "not-permitted";
            case Errno.PIPE -> "pipe";
            case Errno.ROFS -> "read-only";
            case Errno.SPIPE -> "invalid-seek";
            case Errno.XDEV -> "cross-device";
            default -> "io";
        };
        return new ComponentValue.EnumValue(label);
    }

    static Descriptor dir(Descriptor d) {
        if (!d.isDirectory()) {
            throw Errno.fail(Errno.NOTDIR);
        }
        return d;
    }

    static Descriptor file(Descriptor d) {
        if (d.isDirectory()) {
            throw Errno.fail(Errno.BADF);
        }
        return d;
    }

    /** A directory the guest may change entries of; below a read-only grant that is {@code not-permitted}. */
    static Descriptor mutableDir(Descriptor d) {
        dir(d);
        if (!d.mutate) {
            throw Errno.fail(Errno.PERM);
        }
        return d;
    }

    static Sandbox.Resolved at(Descriptor d, String path, boolean follow) {
        return Sandbox.resolve(d.root, d.components, path, follow);
    }

    static boolean follow(List<ComponentValue> a, int i) {
        return flags(a, i).contains("symlink-follow");
    }

    static ComponentValue kind(SandboxFs.Kind k) {
        return new ComponentValue.EnumValue(switch (k) {
            case UNKNOWN -> "unknown";
            case BLOCK_DEVICE -> "block-device";
            case CHARACTER_DEVICE -> "character-device";
            case DIRECTORY -> "directory";
            case FIFO -> "fifo";
            case SYMBOLIC_LINK -> "symbolic-link";
            case REGULAR_FILE -> "regular-file";
            case SOCKET -> "socket";
        });
    }

    static ComponentValue stat(SandboxFs.Stat st) {
        return new ComponentValue.RecordValue(List.of(
                new ComponentValue.Field("type", kind(st.kind())),
                new ComponentValue.Field("link-count", u64(st.nlink())),
                new ComponentValue.Field("size", u64(st.size())),
                new ComponentValue.Field("data-access-timestamp", some(datetime(st.atimeNanos()))),
                new ComponentValue.Field("data-modification-timestamp", some(datetime(st.mtimeNanos()))),
                new ComponentValue.Field("status-change-timestamp", some(datetime(st.ctimeNanos())))));
    }

    static ComponentValue some(ComponentValue v) {
        return new ComponentValue.OptionValue(Optional.of(v));
    }

    static SandboxFs.Stat statOf(Descriptor d) throws IOException {
        return SandboxFs.stat(d.hostPath, true, d.isDirectory() ? -1 : d.channel.size());
    }

    /**
     * {@code metadata-hash}: a keyed mix of the file's device and inode, stable while the file exists, not
     * guessable from outside the context (the key is per context).
     */
    static ComponentValue hash(HostState s, SandboxFs.Stat st) {
        long lower = mix(st.dev() * 0x9E3779B97F4A7C15L ^ st.ino() ^ s.hashKeyLow);
        long upper = mix(st.ino() * 0xC2B2AE3D27D4EB4FL ^ st.dev() ^ s.hashKeyHigh);
        return new ComponentValue.RecordValue(List.of(new ComponentValue.Field("lower", u64(lower)),
                new ComponentValue.Field("upper", u64(upper))));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A {@code new-timestamp}: null for no-change. */
    static FileTime newTimestamp(HostState s, ComponentValue v) {
        ComponentValue.VariantValue nt = (ComponentValue.VariantValue) v;
        return switch (nt.caseName()) {
            case "no-change" -> null;
            case "now" -> SandboxFs.fileTime(s.clock.realtimeNanos());
            case "timestamp" -> {
                ComponentValue.RecordValue dt = (ComponentValue.RecordValue) nt.payload().orElseThrow();
                long seconds = ((ComponentValue.U64) dt.get("seconds").orElseThrow()).value();
                long nanos = ((ComponentValue.U32) dt.get("nanoseconds").orElseThrow()).value();
                if (nanos >= 1_000_000_000L || seconds < 0) {
                    throw Errno.fail(Errno.INVAL);
                }
                yield FileTime.from(java.time.Instant.ofEpochSecond(seconds, nanos));
            }
            default -> throw new IllegalArgumentException("new-timestamp case " + nt.caseName());
        };
    }

    private void registerFilesystem() {
        String t = "wasi:filesystem/types";
        on(t, "[method]descriptor.read-via-stream", (s, a) -> fs(() -> {
            Descriptor d = file(res(a, 0, Descriptor.class));
            if (!d.read) {
                throw Errno.fail(Errno.BADF);
            }
            return own(s, "input-stream", new FileInStream(d.channel, u64(a, 1)));
        }));
        on(t, "[method]descriptor.write-via-stream", (s, a) -> fs(() -> {
            Descriptor d = file(res(a, 0, Descriptor.class));
            if (!d.write) {
                throw Errno.fail(Errno.BADF);
            }
            return own(s, "output-stream", new FileOutStream(d.channel, u64(a, 1), false));
        }));
        on(t, "[method]descriptor.append-via-stream", (s, a) -> fs(() -> {
            Descriptor d = file(res(a, 0, Descriptor.class));
            if (!d.write) {
                throw Errno.fail(Errno.BADF);
            }
            return own(s, "output-stream", new FileOutStream(d.channel, 0, true));
        }));
        // Advice is a hint; the JVM offers no posix_fadvise, and ignoring it is always correct.
        on(t, "[method]descriptor.advise", (s, a) -> fs(() -> {
            file(res(a, 0, Descriptor.class));
            return null;
        }));
        on(t, "[method]descriptor.sync-data", (s, a) -> fs(() -> {
            Descriptor d = res(a, 0, Descriptor.class);
            if (!d.isDirectory()) {
                d.channel.force(false);
            }
            return null;
        }));
        on(t, "[method]descriptor.sync", (s, a) -> fs(() -> {
            Descriptor d = res(a, 0, Descriptor.class);
            if (!d.isDirectory()) {
                d.channel.force(true);
            }
            return null;
        }));
        on(t, "[method]descriptor.get-flags", (s, a) -> fs(() -> {
            Descriptor d = res(a, 0, Descriptor.class);
            List<String> f = new ArrayList<>();
            if (d.read) {
                f.add("read");
            }
            if (d.write) {
                f.add("write");
            }
            if (d.fileSync) {
                f.add("file-integrity-sync");
            }
            if (d.dataSync) {
                f.add("data-integrity-sync");
            }
            if (d.requestedWriteSync) {
                f.add("requested-write-sync");
            }
            if (d.mutate) {
                f.add("mutate-directory");
            }
            return new ComponentValue.FlagsValue(new java.util.LinkedHashSet<>(f));
        }));
        on(t, "[method]descriptor.get-type", (s, a) -> fs(() -> {
            Descriptor d = res(a, 0, Descriptor.class);
            return kind(d.isDirectory() ? SandboxFs.Kind.DIRECTORY : SandboxFs.Kind.REGULAR_FILE);
        }));
        on(t, "[method]descriptor.set-size", (s, a) -> fs(() -> {
            Descriptor d = file(res(a, 0, Descriptor.class));
            if (!d.write) {
                throw Errno.fail(Errno.BADF);
            }
            SandboxFs.setSize(d.channel, u64(a, 1));
            return null;
        }));
        on(t, "[method]descriptor.set-times", (s, a) -> fs(() -> {
            Descriptor d = res(a, 0, Descriptor.class);
            if (d.isDirectory() ? !d.mutate : !d.write) {
                throw Errno.fail(Errno.PERM);
            }
            SandboxFs.setTimes(d.hostPath, newTimestamp(s, a.get(1)), newTimestamp(s, a.get(2)), true);
            return null;
        }));
        on(t, "[method]descriptor.read", (s, a) -> fs(() -> {
            Descriptor d = file(res(a, 0, Descriptor.class));
            if (!d.read) {
                throw Errno.fail(Errno.BADF);
            }
            long offset = u64(a, 2);
            if (offset < 0) {
                throw Errno.fail(Errno.INVAL);
            }
            long size = d.channel.size();
            int want = (int) Math.min(chunk(u64(a, 1)), Math.max(0, size - offset));
            ByteBuffer buf = ByteBuffer.allocate(want);
            while (buf.hasRemaining()) {
                int n = d.channel.read(buf, offset + buf.position());
                if (n < 0) {
                    break;
                }
            }
            boolean eof = offset + buf.position() >= d.channel.size();
            return new ComponentValue.TupleValue(List.of(ComponentValue.u8List(buf.array(), 0, buf.position()),
                    new ComponentValue.Bool(eof)));
        }));
        on(t, "[method]descriptor.write", (s, a) -> fs(() -> {
            Descriptor d = file(res(a, 0, Descriptor.class));
            if (!d.write) {
                throw Errno.fail(Errno.BADF);
            }
            long offset = u64(a, 2);
            if (offset < 0) {
                throw Errno.fail(Errno.INVAL);
            }
            ByteBuffer buf = ((ComponentValue.ListValue) a.get(1)).asByteBuffer(); // a view, not a copy
            while (buf.hasRemaining()) {
                d.channel.write(buf, offset + buf.position());
            }
            return u64(buf.position());
        }));
        on(t, "[method]descriptor.read-directory", (s, a) -> fs(() -> {
            Descriptor d = dir(res(a, 0, Descriptor.class));
            return own(s, "directory-entry-stream", new DirectoryEntries(SandboxFs.list(d.root, d.components)));
        }));
        on(t, "[method]directory-entry-stream.read-directory-entry", (s, a) -> fs(() -> {
            DirectoryEntries e = res(a, 0, DirectoryEntries.class);
            if (e.next >= e.entries.size()) {
                return new ComponentValue.OptionValue(Optional.empty());
            }
            SandboxFs.Entry en = e.entries.get(e.next++);
            return some(new ComponentValue.RecordValue(List.of(new ComponentValue.Field("type", kind(en.kind())),
                    new ComponentValue.Field("name", new ComponentValue.Str(en.name())))));
        }));
        on(t, "[method]descriptor.create-directory-at", (s, a) -> fs(() -> {
            Descriptor d = mutableDir(res(a, 0, Descriptor.class));
            SandboxFs.createDirectory(at(d, str(a, 1), false));
            return null;
        }));
        on(t, "[method]descriptor.stat", (s, a) -> fs(() -> stat(statOf(res(a, 0, Descriptor.class)))));
        on(t, "[method]descriptor.stat-at", (s, a) -> fs(() -> {
            Descriptor d = dir(res(a, 0, Descriptor.class));
            return stat(SandboxFs.stat(at(d, str(a, 2), follow(a, 1)).host(), follow(a, 1), -1));
        }));
        on(t, "[method]descriptor.set-times-at", (s, a) -> fs(() -> {
            Descriptor d = mutableDir(res(a, 0, Descriptor.class));
            Sandbox.Resolved r = at(d, str(a, 2), follow(a, 1));
            if (Sandbox.attributes(r.host()) == null) {
                throw Errno.fail(Errno.NOENT);
            }
            SandboxFs.setTimes(r.host(), newTimestamp(s, a.get(3)), newTimestamp(s, a.get(4)), follow(a, 1));
            return null;
        }));
        on(t, "[method]descriptor.link-at", (s, a) -> fs(() -> {
            Descriptor from = dir(res(a, 0, Descriptor.class));
            Descriptor to = mutableDir(res(a, 3, Descriptor.class));
            SandboxFs.link(at(from, str(a, 2), follow(a, 1)), at(to, str(a, 4), false));
            return null;
        }));
        on(t, "[method]descriptor.open-at", (s, a) -> fs(() -> openAt(s, a)));
        on(t, "[method]descriptor.readlink-at", (s, a) -> fs(() -> {
            Descriptor d = dir(res(a, 0, Descriptor.class));
            return new ComponentValue.Str(SandboxFs.readlink(at(d, str(a, 1), false)));
        }));
        on(t, "[method]descriptor.remove-directory-at", (s, a) -> fs(() -> {
            Descriptor d = mutableDir(res(a, 0, Descriptor.class));
            SandboxFs.removeDirectory(at(d, str(a, 1), false));
            return null;
        }));
        on(t, "[method]descriptor.rename-at", (s, a) -> fs(() -> {
            Descriptor from = mutableDir(res(a, 0, Descriptor.class));
            Descriptor to = mutableDir(res(a, 2, Descriptor.class));
            SandboxFs.rename(at(from, str(a, 1), false), at(to, str(a, 3), false));
            return null;
        }));
        on(t, "[method]descriptor.symlink-at", (s, a) -> fs(() -> {
            Descriptor d = mutableDir(res(a, 0, Descriptor.class));
            String target = str(a, 1);
            SandboxFs.checkSymlinkTarget(target);
            SandboxFs.symlink(target, at(d, str(a, 2), false));
            return null;
        }));
        on(t, "[method]descriptor.unlink-file-at", (s, a) -> fs(() -> {
            Descriptor d = mutableDir(res(a, 0, Descriptor.class));
            SandboxFs.unlinkFile(at(d, str(a, 1), false));
            return null;
        }));
        on(t, "[method]descriptor.is-same-object", (s, a) -> {
            Descriptor x = res(a, 0, Descriptor.class);
            Descriptor y = res(a, 1, Descriptor.class);
            try {
                return new ComponentValue.Bool(x == y || Files.isSameFile(x.hostPath, y.hostPath));
            } catch (IOException e) {
                return new ComponentValue.Bool(false);
            }
        });
        on(t, "[method]descriptor.metadata-hash", (s, a) -> fs(() -> hash(s, statOf(res(a, 0, Descriptor.class)))));
        on(t, "[method]descriptor.metadata-hash-at", (s, a) -> fs(() -> {
            Descriptor d = dir(res(a, 0, Descriptor.class));
            return hash(s, SandboxFs.stat(at(d, str(a, 2), follow(a, 1)).host(), follow(a, 1), -1));
        }));
        on(t, "filesystem-error-code", (s, a) -> {
            IoError e = res(a, 0, IoError.class);
            return new ComponentValue.OptionValue(e.errno >= 0 ? Optional.of(errorCode(e.errno)) : Optional.empty());
        });
        on("wasi:filesystem/preopens", "get-directories", (s, a) -> {
            List<ComponentValue> out = new ArrayList<>();
            for (Sandbox.Root root : s.roots) {
                out.add(new ComponentValue.TupleValue(List.of(
                        own(s, "descriptor", Descriptor.directory(root, List.of())),
                        new ComponentValue.Str(root.guestPath()))));
            }
            return new ComponentValue.ListValue(out);
        });
    }

    /**
     * {@code open-at}: below a read-only grant nothing may be created, truncated or opened for writing
     * ({@code not-permitted}, as wasmtime answers); a directory opened from a directory inherits what its parent
     * may do.
     */
    private ComponentValue openAt(HostState s, List<ComponentValue> a) throws IOException {
        Descriptor d = dir(res(a, 0, Descriptor.class));
        boolean follow = follow(a, 1);
        String path = str(a, 2);
        Set<String> oflags = flags(a, 3);
        Set<String> dflags = flags(a, 4);
        boolean create = oflags.contains("create");
        boolean truncate = oflags.contains("truncate");
        boolean write = dflags.contains("write");
        if (!d.mutate && (create || truncate || write || dflags.contains("mutate-directory"))) {
            throw Errno.fail(Errno.PERM);
        }
        Sandbox.Resolved r = at(d, path, follow);
        boolean fileSync = dflags.contains("file-integrity-sync");
        boolean dataSync = dflags.contains("data-integrity-sync");
        SandboxFs.Opened opened = SandboxFs.open(r, new SandboxFs.OpenRequest(create, oflags.contains("exclusive"),
                truncate, oflags.contains("directory"), dflags.contains("read"), write, false, fileSync, dataSync));
        Descriptor nd = switch (opened) {
            case SandboxFs.Opened.Directory dir -> Descriptor.directory(d.root, dir.place().components());
            case SandboxFs.Opened.File f -> Descriptor.file(d.root, r.components(), f.channel(), f.hostPath(),
                    dflags.contains("read"), write, fileSync, dataSync, dflags.contains("requested-write-sync"));
        };
        return own(s, "descriptor", nd);
    }
}
