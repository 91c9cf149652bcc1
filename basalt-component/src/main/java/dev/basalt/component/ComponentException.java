package dev.basalt.component;

import dev.basalt.wasm.BasaltException;

/**
 * A misuse of the component API by the embedder or a failure to instantiate or link a component: a value that does
 * not match its type, an unknown export, an import that is missing or has the wrong type. Faults of guest code at
 * run time are {@link dev.basalt.Trap}s instead.
 */
public class ComponentException extends BasaltException {
    public ComponentException(String message) {
        super(message);
    }

    public ComponentException(String message, Throwable cause) {
        super(message, cause);
    }
}
