package dev.basalt.plugin;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.util.Optional;

/**
 * A plug-in could not be loaded, or a call failed: the guest reported an error ({@code error_set} or a non-zero
 * return code), trapped, ran out of time or fuel, or was cancelled. The plug-in stays usable after any of them.
 */
public class PluginException extends RuntimeException {
    private final int returnCode;

    public PluginException(String message) {
        this(message, null, 0);
    }

    public PluginException(String message, Throwable cause) {
        this(message, cause, 0);
    }

    PluginException(String message, Throwable cause, int returnCode) {
        super(message, cause);
        this.returnCode = returnCode;
    }

    /** The guest function's non-zero return code, or 0 if it did not return (trap, timeout) or returned 0. */
    public int returnCode() {
        return returnCode;
    }

    /** The trap that ended the call (its kind says timeout, cancellation, fuel...), with its Wasm backtrace. */
    public Optional<Trap> trap() {
        return getCause() instanceof Trap t ? Optional.of(t) : Optional.empty();
    }

    /** True when the call ran past the manifest's {@code timeout_ms}. */
    public boolean isTimeout() {
        return trap().map(t -> t.kind() == TrapKind.DEADLINE_EXCEEDED).orElse(false);
    }

    /** True when {@link Plugin#cancel()} stopped the call. */
    public boolean isCancelled() {
        return trap().map(t -> t.kind() == TrapKind.INTERRUPTED).orElse(false);
    }
}
