package dev.basalt.wasi.preview2.internal;

import static dev.basalt.wasi.preview2.internal.SocketsHost.code;
import static dev.basalt.wasi.preview2.internal.SocketsHost.isIpv6;
import static dev.basalt.wasi.preview2.internal.SocketsHost.net;
import static dev.basalt.wasi.preview2.internal.SocketsHost.socketAddress;
import static dev.basalt.wasi.preview2.internal.WasiHost.err;
import static dev.basalt.wasi.preview2.internal.WasiHost.res;
import static dev.basalt.wasi.preview2.internal.WasiHostP3.adapt;
import static dev.basalt.wasi.preview2.internal.WasiHostP3.done;
import static dev.basalt.wasi.preview2.internal.WasiHostP3.element;

import dev.basalt.Store;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.CopyResult;
import dev.basalt.component.FutureWriter;
import dev.basalt.component.StreamReader;
import dev.basalt.component.StreamWriter;
import dev.basalt.component.ValueType;
import dev.basalt.wasi.preview2.internal.SocketResources.ChannelHold;
import dev.basalt.wasi.preview2.internal.SocketResources.TcpSocket;
import dev.basalt.wasi.preview2.internal.SocketResources.TcpSocket.State;
import dev.basalt.wasi.preview2.internal.SocketResources.UdpSocket;
import dev.basalt.wasi.preview2.internal.WasiHostP3.Call;
import dev.basalt.wasi.preview2.internal.WasiHostP3.Impl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * wasi:sockets@0.3.0: {@code wasi:sockets/types} (TCP and UDP sockets) and {@code wasi:sockets/ip-name-lookup}, on
 * the component model's host async API, under the same grants as the 0.2 host ({@link dev.basalt.wasi.WasiConfig}'s
 * TCP connect/listen, UDP bind/send and name-lookup permissions: anything else is {@code access-denied} before a
 * packet leaves). The sockets are the 0.2 host's resources ({@link SocketResources}) and every check, bind,
 * connect, listen and send is {@link SocketsHost}'s; the getters and options run the 0.2 functions themselves.
 * What 0.3 changed is here:
 * <ul>
 * <li>{@code connect}, {@code udp-socket.receive} and {@code resolve-addresses} are async host functions whose
 * blocking work runs on a virtual thread while the guest's other tasks go on (0.3 channels are blocking; they are
 * never registered with 0.2's selector);
 * <li>{@code listen} returns a {@code stream<tcp-socket>}: a virtual thread accepts one connection at a time, only
 * when the guest took the previous one;
 * <li>{@code send} reads the guest's {@code stream<u8>} and writes it to the connection (a guest that drops the
 * stream ends its data: the connection's sending side is shut down, and the returned future says how it went);
 * {@code receive} copies the connection into a {@code stream<u8>} as fast as the guest reads (a guest that drops
 * it stops the copy at once, without waiting for the peer or an event-loop turn: {@link StreamWriter#readerDropped};
 * the peer closing ends the stream). Each may be called once per socket.
 * </ul>
 * Streams outlive the socket handle (the WIT's shared ownership): each pump holds the channel
 * ({@link ChannelHold}) until it ends; the guest's state closes whatever is left, and its pumps then end (a copy
 * they wait for would only complete when the store's event loop runs again). An accepted connection beyond
 * the guest's socket limit is closed at once.
 */
public final class SocketsHostP3 {
    static final String VERSION = "0.3.0";
    static final String TYPES = "wasi:sockets/types";
    static final String IP_NAME_LOOKUP = "wasi:sockets/ip-name-lookup";
    static final List<String> INTERFACES = List.of(TYPES, IP_NAME_LOOKUP);

    /** A pump moves at most this many bytes per copy. */
    static final int CHUNK = 64 * 1024;

    /** The cases of ip-name-lookup's {@code error-code} without payload (anything else is {@code other}). */
    private static final Set<String> LOOKUP_CODES = Set.of("access-denied", "invalid-argument", "name-unresolvable",
            "temporary-resolver-failure", "permanent-resolver-failure");

    private static final Executor THREADS = Executors.newVirtualThreadPerTaskExecutor();

    /** The 0.2 host: its resource types, handles and the getters and options 0.3 kept. */
    private final WasiHost p2 = new WasiHost();
    private final Map<String, Impl> impls = new HashMap<>();

    public SocketsHostP3() {
        registerTcp();
        registerUdp();
        on(IP_NAME_LOOKUP, "resolve-addresses", (c, a) -> {
            HostState s = c.s();
            String name = ((ComponentValue.Str) a.get(0)).value();
            return CompletableFuture.supplyAsync(() -> resolveAddresses(s, name), THREADS);
        });
    }

    /** Defines {@code wasi:sockets/types@0.3.0} and {@code wasi:sockets/ip-name-lookup@0.3.0} in {@code linker}. */
    public <T> void define(ComponentLinker<T> linker, java.util.function.Function<Store<T>, HostState> state) {
        WasiHostP3.defineAll(linker, state, p2, INTERFACES, impls);
    }

    private void on(String iface, String function, Impl impl) {
        if (impls.put(iface + "#" + function, impl) != null) {
            throw new IllegalStateException("defined twice: " + iface + "#" + function);
        }
    }

    /** 0.3's {@code get-x} / {@code set-x} of {@code resource} run the 0.2 {@code x} / {@code set-x}. */
    private void delegateAccessors(String resource, String iface2, List<String> names) {
        for (String name : names) {
            String p2Name = name.startsWith("get-") ? name.substring(4) : name;
            on(TYPES, "[method]" + resource + "." + name,
                    WasiHostP3.delegating(p2, iface2, "[method]" + resource + "." + p2Name));
        }
    }

    /** The outcome of a socket operation (an error-code if it failed) as the function's 0.3 result, at once. */
    private static CompletionStage<ComponentValue> now(Call c, SocketsHost.NetOp op) {
        return done(adapt(net(op), c.resultType()));
    }

    private static boolean isOk(ComponentValue result) {
        return ((ComponentValue.ResultValue) result).ok();
    }

    /** Writes {@code value} to the future and drops it once the guest took it (or dropped its end). */
    private static void finish(FutureWriter result, ComponentValue value) {
        result.write(value).whenComplete((ok, e) -> result.close());
    }

    private static ComponentValue invalidState(ValueType resultType) {
        return adapt(err(code("invalid-state")), resultType);
    }

    private static InetSocketAddress wildcard(boolean ipv6) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]), 0);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    // ---------------------------------------------------------------- tcp

    private void registerTcp() {
        String t = TYPES;
        on(t, "[static]tcp-socket.create", (c, a) -> now(c,
                () -> p2.own(c.s(), "tcp-socket", SocketsHost.newTcp(c.s(), isIpv6(a.get(0)), true))));
        on(t, "[method]tcp-socket.bind", (c, a) -> now(c, () -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            SocketsHost.bindTcp(c.s(), sock, socketAddress(a.get(1)));
            sock.state = State.BOUND;
            return null;
        }));
        on(t, "[method]tcp-socket.connect", this::connect);
        on(t, "[method]tcp-socket.listen", this::listen);
        on(t, "[method]tcp-socket.send", this::send);
        on(t, "[method]tcp-socket.receive", this::receive);
        delegateAccessors("tcp-socket", "wasi:sockets/tcp", List.of("get-local-address", "get-remote-address",
                "get-is-listening", "get-address-family", "set-listen-backlog-size", "get-keep-alive-enabled",
                "set-keep-alive-enabled", "get-keep-alive-idle-time", "set-keep-alive-idle-time",
                "get-keep-alive-interval", "set-keep-alive-interval", "get-keep-alive-count", "set-keep-alive-count",
                "get-hop-limit", "set-hop-limit", "get-receive-buffer-size", "set-receive-buffer-size",
                "get-send-buffer-size", "set-send-buffer-size"));
    }

    /**
     * {@code connect}: the checks (state, address, grant) at once, then a blocking connect on a virtual thread. A
     * guest that cancels the call closes the socket (the WIT's {@code closed} state after a failed connect).
     */
    private CompletionStage<ComponentValue> connect(Call c, List<ComponentValue> a) {
        TcpSocket sock = res(a, 0, TcpSocket.class);
        ValueType resultType = c.resultType();
        InetSocketAddress[] remote = new InetSocketAddress[1];
        ComponentValue checked = net(() -> {
            remote[0] = socketAddress(a.get(1));
            SocketsHost.checkConnect(c.s(), sock, remote[0]);
            return null;
        });
        if (!isOk(checked)) {
            return done(adapt(checked, resultType));
        }
        sock.state = State.CONNECTING;
        CompletableFuture<ComponentValue> outcome = CompletableFuture.supplyAsync(() -> adapt(net(() -> {
            try {
                sock.socket().connect(remote[0]);
            } catch (IOException | RuntimeException e) {
                sock.state = State.CLOSED;
                throw e;
            }
            sock.state = State.CONNECTED;
            return null;
        }), resultType), THREADS);
        outcome.whenComplete((v, e) -> {
            if (e instanceof CancellationException) {
                sock.state = State.CLOSED;
                try {
                    sock.socket().close();
                } catch (IOException ignored) {
                    // closing a socket whose connect was abandoned: nothing else to do
                }
            }
        });
        return outcome;
    }

    /** {@code listen}: binds an unbound socket to an ephemeral port (under a listen grant) and starts accepting. */
    private CompletionStage<ComponentValue> listen(Call c, List<ComponentValue> a) {
        TcpSocket sock = res(a, 0, TcpSocket.class);
        HostState s = c.s();
        ValueType streamType = ((ValueType.ResultType) c.resultType()).ok().orElseThrow();
        return now(c, () -> {
            if (sock.state == State.UNBOUND) {
                SocketsHost.bindTcp(s, sock, wildcard(sock.ipv6));
                sock.state = State.BOUND;
            }
            SocketsHost.listen(sock, true);
            sock.state = State.LISTENING;
            StreamWriter connections = StreamWriter.create(c.store(), element(streamType));
            acceptLoop(s, sock, connections);
            return connections.readableEnd();
        });
    }

    /**
     * Accepts connections into {@code connections} on a virtual thread, the next only once the guest took the
     * previous one; ends when the guest drops the stream or the listening channel closes.
     */
    private void acceptLoop(HostState s, TcpSocket listener, StreamWriter connections) {
        ChannelHold hold = ChannelHold.of(s, listener.shared);
        ServerSocketChannel server = (ServerSocketChannel) listener.shared.channel;
        Thread.ofVirtual().name("basalt-wasi-p3-accept").start(() -> {
            try {
                while (true) {
                    SocketChannel ch = server.accept();
                    TcpSocket accepted;
                    try {
                        SocketsHost.checkSocketLimit(s);
                        accepted = SocketsHost.accepted(listener, ch, true);
                    } catch (SocketsHost.Failure | IOException e) {
                        ch.close(); // over the guest's socket limit: refused, as by a full backlog
                        continue;
                    }
                    ComponentValue own = p2.own(s, "tcp-socket", accepted);
                    CopyResult r = hold.await(connections.write(List.of(own)));
                    if (r == null || r.count() == 0) {
                        HostResources.drop(((ComponentValue.Own) own).handle().rep());
                    }
                    if (r == null || r.status() != CopyResult.Status.COMPLETED) {
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the listening channel closed (the guest dropped the socket and the stream, or its state closed)
            } finally {
                connections.close();
                hold.release();
            }
        });
    }

    /**
     * {@code send}: writes what the guest writes to its stream to the connection, on a virtual thread that reads
     * the next chunk only once the last is written (backpressure to the guest). The guest dropping the stream ends
     * the data: the sending side is shut down and the future resolves {@code ok}; a failure resolves it with the
     * error-code (and drops the stream: the guest's writes see the reader gone).
     */
    private CompletionStage<ComponentValue> send(Call c, List<ComponentValue> a) {
        TcpSocket sock = res(a, 0, TcpSocket.class);
        ValueType resultType = element(c.resultType()).orElseThrow();
        FutureWriter result = FutureWriter.create(c.store(), Optional.of(resultType));
        StreamReader data = StreamReader.of(c.store(), a.get(1));
        if (sock.state != State.CONNECTED || sock.sendTaken) {
            data.close();
            finish(result, invalidState(resultType));
            return done(result.readableEnd());
        }
        sock.sendTaken = true;
        ChannelHold hold = ChannelHold.of(c.s(), sock.shared);
        SocketChannel ch = sock.socket();
        Thread.ofVirtual().name("basalt-wasi-p3-send").start(() -> {
            ComponentValue outcome = net(() -> {
                try {
                    while (true) {
                        CopyResult r = hold.await(data.read(CHUNK));
                        if (r == null) {
                            return null; // the guest's state closed (and with it the connection)
                        }
                        ByteBuffer buf = ByteBuffer.wrap(r.bytes());
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                        if (r.status() != CopyResult.Status.COMPLETED) {
                            break;
                        }
                    }
                    ch.shutdownOutput();
                } finally {
                    data.close();
                }
                return null;
            });
            hold.release();
            finish(result, adapt(outcome, resultType));
        });
        return done(result.readableEnd());
    }

    /**
     * {@code receive}: copies the connection into a {@code stream<u8>} on a virtual thread, reading the next chunk
     * only once the guest took the last. The peer closing ends the stream and resolves the future {@code ok}; the
     * guest dropping the stream stops the copy (and shuts down the receiving side); a failure ends the stream and
     * resolves the future with the error-code.
     */
    private CompletionStage<ComponentValue> receive(Call c, List<ComponentValue> a) {
        TcpSocket sock = res(a, 0, TcpSocket.class);
        ValueType.TupleType tt = (ValueType.TupleType) c.resultType();
        ValueType resultType = element(tt.types().get(1)).orElseThrow();
        FutureWriter result = FutureWriter.create(c.store(), Optional.of(resultType));
        StreamWriter data = StreamWriter.bytes(c.store());
        ComponentValue ends = new ComponentValue.TupleValue(List.of(data.readableEnd(), result.readableEnd()));
        if (sock.state != State.CONNECTED || sock.receiveTaken) {
            data.close();
            finish(result, invalidState(resultType));
            return done(ends);
        }
        sock.receiveTaken = true;
        ChannelHold hold = ChannelHold.of(c.s(), sock.shared);
        SocketChannel ch = sock.socket();
        // The guest dropping the stream ends the copy at once, also while the pump waits for the peer and nothing
        // drives the event loop: shutting down the receiving side ends the read in progress.
        data.readerDropped().thenRun(() -> {
            try {
                ch.shutdownInput();
            } catch (IOException e) {
                // the connection is closed already: the pump ends anyway
            }
        });
        Thread.ofVirtual().name("basalt-wasi-p3-receive").start(() -> {
            ComponentValue outcome = net(() -> {
                ByteBuffer buf = ByteBuffer.allocate(CHUNK);
                try {
                    while (true) {
                        buf.clear();
                        int n = ch.read(buf);
                        if (n < 0) {
                            break;
                        }
                        CopyResult r = hold.await(data.writeAll(Arrays.copyOf(buf.array(), n)));
                        if (r == null) {
                            break; // the guest's state closed (and with it the connection)
                        }
                        if (r.status() != CopyResult.Status.COMPLETED) {
                            ch.shutdownInput(); // nobody reads any more
                            break;
                        }
                    }
                } finally {
                    data.close();
                }
                return null;
            });
            hold.release();
            finish(result, adapt(outcome, resultType));
        });
        return done(ends);
    }

    // ---------------------------------------------------------------- udp

    private void registerUdp() {
        String t = TYPES;
        on(t, "[static]udp-socket.create", (c, a) -> now(c,
                () -> p2.own(c.s(), "udp-socket", SocketsHost.newUdp(c.s(), isIpv6(a.get(0)), true))));
        on(t, "[method]udp-socket.bind", (c, a) -> now(c, () -> {
            UdpSocket sock = res(a, 0, UdpSocket.class);
            SocketsHost.bindUdp(c.s(), sock, socketAddress(a.get(1)));
            sock.bound = true;
            return null;
        }));
        // connecting and sending bind an unbound socket to an ephemeral port (the JDK does it), which the UDP_SEND
        // grant they need covers (as an explicit bind to port 0 under a send grant)
        on(t, "[method]udp-socket.connect", (c, a) -> now(c, () -> {
            UdpSocket sock = res(a, 0, UdpSocket.class);
            SocketsHost.connectUdp(c.s(), sock, socketAddress(a.get(1)));
            sock.bound = true;
            return null;
        }));
        on(t, "[method]udp-socket.disconnect", (c, a) -> now(c, () -> {
            UdpSocket sock = res(a, 0, UdpSocket.class);
            if (sock.remote == null) {
                throw SocketsHost.fail("invalid-state");
            }
            SocketsHost.connectUdp(c.s(), sock, null);
            return null;
        }));
        on(t, "[method]udp-socket.send", (c, a) -> now(c, () -> {
            UdpSocket sock = res(a, 0, UdpSocket.class);
            SocketsHost.send(c.s(), sock, new ComponentValue.RecordValue(List.of(
                    new ComponentValue.Field("data", a.get(1)),
                    new ComponentValue.Field("remote-address", a.get(2)))));
            sock.bound = true;
            return null;
        }));
        on(t, "[method]udp-socket.receive", this::receiveDatagram);
        delegateAccessors("udp-socket", "wasi:sockets/udp", List.of("get-local-address", "get-remote-address",
                "get-address-family", "get-unicast-hop-limit", "set-unicast-hop-limit", "get-receive-buffer-size",
                "set-receive-buffer-size", "get-send-buffer-size", "set-send-buffer-size"));
    }

    /**
     * {@code udp-socket.receive}: one datagram, received on a virtual thread. A receive the guest cancelled keeps
     * running as the socket's pending receive, whose datagram the next call gets (none is lost).
     */
    private CompletionStage<ComponentValue> receiveDatagram(Call c, List<ComponentValue> a) {
        UdpSocket sock = res(a, 0, UdpSocket.class);
        ValueType resultType = c.resultType();
        if (!sock.bound) {
            return done(invalidState(resultType));
        }
        CompletableFuture<ComponentValue> pending;
        synchronized (sock) {
            if (sock.pendingReceive == null) {
                sock.pendingReceive = CompletableFuture.supplyAsync(() -> net(() -> {
                    ByteBuffer buf = ByteBuffer.allocate(65_536);
                    InetSocketAddress from = (InetSocketAddress) sock.channel().receive(buf);
                    return new ComponentValue.TupleValue(List.of(
                            ComponentValue.u8List(buf.array(), 0, buf.position()),
                            SocketsHost.socketAddress(from, sock.ipv6)));
                }), THREADS);
            }
            pending = sock.pendingReceive;
        }
        // not run for a call the guest cancelled: the datagram stays pending for the next one
        return pending.thenApply(v -> {
            synchronized (sock) {
                if (sock.pendingReceive == pending) {
                    sock.pendingReceive = null;
                }
            }
            return adapt(v, resultType);
        });
    }

    // ---------------------------------------------------------------- ip-name-lookup

    /** {@code resolve-addresses}: the addresses of {@code name}, or the error-code. */
    static ComponentValue resolveAddresses(HostState s, String name) {
        try {
            List<InetAddress> addresses = SocketsHost.resolve(s, name);
            return WasiHost.ok(new ComponentValue.ListValue(addresses.stream().map(SocketsHost::ipAddress).toList()));
        } catch (SocketsHost.Failure f) {
            return WasiHost.err(lookupError(f.code));
        } catch (IOException e) {
            // a malformed IP literal
            return WasiHost.err(lookupError("invalid-argument"));
        }
    }

    private static ComponentValue lookupError(String code) {
        return LOOKUP_CODES.contains(code) ? new ComponentValue.VariantValue(code, Optional.empty())
                : new ComponentValue.VariantValue("other", Optional.of(new ComponentValue.OptionValue(
                        Optional.of(new ComponentValue.Str(code)))));
    }
}
