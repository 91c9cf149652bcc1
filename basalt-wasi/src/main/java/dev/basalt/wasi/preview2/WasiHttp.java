package dev.basalt.wasi.preview2;

import dev.basalt.component.Component;
import dev.basalt.component.ComponentFunc;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceType;
import dev.basalt.component.ValueType;
import dev.basalt.wasi.preview2.internal.HttpHost;
import dev.basalt.wasi.preview2.internal.HttpHostP3;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Calls a component's {@code wasi:http/incoming-handler@0.2.x} export (or, for a WASI 0.3 service, its
 * {@code wasi:http/handler@0.3.x} export; its imports come from {@link #addP3ToLinker}) with a request made on the
 * Java side and
 * delivers its response: status and headers as soon as the guest sets them, the body as the guest writes it
 * (streamed to a {@link ResponseSink}), or all of it buffered ({@link #handle(ComponentInstance,
 * WasiComponentContext, Request)}). The guest's own imports of {@code wasi:http/types} and
 * {@code wasi:http/outgoing-handler} are defined by {@link WasiPreview2#addToLinker}; outbound requests reach only
 * the hosts its {@link dev.basalt.wasi.WasiConfig} grants ({@code allowOutboundHost}).
 *
 * <p>One call per instance and context is the intended use (a fresh instance per request isolates requests from
 * each other); the call runs the guest on the calling thread.
 *
 * {@snippet :
 * ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
 * WasiPreview2.addToLinker(linker, ctx -> ctx);
 * ComponentInstancePre<WasiComponentContext> pre = linker.instantiatePre(component);
 * try (WasiComponentContext wasi = WasiComponentContext.create(config)) {
 *     ComponentInstance instance = pre.instantiate(Store.create(engine, wasi));
 *     WasiHttp.Response r = WasiHttp.handle(instance, wasi, WasiHttp.Request.of("GET", "/hello", List.of(), new byte[0]));
 *     System.out.println(r.status() + " " + r.bodyText());
 * }
 * }
 *
 * @see <a href="https://github.com/WebAssembly/wasi-http">wasi:http</a>
 */
public final class WasiHttp {
    /** The unversioned name of the handler interface. */
    public static final String INCOMING_HANDLER = "wasi:http/incoming-handler";

    private WasiHttp() {
    }

    /** A header or trailer field; the value's bytes are the characters' low 8 bits (ISO-8859-1). */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A request for the guest.
     *
     * @param method e.g. {@code GET}
     * @param scheme {@code http}, {@code https}, or another; empty if unknown
     * @param authority the {@code host[:port]} the request was sent to, if known
     * @param pathWithQuery e.g. {@code /a/b?c=d}
     * @param headers in order; names compare case-insensitively
     * @param body read by the guest as it consumes the request body
     * @param trailers called once the body has been read to its end
     */
    public record Request(String method, Optional<String> scheme, Optional<String> authority, String pathWithQuery,
            List<Header> headers, InputStream body, Supplier<List<Header>> trailers) {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(authority, "authority");
            Objects.requireNonNull(pathWithQuery, "pathWithQuery");
            headers = List.copyOf(headers);
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(trailers, "trailers");
        }

        /** A request without scheme, authority or trailers, with a body in memory. */
        public static Request of(String method, String pathWithQuery, List<Header> headers, byte[] body) {
            byte[] copy = body.clone();
            return new Request(method, Optional.empty(), Optional.empty(), pathWithQuery, headers,
                    new ByteArrayInputStream(copy), List::of);
        }
    }

    /** Receives the guest's response as it is produced. */
    public interface ResponseSink {
        /** The guest set its response: returns where the body goes (written as the guest writes it). */
        OutputStream respond(int status, List<Header> headers) throws IOException;

        /** The guest finished the body, with these trailers (usually none). */
        default void complete(List<Header> trailers) throws IOException {
        }
    }

    /** A whole response. */
    public record Response(int status, List<Header> headers, byte[] body, List<Header> trailers) {
        public Response {
            headers = List.copyOf(headers);
            trailers = List.copyOf(trailers);
        }

        /** The values of header {@code name} (case-insensitive), in order. */
        public List<String> header(String name) {
            return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
        }

        /** The body as UTF-8 text. */
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The unversioned name of the WASI 0.3 handler interface (a {@code wasi:http/service} world's export). */
    public static final String HANDLER = HttpHostP3.HANDLER;

    /**
     * Whether {@code component} is an HTTP handler: it exports {@code wasi:http/incoming-handler@0.2.x} or
     * {@code wasi:http/handler@0.3.x}.
     */
    public static boolean isHandler(Component component) {
        return handlerExport(component.exportNames()).isPresent()
                || HttpHostP3.handlerExport(component.exportNames()).isPresent();
    }

    /**
     * Defines {@code wasi:http/types@0.3.0} and {@code wasi:http/client@0.3.0} in {@code linker} (what a WASI 0.3
     * HTTP service or client imports; {@link WasiPreview2#addToLinker} defines the 0.2 interfaces). Outbound
     * requests reach only the hosts the guest's {@link dev.basalt.wasi.WasiConfig} grants, as in 0.2.
     *
     * <p>Also {@code wasi:http/handler@0.3.0}, which a {@code wasi:http/middleware} component imports as its next
     * handler: a request passed to it goes where
     * {@link WasiComponentContext#routeImportedHandler the guest's imported-handler router} says (e.g. the next
     * component of a chain, in-process), and otherwise where {@code client.send} would send it (the outbound
     * router, then the network under the grants, to the request's own scheme and authority).
     */
    public static <T> void addP3ToLinker(dev.basalt.component.ComponentLinker<T> linker,
            java.util.function.Function<T, WasiComponentContext> context) {
        new HttpHostP3().define(linker, store -> context.apply(store.data()).state);
    }

    private static Optional<String> handlerExport(List<String> exports) {
        return exports.stream().filter(n -> n.startsWith(INCOMING_HANDLER + "@0.2.")).findFirst();
    }

    /**
     * Calls the handler with {@code request} and streams its response to {@code sink}. Returns when the guest's
     * {@code handle} returns, after the body was completed.
     *
     * @param wasi the context of the instance's store (the one {@link WasiPreview2#addToLinker} finds)
     * @throws WasiHttpException if the guest set an error-code, set no response, or did not finish the body
     * @throws dev.basalt.Trap if the guest trapped (the sink may have received the status already)
     * @throws IllegalArgumentException if the instance exports no {@code wasi:http/incoming-handler@0.2.x}
     */
    public static void handle(ComponentInstance instance, WasiComponentContext wasi, Request request, ResponseSink sink) {
        Optional<String> p3 = HttpHostP3.handlerExport(instance.exportNames());
        if (p3.isPresent() && handlerExport(instance.exportNames()).isEmpty()) {
            handleP3(instance, p3.get(), wasi, request, sink);
            return;
        }
        String name = handlerExport(instance.exportNames()).orElseThrow(() -> new IllegalArgumentException(
                "the component is not an HTTP handler: it exports no " + INCOMING_HANDLER + "@0.2.x or "
                        + HANDLER + "@0.3.x"));
        ComponentFunc handle = instance.getFunc(name, "handle").orElseThrow(() -> new IllegalArgumentException(
                "the component's " + name + " has no function handle"));
        if (handle.type().params().size() != 2
                || !(handle.type().params().get(0).type() instanceof ValueType.OwnType requestType)
                || !(handle.type().params().get(1).type() instanceof ValueType.OwnType outparamType)) {
            throw new IllegalArgumentException("the component's " + name + ".handle has type " + handle.type()
                    + ", not (own<incoming-request>, own<response-outparam>)");
        }
        Outcome outcome = new Outcome(sink);
        HttpHost.Request r = new HttpHost.Request(request.method(), request.scheme(), request.authority(),
                request.pathWithQuery(), entries(request.headers()), request.body(),
                () -> entries(request.trailers().get()));
        ResourceType rt = requestType.resource();
        List<ComponentValue> args = HttpHost.incoming(wasi.state, rt, outparamType.resource(), r, outcome);
        handle.call(args);
        outcome.check();
    }

    /**
     * WASI 0.3: calls the async {@code handle(request) -> result<response, error-code>}; the guest reads the
     * request body as a {@code stream<u8>} while it arrives and writes the response body the same way, possibly
     * after {@code handle} returned; the store's event loop runs until the response body and trailers are in.
     */
    private static void handleP3(ComponentInstance instance, String name, WasiComponentContext wasi, Request request,
            ResponseSink sink) {
        ComponentFunc handle = instance.getFunc(name, "handle").orElseThrow(() -> new IllegalArgumentException(
                "the component's " + name + " has no function handle"));
        if (handle.type().params().size() != 1 || !handle.type().async()
                || !(handle.type().params().get(0).type() instanceof ValueType.OwnType)) {
            throw new IllegalArgumentException("the component's " + name + ".handle has type " + handle.type()
                    + ", not async func(request: own<request>) -> result<response, error-code>");
        }
        Outcome outcome = new Outcome(sink);
        HttpHost.Request r = new HttpHost.Request(request.method(), request.scheme(), request.authority(),
                request.pathWithQuery(), entries(request.headers()), request.body(),
                () -> entries(request.trailers().get()));
        HttpHostP3.serve(wasi.state, instance.store(), handle, r, outcome);
        outcome.check();
    }

    /** Calls the handler with {@code request} and returns the whole response (see the streaming variant). */
    public static Response handle(ComponentInstance instance, WasiComponentContext wasi, Request request) {
        int[] status = {0};
        List<List<Header>> headers = new java.util.ArrayList<>();
        List<List<Header>> trailers = new java.util.ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        handle(instance, wasi, request, new ResponseSink() {
            @Override
            public OutputStream respond(int s, List<Header> h) {
                status[0] = s;
                headers.add(h);
                return body;
            }

            @Override
            public void complete(List<Header> t) {
                trailers.add(t);
            }
        });
        return new Response(status[0], headers.getFirst(), body.toByteArray(),
                trailers.isEmpty() ? List.of() : trailers.getFirst());
    }

    private static List<Map.Entry<String, String>> entries(List<Header> headers) {
        return headers.stream().map(h -> Map.entry(h.name(), h.value())).toList();
    }

    private static List<Header> headers(List<Map.Entry<String, String>> entries) {
        return entries.stream().map(e -> new Header(e.getKey(), e.getValue())).toList();
    }

    /** Tracks what the guest did with its response-outparam and body. */
    private static final class Outcome implements HttpHost.Target {
        private final ResponseSink sink;
        private boolean started;
        private boolean completed;
        private ComponentValue errorCode;
        private String abortReason;

        Outcome(ResponseSink sink) {
            this.sink = sink;
        }

        @Override
        public OutputStream respond(int status, List<Map.Entry<String, String>> headers) throws IOException {
            started = true;
            return sink.respond(status, headers(headers));
        }

        @Override
        public void complete(List<Map.Entry<String, String>> trailers) throws IOException {
            completed = true;
            sink.complete(headers(trailers));
        }

        @Override
        public void failed(ComponentValue code) {
            errorCode = code;
        }

        @Override
        public void aborted(String reason) {
            abortReason = reason;
        }

        void check() {
            if (errorCode != null) {
                throw new WasiHttpException("the handler responded with error-code " + HttpHost.describe(errorCode),
                        false, errorCode);
            }
            if (!started) {
                throw new WasiHttpException("the handler returned without setting a response", false);
            }
            if (abortReason != null) {
                throw new WasiHttpException("the response body is incomplete: " + abortReason, true);
            }
            if (!completed) {
                throw new WasiHttpException("the handler returned before finishing the response body", true);
            }
        }
    }
}
