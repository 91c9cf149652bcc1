package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Store;
import dev.basalt.component.ComponentLinker;
import dev.basalt.wasi.WasiConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The C program src/test/c-p2/sockets.c (wasi:sockets through hand-written canonical-ABI imports, a command
 * component made by build-test-components.sh) on both engines, against Java servers and clients on ephemeral
 * loopback ports: TCP connect and echo, TCP listen and accept, UDP round trip, name lookup, and the
 * {@code access-denied} the guest sees for each operation outside its grants.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WasiSocketsProgramTest {
    record Run(int exit, String out) {
    }

    final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    /** Runs the sockets program with {@code config}'s grants; its stdout also goes to {@code watch}. */
    static Run run(Config.Strategy strategy, WasiConfig.Builder config, OutputStream watch, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStream tee = new OutputStream() {
            @Override
            public synchronized void write(int b) throws IOException {
                out.write(b);
                watch.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                watch.write(b, off, len);
            }
        };
        config.args("sockets").args(args).stdout(tee).stderr(tee);
        var engine = WasiComponentProgramsTest.engine(strategy);
        ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
        WasiPreview2.addToLinker(linker, ctx -> ctx);
        try (WasiComponentContext wasi = WasiComponentContext.create(config.build())) {
            Store<WasiComponentContext> store = Store.create(engine, wasi);
            int exit = WasiPreview2.runCommand(linker.instantiate(store,
                    WasiComponentProgramsTest.component(strategy, "sockets")));
            wasi.flush();
            return new Run(exit, out.toString(StandardCharsets.UTF_8));
        }
    }

    static Run run(Config.Strategy strategy, WasiConfig.Builder config, String... args) {
        return run(strategy, config, OutputStream.nullOutputStream(), args);
    }

    ServerSocket echoServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        Thread t = new Thread(() -> {
            try (Socket c = server.accept(); InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // the guest's side of the test reports what went wrong
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void tcpConnectAndEcho(Config.Strategy engine) throws IOException {
        ServerSocket server = echoServer();
        int port = server.getLocalPort();
        Run r = run(engine, WasiConfig.builder().allowTcpConnect("127.0.0.1", port), "tcp-echo", "" + port, "hello");
        assertThat(r).isEqualTo(new Run(0, "echo: hello\n"));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void tcpConnectToAPortNotGrantedIsDenied(Config.Strategy engine) throws IOException {
        ServerSocket granted = echoServer();
        ServerSocket listening = echoServer();
        Run r = run(engine, WasiConfig.builder().allowTcpConnect("127.0.0.1", granted.getLocalPort()),
                "tcp-echo", "" + listening.getLocalPort(), "hello");
        assertThat(r).isEqualTo(new Run(1, "error access-denied at start-connect\n"));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void tcpListenAndAcceptAJavaClient(Config.Strategy engine) throws Exception {
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        OutputStream watch = new OutputStream() {
            final StringBuilder line = new StringBuilder();

            @Override
            public void write(int b) {
                if (b != '\n') {
                    line.append((char) b);
                    return;
                }
                Matcher m = Pattern.compile("listening (\\d+)").matcher(line);
                if (m.matches()) {
                    listening.complete(Integer.parseInt(m.group(1)));
                }
                line.setLength(0);
            }
        };
        CompletableFuture<Run> guest = CompletableFuture.supplyAsync(
                () -> run(engine, WasiConfig.builder().allowTcpListen("127.0.0.1", 0), watch, "tcp-serve", "0"));
        int port = listening.get(30, TimeUnit.SECONDS);
        String reply;
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.getOutputStream().write("hello guest\n".getBytes(StandardCharsets.UTF_8));
            reply = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(reply).isEqualTo("you said: hello guest\n");
        assertThat(guest.get(30, TimeUnit.SECONDS)).isEqualTo(new Run(0, "listening " + port + "\nserved: hello guest\n"));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void bindWithoutAListenGrantIsDenied(Config.Strategy engine) {
        assertThat(run(engine, WasiConfig.builder(), "tcp-serve", "0"))
                .isEqualTo(new Run(1, "error access-denied at start-bind\n"));
        // a grant for another address does not help
        assertThat(run(engine, WasiConfig.builder().allowTcpListen("127.0.0.2", 0), "tcp-serve", "0"))
                .isEqualTo(new Run(1, "error access-denied at start-bind\n"));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void udpRoundTrip(Config.Strategy engine) throws Exception {
        DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            try {
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                server.receive(p);
                byte[] reply = ("re:" + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
                server.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        int port = server.getLocalPort();
        Run r = run(engine, WasiConfig.builder().allowUdpSend("127.0.0.1", port), "udp-echo", "" + port, "ping");
        echo.get(30, TimeUnit.SECONDS);
        assertThat(r).isEqualTo(new Run(0, "udp: re:ping from " + port + "\n"));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void udpOutsideTheGrantIsDenied(Config.Strategy engine) throws IOException {
        DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        cleanup.add(server);
        int port = server.getLocalPort();
        assertThat(run(engine, WasiConfig.builder(), "udp-echo", "" + port, "ping"))
                .isEqualTo(new Run(1, "error access-denied at start-bind\n"));
        assertThat(run(engine, WasiConfig.builder().allowUdpSend("127.0.0.1", port == 65535 ? 1 : port + 1),
                "udp-echo", "" + port, "ping")).isEqualTo(new Run(1, "error access-denied at stream\n"));
    }

    @ParameterizedTest
    @EnumSource(names = {"INTERPRETER", "COMPILER"})
    void lookupOfLocalhostOnlyWhenGranted(Config.Strategy engine) throws IOException {
        Run r = run(engine, WasiConfig.builder().allowIpNameLookup("localhost"), "lookup", "localhost");
        assertThat(r.exit()).isZero();
        StringBuilder expected = new StringBuilder();
        for (InetAddress a : InetAddress.getAllByName("localhost")) {
            expected.append("address ").append(a.getAddress().length == 4 ? a.getHostAddress()
                    : a.getHostAddress().replaceAll("%.*", "")).append('\n');
        }
        assertThat(r.out()).isEqualTo(expected.toString()).contains("address 127.0.0.1\n");
        assertThat(run(engine, WasiConfig.builder(), "lookup", "localhost"))
                .isEqualTo(new Run(1, "error access-denied at resolve-addresses\n"));
        assertThat(run(engine, WasiConfig.builder().allowIpNameLookup("example.org"), "lookup", "localhost"))
                .isEqualTo(new Run(1, "error access-denied at resolve-addresses\n"));
    }
}
