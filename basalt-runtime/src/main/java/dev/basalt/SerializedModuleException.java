package dev.basalt;

import dev.basalt.wasm.BasaltException;

/**
 * {@link Module#deserialize} refused bytes: not a serialized module, damaged (truncated, altered), or made by another
 * Basalt build or for another configuration. The message says which; compiling the original module again is the
 * remedy.
 */
public final class SerializedModuleException extends BasaltException {
    public SerializedModuleException(String message) {
        super(message);
    }

    public SerializedModuleException(String message, Throwable cause) {
        super(message, cause);
    }
}
