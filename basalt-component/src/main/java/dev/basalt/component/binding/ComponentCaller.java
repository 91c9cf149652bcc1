package dev.basalt.component.binding;

import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentFunc;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentValue;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

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

    /**
     * Starts a call without waiting for it (an {@code async func} export may return later): the future completes
     * with the result once the component returned it, as the store's event loop runs
     * ({@link dev.basalt.component.ComponentEventLoop}). This default has no way to start a call and so makes it
     * to the end first ({@link #call}); {@link #of} starts it ({@link ComponentFunc#callAsync}).
     */
    default CompletableFuture<Optional<ComponentValue>> callAsync(String instance, String function,
            List<ComponentValue> args) {
        return CompletableFuture.completedFuture(call(instance, function, args));
    }

    /** Calls the exports of {@code component}; a missing export is a {@link ComponentException} naming it. */
    static ComponentCaller of(ComponentInstance component) {
        return new ComponentCaller() {
            @Override
            public Optional<ComponentValue> call(String instance, String function, List<ComponentValue> args) {
                return first(func(instance, function).call(args));
            }

            @Override
            public CompletableFuture<Optional<ComponentValue>> callAsync(String instance, String function,
                    List<ComponentValue> args) {
                return func(instance, function).callAsync(args).result().thenApply(ComponentCaller::first);
            }

            private ComponentFunc func(String instance, String function) {
                Optional<ComponentFunc> f = instance.isEmpty() ? component.getFunc(function)
                        : component.getFunc(instance, function);
                return f.orElseThrow(() -> new ComponentException("the component exports no "
                        + (instance.isEmpty() ? "function " + function : "function " + function + " in " + instance)));
            }
        };
    }

    private static Optional<ComponentValue> first(List<ComponentValue> results) {
        return results.isEmpty() ? Optional.empty() : Optional.of(results.getFirst());
    }
}
