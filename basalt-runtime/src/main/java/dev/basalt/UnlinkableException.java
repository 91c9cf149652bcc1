package dev.basalt;

import dev.basalt.wasm.BasaltException;

/**
 * Instantiation failed while resolving imports: a missing import ("unknown import") or one whose type does not
 * match ("incompatible import type"), or a resource limit of the store. The message starts with the spec's wording.
 */
public final class UnlinkableException extends BasaltException {
    public UnlinkableException(String message) {
        super(message);
    }
}
