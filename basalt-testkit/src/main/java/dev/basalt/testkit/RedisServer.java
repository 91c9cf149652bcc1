package dev.basalt.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A real redis-server for tests, on an ephemeral port, without persistence; stopped by {@link #close()}. Tests
 * skip loudly when {@link #binary()} is empty ({@code assumeTrue(RedisServer.binary().isPresent(), ...)});
 * {@code .ci/run} installs redis-server with apt.
 */
public final class RedisServer implements AutoCloseable {
    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The message for a test that skips without the binary. */
    public static final String MISSING = "redis-server is not installed (apt-get install redis-server): SKIPPED";

    /**
     * Starts a server.
     *
     * @throws IOException if there is no redis-server binary or it does not come up
     */
    public static RedisServer start() throws IOException, InterruptedException {
        Optional<Path> binary = binary();
        if (binary.isEmpty()) {
            throw new IOException(MISSING);
        }
        for (int attempt = 0; ; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Process p = new ProcessBuilder(binary.get().toString(), "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            RedisServer server = new RedisServer(p, port);
            if (server.awaitPing()) {
                return server;
            }
            server.close();
            if (attempt == 2) {
                throw new IOException("redis-server did not answer PING on port " + port);
            }
        }
    }

    /** The redis-server on the PATH, if any. */
    public static Optional<Path> binary() {
        return Executables.find("redis-server");
    }

    private boolean awaitPing() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] reply = new byte[7];
                int n = in.readNBytes(reply, 0, 7);
                if (new String(reply, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n")) {
                    return true;
                }
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
