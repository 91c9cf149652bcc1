package dev.basalt.cli;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.cli.logging.CliLogging;
import dev.basalt.cli.logging.JulBridge;
import dev.basalt.component.Component;
import dev.basalt.serve.AccessLog;
import dev.basalt.serve.AppManifest;
import dev.basalt.serve.HealthEndpoints;
import dev.basalt.serve.ServeTelemetry;
import dev.basalt.serve.WasiHttpServer;
import dev.basalt.serve.oci.OciReference;
import dev.basalt.wasi.WasiConfig;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.jetty.server.RequestLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code basalt serve app.wasm --listen 127.0.0.1:8080}: serves a wasi:http component (one exporting
 * {@code wasi:http/incoming-handler@0.2.x}, or a WASI 0.3 service exporting {@code wasi:http/handler@0.3.x}) over HTTP with {@link WasiHttpServer}, a fresh instance per request.
 * Grants as {@code basalt run} (--env, --inherit-env, --dir) plus --allow-outbound for the hosts the guest may send
 * requests to; or a Spin-style manifest ({@code spin.toml}, see {@link AppManifest}) routing paths to components
 * with their own grants. Runs until the process is stopped (or, embedded, until its thread is interrupted).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a wasi:http component (exporting wasi:http/incoming-handler@0.2.x, or a WASI 0.3 service exporting "
                + "wasi:http/handler@0.3.x) over HTTP: compiled once, "
                + "a fresh instance for every request. Failed requests (traps, with the Wasm backtrace) are logged to "
                + "stderr and answered 500.",
                "Exit code: 2 for usage errors or an address that cannot be bound; otherwise it runs until stopped."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = {"A component (binary or text) exporting "
            + "wasi:http/incoming-handler@0.2.x or wasi:http/handler@0.3.x, or a Spin-style manifest (*.toml, spin_manifest_version = 2: routes to",
            "components, each with its allowed_outbound_hosts, environment, files, key_value_stores and variables), or oci://REF: a Spin "
            + "application or a component in an OCI registry (basalt registry push). Default: spin.toml in the "
            + "current directory, as spin up."})
    String source;

    @Option(names = {"-f", "--from"}, paramLabel = "FILE|DIR",
            description = "The application, as FILE (spin up -f): a manifest, a component, oci://REF, or a directory "
                    + "holding spin.toml.")
    String from;

    /** The local file {@link #source} names (after pulling an {@code oci://} reference). */
    private Path file;

    @Option(names = {"-k", "--insecure"}, description = "With oci://REF: talk plain HTTP to the registry.")
    boolean insecure;

    @Option(names = {"--listen", "--addr"}, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            description = "Where to listen (default ${DEFAULT-VALUE}; port 0 picks a free port). --addr as wasmtime serve.")
    String listen;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "compiler",
            description = {"Execution engine: compiler (the default: JVM bytecode, compiled once at start and kept in",
                    "the code cache, per core module), interpreter or auto."})
    String engineName;

    @picocli.CommandLine.Mixin
    CacheOptions cacheOptions = new CacheOptions();

    @Option(names = "--fuel", paramLabel = "N", description = "Fuel per request: a request's guest traps after about N units.")
    Long fuel;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Time per request for running Wasm code, e.g. 500ms, 2s.")
    String timeout;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Cap each request's linear memory, e.g. 64MiB.")
    String maxMemory;

    @Option(names = "-W", paramLabel = "KEY=VALUE",
            description = {"wasmtime serve's Wasm options, as aliases: fuel=N (--fuel), timeout=DURATION (--timeout),",
                    "max-memory-size=BYTES (--max-memory); comma-separated or repeated."})
    List<String> wasmOptions = new ArrayList<>();

    @Option(names = "--max-concurrent-requests", paramLabel = "N",
            description = "Handle at most N requests at once; more are answered 503 (retry-after: 1).")
    Integer maxConcurrent;

    @Option(names = "--max-request-body", paramLabel = "SIZE",
            description = "The largest request body accepted, e.g. 10MiB; larger ones are answered 413.")
    String maxRequestBody;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = {"On shutdown (SIGTERM, Ctrl-C) stop accepting, let the requests in flight finish for up to",
                    "DURATION (default ${DEFAULT-VALUE}), then interrupt their guests."})
    String drainTimeout;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve HTTPS with this PEM certificate chain (the server's certificate first); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The PEM private key of --tls-cert (unencrypted PKCS#8 or PKCS#1 RSA).")
    Path tlsKey;

    @Option(names = "--dir", paramLabel = "HOST[::GUEST][:ro]",
            description = "Grant the host directory HOST to every request's guest as GUEST (:ro read-only).")
    List<String> dirs = new ArrayList<>();

    @Option(names = {"-e", "--env"}, paramLabel = "NAME[=VALUE]",
            description = {"Set an environment variable of the guest; a NAME alone passes the host's value (if set).",
                    "With a manifest: of every component, over the manifest's environment (spin up -e)."})
    List<String> env = new ArrayList<>();

    @Option(names = "--inherit-env", description = "Give the guest the whole host environment (--env takes precedence).")
    boolean inheritEnv;

    @Option(names = "--allow-outbound", paramLabel = "HOST",
            description = {"Let the guest send HTTP requests to HOST: [http[s]://]host[:port|:*], *.example.com, *",
                    "(no port: 80/443). Requests anywhere else fail with HTTP-request-denied."})
    List<String> allowOutbound = new ArrayList<>();

    @Option(names = "--next-handler", paramLabel = "FILE",
            description = {"FILE is a wasi:http/middleware component (it imports and exports wasi:http/handler@0.3.0): "
                    + "the requests it passes to its imported handler run in a fresh instance of the component FILE, "
                    + "in-process, with the same grants. Repeated: a chain (each one the next handler of the one before).",
                    "Without it a middleware's imported handler sends over the network under --allow-outbound. With a "
                    + "manifest: next_handler = \"ID\" in [component.X]."})
    List<Path> nextHandlers = new ArrayList<>();

    @Option(names = "--admin-listen", paramLabel = "HOST:PORT",
            description = {"Also answer health checks on HOST:PORT (its own listener, apart from the app's): "
                    + "GET /healthz (liveness: 200 also while starting) and /readyz (readiness: 200 only while the "
                    + "app is served), for Kubernetes probes (deploy/k8s)."})
    String adminListen;

    /** The health endpoints while {@code --admin-listen} is given. */
    private HealthEndpoints health;

    @Option(names = "--runtime-config-file", paramLabel = "FILE",
            description = {"With a manifest: a Spin runtime-config file choosing the key-value stores' backends,",
                    "e.g. [key_value_store.cache] type = \"redis\" url = \"redis://host:6379\" (type spin: SQLite,",
                    "path relative to FILE; memory), and SQLite databases ([sqlite_database.NAME] type = \"spin\"",
                    "path = \"x.db\"). Without it, `default` is .spin/sqlite_key_value.db (store) and .spin/sqlite_db.db",
                    "(database) beside the manifest."})
    Path runtimeConfig;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = {"With a manifest: where the default key-value store and SQLite database live",
                    "(DIR/sqlite_key_value.db, DIR/sqlite_db.db). Default:",
                    ".spin beside the manifest; for an oci:// application .spin in the working directory (not the cache)."})
    Path stateDir;

    @Option(names = "--variable", paramLabel = "NAME=VALUE",
            description = "With a manifest: the value of application variable NAME (over SPIN_VARIABLE_NAME in the environment).")
    List<String> variables = new ArrayList<>();

    @Option(names = "--key-value", paramLabel = "KEY=VALUE",
            description = "With a manifest: set KEY in the default key-value store before serving (overwriting; as spin up).")
    List<String> keyValues = new ArrayList<>();

    @Option(names = "--sqlite", paramLabel = "STATEMENTS|@FILE",
            description = {"With a manifest: run SQL statements (or the file FILE's) against the default SQLite",
                    "database before serving, e.g. a migration (as spin up; in order, stops at the first error)."})
    List<String> sqlite = new ArrayList<>();

    @Option(names = "--otel", description = {"Export traces, metrics and the guests' logs (wasi:logging, stdout/stderr lines) "
            + "with OpenTelemetry (OTLP), configured by the "
            + "standard OTEL_* variables (OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318 over http/protobuf).",
            "Also on without this flag when OTEL_EXPORTER_OTLP_ENDPOINT is set; never with OTEL_SDK_DISABLED=true."})
    boolean otel;

    @Option(names = "--log-level", paramLabel = "LEVELS", description = {"Log levels of the server (Jetty, Basalt, "
            + "OpenTelemetry) on stderr: trace, debug, info, warn (the default), error or off, with optional",
            "per-logger levels: info,org.eclipse.jetty=debug. Default: $BASALT_LOG, else warn."})
    String logLevel;

    @Option(names = "--access-log", paramLabel = "FILE", description = {"Write an access log line per request to FILE "
            + "('-': stdout; yyyy_mm_dd in the name: a file per day)."})
    String accessLog;

    @Option(names = "--access-log-format", paramLabel = "FORMAT", defaultValue = "combined",
            description = "combined (the default), common, or a format string of Jetty's CustomRequestLog (%a %t \"%r\" %s %O %{ms}T ...).")
    String accessLogFormat;

    @Override
    public Integer call() {
        if (adminListen == null) {
            return serve();
        }
        // first, so that probes answer while a large application is pulled and compiled
        try (HealthEndpoints h = HealthEndpoints.start(address(adminListen))) {
            health = h;
            PrintWriter out = spec.commandLine().getOut();
            out.println("basalt serve: health checks at http://" + hostForUrl(h.address().getHostString()) + ":" + h.port()
                    + " (GET /healthz: liveness, /readyz: readiness)");
            out.flush();
            return serve();
        } catch (IOException e) {
            throw new Main.CliException("cannot listen on " + adminListen + " (--admin-listen): " + e.getMessage(), Main.USAGE);
        }
    }

    /** wasmtime serve's {@code -W} spellings of the per-request limits; a key Basalt does not have is refused. */
    private void applyWasmtimeAliases() {
        for (String option : RunCommand.splitOptions(wasmOptions)) {
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            String value = eq < 0 ? null : option.substring(eq + 1);
            switch (key) {
                case "fuel" -> fuel = RunCommand.parseCount("-W fuel", RunCommand.requireValue("-W", key, value));
                case "timeout" -> timeout = RunCommand.requireValue("-W", key, value);
                case "max-memory-size" -> maxMemory = RunCommand.requireValue("-W", key, value);
                default -> throw new Main.CliException("-W " + key + " is not supported by basalt serve (it knows -W "
                        + "fuel=N, timeout=DURATION, max-memory-size=BYTES)", Main.USAGE);
            }
        }
    }

    /**
     * The application to serve: FILE, or {@code -f} (a directory meaning its {@code spin.toml}), or else
     * {@code spin.toml} in the current directory, as {@code spin up} finds it.
     */
    private String application() {
        if (source != null && from != null) {
            throw new Main.CliException("give the application once: FILE or -f/--from, not both", Main.USAGE);
        }
        String given = source != null ? source : from;
        if (given == null) {
            Path here = Path.of("spin.toml");
            if (!Files.isRegularFile(here)) {
                throw new Main.CliException("no application given and no spin.toml in the current directory "
                        + "(basalt serve FILE, or -f FILE|DIR)", Main.USAGE);
            }
            return here.toString();
        }
        if (!OciReference.isOciSource(given) && Files.isDirectory(Path.of(given))) {
            Path manifest = Path.of(given).resolve("spin.toml");
            if (!Files.isRegularFile(manifest)) {
                throw new Main.CliException(given + " is a directory without spin.toml", Main.USAGE);
            }
            return manifest.toString();
        }
        return given;
    }

    private Integer serve() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (logLevel != null) {
            try {
                CliLogging.configure(logLevel);
            } catch (IllegalArgumentException e) {
                throw new Main.CliException("--log-level: " + e.getMessage(), Main.USAGE);
            }
        }
        if (Main.systemStdio) {
            // Jetty logs through SLF4J (the CLI's provider, CliSlf4jProvider); Basalt's System.Logger and the
            // OpenTelemetry SDK log through java.util.logging: the same output and levels for all of them. Only
            // in the process's own command: embedded (tests), JUL's global configuration is left alone.
            JulBridge.install();
        }
        applyWasmtimeAliases();
        source = application();
        file = OciSources.resolve(source, insecure);
        boolean manifest = file.getFileName().toString().endsWith(".toml");
        // an instance per request: its pooled memories are reset page by page after it (Store.release)
        Config.Strategy strategy = RunCommand.strategy(engineName);
        Config.Builder config = Config.builder().strategy(strategy).trackMemoryWrites(true)
                .codeCache(cacheOptions.cache(strategy));
        if (maxMemory != null) {
            config.maxMemoryBytes(RunCommand.parseSize(maxMemory));
        }
        Engine engine = Engine.create(config.build());
        WasiHttpServer.Builder b;
        if (manifest) {
            if (inheritEnv || !dirs.isEmpty() || !allowOutbound.isEmpty() || !nextHandlers.isEmpty()) {
                throw new Main.CliException("with a manifest, each component's grants come from the manifest "
                        + "(environment, files, allowed_outbound_hosts; a middleware's next_handler too): "
                        + "--inherit-env, --dir, --allow-outbound and --next-handler do not apply (--env adds to "
                        + "every component's environment)", Main.USAGE);
            }
            java.util.Map<String, String> variableEnv = new java.util.HashMap<>(System.getenv());
            for (String v : variables) {
                java.util.Map.Entry<String, String> variable = Main.nameValue(v, "--variable needs NAME=VALUE: ");
                variableEnv.put("SPIN_VARIABLE_" + variable.getKey().toUpperCase(java.util.Locale.ROOT),
                        variable.getValue());
            }
            try {
                AppManifest app = AppManifest.load(file).withEnvironment(RunCommand.parseEnv(env, System.getenv()));
                Path state = stateDir != null ? stateDir
                        : OciReference.isOciSource(source) ? Path.of(".spin").toAbsolutePath() : app.defaultStateDir();
                b = app.serverBuilder(engine, java.util.Optional.ofNullable(runtimeConfig), variableEnv, state,
                        seed());
            } catch (IOException e) {
                throw new Main.CliException("cannot read " + e.getMessage(), Main.USAGE);
            } catch (IllegalArgumentException e) {
                throw new Main.CliException(e.getMessage(), Main.USAGE);
            }
        } else {
            if (runtimeConfig != null || !variables.isEmpty() || stateDir != null || !keyValues.isEmpty()
                    || !sqlite.isEmpty()) {
                throw new Main.CliException("--runtime-config-file, --state-dir, --variable, --key-value and --sqlite "
                        + "need a manifest (spin.toml): its components say which stores and variables they use",
                        Main.USAGE);
            }
            byte[] bytes = ModuleFiles.read(file);
            if (!ComponentRun.isComponent(bytes) && !ComponentRun.isComponentText(bytes)) {
                throw new Main.CliException(file + " is not a component: basalt serve runs wasi:http components "
                        + "(or a spin.toml manifest)", Main.USAGE);
            }
            WasiConfig.Builder wasi = WasiConfig.builder().args(file.getFileName().toString());
            RunCommand.grantEnvAndDirs(wasi, env, inheritEnv, dirs);
            for (String host : allowOutbound) {
                try {
                    wasi.allowOutboundHost(host);
                } catch (IllegalArgumentException e) {
                    throw new Main.CliException("--allow-outbound: " + e.getMessage(), Main.USAGE);
                }
            }
            if (Main.systemStdio) {
                wasi.inheritStdio();
            }
            Component component = ComponentRun.load(engine, bytes);
            try {
                WasiConfig grants = wasi.build();
                b = WasiHttpServer.builder(engine, component).wasi(grants);
                // the chain app -> next1 -> next2 ...: private components with the same grants
                String previous = "app";
                for (int i = 0; i < nextHandlers.size(); i++) {
                    Path next = nextHandlers.get(i);
                    byte[] nextBytes = ModuleFiles.read(next);
                    if (!ComponentRun.isComponent(nextBytes) && !ComponentRun.isComponentText(nextBytes)) {
                        throw new Main.CliException("--next-handler: " + next + " is not a component", Main.USAGE);
                    }
                    String name = "next" + (i + 1);
                    b.privateComponent(name, ComponentRun.load(engine, nextBytes), grants);
                    b.nextHandler(previous, name);
                    previous = name;
                }
            } catch (IllegalArgumentException e) {
                throw new Main.CliException(e.getMessage(), Main.USAGE);
            }
        }
        b.listen(address(listen)).errorLog(message -> {
            synchronized (err) {
                err.println("basalt serve: " + message);
                err.flush();
            }
        });
        if (fuel != null) {
            b.fuelPerRequest(fuel);
        }
        if (timeout != null) {
            b.requestTimeout(RunCommand.parseDuration(timeout));
        }
        if (accessLog != null) {
            RequestLog.Writer writer;
            if (accessLog.equals("-")) {
                writer = line -> {
                    synchronized (out) {
                        out.println(line);
                        out.flush();
                    }
                };
            } else {
                writer = AccessLog.fileWriter(Path.of(accessLog));
            }
            try {
                b.requestLog(AccessLog.create(accessLogFormat, writer));
            } catch (IllegalArgumentException e) {
                throw new Main.CliException("--access-log-format: " + e.getMessage(), Main.USAGE);
            }
        }
        if (maxConcurrent != null) {
            if (maxConcurrent <= 0) {
                throw new Main.CliException("--max-concurrent-requests must be positive: " + maxConcurrent, Main.USAGE);
            }
            b.maxConcurrentRequests(maxConcurrent);
        }
        if (maxRequestBody != null) {
            b.maxRequestBodyBytes(RunCommand.parseSize(maxRequestBody));
        }
        b.drainTimeout(RunCommand.parseDuration(drainTimeout));
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new Main.CliException("--tls-cert and --tls-key go together", Main.USAGE);
        }
        if (tlsCert != null) {
            try {
                b.tls(tlsCert, tlsKey);
            } catch (IOException e) {
                throw new Main.CliException("cannot read the TLS certificate or key: " + e.getMessage(), Main.USAGE);
            } catch (IllegalArgumentException e) {
                throw new Main.CliException(e.getMessage(), Main.USAGE);
            }
        }
        Optional<OpenTelemetrySdk> telemetry = ServeTelemetrySetup.create(otel);
        telemetry.ifPresent(sdk -> b.telemetry(ServeTelemetry.create(sdk)));
        WasiHttpServer server;
        try {
            server = b.start();
        } catch (IOException e) {
            telemetry.ifPresent(OpenTelemetrySdk::close);
            throw new Main.CliException("cannot listen on " + listen + ": " + e.getMessage(), Main.USAGE);
        } catch (IllegalArgumentException e) {
            // e.g. a next handler given to a component that is no middleware
            telemetry.ifPresent(OpenTelemetrySdk::close);
            throw new Main.CliException(e.getMessage(), Main.USAGE);
        }
        if (health != null) {
            health.ready(server.address());
        }
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                if (health != null) {
                    health.draining();
                }
                server.close();
                // exports the spans and metrics not sent yet
                telemetry.ifPresent(OpenTelemetrySdk::close);
            }
        };
        Thread stopper = new Thread(stop, "basalt-serve-shutdown");
        if (Main.systemStdio) {
            Runtime.getRuntime().addShutdownHook(stopper);
        }
        out.println("basalt serve: " + (OciReference.isOciSource(source) ? source : file.getFileName()) + " on "
                + (server.isTls() ? "https" : "http") + "://" + hostForUrl(server.address().getHostString())
                + ":" + server.port() + "/");
        out.flush();
        try {
            server.join();
        } catch (InterruptedException e) {
            // embedded use (tests): interrupting the thread stops the server; the flag stays clear so that
            // stopping can wait for running requests
        } finally {
            stop.run();
        }
        return Main.OK;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** {@code HOST:PORT}, {@code [V6]:PORT} or {@code :PORT} / {@code PORT} (127.0.0.1). */
    static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        String host = colon <= 0 ? "127.0.0.1" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw new Main.CliException("--listen wants HOST:PORT, got " + text, Main.USAGE);
        }
    }

    /** {@code --key-value} and {@code --sqlite} as what the manifest's default stores get before serving. */
    private AppManifest.Seed seed() throws IOException {
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        for (String kv : keyValues) {
            java.util.Map.Entry<String, String> pair = Main.nameValue(kv, "--key-value needs KEY=VALUE: ");
            values.put(pair.getKey(), pair.getValue()); // a key given twice keeps its last value
        }
        List<String> scripts = new ArrayList<>();
        for (String sql : sqlite) {
            scripts.add(sql.startsWith("@") ? Files.readString(Path.of(sql.substring(1))) : sql);
        }
        return new AppManifest.Seed(values, scripts);
    }
}
