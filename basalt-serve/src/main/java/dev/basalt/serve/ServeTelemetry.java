package dev.basalt.serve;

import dev.basalt.Trap;
import dev.basalt.wasi.preview2.OutboundHttpObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * OpenTelemetry traces and metrics of a {@link WasiHttpServer}, after the HTTP semantic conventions.
 *
 * <p>Traces: a {@code SERVER} span per request ({@code GET /api/...}), its parent taken from the request's trace
 * context ({@code traceparent}, by the propagators of the {@link OpenTelemetry} given); a child span for the
 * component's instantiation; a {@code CLIENT} span for each outbound wasi:http request the guest sends, whose
 * context goes out with it ({@code traceparent} injected). Metrics: {@code http.server.request.duration} (its
 * count is the request count) by method, route, status and error type; {@code http.server.active_requests};
 * {@code basalt.instantiation.duration} by component; {@code basalt.traps} by trap kind; {@code basalt.fuel.consumed}
 * per request (when fuel is metered); {@code http.client.request.duration} for outbound requests.
 *
 * <p>Logs: the guests' {@code wasi:logging} records and stdout and stderr lines ({@link GuestLogs}) as log records in the trace
 * of the request that wrote them.
 *
 * <p>Only this class touches the OpenTelemetry API: a server without telemetry never calls it (its handler
 * checks one field), so telemetry that is off costs nothing. Thread-safe.
 */
public final class ServeTelemetry {
    /** The instrumentation scope's name. */
    public static final String SCOPE = "dev.basalt.serve";

    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<String> NETWORK_PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
    static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");
    /** The component serving the route (its name in the manifest, "app" for a single component). */
    static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("basalt.component");
    /** A trap's kind: {@link dev.basalt.TrapKind} in lower case, e.g. {@code unreachable}, {@code out_of_fuel}. */
    static final AttributeKey<String> TRAP_KIND = AttributeKey.stringKey("basalt.trap.kind");

    /** The methods the semantic conventions name; any other is {@code _OTHER} (bounded metric cardinality). */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
            "OPTIONS", "TRACE", "PATCH");
    /** The HTTP semantic conventions' advice for durations in seconds. */
    private static final List<Double> DURATION_BUCKETS = List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

    private static final TextMapGetter<Request> REQUEST_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Request carrier) {
            List<String> names = new ArrayList<>();
            for (HttpField f : carrier.getHeaders()) {
                names.add(f.getName());
            }
            return names;
        }

        @Override
        public String get(Request carrier, String key) {
            return carrier == null ? null : carrier.getHeaders().get(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final DoubleHistogram serverDuration;
    private final LongUpDownCounter activeRequests;
    private final DoubleHistogram instantiationDuration;
    private final LongCounter traps;
    private final LongHistogram fuelConsumed;
    private final DoubleHistogram clientDuration;
    private final io.opentelemetry.api.logs.Logger logs;

    private ServeTelemetry(OpenTelemetry otel) {
        String version = ServeTelemetry.class.getPackage().getImplementationVersion();
        tracer = version == null ? otel.getTracer(SCOPE) : otel.getTracer(SCOPE, version);
        logs = version == null ? otel.getLogsBridge().get(SCOPE)
                : otel.getLogsBridge().loggerBuilder(SCOPE).setInstrumentationVersion(version).build();
        propagator = otel.getPropagators().getTextMapPropagator();
        Meter meter = otel.getMeter(SCOPE);
        serverDuration = meter.histogramBuilder("http.server.request.duration").setUnit("s")
                .setDescription("Duration of HTTP server requests.")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        activeRequests = meter.upDownCounterBuilder("http.server.active_requests").setUnit("{request}")
                .setDescription("Number of active HTTP server requests.").build();
        instantiationDuration = meter.histogramBuilder("basalt.instantiation.duration").setUnit("s")
                .setDescription("Time to instantiate a request's component from its pre-instantiated form.")
                .setExplicitBucketBoundariesAdvice(List.of(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                        0.025, 0.05, 0.1, 0.25, 0.5, 1.0)).build();
        traps = meter.counterBuilder("basalt.traps").setUnit("{trap}")
                .setDescription("Requests whose guest trapped, by trap kind.").build();
        fuelConsumed = meter.histogramBuilder("basalt.fuel.consumed").ofLongs().setUnit("{fuel}")
                .setDescription("Fuel a request's guest consumed (only when fuel is metered).").build();
        clientDuration = meter.histogramBuilder("http.client.request.duration").setUnit("s")
                .setDescription("Duration of the outbound HTTP requests guests send (until the response's headers).")
                .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    }

    /** Telemetry through {@code otel}'s tracer, meter and propagators (e.g. an autoconfigured SDK). */
    public static ServeTelemetry create(OpenTelemetry otel) {
        return new ServeTelemetry(Objects.requireNonNull(otel, "otel"));
    }

    /** The method as the semantic conventions record it: a known method, or {@code _OTHER}. */
    static String method(String method) {
        return KNOWN_METHODS.contains(method) ? method : "_OTHER";
    }

    /**
     * For embedders calling {@link dev.basalt.wasi.preview2.WasiHttp} themselves: an observer to set with
     * {@link dev.basalt.wasi.preview2.WasiComponentContext#observeOutboundHttp} that makes each outbound request of
     * the guest a {@code CLIENT} span under {@code parent} (e.g. {@code Context.current()} of the caller's own
     * server span), sends its trace context along ({@code traceparent}) and records
     * {@code http.client.request.duration}.
     */
    public OutboundHttpObserver outboundObserver(Context parent) {
        Objects.requireNonNull(parent, "parent");
        return (outMethod, uri, setHeader) -> outbound(parent, outMethod, uri, setHeader);
    }

    private OutboundHttpObserver.Exchange outbound(Context context, String outMethod, URI uri,
            java.util.function.BiConsumer<String, String> setHeader) {
        String m = method(outMethod);
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        String host = uri.getHost() == null ? String.valueOf(uri.getAuthority()) : uri.getHost();
        Span client = tracer.spanBuilder(m.equals("_OTHER") ? "HTTP" : m).setParent(context)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(HTTP_REQUEST_METHOD, m)
                .setAttribute(SERVER_ADDRESS, host)
                .setAttribute(SERVER_PORT, (long) port)
                .setAttribute(URL_FULL, uri.toString())
                .startSpan();
        propagator.inject(context.with(client), setHeader, (carrier, key, value) -> carrier.accept(key, value));
        long start = System.nanoTime();
        return new OutboundHttpObserver.Exchange() {
            @Override
            public void responded(int status) {
                client.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
                AttributesBuilder a = Attributes.builder().put(HTTP_REQUEST_METHOD, m).put(SERVER_ADDRESS, host)
                        .put(SERVER_PORT, (long) port).put(HTTP_RESPONSE_STATUS_CODE, (long) status);
                if (status >= 400) {
                    client.setStatus(StatusCode.ERROR);
                    client.setAttribute(ERROR_TYPE, Integer.toString(status));
                    a.put(ERROR_TYPE, Integer.toString(status));
                }
                client.end();
                clientDuration.record((System.nanoTime() - start) / 1e9, a.build());
            }

            @Override
            public void failed(String errorCode) {
                client.setStatus(StatusCode.ERROR, errorCode);
                client.setAttribute(ERROR_TYPE, errorCode);
                client.end();
                clientDuration.record((System.nanoTime() - start) / 1e9, Attributes.of(HTTP_REQUEST_METHOD, m,
                        SERVER_ADDRESS, host, SERVER_PORT, (long) port, ERROR_TYPE, errorCode));
            }
        };
    }

    /** Starts observing {@code request}: its server span and the active-requests count. */
    RequestTelemetry start(Request request) {
        return new RequestTelemetry(request);
    }

    /**
     * Starts observing an in-process hop ({@code hop}: {@code next-handler}, {@code chained} or {@code self}):
     * {@code component} runs {@code request}, which a guest of the same server sent. Its span is a {@code SERVER}
     * span named {@code METHOD COMPONENT}, a child of the sender's {@code CLIENT} span (whose context came with the
     * request as {@code traceparent}); it counts no incoming request ({@code http.server.*} metrics), only what runs
     * in it (instantiation, traps, fuel, outbound requests).
     */
    RequestTelemetry startHop(dev.basalt.wasi.preview2.WasiHttp.Request request, String component, String hop) {
        return new RequestTelemetry(request, component, hop);
    }

    private static final TextMapGetter<List<dev.basalt.wasi.preview2.WasiHttp.Header>> HOP_HEADERS =
            new TextMapGetter<>() {
                @Override
                public Iterable<String> keys(List<dev.basalt.wasi.preview2.WasiHttp.Header> carrier) {
                    return carrier.stream().map(dev.basalt.wasi.preview2.WasiHttp.Header::name).toList();
                }

                @Override
                public String get(List<dev.basalt.wasi.preview2.WasiHttp.Header> carrier, String key) {
                    if (carrier == null) {
                        return null;
                    }
                    for (dev.basalt.wasi.preview2.WasiHttp.Header h : carrier) {
                        if (h.name().equalsIgnoreCase(key)) {
                            return h.value();
                        }
                    }
                    return null;
                }
            };

    /** Which of the guest's streams a log record's line came from (the semantic conventions' attribute). */
    static final AttributeKey<String> LOG_IOSTREAM = AttributeKey.stringKey("log.iostream");
    /** A {@code wasi:logging} record's context argument (a logger name, a module path...). */
    static final AttributeKey<String> LOG_CONTEXT = AttributeKey.stringKey("wasi.logging.context");

    /** The in-process hop a span stands for: {@code next-handler}, {@code chained} or {@code self}. */
    static final AttributeKey<String> HOP = AttributeKey.stringKey("basalt.hop");

    /** One request's span and measurements; its handler's thread uses it, the end may come from Jetty's. */
    final class RequestTelemetry {
        private final long startNanos = System.nanoTime();
        private final String method;
        private final String scheme;
        private final Context context;
        private final Span span;
        private final Attributes activeAttributes;
        /** Whether this is an in-process hop, which the {@code http.server.*} metrics do not count. */
        private final boolean hop;
        private String route;
        private String component;
        private String errorType;
        private boolean ended;

        private RequestTelemetry(dev.basalt.wasi.preview2.WasiHttp.Request request, String component, String hopKind) {
            hop = true;
            method = method(request.method());
            scheme = request.scheme().orElse("http");
            this.component = component;
            Context parent = propagator.extract(Context.root(), request.headers(), HOP_HEADERS);
            String pathWithQuery = request.pathWithQuery();
            int q = pathWithQuery.indexOf('?');
            var b = tracer.spanBuilder((method.equals("_OTHER") ? "HTTP" : method) + " " + component)
                    .setParent(parent)
                    .setSpanKind(SpanKind.SERVER)
                    .setAttribute(HTTP_REQUEST_METHOD, method)
                    .setAttribute(URL_SCHEME, scheme)
                    .setAttribute(URL_PATH, q < 0 ? pathWithQuery : pathWithQuery.substring(0, q))
                    .setAttribute(COMPONENT, component)
                    .setAttribute(HOP, hopKind);
            if (!method.equals(request.method())) {
                b.setAttribute(HTTP_REQUEST_METHOD_ORIGINAL, request.method());
            }
            if (q >= 0) {
                b.setAttribute(URL_QUERY, pathWithQuery.substring(q + 1));
            }
            request.authority().ifPresent(a -> b.setAttribute(SERVER_ADDRESS, WasiHttpServer.hostOf(a)));
            span = b.startSpan();
            context = parent.with(span);
            activeAttributes = null;
        }

        private RequestTelemetry(Request request) {
            hop = false;
            String original = request.getMethod();
            method = method(original);
            scheme = request.getHttpURI().getScheme() == null ? "http" : request.getHttpURI().getScheme();
            Context parent = propagator.extract(Context.root(), request, REQUEST_HEADERS);
            var b = tracer.spanBuilder(method.equals("_OTHER") ? "HTTP" : method).setParent(parent)
                    .setSpanKind(SpanKind.SERVER)
                    .setAttribute(HTTP_REQUEST_METHOD, method)
                    .setAttribute(URL_SCHEME, scheme);
            if (!method.equals(original)) {
                b.setAttribute(HTTP_REQUEST_METHOD_ORIGINAL, original);
            }
            String path = request.getHttpURI().getPath();
            b.setAttribute(URL_PATH, path == null || path.isEmpty() ? "/" : path);
            String query = request.getHttpURI().getQuery();
            if (query != null) {
                b.setAttribute(URL_QUERY, query);
            }
            b.setAttribute(SERVER_ADDRESS, Request.getServerName(request));
            b.setAttribute(SERVER_PORT, (long) Request.getServerPort(request));
            b.setAttribute(CLIENT_ADDRESS, Request.getRemoteAddr(request));
            String agent = request.getHeaders().get("user-agent");
            if (agent != null) {
                b.setAttribute(USER_AGENT, agent);
            }
            String version = protocolVersion(request);
            if (version != null) {
                b.setAttribute(NETWORK_PROTOCOL_VERSION, version);
            }
            span = b.startSpan();
            context = parent.with(span);
            activeAttributes = Attributes.of(HTTP_REQUEST_METHOD, method, URL_SCHEME, scheme);
            activeRequests.add(1, activeAttributes);
        }

        private static String protocolVersion(Request request) {
            return switch (request.getConnectionMetaData().getHttpVersion()) {
                case HTTP_1_0 -> "1.0";
                case HTTP_1_1 -> "1.1";
                case HTTP_2 -> "2";
                case HTTP_3 -> "3";
                case null, default -> null;
            };
        }

        /** The request was routed to {@code component} by {@code route} (its pattern, e.g. {@code /api/...}). */
        void routed(String route, String component) {
            this.route = route;
            this.component = component;
            span.updateName((method.equals("_OTHER") ? "HTTP" : method) + " " + route);
            span.setAttribute(HTTP_ROUTE, route);
            span.setAttribute(COMPONENT, component);
        }

        /** Runs {@code instantiation} in a child span, recording its duration. */
        <T> T instantiate(Supplier<T> instantiation) {
            Span s = tracer.spanBuilder("instantiate " + component).setParent(context).startSpan();
            long start = System.nanoTime();
            try {
                return instantiation.get();
            } catch (RuntimeException | Error e) {
                s.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
                throw e;
            } finally {
                s.end();
                instantiationDuration.record((System.nanoTime() - start) / 1e9, Attributes.of(COMPONENT, component));
            }
        }

        /** The guest trapped: counted by kind, and recorded on the span with its Wasm backtrace. */
        void trapped(Trap trap) {
            String kind = trap.kind().name().toLowerCase(Locale.ROOT);
            errorType = kind;
            AttributesBuilder a = Attributes.builder().put(TRAP_KIND, kind);
            if (route != null) {
                a.put(HTTP_ROUTE, route);
            }
            if (component != null) {
                // an in-process hop has a component but no route
                a.put(COMPONENT, component);
            }
            traps.add(1, a.build());
            span.addEvent("exception", Attributes.of(EXCEPTION_TYPE, "wasm trap: " + kind,
                    EXCEPTION_MESSAGE, String.valueOf(trap.getMessage()),
                    EXCEPTION_STACKTRACE, WasiHttpServer.backtrace(trap)));
        }

        /** The request failed otherwise ({@code type}: e.g. {@code error-code}, {@code no-response}). */
        void failed(String type, String message) {
            errorType = type;
            span.addEvent("exception", Attributes.of(EXCEPTION_TYPE, type, EXCEPTION_MESSAGE, message));
        }

        /** The guest consumed {@code units} of fuel. */
        void fuel(long units) {
            AttributesBuilder a = Attributes.builder();
            if (route != null) {
                a.put(HTTP_ROUTE, route);
            }
            if (component != null) {
                // an in-process hop has a component but no route
                a.put(COMPONENT, component);
            }
            fuelConsumed.record(units, a.build());
            span.setAttribute("basalt.fuel.consumed", units);
        }

        /**
         * A {@code wasi:logging} record of the guest ({@code level}: one of {@link GuestLogs#LEVELS}) as an
         * OpenTelemetry log record in this request's trace (its span's trace and span ids), with the component and
         * the record's context as attributes.
         */
        void guestLog(String guest, String level, String logContext, String message) {
            var b = logs.logRecordBuilder().setContext(context)
                    .setSeverity(switch (level) {
                        case "trace" -> io.opentelemetry.api.logs.Severity.TRACE;
                        case "debug" -> io.opentelemetry.api.logs.Severity.DEBUG;
                        case "info" -> io.opentelemetry.api.logs.Severity.INFO;
                        case "warn" -> io.opentelemetry.api.logs.Severity.WARN;
                        case "error" -> io.opentelemetry.api.logs.Severity.ERROR;
                        default -> io.opentelemetry.api.logs.Severity.FATAL;
                    })
                    .setSeverityText(GuestLogs.severityText(level))
                    .setBody(message)
                    .setAttribute(COMPONENT, guest);
            if (!logContext.isEmpty()) {
                b.setAttribute(LOG_CONTEXT, logContext);
            }
            b.emit();
        }

        /**
         * A line the guest wrote to {@code stream} ({@code stdout} or {@code stderr}), as a log record in this
         * request's trace ({@code log.iostream}; no severity: the guest did not give one).
         */
        void guestOutput(String guest, String stream, String line) {
            logs.logRecordBuilder().setContext(context).setBody(line).setAttribute(COMPONENT, guest)
                    .setAttribute(LOG_IOSTREAM, stream).emit();
        }

        /** Observes the guest's outbound requests as children of this request's span. */
        OutboundHttpObserver outbound() {
            return outboundObserver(context);
        }

        /** {@code callback}, which also ends the request's span and records its duration when Jetty completes it. */
        Callback ending(Response response, Callback callback) {
            return new Callback() {
                @Override
                public void succeeded() {
                    end(response.getStatus(), null);
                    callback.succeeded();
                }

                @Override
                public void failed(Throwable x) {
                    end(response.getStatus(), x);
                    callback.failed(x);
                }

                @Override
                public InvocationType getInvocationType() {
                    return callback.getInvocationType();
                }
            };
        }

        /** The in-process hop ended: its guest's response had {@code status} (0: none), or it failed with {@code abort}. */
        void endHop(int status, Throwable abort) {
            end(status, abort);
        }

        private synchronized void end(int status, Throwable abort) {
            if (ended) {
                return;
            }
            ended = true;
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            AttributesBuilder a = Attributes.builder().put(HTTP_REQUEST_METHOD, method).put(URL_SCHEME, scheme);
            if (route != null) {
                a.put(HTTP_ROUTE, route);
            }
            if (status > 0) {
                a.put(HTTP_RESPONSE_STATUS_CODE, (long) status);
                span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) status);
            }
            String error = errorType;
            if (error == null && abort != null) {
                error = abort.getClass().getName();
            }
            if (error == null && status >= 500) {
                error = Integer.toString(status);
            }
            if (error != null) {
                a.put(ERROR_TYPE, error);
                span.setAttribute(ERROR_TYPE, error);
            }
            // a server span is an error for 5xx and aborted exchanges, not for 4xx (the client's mistake)
            if (status >= 500 || abort != null) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
            if (!hop) {
                serverDuration.record(seconds, a.build());
                activeRequests.add(-1, activeAttributes);
            }
        }
    }
}
