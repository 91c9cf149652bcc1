package dev.basalt.wasi;

import dev.basalt.wasm.BasaltException;

/**
 * The guest ended itself with {@code proc_exit(code)} (or a fatal {@code proc_raise}). Thrown out of the host
 * function through every Wasm frame to the embedder that called the guest; the store stays usable. This is not a
 * failure: {@link #exitCode()} 0 means success, as for a process.
 *
 * {@snippet :
 * try {
 *     instance.getFunc("_start").orElseThrow().call();
 * } catch (WasiExitException e) {
 *     System.exit(e.exitCode());
 * }
 * }
 */
public final class WasiExitException extends BasaltException {
    private final int exitCode;

    public WasiExitException(int exitCode) {
        super("wasi exit with code " + Integer.toUnsignedString(exitCode));
        this.exitCode = exitCode;
    }

    /** The exit code the guest passed to {@code proc_exit} (a u32; a process sees its low 8 bits). */
    public int exitCode() {
        return exitCode;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // A normal way to end a program: the Java stack is of no interest and unwinding should be cheap.
        return this;
    }
}
