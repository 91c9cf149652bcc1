package dev.basalt.serve;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.preview2.WasiComponentContext;
import dev.basalt.wasi.preview2.WasiHttp;
import dev.basalt.wasi.preview2.OutboundHttpRouter;
import dev.basalt.wasi.preview2.WasiHttpException;
import dev.basalt.wasi.preview2.WasiPreview2;
import dev.basalt.wasi.preview2.WasiPreview3;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * An HTTP server (Jetty 12) that serves a {@code wasi:http/incoming-handler} component (WASI 0.2), or a WASI 0.3
 * service exporting {@code wasi:http/handler@0.3.x} (see {@link WasiHttp#handle}). The component is compiled
 * and pre-instantiated ({@link ComponentLinker#instantiatePre}) once; every request gets a fresh instance in a new
 * {@link Store} with a new WASI context from the same {@link WasiConfig} (environment, directories, outbound hosts),
 * so no state leaks from one request to the next. The request body streams into the guest as it reads it, the
 * response streams out as the guest writes it. Per request: optional fuel, a deadline and a memory cap. A trap or
 * any other failure of the guest is answered 500 (or, once the status was sent, ends the exchange abnormally) and
 * reported to the error log with the Wasm backtrace; the server keeps serving.
 *
 * <p>Lifecycle: {@link Builder#start()} binds and starts; {@link #close()} stops. Thread-safe: Jetty's threads run
 * the requests, each on its own store.
 *
 * {@snippet :
 * // trackMemoryWrites: after each request only the memory pages the guest wrote are reset for the next one
 * Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).trackMemoryWrites(true).build());
 * try (WasiHttpServer server = WasiHttpServer.builder(engine, Component.compile(engine, bytes))
 *         .listen(new InetSocketAddress("127.0.0.1", 8080))
 *         .wasi(WasiConfig.builder().allowOutboundHost("api.example.com:443").build())
 *         .requestTimeout(Duration.ofSeconds(10))
 *         .start()) {
 *     server.join();
 * }
 * }
 */
public final class WasiHttpServer implements AutoCloseable {
    /** Response fields Jetty manages itself; a guest's values for them are not copied. */
    private static final Set<String> CONNECTION_FIELDS = Set.of("connection", "keep-alive", "transfer-encoding",
            "upgrade", "proxy-connection", "te", "trailer");

    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;
    private final Duration drainTimeout;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    /** Requests being handled now (admitted past the concurrency limit, running or about to run their guest). */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    /** The stores of the guests running now: what {@link #close()} interrupts once the drain time is up. */
    private final Set<Store<?>> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A route's component, pre-instantiated, and what its guests are granted; {@code route} is null for a private
     * component (reachable only by service chaining).
     */
    private record Served(Route route, String name, ComponentInstancePre<WasiComponentContext> pre, WasiConfig wasi,
            List<HostExtension> extensions, String next, List<String> routeChain, boolean logs) {
        /** Whether the guest may send self-requests: a grant for the host {@code self} (Spin's {@code http://self}). */
        boolean allowsSelf() {
            return wasi.outboundHosts().stream().anyMatch(g -> g.host().equals("self"));
        }

        /**
         * Whether the guest may chain to component {@code id} with {@code scheme}: a grant naming
         * {@code ID.spin.internal} or {@code *.spin.internal} (Spin's rule: {@code *} alone does not grant chaining).
         */
        boolean allowsChainingTo(String scheme, String id) {
            String host = id + SPIN_INTERNAL;
            return wasi.outboundHosts().stream().anyMatch(g -> (g.host().equals("*" + SPIN_INTERNAL)
                    || g.host().equals(host)) && g.scheme().map(scheme::equals).orElse(true));
        }
    }

    /** The domain of Spin's service-chaining hosts: {@code http://ID.spin.internal/} is the component ID. */
    static final String SPIN_INTERNAL = ".spin.internal";
    /** The host Spin 3 gives self-requests that need an absolute URL (JavaScript's fetch). */
    static final String SELF_ALT = "self.alt";
    /** How many chained requests may be nested below one incoming request: a longer chain is a loop. */
    static final int MAX_CHAIN_DEPTH = 10;

    /** Released when the server is closed (e.g. the application's key-value stores). */
    private final List<AutoCloseable> resources;

    /**
     * Run the chained and self-requests, each on its own thread while its caller waits: reused threads (starting a
     * platform thread per chained request costs more than the rest of the hop), daemon threads so that a guest
     * still running cannot keep the JVM alive; shut down with the server.
     */
    private final java.util.concurrent.ExecutorService chainThreads = java.util.concurrent.Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("basalt-chained-", 0).factory());
    /** The components by name, routed and private: the targets of service chaining. */
    private final Map<String, Served> components;
    /** The routed components, the most specific route first. */
    private final List<Served> routed;
    private final Builder config;

    private WasiHttpServer(Builder b) {
        config = b;
        if (b.routes.stream().noneMatch(r -> r.route() != null) && !b.withoutRoutes) {
            throw new IllegalStateException("no routes: nothing to serve");
        }
        List<Served> served = new ArrayList<>();
        Map<String, Served> byName = new java.util.LinkedHashMap<>();
        for (RouteSpec r : b.routes) {
            ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(b.engine);
            WasiPreview2.addToLinker(linker, ctx -> ctx);
            // WASI 0.3 services (wasi:http/handler@0.3.x) import wasi:http/types@0.3.0 and client, and the
            // wasi:http/service world's clocks, random and cli stdio at 0.3.0
            WasiPreview3.addToLinker(linker, ctx -> ctx);
            WasiHttp.addP3ToLinker(linker, ctx -> ctx);
            GuestLogs.addToLinker(linker);
            r.extensions().forEach(e -> e.define(linker));
            List<String> chain = r.route() == null ? List.of()
                    : b.routeNextHandlers.getOrDefault(r.route().pattern(), List.of());
            Served s = new Served(r.route(), r.name(), linker.instantiatePre(r.component()),
                    r.wasi() == null ? b.wasi : r.wasi(), r.extensions(), b.nextHandlers.get(r.name()), chain,
                    GuestLogs.imported(r.component().importNames()));
            byName.putIfAbsent(s.name(), s);
            if (s.route() != null) {
                served.add(s);
            }
        }
        components = Map.copyOf(byName);
        b.nextHandlers.forEach((middleware, next) -> {
            Served m = components.get(middleware);
            if (m == null || !components.containsKey(next)) {
                throw new IllegalArgumentException("the next handler of " + middleware + " is " + next + ", but "
                        + (m == null ? middleware : next) + " is no component of the server");
            }
            if (!importsHandler(m.pre().component())) {
                throw new IllegalArgumentException("component " + middleware + " has a next handler but is no "
                        + "wasi:http/middleware: it imports no " + WasiHttp.HANDLER + "@0.3.x");
            }
        });
        b.routeNextHandlers.forEach((pattern, chain) -> checkRouteChain(b, pattern, chain));
        // the most specific route first: exact routes, then longer prefixes
        served.sort(java.util.Comparator.comparingInt((Served x) -> x.route().specificity()).reversed());
        resources = List.copyOf(b.resources);
        server = new Server();
        org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
        // the guest's headers are the response's; do not advertise the server's software and version
        http.setSendServerVersion(false);
        org.eclipse.jetty.server.HttpConnectionFactory h1 = new org.eclipse.jetty.server.HttpConnectionFactory(http);
        tls = b.tls != null;
        if (tls) {
            // https in the request URI the guest sees; whether the Host matches the certificate is the guest's call
            org.eclipse.jetty.server.SecureRequestCustomizer secure = new org.eclipse.jetty.server.SecureRequestCustomizer();
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            connector = new ServerConnector(server,
                    new org.eclipse.jetty.server.SslConnectionFactory(b.tls, h1.getProtocol()), h1);
        } else {
            connector = new ServerConnector(server, h1);
        }
        connector.setHost(b.listen.getHostString());
        connector.setPort(b.listen.getPort());
        server.addConnector(connector);
        if (b.requestLog != null) {
            server.setRequestLog(b.requestLog);
        }
        // stopping first stops accepting and lets the requests in flight finish (GracefulHandler tracks them; new
        // ones on open connections get 503), up to the drain timeout
        org.eclipse.jetty.server.handler.GracefulHandler graceful = new org.eclipse.jetty.server.handler.GracefulHandler();
        routed = List.copyOf(served);
        graceful.setHandler(new GuestHandler());
        server.setHandler(graceful);
        drainTimeout = b.drainTimeout;
        // close() drains itself; Jetty's own stop then only waits briefly for its threads
        server.setStopTimeout(1_000);
    }

    /**
     * A server for {@code component} (it must export {@code wasi:http/incoming-handler@0.2.x}) on every path
     * (the route {@code /...}), its guests granted what {@link Builder#wasi} says.
     */
    public static Builder builder(Engine engine, Component component) {
        checkHandler(component, "the component");
        Builder b = new Builder(engine);
        b.routes.add(new RouteSpec(Route.parse("/..."), "app", component, null, List.of()));
        return b;
    }

    /** A server for several components, each on its own {@link Builder#route routes}. */
    public static Builder builder(Engine engine) {
        return new Builder(engine);
    }

    /**
     * Checks a route's chain of next handlers: the route exists, its component and every handler but the last are
     * middlewares, and every handler is a component of the server.
     */
    private void checkRouteChain(Builder b, String pattern, List<String> chain) {
        RouteSpec spec = b.routes.stream().filter(r -> r.route() != null && r.route().pattern().equals(pattern))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("next handlers are given for route "
                        + pattern + ", which the server does not serve"));
        String previous = spec.name();
        for (String next : chain) {
            Served m = components.get(previous);
            if (!components.containsKey(next)) {
                throw new IllegalArgumentException("on route " + pattern + " the next handler of " + previous + " is "
                        + next + ", but " + next + " is no component of the server");
            }
            if (!importsHandler(m.pre().component())) {
                throw new IllegalArgumentException("on route " + pattern + " component " + previous + " has a next "
                        + "handler but is no wasi:http/middleware: it imports no " + WasiHttp.HANDLER + "@0.3.x");
            }
            previous = next;
        }
    }

    /** Whether {@code component} imports {@code wasi:http/handler@0.3.x}: a {@code wasi:http/middleware}. */
    private static boolean importsHandler(Component component) {
        return component.importNames().stream().anyMatch(n -> n.startsWith(WasiHttp.HANDLER + "@0.3."));
    }

    private static void checkHandler(Component component, String what) {
        if (!WasiHttp.isHandler(component)) {
            throw new IllegalArgumentException(what + " is not an HTTP handler: it exports no "
                    + WasiHttp.INCOMING_HANDLER + "@0.2.x or " + WasiHttp.HANDLER + "@0.3.x (it exports "
                    + component.exportNames() + ")");
        }
    }

    private record RouteSpec(Route route, String name, Component component, WasiConfig wasi,
            List<HostExtension> extensions) {
    }

    /** The port the server listens on (the chosen one if it was asked for port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost() == null ? "0.0.0.0" : connector.getHost(), port());
    }

    /** Whether the listener speaks TLS (https). */
    public boolean isTls() {
        return tls;
    }

    /** How many requests were handled so far, and how many of them the guest failed. */
    public long requestCount() {
        return requests.get();
    }

    public long failureCount() {
        return failures.get();
    }

    /** How many requests were turned away by a limit (503 over the concurrency limit, 413 over the body size cap). */
    public long rejectedCount() {
        return rejected.get();
    }

    /** How many requests are being handled now. */
    public int activeRequests() {
        return inFlight.get();
    }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException {
        server.join();
    }

    /**
     * Stops gracefully: stops accepting connections, lets the requests in flight finish for up to the
     * {@linkplain Builder#drainTimeout drain timeout} (requests arriving meanwhile on open connections get 503), then
     * interrupts the guests still running (they trap, their requests end with 500 or a cut-off response) and
     * releases the port. Idempotent.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        // stop accepting and answer new requests on open connections 503 (the connectors and GracefulHandler)
        java.util.concurrent.CompletableFuture<Void> shutdown = org.eclipse.jetty.util.component.Graceful.shutdown(server);
        try {
            // GracefulHandler's count ends when a request's callback completes; ours when the handler has returned,
            // the response written to its end: wait for both before the connections are closed
            shutdown.get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            awaitNoneInFlight(deadline);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // the drain time is up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the guests still running are not served any more: they trap (also when blocked in a host call)
        interruptRunning();
        try {
            awaitNoneInFlight(System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.stop();
        } catch (java.util.concurrent.TimeoutException e) {
            // Jetty gave up waiting for a request thread; it stopped anyway
        } catch (Exception e) {
            throw new IllegalStateException("stopping the server failed: " + e.getMessage(), e);
        } finally {
            chainThreads.shutdown();
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception ignored) {
                    // best effort: one failing resource must not keep the others open
                }
            }
        }
    }

    /** Waits until no request is being handled, or {@code deadline} ({@link System#nanoTime()}) passed. */
    private void awaitNoneInFlight(long deadline) throws InterruptedException {
        synchronized (inFlight) {
            long left;
            while (inFlight.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
                inFlight.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** One request less in flight; wakes {@link #close()} waiting for the last one. */
    private void requestDone() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (inFlight) {
                inFlight.notifyAll();
            }
        }
    }

    private void interruptRunning() {
        for (Store<?> store : running) {
            store.interrupt();
        }
    }

    /** Configures a {@link WasiHttpServer}; not thread-safe. */
    public static final class Builder {
        private final Engine engine;
        private final List<RouteSpec> routes = new ArrayList<>();
        private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 8080);
        private WasiConfig wasi = WasiConfig.builder().build();
        private OptionalLong fuel = OptionalLong.empty();
        private Optional<Duration> timeout = Optional.empty();
        private Store.Limits limits;
        private int maxConcurrentRequests = Integer.MAX_VALUE;
        private long maxRequestBodyBytes = Long.MAX_VALUE;
        private Duration drainTimeout = Duration.ofSeconds(5);
        private org.eclipse.jetty.util.ssl.SslContextFactory.Server tls;
        private Consumer<String> errorLog = message -> System.getLogger("dev.basalt.serve")
                .log(System.Logger.Level.ERROR, message);
        private ServeTelemetry telemetry;
        private org.eclipse.jetty.server.RequestLog requestLog;

        private final List<AutoCloseable> resources = new ArrayList<>();
        private boolean withoutRoutes;
        /** A middleware's name to its next handler's. */
        private final Map<String, String> nextHandlers = new java.util.HashMap<>();
        /** A route's pattern to the next handlers of the middleware it routes to, in chain order. */
        private final Map<String, List<String>> routeNextHandlers = new java.util.HashMap<>();

        private Builder(Engine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            this.limits = Store.Limits.of(engine.config());
        }

        /**
         * Serves {@code component} (named {@code name} in logs) on {@code route} ({@link Route}: {@code /a},
         * {@code /a/...}, {@code /...}), its guests granted {@code wasi}, and the host interfaces of
         * {@code extensions} (e.g. {@link SpinExtension}'s key-value stores and variables).
         *
         * @throws IllegalArgumentException if the route is malformed, already taken, or the component is no handler
         */
        public Builder route(String route, String name, Component component, WasiConfig wasi,
                HostExtension... extensions) {
            Route r = Route.parse(route);
            checkHandler(component, "component " + name);
            if (routes.stream().anyMatch(x -> r.equals(x.route()))) {
                throw new IllegalArgumentException("route " + route + " is given twice");
            }
            routes.add(new RouteSpec(r, Objects.requireNonNull(name), component, Objects.requireNonNull(wasi),
                    List.of(extensions)));
            return this;
        }

        /**
         * Adds component {@code name} without a route (Spin's {@code route = { private = true }}): no incoming
         * request reaches it, only the requests of the server's other components to {@code http://NAME.spin.internal/}
         * (service chaining, for those granted that host).
         *
         * @throws IllegalArgumentException if the component is no handler
         */
        public Builder privateComponent(String name, Component component, WasiConfig wasi,
                HostExtension... extensions) {
            checkHandler(component, "component " + name);
            routes.add(new RouteSpec(null, Objects.requireNonNull(name), component, Objects.requireNonNull(wasi),
                    List.of(extensions)));
            return this;
        }

        /**
         * Makes component {@code next} (routed or {@linkplain #privateComponent private}) the next handler of
         * component {@code middleware}, a {@code wasi:http/middleware} (it imports and exports
         * {@code wasi:http/handler@0.3.x}): each request the middleware passes to its imported {@code handle} runs
         * in a fresh instance of {@code next}, in-process, with {@code next}'s own grants, its response streaming
         * back to the middleware. {@code next} may be a middleware itself (a chain; at most
         * {@value WasiHttpServer#MAX_CHAIN_DEPTH} deep, beyond that {@code loop-detected}). A middleware without a
         * next handler sends what it passes on where {@code wasi:http/client.send} would: service chaining
         * ({@code *.spin.internal}, {@code self}), else the network under its grants, to the request's own authority.
         * Both names are checked when the server starts.
         */
        public Builder nextHandler(String middleware, String next) {
            if (nextHandlers.putIfAbsent(Objects.requireNonNull(middleware, "middleware"),
                    Objects.requireNonNull(next, "next")) != null) {
                throw new IllegalArgumentException("component " + middleware + " has a next handler already");
            }
            return this;
        }

        /**
         * Gives the middleware routed on {@code route} its own next handlers for the requests of that route:
         * {@code chain[0]} is its next handler, {@code chain[1]} (if any) the next handler of {@code chain[0]}, and so
         * on; beyond the chain each component's own {@link #nextHandler} applies. The same middleware component on
         * another route, or reached by service chaining, keeps its own next handler. The route must be given with
         * {@link #route} (before or after this); the names are checked when the server starts, as with
         * {@link #nextHandler}.
         */
        public Builder routeNextHandlers(String route, String... chain) {
            String pattern = Route.parse(route).pattern();
            if (chain.length == 0) {
                throw new IllegalArgumentException("route " + route + ": the chain of next handlers is empty");
            }
            if (routeNextHandlers.putIfAbsent(pattern, List.of(chain)) != null) {
                throw new IllegalArgumentException("route " + route + " has next handlers already");
            }
            return this;
        }

        /** Where to listen (port 0: any free port, see {@link #port()}); default 127.0.0.1:8080. */
        public Builder listen(InetSocketAddress address) {
            this.listen = Objects.requireNonNull(address);
            return this;
        }

        /**
         * What every request's guest is granted (environment, directories, outbound hosts, stdio), for the
         * component of {@link WasiHttpServer#builder(Engine, Component)}; routes carry their own.
         */
        public Builder wasi(WasiConfig config) {
            this.wasi = Objects.requireNonNull(config);
            return this;
        }

        /** Fuel per request: a guest that uses it up traps ("all fuel consumed") and the request gets 500. */
        public Builder fuelPerRequest(long units) {
            if (units <= 0) {
                throw new IllegalArgumentException("fuel must be positive: " + units);
            }
            this.fuel = OptionalLong.of(units);
            return this;
        }

        /** Wall-clock time per request for running Wasm code (a trap "deadline exceeded" after it). */
        public Builder requestTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the timeout must be positive: " + timeout);
            }
            this.timeout = Optional.of(timeout);
            return this;
        }

        /** The most linear memory one request's instance may have (the engine's limit by default). */
        public Builder maxMemoryBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("the memory limit must be positive: " + bytes);
            }
            this.limits = new Store.Limits(bytes, limits.maxTableElements(), limits.maxInstances());
            return this;
        }

        /**
         * Allows a server without routes, for an application whose work is elsewhere (Spin's Redis triggers, closed
         * with the server): it answers 404 to every request (its admin endpoints still serve).
         */
        public Builder withoutRoutes() {
            withoutRoutes = true;
            return this;
        }

        /** Closes {@code resource} when the server is closed (e.g. the application's key-value stores). */
        public Builder closeWithServer(AutoCloseable resource) {
            resources.add(Objects.requireNonNull(resource));
            return this;
        }

        /**
         * The most requests handled at once; one more is answered 503 (with {@code retry-after: 1}) without running
         * a guest. Unlimited by default (Jetty's thread pool then bounds it, queueing the rest).
         */
        public Builder maxConcurrentRequests(int max) {
            if (max <= 0) {
                throw new IllegalArgumentException("the concurrency limit must be positive: " + max);
            }
            this.maxConcurrentRequests = max;
            return this;
        }

        /**
         * The largest request body accepted: a request declaring a longer {@code content-length} is answered 413
         * without running a guest; a body without a declared length that grows beyond it fails the guest's read
         * (a stream error) and the request is answered 413. Unlimited by default.
         */
        public Builder maxRequestBodyBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("the body size limit must not be negative: " + bytes);
            }
            this.maxRequestBodyBytes = bytes;
            return this;
        }

        /**
         * How long {@link WasiHttpServer#close()} lets the requests in flight finish before it interrupts their
         * guests; 5 seconds by default.
         */
        public Builder drainTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("the drain timeout must not be negative: " + timeout);
            }
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * Serves HTTPS: TLS with the certificate chain in {@code certificatePem} (PEM, the server's certificate
         * first) and its unencrypted private key in {@code privateKeyPem} (PEM, PKCS#8 or PKCS#1 RSA).
         *
         * @throws IOException if a file cannot be read
         * @throws IllegalArgumentException if they hold no certificate / no supported key
         */
        public Builder tls(java.nio.file.Path certificatePem, java.nio.file.Path privateKeyPem) throws IOException {
            org.eclipse.jetty.util.ssl.SslContextFactory.Server ssl = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
            ssl.setKeyStore(PemKeyStore.load(certificatePem, privateKeyPem));
            ssl.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
            ssl.setKeyManagerPassword(new String(PemKeyStore.PASSWORD));
            this.tls = ssl;
            return this;
        }

        /** Where failed requests are reported (one message each, with the Wasm backtrace of a trap). */
        public Builder errorLog(Consumer<String> log) {
            this.errorLog = Objects.requireNonNull(log);
            return this;
        }

        /**
         * Traces and metrics of every request, with OpenTelemetry ({@link ServeTelemetry}); none by default, and
         * then the server makes no telemetry calls at all.
         */
        public Builder telemetry(ServeTelemetry telemetry) {
            this.telemetry = Objects.requireNonNull(telemetry);
            return this;
        }

        /**
         * An access log: Jetty's {@link org.eclipse.jetty.server.RequestLog} is told about each request once its
         * response is complete (e.g. {@link AccessLog#create}); none by default.
         */
        public Builder requestLog(org.eclipse.jetty.server.RequestLog log) {
            this.requestLog = Objects.requireNonNull(log);
            return this;
        }

        /**
         * Pre-instantiates the component (checking its imports against the host), binds and starts the server.
         *
         * @throws dev.basalt.component.ComponentException if the component imports something the host lacks
         * @throws IOException if the address cannot be bound
         */
        public WasiHttpServer start() throws IOException {
            WasiHttpServer s = new WasiHttpServer(this);
            try {
                s.server.start();
            } catch (IOException e) {
                s.close();
                throw e;
            } catch (Exception e) {
                s.close();
                throw new IOException("cannot start the server on " + listen + ": " + e.getMessage(), e);
            }
            return s;
        }
    }

    /** Runs each request in a fresh instance of its route's component. */
    private final class GuestHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback jettyCallback) {
            requests.incrementAndGet();
            ServeTelemetry.RequestTelemetry telemetry = config.telemetry == null ? null : config.telemetry.start(request);
            Callback callback = telemetry == null ? jettyCallback : telemetry.ending(response, jettyCallback);
            if (inFlight.incrementAndGet() > config.maxConcurrentRequests) {
                requestDone();
                rejected.incrementAndGet();
                response.getHeaders().put("retry-after", "1");
                Response.writeError(request, response, callback, 503, "too many requests in flight");
                return true;
            }
            try {
                serve(request, response, callback, telemetry);
            } finally {
                requestDone();
            }
            return true;
        }

        private void serve(Request request, Response response, Callback callback,
                ServeTelemetry.RequestTelemetry telemetry) {
            String path = request.getHttpURI().getPath();
            String what = request.getMethod() + " " + request.getHttpURI().getPathQuery();
            Served target = null;
            String pathInfo = null;
            for (Served s : routed) {
                Optional<String> info = s.route().pathInfo(path == null ? "/" : path);
                if (info.isPresent()) {
                    target = s;
                    pathInfo = info.get();
                    break;
                }
            }
            if (target == null) {
                Response.writeError(request, response, callback, 404, "no route for " + path);
                return;
            }
            if (telemetry != null) {
                telemetry.routed(target.route().pattern(), target.name());
            }
            if (request.getLength() > config.maxRequestBodyBytes) {
                rejected.incrementAndGet();
                Response.writeError(request, response, callback, 413, "the request body is larger than "
                        + config.maxRequestBodyBytes + " bytes");
                return;
            }
            boolean[] started = {false};
            OutputStream[] body = {null};
            org.eclipse.jetty.http.HttpFields[] responseTrailers = {null};
            CappedInput in = new CappedInput(Content.Source.asInputStream(request), config.maxRequestBodyBytes,
                    request.getHeaders().contains(org.eclipse.jetty.http.HttpHeader.EXPECT, "100-continue"));
            List<Store<?>> used = new ArrayList<>(1);
            try {
                runGuest(target, target.routeChain(), toGuest(request, in, target.route(), pathInfo), telemetry, 0,
                        used, new WasiHttp.ResponseSink() {
                    @Override
                    public OutputStream respond(int status, List<WasiHttp.Header> headers) {
                        if (in.exceeded) {
                            // the guest answers a request whose body was cut off: the answer is 413
                            throw new BodyTooLarge();
                        }
                        started[0] = true;
                        response.setStatus(status);
                        for (WasiHttp.Header h : headers) {
                            if (!CONNECTION_FIELDS.contains(h.name().toLowerCase(Locale.ROOT))) {
                                response.getHeaders().add(h.name(), h.value());
                            }
                        }
                        // Jetty takes the supplier when the response is committed; the guest gives its
                        // trailers only when it finishes the body (sent after the last chunk, or in HTTP/2)
                        response.setTrailersSupplier(() -> responseTrailers[0]);
                        body[0] = Content.Sink.asOutputStream(response);
                        if (config.requestLog != null) {
                            body[0] = AccessLog.counting(request, body[0]);
                        }
                        return body[0];
                    }

                    @Override
                    public void complete(List<WasiHttp.Header> trailers) throws IOException {
                        if (!trailers.isEmpty()) {
                            org.eclipse.jetty.http.HttpFields.Mutable t = org.eclipse.jetty.http.HttpFields.build();
                            trailers.forEach(h -> t.add(h.name(), h.value()));
                            responseTrailers[0] = t;
                        }
                        // the last write: Jetty ends the response (a final chunk, or the declared length)
                        body[0].close();
                    }
                });
                if (in.exceeded && !started[0]) {
                    tooLarge(request, response, callback);
                } else {
                    in.discardRest();
                    callback.succeeded();
                }
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                if (in.exceeded && !started[0] && !response.isCommitted()) {
                    // whatever the guest made of its failed read, the cause is the body over the cap
                    tooLarge(request, response, callback);
                } else {
                    String message = failureMessage(what, target, e, telemetry);
                    boolean sent = started[0] || (e instanceof WasiHttpException w && w.responseStarted());
                    if (!sent) {
                        in.discardRest();
                    }
                    fail(request, response, callback, sent, message, e);
                }
            } finally {
                // after the callback: the connection's next request need not wait for the memory reset
                release(used);
            }
        }

        private void tooLarge(Request request, Response response, Callback callback) {
            rejected.incrementAndGet();
            response.getHeaders().clear();
            Response.writeError(request, response, callback, 413, "the request body is larger than "
                    + config.maxRequestBodyBytes + " bytes");
        }

        private void fail(Request request, Response response, Callback callback, boolean started, String message,
                Throwable cause) {
            failures.incrementAndGet();
            config.errorLog.accept(message);
            if (started || response.isCommitted()) {
                // the status is on its way: all that is left is to end the exchange abnormally
                callback.failed(cause);
            } else {
                response.getHeaders().clear();
                Response.writeError(request, response, callback, 500, "the component failed to handle the request");
            }
        }
    }

    /** The error log's line for a failed request (and the failure told to telemetry, if any). */
    private static String failureMessage(String what, Served target, Throwable e,
            ServeTelemetry.RequestTelemetry telemetry) {
        if (e instanceof Trap t) {
            if (telemetry != null) {
                telemetry.trapped(t);
            }
            return what + " (" + target.name() + "): the guest trapped: " + backtrace(t);
        }
        if (e instanceof WasiHttpException w) {
            if (telemetry != null) {
                telemetry.failed(w.getClass().getName(), w.getMessage());
            }
            return what + " (" + target.name() + "): " + w.getMessage();
        }
        if (telemetry != null) {
            telemetry.failed(e.getClass().getName(), String.valueOf(e.getMessage()));
        }
        return what + " (" + target.name() + "): the request failed: " + e;
    }

    /**
     * Runs {@code request} in a fresh instance of {@code target}'s component, its response going to {@code sink}, with
     * {@code chain} as its next handlers (a route's; empty: the component's own {@link Builder#nextHandler}):
     * a new WASI context from the component's grants, a store with the server's limits, fuel and deadline,
     * {@code depth} chained requests below the incoming one. The store goes to {@code used}: the caller
     * {@linkplain #release releases} it once the request is answered, also when this throws.
     */
    private void runGuest(Served target, List<String> chain, WasiHttp.Request request,
            ServeTelemetry.RequestTelemetry telemetry, int depth, List<Store<?>> used, WasiHttp.ResponseSink sink) {
        // with telemetry, the guest's stdout and stderr lines are log records too
        GuestLogs.StdioRecords stdio = telemetry == null ? null
                : GuestLogs.StdioRecords.of(target.wasi(), target.name(), telemetry);
        // released by the caller after the WASI context closed (resource destructors may still run guest code)
        try (WasiComponentContext wasi = WasiComponentContext.create(stdio == null ? target.wasi() : stdio.wasi())) {
            if (target.logs()) {
                wasi.attach(GuestLogs.Sink.class, new GuestLogs.Sink(target.name(), telemetry));
            }
            target.extensions().forEach(e -> e.prepare(wasi));
            Store<WasiComponentContext> store = Store.create(config.engine, wasi, config.limits);
            used.add(store);
            config.fuel.ifPresent(store::setFuel);
            // the deadline stops Wasm code and wakes a guest blocked in a host call (an outbound request, a
            // slow request body)
            config.timeout.ifPresent(store::setDeadline);
            if (telemetry != null) {
                wasi.observeOutboundHttp(telemetry.outbound());
            }
            wasi.routeOutboundHttp(new ChainRouter(target, depth));
            // a route's own chain first, then each component's own next handler
            String next = chain.isEmpty() ? target.next() : chain.getFirst();
            if (next != null) {
                wasi.routeImportedHandler(new NextHandlerRouter(components.get(next),
                        chain.isEmpty() ? List.of() : chain.subList(1, chain.size()), depth));
            }
            running.add(store);
            try {
                dev.basalt.component.ComponentInstance instance = telemetry == null ? target.pre().instantiate(store)
                        : telemetry.instantiate(() -> target.pre().instantiate(store));
                WasiHttp.handle(instance, wasi, request, sink);
            } finally {
                running.remove(store);
                store.cancelDeadline();
                wasi.flush();
                if (stdio != null) {
                    stdio.finish();
                }
                if (telemetry != null && config.fuel.isPresent()) {
                    telemetry.fuel(config.fuel.getAsLong() - store.getFuel().orElse(0));
                }
            }
        }
    }

    /** The instances are done: their memories go back to the modules' pools, reset, for the next requests. */
    private static void release(List<Store<?>> used) {
        used.forEach(Store::release);
    }

    /**
     * Spin's in-process requests for one guest: {@code http://ID.spin.internal/...} runs component ID (routed or
     * private; granted by {@code http://ID.spin.internal} or {@code http://*.spin.internal}), a self-request (no
     * authority, or the host {@code self.alt}; granted by {@code http://self} or {@code https://self}) is routed by
     * its path as an incoming request would be. Neither touches the network. Anything else goes to the network under
     * the guest's grants.
     */
    private final class ChainRouter implements OutboundHttpRouter {
        private final Served caller;
        private final int depth;

        ChainRouter(Served caller, int depth) {
            this.caller = caller;
            this.depth = depth;
        }

        @Override
        public Route route(String scheme, Optional<String> authority, String pathWithQuery) {
            String host = authority.map(WasiHttpServer::hostOf).orElse(null);
            boolean self = host == null || host.equals(SELF_ALT);
            String chained = host != null && host.endsWith(SPIN_INTERNAL)
                    ? host.substring(0, host.length() - SPIN_INTERNAL.length()) : null;
            if (!self && chained == null) {
                return Route.network();
            }
            if (self ? !caller.allowsSelf() : !caller.allowsChainingTo(scheme, chained)) {
                return Route.refuse("HTTP-request-denied");
            }
            Served callee = self ? null : components.get(chained);
            if (!self && callee == null) {
                return Route.refuse("destination-not-found");
            }
            if (depth >= MAX_CHAIN_DEPTH) {
                return Route.refuse("loop-detected");
            }
            String target = self ? SELF_ALT : chained + SPIN_INTERNAL;
            URI uri;
            try {
                uri = new URI("http://" + target + (pathWithQuery.startsWith("/") ? "" : "/") + pathWithQuery);
            } catch (java.net.URISyntaxException e) {
                return Route.refuse("HTTP-request-URI-invalid");
            }
            // a chained request is answered as over the network: a callee that fails before responding is a 500
            return Route.inProcess(new InProcessHttpClient(chainThreads,
                    r -> (req, sink) -> chained(callee, target, req, sink), false), uri);
        }

        /** Runs a chained or self-request (its caller waits for the response on another thread). */
        private void chained(Served callee, String host, WasiHttp.Request request, WasiHttp.ResponseSink sink) {
            try {
                String path = request.pathWithQuery();
                int q = path.indexOf('?');
                String pathOnly = q < 0 ? path : path.substring(0, q);
                Served target = callee;
                String pathInfo = pathOnly;
                dev.basalt.serve.Route route = null;
                if (target == null) {
                    // a self-request is routed as an incoming request to the same path
                    for (Served s : routed) {
                        Optional<String> info = s.route().pathInfo(pathOnly);
                        if (info.isPresent()) {
                            target = s;
                            pathInfo = info.get();
                            break;
                        }
                    }
                    if (target == null) {
                        requests.incrementAndGet();
                        sink.respond(404, List.of()).close();
                        return;
                    }
                    route = target.route();
                }
                WasiHttp.Request guest = chainedRequest(request, host, route, pathInfo);
                runInProcess(target, route == null ? List.of() : target.routeChain(), guest,
                        request.method() + " http://" + host + path + " (chained)", route == null ? "chained" : "self",
                        depth + 1, sink);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * A middleware's next handler: every request it passes to its imported {@code wasi:http/handler} runs in a fresh
     * instance of {@code next}, as the middleware passed it (method, path, headers, body; the authority is the
     * request's, or {@code NEXT.spin.internal} when it has none).
     */
    private final class NextHandlerRouter implements OutboundHttpRouter {
        private final Served next;
        /** The next handlers after {@code next} on this request's route (empty: the components' own). */
        private final List<String> rest;
        private final int depth;

        NextHandlerRouter(Served next, List<String> rest, int depth) {
            this.next = next;
            this.rest = rest;
            this.depth = depth;
        }

        @Override
        public Route route(String scheme, Optional<String> authority, String pathWithQuery) {
            if (depth >= MAX_CHAIN_DEPTH) {
                return Route.refuse("loop-detected");
            }
            String host = authority.orElse(next.name() + SPIN_INTERNAL);
            URI uri;
            try {
                uri = new URI(scheme + "://" + host + (pathWithQuery.startsWith("/") ? "" : "/") + pathWithQuery);
            } catch (java.net.URISyntaxException e) {
                return Route.refuse("HTTP-request-URI-invalid");
            }
            return Route.inProcess(new InProcessHttpClient(chainThreads, r -> (req, sink) -> {
                try {
                    runInProcess(next, rest, req, req.method() + " " + uri + " (next handler)", "next-handler",
                            depth + 1, sink);
                } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                    throw asErrorCode(next, e);
                }
            }, true), uri);
        }

        /**
         * What the middleware's {@code handle} returns when the next handler failed before its response: the
         * error-code the next handler set itself, else {@code internal-error} saying what happened (it trapped, it
         * returned without a response), as a request that got no response over the network gives an error-code
         * rather than a response the middleware could mistake for the next handler's own.
         */
        private static WasiHttpException asErrorCode(Served next, Throwable e) {
            if (e instanceof WasiHttpException w && (w.errorCode().isPresent() || w.responseStarted())) {
                return w;
            }
            String what = e instanceof Trap t ? "trapped: " + t.getMessage()
                    : e instanceof WasiHttpException w ? "failed: " + w.getMessage()
                    : "failed: " + e;
            WasiHttpException failure = WasiHttpException.internalError("the next handler " + next.name() + " " + what);
            failure.initCause(e);
            return failure;
        }
    }

    /**
     * Runs an in-process request ({@code hop}: {@code chained}, {@code self}, or a middleware's
     * {@code next-handler}) in a fresh instance of {@code target}, counted as a request in flight, in a span of its
     * own when telemetry is on; a failure is logged (as {@code what}) and rethrown, which its caller sees as a failed
     * exchange.
     */
    private void runInProcess(Served target, List<String> chain, WasiHttp.Request request, String what, String hop,
            int depth, WasiHttp.ResponseSink sink) {
        requests.incrementAndGet();
        inFlight.incrementAndGet();
        List<Store<?>> used = new ArrayList<>(1);
        ServeTelemetry.RequestTelemetry telemetry = config.telemetry == null ? null
                : config.telemetry.startHop(request, target.name(), hop);
        int[] status = {0};
        WasiHttp.ResponseSink observed = telemetry == null ? sink : new WasiHttp.ResponseSink() {
            @Override
            public OutputStream respond(int code, List<WasiHttp.Header> headers) throws IOException {
                status[0] = code;
                return sink.respond(code, headers);
            }

            @Override
            public void complete(List<WasiHttp.Header> trailers) throws IOException {
                sink.complete(trailers);
            }
        };
        try {
            runGuest(target, chain, request, telemetry, depth, used, observed);
            if (telemetry != null) {
                telemetry.endHop(status[0], null);
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            failures.incrementAndGet();
            config.errorLog.accept(failureMessage(what, target, e, telemetry));
            if (telemetry != null) {
                telemetry.endHop(status[0], e);
            }
            throw e;
        } finally {
            release(used);
            requestDone();
        }
    }

    /** The lower-case host of an authority {@code host[:port]} ({@code [v6]} kept in brackets). */
    static String hostOf(String authority) {
        String a = authority;
        int at = a.lastIndexOf('@');
        if (at >= 0) {
            a = a.substring(at + 1);
        }
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            return (close < 0 ? a : a.substring(0, close + 1)).toLowerCase(Locale.ROOT);
        }
        int colon = a.indexOf(':');
        return (colon < 0 ? a : a.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    /**
     * A chained request for the guest: the caller's headers (its {@code spin-*} and {@code host} dropped), the
     * {@code host} Spin gives it, and Spin's routing headers: a self-request's from its route, a chained one's as
     * Spin's synthetic match (the component on {@code /...}, the whole path as path info).
     */
    private static WasiHttp.Request chainedRequest(WasiHttp.Request request, String host, dev.basalt.serve.Route route,
            String pathInfo) {
        List<WasiHttp.Header> headers = new ArrayList<>();
        for (WasiHttp.Header h : request.headers()) {
            if (!h.name().regionMatches(true, 0, "spin-", 0, 5) && !h.name().equalsIgnoreCase("host")) {
                headers.add(h);
            }
        }
        headers.add(new WasiHttp.Header("host", host));
        String pattern = route == null ? "/..." : route.pattern();
        String componentRoute = route == null ? "" : route.wildcard() ? route.prefix() : route.pattern();
        headers.add(new WasiHttp.Header("spin-full-url", "http://" + host + request.pathWithQuery()));
        headers.add(new WasiHttp.Header("spin-path-info", pathInfo));
        headers.add(new WasiHttp.Header("spin-matched-route", pattern));
        headers.add(new WasiHttp.Header("spin-raw-component-route", pattern));
        headers.add(new WasiHttp.Header("spin-component-route", componentRoute));
        headers.add(new WasiHttp.Header("spin-base-path", "/"));
        // Spin's address for chained requests: there is no client socket
        headers.add(new WasiHttp.Header("spin-client-addr", "127.0.0.1:0"));
        return new WasiHttp.Request(request.method(), Optional.of("http"), Optional.of(host), request.pathWithQuery(),
                headers, request.body(), request.trailers());
    }

    /**
     * A request body stream that fails a read beyond {@code cap} bytes (the guest sees a stream error) and remembers
     * that it did, so that the request is answered 413.
     */
    private static final class CappedInput extends java.io.FilterInputStream {
        /** At most this much of a body the guest left unread is read and dropped (see {@link #discardRest}). */
        static final long DISCARD_LIMIT = 16L << 20;
        private final long cap;
        private final boolean expectsContinue;
        private long count;
        volatile boolean exceeded;

        CappedInput(InputStream in, long cap, boolean expectsContinue) {
            super(in);
            this.cap = cap;
            this.expectsContinue = expectsContinue;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (exceeded) {
                throw new IOException("the request body is larger than " + cap + " bytes");
            }
            // one byte beyond the cap tells a body of exactly cap bytes from a longer one (saturating: without a
            // cap, Long.MAX_VALUE + 1 would wrap and every read would ask for one byte)
            long room = cap - count >= Long.MAX_VALUE - 1 ? Long.MAX_VALUE : cap - count + 1;
            int n = super.read(b, off, (int) Math.min(len, Math.max(1, room)));
            if (n > 0) {
                count += n;
                if (count > cap) {
                    exceeded = true;
                    throw new IOException("the request body is larger than " + cap + " bytes");
                }
            }
            return n;
        }

        /**
         * Reads and drops what the guest left of the request body, up to {@link #DISCARD_LIMIT} bytes (and never past
         * the cap), before the response is completed. A server that answers (an error, or a guest that did not read
         * the body) and closes while the client is still sending makes the client's kernel see a reset, which
         * loses the response the client had not read yet: clients report a broken pipe instead of the status.
         * Reading the rest lets the connection end cleanly (or be kept alive); a longer rest is left to Jetty, which
         * closes the connection. Never throws: a failing or over-cap body has nothing more to give.
         */
        void discardRest() {
            // a client that waits for 100 Continue sends nothing more unless asked: do not ask for a body to drop
            if (exceeded || expectsContinue) {
                return;
            }
            byte[] buf = new byte[8192];
            long left = DISCARD_LIMIT;
            try {
                int n;
                while (left > 0 && (n = read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
                    left -= n;
                }
            } catch (IOException | RuntimeException e) {
                // the client went away or the body passed the cap: the response goes out (or not) as it would have
            }
        }

        /**
         * The guest dropping its body stream does not close Jetty's: closing it would give up the rest of the body,
         * which {@link #discardRest} still reads; Jetty ends the request content with the exchange.
         */
        @Override
        public void close() {
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 8192)];
            int r = read(buf, 0, buf.length);
            return Math.max(r, 0);
        }
    }

    /** Thrown into the guest's response-outparam.set when the body was over the cap: the answer is 413. */
    private static final class BodyTooLarge extends RuntimeException {
        BodyTooLarge() {
            super("the request body is over the size limit", null, false, false);
        }
    }

    /** The trap's message and its Wasm frames, one per line. */
    static String backtrace(Trap t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        for (Trap.Frame f : t.backtrace()) {
            sb.append("\n    at ").append(f);
        }
        return sb.toString();
    }

    /** The request for the guest, with Spin's routing headers ({@code spin-path-info} ...) added. */
    private static WasiHttp.Request toGuest(Request request, InputStream in, Route route, String pathInfo) {
        List<WasiHttp.Header> headers = new ArrayList<>();
        for (HttpField f : request.getHeaders()) {
            // a client must not pass for a chained caller (Spin strips Host: *.spin.internal from routed requests)
            if (!f.getName().regionMatches(true, 0, "spin-", 0, 5) && !(f.getName().equalsIgnoreCase("host")
                    && f.getValue() != null && hostOf(f.getValue()).endsWith(SPIN_INTERNAL))) {
                headers.add(new WasiHttp.Header(f.getName(), f.getValue() == null ? "" : f.getValue()));
            }
        }
        String componentRoute = route.wildcard() ? route.prefix() : route.pattern();
        String authority = request.getHttpURI().getAuthority();
        String fullUrl = request.getHttpURI().asString();
        if (authority != null && hostOf(authority).endsWith(SPIN_INTERNAL)) {
            // the server's own address instead of the spoofed host
            authority = null;
            fullUrl = org.eclipse.jetty.http.HttpURI.build(request.getHttpURI())
                    .authority(Request.getLocalAddr(request), Request.getLocalPort(request)).asString();
        }
        headers.add(new WasiHttp.Header("spin-full-url", fullUrl));
        headers.add(new WasiHttp.Header("spin-path-info", pathInfo));
        headers.add(new WasiHttp.Header("spin-matched-route", route.pattern()));
        headers.add(new WasiHttp.Header("spin-raw-component-route", route.pattern()));
        headers.add(new WasiHttp.Header("spin-component-route", componentRoute));
        headers.add(new WasiHttp.Header("spin-base-path", "/"));
        headers.add(new WasiHttp.Header("spin-client-addr", Request.getRemoteAddr(request) + ":" + Request.getRemotePort(request)));
        String scheme = request.getHttpURI().getScheme();
        String path = request.getHttpURI().getPathQuery();
        return new WasiHttp.Request(request.getMethod(), Optional.ofNullable(scheme),
                Optional.ofNullable(authority), path == null || path.isEmpty() ? "/" : path, headers, in, () -> {
                    // known once the body was read to its end (chunked HTTP/1.1, HTTP/2)
                    org.eclipse.jetty.http.HttpFields t = request.getTrailers();
                    List<WasiHttp.Header> out = new ArrayList<>();
                    if (t != null) {
                        for (HttpField f : t) {
                            out.add(new WasiHttp.Header(f.getName(), f.getValue() == null ? "" : f.getValue()));
                        }
                    }
                    return out;
                });
    }
}
