package dev.basalt.wasi.preview2;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, before the guest's grants are looked at, where an outbound wasi:http request (0.2
 * {@code outgoing-handler}, 0.3 {@code client}) goes: to the network under the {@link dev.basalt.wasi.WasiConfig}'s
 * {@code allowOutboundHost} grants as usual, nowhere (an {@code error-code}), or to an {@link HttpClient} of the
 * embedder's that handles it in-process -- e.g. {@code basalt serve}'s service chaining, where a request to
 * {@code http://other.spin.internal/} runs the application's component {@code other} without a network hop.
 * Set per guest with {@link WasiComponentContext#routeOutboundHttp}; without one every request goes to the network.
 *
 * <p>Called on the guest's thread, inside its host call; it must not block.
 */
@FunctionalInterface
public interface OutboundHttpRouter {
    /**
     * Where the request goes.
     *
     * @param scheme the request's scheme, lower case ({@code http} or {@code https}; {@code https} when the guest
     *     set none)
     * @param authority the guest's authority as given (empty when it set none: a relative URL, which without a
     *     router is {@code HTTP-request-URI-invalid})
     * @param pathWithQuery the guest's path and query ({@code /} when it set none)
     */
    Route route(String scheme, Optional<String> authority, String pathWithQuery);

    /** What {@link #route} decided. */
    sealed interface Route {
        /** As without a router: the grants decide, then the request goes over the network. */
        static Route network() {
            return Network.INSTANCE;
        }

        /** The guest gets {@code err(errorCode)} (a case of wasi:http's {@code error-code} without payload). */
        static Route refuse(String errorCode) {
            return new Refused(errorCode);
        }

        /**
         * Sent with {@code client} as a request to {@code uri}, whatever the grants say (the router granted it).
         * Observers ({@link OutboundHttpObserver}) see it as any other request. When the client's exchange fails
         * with a {@link WasiHttpException} (anywhere in the cause chain) that has an
         * {@linkplain WasiHttpException#errorCode() error-code}, the guest gets exactly that error-code.
         */
        static Route inProcess(HttpClient client, URI uri) {
            return new InProcess(client, uri);
        }
    }

    /** See {@link Route#network()}. */
    enum Network implements Route {
        INSTANCE
    }

    /** See {@link Route#refuse}. */
    record Refused(String errorCode) implements Route {
        public Refused {
            Objects.requireNonNull(errorCode, "errorCode");
        }
    }

    /** See {@link Route#inProcess}. */
    record InProcess(HttpClient client, URI uri) implements Route {
        public InProcess {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(uri, "uri");
        }
    }
}
