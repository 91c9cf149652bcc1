package dev.basalt.serve;

import dev.basalt.wasi.preview2.WasiHttp;
import dev.basalt.wasi.preview2.WasiHttpException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@link HttpClient} that hands each request to a Java handler in the same process instead of the network: what
 * {@link WasiHttpServer}'s service chaining gives a guest's wasi:http host, so that the host's outbound code
 * (headers, body pipes, observers, the guest's view of the response) is the same as for a network request.
 *
 * <p>Each request runs its {@link Exchange} on a thread of {@code threads}; the response's status and headers reach the
 * caller when the handler sets them, its body streams with backpressure (the handler's writes wait until the
 * caller's body subscriber asks for more, and fail once it cancelled: the caller dropped the body). The request
 * body is the caller's body publisher, read by the handler as an {@link InputStream}.
 */
final class InProcessHttpClient extends HttpClient {
    /** Runs one in-process request: the handler reads {@code request} and answers through {@code sink}. */
    @FunctionalInterface
    interface Exchange {
        /**
         * Handles the request on the calling thread; the response must have been given to {@code sink} (and its
         * body completed) when it returns normally. A failure before the response is the caller's 500, or with
         * {@code errorCodes} a {@link WasiHttpException} with an error-code fails the caller's exchange: the guest
         * that sent the request gets that error-code, as for a request that got no response over the network.
         */
        void run(WasiHttp.Request request, WasiHttp.ResponseSink sink) throws Exception;
    }

    /** Runs each in-process request on a thread of its own (not the caller's, which waits for the response). */
    private final Executor threads;
    private final java.util.function.Function<HttpRequest, Exchange> exchanges;
    /** Whether an exchange's {@link WasiHttpException} with an error-code reaches the caller as that error-code. */
    private final boolean errorCodes;

    /**
     * @param exchanges the handler for each request (decided from the request, e.g. its host); called on the
     *     caller's thread
     * @param errorCodes whether a handler's failure before the response that is a {@link WasiHttpException} with an
     *     {@linkplain WasiHttpException#errorCode() error-code} fails the caller's exchange with it (a middleware's
     *     next handler, as an imported {@code handle} returns {@code err(error-code)}) instead of answering 500 (a
     *     Spin service-chaining request, answered as the network would)
     */
    InProcessHttpClient(Executor threads, java.util.function.Function<HttpRequest, Exchange> exchanges,
            boolean errorCodes) {
        this.threads = threads;
        this.exchanges = exchanges;
        this.errorCodes = errorCodes;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
            HttpResponse.BodyHandler<T> handler) {
        CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
        Exchange exchange = exchanges.apply(request);
        WasiHttp.Request guestRequest = toGuest(request);
        Runnable run = () -> {
            ResponseStream<T> response = new ResponseStream<>(request, handler, result, errorCodes);
            try {
                exchange.run(guestRequest, response);
                response.finished();
            } catch (Throwable e) {
                response.failed(e);
            } finally {
                try {
                    guestRequest.body().close();
                } catch (IOException ignored) {
                    // the publisher's subscription is cancelled either way
                }
            }
        };
        try {
            threads.execute(run);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new IOException("the server is shutting down", e));
        }
        return result;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
            HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
        return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        try {
            return sendAsync(request, handler).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** The request as the handler sees it: its headers in order, the body read from the caller's publisher. */
    private static WasiHttp.Request toGuest(HttpRequest request) {
        List<WasiHttp.Header> headers = new ArrayList<>();
        request.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(new WasiHttp.Header(name, v))));
        URI uri = request.uri();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        InputStream body = request.bodyPublisher().map(PublisherInput::new).map(InputStream.class::cast)
                .orElseGet(InputStream::nullInputStream);
        return new WasiHttp.Request(request.method(), Optional.ofNullable(uri.getScheme()),
                Optional.ofNullable(uri.getRawAuthority()), path, headers, body, List::of);
    }

    /**
     * Reads a {@link Flow.Publisher} of byte buffers as a stream. It subscribes on the first read and asks for one
     * buffer only when the previous one is used up, from a short-lived virtual thread: java.net.http's stream
     * publishers pull from their source inside {@code request}, which must not happen on the caller's thread (it
     * would wait for body bytes its own guest has not written yet), nor before the handler wants them, nor on the
     * reading thread (after a buffer the publisher waits inside {@code request} for the next one). {@link #close()}
     * cancels.
     */
    static final class PublisherInput extends InputStream implements Flow.Subscriber<ByteBuffer> {
        private static final ByteBuffer END = ByteBuffer.allocate(0);
        private final Flow.Publisher<ByteBuffer> publisher;
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
        private boolean subscribed;
        private boolean requested;
        private ByteBuffer current;
        private boolean ended;
        private volatile boolean closed;

        PublisherInput(Flow.Publisher<ByteBuffer> publisher) {
            this.publisher = publisher;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.complete(s);
        }

        @Override
        public void onNext(ByteBuffer item) {
            queue.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            queue.add(throwable);
        }

        @Override
        public void onComplete() {
            queue.add(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (closed) {
                throw new IOException("the stream is closed");
            }
            if (len == 0) {
                return 0;
            }
            try {
                while (current == null || !current.hasRemaining()) {
                    if (ended) {
                        return -1;
                    }
                    if (!subscribed) {
                        subscribed = true;
                        publisher.subscribe(this);
                    }
                    if (!requested && queue.isEmpty()) {
                        requested = true;
                        // Not on this thread: java.net.http's pull publisher, after handing over a buffer inside
                        // request, asks its source whether there is more -- a blocking read of the next buffer. A
                        // streaming body (a middleware's or a chained caller's) then held back the buffer this read
                        // waits for until the next one arrived, which may only come after this one was answered.
                        Flow.Subscription s = subscription.get();
                        Thread.ofVirtual().name("basalt-in-process-body").start(() -> s.request(1));
                    }
                    Object next = queue.take();
                    if (next == END) {
                        ended = true;
                        return -1;
                    }
                    if (next instanceof Throwable t) {
                        ended = true;
                        throw new IOException("the request body failed: " + t.getMessage(), t);
                    }
                    requested = false;
                    current = (ByteBuffer) next;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading the request body");
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            return n;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Flow.Subscription s = subscription.getNow(null);
                if (s != null && !ended) {
                    s.cancel();
                }
            }
        }
    }

    /**
     * The handler's response: its status and headers complete the caller's future (through the caller's body
     * handler); the body goes to the handler's subscriber as the handler writes it, as fast as it asks.
     */
    private static final class ResponseStream<T> implements WasiHttp.ResponseSink {
        private final HttpRequest request;
        private final HttpResponse.BodyHandler<T> handler;
        private final CompletableFuture<HttpResponse<T>> result;
        private final boolean errorCodes;
        private BodyOutput body;

        ResponseStream(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                CompletableFuture<HttpResponse<T>> result, boolean errorCodes) {
            this.request = request;
            this.handler = handler;
            this.result = result;
            this.errorCodes = errorCodes;
        }

        @Override
        public BodyOutput respond(int status, List<WasiHttp.Header> headers) {
            Map<String, List<String>> map = new LinkedHashMap<>();
            for (WasiHttp.Header h : headers) {
                map.computeIfAbsent(h.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.value());
            }
            HttpHeaders httpHeaders = HttpHeaders.of(map, (a, b) -> true);
            HttpResponse.ResponseInfo info = new HttpResponse.ResponseInfo() {
                @Override
                public int statusCode() {
                    return status;
                }

                @Override
                public HttpHeaders headers() {
                    return httpHeaders;
                }

                @Override
                public HttpClient.Version version() {
                    return HttpClient.Version.HTTP_1_1;
                }
            };
            HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
            body = new BodyOutput(subscriber);
            subscriber.onSubscribe(body);
            subscriber.getBody().whenComplete((value, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(new Response<>(status, request, httpHeaders, value));
                }
            });
            return body;
        }

        @Override
        public void complete(List<WasiHttp.Header> trailers) throws IOException {
            if (body != null) {
                body.close();
            }
        }

        /** The handler returned: a response it never gave is the caller's 500. */
        void finished() {
            if (body == null) {
                respondError();
            } else {
                body.close();
            }
        }

        /**
         * The handler failed: the caller's 500 (or its error-code, see {@link Exchange}), or, once the status was
         * given, a body that ends in an error.
         */
        void failed(Throwable e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (body != null) {
                body.fail(cause);
            } else if (errorCodes && cause instanceof WasiHttpException w && w.errorCode().isPresent()) {
                result.completeExceptionally(w);
            } else {
                respondError();
            }
        }

        private void respondError() {
            try {
                respond(500, List.of()).close();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }
    }

    /**
     * The response body as an {@link OutputStream} that publishes to one subscriber: a write waits for the
     * subscriber's demand, and fails once it cancelled.
     */
    private static final class BodyOutput extends OutputStream implements Flow.Subscription {
        private final Flow.Subscriber<? super List<ByteBuffer>> subscriber;
        private long demand;
        private boolean cancelled;
        private boolean done;

        BodyOutput(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            if (n <= 0) {
                cancelled = true;
                notifyAll();
                subscriber.onError(new IllegalArgumentException("non-positive request: " + n));
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            notifyAll();
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return;
            }
            synchronized (this) {
                while (demand == 0 && !cancelled && !done) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while the caller was not reading");
                    }
                }
                if (cancelled) {
                    throw new IOException("the caller stopped reading the response body");
                }
                if (done) {
                    throw new IOException("the response body is closed");
                }
                demand--;
            }
            subscriber.onNext(List.of(ByteBuffer.wrap(java.util.Arrays.copyOfRange(b, off, off + len))));
        }

        @Override
        public void close() {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                notifyAll();
            }
            subscriber.onComplete();
        }

        void fail(Throwable e) {
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                notifyAll();
            }
            subscriber.onError(e instanceof IOException ? e : new IOException("the handler failed: " + e, e));
        }
    }

    private record Response<T>(int statusCode, HttpRequest request, HttpHeaders headers, T body)
            implements HttpResponse<T> {
        @Override
        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
        return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public SSLParameters sslParameters() {
        return new SSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return Optional.empty();
    }

    @Override
    public Version version() {
        return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
        return Optional.empty();
    }
}
