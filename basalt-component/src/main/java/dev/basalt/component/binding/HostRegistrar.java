package dev.basalt.component.binding;

import dev.basalt.component.ComponentValue;
import java.util.List;
import java.util.Optional;

/** Where generated import bindings define their host functions, e.g. a component linker. */
@FunctionalInterface
public interface HostRegistrar {
    /** A host function with dynamic values: the arguments in order, the result if the function has one. */
    @FunctionalInterface
    interface HostFunction {
        Optional<ComponentValue> call(List<ComponentValue> args);
    }

    /**
     * Defines {@code function} in the imported interface {@code instance} (full name, or the empty string for a
     * function the world imports directly).
     */
    void define(String instance, String function, HostFunction implementation);
}
