package dev.basalt.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Health endpoints for orchestrators (Kubernetes probes, load balancers) on their own listener, apart from the
 * application's port, so that probes never compete with or get routed to guest code:
 *
 * <ul>
 *   <li>{@code GET /healthz} (liveness): 200 while the process works, also during a long start-up (pulling and
 *       compiling a large application can take minutes: a liveness probe must not kill it for that), 503 once
 *       serving failed for good ({@link #failed}).</li>
 *   <li>{@code GET /readyz} (readiness): 200 only while the application is being served ({@link #ready}) and its
 *       port accepts connections; 503 while starting, after {@link #draining} (shutdown began: take the instance
 *       out of the load balancer first) and if the port stopped accepting.</li>
 * </ul>
 *
 * Bodies are one JSON object ({@code {"status":"ready"}}). The listener uses two daemon threads of its own.
 * {@code basalt serve --admin-listen HOST:PORT} starts it.
 */
public final class HealthEndpoints implements AutoCloseable {
    /** Where the served application is in its life. */
    public enum State { STARTING, READY, DRAINING, FAILED }

    private final HttpServer server;
    private final ExecutorService threads;
    private volatile State state = State.STARTING;
    private volatile InetSocketAddress served;
    private volatile String failure = "";

    private HealthEndpoints(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Starts answering on {@code address} (port 0: a free port), in state {@link State#STARTING}. */
    public static HealthEndpoints start(InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "basalt-health");
            t.setDaemon(true);
            return t;
        });
        HealthEndpoints h = new HealthEndpoints(server, threads);
        server.createContext("/", h::handle);
        server.setExecutor(threads);
        server.start();
        return h;
    }

    /** The application is served at {@code address}: readiness now follows whether that port accepts connections. */
    public void ready(InetSocketAddress address) {
        served = address;
        state = State.READY;
    }

    /** Shutdown began: not ready any more (liveness stays fine while requests drain). */
    public void draining() {
        if (state != State.FAILED) {
            state = State.DRAINING;
        }
    }

    /** Serving failed for good: liveness fails too, so that the orchestrator restarts the process. */
    public void failed(String reason) {
        failure = reason;
        state = State.FAILED;
    }

    public State state() {
        return state;
    }

    /** The port the endpoints listen on. */
    public int port() {
        return server.getAddress().getPort();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                respond(exchange, 405, "{\"error\":\"GET or HEAD\"}");
                return;
            }
            State s = state;
            switch (path) {
                case "/healthz", "/livez" -> respond(exchange, s == State.FAILED ? 503 : 200,
                        "{\"status\":\"" + (s == State.FAILED ? "failed\",\"reason\":" + quote(failure) : "alive\",\"state\":\""
                                + s.name().toLowerCase(java.util.Locale.ROOT) + "\"") + "}");
                case "/readyz" -> {
                    boolean ready = s == State.READY && accepts(served);
                    String status = s == State.READY ? (ready ? "ready" : "not accepting connections")
                            : s.name().toLowerCase(java.util.Locale.ROOT);
                    respond(exchange, ready ? 200 : 503, "{\"status\":\"" + status + "\"}");
                }
                default -> respond(exchange, 404, "{\"error\":\"not found: /healthz (liveness) and /readyz (readiness)\"}");
            }
        }
    }

    /** A connect to the served port (its loopback form for a wildcard address) within a second. */
    private static boolean accepts(InetSocketAddress address) {
        if (address == null) {
            return false;
        }
        InetAddress host = address.getAddress() == null || address.getAddress().isAnyLocalAddress()
                ? InetAddress.getLoopbackAddress() : address.getAddress();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, address.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = (json + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
