package dev.basalt.wasi.preview2.internal;

import static dev.basalt.wasi.preview2.internal.WasiHost.err;
import static dev.basalt.wasi.preview2.internal.WasiHost.ok;
import static dev.basalt.wasi.preview2.internal.WasiHost.res;
import static dev.basalt.wasi.preview2.internal.WasiHost.u64;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.component.ComponentValue;
import dev.basalt.wasi.WasiConfig.SocketUse;
import dev.basalt.wasi.preview2.internal.HostResources.Pollable;
import dev.basalt.wasi.preview2.internal.SocketResources.IncomingDatagrams;
import dev.basalt.wasi.preview2.internal.SocketResources.Network;
import dev.basalt.wasi.preview2.internal.SocketResources.OutgoingDatagrams;
import dev.basalt.wasi.preview2.internal.SocketResources.ResolvedAddresses;
import dev.basalt.wasi.preview2.internal.SocketResources.Shared;
import dev.basalt.wasi.preview2.internal.SocketResources.TcpIn;
import dev.basalt.wasi.preview2.internal.SocketResources.TcpOut;
import dev.basalt.wasi.preview2.internal.SocketResources.TcpSocket;
import dev.basalt.wasi.preview2.internal.SocketResources.TcpSocket.State;
import dev.basalt.wasi.preview2.internal.SocketResources.UdpSocket;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * wasi:sockets 0.2 (instance-network, network, tcp-create-socket, tcp, udp-create-socket, udp, ip-name-lookup)
 * over Java NIO, registered into {@link WasiHost}. A guest gets exactly the network its
 * {@link dev.basalt.wasi.WasiConfig} grants: every bind, connect, send and name lookup is checked against the
 * grants and answers {@code access-denied} outside them. Channels are non-blocking throughout; the WIT's
 * start-/finish- pairs and pollables wait in the guest's {@link NetPoll}.
 *
 * <p>Limits of the JVM: the unicast hop limit (TTL) can be read (the system default) but not changed
 * ({@code not-supported} for another value); the listen backlog cannot change once listening
 * ({@code not-supported}); TCP binding and listening are one step in NIO, so {@code start-listen} re-binds the
 * bound address on a listening channel (options set before are carried over, and on to accepted connections).
 * Name lookup resolves in {@code resolve-addresses} (blocking the guest meanwhile); its stream is then always
 * ready. A guest blocked on a socket waits in a selector: interrupting its thread ends the wait with a trap
 * ({@code Store.interrupt()} alone does not wake it).
 */
final class SocketsHost {
    static final List<String> INTERFACES = List.of("wasi:sockets/network", "wasi:sockets/instance-network",
            "wasi:sockets/tcp", "wasi:sockets/tcp-create-socket", "wasi:sockets/udp",
            "wasi:sockets/udp-create-socket", "wasi:sockets/ip-name-lookup");
    static final List<String> RESOURCES = List.of("network", "tcp-socket", "udp-socket", "incoming-datagram-stream",
            "outgoing-datagram-stream", "resolve-address-stream");

    /** At most this many datagrams per {@code receive} or {@code check-send} (a guest's count is not a size). */
    static final int MAX_DATAGRAMS = 64;
    /** The largest UDP payload (IPv4: 65535 - 8 UDP - 20 IP header bytes). */
    static final int MAX_DATAGRAM = 65_507;

    private final WasiHost host;

    private SocketsHost(WasiHost host) {
        this.host = host;
    }

    /** Adds the functions of wasi:sockets to {@code host} (which lists {@link #INTERFACES} and {@link #RESOURCES}). */
    static void register(WasiHost host) {
        SocketsHost h = new SocketsHost(host);
        h.registerNetwork();
        h.registerTcp();
        h.registerUdp();
        h.registerLookup();
    }

    // ---------------------------------------------------------------- failures

    /** A wasi:sockets {@code error-code} raised inside an operation. */
    static final class Failure extends RuntimeException {
        final String code;

        Failure(String code) {
            super(code, null, false, false);
            this.code = code;
        }
    }

    static Failure fail(String code) {
        return new Failure(code);
    }

    @FunctionalInterface
    interface NetOp {
        ComponentValue run() throws IOException;
    }

    /** Runs an operation whose failure is an {@code error-code}: never a host exception for the guest. */
    static ComponentValue net(NetOp op) {
        try {
            return ok(op.run());
        } catch (Failure f) {
            return err(code(f.code));
        } catch (IOException e) {
            return err(code(codeOf(e)));
        } catch (AlreadyBoundException | AlreadyConnectedException | ConnectionPendingException
                 | NotYetBoundException | NotYetConnectedException e) {
            return err(code("invalid-state"));
        } catch (IllegalArgumentException e) {
            // includes UnresolvedAddressException and UnsupportedAddressTypeException
            return err(code("invalid-argument"));
        } catch (UnsupportedOperationException e) {
            return err(code("not-supported"));
        } catch (SecurityException e) {
            return err(code("access-denied"));
        }
    }

    static ComponentValue code(String label) {
        return new ComponentValue.EnumValue(label);
    }

    /** The {@code error-code} of a host I/O failure (the JDK reports the errno as strerror() text). */
    static String codeOf(IOException e) {
        String m = String.valueOf(e.getMessage());
        if (e instanceof ConnectException) {
            return m.contains("timed out") ? "timeout" : m.contains("unreachable") ? "remote-unreachable"
                    : "connection-refused";
        }
        if (e instanceof PortUnreachableException) {
            return "connection-refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "remote-unreachable";
        }
        if (e instanceof SocketTimeoutException) {
            return "timeout";
        }
        if (e instanceof BindException) {
            return m.contains("in use") ? "address-in-use" : m.contains("Permission denied") ? "access-denied"
                    : "address-not-bindable";
        }
        if (e instanceof ClosedChannelException) {
            return "invalid-state";
        }
        if (m.contains("Connection reset")) {
            return "connection-reset";
        }
        if (m.contains("Broken pipe") || m.contains("aborted")) {
            return "connection-aborted";
        }
        if (m.contains("unreachable")) {
            return "remote-unreachable";
        }
        if (m.contains("Message too long")) {
            return "datagram-too-large";
        }
        if (m.contains("Too many open files")) {
            return "new-socket-limit";
        }
        return "unknown";
    }

    // ---------------------------------------------------------------- addresses

    static boolean isIpv6(ComponentValue family) {
        return ((ComponentValue.EnumValue) family).label().equals("ipv6");
    }

    static ComponentValue family(boolean ipv6) {
        return new ComponentValue.EnumValue(ipv6 ? "ipv6" : "ipv4");
    }

    /** An {@code ip-socket-address} as a Java address (never a DNS lookup). */
    static InetSocketAddress socketAddress(ComponentValue v) {
        ComponentValue.VariantValue var = (ComponentValue.VariantValue) v;
        ComponentValue.RecordValue rec = (ComponentValue.RecordValue) var.payload().orElseThrow();
        int port = ((ComponentValue.U16) rec.get("port").orElseThrow()).value();
        List<ComponentValue> parts = ((ComponentValue.TupleValue) rec.get("address").orElseThrow()).elements();
        try {
            if (var.caseName().equals("ipv4")) {
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    b[i] = (byte) ((ComponentValue.U8) parts.get(i)).value();
                }
                return new InetSocketAddress(InetAddress.getByAddress(b), port);
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                int w = ((ComponentValue.U16) parts.get(i)).value();
                b[2 * i] = (byte) (w >>> 8);
                b[2 * i + 1] = (byte) w;
            }
            int scope = (int) ((ComponentValue.U32) rec.get("scope-id").orElseThrow()).value();
            // getByAddress turns an IPv4-mapped IPv6 address into an Inet4Address; keep the guest's family.
            InetAddress a = scope != 0 || isV4Mapped(b) ? Inet6Address.getByAddress(null, b, scope)
                    : InetAddress.getByAddress(b);
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    static ComponentValue ipAddress(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return new ComponentValue.VariantValue("ipv4", Optional.of(v4Tuple(b)));
        }
        return new ComponentValue.VariantValue("ipv6", Optional.of(v6Tuple(b)));
    }

    private static ComponentValue v4Tuple(byte[] b) {
        List<ComponentValue> t = new ArrayList<>();
        for (byte x : b) {
            t.add(new ComponentValue.U8(x & 0xff));
        }
        return new ComponentValue.TupleValue(t);
    }

    private static ComponentValue v6Tuple(byte[] b) {
        List<ComponentValue> t = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            t.add(new ComponentValue.U16(((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff)));
        }
        return new ComponentValue.TupleValue(t);
    }

    /** A Java socket address as an {@code ip-socket-address} of the socket's family. */
    static ComponentValue socketAddress(InetSocketAddress a, boolean ipv6) {
        byte[] b = a.getAddress().getAddress();
        if (ipv6 && b.length == 4) {
            byte[] m = new byte[16];
            m[10] = (byte) 0xff;
            m[11] = (byte) 0xff;
            System.arraycopy(b, 0, m, 12, 4);
            b = m;
        }
        ComponentValue.Field port = new ComponentValue.Field("port", new ComponentValue.U16(a.getPort()));
        if (b.length == 4) {
            return new ComponentValue.VariantValue("ipv4", Optional.of(new ComponentValue.RecordValue(List.of(
                    port, new ComponentValue.Field("address", v4Tuple(b))))));
        }
        int scope = a.getAddress() instanceof Inet6Address i6 ? Math.max(0, i6.getScopeId()) : 0;
        return new ComponentValue.VariantValue("ipv6", Optional.of(new ComponentValue.RecordValue(List.of(
                port, new ComponentValue.Field("flow-info", new ComponentValue.U32(0)),
                new ComponentValue.Field("address", v6Tuple(b)),
                new ComponentValue.Field("scope-id", new ComponentValue.U32(scope & 0xffffffffL))))));
    }

    /** The address must be of the socket's family, and an IPv6 socket takes no IPv4-mapped address. */
    static void checkFamily(InetSocketAddress a, boolean ipv6) {
        boolean v6 = a.getAddress() instanceof Inet6Address;
        if (v6 != ipv6 || (v6 && isV4Mapped(a.getAddress().getAddress()))) {
            throw fail("invalid-argument");
        }
    }

    /** A remote address to connect or send to: a unicast address of the family, with a port. */
    static void checkRemote(InetSocketAddress a, boolean ipv6) {
        checkFamily(a, ipv6);
        InetAddress ip = a.getAddress();
        if (a.getPort() == 0 || ip.isAnyLocalAddress() || ip.isMulticastAddress()
                || (ip instanceof Inet4Address && Arrays.equals(ip.getAddress(), new byte[] {-1, -1, -1, -1}))) {
            throw fail("invalid-argument");
        }
    }

    static void checkNetwork(List<ComponentValue> a, int i) {
        res(a, i, Network.class);
    }

    // ---------------------------------------------------------------- network, instance-network

    private void registerNetwork() {
        host.on("wasi:sockets/instance-network", "instance-network", (s, a) -> host.own(s, "network", new Network()));
    }

    // ---------------------------------------------------------------- tcp

    private static String tcp(String method) {
        return "[method]tcp-socket." + method;
    }

    private static SocketChannel openTcp(boolean ipv6, boolean blocking) throws IOException {
        SocketChannel ch = SocketChannel.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.configureBlocking(blocking);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    private void registerTcp() {
        String t = "wasi:sockets/tcp";
        host.on("wasi:sockets/tcp-create-socket", "create-tcp-socket",
                (s, a) -> net(() -> host.own(s, "tcp-socket", newTcp(s, isIpv6(a.get(0)), false))));
        host.on(t, tcp("start-bind"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            checkNetwork(a, 1);
            bindTcp(s, sock, socketAddress(a.get(2)));
            sock.state = State.BIND_STARTED;
            return null;
        }));
        host.on(t, tcp("finish-bind"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            if (sock.state != State.BIND_STARTED) {
                throw fail("not-in-progress");
            }
            sock.state = State.BOUND;
            return null;
        }));
        host.on(t, tcp("start-connect"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            checkNetwork(a, 1);
            InetSocketAddress remote = socketAddress(a.get(2));
            checkConnect(s, sock, remote);
            sock.connectedEarly = sock.socket().connect(remote);
            sock.state = State.CONNECTING;
            return null;
        }));
        host.on(t, tcp("finish-connect"), (s, a) -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            return net(() -> {
                if (sock.state != State.CONNECTING) {
                    throw fail("not-in-progress");
                }
                try {
                    if (!sock.connectedEarly && !sock.socket().finishConnect()) {
                        throw fail("would-block");
                    }
                } catch (IOException e) {
                    sock.state = State.CLOSED;
                    throw e;
                }
                sock.state = State.CONNECTED;
                return new ComponentValue.TupleValue(List.of(host.own(s, "input-stream", new TcpIn(sock.shared)),
                        host.own(s, "output-stream", new TcpOut(sock.shared))));
            });
        });
        host.on(t, tcp("start-listen"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            listen(sock, false);
            sock.state = State.LISTEN_STARTED;
            return null;
        }));
        host.on(t, tcp("finish-listen"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            if (sock.state != State.LISTEN_STARTED) {
                throw fail("not-in-progress");
            }
            sock.state = State.LISTENING;
            return null;
        }));
        host.on(t, tcp("accept"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            if (sock.state != State.LISTENING) {
                throw fail("invalid-state");
            }
            // At the limit the connection stays in the backlog until the guest drops a socket.
            checkSocketLimit(s);
            SocketChannel c = ((ServerSocketChannel) sock.shared.channel).accept();
            if (c == null) {
                throw fail("would-block");
            }
            TcpSocket accepted = accepted(sock, c, false);
            ComponentValue own = host.own(s, "tcp-socket", accepted);
            return new ComponentValue.TupleValue(List.of(own,
                    host.own(s, "input-stream", new TcpIn(accepted.shared)),
                    host.own(s, "output-stream", new TcpOut(accepted.shared))));
        }));
        host.on(t, tcp("local-address"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            if (sock.state == State.UNBOUND || sock.state == State.CLOSED) {
                throw fail("invalid-state");
            }
            InetSocketAddress local = (InetSocketAddress) sock.shared.channel.getLocalAddress();
            if (local == null) {
                throw fail("invalid-state");
            }
            return socketAddress(local, sock.ipv6);
        }));
        host.on(t, tcp("remote-address"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            if (sock.state != State.CONNECTED) {
                throw fail("invalid-state");
            }
            return socketAddress((InetSocketAddress) sock.socket().getRemoteAddress(), sock.ipv6);
        }));
        host.on(t, tcp("is-listening"),
                (s, a) -> new ComponentValue.Bool(res(a, 0, TcpSocket.class).state == State.LISTENING));
        host.on(t, tcp("address-family"), (s, a) -> family(res(a, 0, TcpSocket.class).ipv6));
        host.on(t, tcp("set-listen-backlog-size"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            long v = u64(a, 1);
            if (v == 0) {
                throw fail("invalid-argument");
            }
            if (sock.state == State.CONNECTING || sock.state == State.CONNECTED) {
                throw fail("invalid-state");
            }
            if (sock.state == State.LISTEN_STARTED || sock.state == State.LISTENING) {
                throw fail("not-supported");
            }
            sock.backlog = (int) Math.min(v < 0 ? Integer.MAX_VALUE : v, Integer.MAX_VALUE);
            return null;
        }));
        host.on(t, tcp("keep-alive-enabled"), (s, a) -> net(() -> new ComponentValue.Bool(
                tcpGet(a, StandardSocketOptions.SO_KEEPALIVE))));
        host.on(t, tcp("set-keep-alive-enabled"), (s, a) -> net(() -> {
            tcpSet(a, StandardSocketOptions.SO_KEEPALIVE, ((ComponentValue.Bool) a.get(1)).value());
            return null;
        }));
        host.on(t, tcp("keep-alive-idle-time"), (s, a) -> net(() -> u64(
                tcpGet(a, jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE) * 1_000_000_000L)));
        host.on(t, tcp("set-keep-alive-idle-time"), (s, a) -> net(() -> {
            tcpSet(a, jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, seconds(u64(a, 1)));
            return null;
        }));
        host.on(t, tcp("keep-alive-interval"), (s, a) -> net(() -> u64(
                tcpGet(a, jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL) * 1_000_000_000L)));
        host.on(t, tcp("set-keep-alive-interval"), (s, a) -> net(() -> {
            tcpSet(a, jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, seconds(u64(a, 1)));
            return null;
        }));
        host.on(t, tcp("keep-alive-count"), (s, a) -> net(() -> new ComponentValue.U32(
                tcpGet(a, jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT))));
        host.on(t, tcp("set-keep-alive-count"), (s, a) -> net(() -> {
            long v = ((ComponentValue.U32) a.get(1)).value();
            if (v == 0) {
                throw fail("invalid-argument");
            }
            tcpSet(a, jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, (int) Math.min(v, 127));
            return null;
        }));
        host.on(t, tcp("hop-limit"), (s, a) -> net(() -> hopLimit(res(a, 0, TcpSocket.class).ipv6)));
        host.on(t, tcp("set-hop-limit"), (s, a) -> net(() -> {
            setHopLimit(res(a, 0, TcpSocket.class).ipv6, ((ComponentValue.U8) a.get(1)).value());
            return null;
        }));
        host.on(t, tcp("receive-buffer-size"), (s, a) -> net(() -> u64(
                tcpGet(a, StandardSocketOptions.SO_RCVBUF))));
        host.on(t, tcp("set-receive-buffer-size"), (s, a) -> net(() -> {
            tcpSet(a, StandardSocketOptions.SO_RCVBUF, bufferSize(u64(a, 1)));
            return null;
        }));
        host.on(t, tcp("send-buffer-size"), (s, a) -> net(() -> u64(
                tcpGet(a, StandardSocketOptions.SO_SNDBUF))));
        host.on(t, tcp("set-send-buffer-size"), (s, a) -> net(() -> {
            tcpSet(a, StandardSocketOptions.SO_SNDBUF, bufferSize(u64(a, 1)));
            return null;
        }));
        host.on(t, tcp("subscribe"), (s, a) -> host.own(s, "pollable", res(a, 0, TcpSocket.class).subscribe()));
        host.on(t, tcp("shutdown"), (s, a) -> net(() -> {
            TcpSocket sock = res(a, 0, TcpSocket.class);
            if (sock.state != State.CONNECTED) {
                throw fail("invalid-state");
            }
            String how = ((ComponentValue.EnumValue) a.get(1)).label();
            if (!how.equals("send")) {
                sock.socket().shutdownInput();
            }
            if (!how.equals("receive")) {
                sock.socket().shutdownOutput();
            }
            return null;
        }));
    }

    // ---------------------------------------------------------------- TCP operations shared with 0.3

    /**
     * A new unbound TCP socket: non-blocking for 0.2, whose pollables wait in the guest's selector, or
     * {@code blocking} for 0.3, whose operations wait on virtual threads.
     */
    static TcpSocket newTcp(HostState s, boolean ipv6, boolean blocking) throws IOException {
        checkSocketLimit(s);
        return new TcpSocket(ipv6, openTcp(ipv6, blocking), State.UNBOUND);
    }

    /**
     * Binds an unbound socket to {@code local}, under a TCP_LISTEN grant for that address, or (to port 0 only) under
     * any TCP_CONNECT grant: a socket bound that way may connect but not listen.
     */
    static void bindTcp(HostState s, TcpSocket sock, InetSocketAddress local) throws IOException {
        if (sock.state != State.UNBOUND) {
            throw fail("invalid-state");
        }
        checkFamily(local, sock.ipv6);
        boolean listen = s.config.permitsSocket(SocketUse.TCP_LISTEN, local);
        if (!listen && !(local.getPort() == 0 && s.config.hasSocketGrant(SocketUse.TCP_CONNECT))) {
            throw fail("access-denied");
        }
        sock.socket().bind(local);
        sock.listenGranted = listen;
    }

    /** The checks before a connect: the socket's state, a unicast remote of its family, the TCP_CONNECT grant. */
    static void checkConnect(HostState s, TcpSocket sock, InetSocketAddress remote) {
        if (sock.state != State.UNBOUND && sock.state != State.BOUND) {
            throw fail("invalid-state");
        }
        checkRemote(remote, sock.ipv6);
        if (!s.config.permitsSocket(SocketUse.TCP_CONNECT, remote)) {
            throw fail("access-denied");
        }
    }

    /**
     * Turns a bound socket (bound under a listen grant) into a listening one. NIO binds and listens in one step, so
     * the bound address goes over to a new listening channel, with the options set so far; the socket is closed if
     * that fails. The caller sets the state.
     */
    static void listen(TcpSocket sock, boolean blocking) throws IOException {
        if (sock.state != State.BOUND) {
            throw fail("invalid-state");
        }
        if (!sock.listenGranted) {
            throw fail("access-denied");
        }
        InetSocketAddress bound = (InetSocketAddress) sock.socket().getLocalAddress();
        ServerSocketChannel server = ServerSocketChannel.open(
                sock.ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            server.configureBlocking(blocking);
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            inheritOptions(sock, server);
            sock.shared.release();
            server.bind(bound, sock.backlog);
        } catch (IOException | RuntimeException e) {
            server.close();
            sock.state = State.CLOSED;
            throw e;
        }
        sock.shared = new Shared(server);
    }

    /** The socket of a connection {@code listener} accepted: connected, with the listener's options. */
    static TcpSocket accepted(TcpSocket listener, SocketChannel c, boolean blocking) throws IOException {
        try {
            c.configureBlocking(blocking);
            inheritOptions(listener, c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return new TcpSocket(listener.ipv6, c, State.CONNECTED);
    }

    /** {@code new-socket-limit} when the guest already holds as many sockets as its config allows. */
    static void checkSocketLimit(HostState s) {
        int held = 0;
        synchronized (s.owned) {
            for (HostResources.Res r : s.owned.values()) {
                if (r instanceof TcpSocket || r instanceof UdpSocket) {
                    held++;
                }
            }
        }
        if (held >= s.config.maxSockets()) {
            throw fail("new-socket-limit");
        }
    }

    private static TcpSocket liveTcp(List<ComponentValue> a) {
        TcpSocket sock = res(a, 0, TcpSocket.class);
        if (sock.state == State.CLOSED) {
            throw fail("invalid-state");
        }
        return sock;
    }

    /**
     * A TCP option: from the channel, or, for a listening channel that lacks it (NIO's server channels take only
     * a few), the value the guest set, which its accepted connections get.
     */
    @SuppressWarnings("unchecked")
    private static <V> V tcpGet(List<ComponentValue> a, SocketOption<V> option) throws IOException {
        TcpSocket sock = liveTcp(a);
        if (!sock.shared.channel.supportedOptions().contains(option) && sock.options.containsKey(option)) {
            return (V) sock.options.get(option);
        }
        return get(sock.shared.channel, option);
    }

    /**
     * Sets a TCP option; before a connection exists it is also remembered, to carry it over to the listening
     * channel of {@code start-listen} and to every accepted connection (as the sockets API inherits options).
     */
    private static <V> void tcpSet(List<ComponentValue> a, SocketOption<V> option, V value) throws IOException {
        TcpSocket sock = liveTcp(a);
        NetworkChannel ch = sock.shared.channel;
        boolean listening = ch instanceof ServerSocketChannel;
        if (ch.supportedOptions().contains(option)) {
            ch.setOption(option, value);
        } else if (!listening) {
            throw fail("not-supported");
        }
        if (sock.state != State.CONNECTED && sock.state != State.CONNECTING) {
            sock.options.put(option, value);
        }
    }

    /** Applies the remembered options that {@code ch} takes. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void inheritOptions(TcpSocket from, NetworkChannel ch) throws IOException {
        for (var e : from.options.entrySet()) {
            if (ch.supportedOptions().contains(e.getKey())) {
                ch.setOption((SocketOption) e.getKey(), e.getValue());
            }
        }
    }

    private static <V> V get(NetworkChannel ch, SocketOption<V> option) throws IOException {
        if (!ch.supportedOptions().contains(option)) {
            throw fail("not-supported");
        }
        return ch.getOption(option);
    }

    private static <V> void set(NetworkChannel ch, SocketOption<V> option, V value) throws IOException {
        if (!ch.supportedOptions().contains(option)) {
            throw fail("not-supported");
        }
        ch.setOption(option, value);
    }

    /** A {@code duration} as whole seconds for the keep-alive options (rounded up, at most a day). */
    static int seconds(long nanos) {
        if (nanos == 0) {
            throw fail("invalid-argument");
        }
        long s = nanos < 0 ? Long.MAX_VALUE : (nanos + 999_999_999L) / 1_000_000_000L;
        return (int) Math.min(s, 86_400);
    }

    static int bufferSize(long v) {
        if (v == 0) {
            throw fail("invalid-argument");
        }
        return v < 0 || v > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) v;
    }

    /** The system's default unicast hop limit: the JVM offers no per-socket TTL option. */
    static ComponentValue hopLimit(boolean ipv6) {
        return new ComponentValue.U8(systemHopLimit(ipv6));
    }

    static void setHopLimit(boolean ipv6, int value) {
        if (value == 0) {
            throw fail("invalid-argument");
        }
        if (value != systemHopLimit(ipv6)) {
            throw fail("not-supported");
        }
    }

    private static int systemHopLimit(boolean ipv6) {
        Path p = Path.of(ipv6 ? "/proc/sys/net/ipv6/conf/default/hop_limit" : "/proc/sys/net/ipv4/ip_default_ttl");
        try {
            int v = Integer.parseInt(Files.readString(p).trim());
            if (v > 0 && v < 256) {
                return v;
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            // not Linux, or not readable: the common default below
        }
        return 64;
    }

    // ---------------------------------------------------------------- udp

    private static String udp(String method) {
        return "[method]udp-socket." + method;
    }

    private void registerUdp() {
        String u = "wasi:sockets/udp";
        host.on("wasi:sockets/udp-create-socket", "create-udp-socket",
                (s, a) -> net(() -> host.own(s, "udp-socket", newUdp(s, isIpv6(a.get(0)), false))));
        host.on(u, udp("start-bind"), (s, a) -> net(() -> {
            UdpSocket sock = res(a, 0, UdpSocket.class);
            checkNetwork(a, 1);
            bindUdp(s, sock, socketAddress(a.get(2)));
            sock.bindStarted = true;
            return null;
        }));
        host.on(u, udp("finish-bind"), (s, a) -> net(() -> {
            UdpSocket sock = res(a, 0, UdpSocket.class);
            if (!sock.bindStarted) {
                throw fail("not-in-progress");
            }
            sock.bindStarted = false;
            sock.bound = true;
            return null;
        }));
        host.on(u, udp("stream"), (s, a) -> net(() -> {
            UdpSocket sock = res(a, 0, UdpSocket.class);
            if (!sock.bound) {
                throw fail("invalid-state");
            }
            Optional<ComponentValue> remote = ((ComponentValue.OptionValue) a.get(1)).value();
            connectUdp(s, sock, remote.isPresent() ? socketAddress(remote.get()) : null);
            return new ComponentValue.TupleValue(List.of(
                    host.own(s, "incoming-datagram-stream", new IncomingDatagrams(sock)),
                    host.own(s, "outgoing-datagram-stream", new OutgoingDatagrams(sock))));
        }));
        host.on(u, udp("local-address"), (s, a) -> net(() -> {
            UdpSocket sock = res(a, 0, UdpSocket.class);
            if (!sock.bound && !sock.bindStarted) {
                throw fail("invalid-state");
            }
            return socketAddress((InetSocketAddress) sock.channel().getLocalAddress(), sock.ipv6);
        }));
        host.on(u, udp("remote-address"), (s, a) -> net(() -> {
            UdpSocket sock = res(a, 0, UdpSocket.class);
            if (sock.remote == null) {
                throw fail("invalid-state");
            }
            return socketAddress(sock.remote, sock.ipv6);
        }));
        host.on(u, udp("address-family"), (s, a) -> family(res(a, 0, UdpSocket.class).ipv6));
        host.on(u, udp("unicast-hop-limit"), (s, a) -> net(() -> hopLimit(res(a, 0, UdpSocket.class).ipv6)));
        host.on(u, udp("set-unicast-hop-limit"), (s, a) -> net(() -> {
            setHopLimit(res(a, 0, UdpSocket.class).ipv6, ((ComponentValue.U8) a.get(1)).value());
            return null;
        }));
        host.on(u, udp("receive-buffer-size"), (s, a) -> net(() -> u64(
                get(res(a, 0, UdpSocket.class).channel(), StandardSocketOptions.SO_RCVBUF))));
        host.on(u, udp("set-receive-buffer-size"), (s, a) -> net(() -> {
            set(res(a, 0, UdpSocket.class).channel(), StandardSocketOptions.SO_RCVBUF, bufferSize(u64(a, 1)));
            return null;
        }));
        host.on(u, udp("send-buffer-size"), (s, a) -> net(() -> u64(
                get(res(a, 0, UdpSocket.class).channel(), StandardSocketOptions.SO_SNDBUF))));
        host.on(u, udp("set-send-buffer-size"), (s, a) -> net(() -> {
            set(res(a, 0, UdpSocket.class).channel(), StandardSocketOptions.SO_SNDBUF, bufferSize(u64(a, 1)));
            return null;
        }));
        // Binding completes in start-bind, so a UDP socket never has anything to wait for.
        host.on(u, udp("subscribe"), (s, a) -> {
            res(a, 0, UdpSocket.class);
            return host.own(s, "pollable", new Pollable(Long.MIN_VALUE));
        });

        host.on(u, "[method]incoming-datagram-stream.receive", (s, a) -> net(() -> {
            IncomingDatagrams in = res(a, 0, IncomingDatagrams.class);
            long max = u64(a, 1);
            int n = max < 0 || max > MAX_DATAGRAMS ? MAX_DATAGRAMS : (int) max;
            List<ComponentValue> out = new ArrayList<>();
            ByteBuffer buf = ByteBuffer.allocate(65_536);
            while (out.size() < n) {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) in.socket.channel().receive(buf);
                if (from == null) {
                    break;
                }
                out.add(new ComponentValue.RecordValue(List.of(
                        new ComponentValue.Field("data", ComponentValue.u8List(buf.array(), 0, buf.position())),
                        new ComponentValue.Field("remote-address", socketAddress(from, in.socket.ipv6)))));
            }
            return new ComponentValue.ListValue(out);
        }));
        host.on(u, "[method]incoming-datagram-stream.subscribe",
                (s, a) -> host.own(s, "pollable", res(a, 0, IncomingDatagrams.class).subscribe()));
        host.on(u, "[method]outgoing-datagram-stream.check-send", (s, a) -> net(() -> {
            OutgoingDatagrams out = res(a, 0, OutgoingDatagrams.class);
            out.permit = MAX_DATAGRAMS;
            return u64(out.permit);
        }));
        host.on(u, "[method]outgoing-datagram-stream.send", (s, a) -> {
            OutgoingDatagrams out = res(a, 0, OutgoingDatagrams.class);
            List<ComponentValue> datagrams = ((ComponentValue.ListValue) a.get(1)).elements();
            if (datagrams.size() > out.permit) {
                throw new Trap(TrapKind.HOST_ERROR, "wasi:sockets/udp send: " + datagrams.size()
                        + " datagrams exceed the " + out.permit + " permitted by check-send");
            }
            out.permit -= datagrams.size();
            long sent = 0;
            for (ComponentValue d : datagrams) {
                ComponentValue r = net(() -> {
                    send(s, out.socket, (ComponentValue.RecordValue) d);
                    return null;
                });
                if (!((ComponentValue.ResultValue) r).ok()) {
                    // Once one datagram went out, the count is the answer (the WIT's rule).
                    return sent == 0 ? r : ok(u64(sent));
                }
                sent++;
            }
            return ok(u64(sent));
        });
        host.on(u, "[method]outgoing-datagram-stream.subscribe", (s, a) -> {
            res(a, 0, OutgoingDatagrams.class);
            return host.own(s, "pollable", new Pollable(Long.MIN_VALUE));
        });
    }

    // ---------------------------------------------------------------- UDP operations shared with 0.3

    /** A new unbound UDP socket; {@code blocking} for 0.3, whose receives wait on a virtual thread. */
    static UdpSocket newUdp(HostState s, boolean ipv6, boolean blocking) throws IOException {
        checkSocketLimit(s);
        DatagramChannel ch = DatagramChannel.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            ch.configureBlocking(blocking);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new UdpSocket(ipv6, ch);
    }

    /** Binds an unbound socket, under a UDP_BIND grant for {@code local} or (to port 0 only) any UDP_SEND grant. */
    static void bindUdp(HostState s, UdpSocket sock, InetSocketAddress local) throws IOException {
        if (sock.bindStarted || sock.bound) {
            throw fail("invalid-state");
        }
        checkFamily(local, sock.ipv6);
        if (!s.config.permitsSocket(SocketUse.UDP_BIND, local)
                && !(local.getPort() == 0 && s.config.hasSocketGrant(SocketUse.UDP_SEND))) {
            throw fail("access-denied");
        }
        sock.channel().bind(local);
    }

    /**
     * Limits the socket to the peer {@code to} (a unicast address under a UDP_SEND grant), or to no peer (null):
     * a connected socket first disconnects.
     */
    static void connectUdp(HostState s, UdpSocket sock, InetSocketAddress to) throws IOException {
        if (to != null) {
            checkRemote(to, sock.ipv6);
            if (!s.config.permitsSocket(SocketUse.UDP_SEND, to)) {
                throw fail("access-denied");
            }
        }
        DatagramChannel ch = sock.channel();
        if (ch.isConnected()) {
            ch.disconnect();
        }
        sock.remote = null;
        if (to != null) {
            ch.connect(to);
            sock.remote = to;
        }
    }

    /** Sends one {@code outgoing-datagram}; a full socket buffer drops it, as UDP may. */
    static void send(HostState s, UdpSocket sock, ComponentValue.RecordValue d) throws IOException {
        byte[] data = WasiHost.bytes(d.get("data").orElseThrow());
        Optional<ComponentValue> remote = ((ComponentValue.OptionValue) d.get("remote-address").orElseThrow()).value();
        if (data.length > MAX_DATAGRAM) {
            throw fail("datagram-too-large");
        }
        DatagramChannel ch = sock.channel();
        if (sock.remote != null) {
            if (remote.isPresent() && !socketAddress(remote.get()).equals(sock.remote)) {
                throw fail("invalid-argument");
            }
            ch.write(ByteBuffer.wrap(data));
            return;
        }
        if (remote.isEmpty()) {
            throw fail("invalid-argument");
        }
        InetSocketAddress to = socketAddress(remote.get());
        checkRemote(to, sock.ipv6);
        if (!s.config.permitsSocket(SocketUse.UDP_SEND, to)) {
            throw fail("access-denied");
        }
        ch.send(ByteBuffer.wrap(data), to);
    }

    // ---------------------------------------------------------------- ip-name-lookup

    private void registerLookup() {
        String l = "wasi:sockets/ip-name-lookup";
        host.on(l, "resolve-addresses", (s, a) -> net(() -> {
            checkNetwork(a, 0);
            List<InetAddress> found = resolve(s, WasiHost.str(a, 1));
            return host.own(s, "resolve-address-stream", new ResolvedAddresses(found));
        }));
        host.on(l, "[method]resolve-address-stream.resolve-next-address", (s, a) -> net(() -> {
            ResolvedAddresses r = res(a, 0, ResolvedAddresses.class);
            if (r.next >= r.addresses.size()) {
                return new ComponentValue.OptionValue(Optional.empty());
            }
            return new ComponentValue.OptionValue(Optional.of(ipAddress(r.addresses.get(r.next++))));
        }));
        host.on(l, "[method]resolve-address-stream.subscribe", (s, a) -> {
            res(a, 0, ResolvedAddresses.class);
            return host.own(s, "pollable", new Pollable(Long.MIN_VALUE));
        });
    }

    /**
     * The addresses of {@code name}: an IP literal stands for itself (no lookup, no grant needed: it reveals
     * nothing); a host name must be granted and is resolved by the host's resolver.
     */
    static List<InetAddress> resolve(HostState s, String name) throws IOException {
        Optional<InetAddress> literal = literal(name);
        if (literal.isPresent()) {
            return List.of(literal.get());
        }
        String ascii;
        try {
            ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw fail("invalid-argument");
        }
        if (ascii.isEmpty() || ascii.length() > 253) {
            throw fail("invalid-argument");
        }
        if (!s.config.permitsIpNameLookup(ascii)) {
            throw fail("access-denied");
        }
        try {
            return List.of(InetAddress.getAllByName(ascii));
        } catch (UnknownHostException e) {
            throw fail("name-unresolvable");
        }
    }

    /** An IPv4 dotted quad or an IPv6 literal (optionally in brackets), parsed without any lookup. */
    static Optional<InetAddress> literal(String name) throws UnknownHostException {
        if (name.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            String[] parts = name.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    throw fail("invalid-argument");
                }
                b[i] = (byte) v;
            }
            return Optional.of(InetAddress.getByAddress(b));
        }
        if (name.contains(":")) {
            String n = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
            if (!n.matches("[0-9A-Fa-f:.%a-zA-Z]+") || n.contains("[")) {
                throw fail("invalid-argument");
            }
            try {
                // A string with a colon is parsed as an IPv6 literal by the JDK, never looked up.
                return Optional.of(InetAddress.getByName(n));
            } catch (UnknownHostException e) {
                throw fail("invalid-argument");
            }
        }
        return Optional.empty();
    }
}
