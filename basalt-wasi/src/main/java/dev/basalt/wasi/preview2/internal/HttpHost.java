package dev.basalt.wasi.preview2.internal;

import static dev.basalt.wasi.preview2.internal.WasiHost.bytes;
import static dev.basalt.wasi.preview2.internal.WasiHost.err;
import static dev.basalt.wasi.preview2.internal.WasiHost.ok;
import static dev.basalt.wasi.preview2.internal.WasiHost.rep;
import static dev.basalt.wasi.preview2.internal.WasiHost.res;
import static dev.basalt.wasi.preview2.internal.WasiHost.str;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceHandle;
import dev.basalt.component.ResourceType;
import dev.basalt.wasi.preview2.OutboundHttpObserver;
import dev.basalt.wasi.preview2.OutboundHttpRouter;
import dev.basalt.wasi.preview2.internal.HttpResources.BodyEnd;
import dev.basalt.wasi.preview2.internal.HttpResources.BodyInStream;
import dev.basalt.wasi.preview2.internal.HttpResources.BodyOutStream;
import dev.basalt.wasi.preview2.internal.HttpResources.Field;
import dev.basalt.wasi.preview2.internal.HttpResources.Fields;
import dev.basalt.wasi.preview2.internal.HttpResources.FutureIncomingResponse;
import dev.basalt.wasi.preview2.internal.HttpResources.FutureTrailers;
import dev.basalt.wasi.preview2.internal.HttpResources.IncomingBody;
import dev.basalt.wasi.preview2.internal.HttpResources.IncomingMessage;
import dev.basalt.wasi.preview2.internal.HttpResources.IncomingRequest;
import dev.basalt.wasi.preview2.internal.HttpResources.IncomingResponse;
import dev.basalt.wasi.preview2.internal.HttpResources.Outcome;
import dev.basalt.wasi.preview2.internal.HttpResources.OutgoingBody;
import dev.basalt.wasi.preview2.internal.HttpResources.OutgoingRequest;
import dev.basalt.wasi.preview2.internal.HttpResources.OutgoingResponse;
import dev.basalt.wasi.preview2.internal.HttpResources.RequestOptions;
import dev.basalt.wasi.preview2.internal.HttpResources.ResponseOutparam;
import dev.basalt.wasi.preview2.internal.HttpResources.ResponseTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * wasi:http@0.2 for the WASI 0.2 host: {@code wasi:http/types} (fields with their immutability and validity
 * rules, requests, responses, bodies over wasi:io streams, futures, error-code) and
 * {@code wasi:http/outgoing-handler}, which sends real requests with {@link HttpClient}, but only to the
 * destinations the guest's {@code WasiConfig} grants ({@code allowOutboundHost}); anything else is the
 * error-code {@code HTTP-request-denied}, decided before any name is resolved. The incoming side (a request given
 * to a guest's {@code wasi:http/incoming-handler}) is made by {@link #incoming}, for {@code WasiHttp}.
 */
public final class HttpHost {
    static final List<String> INTERFACES = List.of("wasi:http/types", "wasi:http/outgoing-handler");
    static final List<String> RESOURCES = List.of("fields", "incoming-request", "outgoing-request",
            "request-options", "response-outparam", "incoming-response", "incoming-body", "future-trailers",
            "outgoing-response", "outgoing-body", "future-incoming-response");

    /** Hop-by-hop and connection-level fields a guest may not set (as wasmtime's default). */
    static final Set<String> FORBIDDEN = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "transfer-encoding", "upgrade", "host", "http2-settings");
    /** Fields {@link HttpClient} sets itself and refuses from callers. */
    static final Set<String> CLIENT_RESTRICTED = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "date", "via", "warning");

    private static final List<String> METHODS = List.of("get", "head", "post", "put", "delete", "connect",
            "options", "trace", "patch");

    private static volatile HttpClient sharedClient;

    private final WasiHost host;

    private HttpHost(WasiHost host) {
        this.host = host;
    }

    /** Registers the implementations of wasi:http/types and wasi:http/outgoing-handler with {@code host}. */
    static void register(WasiHost host) {
        HttpHost h = new HttpHost(host);
        h.registerFields();
        h.registerRequestsAndResponses();
        h.registerBodies();
        h.registerOutgoing();
    }

    // ---------------------------------------------------------------- values

    static ComponentValue none() {
        return new ComponentValue.OptionValue(Optional.empty());
    }

    static ComponentValue some(ComponentValue v) {
        return new ComponentValue.OptionValue(Optional.of(v));
    }

    static ComponentValue optStr(Optional<String> s) {
        return new ComponentValue.OptionValue(s.map(ComponentValue.Str::new));
    }

    static ComponentValue headerError(String caseName) {
        return err(new ComponentValue.VariantValue(caseName, Optional.empty()));
    }

    /** A fields mutation's {@code result<_, header-error>}: ok without an error case, else that case. */
    static ComponentValue fieldResult(String errorCase) {
        return errorCase == null ? ok(null) : headerError(errorCase);
    }

    /** An error-code case without payload, e.g. {@code HTTP-request-denied}. */
    static ComponentValue errorCode(String caseName) {
        return new ComponentValue.VariantValue(caseName, Optional.empty());
    }

    /** {@code internal-error(some(message))}. */
    static ComponentValue internalError(String message) {
        return new ComponentValue.VariantValue("internal-error", Optional.of(some(new ComponentValue.Str(message))));
    }

    /** An error-code value as text: its case name, and its payload if any. */
    /** An error-code as text: its case name and payload, e.g. {@code internal-error(no route)}. */
    public static String describe(ComponentValue errorCode) {
        if (errorCode instanceof ComponentValue.VariantValue v) {
            return v.caseName() + v.payload().map(p -> "(" + describePayload(p) + ")").orElse("");
        }
        return String.valueOf(errorCode);
    }

    private static String describePayload(ComponentValue p) {
        return switch (p) {
            case ComponentValue.OptionValue o -> o.value().map(HttpHost::describePayload).orElse("none");
            case ComponentValue.Str s -> s.value();
            case ComponentValue.U64 u -> Long.toUnsignedString(u.value());
            default -> p.toString();
        };
    }

    static ComponentValue method(String m) {
        int i = METHODS.indexOf(m.toLowerCase(Locale.ROOT));
        return i >= 0 && m.equals(m.toUpperCase(Locale.ROOT))
                ? new ComponentValue.VariantValue(METHODS.get(i), Optional.empty())
                : new ComponentValue.VariantValue("other", Optional.of(new ComponentValue.Str(m)));
    }

    static String methodName(ComponentValue v) {
        ComponentValue.VariantValue m = (ComponentValue.VariantValue) v;
        return m.caseName().equals("other") ? ((ComponentValue.Str) m.payload().orElseThrow()).value()
                : m.caseName().toUpperCase(Locale.ROOT);
    }

    static ComponentValue scheme(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "http" -> new ComponentValue.VariantValue("HTTP", Optional.empty());
            case "https" -> new ComponentValue.VariantValue("HTTPS", Optional.empty());
            default -> new ComponentValue.VariantValue("other", Optional.of(new ComponentValue.Str(s)));
        };
    }

    static String schemeName(ComponentValue v) {
        ComponentValue.VariantValue m = (ComponentValue.VariantValue) v;
        return m.caseName().equals("other") ? ((ComponentValue.Str) m.payload().orElseThrow()).value()
                : m.caseName().toLowerCase(Locale.ROOT);
    }

    static Optional<String> optionalString(ComponentValue v) {
        return ((ComponentValue.OptionValue) v).value().map(x -> ((ComponentValue.Str) x).value());
    }

    static ComponentValue fieldList(List<Field> fields) {
        List<ComponentValue> out = new ArrayList<>(fields.size());
        for (Field f : fields) {
            out.add(new ComponentValue.TupleValue(List.of(new ComponentValue.Str(f.name()), bytes(f.value()))));
        }
        return new ComponentValue.ListValue(out);
    }

    // ---------------------------------------------------------------- field syntax

    /** A field name is an RFC 9110 token. */
    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A field value: visible bytes, spaces and tabs, obs-text; no control characters (CR, LF, NUL ...). */
    static boolean validValue(byte[] value) {
        for (byte b : value) {
            int c = b & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The header-error case for setting {@code name} on {@code f}, or null if allowed. */
    static String checkMutation(Fields f, String name, List<byte[]> values) {
        if (f.immutable) {
            return "immutable";
        }
        if (!validName(name) || !values.stream().allMatch(HttpHost::validValue)) {
            return "invalid-syntax";
        }
        if (FORBIDDEN.contains(name.toLowerCase(Locale.ROOT))) {
            return "forbidden";
        }
        return null;
    }

    /** {@code fields.set} (both WASI versions): replaces {@code name}'s values; the header-error case, or null. */
    static String setField(Fields f, String name, List<byte[]> values) {
        String error = checkMutation(f, name, values);
        if (error == null) {
            removeField(f, name);
            String n = name.toLowerCase(Locale.ROOT);
            for (byte[] v : values) {
                f.entries.add(new Field(n, v));
            }
        }
        return error;
    }

    /** {@code fields.delete} (both WASI versions): removes {@code name}'s values; the header-error case, or null. */
    static String deleteField(Fields f, String name) {
        String error = checkMutation(f, name, List.of());
        if (error == null) {
            removeField(f, name);
        }
        return error;
    }

    /** {@code fields.append} (both WASI versions): adds a value of {@code name}; the header-error case, or null. */
    static String appendField(Fields f, String name, byte[] value) {
        String error = checkMutation(f, name, List.of(value));
        if (error == null) {
            f.entries.add(new Field(name, value));
        }
        return error;
    }

    private static void removeField(Fields f, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        f.entries.removeIf(e -> e.name().equals(n));
    }

    /** {@code consume} of an incoming request or response: its body once, then {@code error}. */
    private ComponentValue consume(HostState s, IncomingMessage m) {
        IncomingBody b = m.takeBody();
        return b == null ? err(null) : ok(host.own(s, "incoming-body", b));
    }

    private ComponentValue ownFields(HostState s, List<Field> entries, boolean immutable) {
        return host.own(s, "fields", new Fields(entries, immutable));
    }

    // ---------------------------------------------------------------- wasi:http/types: fields

    private void registerFields() {
        String t = "wasi:http/types";
        host.on(t, "[constructor]fields", (s, a) -> ownFields(s, List.of(), false));
        host.on(t, "[static]fields.from-list", (s, a) -> {
            List<Field> entries = new ArrayList<>();
            for (ComponentValue e : ((ComponentValue.ListValue) a.get(0)).elements()) {
                List<ComponentValue> pair = ((ComponentValue.TupleValue) e).elements();
                String name = ((ComponentValue.Str) pair.get(0)).value();
                byte[] value = bytes(pair.get(1));
                if (!validName(name) || !validValue(value)) {
                    return headerError("invalid-syntax");
                }
                if (FORBIDDEN.contains(name.toLowerCase(Locale.ROOT))) {
                    return headerError("forbidden");
                }
                entries.add(new Field(name, value));
            }
            return ok(ownFields(s, entries, false));
        });
        host.on(t, "[method]fields.get", (s, a) -> new ComponentValue.ListValue(
                res(a, 0, Fields.class).get(str(a, 1)).stream().map(WasiHost::bytes).toList()));
        host.on(t, "[method]fields.has", (s, a) -> new ComponentValue.Bool(!res(a, 0, Fields.class).get(str(a, 1)).isEmpty()));
        host.on(t, "[method]fields.set", (s, a) -> fieldResult(setField(res(a, 0, Fields.class), str(a, 1),
                ((ComponentValue.ListValue) a.get(2)).elements().stream().map(WasiHost::bytes).toList())));
        host.on(t, "[method]fields.delete", (s, a) -> fieldResult(deleteField(res(a, 0, Fields.class), str(a, 1))));
        host.on(t, "[method]fields.append", (s, a) ->
                fieldResult(appendField(res(a, 0, Fields.class), str(a, 1), bytes(a.get(2)))));
        host.on(t, "[method]fields.entries", (s, a) -> fieldList(res(a, 0, Fields.class).entries));
        host.on(t, "[method]fields.clone", (s, a) -> ownFields(s, res(a, 0, Fields.class).entries, false));
    }

    // ---------------------------------------------------------------- requests and responses

    /** Takes ownership of the fields handle in {@code a[i]}: they are the message's now, and immutable. */
    private static Fields takeFields(List<ComponentValue> a, int i) {
        return new Fields(HostResources.take(rep(a, i), Fields.class).entries, true);
    }

    private void registerRequestsAndResponses() {
        String t = "wasi:http/types";
        host.on(t, "[method]incoming-request.method", (s, a) -> method(res(a, 0, IncomingRequest.class).method));
        host.on(t, "[method]incoming-request.path-with-query",
                (s, a) -> optStr(res(a, 0, IncomingRequest.class).pathWithQuery));
        host.on(t, "[method]incoming-request.scheme", (s, a) -> new ComponentValue.OptionValue(
                res(a, 0, IncomingRequest.class).scheme.map(HttpHost::scheme)));
        host.on(t, "[method]incoming-request.authority", (s, a) -> optStr(res(a, 0, IncomingRequest.class).authority));
        host.on(t, "[method]incoming-request.headers",
                (s, a) -> ownFields(s, res(a, 0, IncomingRequest.class).headers, true));
        host.on(t, "[method]incoming-request.consume", (s, a) -> {
            return consume(s, res(a, 0, IncomingRequest.class));
        });

        host.on(t, "[constructor]outgoing-request", (s, a) -> host.own(s, "outgoing-request",
                new OutgoingRequest(takeFields(a, 0))));
        host.on(t, "[method]outgoing-request.body", (s, a) -> {
            OutgoingRequest r = res(a, 0, OutgoingRequest.class);
            if (r.bodyTaken) {
                return err(null);
            }
            r.bodyTaken = true;
            r.body = new OutgoingBody(r.headers.contentLength(), false);
            return ok(host.own(s, "outgoing-body", r.body));
        });
        host.on(t, "[method]outgoing-request.method", (s, a) -> method(res(a, 0, OutgoingRequest.class).method));
        host.on(t, "[method]outgoing-request.set-method", (s, a) -> {
            OutgoingRequest r = res(a, 0, OutgoingRequest.class);
            String m = methodName(a.get(1));
            if (!validName(m)) {
                return err(null);
            }
            r.method = m;
            return ok(null);
        });
        host.on(t, "[method]outgoing-request.path-with-query",
                (s, a) -> optStr(res(a, 0, OutgoingRequest.class).pathWithQuery));
        host.on(t, "[method]outgoing-request.set-path-with-query", (s, a) -> {
            OutgoingRequest r = res(a, 0, OutgoingRequest.class);
            Optional<String> p = optionalString(a.get(1));
            if (p.isPresent() && !validPath(p.get())) {
                return err(null);
            }
            r.pathWithQuery = p;
            return ok(null);
        });
        host.on(t, "[method]outgoing-request.scheme", (s, a) -> new ComponentValue.OptionValue(
                res(a, 0, OutgoingRequest.class).scheme.map(HttpHost::scheme)));
        host.on(t, "[method]outgoing-request.set-scheme", (s, a) -> {
            OutgoingRequest r = res(a, 0, OutgoingRequest.class);
            Optional<String> sc = ((ComponentValue.OptionValue) a.get(1)).value().map(HttpHost::schemeName);
            if (sc.isPresent() && !sc.get().matches("[A-Za-z][A-Za-z0-9+.-]*")) {
                return err(null);
            }
            r.scheme = sc;
            return ok(null);
        });
        host.on(t, "[method]outgoing-request.authority", (s, a) -> optStr(res(a, 0, OutgoingRequest.class).authority));
        host.on(t, "[method]outgoing-request.set-authority", (s, a) -> {
            OutgoingRequest r = res(a, 0, OutgoingRequest.class);
            Optional<String> au = optionalString(a.get(1));
            if (au.isPresent() && Authority.parse(au.get(), 0).isEmpty()) {
                return err(null);
            }
            r.authority = au;
            return ok(null);
        });
        host.on(t, "[method]outgoing-request.headers",
                (s, a) -> ownFields(s, res(a, 0, OutgoingRequest.class).headers.entries, true));

        host.on(t, "[constructor]request-options", (s, a) -> host.own(s, "request-options", new RequestOptions()));
        host.on(t, "[method]request-options.connect-timeout",
                (s, a) -> duration(res(a, 0, RequestOptions.class).connectTimeout));
        host.on(t, "[method]request-options.set-connect-timeout", (s, a) -> {
            res(a, 0, RequestOptions.class).connectTimeout = optDuration(a.get(1));
            return ok(null);
        });
        host.on(t, "[method]request-options.first-byte-timeout",
                (s, a) -> duration(res(a, 0, RequestOptions.class).firstByteTimeout));
        host.on(t, "[method]request-options.set-first-byte-timeout", (s, a) -> {
            res(a, 0, RequestOptions.class).firstByteTimeout = optDuration(a.get(1));
            return ok(null);
        });
        host.on(t, "[method]request-options.between-bytes-timeout",
                (s, a) -> duration(res(a, 0, RequestOptions.class).betweenBytesTimeout));
        host.on(t, "[method]request-options.set-between-bytes-timeout", (s, a) -> {
            res(a, 0, RequestOptions.class).betweenBytesTimeout = optDuration(a.get(1));
            return ok(null);
        });

        host.on(t, "[static]response-outparam.set", (s, a) -> {
            ResponseOutparam param = HostResources.take(rep(a, 0), ResponseOutparam.class);
            ComponentValue.ResultValue result = (ComponentValue.ResultValue) a.get(1);
            if (!result.ok()) {
                param.target.failed(result.payload().orElseThrow());
                return null;
            }
            OutgoingResponse response = HostResources.take(rep(List.of(result.payload().orElseThrow()), 0), OutgoingResponse.class);
            OutputStream out = param.target.respond(response.status, response.headers.entries);
            BodyEnd end = new BodyEnd() {
                @Override
                public void finished(Optional<List<Field>> trailers) throws IOException {
                    param.target.complete(trailers);
                }

                @Override
                public void aborted(String reason) {
                    param.target.aborted(reason);
                }
            };
            if (response.body == null) {
                // the guest never asked for a body: the response has none
                param.target.complete(Optional.empty());
            } else {
                response.body.connect(out, end);
            }
            return null;
        });

        host.on(t, "[method]incoming-response.status",
                (s, a) -> new ComponentValue.U16(res(a, 0, IncomingResponse.class).status));
        host.on(t, "[method]incoming-response.headers",
                (s, a) -> ownFields(s, res(a, 0, IncomingResponse.class).headers, true));
        host.on(t, "[method]incoming-response.consume", (s, a) -> {
            return consume(s, res(a, 0, IncomingResponse.class));
        });

        host.on(t, "[constructor]outgoing-response", (s, a) -> host.own(s, "outgoing-response",
                new OutgoingResponse(takeFields(a, 0))));
        host.on(t, "[method]outgoing-response.status-code",
                (s, a) -> new ComponentValue.U16(res(a, 0, OutgoingResponse.class).status));
        host.on(t, "[method]outgoing-response.set-status-code", (s, a) -> {
            OutgoingResponse r = res(a, 0, OutgoingResponse.class);
            int code = ((ComponentValue.U16) a.get(1)).value();
            if (code < 100 || code > 999) {
                return err(null);
            }
            r.status = code;
            return ok(null);
        });
        host.on(t, "[method]outgoing-response.headers",
                (s, a) -> ownFields(s, res(a, 0, OutgoingResponse.class).headers.entries, true));
        host.on(t, "[method]outgoing-response.body", (s, a) -> {
            OutgoingResponse r = res(a, 0, OutgoingResponse.class);
            if (r.bodyTaken) {
                return err(null);
            }
            r.bodyTaken = true;
            r.body = new OutgoingBody(r.headers.contentLength(), true);
            return ok(host.own(s, "outgoing-body", r.body));
        });

        // the error-code of a failed HTTP body stream; none for any other stream's error
        host.on(t, "http-error-code", (s, a) -> {
            HostResources.IoError e = res(a, 0, HostResources.IoError.class);
            return e.cause instanceof HttpResources.HttpStreamException h ? some(h.errorCode) : none();
        });
    }

    static ComponentValue duration(OptionalLong d) {
        return new ComponentValue.OptionValue(d.isPresent()
                ? Optional.of(new ComponentValue.U64(d.getAsLong())) : Optional.empty());
    }

    static OptionalLong optDuration(ComponentValue v) {
        return ((ComponentValue.OptionValue) v).value()
                .map(x -> OptionalLong.of(((ComponentValue.U64) x).value())).orElse(OptionalLong.empty());
    }

    /** A path-with-query: absolute ({@code /...}) or {@code *}, without spaces, controls or a fragment. */
    static boolean validPath(String p) {
        if (p.equals("*")) {
            return true;
        }
        if (!p.startsWith("/")) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- bodies

    private void registerBodies() {
        String t = "wasi:http/types";
        host.on(t, "[method]incoming-body.stream", (s, a) -> {
            IncomingBody b = res(a, 0, IncomingBody.class);
            if (b.streamTaken) {
                return err(null);
            }
            b.streamTaken = true;
            b.streamAlive = true;
            return ok(host.own(s, "input-stream", new BodyInStream(b)));
        });
        host.on(t, "[static]incoming-body.finish", (s, a) -> {
            IncomingBody b = HostResources.take(rep(a, 0), IncomingBody.class);
            if (b.streamAlive) {
                throw new Trap(TrapKind.HOST_ERROR, "incoming-body.finish: the body's input-stream must be dropped first");
            }
            return host.own(s, "future-trailers", new FutureTrailers(b));
        });
        host.on(t, "[method]future-trailers.subscribe", (s, a) -> {
            res(a, 0, FutureTrailers.class);
            return host.own(s, "pollable", new HostResources.Pollable(Long.MIN_VALUE));
        });
        host.on(t, "[method]future-trailers.get", (s, a) -> {
            FutureTrailers f = res(a, 0, FutureTrailers.class);
            if (f.taken) {
                return some(err(null));
            }
            f.taken = true;
            try (HostState.Wait wait = s.blocking()) {
                try {
                    // trailers follow the body: read what the guest left unread
                    f.body.in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    if (WasiHost.endedByInterrupt(e)) {
                        throw wait.interrupted();
                    }
                    return some(ok(err(errorCode("HTTP-protocol-error"))));
                }
            }
            Optional<List<Field>> trailers = f.body.trailers.get();
            ComponentValue fields = new ComponentValue.OptionValue(
                    trailers.map(tr -> ownFields(s, tr, true)));
            return some(ok(ok(fields)));
        });

        host.on(t, "[method]outgoing-body.write", (s, a) -> {
            OutgoingBody b = res(a, 0, OutgoingBody.class);
            if (b.streamTaken) {
                return err(null);
            }
            b.streamTaken = true;
            b.streamAlive = true;
            return ok(host.own(s, "output-stream", new BodyOutStream(b)));
        });
        host.on(t, "[static]outgoing-body.finish", (s, a) -> {
            OutgoingBody b = HostResources.get(rep(a, 0), OutgoingBody.class);
            if (b.streamAlive) {
                throw new Trap(TrapKind.HOST_ERROR,
                        "outgoing-body.finish: the body's output-stream must be dropped first");
            }
            Optional<List<Field>> trailers = ((ComponentValue.OptionValue) a.get(1)).value()
                    .map(v -> HostResources.take(rep(List.of(v), 0), Fields.class).entries);
            if (b.expectedLength.isPresent() && b.expectedLength.getAsLong() != b.written) {
                // the declared length was not met: the message is broken, so the body ends as aborted
                b.close();
                HostResources.take(rep(a, 0), OutgoingBody.class);
                return err(new ComponentValue.VariantValue(b.response ? "HTTP-response-body-size"
                        : "HTTP-request-body-size", Optional.of(some(new ComponentValue.U64(b.written)))));
            }
            HostResources.take(rep(a, 0), OutgoingBody.class);
            b.finish(trailers);
            return ok(null);
        });
    }

    // ---------------------------------------------------------------- wasi:http/outgoing-handler

    /** A request's {@code host[:port]}, from an authority {@code [userinfo@]host[:port]}. */
    record Authority(String host, int port) {
        static Optional<Authority> parse(String authority, int defaultPort) {
            String a = authority;
            if (a.isEmpty() || a.contains("/") || a.contains("?") || a.contains("#") || a.contains("@")
                    || a.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                return Optional.empty();
            }
            String h;
            String p = null;
            if (a.startsWith("[")) {
                int close = a.indexOf(']');
                if (close < 0) {
                    return Optional.empty();
                }
                h = a.substring(0, close + 1);
                if (close + 1 < a.length()) {
                    if (a.charAt(close + 1) != ':') {
                        return Optional.empty();
                    }
                    p = a.substring(close + 2);
                }
            } else {
                int colon = a.lastIndexOf(':');
                h = colon < 0 ? a : a.substring(0, colon);
                p = colon < 0 ? null : a.substring(colon + 1);
            }
            if (h.isEmpty() || (h.indexOf(':') >= 0 && !h.startsWith("["))) {
                return Optional.empty();
            }
            int port = defaultPort;
            if (p != null) {
                if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(Character::isDigit)) {
                    return Optional.empty();
                }
                port = Integer.parseInt(p);
                if (port > 65535) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Authority(h.toLowerCase(Locale.ROOT), port));
        }
    }

    private void registerOutgoing() {
        host.on("wasi:http/outgoing-handler", "handle", (s, a) -> {
            OutgoingRequest request = HostResources.take(rep(a, 0), OutgoingRequest.class);
            Optional<RequestOptions> options = ((ComponentValue.OptionValue) a.get(1)).value()
                    .map(v -> HostResources.take(rep(List.of(v), 0), RequestOptions.class));
            String scheme = request.scheme.orElse("https").toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return err(errorCode("HTTP-protocol-error"));
            }
            OutboundHttpRouter.Route route = route(s, scheme, request.authority, request.pathWithQuery);
            if (route instanceof OutboundHttpRouter.Refused r) {
                return err(errorCode(r.errorCode()));
            }
            if (route instanceof OutboundHttpRouter.InProcess in) {
                return send(s, request, options, in.uri(), in.client());
            }
            Optional<Authority> authority = request.authority
                    .flatMap(au -> Authority.parse(au, scheme.equals("http") ? 80 : 443));
            if (authority.isEmpty()) {
                return err(errorCode("HTTP-request-URI-invalid"));
            }
            // The grant is decided on the names as given, before anything is resolved or connected.
            if (!s.config.allowsOutbound(scheme, authority.get().host(), authority.get().port())) {
                return err(errorCode("HTTP-request-denied"));
            }
            URI uri;
            try {
                uri = new URI(scheme + "://" + request.authority.get() + request.pathWithQuery.orElse("/"));
            } catch (URISyntaxException e) {
                return err(errorCode("HTTP-request-URI-invalid"));
            }
            return send(s, request, options, uri, client(options));
        });

        String t = "wasi:http/types";
        host.on(t, "[method]future-incoming-response.subscribe", (s, a) -> host.own(s, "pollable",
                new HostResources.Pollable(res(a, 0, FutureIncomingResponse.class).future)));
        host.on(t, "[method]future-incoming-response.get", (s, a) -> {
            FutureIncomingResponse f = res(a, 0, FutureIncomingResponse.class);
            if (!f.future.isDone()) {
                return none();
            }
            if (f.taken) {
                return some(err(null));
            }
            f.taken = true;
            Outcome o = f.future.join();
            if (o.errorCode() != null) {
                return some(ok(err(o.errorCode())));
            }
            HttpResponse<InputStream> r = o.response();
            List<Field> headers = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : r.headers().map().entrySet()) {
                if (e.getKey().startsWith(":")) {
                    continue;
                }
                for (String v : e.getValue()) {
                    headers.add(new Field(e.getKey(), v.getBytes(StandardCharsets.ISO_8859_1)));
                }
            }
            IncomingBody body = new IncomingBody(r.body(), Optional::empty, true);
            return some(ok(ok(host.own(s, "incoming-response", new IncomingResponse(r.statusCode(), headers, body)))));
        });
    }

    static HttpClient client(Optional<RequestOptions> options) {
        OptionalLong connect = options.map(o -> o.connectTimeout).orElse(OptionalLong.empty());
        if (connect.isPresent()) {
            return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofNanos(Math.max(1, connect.getAsLong()))).build();
        }
        HttpClient c = sharedClient;
        if (c == null) {
            synchronized (HttpHost.class) {
                c = sharedClient;
                if (c == null) {
                    c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(Duration.ofSeconds(30)).build();
                    sharedClient = c;
                }
            }
        }
        return c;
    }

    /**
     * What the guest's {@link OutboundHttpRouter} (if any) decides for a request; {@link OutboundHttpRouter#route}'s
     * failure refuses the request ({@code HTTP-request-denied}), it never traps the guest.
     */
    static OutboundHttpRouter.Route route(HostState s, String scheme, Optional<String> authority,
            Optional<String> pathWithQuery) {
        return route(s.outboundHttpRouter, scheme, authority, pathWithQuery);
    }

    /** What {@code router} (null: none, the network) decides for a request; its failure refuses the request. */
    static OutboundHttpRouter.Route route(OutboundHttpRouter router, String scheme, Optional<String> authority,
            Optional<String> pathWithQuery) {
        if (router == null) {
            return OutboundHttpRouter.Route.network();
        }
        try {
            return java.util.Objects.requireNonNull(router.route(scheme, authority, pathWithQuery.orElse("/")),
                    "the router's route");
        } catch (RuntimeException e) {
            System.getLogger("dev.basalt.wasi").log(System.Logger.Level.WARNING,
                    "the outbound HTTP router failed; the request is refused", e);
            return OutboundHttpRouter.Route.refuse("HTTP-request-denied");
        }
    }

    private ComponentValue send(HostState s, OutgoingRequest request, Optional<RequestOptions> options, URI uri,
            HttpClient client) throws IOException {
        BodyPipe pipe = request.body != null ? new BodyPipe() : null;
        HttpRequest.Builder b = requestBuilder(uri, request.method, pipe, request.headers.contentLength());
        for (Field f : request.headers.entries) {
            if (CLIENT_RESTRICTED.contains(f.name()) || FORBIDDEN.contains(f.name())) {
                continue;
            }
            try {
                b.header(f.name(), new String(f.value(), StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException e) {
                return err(errorCode("HTTP-request-header-size"));
            }
        }
        options.ifPresent(o -> o.firstByteTimeout.ifPresent(n -> b.timeout(Duration.ofNanos(Math.max(1, n)))));
        OutboundHttpObserver.Exchange exchange = observeSending(s, request.method, uri, b);
        HttpRequest httpRequest;
        try {
            httpRequest = b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (exchange != null) {
                exchange.failed("internal-error");
            }
            return err(internalError(String.valueOf(e.getMessage())));
        }
        CompletableFuture<Outcome> future = client
                .sendAsync(httpRequest, HttpResponse.BodyHandlers.ofInputStream())
                .handle((r, e) -> e == null ? new Outcome(r, null) : new Outcome(null, toErrorCode(e)));
        if (exchange != null) {
            OutboundHttpObserver.Exchange x = exchange;
            // before the guest can see the outcome, so that an observer's span ends before the guest goes on
            future = future.thenApply(o -> {
                try {
                    if (o.response() != null) {
                        x.responded(o.response().statusCode());
                    } else {
                        x.failed(o.errorCode() instanceof ComponentValue.VariantValue v ? v.caseName() : "internal-error");
                    }
                } catch (RuntimeException e) {
                    observerFailed(e);
                }
                return o;
            });
        }
        if (pipe != null) {
            BodyPipe p = pipe;
            // once there is an outcome, nobody reads the rest of the body: writes must fail, not block
            future.whenComplete((o, e) -> {
                if (o == null || o.errorCode() != null) {
                    p.closeReader();
                }
            });
            request.body.connect(p.out(), new BodyEnd() {
                @Override
                public void finished(Optional<List<Field>> trailers) {
                    p.closeWriter();
                }

                @Override
                public void aborted(String reason) {
                    p.abort(reason);
                }
            });
        }
        return ok(host.own(s, "future-incoming-response", new FutureIncomingResponse(future)));
    }

    /**
     * The outbound request's builder, for both WASI versions: {@code method} to {@code uri} (HTTP/2 for https), its
     * body read from {@code pipe} (none when null), declared with {@code length} when the guest's headers give one.
     */
    static HttpRequest.Builder requestBuilder(URI uri, String method, BodyPipe pipe, OptionalLong length) {
        HttpRequest.BodyPublisher publisher;
        if (pipe != null) {
            HttpRequest.BodyPublisher stream = HttpRequest.BodyPublishers.ofInputStream(pipe::in);
            // a declared length of 0 (java.net.http refuses it for a publisher) is a request without a body
            publisher = length.isEmpty() ? stream : length.getAsLong() > 0
                    ? HttpRequest.BodyPublishers.fromPublisher(stream, length.getAsLong())
                    : HttpRequest.BodyPublishers.noBody();
        } else {
            publisher = HttpRequest.BodyPublishers.noBody();
        }
        return HttpRequest.newBuilder(uri).method(method, publisher)
                .version(uri.getScheme().equals("https") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
    }

    /**
     * Tells the store's outbound observer (telemetry), if any, that the request is being sent, letting it add
     * headers the guest may set (trace context); null when there is none. A failing observer does not fail the
     * guest's request.
     */
    static OutboundHttpObserver.Exchange observeSending(HostState s, String method, URI uri, HttpRequest.Builder b) {
        OutboundHttpObserver observer = s.outboundHttpObserver;
        if (observer == null) {
            return null;
        }
        try {
            return observer.sending(method, uri, (name, value) -> {
                if (!CLIENT_RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    b.setHeader(name, value);
                }
            });
        } catch (RuntimeException e) {
            observerFailed(e);
            return null;
        }
    }

    static void observerFailed(RuntimeException e) {
        System.getLogger("dev.basalt.wasi").log(System.Logger.Level.WARNING,
                "the outbound HTTP observer failed; the request goes on unobserved", e);
    }

    /**
     * The wasi:http error-code for a failure of {@link HttpClient}: an in-process exchange's
     * {@link dev.basalt.wasi.preview2.WasiHttpException#errorCode()} as it is, else mapped from the exception.
     */
    static ComponentValue toErrorCode(Throwable e) {
        Throwable c = e;
        while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        for (Throwable x = c; x != null; x = x.getCause()) {
            if (x instanceof dev.basalt.wasi.preview2.WasiHttpException w && w.errorCode().isPresent()) {
                // an in-process handler's own error-code, or the one that stands for its failure
                return w.errorCode().get();
            }
            if (x instanceof HttpConnectTimeoutException) {
                return errorCode("connection-timeout");
            }
            if (x instanceof HttpTimeoutException) {
                return errorCode("HTTP-response-timeout");
            }
            if (x instanceof ConnectException) {
                return errorCode("connection-refused");
            }
            if (x instanceof UnknownHostException || x instanceof UnresolvedAddressException) {
                return new ComponentValue.VariantValue("DNS-error", Optional.of(new ComponentValue.RecordValue(List.of(
                        new ComponentValue.Field("rcode", none()), new ComponentValue.Field("info-code", none())))));
            }
            if (x instanceof javax.net.ssl.SSLHandshakeException) {
                return errorCode("TLS-protocol-error");
            }
            if (x instanceof java.util.concurrent.CancellationException) {
                return internalError("the request was cancelled");
            }
        }
        return internalError(c.getClass().getSimpleName() + ": " + c.getMessage());
    }

    // ---------------------------------------------------------------- incoming (the embedder's side)

    /** An incoming request as the embedder describes it. */
    public record Request(String method, Optional<String> scheme, Optional<String> authority, String pathWithQuery,
            List<Map.Entry<String, String>> headers, InputStream body, Supplier<List<Map.Entry<String, String>>> trailers) {
    }

    /** What happens to the guest's response: see {@link ResponseTarget}; fields as (name, Latin-1 text). */
    public interface Target {
        OutputStream respond(int status, List<Map.Entry<String, String>> headers) throws IOException;

        void complete(List<Map.Entry<String, String>> trailers) throws IOException;

        /** The guest gave this wasi:http {@code error-code} instead of a response. */
        void failed(ComponentValue errorCode);

        void aborted(String reason);
    }

    static List<Map.Entry<String, String>> text(List<Field> fields) {
        return fields.stream().map(f -> Map.entry(f.name(), new String(f.value(), StandardCharsets.ISO_8859_1))).toList();
    }

    static List<Field> binary(List<Map.Entry<String, String>> fields) {
        return fields.stream().map(e -> new Field(e.getKey(), e.getValue().getBytes(StandardCharsets.ISO_8859_1))).toList();
    }

    /**
     * The two arguments of {@code incoming-handler.handle} for {@code request}: owned handles of types
     * {@code requestType} and {@code outparamType} (those the guest's export is typed with), made in {@code s}.
     */
    public static List<ComponentValue> incoming(HostState s, ResourceType requestType, ResourceType outparamType,
            Request request, Target target) {
        IncomingBody body = new IncomingBody(request.body(), () -> {
            List<Map.Entry<String, String>> tr = request.trailers().get();
            return tr.isEmpty() ? Optional.empty() : Optional.of(binary(tr));
        }, false);
        IncomingRequest r = new IncomingRequest(request.method(), request.scheme(), request.authority(),
                Optional.of(request.pathWithQuery()), binary(request.headers()), body);
        ResponseOutparam out = new ResponseOutparam(new ResponseTarget() {
            @Override
            public OutputStream respond(int status, List<Field> headers) throws IOException {
                return target.respond(status, text(headers));
            }

            @Override
            public void complete(Optional<List<Field>> trailers) throws IOException {
                target.complete(trailers.map(HttpHost::text).orElse(List.of()));
            }

            @Override
            public void failed(ComponentValue errorCode) {
                target.failed(errorCode);
            }

            @Override
            public void aborted(String reason) {
                target.aborted(reason);
            }
        });
        return List.of(new ComponentValue.Own(ResourceHandle.own(requestType, HostResources.add(s, r))),
                new ComponentValue.Own(ResourceHandle.own(outparamType, HostResources.add(s, out))));
    }
}
