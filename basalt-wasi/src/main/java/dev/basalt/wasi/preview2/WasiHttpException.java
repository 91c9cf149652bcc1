package dev.basalt.wasi.preview2;

import dev.basalt.component.ComponentValue;
import java.util.Optional;

/**
 * A wasi:http incoming-handler did not produce a complete response: it set an {@code error-code} instead, returned
 * without setting a response, or left the response body unfinished. {@link #responseStarted()} tells whether the
 * status and headers had already gone to the {@link WasiHttp.ResponseSink} (a server can then only abort the
 * exchange, not answer 500). A guest trap is a {@link dev.basalt.Trap}, not this.
 *
 * <p>As the cause of a failed in-process exchange (a middleware's next handler, see
 * {@link OutboundHttpRouter.Route#inProcess}), its {@link #errorCode()} is what the sending guest gets.
 */
public final class WasiHttpException extends RuntimeException {
    private final boolean responseStarted;
    private final transient ComponentValue errorCode;

    public WasiHttpException(String message, boolean responseStarted) {
        this(message, responseStarted, null);
    }

    /**
     * @param errorCode the wasi:http {@code error-code} value (a variant of the {@code types} interface) the handler
     *     gave, or that stands for this failure; {@code null}: none
     */
    public WasiHttpException(String message, boolean responseStarted, ComponentValue errorCode) {
        super(message);
        this.responseStarted = responseStarted;
        this.errorCode = errorCode;
    }

    /**
     * A failure that stands for wasi:http's {@code internal-error(some(message))}: what a guest whose request went
     * to an in-process handler gets when that handler failed without a response (it trapped, say).
     */
    public static WasiHttpException internalError(String message) {
        return new WasiHttpException(message, false, new ComponentValue.VariantValue("internal-error",
                Optional.of(new ComponentValue.OptionValue(Optional.of(new ComponentValue.Str(message))))));
    }

    /** The wasi:http {@code error-code} the handler set, or that stands for this failure. */
    public Optional<ComponentValue> errorCode() {
        return Optional.ofNullable(errorCode);
    }

    /** Whether the response's status and headers were already handed to the sink. */
    public boolean responseStarted() {
        return responseStarted;
    }
}
