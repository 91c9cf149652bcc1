package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code basalt serve}: starts the server in-process on an ephemeral port with basalt-wasi's C test handler, talks
 * HTTP to it, and stops it by interrupting the command's thread; plus the usage errors.
 */
class ServeCommandTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static Path handler() {
        String relative = "basalt-wasi/src/test/resources/wasi-http/handler.component.wasm";
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** Collects output and completes {@link #url} with the address the command announces. */
    static final class Announcements extends Writer {
        final StringBuilder text = new StringBuilder();
        final CompletableFuture<String> url = new CompletableFuture<>();

        @Override
        public synchronized void write(char[] buf, int off, int len) {
            text.append(buf, off, len);
            Matcher m = Pattern.compile("on (https?://\\S+/)\n").matcher(text);
            if (m.find()) {
                url.complete(m.group(1));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /**
     * A {@code basalt serve} command on a thread of its own, its output collected, serving at {@link #base} (the
     * address it announced). {@link #stop} stops it as Ctrl-C does, by interrupting the thread.
     */
    static final class ServeRun {
        final Announcements out = new Announcements();
        final StringWriter err = new StringWriter();
        final String base;
        private final Thread thread;
        private volatile int code = -1;

        ServeRun(String... args) throws Exception {
            thread = new Thread(() -> code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true)));
            thread.start();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2); // a safety net, not a timing assumption
            String announced = null;
            // until the command announces its address, ends without doing so (a usage error), or the net is reached
            while (announced == null && thread.isAlive() && System.nanoTime() < deadline) {
                try {
                    announced = out.url.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // not yet
                }
            }
            if (announced == null && out.url.isDone()) {
                announced = out.url.get();
            }
            if (announced == null) {
                stop();
                throw new AssertionError("no announcement (exit code " + code + "); err: " + err);
            }
            base = announced;
        }

        /** Stops the command and waits for it to end. */
        void stop() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.MINUTES.toMillis(1));
            assertThat(thread.isAlive()).as("basalt serve still runs a minute after it was stopped").isFalse();
        }

        /** The command's exit code (-1 while it runs). */
        int code() {
            return code;
        }
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesUntilStoppedAndLogsTraps() throws Exception {
        ServeRun serve = new ServeRun("serve", handler().toString(), "--listen", "127.0.0.1:0", "--engine",
                "interpreter", "--env", "A=1", "--allow-outbound", "127.0.0.1:1", "--fuel", "100000000");
        String base = serve.base;
        assertThat(base).matches("http://127\\.0\\.0\\.1:\\d+/");
        try {
            HttpResponse<String> counter = get(base + "counter");
            assertThat(counter.statusCode()).isEqualTo(200);
            assertThat(counter.body()).isEqualTo("count=1\n");
            assertThat(get(base + "counter").body()).isEqualTo("count=1\n");
            assertThat(get(base + "trap").statusCode()).isEqualTo(500);
            assertThat(serve.err.toString())
                    .startsWith("basalt serve: GET /trap (app): the guest trapped: unreachable").contains("handle");
            assertThat(get(base + "outbound/127.0.0.1:2/").body()).isEqualTo("error-code: HTTP-request-denied\n");
        } finally {
            serve.stop();
        }
        assertThat(serve.code()).isZero();
        assertThatThrownBy(() -> get(base)).isInstanceOf(ConnectException.class);
    }

    @Test
    void servesASpinStyleManifest(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.copy(handler(), dir.resolve("hello.wasm"));
        Path manifest = Files.writeString(dir.resolve("spin.toml"), """
                spin_manifest_version = 2
                [application]
                name = "hello"
                [[trigger.http]]
                route = "/hello/..."
                component = "hello"
                [component.hello]
                source = "hello.wasm"
                """);
        // spin up's spelling: -f DIR (its spin.toml), -e for every component's environment; --addr as wasmtime serve
        ServeRun serve = new ServeRun("serve", "-f", dir.toString(), "-e", "GREETING=hi", "--addr", "127.0.0.1:0",
                "--engine", "interpreter");
        try {
            String base = serve.base;
            HttpResponse<String> hello = get(base + "hello/x");
            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(hello.body()).startsWith("GET /hello/x\n").contains("\nspin-path-info: /x\n");
            assertThat(get(base + "other").statusCode()).isEqualTo(404);
        } finally {
            serve.stop();
        }
        assertThat(serve.code()).isZero();
        CliRun withGrants = CliRun.of("serve", manifest.toString(), "--dir", dir.toString());
        assertThat(withGrants.code()).isEqualTo(2);
        assertThat(withGrants.err()).contains("each component's grants come from the manifest");
        CliRun twice = CliRun.of("serve", manifest.toString(), "-f", dir.toString());
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("FILE or -f/--from, not both");
        CliRun emptyDir = CliRun.of("serve", "-f", Files.createDirectory(dir.resolve("empty")).toString());
        assertThat(emptyDir.code()).isEqualTo(2);
        assertThat(emptyDir.err()).contains("is a directory without spin.toml");
    }

    /** wasmtime serve's -W spellings of the per-request limits: here a memory cap too small to instantiate. */
    @Test
    void wasmtimeStyleLimitsApplyPerRequest() throws Exception {
        ServeRun serve = new ServeRun("serve", handler().toString(), "--addr", "127.0.0.1:0", "--engine",
                "interpreter", "-W", "max-memory-size=65536,fuel=100000000");
        try {
            String base = serve.base;
            // one 64 KiB page is less than the handler's data and heap need: each request's instantiation fails
            assertThat(get(base + "counter").statusCode()).isEqualTo(500);
            assertThat(serve.err.toString()).startsWith("basalt serve: GET /counter (app): ");
        } finally {
            serve.stop();
        }
        assertThat(serve.code()).isZero();
        CliRun unknown = CliRun.of("serve", handler().toString(), "-W", "epoch-interruption=y");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("-W epoch-interruption is not supported by basalt serve");
    }

    /** Without FILE, basalt serve looks for spin.toml in the current directory, as spin up does. */
    @Test
    void withoutAFileItWantsASpinTomlHere() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("spin.toml")),
                "the working directory has a spin.toml");
        CliRun none = CliRun.of("serve");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("no application given and no spin.toml in the current directory");
    }

    /**
     * One application routing to a WASI 0.3 service (basalt-wasi's wasi-http-p3/echo.wat, written as a binary) and
     * to a WASI 0.2 handler: the world of each route's component is detected from its exports.
     */
    @Test
    void servesWasi03AndWasi02ComponentsSideBySide(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path echoWat = handler().getParent().getParent().resolve("wasi-http-p3/echo.wat");
        Files.write(dir.resolve("echo.wasm"), dev.basalt.component.binary.ComponentBinaryWriter.write(
                dev.basalt.component.text.ComponentTextParser.parse(Files.readString(echoWat))));
        Files.copy(handler(), dir.resolve("v2.wasm"));
        Path manifest = Files.writeString(dir.resolve("spin.toml"), """
                spin_manifest_version = 2
                [application]
                name = "both"
                [[trigger.http]]
                route = "/echo/..."
                component = "echo"
                [[trigger.http]]
                route = "/v2/..."
                component = "v2"
                [component.echo]
                source = "echo.wasm"
                [component.v2]
                source = "v2.wasm"
                """);
        ServeRun serve = new ServeRun("serve", manifest.toString(), "--listen", "127.0.0.1:0", "--engine",
                "interpreter");
        try {
            String base = serve.base;
            HttpResponse<String> echo = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "echo/x?y=1"))
                    .POST(HttpRequest.BodyPublishers.ofString("streamed")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(echo.statusCode()).isEqualTo(200);
            assertThat(echo.headers().firstValue("x-path")).hasValue("/echo/x?y=1");
            assertThat(echo.body()).isEqualTo("echo:streamed");
            HttpResponse<String> v2 = get(base + "v2/x");
            assertThat(v2.statusCode()).isEqualTo(200);
            assertThat(v2.body()).startsWith("GET /v2/x\n");
        } finally {
            serve.stop();
        }
        assertThat(serve.code()).isZero();
        assertThat(serve.err.toString()).isEmpty();
    }

    /**
     * {@code --next-handler}: a WASI 0.3 middleware (basalt-wasi's wasi-http-p3/middleware.wat, given as text) in
     * front of the echo service, run in-process; a next handler for a component that is no middleware is a usage
     * error.
     */
    @Test
    void servesAMiddlewareWithItsNextHandler() throws Exception {
        Path p3 = handler().getParent().getParent().resolve("wasi-http-p3");
        ServeRun serve = new ServeRun("serve", p3.resolve("middleware.wat").toString(), "--next-handler",
                p3.resolve("echo.wat").toString(), "--listen", "127.0.0.1:0", "--engine", "interpreter");
        try {
            String base = serve.base;
            HttpResponse<String> r = post(base + "through?x=1", "the chain");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-middleware")).hasValue("seen");
            assertThat(r.headers().firstValue("x-path")).hasValue("/through?x=1");
            assertThat(r.body()).isEqualTo("echo:the chain");
        } finally {
            serve.stop();
        }
        assertThat(serve.code()).isZero();
        assertThat(serve.err.toString()).isEmpty();

        CliRun notAMiddleware = CliRun.of("serve", p3.resolve("echo.wat").toString(), "--next-handler",
                p3.resolve("echo.wat").toString(), "--listen", "127.0.0.1:0");
        assertThat(notAMiddleware.code()).isEqualTo(2);
        assertThat(notAMiddleware.err()).contains("no wasi:http/middleware");
    }

    static Path kvHandler() {
        Path wasi = handler();
        Path p = wasi.getParent().getParent().getParent().getParent().getParent().getParent()
                .resolve("basalt-spin/src/test/resources/kv-handler.component.wasm");
        assertThat(p).as("basalt-spin's kv-handler fixture").isRegularFile();
        return p;
    }

    static HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesKeyValueStoresAndVariables(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.copy(kvHandler(), dir.resolve("kv.wasm"));
        Path manifest = Files.writeString(dir.resolve("spin.toml"), """
                spin_manifest_version = 2
                [variables]
                token = { required = true }
                [[trigger.http]]
                route = "/..."
                component = "kv"
                [component.kv]
                source = "kv.wasm"
                key_value_stores = ["default", "mem"]
                variables = { auth = "Bearer {{ token }}" }
                """);
        Path rc = Files.writeString(dir.resolve("rc.toml"), "[key_value_store.mem]\ntype = \"memory\"\n");
        Path migration = Files.writeString(dir.resolve("migration.sql"), "INSERT INTO t VALUES (2);\nINSERT INTO t VALUES (3);\n");
        // spin up's seeding: --key-value into the default store (the last of a key wins), --sqlite statements or
        // @FILE against the default database, in order
        ServeRun serve = new ServeRun("serve", manifest.toString(), "--listen", "127.0.0.1:0", "--engine",
                "interpreter", "--runtime-config-file", rc.toString(), "--variable", "token=abc", "--state-dir",
                dir.resolve("state").toString(), "--key-value", "seeded=once", "--key-value", "seeded=twice",
                "--sqlite", "CREATE TABLE t(x); INSERT INTO t VALUES (1)", "--sqlite", "@" + migration);
        try {
            String base = serve.base;
            assertThat(post(base + "spin/default/set/k", "v").body()).isEqualTo("ok");
            assertThat(post(base + "spin/default/get/k", "").body()).isEqualTo("v");
            assertThat(post(base + "wasi/mem/incr/n", "2").body()).isEqualTo("2");
            assertThat(post(base + "var/auth", "").body()).isEqualTo("Bearer abc");
            assertThat(post(base + "spin/default/get/seeded", "").body()).isEqualTo("twice");
        } finally {
            serve.stop();
        }
        assertThat(serve.code()).isZero();
        assertThat(dir.resolve("state/sqlite_key_value.db")).as("--state-dir").isRegularFile();
        try (dev.basalt.spin.sqlite.SqliteDatabase db = dev.basalt.spin.sqlite.SqliteDatabase.open(
                dir.resolve("state/sqlite_db.db"), dev.basalt.spin.sqlite.SqliteDatabase.Limits.DEFAULT)) {
            assertThat(db.execute("SELECT group_concat(x) FROM t", java.util.List.of()).rows().toString())
                    .as("--sqlite ran in order").contains("1,2,3");
        }
        CliRun badSql = CliRun.of("serve", manifest.toString(), "--runtime-config-file", rc.toString(),
                "--variable", "token=abc", "--state-dir", dir.resolve("state").toString(), "--sqlite", "CREATE nonsense");
        assertThat(badSql.code()).isEqualTo(2);
        assertThat(badSql.err()).contains("--sqlite: ").contains("CREATE nonsense");
        CliRun badKeyValue = CliRun.of("serve", manifest.toString(), "--key-value", "novalue");
        assertThat(badKeyValue.code()).isEqualTo(2);
        assertThat(badKeyValue.err()).contains("--key-value needs KEY=VALUE");
        assertThat(dir.resolve(".spin")).doesNotExist();
        CliRun noToken = CliRun.of("serve", manifest.toString(), "--runtime-config-file", rc.toString());
        assertThat(noToken.code()).isEqualTo(2);
        assertThat(noToken.err()).contains("the required variable `token` has no value");
        CliRun badVariable = CliRun.of("serve", manifest.toString(), "--variable", "token");
        assertThat(badVariable.code()).isEqualTo(2);
        assertThat(badVariable.err()).contains("--variable needs NAME=VALUE");
        CliRun bare = CliRun.of("serve", handler().toString(), "--runtime-config-file", rc.toString());
        assertThat(bare.code()).isEqualTo(2);
        assertThat(bare.err()).contains("--runtime-config-file, --state-dir, --variable, --key-value and --sqlite need a manifest");
        CliRun bareSeed = CliRun.of("serve", handler().toString(), "--key-value", "a=b");
        assertThat(bareSeed.code()).isEqualTo(2);
        assertThat(bareSeed.err()).contains("need a manifest");
    }

    @Test
    void usageErrors() throws IOException {
        CliRun notAComponent = CliRun.of("serve", ComponentCommandRunTest.fixture("hello").getParent().getParent()
                .resolve("wasi/hello.wasm").toString());
        assertThat(notAComponent.code()).isEqualTo(2);
        assertThat(notAComponent.err()).contains("is not a component");
        CliRun command = CliRun.of("serve", ComponentCommandRunTest.fixture("hello").toString());
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err()).contains("the component is not an HTTP handler");
        CliRun badGrant = CliRun.of("serve", handler().toString(), "--allow-outbound", "ftp://x");
        assertThat(badGrant.code()).isEqualTo(2);
        assertThat(badGrant.err()).contains("--allow-outbound: not an outbound host grant");
        CliRun badListen = CliRun.of("serve", handler().toString(), "--listen", "127.0.0.1:http");
        assertThat(badListen.code()).isEqualTo(2);
        assertThat(badListen.err()).contains("--listen wants HOST:PORT");
        CliRun badLevel = CliRun.of("serve", handler().toString(), "--log-level", "loud");
        assertThat(badLevel.code()).isEqualTo(2);
        assertThat(badLevel.err()).contains("--log-level: unknown log level 'loud'");
        CliRun badFormat = CliRun.of("serve", handler().toString(), "--access-log", "-", "--access-log-format", "fancy");
        assertThat(badFormat.code()).isEqualTo(2);
        assertThat(badFormat.err()).contains("--access-log-format: unknown access log format fancy");
        CliRun certOnly = CliRun.of("serve", handler().toString(), "--tls-cert", tls("cert.pem").toString());
        assertThat(certOnly.code()).isEqualTo(2);
        assertThat(certOnly.err()).contains("--tls-cert and --tls-key go together");
        CliRun keyIsNoKey = CliRun.of("serve", handler().toString(), "--tls-cert", tls("cert.pem").toString(),
                "--tls-key", tls("cert.pem").toString());
        assertThat(keyIsNoKey.code()).isEqualTo(2);
        assertThat(keyIsNoKey.err()).contains("no PEM private key");
        CliRun noConcurrency = CliRun.of("serve", handler().toString(), "--max-concurrent-requests", "0");
        assertThat(noConcurrency.code()).isEqualTo(2);
        assertThat(noConcurrency.err()).contains("--max-concurrent-requests must be positive");
    }

    /**
     * {@code --otel} with the OTLP exporter sending to a stand-in collector (http/protobuf on a free port, set by
     * the {@code otel.*} system properties, which autoconfigure reads as it reads the variables), an access log
     * file and {@code --log-level info}, which lets Jetty's start-up line through the CLI's SLF4J provider.
     */
    @Test
    void exportsTracesAndMetricsWritesAnAccessLogAndLogsAtTheGivenLevel(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        OtlpCollector collector = OtlpCollector.start();
        java.util.List<String> received = collector.received;
        java.util.Map<String, byte[]> bodies = collector.bodies;
        java.util.Map<String, String> properties = java.util.Map.of(
                "otel.exporter.otlp.endpoint", collector.endpoint(),
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.bsp.schedule.delay", "50",
                "otel.metric.export.interval", "200");
        properties.forEach(System::setProperty);
        java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
        dev.basalt.cli.logging.CliLogging.output(new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
        Path accessLog = dir.resolve("access.log");
        Announcements out = new Announcements();
        StringWriter err = new StringWriter();
        int[] code = {-1};
        Thread command = new Thread(() -> code[0] = Main.run(new String[] {"serve", handler().toString(),
                "--listen", "127.0.0.1:0", "--engine", "interpreter", "--otel", "--log-level", "warn,org.eclipse.jetty.server=info",
                "--access-log", accessLog.toString()}, new PrintWriter(out, true), new PrintWriter(err, true)));
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        try {
            command.start();
            String base;
            try {
                base = out.url.get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no announcement; err: " + err, e);
            }
            HttpResponse<String> counter = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "counter"))
                    .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(counter.statusCode()).isEqualTo(200);
        } finally {
            command.interrupt();
            command.join(TimeUnit.MINUTES.toMillis(1));
            properties.keySet().forEach(System::clearProperty);
            dev.basalt.cli.logging.CliLogging.output(System.err);
            dev.basalt.cli.logging.CliLogging.configure("warn");
            collector.stop();
        }
        assertThat(command.isAlive()).isFalse();
        assertThat(code[0]).as("err: " + err).isZero();
        // stopping flushed what was not exported yet: the request's span, in the caller's trace, and its duration
        assertThat(received).contains("/v1/traces", "/v1/metrics");
        assertThat(indexOf(bodies.get("/v1/traces"), java.util.HexFormat.of().parseHex(traceId))).isNotNegative();
        assertThat(new String(bodies.get("/v1/metrics"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("http.server.request.duration").contains("basalt.instantiation.duration");
        assertThat(Files.readAllLines(accessLog)).singleElement().asString()
                .matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /counter HTTP/1\\.1\" 200 8 \"-\" \"[^\"]+\"");
        // Jetty's start-up line came through the CLI's SLF4J provider, at the level given for its logger
        assertThat(logged.toString(java.nio.charset.StandardCharsets.UTF_8))
                .containsPattern("INFO  \\[[^]]+] org\\.eclipse\\.jetty\\.server\\.Server: Started ");
    }

    /**
     * {@code --otel} exports the guest's logs over OTLP too: the logging echo service (basalt-serve's
     * logging/echo-logging.wat) logs through wasi:logging and writes two lines to stderr; the stand-in collector
     * receives them at /v1/logs, in the request's trace.
     */
    @Test
    void exportsTheGuestsLogsOverOtlp() throws Exception {
        OtlpCollector collector = OtlpCollector.start();
        java.util.Map<String, byte[]> bodies = collector.bodies;
        java.util.Map<String, String> properties = java.util.Map.of(
                "otel.exporter.otlp.endpoint", collector.endpoint(),
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.metrics.exporter", "none",
                "otel.blrp.schedule.delay", "50");
        properties.forEach(System::setProperty);
        Path guest = handler().getParent().getParent().getParent().getParent().getParent().getParent()
                .resolve("basalt-serve/src/test/resources/logging/echo-logging.wat");
        Announcements out = new Announcements();
        StringWriter err = new StringWriter();
        int[] code = {-1};
        Thread command = new Thread(() -> code[0] = Main.run(new String[] {"serve", guest.toString(),
                "--listen", "127.0.0.1:0", "--engine", "interpreter", "--otel"}, new PrintWriter(out, true),
                new PrintWriter(err, true)));
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        try {
            command.start();
            String base;
            try {
                base = out.url.get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no announcement; err: " + err, e);
            }
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base + "x"))
                    .header("traceparent", "00-" + traceId + "-b7ad6b7169203331-01")
                    .POST(HttpRequest.BodyPublishers.ofString("hi")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("echo:hi");
        } finally {
            command.interrupt();
            command.join(TimeUnit.MINUTES.toMillis(1));
            properties.keySet().forEach(System::clearProperty);
            collector.stop();
        }
        assertThat(code[0]).as("err: " + err).isZero();
        // stopping flushed the records
        byte[] logs = bodies.get("/v1/logs");
        assertThat(logs).as("paths received: %s", bodies.keySet()).isNotNull();
        assertThat(new String(logs, java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("handling a request").contains("line one").contains("line two").contains("WARN")
                .contains("to stdout");
        assertThat(indexOf(logs, java.util.HexFormat.of().parseHex(traceId))).isNotNegative();
    }

    /**
     * A stand-in OTLP collector (http/protobuf on a free port): it answers every export with 200 and keeps the paths
     * it was sent to, in order, and the bodies per path, concatenated.
     */
    private static final class OtlpCollector {
        final java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.Map<String, byte[]> bodies = new java.util.concurrent.ConcurrentHashMap<>();
        private final com.sun.net.httpserver.HttpServer server;

        private OtlpCollector() throws IOException {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getPath();
                received.add(path);
                bodies.merge(path, body, (a, b) -> {
                    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, both, a.length, b.length);
                    return both;
                });
                exchange.getResponseHeaders().add("content-type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
        }

        static OtlpCollector start() throws IOException {
            OtlpCollector c = new OtlpCollector();
            c.server.start();
            return c;
        }

        /** What {@code otel.exporter.otlp.endpoint} is set to. */
        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void stop() {
            server.stop(0);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** basalt-serve's TLS test fixtures (a self-signed certificate for 127.0.0.1 and its key). */
    static Path tls(String name) {
        return handler().getParent().getParent().getParent().getParent().getParent().getParent()
                .resolve("basalt-serve/src/test/resources/tls").resolve(name);
    }

    @Test
    void servesHttpsWithABodyCap() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (java.io.InputStream in = Files.newInputStream(tls("cert.pem"))) {
            trust.setCertificateEntry("test", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl).build();
        ServeRun serve = new ServeRun("serve", handler().toString(), "--listen", "127.0.0.1:0", "--engine",
                "interpreter", "--tls-cert", tls("cert.pem").toString(), "--tls-key", tls("key.pem").toString(),
                "--max-request-body", "8", "--max-concurrent-requests", "4", "--drain-timeout", "1s");
        try {
            String base = serve.base;
            assertThat(base).matches("https://127\\.0\\.0\\.1:\\d+/");
            HttpResponse<String> counter = client.send(HttpRequest.newBuilder(URI.create(base + "counter")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(counter.body()).isEqualTo("count=1\n");
            HttpResponse<String> big = client.send(HttpRequest.newBuilder(URI.create(base + "echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("0123456789")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(big.statusCode()).isEqualTo(413);
        } finally {
            serve.stop();
        }
        assertThat(serve.code()).isZero();
    }
}
