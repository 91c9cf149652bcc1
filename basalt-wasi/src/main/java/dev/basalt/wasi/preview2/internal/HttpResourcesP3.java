package dev.basalt.wasi.preview2.internal;

import dev.basalt.Store;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.FutureReader;
import dev.basalt.component.FutureWriter;
import dev.basalt.component.StreamReader;
import dev.basalt.component.StreamWriter;
import dev.basalt.wasi.preview2.internal.HostResources.Res;
import dev.basalt.wasi.preview2.internal.HttpResources.Fields;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The host resources of wasi:http@0.3.0 (requests, responses, request-options; {@code fields} is the 0.2 host's
 * {@link Fields}). In 0.3 a message carries its body as a {@code stream<u8>} and its trailers as a
 * {@code future<result<option<trailers>, error-code>>}, both readable ends held here until the message's
 * {@code consume-body} hands them on, or the message is dropped (the ends are dropped with it).
 */
final class HttpResourcesP3 {
    private HttpResourcesP3() {
    }

    /**
     * The body of a message: the readable ends of its contents stream (null: the message has none) and its
     * trailers future, the writers behind them when the host produces them, and the writer of the
     * {@code future<result<_, error-code>>} that {@code request.new}/{@code response.new} returned to the guest (the
     * host reports there whether the body was delivered; null for messages the host made).
     */
    static final class Body {
        final Store<?> store;
        ComponentValue contents;
        ComponentValue trailers;
        final StreamWriter hostContents;
        final FutureWriter hostTrailers;
        final FutureWriter delivered;

        Body(Store<?> store, ComponentValue contents, ComponentValue trailers, StreamWriter hostContents,
                FutureWriter hostTrailers, FutureWriter delivered) {
            this.store = store;
            this.contents = contents;
            this.trailers = trailers;
            this.hostContents = hostContents;
            this.hostTrailers = hostTrailers;
            this.delivered = delivered;
        }

        /** Drops the ends nobody took: the guest writing them sees the reader gone. */
        void dropUntaken() {
            if (contents != null) {
                if (hostContents != null) {
                    hostContents.close();
                } else {
                    StreamReader.of(store, contents).close();
                }
                contents = null;
            }
            if (trailers != null) {
                if (hostTrailers != null) {
                    hostTrailers.close();
                } else {
                    FutureReader.of(store, trailers).close();
                }
                trailers = null;
            }
            if (delivered != null) {
                delivered.close();
            }
        }
    }

    /** {@code request}: method, target, immutable headers, body, options. */
    static final class Request extends Res {
        String method = "GET";
        Optional<String> scheme = Optional.empty();
        Optional<String> authority = Optional.empty();
        Optional<String> pathWithQuery = Optional.empty();
        final Fields headers;
        final Body body;
        final Optional<Options> options;

        Request(Fields headers, Body body, Optional<Options> options) {
            this.headers = headers;
            this.body = body;
            this.options = options;
        }

        @Override
        void close() {
            body.dropUntaken();
        }
    }

    /** {@code response}: status, immutable headers, body. */
    static final class Response extends Res {
        int status = 200;
        final Fields headers;
        final Body body;

        Response(int status, Fields headers, Body body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        @Override
        void close() {
            body.dropUntaken();
        }
    }

    /** {@code request-options}: timeouts in nanoseconds (empty: the host's default); immutable once in a request. */
    static final class Options extends Res {
        OptionalLong connectTimeout = OptionalLong.empty();
        OptionalLong firstByteTimeout = OptionalLong.empty();
        OptionalLong betweenBytesTimeout = OptionalLong.empty();
        final boolean immutable;

        Options(boolean immutable) {
            this.immutable = immutable;
        }

        Options copy(boolean immutable) {
            Options o = new Options(immutable);
            o.connectTimeout = connectTimeout;
            o.firstByteTimeout = firstByteTimeout;
            o.betweenBytesTimeout = betweenBytesTimeout;
            return o;
        }
    }

    /**
     * A thread copying a Java input stream into a stream the guest reads, registered with the guest's state so that
     * closing the state stops it (interrupting a read or a wait for the guest).
     */
    static final class Pump extends Res {
        volatile Thread thread;

        @Override
        void close() {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
            }
        }
    }
}
