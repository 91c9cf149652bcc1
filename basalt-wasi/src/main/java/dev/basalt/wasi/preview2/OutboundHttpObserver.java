package dev.basalt.wasi.preview2;

import java.net.URI;
import java.util.function.BiConsumer;

/**
 * Watches the requests a guest sends with {@code wasi:http/outgoing-handler}: tracing (a client span per request,
 * its context injected as headers such as {@code traceparent}) and metrics, without basalt-wasi knowing about any
 * telemetry library. Set per guest with {@link WasiComponentContext#observeOutboundHttp}; without one nothing is
 * called.
 *
 * <p>Only requests the guest's grants allow are observed (a denied or malformed request never leaves the host).
 * {@link #sending} runs on the guest's thread, inside its {@code handle} call; the {@link Exchange} methods run on
 * whichever thread completes the request (the HTTP client's), exactly one of them exactly once.
 */
@FunctionalInterface
public interface OutboundHttpObserver {
    /**
     * A request is about to be sent to {@code uri}. {@code setHeader} sets (replacing the guest's value) a header
     * of the request that goes out; it may be called only during this call.
     *
     * @return what to tell when the request ends; never null
     */
    Exchange sending(String method, URI uri, BiConsumer<String, String> setHeader);

    /** How one observed request ended. */
    interface Exchange {
        /** The response's status and headers arrived (its body may still be streaming). */
        void responded(int status);

        /** No response: {@code errorCode} is the wasi:http {@code error-code} case the guest gets, e.g. {@code connection-refused}. */
        void failed(String errorCode);
    }
}
