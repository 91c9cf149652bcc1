package dev.basalt.internal.runtime;

/**
 * The Java exception that carries a Wasm exception through interpreter frames. It has no Java stack trace
 * (Wasm code may throw often); at the embedder boundary it becomes a {@link dev.basalt.WasmException}.
 */
public final class WasmThrow extends RuntimeException {
    public final transient ExnObject exn;

    public WasmThrow(ExnObject exn) {
        super("uncaught wasm exception", null, false, false);
        this.exn = exn;
    }
}
