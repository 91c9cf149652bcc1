package dev.basalt.testkit;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry for tests: the CNCF distribution server ({@code docker-registry} as Debian packages it,
 * {@code registry} elsewhere) started on a free loopback port with filesystem storage in a directory the test
 * owns, and a configuration written here (optionally with an {@code auth:} section, e.g. the token flow). Tests
 * check {@link #binary()} first and skip loudly when it is missing; {@link #close()} stops the process.
 */
public final class DockerRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private DockerRegistry(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The registry server binary, if installed. */
    public static Optional<Path> binary() {
        return Executables.find("docker-registry", "registry");
    }

    /**
     * Starts a registry storing into {@code dir}; {@code authYaml} is the configuration's {@code auth:} section
     * (indented by two spaces under it) or empty for an open registry.
     */
    public static DockerRegistry start(Path dir, String authYaml) throws IOException, InterruptedException {
        Path bin = binary().orElseThrow(() -> new IllegalStateException("docker-registry is not installed"));
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path config = dir.resolve("config-" + port + ".yml");
            Files.createDirectories(dir.resolve("storage"));
            Files.writeString(config, String.join("\n",
                    "version: 0.1",
                    "log:",
                    "  level: warn",
                    "  accesslog:",
                    "    disabled: true",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + dir.resolve("storage").toAbsolutePath(),
                    "  delete:",
                    "    enabled: true",
                    "http:",
                    "  addr: 127.0.0.1:" + port,
                    "  secret: basalt-test-secret",
                    authYaml.isEmpty() ? "" : "auth:\n" + authYaml,
                    ""));
            Path log = dir.resolve("registry-" + port + ".log");
            Process p = new ProcessBuilder(bin.toString(), "serve", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            DockerRegistry r = new DockerRegistry(p, port, log);
            if (r.awaitReady(Duration.ofSeconds(30))) {
                return r;
            }
            r.close();
            last = new IOException("docker-registry did not start on port " + port + ": " + Files.readString(log));
        }
        throw last;
    }

    private boolean awaitReady(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end && process.isAlive()) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                int status = c.getResponseCode();
                c.disconnect();
                if (status == 200 || status == 401) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** {@code 127.0.0.1:PORT}: the registry part of references to it. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** What the registry logged so far (for failure messages). */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
