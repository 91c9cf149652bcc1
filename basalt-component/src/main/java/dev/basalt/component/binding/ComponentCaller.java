package dev.basalt.component.binding;

import dev.basalt.component.ComponentValue;
import java.util.List;
import java.util.Optional;

/**
 * Calls an export of a component instance with dynamic values: generated export classes call through this, so they
 * can sit on any component instance ({@code instance::call} style adapters).
 */
@FunctionalInterface
public interface ComponentCaller {
    /**
     * Calls function {@code function} of the exported interface {@code instance} (its full name such as
     * {@code my:pkg/api@1.0.0}, or the empty string for a function exported by the world itself).
     *
     * @return the result, empty for a function without one
     */
    Optional<ComponentValue> call(String instance, String function, List<ComponentValue> args);
}
