package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code basalt run} of a WASI 0.3 command that is a TCP client through {@code wasi:sockets@0.3.0} (basalt-wasi's
 * src/test/resources/wasi-sockets-p3/client-command.wat) against a real socket of the test's, on both engines:
 * granted by {@code --tcp-connect} it sends, ends its data, and prints the peer's answer; without the grant its
 * connect is refused with {@code access-denied} and the command exits 1. The process must end by itself once
 * {@code run} returned (the timeout only turns a hang into a failure).
 */
class ComponentP3SocketsRunTest {
    static Path fixture(String name) {
        String relative = "basalt-wasi/src/test/resources/wasi-sockets-p3/" + name;
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Answers one connection: reads until the client ends its data, then sends "pong: " and it back and closes. */
    private static Thread answerOne(ServerSocket server) {
        return Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                byte[] data = in.readAllBytes();
                OutputStream out = s.getOutputStream();
                out.write("pong: ".getBytes(StandardCharsets.UTF_8));
                out.write(data);
                out.flush();
            } catch (IOException e) {
                // the test's assertions on the command's output report what went wrong
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aGrantedConnectionSendsAndReceives(String engine) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = answerOne(server);
            String port = String.valueOf(server.getLocalPort());
            CliRun r = CliRun.of("run", "--engine", engine, "--tcp-connect", "127.0.0.1:" + port,
                    fixture("client-command.wat").toString(), port);
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).isEqualTo("received: pong: ping from a 0.3 command\n");
            assertThat(r.code()).isZero();
            peer.join();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aConnectionOutsideTheGrantsIsDenied(String engine) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(server.getLocalPort());
            CliRun r = CliRun.of("run", "--engine", engine, "--tcp-connect", "127.0.0.1:1",
                    fixture("client-command.wat").toString(), port);
            assertThat(r.out()).isEqualTo("connect: err 00\n");
            assertThat(r.code()).isEqualTo(1);
        }
    }
}
