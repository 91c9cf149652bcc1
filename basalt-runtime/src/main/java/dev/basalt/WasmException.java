package dev.basalt;

import dev.basalt.wasm.BasaltException;
import java.util.List;

/**
 * A Wasm exception ({@code throw}) that no Wasm handler caught and that reached the embedder: its {@link Tag} and
 * payload values. Throwing it from a host function rethrows it into the calling Wasm code.
 */
public final class WasmException extends BasaltException {
    private final transient Tag tag;
    private final transient List<Val> payload;
    /** The engine's exception object, so that a rethrow from the host keeps the exception's identity. */
    final transient Object exn;

    WasmException(Tag tag, List<Val> payload, Object exn) {
        super("uncaught wasm exception");
        this.tag = tag;
        this.payload = List.copyOf(payload);
        this.exn = exn;
    }

    public Tag tag() {
        return tag;
    }

    public List<Val> payload() {
        return payload;
    }
}
