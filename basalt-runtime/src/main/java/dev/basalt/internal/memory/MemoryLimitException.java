package dev.basalt.internal.memory;

import dev.basalt.wasm.BasaltException;

/**
 * A linear memory could not be created because its minimum size exceeds what the type, the store's byte cap or
 * the JVM (one {@code byte[]} per memory, see {@link LinearMemory#MAX_BYTES}) allows, or because the JVM could not
 * allocate it. The runtime reports this as an instantiation failure.
 */
public final class MemoryLimitException extends BasaltException {
    public MemoryLimitException(String message) {
        super(message);
    }
}
