package dev.basalt.bench;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.component.Component;
import dev.basalt.serve.WasiHttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Requests per second, latency percentiles and, above all, the server's CPU time per request of
 * {@link WasiHttpServer} serving one wasi:http component, with a load generator in the same JVM. A separate command
 * from {@link BenchMain}:
 * <pre>java -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.ServeBench [--component PATH]
 *     [--engine compiler|interpreter|auto] [--requests N] [--warmup N] [--connections N] [--path /x]
 *     [--post-bytes N] [--rounds N] [--track-writes]</pre>
 * The component is basalt-wasi's C test handler ({@code src/test/resources/wasi-http/handler.component.wasm},
 * found by walking up from the working directory) unless {@code --component} names another one (the StarlingMonkey
 * JS handler, say). The load generator is a minimal HTTP/1.1 client on plain sockets, one keep-alive connection per
 * client thread, each sending its share of the requests one after the other and reading each response to its end
 * (content-length or chunked); a response that is not 200 fails the run.
 *
 * <p>Figures per round: wall-clock requests/s and latency percentiles (meaningful only on a quiet machine), and the
 * CPU time and allocated bytes per request of the server's request threads (Jetty's pool, threads named
 * {@code qtp...}: routing, instantiation, the guest, the response) from {@link com.sun.management.ThreadMXBean},
 * which the machine's load barely changes; the process's CPU time per request (everything: client, JIT, GC) next
 * to it. The warm-up requests run first and are not counted.
 */
public final class ServeBench {
    private ServeBench() {
    }

    public static void main(String[] args) throws Exception {
        Path componentPath = null;
        String engineName = "compiler";
        int requests = 2000;
        int warmup = 1000;
        int connections = 1;
        int rounds = 3;
        String path = "/bench";
        int postBytes = -1;
        boolean trackWrites = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--component" -> componentPath = Path.of(args[++i]);
                case "--engine" -> engineName = args[++i];
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--path" -> path = args[++i];
                case "--post-bytes" -> postBytes = Integer.parseInt(args[++i]);
                case "--track-writes" -> trackWrites = true;
                default -> {
                    System.err.println("unknown argument " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (componentPath == null) {
            componentPath = findUp(Path.of("basalt-wasi/src/test/resources/wasi-http/handler.component.wasm"));
        }
        Config.Strategy strategy = switch (engineName) {
            case "compiler" -> Config.Strategy.COMPILER;
            case "interpreter" -> Config.Strategy.INTERPRETER;
            case "auto" -> Config.Strategy.AUTO;
            default -> throw new IllegalArgumentException("--engine compiler|interpreter|auto, not " + engineName);
        };
        Engine engine = Engine.create(Config.builder().strategy(strategy).trackMemoryWrites(trackWrites).build());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long compileStart = threads.getCurrentThreadCpuTime();
        Component component = Component.compile(engine, Files.readAllBytes(componentPath));
        System.out.printf(Locale.ROOT, "%s (%,d bytes), %s engine: compiled in %.1f s CPU%n", componentPath.getFileName(),
                Files.size(componentPath), engineName, (threads.getCurrentThreadCpuTime() - compileStart) / 1e9);
        byte[] body = postBytes < 0 ? null : new byte[postBytes];
        if (body != null) {
            Arrays.fill(body, (byte) 'x');
        }
        List<String> errors = new ArrayList<>();
        try (WasiHttpServer server = WasiHttpServer.builder(engine, component)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .errorLog(m -> {
                    synchronized (errors) {
                        errors.add(m);
                    }
                })
                .start()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            Load warm = run(address, path, body, warmup, connections);
            System.out.printf(Locale.ROOT, "warm-up: %,d requests, first response %d bytes: %s%n", warmup,
                    warm.sampleBody.length, abbreviate(new String(warm.sampleBody, StandardCharsets.UTF_8)));
            System.out.println("round  req/s    p50 ms   p90 ms   p99 ms   max ms | server CPU us/req  alloc KB/req"
                    + " | process CPU us/req");
            for (int r = 0; r < rounds; r++) {
                long[] cpuBefore = serverThreads(threads);
                long processBefore = processCpu();
                Load load = run(address, path, body, requests, connections);
                long[] cpuAfter = serverThreads(threads);
                long processAfter = processCpu();
                long[] lat = load.latencies;
                Arrays.sort(lat);
                System.out.printf(Locale.ROOT, "%5d %7.0f %8.2f %8.2f %8.2f %8.2f | %17.1f %13.1f | %18.1f%n", r + 1,
                        requests / (load.wallNanos / 1e9), pct(lat, 0.50) / 1e6, pct(lat, 0.90) / 1e6,
                        pct(lat, 0.99) / 1e6, lat[lat.length - 1] / 1e6,
                        (cpuAfter[0] - cpuBefore[0]) / 1e3 / requests, (cpuAfter[1] - cpuBefore[1]) / 1024.0 / requests,
                        (processAfter - processBefore) / 1e3 / requests);
            }
        }
        if (!errors.isEmpty()) {
            System.err.println(errors.size() + " requests failed on the server, the first: " + errors.getFirst());
            System.exit(1);
        }
    }

    /** One load run: every request's latency in nanoseconds, the run's wall time, the first response's body. */
    private record Load(long[] latencies, long wallNanos, byte[] sampleBody) {
    }

    private static Load run(InetSocketAddress address, String path, byte[] body, int requests, int connections)
            throws Exception {
        long[] latencies = new long[requests];
        AtomicReference<byte[]> sample = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] clients = new Thread[connections];
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            int first = (int) ((long) requests * c / connections);
            int end = (int) ((long) requests * (c + 1) / connections);
            clients[c] = new Thread(() -> {
                try (Client client = new Client(address)) {
                    for (int i = first; i < end; i++) {
                        long t0 = System.nanoTime();
                        byte[] response = client.exchange(path, body);
                        latencies[i] = System.nanoTime() - t0;
                        sample.compareAndSet(null, response);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "bench-client-" + c);
            clients[c].start();
        }
        for (Thread t : clients) {
            t.join();
        }
        long wall = System.nanoTime() - start;
        if (failure.get() != null) {
            throw new IllegalStateException("the load generator failed: " + failure.get(), failure.get());
        }
        return new Load(latencies, wall, sample.get());
    }

    /** CPU nanoseconds and allocated bytes, summed over Jetty's live pool threads. */
    private static long[] serverThreads(com.sun.management.ThreadMXBean threads) {
        long cpu = 0;
        long alloc = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("qtp")) {
                long c = threads.getThreadCpuTime(t.threadId());
                long a = threads.getThreadAllocatedBytes(t.threadId());
                cpu += Math.max(0, c);
                alloc += Math.max(0, a);
            }
        }
        return new long[] {cpu, alloc};
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static String abbreviate(String s) {
        String oneLine = s.replace("\n", "\\n");
        return oneLine.length() > 100 ? oneLine.substring(0, 100) + "..." : oneLine;
    }

    private static Path findUp(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above the working directory: give --component");
    }

    /** A minimal HTTP/1.1 client on one keep-alive connection: enough for 200 responses with a body. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String host;

        Client(InetSocketAddress address) throws IOException {
            socket = new Socket(address.getAddress(), address.getPort());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
            host = address.getHostString() + ":" + address.getPort();
        }

        /** Sends GET (or POST with {@code body}) {@code path}, returns the response body; fails unless 200. */
        byte[] exchange(String path, byte[] body) throws IOException {
            StringBuilder head = new StringBuilder(body == null ? "GET " : "POST ").append(path)
                    .append(" HTTP/1.1\r\nhost: ").append(host).append("\r\n");
            if (body != null) {
                head.append("content-type: application/octet-stream\r\ncontent-length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected response: " + status);
            }
            long length = -1;
            boolean chunked = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                        size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    content.write(in.readNBytes(size));
                    line();
                }
                // trailers, up to the empty line
                while (!line().isEmpty()) {
                    // skipped
                }
            } else if (length >= 0) {
                content.write(in.readNBytes((int) length));
            } else {
                throw new IOException("a response without a length on a keep-alive connection");
            }
            return content.toByteArray();
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("the connection closed mid-response");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
