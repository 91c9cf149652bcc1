package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.text.ComponentTextParser;
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
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import dev.basalt.component.ComponentEventLoop;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * wasi:sockets/types@0.3.0 TCP and UDP through guests over real loopback sockets, on both engines
 * (src/test/resources/wasi-sockets-p3: tcp.wat, udp.wat, hand-written components using the async ABI): a TCP echo
 * with the guest as the client and as the server, connects and listens outside the grants refused before any
 * packet, a refused connection, a guest dropping its receive stream mid-transfer, a UDP round trip.
 */
class WasiSocketsP3TcpUdpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** The peers' threads (not the common pool: on 2 cores it has one worker, and a peer's reader and writer block). */
    private static final ExecutorService PEERS = Executors.newVirtualThreadPerTaskExecutor();

    static String wat(String name) {
        try (InputStream in = WasiSocketsP3TcpUdpTest.class.getResourceAsStream("/wasi-sockets-p3/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A guest instance with its WASI context (closed with it). */
    record Guest(ComponentInstance instance, WasiComponentContext wasi) implements AutoCloseable {
        static Guest of(Config.Strategy strategy, String fixture, WasiConfig config) {
            Engine engine = Engine.create(Config.builder().strategy(strategy).build());
            var model = ComponentTextParser.parse(wat(fixture));
            // validated as `basalt run` does (Component.fromModel alone would accept what the validator refuses)
            dev.basalt.component.validate.ComponentValidator.validate(model);
            Component component = Component.fromModel(engine, model);
            ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
            WasiSockets.addP3ToLinker(linker, ctx -> ctx);
            WasiComponentContext wasi = WasiComponentContext.create(config);
            return new Guest(linker.instantiate(Store.create(engine, wasi), component), wasi);
        }

        ComponentValue call(String name, ComponentValue... args) {
            return instance.getFunc(name).orElseThrow().callOne(args).orElseThrow();
        }

        @Override
        public void close() {
            wasi.close();
        }
    }

    private static ComponentValue[] loopbackAnd(int port, ComponentValue... more) {
        ComponentValue[] args = new ComponentValue[5 + more.length];
        args[0] = ComponentValue.u8(127);
        args[1] = ComponentValue.u8(0);
        args[2] = ComponentValue.u8(0);
        args[3] = ComponentValue.u8(1);
        args[4] = ComponentValue.u16(port);
        System.arraycopy(more, 0, args, 5, more.length);
        return args;
    }

    private static ComponentValue error(String code) {
        return ComponentValue.err(new ComponentValue.VariantValue(code, Optional.empty()));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] okBytes(ComponentValue result) {
        assertThat(result).isInstanceOfSatisfying(ComponentValue.ResultValue.class,
                r -> assertThat(r.ok()).as("ok: %s", result).isTrue());
        return ((ComponentValue.ListValue) ((ComponentValue.ResultValue) result).payload().orElseThrow())
                .toByteArray();
    }

    private static long okNumber(ComponentValue result) {
        assertThat(result).isInstanceOfSatisfying(ComponentValue.ResultValue.class,
                r -> assertThat(r.ok()).as("ok: %s", result).isTrue());
        return switch (((ComponentValue.ResultValue) result).payload().orElseThrow()) {
            case ComponentValue.U32 u -> u.value();
            case ComponentValue.U16 u -> u.value();
            default -> throw new AssertionError("not a u16 or u32: " + result);
        };
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void theGuestConnectsSendsAndReceivesUntilThePeerCloses(Config.Strategy strategy) throws Exception {
        byte[] data = randomBytes(40_000);
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            // an echo server: everything until the guest ends its data, then close
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    byte[] got = s.getInputStream().readAllBytes();
                    s.getOutputStream().write(got);
                    return got;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, PEERS);
            WasiConfig config = WasiConfig.builder().allowTcpConnect("127.0.0.1", server.getLocalPort()).build();
            try (Guest guest = Guest.of(strategy, "tcp.wat", config)) {
                ComponentValue result = guest.call("echo-client",
                        loopbackAnd(server.getLocalPort(), ComponentValue.u8List(data)));
                assertThat(okBytes(result)).isEqualTo(data);
                assertThat(echoed.get(30, TimeUnit.SECONDS)).isEqualTo(data);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void theGuestListensAcceptsAndEchoes(Config.Strategy strategy) throws Exception {
        byte[] data = randomBytes(100_000);
        WasiConfig config = WasiConfig.builder().allowTcpListen("127.0.0.1", 0).build();
        try (Guest guest = Guest.of(strategy, "tcp.wat", config)) {
            int port = (int) okNumber(guest.call("listen", ComponentValue.u16(0)));
            assertThat(port).isPositive();
            CompletableFuture<byte[]> client = CompletableFuture.supplyAsync(() -> {
                try (Socket s = new Socket(LOOPBACK, port)) {
                    // write and read at once: the guest echoes as it reads
                    CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                        try {
                            OutputStream out = s.getOutputStream();
                            out.write(data);
                            s.shutdownOutput();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }, PEERS);
                    byte[] back = s.getInputStream().readAllBytes();
                    writing.join();
                    return back;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, PEERS);
            assertThat(okNumber(guest.call("serve-one"))).isEqualTo(data.length);
            assertThat(client.get(30, TimeUnit.SECONDS)).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void connectingOrListeningOutsideTheGrantsIsAccessDeniedBeforeAnyPacket(Config.Strategy strategy)
            throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            int port = server.getLocalPort();
            // granted: another port of the same host, and no listening at all
            WasiConfig config = WasiConfig.builder().allowTcpConnect("127.0.0.1", port == 65535 ? 1 : port + 1).build();
            try (Guest guest = Guest.of(strategy, "tcp.wat", config)) {
                assertThat(guest.call("echo-client", loopbackAnd(port, ComponentValue.u8List(new byte[] {1}))))
                        .isEqualTo(error("access-denied"));
                assertThat(guest.call("listen", ComponentValue.u16(0))).isEqualTo(error("access-denied"));
            }
            // nothing reached the server
            server.setSoTimeout(200);
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aGrantedAddressWithNobodyListeningIsConnectionRefused(Config.Strategy strategy) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        WasiConfig config = WasiConfig.builder().allowTcpConnect("127.0.0.1", port).build();
        try (Guest guest = Guest.of(strategy, "tcp.wat", config)) {
            assertThat(guest.call("echo-client", loopbackAnd(port, ComponentValue.u8List(new byte[] {1}))))
                    .isEqualTo(error("connection-refused"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aGuestDroppingItsReceiveStreamMidTransferClosesTheConnection(Config.Strategy strategy) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            CompletableFuture<IOException> serverEnd = flood(server);
            WasiConfig config = WasiConfig.builder().allowTcpConnect("127.0.0.1", server.getLocalPort()).build();
            try (Guest guest = Guest.of(strategy, "tcp.wat", config)) {
                long received = okNumber(guest.call("receive-some", ComponentValue.u16(server.getLocalPort()),
                        ComponentValue.u32(200_000)));
                assertThat(received).isGreaterThanOrEqualTo(200_000);
                // The host sees the drop in the guest's own turn (StreamWriter.readerDropped), without a later
                // event-loop turn (nothing runs the store's loop here, the context stays open): it stops reading
                // and closes the connection, so the writer fails (reset or broken pipe). The wait's limit only
                // turns a hang into a failure.
                assertThat(serverEnd.get(60, TimeUnit.SECONDS)).as("the server's write failed").isNotNull();
                ComponentEventLoop.runUntilIdle(guest.instance().store());
                assertThat(guest.wasi().state.liveResources()).as("host resources left").isZero();
            }
        }
    }

    /** A server that writes to its first connection until that fails; the failure (null if it never failed). */
    private static CompletableFuture<IOException> flood(ServerSocket server) {
        return CompletableFuture.supplyAsync(() -> {
            byte[] chunk = new byte[64 * 1024];
            try (Socket s = server.accept()) {
                OutputStream out = s.getOutputStream();
                for (long written = 0; written < (1L << 32); written += chunk.length) {
                    out.write(chunk);
                }
                return null;
            } catch (IOException e) {
                return e;
            }
        }, PEERS);
    }

    /** How many live threads (virtual ones included) have the name {@code name}, from a thread dump. */
    private static long threadsNamed(String name) throws IOException {
        java.nio.file.Path dump = java.nio.file.Files.createTempDirectory("threads").resolve("dump.txt");
        try {
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return java.nio.file.Files.readAllLines(dump).stream().filter(l -> l.contains("\"" + name + "\"")).count();
        } finally {
            java.nio.file.Files.deleteIfExists(dump);
            java.nio.file.Files.deleteIfExists(dump.getParent());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void closingTheGuestsContextClosesItsConnectionsAndEndsItsPumps(Config.Strategy strategy) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            CompletableFuture<IOException> serverEnd = flood(server);
            WasiConfig config = WasiConfig.builder().allowTcpConnect("127.0.0.1", server.getLocalPort()).build();
            // the guest starts receiving, drops everything at once and returns: nothing runs its event loop again
            try (Guest guest = Guest.of(strategy, "tcp.wat", config)) {
                okNumber(guest.call("receive-some", ComponentValue.u16(server.getLocalPort()), ComponentValue.u32(0)));
            }
            assertThat(serverEnd.get(60, TimeUnit.SECONDS)).as("the server's write failed").isNotNull();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (threadsNamed("basalt-wasi-p3-receive") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(threadsNamed("basalt-wasi-p3-receive")).as("receive pumps left").isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aDatagramGoesToAGrantedPeerAndItsReplyComesBack(Config.Strategy strategy) throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            // replies to the sender with the datagram reversed
            CompletableFuture<Void> replying = CompletableFuture.runAsync(() -> {
                try {
                    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
                    peer.receive(p);
                    byte[] reply = Arrays.copyOf(p.getData(), p.getLength());
                    for (int i = 0; i < reply.length / 2; i++) {
                        byte t = reply[i];
                        reply[i] = reply[reply.length - 1 - i];
                        reply[reply.length - 1 - i] = t;
                    }
                    peer.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, PEERS);
            byte[] hello = "hello, udp".getBytes(StandardCharsets.UTF_8);
            WasiConfig config = WasiConfig.builder().allowUdpSend("127.0.0.1", peer.getLocalPort()).build();
            try (Guest guest = Guest.of(strategy, "udp.wat", config)) {
                ComponentValue result = guest.call("udp-echo",
                        loopbackAnd(peer.getLocalPort(), ComponentValue.u8List(hello)));
                assertThat(new String(okBytes(result), StandardCharsets.UTF_8)).isEqualTo("pdu ,olleh");
                replying.get(30, TimeUnit.SECONDS);
            }
            // not granted: refused before sending
            try (Guest guest = Guest.of(strategy, "udp.wat", WasiConfig.builder().build())) {
                assertThat(guest.call("udp-echo", loopbackAnd(peer.getLocalPort(), ComponentValue.u8List(hello))))
                        .isEqualTo(error("access-denied"));
            }
        }
    }
}
