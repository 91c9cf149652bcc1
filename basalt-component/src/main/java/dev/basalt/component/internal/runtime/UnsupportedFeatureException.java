package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentException;

/**
 * A component uses a feature the runtime does not implement (async, streams, futures, error contexts, threads,
 * component values). Definitions that need such a feature are kept as placeholders, so a component that merely
 * declares them still instantiates; the exception is raised when one is used.
 */
public final class UnsupportedFeatureException extends ComponentException {
    public UnsupportedFeatureException(String what) {
        super("not supported: " + what);
    }
}
