package dev.basalt.component.binding;

import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentFunc;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentValue;
import java.util.List;
import java.util.Optional;

/**
 * Calls an export of a component instance with dynamic values: generated export classes call through this, so they
 * can sit on a {@link ComponentInstance} ({@link #of}) or on anything else that speaks component values (tests, a
 * remote instance).
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

    /** Calls the exports of {@code component}; a missing export is a {@link ComponentException} naming it. */
    static ComponentCaller of(ComponentInstance component) {
        return (instance, function, args) -> {
            Optional<ComponentFunc> f = instance.isEmpty() ? component.getFunc(function)
                    : component.getFunc(instance, function);
            List<ComponentValue> results = f.orElseThrow(() -> new ComponentException("the component exports no "
                    + (instance.isEmpty() ? "function " + function : "function " + function + " in " + instance)))
                    .call(args);
            return results.isEmpty() ? Optional.empty() : Optional.of(results.getFirst());
        };
    }
}
