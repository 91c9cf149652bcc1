package dev.basalt.wasi.preview2.internal;

import static dev.basalt.wasi.preview2.internal.HttpHost.CLIENT_RESTRICTED;
import static dev.basalt.wasi.preview2.internal.HttpHost.FORBIDDEN;
import static dev.basalt.wasi.preview2.internal.HttpHost.errorCode;
import static dev.basalt.wasi.preview2.internal.HttpHost.internalError;
import static dev.basalt.wasi.preview2.internal.HttpHost.none;
import static dev.basalt.wasi.preview2.internal.HttpHost.some;
import static dev.basalt.wasi.preview2.internal.WasiHost.bytes;
import static dev.basalt.wasi.preview2.internal.WasiHost.err;
import static dev.basalt.wasi.preview2.internal.WasiHost.ok;
import static dev.basalt.wasi.preview2.internal.WasiHost.rep;
import static dev.basalt.wasi.preview2.internal.WasiHost.res;
import static dev.basalt.wasi.preview2.internal.WasiHost.str;

import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.component.ComponentCall;
import dev.basalt.component.ComponentEventLoop;
import dev.basalt.component.ComponentFunc;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.CopyResult;
import dev.basalt.component.FutureReader;
import dev.basalt.component.FutureWriter;
import dev.basalt.component.ResourceHandle;
import dev.basalt.component.ResourceType;
import dev.basalt.component.StreamReader;
import dev.basalt.component.StreamWriter;
import dev.basalt.component.ValueType;
import dev.basalt.component.wit.Function;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.TypeDef;
import dev.basalt.wasi.preview2.OutboundHttpObserver;
import dev.basalt.wasi.preview2.OutboundHttpRouter;
import dev.basalt.wasi.preview2.internal.HttpResources.Field;
import dev.basalt.wasi.preview2.internal.HttpResources.Fields;
import dev.basalt.wasi.preview2.internal.HttpResourcesP3.Body;
import dev.basalt.wasi.preview2.internal.HttpResourcesP3.Options;
import dev.basalt.wasi.preview2.internal.HttpResourcesP3.Pump;
import dev.basalt.wasi.preview2.internal.HttpResourcesP3.Request;
import dev.basalt.wasi.preview2.internal.HttpResourcesP3.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * wasi:http@0.3.0: {@code wasi:http/types} (fields, request, response, request-options; bodies as
 * {@code stream<u8>} with a trailers {@code future}) and {@code wasi:http/client} ({@code send}, an async host
 * function: the calling guest task waits while the others run), on the component model's host async API
 * ({@link StreamWriter}, {@link StreamReader}, {@link FutureWriter}, {@link FutureReader}). Outbound requests go
 * through the same grant ({@code allowOutboundHost}), header rules and {@link java.net.http.HttpClient} as the 0.2
 * host's ({@link HttpHost}). {@link #serve} calls a guest's {@code wasi:http/handler@0.3.x} export.
 *
 * <p>A {@code wasi:http/middleware} component also imports {@code wasi:http/handler}: its {@code handle} is the
 * next handler of the chain. The host treats it as {@code client.send}, except that the guest's
 * {@link HostState#importedHandlerRouter} (e.g. {@code basalt serve}'s next component, in-process) decides first.
 *
 * <p>Bodies stream both ways with backpressure: a pump thread copies a request body (or an outbound response
 * body) from its Java {@link InputStream} into the guest's stream only as fast as the guest reads it; the guest's
 * response body is copied to the Java side as the guest writes it, on the thread driving the store.
 */
public final class HttpHostP3 {
    static final String VERSION = "0.3.0";
    static final String TYPES = "wasi:http/types";
    static final String CLIENT = "wasi:http/client";
    /** The export a 0.3 HTTP service component provides. */
    public static final String HANDLER = "wasi:http/handler";

    private static final int CHUNK = 64 * 1024;

    /** One set of resource types for every linker: the representations all live in {@link HostResources}. */
    static final ResourceType FIELDS = ResourceType.host("fields", HostResources::drop);
    static final ResourceType REQUEST = ResourceType.host("request", HostResources::drop);
    static final ResourceType REQUEST_OPTIONS = ResourceType.host("request-options", HostResources::drop);
    static final ResourceType RESPONSE = ResourceType.host("response", HostResources::drop);

    @FunctionalInterface
    interface Impl {
        ComponentValue call(HostState s, Store<?> store, List<ComponentValue> args) throws IOException;
    }

    @FunctionalInterface
    interface AsyncImpl {
        CompletionStage<ComponentValue> call(HostState s, Store<?> store, List<ComponentValue> args);
    }

    private final Map<String, Impl> impls = new HashMap<>();
    private final Map<String, AsyncImpl> asyncImpls = new HashMap<>();

    /** The WIT-derived value types the host makes values of, and function types by "iface#name". */
    private static volatile Types types;

    record Types(Map<String, ComponentFuncType> functions, ValueType trailersResult, ValueType deliveredResult,
            WasiWit.Converter converter, Resolve resolve) {
    }

    static Types types() {
        Types t = types;
        if (t == null) {
            Resolve r = WasiWit.resolveP3();
            Map<Resolve.TypeId, ResourceType> byId = new HashMap<>();
            Resolve.InterfaceId typesId = WasiWit.iface(r, TYPES + "@" + VERSION);
            for (Resolve.TypeId id : r.iface(typesId).types()) {
                if (r.type(id).kind() instanceof TypeDef.Resource) {
                    byId.put(id, switch (r.type(id).name()) {
                        case "fields" -> FIELDS;
                        case "request" -> REQUEST;
                        case "request-options" -> REQUEST_OPTIONS;
                        case "response" -> RESPONSE;
                        default -> throw new IllegalStateException("no host resource type for " + r.type(id).name());
                    });
                }
            }
            WasiWit.Converter conv = new WasiWit.Converter(r, byId);
            Map<String, ComponentFuncType> fns = new HashMap<>();
            for (String iface : List.of(TYPES, CLIENT, HANDLER)) {
                for (Function f : r.iface(WasiWit.iface(r, iface + "@" + VERSION)).functions()) {
                    fns.put(iface + "#" + f.name(), conv.funcType(f));
                }
            }
            ComponentFuncType requestNew = fns.get(TYPES + "#[static]request.new");
            ValueType trailers = ((ValueType.FutureType) requestNew.paramTypes().get(2)).element().orElseThrow();
            ValueType delivered = ((ValueType.FutureType) ((ValueType.TupleType) requestNew.result().orElseThrow())
                    .types().get(1)).element().orElseThrow();
            t = new Types(Map.copyOf(fns), trailers, delivered, conv, r);
            types = t;
        }
        return t;
    }

    public HttpHostP3() {
        registerFields();
        registerRequests();
        registerResponses();
        registerOptions();
        asyncImpls.put(CLIENT + "#send", (s, store, a) -> send(s, store, a, false));
        // a wasi:http/middleware component's imported handler: its next handler
        asyncImpls.put(HANDLER + "#handle", (s, store, a) -> send(s, store, a, true));
    }

    /**
     * Defines {@code wasi:http/types@0.3.0}, {@code wasi:http/client@0.3.0} and (for middleware) the imported
     * {@code wasi:http/handler@0.3.0} in {@code linker}; {@code state}
     * finds the guest's state from its store.
     */
    public <T> void define(ComponentLinker<T> linker, java.util.function.Function<Store<T>, HostState> state) {
        Types t = types();
        Resolve r = t.resolve();
        for (String iface : List.of(TYPES, CLIENT, HANDLER)) {
            Resolve.InterfaceId id = WasiWit.iface(r, iface + "@" + VERSION);
            ComponentLinker.LinkerInstance<T> inst = linker.instance(iface + "@" + VERSION);
            WasiWit.defineTypes(inst, r, id, t.converter());
            for (Function f : r.iface(id).functions()) {
                String key = iface + "#" + f.name();
                ComponentFuncType type = t.functions().get(key);
                Impl impl = impls.get(key);
                AsyncImpl async = asyncImpls.get(key);
                if (impl != null) {
                    inst.defineFunction(f.name(), type, (store, args) -> {
                        HostState hs = state.apply(store);
                        hs.store = store;
                        try {
                            ComponentValue v = impl.call(hs, store, args);
                            return v == null ? List.of() : List.of(v);
                        } catch (IOException e) {
                            throw new Trap(TrapKind.HOST_ERROR, key + ": " + e.getMessage());
                        }
                    });
                } else if (async != null) {
                    inst.defineAsyncFunction(f.name(), type, (store, args) -> {
                        HostState hs = state.apply(store);
                        hs.store = store;
                        return async.call(hs, store, args).thenApply(v -> v == null ? List.of() : List.of(v));
                    });
                } else {
                    throw new IllegalStateException("no implementation of " + key);
                }
            }
        }
    }

    // ---------------------------------------------------------------- values

    private static ComponentValue own(ResourceType type, HostState s, HostResources.Res r) {
        return new ComponentValue.Own(ResourceHandle.own(type, HostResources.add(s, r)));
    }

    private static ComponentValue ownFields(HostState s, List<Field> entries, boolean immutable) {
        return own(FIELDS, s, new Fields(entries, immutable));
    }

    private static Fields takeFields(List<ComponentValue> a, int i) {
        return new Fields(HostResources.take(rep(a, i), Fields.class).entries, true);
    }

    private static ComponentValue unitOk() {
        return new ComponentValue.ResultValue(true, Optional.empty());
    }

    private static ComponentValue unitErr() {
        return new ComponentValue.ResultValue(false, Optional.empty());
    }

    // ---------------------------------------------------------------- fields

    private void on(String function, Impl impl) {
        if (impls.put(TYPES + "#" + function, impl) != null) {
            throw new IllegalStateException("defined twice: " + function);
        }
    }

    private void registerFields() {
        on("[constructor]fields", (s, st, a) -> ownFields(s, List.of(), false));
        on("[static]fields.from-list", (s, st, a) -> {
            List<Field> entries = new ArrayList<>();
            for (ComponentValue e : ((ComponentValue.ListValue) a.get(0)).elements()) {
                List<ComponentValue> pair = ((ComponentValue.TupleValue) e).elements();
                String name = ((ComponentValue.Str) pair.get(0)).value();
                byte[] value = bytes(pair.get(1));
                if (!HttpHost.validName(name) || !HttpHost.validValue(value)) {
                    return HttpHost.headerError("invalid-syntax");
                }
                if (FORBIDDEN.contains(name.toLowerCase(Locale.ROOT))) {
                    return HttpHost.headerError("forbidden");
                }
                entries.add(new Field(name, value));
            }
            return ok(ownFields(s, entries, false));
        });
        on("[method]fields.get", (s, st, a) -> new ComponentValue.ListValue(
                res(a, 0, Fields.class).get(str(a, 1)).stream().map(WasiHost::bytes).toList()));
        on("[method]fields.has", (s, st, a) -> new ComponentValue.Bool(!res(a, 0, Fields.class).get(str(a, 1)).isEmpty()));
        on("[method]fields.set", (s, st, a) -> HttpHost.fieldResult(HttpHost.setField(res(a, 0, Fields.class),
                str(a, 1), ((ComponentValue.ListValue) a.get(2)).elements().stream().map(WasiHost::bytes).toList())));
        on("[method]fields.delete", (s, st, a) ->
                HttpHost.fieldResult(HttpHost.deleteField(res(a, 0, Fields.class), str(a, 1))));
        on("[method]fields.get-and-delete", (s, st, a) -> {
            Fields f = res(a, 0, Fields.class);
            List<byte[]> values = f.get(str(a, 1));
            String error = HttpHost.deleteField(f, str(a, 1));
            return error != null ? HttpHost.headerError(error)
                    : ok(new ComponentValue.ListValue(values.stream().map(WasiHost::bytes).toList()));
        });
        on("[method]fields.append", (s, st, a) ->
                HttpHost.fieldResult(HttpHost.appendField(res(a, 0, Fields.class), str(a, 1), bytes(a.get(2)))));
        on("[method]fields.copy-all", (s, st, a) -> HttpHost.fieldList(res(a, 0, Fields.class).entries));
        on("[method]fields.clone", (s, st, a) -> ownFields(s, res(a, 0, Fields.class).entries, false));
    }

    // ---------------------------------------------------------------- requests

    /** A guest-made body: the contents and trailers ends it passed, and a new future to report delivery on. */
    private static Body guestBody(Store<?> store, List<ComponentValue> a, int contents, int trailers) {
        Optional<ComponentValue> c = ((ComponentValue.OptionValue) a.get(contents)).value();
        FutureWriter delivered = FutureWriter.create(store, Optional.of(types().deliveredResult()));
        return new Body(store, c.orElse(null), a.get(trailers), null, null, delivered);
    }

    /** {@code consume-body}: the message's body ends, handed to the guest (an empty stream for a message without). */
    private static ComponentValue consumeBody(Store<?> store, Body b, ComponentValue res) {
        // the guest reports here when it has finished with the body; the host does not wait for that
        FutureReader.of(store, res).close();
        ComponentValue contents = b.contents;
        if (contents == null) {
            StreamWriter empty = StreamWriter.bytes(store);
            contents = empty.readableEnd();
            empty.close();
        }
        ComponentValue trailers = b.trailers;
        b.contents = null;
        b.trailers = null;
        return ComponentValue.tuple(contents, trailers);
    }

    private void registerRequests() {
        on("[static]request.new", (s, st, a) -> {
            Fields headers = takeFields(a, 0);
            Optional<Options> options = ((ComponentValue.OptionValue) a.get(3)).value()
                    .map(v -> HostResources.take(rep(List.of(v), 0), Options.class).copy(true));
            Body body = guestBody(st, a, 1, 2);
            Request r = new Request(headers, body, options);
            return ComponentValue.tuple(own(REQUEST, s, r), body.delivered.readableEnd());
        });
        on("[method]request.get-method", (s, st, a) -> HttpHost.method(res(a, 0, Request.class).method));
        on("[method]request.set-method", (s, st, a) -> {
            String m = HttpHost.methodName(a.get(1));
            if (!HttpHost.validName(m)) {
                return unitErr();
            }
            res(a, 0, Request.class).method = m;
            return unitOk();
        });
        on("[method]request.get-path-with-query", (s, st, a) -> HttpHost.optStr(res(a, 0, Request.class).pathWithQuery));
        on("[method]request.set-path-with-query", (s, st, a) -> {
            Optional<String> p = HttpHost.optionalString(a.get(1));
            if (p.isPresent() && !HttpHost.validPath(p.get())) {
                return unitErr();
            }
            res(a, 0, Request.class).pathWithQuery = p;
            return unitOk();
        });
        on("[method]request.get-scheme", (s, st, a) -> new ComponentValue.OptionValue(
                res(a, 0, Request.class).scheme.map(HttpHost::scheme)));
        on("[method]request.set-scheme", (s, st, a) -> {
            Optional<String> sc = ((ComponentValue.OptionValue) a.get(1)).value().map(HttpHost::schemeName);
            if (sc.isPresent() && !sc.get().matches("[A-Za-z][A-Za-z0-9+.-]*")) {
                return unitErr();
            }
            res(a, 0, Request.class).scheme = sc;
            return unitOk();
        });
        on("[method]request.get-authority", (s, st, a) -> HttpHost.optStr(res(a, 0, Request.class).authority));
        on("[method]request.set-authority", (s, st, a) -> {
            Optional<String> au = HttpHost.optionalString(a.get(1));
            if (au.isPresent() && HttpHost.Authority.parse(au.get(), 0).isEmpty()) {
                return unitErr();
            }
            res(a, 0, Request.class).authority = au;
            return unitOk();
        });
        on("[method]request.get-options", (s, st, a) -> new ComponentValue.OptionValue(
                res(a, 0, Request.class).options.map(o -> own(REQUEST_OPTIONS, s, o.copy(true)))));
        on("[method]request.get-headers", (s, st, a) -> ownFields(s, res(a, 0, Request.class).headers.entries, true));
        on("[static]request.consume-body", (s, st, a) -> {
            Request r = HostResources.take(rep(a, 0), Request.class);
            return consumeBody(st, r.body, a.get(1));
        });
    }

    // ---------------------------------------------------------------- responses

    private void registerResponses() {
        on("[static]response.new", (s, st, a) -> {
            Fields headers = takeFields(a, 0);
            Body body = guestBody(st, a, 1, 2);
            Response r = new Response(200, headers, body);
            return ComponentValue.tuple(own(RESPONSE, s, r), body.delivered.readableEnd());
        });
        on("[method]response.get-status-code", (s, st, a) -> new ComponentValue.U16(res(a, 0, Response.class).status));
        on("[method]response.set-status-code", (s, st, a) -> {
            int code = ((ComponentValue.U16) a.get(1)).value();
            if (code < 100 || code > 999) {
                return unitErr();
            }
            res(a, 0, Response.class).status = code;
            return unitOk();
        });
        on("[method]response.get-headers", (s, st, a) -> ownFields(s, res(a, 0, Response.class).headers.entries, true));
        on("[static]response.consume-body", (s, st, a) -> {
            Response r = HostResources.take(rep(a, 0), Response.class);
            return consumeBody(st, r.body, a.get(1));
        });
    }

    // ---------------------------------------------------------------- request-options

    private interface Timeout {
        OptionalLong get(Options o);

        void set(Options o, OptionalLong v);
    }

    private void registerOptions() {
        on("[constructor]request-options", (s, st, a) -> own(REQUEST_OPTIONS, s, new Options(false)));
        on("[method]request-options.clone", (s, st, a) -> own(REQUEST_OPTIONS, s, res(a, 0, Options.class).copy(false)));
        Map<String, Timeout> timeouts = Map.of(
                "connect-timeout", new Timeout() {
                    public OptionalLong get(Options o) {
                        return o.connectTimeout;
                    }

                    public void set(Options o, OptionalLong v) {
                        o.connectTimeout = v;
                    }
                },
                "first-byte-timeout", new Timeout() {
                    public OptionalLong get(Options o) {
                        return o.firstByteTimeout;
                    }

                    public void set(Options o, OptionalLong v) {
                        o.firstByteTimeout = v;
                    }
                },
                "between-bytes-timeout", new Timeout() {
                    public OptionalLong get(Options o) {
                        return o.betweenBytesTimeout;
                    }

                    public void set(Options o, OptionalLong v) {
                        o.betweenBytesTimeout = v;
                    }
                });
        timeouts.forEach((name, t) -> {
            on("[method]request-options.get-" + name, (s, st, a) -> HttpHost.duration(t.get(res(a, 0, Options.class))));
            on("[method]request-options.set-" + name, (s, st, a) -> {
                Options o = res(a, 0, Options.class);
                if (o.immutable) {
                    return err(new ComponentValue.VariantValue("immutable", Optional.empty()));
                }
                t.set(o, HttpHost.optDuration(a.get(1)));
                return ok(null);
            });
        });
    }

    // ---------------------------------------------------------------- bodies between Java and the guest

    /**
     * Copies {@code in} into {@code contents} on a new virtual thread, as fast as the guest reads, then closes it
     * and writes {@code trailers} (a {@code result<option<trailers>, error-code>}) made by {@code trailerValue}; a
     * read failure ends the stream and reports {@code failure} instead. Stops as soon as the guest drops the stream
     * (interrupting a read of {@code in} in progress; no trailers then), or when {@code s} is closed.
     */
    static Pump pump(HostState s, InputStream in, StreamWriter contents, FutureWriter trailers,
            Supplier<ComponentValue> trailerValue, java.util.function.Function<IOException, ComponentValue> failure) {
        Pump p = new Pump();
        HostResources.add(s, p);
        java.util.concurrent.atomic.AtomicBoolean readerGone = new java.util.concurrent.atomic.AtomicBoolean();
        p.thread = Thread.ofVirtual().name("basalt-http-body").unstarted(() -> {
            ComponentValue end = null;
            try (in) {
                byte[] buf = new byte[CHUNK];
                boolean open = true;
                while (open) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    CopyResult r = contents.writeAll(java.util.Arrays.copyOf(buf, n)).get();
                    open = r.status() == CopyResult.Status.COMPLETED;
                }
                if (open) {
                    end = ok(trailerValue.get());
                }
            } catch (IOException e) {
                end = err(failure.apply(e));
            } catch (InterruptedException e) {
                // the guest's state closed: nobody reads any more
                Thread.currentThread().interrupt();
            } catch (ExecutionException | RuntimeException e) {
                end = err(internalError(String.valueOf(e.getMessage())));
            } finally {
                // Unregistered before the stream ends and the trailers go out: once the guest sees either it may
                // finish its request (proxy.wat does at the stream's end), and then no resource of this pump may be
                // left (a race the resource checks of the tests saw).
                p.thread = null;
                stop(p);
                contents.close();
                if (end != null && !Thread.currentThread().isInterrupted() && !readerGone.get()) {
                    trailers.write(end).whenComplete((x, e) -> trailers.close());
                } else {
                    trailers.close();
                }
            }
        });
        // The guest dropping the body stops the pump at once, also while it waits for the source (a slow request
        // body, an upstream's response) and while nothing drives the event loop: the source is closed then.
        contents.readerDropped().thenRun(() -> {
            readerGone.set(true);
            stop(p);
        });
        p.thread.start();
        return p;
    }

    /** Ends {@code p}: interrupts its thread if it still runs and removes it from its owner's resources. */
    static void stop(Pump p) {
        synchronized (p.owner.owned) {
            p.owner.owned.remove(p.rep, p);
        }
        HostResources.release(p);
    }

    /** Fields as the value of an {@code option<trailers>}: none when empty. */
    static ComponentValue trailersValue(HostState s, List<Field> fields) {
        return fields.isEmpty() ? none() : some(ownFields(s, fields, true));
    }

    /**
     * Copies the guest's body stream {@code contents} to {@code out} as the guest writes it, then reads its trailers;
     * completes with them (empty if none), or exceptionally when the guest reported an error-code in the trailers
     * ({@link BodyFailure}) or {@code out} failed.
     */
    static CompletableFuture<List<Field>> drain(Store<?> store, Body b, OutputStream out) {
        CompletableFuture<Void> copied;
        if (b.contents == null) {
            copied = CompletableFuture.completedFuture(null);
        } else {
            StreamReader reader = StreamReader.of(store, b.contents);
            b.contents = null;
            copied = copy(reader, out).whenComplete((x, e) -> reader.close());
        }
        FutureReader trailers = FutureReader.of(store, b.trailers);
        b.trailers = null;
        return copied.thenCompose(x -> trailers.read()).thenApply(v -> {
            trailers.close();
            if (v.isEmpty()) {
                // the writer dropped the future without a value: a body without trailers
                return List.<Field>of();
            }
            ComponentValue.ResultValue r = (ComponentValue.ResultValue) v.get();
            if (!r.ok()) {
                throw new BodyFailure(HttpHost.describe(r.payload().orElseThrow()));
            }
            Optional<ComponentValue> fields = ((ComponentValue.OptionValue) r.payload().orElseThrow()).value();
            return fields.map(f -> HostResources.take(rep(List.of(f), 0), Fields.class).entries).orElse(List.of());
        }).whenComplete((x, e) -> trailers.close());
    }

    private static CompletableFuture<Void> copy(StreamReader reader, OutputStream out) {
        return reader.read(CHUNK).thenCompose(r -> {
            try {
                out.write(r.bytes());
                if (r.status() == CopyResult.Status.COMPLETED) {
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return r.status() == CopyResult.Status.COMPLETED ? copy(reader, out) : CompletableFuture.completedFuture(null);
        });
    }

    /** The guest ended a body with an error-code (its trailers future held an {@code err}). */
    static final class BodyFailure extends RuntimeException {
        BodyFailure(String errorCode) {
            super("the body ended with error-code " + errorCode);
        }
    }

    // ---------------------------------------------------------------- wasi:http/client

    /**
     * {@code client.send}, or with {@code toNextHandler} a middleware's imported {@code handler.handle}: the same
     * exchange, except that the guest's {@link HostState#importedHandlerRouter} decides first where the latter goes.
     */
    private CompletionStage<ComponentValue> send(HostState s, Store<?> store, List<ComponentValue> a,
            boolean toNextHandler) {
        Request request = HostResources.take(rep(a, 0), Request.class);
        String scheme = request.scheme.orElse("https").toLowerCase(Locale.ROOT);
        ComponentValue refused = null;
        Optional<HttpHost.Authority> authority = Optional.empty();
        OutboundHttpRouter.Route route = OutboundHttpRouter.Route.network();
        if (toNextHandler && s.importedHandlerRouter != null) {
            route = HttpHost.route(s.importedHandlerRouter, scheme, request.authority, request.pathWithQuery);
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            refused = errorCode("HTTP-protocol-error");
        } else if ((route = route instanceof OutboundHttpRouter.Network
                ? HttpHost.route(s, scheme, request.authority, request.pathWithQuery) : route)
                instanceof OutboundHttpRouter.Refused r) {
            refused = errorCode(r.errorCode());
        } else if (route instanceof OutboundHttpRouter.InProcess in) {
            return exchange(s, store, request, in.uri(), in.client());
        } else {
            authority = request.authority.flatMap(au -> HttpHost.Authority.parse(au, scheme.equals("http") ? 80 : 443));
            if (authority.isEmpty()) {
                refused = errorCode("HTTP-request-URI-invalid");
            } else if (!s.config.allowsOutbound(scheme, authority.get().host(), authority.get().port())) {
                // decided on the names as given, before anything is resolved or connected
                refused = errorCode("HTTP-request-denied");
            }
        }
        URI uri = null;
        if (refused == null) {
            try {
                uri = new URI(scheme + "://" + request.authority.get() + request.pathWithQuery.orElse("/"));
            } catch (URISyntaxException e) {
                refused = errorCode("HTTP-request-URI-invalid");
            }
        }
        if (refused != null) {
            request.body.dropUntaken();
            return CompletableFuture.completedFuture(err(refused));
        }
        return exchange(s, store, request, uri, null);
    }

    /** Sends the request with {@code client} (null: the shared network client for its options). */
    private CompletionStage<ComponentValue> exchange(HostState s, Store<?> store, Request request, URI uri,
            HttpClient client) {
        Body body = request.body;
        BodyPipe pipe = body.contents != null ? new BodyPipe() : null;
        HttpRequest.Builder b = HttpHost.requestBuilder(uri, request.method, pipe, request.headers.contentLength());
        for (Field f : request.headers.entries) {
            if (CLIENT_RESTRICTED.contains(f.name()) || FORBIDDEN.contains(f.name())) {
                continue;
            }
            try {
                b.header(f.name(), new String(f.value(), StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException e) {
                body.dropUntaken();
                return CompletableFuture.completedFuture(err(errorCode("HTTP-request-header-size")));
            }
        }
        Optional<HttpResources.RequestOptions> options = request.options.map(o -> {
            HttpResources.RequestOptions ro = new HttpResources.RequestOptions();
            ro.connectTimeout = o.connectTimeout;
            ro.firstByteTimeout = o.firstByteTimeout;
            ro.betweenBytesTimeout = o.betweenBytesTimeout;
            return ro;
        });
        options.ifPresent(o -> o.firstByteTimeout.ifPresent(n -> b.timeout(Duration.ofNanos(Math.max(1, n)))));
        OutboundHttpObserver.Exchange observed = HttpHost.observeSending(s, request.method, uri, b);
        HttpRequest httpRequest;
        try {
            httpRequest = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (observed != null) {
                observed.failed("internal-error");
            }
            body.dropUntaken();
            return CompletableFuture.completedFuture(err(internalError(String.valueOf(e.getMessage()))));
        }
        // made on the event loop's thread, before the response arrives on the client's
        StreamWriter responseBody = StreamWriter.bytes(store);
        FutureWriter responseTrailers = FutureWriter.create(store, Optional.of(types().trailersResult()));
        if (pipe != null) {
            sendBody(store, body, pipe);
        } else {
            body.dropUntaken();
        }
        OutboundHttpObserver.Exchange x = observed;
        BodyPipe p = pipe;
        return (client != null ? client : HttpHost.client(options)).sendAsync(httpRequest, HttpResponse.BodyHandlers.ofInputStream())
                .handle((r, e) -> {
                    if (e != null) {
                        if (p != null) {
                            // nobody reads the rest of the body: the guest's writes end
                            p.closeReader();
                        }
                        ComponentValue code = HttpHost.toErrorCode(e);
                        observe(x, null, code);
                        responseBody.close();
                        responseTrailers.close();
                        return err(code);
                    }
                    observe(x, r, null);
                    List<Field> headers = new ArrayList<>();
                    r.headers().map().forEach((name, values) -> {
                        if (!name.startsWith(":")) {
                            values.forEach(v -> headers.add(new Field(name, v.getBytes(StandardCharsets.ISO_8859_1))));
                        }
                    });
                    Body rb = new Body(store, responseBody.readableEnd(), responseTrailers.readableEnd(), responseBody,
                            responseTrailers, null);
                    ComponentValue response = own(RESPONSE, s, new Response(r.statusCode(), new Fields(headers, true), rb));
                    pump(s, r.body(), responseBody, responseTrailers, HttpHost::none,
                            io -> errorCode("HTTP-response-incomplete"));
                    return ok(response);
                });
    }

    private static void observe(OutboundHttpObserver.Exchange x, HttpResponse<?> r, ComponentValue code) {
        if (x == null) {
            return;
        }
        try {
            if (r != null) {
                x.responded(r.statusCode());
            } else {
                x.failed(code instanceof ComponentValue.VariantValue v ? v.caseName() : "internal-error");
            }
        } catch (RuntimeException e) {
            HttpHost.observerFailed(e);
        }
    }

    /**
     * Copies the guest's request body into {@code pipe} (read by the HTTP client) on the event loop's thread, then
     * reports on the request's delivery future: ok once all was handed to the client, an error-code otherwise.
     */
    private static void sendBody(Store<?> store, Body body, BodyPipe pipe) {
        StreamReader reader = StreamReader.of(store, body.contents);
        body.contents = null;
        FutureReader trailers = FutureReader.of(store, body.trailers);
        body.trailers = null;
        copy(reader, pipe.out()).whenComplete((x, e) -> reader.close())
                .thenCompose(x -> trailers.read())
                .whenComplete((v, e) -> {
                    trailers.close();
                    ComponentValue outcome;
                    if (e != null) {
                        pipe.abort("the request body failed: " + rootMessage(e));
                        outcome = err(errorCode("HTTP-request-body-size"));
                        if (rootCause(e) instanceof IOException) {
                            // the client stopped reading: the response came, or the exchange failed
                            outcome = err(errorCode("connection-terminated"));
                        }
                    } else if (v.isPresent() && v.get() instanceof ComponentValue.ResultValue r && !r.ok()) {
                        pipe.abort("the guest ended the request body with an error");
                        outcome = err(r.payload().orElseThrow());
                    } else {
                        // trailers cannot be sent by java.net.http: a body's end is all the server sees
                        v.flatMap(t -> ((ComponentValue.ResultValue) t).payload())
                                .flatMap(o -> ((ComponentValue.OptionValue) o).value())
                                .ifPresent(f -> HostResources.drop(rep(List.of(f), 0)));
                        pipe.closeWriter();
                        outcome = ok(null);
                    }
                    body.delivered.write(outcome).whenComplete((w, we) -> body.delivered.close());
                });
    }

    private static Throwable rootCause(Throwable e) {
        Throwable c = e;
        while ((c instanceof CompletionException || c instanceof UncheckedIOException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static String rootMessage(Throwable e) {
        return String.valueOf(rootCause(e).getMessage());
    }

    // ---------------------------------------------------------------- incoming (the embedder's side)

    /** The name of a component's {@code wasi:http/handler@0.3.x} export, if it has one. */
    public static Optional<String> handlerExport(List<String> exports) {
        return exports.stream().filter(n -> n.startsWith(HANDLER + "@0.3.")).findFirst();
    }

    /**
     * Calls {@code handle} (a guest's {@code wasi:http/handler@0.3.x#handle}) with {@code request}, streaming the
     * request body to the guest as it reads and the response to {@code target} as the guest writes it; returns once
     * the response body and trailers were delivered (or the guest answered an error-code), running the store's
     * event loop meanwhile.
     */
    public static void serve(HostState s, Store<?> store, ComponentFunc handle, HttpHost.Request request,
            HttpHost.Target target) {
        s.store = store;
        StreamWriter contents = StreamWriter.bytes(store);
        FutureWriter trailers = FutureWriter.create(store, Optional.of(types().trailersResult()));
        Body body = new Body(store, contents.readableEnd(), trailers.readableEnd(), contents, trailers, null);
        Request r = new Request(new Fields(HttpHost.binary(request.headers()), true), body, Optional.empty());
        r.method = request.method();
        r.scheme = request.scheme();
        r.authority = request.authority();
        r.pathWithQuery = Optional.of(request.pathWithQuery());
        ComponentValue arg = own(REQUEST, s, r);
        Pump requestBody = pump(s, request.body(), contents, trailers,
                () -> trailersValue(s, HttpHost.binary(request.trailers().get())),
                io -> internalError("reading the request body failed: " + io.getMessage()));
        ComponentCall call = handle.callAsync(arg);
        CompletableFuture<Void> done = call.result().thenCompose(results -> respond(s, store, results, target));
        try {
            ComponentEventLoop.join(store, done);
            // the guest may still have steps to take that need nobody (dropping ends, returning): let it finish
            // them, so that its task ends instead of staying parked with the store after the request
            ComponentEventLoop.runUntilIdle(store);
        } finally {
            // the request is over: a body the guest did not read to its end is not read any more
            stop(requestBody);
        }
    }

    private static CompletableFuture<Void> respond(HostState s, Store<?> store, List<ComponentValue> results,
            HttpHost.Target target) {
        ComponentValue.ResultValue result = (ComponentValue.ResultValue) results.getFirst();
        if (!result.ok()) {
            target.failed(result.payload().orElseThrow());
            return CompletableFuture.completedFuture(null);
        }
        Response response = HostResources.take(rep(List.of(result.payload().orElseThrow()), 0), Response.class);
        OutputStream out;
        try {
            out = target.respond(response.status, HttpHost.text(response.headers.entries));
        } catch (IOException e) {
            response.body.dropUntaken();
            throw new UncheckedIOException(e);
        }
        Body b = response.body;
        return drain(store, b, out).handle((trailerFields, e) -> {
            ComponentValue outcome;
            if (e == null) {
                try {
                    target.complete(HttpHost.text(trailerFields));
                    outcome = ok(null);
                } catch (IOException io) {
                    target.aborted("writing the response failed: " + io.getMessage());
                    outcome = err(errorCode("connection-terminated"));
                }
            } else {
                Throwable c = rootCause(e);
                target.aborted(c instanceof BodyFailure ? c.getMessage() : "writing the response failed: " + c.getMessage());
                outcome = err(c instanceof BodyFailure ? internalError(c.getMessage())
                        : errorCode("connection-terminated"));
            }
            // tell the guest how its body went (it may wait for that before it ends its task)
            b.delivered.write(outcome).whenComplete((w, we) -> b.delivered.close());
            return null;
        });
    }
}
