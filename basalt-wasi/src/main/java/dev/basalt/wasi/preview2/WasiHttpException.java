package dev.basalt.wasi.preview2;

/**
 * A wasi:http incoming-handler did not produce a complete response: it set an {@code error-code} instead, returned
 * without setting a response, or left the response body unfinished. {@link #responseStarted()} tells whether the
 * status and headers had already gone to the {@link WasiHttp.ResponseSink} (a server can then only abort the
 * exchange, not answer 500). A guest trap is a {@link dev.basalt.Trap}, not this.
 */
public final class WasiHttpException extends RuntimeException {
    private final boolean responseStarted;

    public WasiHttpException(String message, boolean responseStarted) {
        super(message);
        this.responseStarted = responseStarted;
    }

    /** Whether the response's status and headers were already handed to the sink. */
    public boolean responseStarted() {
        return responseStarted;
    }
}
