package dev.basalt.wasi.preview2.internal;

import static dev.basalt.wasi.preview2.internal.WasiHostTest.borrow;
import static dev.basalt.wasi.preview2.internal.WasiHostTest.bytes;
import static dev.basalt.wasi.preview2.internal.WasiHostTest.err;
import static dev.basalt.wasi.preview2.internal.WasiHostTest.handle;
import static dev.basalt.wasi.preview2.internal.WasiHostTest.ok;
import static dev.basalt.wasi.preview2.internal.WasiHostTest.str;
import static dev.basalt.wasi.preview2.internal.WasiHostTest.text;
import static dev.basalt.wasi.preview2.internal.WasiHostTest.u64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceHandle;
import dev.basalt.wasi.WasiConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * wasi:sockets host functions called directly (values built as the canonical ABI would lift them), against Java
 * servers and clients on ephemeral loopback ports: the TCP and UDP state machines, streams and pollables, name
 * lookup, and that every operation outside the grants answers {@code access-denied}. Waiting is done the way a
 * guest waits, through {@code subscribe} and {@code pollable.block}: no sleeps.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketsHostTest {
    static final String TCP = "wasi:sockets/tcp";
    static final String UDP = "wasi:sockets/udp";
    static final String POLL = "wasi:io/poll";
    static final String STREAMS = "wasi:io/streams";
    static final ComponentValue IPV4 = new ComponentValue.EnumValue("ipv4");
    static final ComponentValue IPV6 = new ComponentValue.EnumValue("ipv6");

    final WasiHost host = new WasiHost();
    final List<AutoCloseable> cleanup = new ArrayList<>();
    HostState s;
    ResourceHandle network;

    @AfterEach
    void tearDown() throws Exception {
        if (s != null) {
            s.close();
            assertThat(s.liveResources()).isZero();
        }
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    void grant(WasiConfig.Builder config) {
        s = HostState.create(config.build());
        network = handle(call("wasi:sockets/instance-network", "instance-network"));
    }

    ComponentValue call(String iface, String fn, ComponentValue... args) {
        try {
            return host.call(iface, fn, s, args);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    ComponentValue tcp(String method, ResourceHandle socket, ComponentValue... args) {
        ComponentValue[] all = new ComponentValue[args.length + 1];
        all[0] = borrow(socket);
        System.arraycopy(args, 0, all, 1, args.length);
        return call(TCP, "[method]tcp-socket." + method, all);
    }

    ComponentValue udp(String method, ResourceHandle socket, ComponentValue... args) {
        ComponentValue[] all = new ComponentValue[args.length + 1];
        all[0] = borrow(socket);
        System.arraycopy(args, 0, all, 1, args.length);
        return call(UDP, "[method]udp-socket." + method, all);
    }

    static ComponentValue code(String label) {
        return new ComponentValue.EnumValue(label);
    }

    static ComponentValue v4(int a, int b, int c, int d, int port) {
        return new ComponentValue.VariantValue("ipv4", Optional.of(new ComponentValue.RecordValue(List.of(
                new ComponentValue.Field("port", new ComponentValue.U16(port)),
                new ComponentValue.Field("address", new ComponentValue.TupleValue(List.of(
                        new ComponentValue.U8(a), new ComponentValue.U8(b), new ComponentValue.U8(c),
                        new ComponentValue.U8(d))))))));
    }

    static ComponentValue loopback(int port) {
        return v4(127, 0, 0, 1, port);
    }

    static int port(ComponentValue socketAddress) {
        var rec = (ComponentValue.RecordValue) ((ComponentValue.VariantValue) socketAddress).payload().orElseThrow();
        return ((ComponentValue.U16) rec.get("port").orElseThrow()).value();
    }

    /** Blocks on a fresh pollable from {@code subscribe}, then drops it. */
    void block(ComponentValue pollable) {
        ResourceHandle p = handle(pollable);
        call(POLL, "[method]pollable.block", borrow(p));
        HostResources.drop(p.rep());
    }

    ResourceHandle newTcp() {
        return handle(ok(call("wasi:sockets/tcp-create-socket", "create-tcp-socket", IPV4)));
    }

    ResourceHandle newUdp() {
        return handle(ok(call("wasi:sockets/udp-create-socket", "create-udp-socket", IPV4)));
    }

    /** start-connect, wait, finish-connect: the (input, output) streams. */
    List<ResourceHandle> connect(ResourceHandle sock, int port) {
        ok(tcp("start-connect", sock, borrow(network), loopback(port)));
        block(tcp("subscribe", sock));
        var streams = (ComponentValue.TupleValue) ok(tcp("finish-connect", sock));
        return List.of(handle(streams.elements().get(0)), handle(streams.elements().get(1)));
    }

    /** Reads until {@code n} bytes came (blocking-read may return fewer). */
    String readExactly(ResourceHandle in, int n) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < n) {
            sb.append(text(ok(call(STREAMS, "[method]input-stream.blocking-read", borrow(in), u64(n - sb.length())))));
        }
        return sb.toString();
    }

    ServerSocket echoServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        Thread t = new Thread(() -> {
            try (Socket c = server.accept(); InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the test fails on its own side
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void tcpConnectEchoesThroughWasiStreamsAndShutsDown() throws IOException {
        ServerSocket server = echoServer();
        grant(WasiConfig.builder().allowTcpConnect("127.0.0.1", server.getLocalPort()));
        ResourceHandle sock = newTcp();
        assertThat(err(tcp("finish-connect", sock))).isEqualTo(code("not-in-progress"));
        assertThat(err(tcp("local-address", sock))).isEqualTo(code("invalid-state"));
        List<ResourceHandle> streams = connect(sock, server.getLocalPort());
        assertThat(port(ok(tcp("remote-address", sock)))).isEqualTo(server.getLocalPort());
        assertThat(port(ok(tcp("local-address", sock)))).isNotZero();
        assertThat(err(tcp("start-connect", sock, borrow(network), loopback(server.getLocalPort()))))
                .isEqualTo(code("invalid-state"));
        ok(call(STREAMS, "[method]output-stream.blocking-write-and-flush", borrow(streams.get(1)), bytes("ping")));
        assertThat(readExactly(streams.get(0), 4)).isEqualTo("ping");
        ok(tcp("shutdown", sock, code("send")));
        // the server sees the end of its input, stops echoing and closes: the guest's stream ends
        assertThat(err(call(STREAMS, "[method]input-stream.blocking-read", borrow(streams.get(0)), u64(10))))
                .isEqualTo(new ComponentValue.VariantValue("closed", Optional.empty()));
    }

    @Test
    void tcpOptionsReadBackWhatWasSet() throws IOException {
        ServerSocket server = echoServer();
        grant(WasiConfig.builder().allowTcpConnect("127.0.0.1", server.getLocalPort()));
        ResourceHandle sock = newTcp();
        connect(sock, server.getLocalPort());
        ok(tcp("set-keep-alive-enabled", sock, new ComponentValue.Bool(true)));
        assertThat(ok(tcp("keep-alive-enabled", sock))).isEqualTo(new ComponentValue.Bool(true));
        ok(tcp("set-keep-alive-idle-time", sock, u64(7_000_000_000L)));
        assertThat(ok(tcp("keep-alive-idle-time", sock))).isEqualTo(u64(7_000_000_000L));
        ok(tcp("set-keep-alive-count", sock, new ComponentValue.U32(4)));
        assertThat(ok(tcp("keep-alive-count", sock))).isEqualTo(new ComponentValue.U32(4));
        assertThat(err(tcp("set-keep-alive-count", sock, new ComponentValue.U32(0)))).isEqualTo(code("invalid-argument"));
        ok(tcp("set-receive-buffer-size", sock, u64(65536)));
        assertThat(((ComponentValue.U64) ok(tcp("receive-buffer-size", sock))).value()).isGreaterThanOrEqualTo(65536);
        assertThat(err(tcp("set-send-buffer-size", sock, u64(0)))).isEqualTo(code("invalid-argument"));
        ComponentValue hop = ok(tcp("hop-limit", sock));
        ok(tcp("set-hop-limit", sock, hop));
        assertThat(err(tcp("set-hop-limit", sock, new ComponentValue.U8(0)))).isEqualTo(code("invalid-argument"));
        assertThat(tcp("address-family", sock)).isEqualTo(IPV4);
        assertThat(tcp("is-listening", sock)).isEqualTo(new ComponentValue.Bool(false));
    }

    @Test
    void tcpConnectOutsideTheGrantIsDeniedInsideItReachesTheHost() throws IOException {
        ServerSocket granted = echoServer();
        ServerSocket other = echoServer();
        grant(WasiConfig.builder().allowTcpConnect("127.0.0.1", granted.getLocalPort()));
        assertThat(err(tcp("start-connect", newTcp(), borrow(network), loopback(other.getLocalPort()))))
                .isEqualTo(code("access-denied"));
        assertThat(err(tcp("start-connect", newTcp(), borrow(network), v4(127, 0, 0, 2, granted.getLocalPort()))))
                .isEqualTo(code("access-denied"));
        assertThat(err(tcp("start-connect", newTcp(), borrow(network), loopback(0))))
                .isEqualTo(code("invalid-argument"));
        // within the grant the operation really happens: a port that is bound but not listening (so nobody else
        // can take it meanwhile) is refused by the host's network
        Socket bound = new Socket();
        cleanup.add(bound);
        bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int closedPort = bound.getLocalPort();
        s.close();
        grant(WasiConfig.builder().allowTcpConnect("127.0.0.0/8", 0));
        ResourceHandle sock = newTcp();
        ok(tcp("start-connect", sock, borrow(network), loopback(closedPort)));
        block(tcp("subscribe", sock));
        assertThat(err(tcp("finish-connect", sock))).isEqualTo(code("connection-refused"));
    }

    @Test
    void nothingIsGrantedByDefault() {
        grant(WasiConfig.builder());
        assertThat(err(tcp("start-connect", newTcp(), borrow(network), loopback(80)))).isEqualTo(code("access-denied"));
        assertThat(err(tcp("start-bind", newTcp(), borrow(network), loopback(0)))).isEqualTo(code("access-denied"));
        assertThat(err(udp("start-bind", newUdp(), borrow(network), loopback(0)))).isEqualTo(code("access-denied"));
        assertThat(err(call("wasi:sockets/ip-name-lookup", "resolve-addresses", borrow(network), str("localhost"))))
                .isEqualTo(code("access-denied"));
    }

    @Test
    void tcpListenAcceptsAJavaClient() throws Exception {
        grant(WasiConfig.builder().allowTcpListen("127.0.0.1", 0));
        ResourceHandle listener = newTcp();
        assertThat(err(tcp("start-listen", listener))).isEqualTo(code("invalid-state"));
        ok(tcp("start-bind", listener, borrow(network), loopback(0)));
        ok(tcp("finish-bind", listener));
        ok(tcp("set-listen-backlog-size", listener, u64(8)));
        ok(tcp("set-keep-alive-enabled", listener, new ComponentValue.Bool(true)));
        ok(tcp("set-keep-alive-count", listener, new ComponentValue.U32(5)));
        ok(tcp("start-listen", listener));
        // options set before listening survive the move to the listening channel and reach accepted connections
        assertThat(ok(tcp("keep-alive-enabled", listener))).isEqualTo(new ComponentValue.Bool(true));
        assertThat(err(tcp("set-listen-backlog-size", listener, u64(9)))).isEqualTo(code("not-supported"));
        assertThat(err(tcp("accept", listener))).isEqualTo(code("invalid-state"));
        ok(tcp("finish-listen", listener));
        assertThat(tcp("is-listening", listener)).isEqualTo(new ComponentValue.Bool(true));
        int port = port(ok(tcp("local-address", listener)));
        assertThat(port).isNotZero();
        assertThat(err(tcp("accept", listener))).isEqualTo(code("would-block"));

        CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> {
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
                c.getOutputStream().write("hi".getBytes(StandardCharsets.UTF_8));
                return new String(c.getInputStream().readNBytes(2), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        block(tcp("subscribe", listener));
        var accepted = (ComponentValue.TupleValue) ok(tcp("accept", listener));
        ResourceHandle conn = handle(accepted.elements().get(0));
        ResourceHandle in = handle(accepted.elements().get(1));
        ResourceHandle out = handle(accepted.elements().get(2));
        assertThat(port(ok(tcp("local-address", conn)))).isEqualTo(port);
        assertThat(ok(tcp("keep-alive-enabled", conn))).isEqualTo(new ComponentValue.Bool(true));
        assertThat(ok(tcp("keep-alive-count", conn))).isEqualTo(new ComponentValue.U32(5));
        block(call(STREAMS, "[method]input-stream.subscribe", borrow(in)));
        assertThat(readExactly(in, 2)).isEqualTo("hi");
        ok(call(STREAMS, "[method]output-stream.blocking-write-and-flush", borrow(out), bytes("yo")));
        assertThat(client.get(20, TimeUnit.SECONDS)).isEqualTo("yo");
    }

    @Test
    void tcpBindAndListenNeedAListenGrant() {
        grant(WasiConfig.builder().allowTcpListen("127.0.0.1", 0));
        assertThat(err(tcp("start-bind", newTcp(), borrow(network), v4(0, 0, 0, 0, 0))))
                .as("the grant names loopback, not every interface").isEqualTo(code("access-denied"));
        s.close();
        grant(WasiConfig.builder().allowTcpConnect("127.0.0.1", 9));
        assertThat(err(tcp("start-bind", newTcp(), borrow(network), loopback(4242)))).isEqualTo(code("access-denied"));
        // an ephemeral bind is what a connecting socket may do, but it may not listen there
        ResourceHandle sock = newTcp();
        ok(tcp("start-bind", sock, borrow(network), loopback(0)));
        ok(tcp("finish-bind", sock));
        assertThat(err(tcp("start-listen", sock))).isEqualTo(code("access-denied"));
    }

    @Test
    void udpRoundTripWithAJavaEchoServer() throws Exception {
        DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            try {
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                server.receive(p);
                server.send(new DatagramPacket(("re:" + new String(p.getData(), 0, p.getLength(),
                        StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8), 0, p.getLength() + 3,
                        p.getSocketAddress()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        int port = server.getLocalPort();
        grant(WasiConfig.builder().allowUdpSend("127.0.0.1", port));
        ResourceHandle sock = newUdp();
        assertThat(err(udp("stream", sock, new ComponentValue.OptionValue(Optional.empty()))))
                .isEqualTo(code("invalid-state"));
        ok(udp("start-bind", sock, borrow(network), v4(0, 0, 0, 0, 0)));
        ok(udp("finish-bind", sock));
        int localPort = port(ok(udp("local-address", sock)));
        assertThat(localPort).isNotZero();
        var streams = (ComponentValue.TupleValue) ok(udp("stream", sock,
                new ComponentValue.OptionValue(Optional.of(loopback(port)))));
        ResourceHandle in = handle(streams.elements().get(0));
        ResourceHandle out = handle(streams.elements().get(1));
        assertThat(port(ok(udp("remote-address", sock)))).isEqualTo(port);
        assertThat(ok(call(UDP, "[method]outgoing-datagram-stream.check-send", borrow(out))))
                .isEqualTo(u64(SocketsHost.MAX_DATAGRAMS));
        ComponentValue datagram = new ComponentValue.RecordValue(List.of(
                new ComponentValue.Field("data", bytes("ping")),
                new ComponentValue.Field("remote-address", new ComponentValue.OptionValue(Optional.empty()))));
        assertThat(ok(call(UDP, "[method]outgoing-datagram-stream.send", borrow(out),
                new ComponentValue.ListValue(List.of(datagram))))).isEqualTo(u64(1));
        echo.get(20, TimeUnit.SECONDS);
        block(call(UDP, "[method]incoming-datagram-stream.subscribe", borrow(in)));
        var got = ((ComponentValue.ListValue) ok(call(UDP, "[method]incoming-datagram-stream.receive", borrow(in),
                u64(10)))).elements();
        assertThat(got).hasSize(1);
        var d = (ComponentValue.RecordValue) got.getFirst();
        assertThat(text(d.get("data").orElseThrow())).isEqualTo("re:ping");
        assertThat(port(d.get("remote-address").orElseThrow())).isEqualTo(port);
        assertThat(((ComponentValue.ListValue) ok(call(UDP, "[method]incoming-datagram-stream.receive", borrow(in),
                u64(10)))).elements()).isEmpty();
    }

    @Test
    void udpOutsideTheGrantIsDeniedInsideItIsSent() throws IOException {
        DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        cleanup.add(receiver);
        receiver.setSoTimeout(20_000);
        int granted = receiver.getLocalPort();
        grant(WasiConfig.builder().allowUdpSend("127.0.0.1", granted).allowUdpBind("127.0.0.1", 6000));
        assertThat(err(udp("start-bind", newUdp(), borrow(network), loopback(6001)))).isEqualTo(code("access-denied"));
        ResourceHandle sock = newUdp();
        ok(udp("start-bind", sock, borrow(network), loopback(0)));
        ok(udp("finish-bind", sock));
        assertThat(err(udp("stream", sock, new ComponentValue.OptionValue(Optional.of(loopback(5001))))))
                .isEqualTo(code("access-denied"));
        var streams = (ComponentValue.TupleValue) ok(udp("stream", sock, new ComponentValue.OptionValue(Optional.empty())));
        ResourceHandle out = handle(streams.elements().get(1));
        ok(call(UDP, "[method]outgoing-datagram-stream.check-send", borrow(out)));
        ComponentValue denied = new ComponentValue.RecordValue(List.of(
                new ComponentValue.Field("data", bytes("x")),
                new ComponentValue.Field("remote-address", new ComponentValue.OptionValue(Optional.of(loopback(5001))))));
        assertThat(err(call(UDP, "[method]outgoing-datagram-stream.send", borrow(out),
                new ComponentValue.ListValue(List.of(denied))))).isEqualTo(code("access-denied"));
        ComponentValue allowed = new ComponentValue.RecordValue(List.of(
                new ComponentValue.Field("data", bytes("to you")),
                new ComponentValue.Field("remote-address", new ComponentValue.OptionValue(Optional.of(loopback(granted))))));
        // one permitted datagram goes out before the denied one: the count is the answer, not the error
        assertThat(ok(call(UDP, "[method]outgoing-datagram-stream.send", borrow(out),
                new ComponentValue.ListValue(List.of(allowed, denied))))).isEqualTo(u64(1));
        DatagramPacket p = new DatagramPacket(new byte[100], 100);
        receiver.receive(p);
        assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)).isEqualTo("to you");
        ComponentValue.RecordValue tooBig = new ComponentValue.RecordValue(List.of(
                new ComponentValue.Field("data", WasiHost.bytes(new byte[SocketsHost.MAX_DATAGRAM + 1])),
                new ComponentValue.Field("remote-address", new ComponentValue.OptionValue(Optional.of(loopback(granted))))));
        assertThat(err(call(UDP, "[method]outgoing-datagram-stream.send", borrow(out),
                new ComponentValue.ListValue(List.of(tooBig))))).isEqualTo(code("datagram-too-large"));
    }

    @Test
    void nameLookupOfGrantedNamesOnly() throws IOException {
        grant(WasiConfig.builder().allowIpNameLookup("localhost"));
        ResourceHandle stream = handle(ok(call("wasi:sockets/ip-name-lookup", "resolve-addresses", borrow(network),
                str("LOCALHOST"))));
        List<ComponentValue> found = new ArrayList<>();
        while (true) {
            var next = (ComponentValue.OptionValue) ok(call("wasi:sockets/ip-name-lookup",
                    "[method]resolve-address-stream.resolve-next-address", borrow(stream)));
            if (next.value().isEmpty()) {
                break;
            }
            found.add(next.value().get());
        }
        assertThat(found).isNotEmpty().isSubsetOf(SocketsHost.ipAddress(InetAddress.getByName("127.0.0.1")),
                SocketsHost.ipAddress(InetAddress.getByName("::1")));
        assertThat(err(call("wasi:sockets/ip-name-lookup", "resolve-addresses", borrow(network), str("example.com"))))
                .isEqualTo(code("access-denied"));
        assertThat(err(call("wasi:sockets/ip-name-lookup", "resolve-addresses", borrow(network), str("a b"))))
                .isEqualTo(code("invalid-argument"));
        // an IP literal names itself: no lookup, nothing to grant
        ResourceHandle literal = handle(ok(call("wasi:sockets/ip-name-lookup", "resolve-addresses", borrow(network),
                str("10.1.2.3"))));
        assertThat(ok(call("wasi:sockets/ip-name-lookup", "[method]resolve-address-stream.resolve-next-address",
                borrow(literal)))).isEqualTo(new ComponentValue.OptionValue(Optional.of(
                        new ComponentValue.VariantValue("ipv4", Optional.of(new ComponentValue.TupleValue(List.of(
                                new ComponentValue.U8(10), new ComponentValue.U8(1), new ComponentValue.U8(2),
                                new ComponentValue.U8(3))))))));
    }

    @Test
    void pollWaitsForTheSocketThatBecomesReadable() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        grant(WasiConfig.builder().allowTcpConnect("127.0.0.1", server.getLocalPort()));
        ResourceHandle a = newTcp();
        ResourceHandle b = newTcp();
        List<ResourceHandle> sa = connect(a, server.getLocalPort());
        Socket peerA = server.accept();
        cleanup.add(peerA);
        List<ResourceHandle> sb = connect(b, server.getLocalPort());
        Socket peerB = server.accept();
        cleanup.add(peerB);
        ResourceHandle pa = handle(call(STREAMS, "[method]input-stream.subscribe", borrow(sa.get(0))));
        ResourceHandle pb = handle(call(STREAMS, "[method]input-stream.subscribe", borrow(sb.get(0))));
        assertThat(call(POLL, "[method]pollable.ready", borrow(pb))).isEqualTo(new ComponentValue.Bool(false));
        peerB.getOutputStream().write('!');
        var ready = (ComponentValue.ListValue) call(POLL, "poll",
                new ComponentValue.ListValue(List.of(borrow(pa), borrow(pb))));
        assertThat(ready.elements()).containsExactly(new ComponentValue.U32(1));
        assertThat(text(ok(call(STREAMS, "[method]input-stream.read", borrow(sb.get(0)), u64(5))))).isEqualTo("!");
        assertThat(text(ok(call(STREAMS, "[method]input-stream.read", borrow(sa.get(0)), u64(5))))).isEmpty();
    }

    @Test
    void pollOfAQuietSocketAndAClockReturnsTheClock() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        grant(WasiConfig.builder().allowTcpConnect("127.0.0.1", server.getLocalPort()));
        List<ResourceHandle> streams = connect(newTcp(), server.getLocalPort());
        Socket peer = server.accept();
        cleanup.add(peer);
        ResourceHandle quiet = handle(call(STREAMS, "[method]input-stream.subscribe", borrow(streams.get(0))));
        ResourceHandle soon = handle(call("wasi:clocks/monotonic-clock", "subscribe-duration", u64(1_000_000)));
        var ready = (ComponentValue.ListValue) call(POLL, "poll",
                new ComponentValue.ListValue(List.of(borrow(quiet), borrow(soon))));
        assertThat(ready.elements()).containsExactly(new ComponentValue.U32(1));
        assertThat(call(POLL, "[method]pollable.ready", borrow(quiet))).isEqualTo(new ComponentValue.Bool(false));
        // the peer closing makes the stream readable: its end
        peer.close();
        call(POLL, "[method]pollable.block", borrow(quiet));
        assertThat(err(call(STREAMS, "[method]input-stream.read", borrow(streams.get(0)), u64(5))))
                .isEqualTo(new ComponentValue.VariantValue("closed", Optional.empty()));
    }

    @Test
    void interruptingTheThreadEndsAWaitOnASocketWithATrap() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        grant(WasiConfig.builder().allowTcpConnect("127.0.0.1", server.getLocalPort()));
        List<ResourceHandle> streams = connect(newTcp(), server.getLocalPort());
        Socket peer = server.accept();
        cleanup.add(peer);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        ResourceHandle quiet = handle(call(STREAMS, "[method]input-stream.subscribe", borrow(streams.get(0))));
        for (Runnable wait : List.<Runnable>of(
                () -> call(STREAMS, "[method]input-stream.blocking-read", borrow(streams.get(0)), u64(10)),
                () -> call(POLL, "poll", new ComponentValue.ListValue(List.of(borrow(quiet)))))) {
            failure.set(null);
            Thread waiter = new Thread(() -> {
                try {
                    wait.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            waiter.start();
            // whether the interrupt comes before or during the wait, the interrupt status ends it
            waiter.interrupt();
            waiter.join(20_000);
            assertThat(waiter.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOf(dev.basalt.Trap.class).hasMessageContaining("interrupted");
        }
    }

    static ComponentValue v6Loopback(int port) {
        List<ComponentValue> words = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            words.add(new ComponentValue.U16(i == 7 ? 1 : 0));
        }
        return new ComponentValue.VariantValue("ipv6", Optional.of(new ComponentValue.RecordValue(List.of(
                new ComponentValue.Field("port", new ComponentValue.U16(port)),
                new ComponentValue.Field("flow-info", new ComponentValue.U32(0)),
                new ComponentValue.Field("address", new ComponentValue.TupleValue(words)),
                new ComponentValue.Field("scope-id", new ComponentValue.U32(0))))));
    }

    @Test
    void ipv6ListenAndConnectOverLoopbackAndFamiliesDoNotMix() {
        grant(WasiConfig.builder().allowTcpListen("[::1]", 0).allowTcpConnect("::1", 0));
        ResourceHandle listener = handle(ok(call("wasi:sockets/tcp-create-socket", "create-tcp-socket", IPV6)));
        assertThat(err(tcp("start-bind", listener, borrow(network), loopback(0))))
                .as("an IPv4 address on an IPv6 socket").isEqualTo(code("invalid-argument"));
        ComponentValue bound = tcp("start-bind", listener, borrow(network), v6Loopback(0));
        org.junit.jupiter.api.Assumptions.assumeTrue(((ComponentValue.ResultValue) bound).ok(),
                "this host has no IPv6 loopback: " + bound);
        ok(tcp("finish-bind", listener));
        ok(tcp("start-listen", listener));
        ok(tcp("finish-listen", listener));
        int port = port(ok(tcp("local-address", listener)));
        ResourceHandle client = handle(ok(call("wasi:sockets/tcp-create-socket", "create-tcp-socket", IPV6)));
        ok(tcp("start-connect", client, borrow(network), v6Loopback(port)));
        block(tcp("subscribe", client));
        var streams = (ComponentValue.TupleValue) ok(tcp("finish-connect", client));
        block(tcp("subscribe", listener));
        var accepted = (ComponentValue.TupleValue) ok(tcp("accept", listener));
        ok(call(STREAMS, "[method]output-stream.blocking-write-and-flush", borrow(handle(streams.elements().get(1))),
                bytes("six")));
        assertThat(readExactly(handle(accepted.elements().get(1)), 3)).isEqualTo("six");
        assertThat(ok(tcp("remote-address", handle(accepted.elements().get(0))))).satisfies(
                a -> assertThat(((ComponentValue.VariantValue) a).caseName()).isEqualTo("ipv6"));
        // an IPv4-mapped address is refused on an IPv6 socket (it would bypass IPv4 grants)
        ComponentValue mapped = new ComponentValue.VariantValue("ipv6", Optional.of(new ComponentValue.RecordValue(
                List.of(new ComponentValue.Field("port", new ComponentValue.U16(port)),
                        new ComponentValue.Field("flow-info", new ComponentValue.U32(0)),
                        new ComponentValue.Field("address", new ComponentValue.TupleValue(List.of(
                                new ComponentValue.U16(0), new ComponentValue.U16(0), new ComponentValue.U16(0),
                                new ComponentValue.U16(0), new ComponentValue.U16(0), new ComponentValue.U16(0xffff),
                                new ComponentValue.U16(0x7f00), new ComponentValue.U16(1)))),
                        new ComponentValue.Field("scope-id", new ComponentValue.U32(0))))));
        ResourceHandle other = handle(ok(call("wasi:sockets/tcp-create-socket", "create-tcp-socket", IPV6)));
        assertThat(err(tcp("start-connect", other, borrow(network), mapped))).isEqualTo(code("invalid-argument"));
    }

    @Test
    void aGuestHoldsAtMostItsSocketLimit() throws Exception {
        grant(WasiConfig.builder().maxSockets(2).allowTcpListen("127.0.0.1", 0));
        ResourceHandle listener = newTcp();
        ResourceHandle udpSocket = newUdp();
        assertThat(err(call("wasi:sockets/tcp-create-socket", "create-tcp-socket", IPV4)))
                .isEqualTo(code("new-socket-limit"));
        assertThat(err(call("wasi:sockets/udp-create-socket", "create-udp-socket", IPV4)))
                .isEqualTo(code("new-socket-limit"));
        ok(tcp("start-bind", listener, borrow(network), loopback(0)));
        ok(tcp("finish-bind", listener));
        ok(tcp("start-listen", listener));
        ok(tcp("finish-listen", listener));
        int port = port(ok(tcp("local-address", listener)));
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            block(tcp("subscribe", listener));
            assertThat(err(tcp("accept", listener))).isEqualTo(code("new-socket-limit"));
            // dropping a socket makes room: the waiting connection is accepted
            HostResources.drop(udpSocket.rep());
            var accepted = (ComponentValue.TupleValue) ok(tcp("accept", listener));
            assertThat(port(ok(tcp("remote-address", handle(accepted.elements().get(0))))))
                    .isEqualTo(client.getLocalPort());
        }
    }

    @Test
    void grantsMatchAddressesNetworksAndPorts() throws IOException {
        WasiConfig c = WasiConfig.builder().allowTcpConnect("10.0.0.0/8", 443).allowTcpConnect("[::1]", 0)
                .allowUdpSend("*", 53).build();
        var use = WasiConfig.SocketUse.TCP_CONNECT;
        assertThat(c.permitsSocket(use, new InetSocketAddress(InetAddress.getByName("10.200.3.4"), 443))).isTrue();
        assertThat(c.permitsSocket(use, new InetSocketAddress(InetAddress.getByName("11.0.0.1"), 443))).isFalse();
        assertThat(c.permitsSocket(use, new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 80))).isFalse();
        assertThat(c.permitsSocket(use, new InetSocketAddress(InetAddress.getByName("::1"), 8080))).isTrue();
        assertThat(c.permitsSocket(use, new InetSocketAddress(InetAddress.getByName("::2"), 8080))).isFalse();
        assertThat(c.permitsSocket(WasiConfig.SocketUse.UDP_SEND,
                new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 53))).isTrue();
        assertThat(c.permitsSocket(WasiConfig.SocketUse.UDP_BIND,
                new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 53))).isFalse();
        assertThat(WasiConfig.builder().allowTcpListen("192.168.1.0/25", 0).build().permitsSocket(
                WasiConfig.SocketUse.TCP_LISTEN, new InetSocketAddress(InetAddress.getByName("192.168.1.128"), 1)))
                .isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WasiConfig.builder().allowTcpConnect("10.0.0.0/33", 1))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WasiConfig.builder().allowTcpConnect("1.2.3.4", 70000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(WasiConfig.builder().allowIpNameLookup("Example.COM.").build().permitsIpNameLookup("example.com"))
                .isTrue();
    }
}
