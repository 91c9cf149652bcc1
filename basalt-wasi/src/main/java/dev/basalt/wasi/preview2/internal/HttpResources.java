package dev.basalt.wasi.preview2.internal;

import dev.basalt.Trap;
import dev.basalt.component.ComponentValue;
import dev.basalt.TrapKind;
import dev.basalt.wasi.preview2.internal.HostResources.InStream;
import dev.basalt.wasi.preview2.internal.HostResources.OutStream;
import dev.basalt.wasi.preview2.internal.HostResources.Res;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The resources of wasi:http/types: header fields, requests and responses in both directions, their bodies and
 * the futures of outbound responses and trailers. Bodies connect the guest's wasi:io streams to Java streams: an
 * incoming body reads a Java {@link InputStream} (the server's request body, an outbound response's body), an
 * outgoing body writes to a Java {@link OutputStream} once its message has been sent (bytes written before are
 * held, up to {@link OutgoingBody#MAX_PENDING}).
 */
final class HttpResources {
    private HttpResources() {
    }

    /** A header or trailer field: a lower-cased name and the value's bytes. */
    record Field(String name, byte[] value) {
        Field {
            name = name.toLowerCase(Locale.ROOT);
        }
    }

    /** {@code fields} (also {@code headers}, {@code trailers}): an ordered multimap, immutable once attached. */
    static final class Fields extends Res {
        final List<Field> entries;
        final boolean immutable;

        Fields(List<Field> entries, boolean immutable) {
            this.entries = new ArrayList<>(entries);
            this.immutable = immutable;
        }

        List<byte[]> get(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            return entries.stream().filter(f -> f.name().equals(n)).map(Field::value).toList();
        }

        /** The value of {@code content-length}, if there is exactly one and it is a number. */
        OptionalLong contentLength() {
            List<byte[]> v = get("content-length");
            if (v.size() != 1) {
                return OptionalLong.empty();
            }
            try {
                long n = Long.parseLong(new String(v.getFirst(), java.nio.charset.StandardCharsets.ISO_8859_1).strip());
                return n >= 0 ? OptionalLong.of(n) : OptionalLong.empty();
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
    }

    /**
     * What {@code incoming-request} and {@code incoming-response} share: immutable headers and a body the guest may
     * consume once.
     */
    abstract static class IncomingMessage extends Res {
        final List<Field> headers;
        private IncomingBody body;

        IncomingMessage(List<Field> headers, IncomingBody body) {
            this.headers = List.copyOf(headers);
            this.body = body;
        }

        /** The body the first time ({@code consume}), then null. */
        IncomingBody takeBody() {
            IncomingBody b = body;
            body = null;
            return b;
        }

        @Override
        void close() throws IOException {
            if (body != null) {
                body.close();
            }
        }
    }

    /** {@code incoming-request}: a request the embedder (a server) hands to the guest's incoming-handler. */
    static final class IncomingRequest extends IncomingMessage {
        final String method;
        final Optional<String> scheme;
        final Optional<String> authority;
        final Optional<String> pathWithQuery;

        IncomingRequest(String method, Optional<String> scheme, Optional<String> authority,
                Optional<String> pathWithQuery, List<Field> headers, IncomingBody body) {
            super(headers, body);
            this.method = method;
            this.scheme = scheme;
            this.authority = authority;
            this.pathWithQuery = pathWithQuery;
        }
    }

    static final class HttpStreamException extends IOException {
        final dev.basalt.component.ComponentValue errorCode;

        HttpStreamException(IOException cause, dev.basalt.component.ComponentValue errorCode) {
            super(cause.getMessage(), cause);
            this.errorCode = errorCode;
        }
    }

    /** {@code incoming-body}: a body read from a Java stream; trailers are known once it has been read. */
    static final class IncomingBody extends Res {
        final InputStream in;
        /** Whether this is a response's body (from an outbound request) rather than a request's. */
        final boolean response;
        /** The trailers, called once the body was read to its end; none if empty. */
        final Supplier<Optional<List<Field>>> trailers;
        boolean streamTaken;
        boolean streamAlive;
        boolean bodyAlive = true;

        IncomingBody(InputStream in, Supplier<Optional<List<Field>>> trailers, boolean response) {
            this.in = in;
            this.trailers = trailers;
            this.response = response;
        }

        @Override
        void close() throws IOException {
            bodyAlive = false;
            if (!streamAlive) {
                in.close();
            }
        }
    }

    /** The {@code input-stream} of an incoming body: a read blocks until some bytes or the end are there. */
    static final class BodyInStream extends InStream {
        final IncomingBody body;

        BodyInStream(IncomingBody body) {
            this.body = body;
        }

        @Override
        byte[] read(int max, boolean blocking) throws IOException {
            if (max == 0) {
                return new byte[0];
            }
            // do not allocate what the guest asks for: it may ask for the 1 MiB per-call maximum every time
            byte[] buf = new byte[Math.min(max, 64 * 1024)];
            int n;
            try {
                n = body.in.read(buf, 0, buf.length);
            } catch (HttpStreamException e) {
                throw e;
            } catch (IOException e) {
                // the message broke off: what http-error-code tells the guest about this stream error
                throw new HttpStreamException(e, HttpHost.errorCode(e instanceof java.io.EOFException && body.response
                        ? "HTTP-response-incomplete" : "connection-terminated"));
            }
            if (n < 0) {
                return HostResources.CLOSED;
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, n);
        }

        @Override
        void close() throws IOException {
            body.streamAlive = false;
            if (!body.bodyAlive) {
                body.in.close();
            }
        }
    }

    /** {@code future-trailers}: resolved by reading the rest of the body (so {@code get} may block on it). */
    static final class FutureTrailers extends Res {
        final IncomingBody body;
        boolean taken;

        FutureTrailers(IncomingBody body) {
            this.body = body;
        }

        @Override
        void close() throws IOException {
            body.in.close();
        }
    }

    /** Where an outgoing body's bytes go once its message is sent, and how its end is reported. */
    interface BodyEnd {
        /** The guest finished the body, with these trailers (empty: none). */
        void finished(Optional<List<Field>> trailers) throws IOException;

        /** The guest dropped the body without finishing it: the message is incomplete. */
        void aborted(String reason);
    }

    /** {@code outgoing-body}. */
    static final class OutgoingBody extends Res {
        /** The most a guest may write before its message is sent (e.g. a request body before handle). */
        static final int MAX_PENDING = 16 * 1024 * 1024;

        final OptionalLong expectedLength;
        final boolean response;
        final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        OutputStream target;
        BodyEnd end;
        long written;
        boolean streamTaken;
        boolean streamAlive;
        boolean finished;
        boolean aborted;
        Optional<List<Field>> trailers = Optional.empty();

        OutgoingBody(OptionalLong expectedLength, boolean response) {
            this.expectedLength = expectedLength;
            this.response = response;
        }

        void write(byte[] bytes) throws IOException {
            if (finished || aborted) {
                throw new IOException("the body is already " + (finished ? "finished" : "aborted"));
            }
            if (expectedLength.isPresent() && written + bytes.length > expectedLength.getAsLong()) {
                throw new IOException("the body would exceed its content-length of " + expectedLength.getAsLong());
            }
            if (target == null) {
                if (pending.size() + (long) bytes.length > MAX_PENDING) {
                    throw new IOException("more than " + MAX_PENDING + " bytes written before the message was sent");
                }
                pending.write(bytes);
            } else {
                target.write(bytes);
            }
            written += bytes.length;
        }

        void flush() throws IOException {
            if (target != null) {
                target.flush();
            }
        }

        /** The message was sent: from now on the bytes go to {@code out}; an already finished body ends now. */
        void connect(OutputStream out, BodyEnd end) throws IOException {
            this.target = out;
            this.end = end;
            if (pending.size() > 0) {
                out.write(pending.toByteArray());
                pending.reset();
            }
            if (finished) {
                end.finished(trailers);
            } else if (aborted) {
                end.aborted("the body was dropped before it was finished");
            }
        }

        /** {@code outgoing-body.finish}; checks the declared content-length. */
        void finish(Optional<List<Field>> trailers) throws IOException {
            if (streamAlive) {
                throw new Trap(TrapKind.HOST_ERROR,
                        "outgoing-body.finish: the body's output-stream must be dropped first");
            }
            finished = true;
            this.trailers = trailers;
            if (end != null) {
                end.finished(trailers);
            }
        }

        @Override
        void close() {
            if (!finished && !aborted) {
                aborted = true;
                if (end != null) {
                    end.aborted("the body was dropped before it was finished");
                }
            }
        }
    }

    /** The {@code output-stream} of an outgoing body. */
    static final class BodyOutStream extends OutStream {
        final OutgoingBody body;

        BodyOutStream(OutgoingBody body) {
            this.body = body;
        }

        @Override
        void write(byte[] bytes) throws IOException {
            body.write(bytes);
        }

        @Override
        void flush() throws IOException {
            body.flush();
        }

        @Override
        void close() {
            body.streamAlive = false;
        }
    }

    /** {@code outgoing-response}: status 200 until set; its headers are fixed at construction. */
    static final class OutgoingResponse extends Res {
        final Fields headers;
        int status = 200;
        OutgoingBody body;
        boolean bodyTaken;

        OutgoingResponse(Fields headers) {
            this.headers = headers;
        }
    }

    /** What the embedder does with the response the guest sets (see {@code WasiHttp}). */
    interface ResponseTarget {
        /** The guest set its response: where its body goes. */
        OutputStream respond(int status, List<Field> headers) throws IOException;

        /** The body was finished with these trailers (empty: none). */
        void complete(Optional<List<Field>> trailers) throws IOException;

        /** The guest set an error-code instead of a response (the wasi:http {@code error-code} value). */
        void failed(ComponentValue errorCode);

        /** The body was dropped unfinished: the response is incomplete. */
        void aborted(String reason);
    }

    /** {@code response-outparam}. */
    static final class ResponseOutparam extends Res {
        final ResponseTarget target;

        ResponseOutparam(ResponseTarget target) {
            this.target = target;
        }
    }

    /** {@code outgoing-request}: GET with no scheme, authority or path until set. */
    static final class OutgoingRequest extends Res {
        final Fields headers;
        String method = "GET";
        Optional<String> scheme = Optional.empty();
        Optional<String> authority = Optional.empty();
        Optional<String> pathWithQuery = Optional.empty();
        OutgoingBody body;
        boolean bodyTaken;

        OutgoingRequest(Fields headers) {
            this.headers = headers;
        }
    }

    /** {@code request-options}: timeouts in nanoseconds (empty: the host's default). */
    static final class RequestOptions extends Res {
        OptionalLong connectTimeout = OptionalLong.empty();
        OptionalLong firstByteTimeout = OptionalLong.empty();
        OptionalLong betweenBytesTimeout = OptionalLong.empty();
    }

    /** The outcome of an outbound request: a response, or the wasi:http error-code (a variant value). */
    record Outcome(HttpResponse<InputStream> response, dev.basalt.component.ComponentValue errorCode) {
    }

    /** {@code future-incoming-response}. */
    static final class FutureIncomingResponse extends Res {
        final CompletableFuture<Outcome> future;
        boolean taken;

        FutureIncomingResponse(CompletableFuture<Outcome> future) {
            this.future = future;
        }

        @Override
        void close() throws IOException {
            if (!future.isDone()) {
                future.cancel(true);
            } else if (!taken) {
                Outcome o = future.getNow(null);
                if (o != null && o.response() != null) {
                    o.response().body().close();
                }
            }
        }
    }

    /** {@code incoming-response}: a response to an outbound request. */
    static final class IncomingResponse extends IncomingMessage {
        final int status;

        IncomingResponse(int status, List<Field> headers, IncomingBody body) {
            super(headers, body);
            this.status = status;
        }
    }
}
