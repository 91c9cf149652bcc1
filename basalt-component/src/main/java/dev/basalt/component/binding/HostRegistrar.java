package dev.basalt.component.binding;

import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceType;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Where generated import bindings define their host functions and resource types, e.g. a component linker. */
public interface HostRegistrar {
    /** A host function with dynamic values: the arguments in order, the result if the function has one. */
    @FunctionalInterface
    interface HostFunction {
        Optional<ComponentValue> call(List<ComponentValue> args);
    }

    /**
     * A host function of an {@code async} type with dynamic values: the arguments in order, completing later with
     * the result if the function has one (see {@link dev.basalt.component.ComponentAsyncHostFunction}).
     */
    @FunctionalInterface
    interface AsyncHostFunction {
        CompletionStage<Optional<ComponentValue>> call(List<ComponentValue> args);
    }

    /**
     * Defines {@code function} of type {@code type} in the imported interface {@code instance} (full name, or the
     * empty string for a function the world imports directly).
     */
    void define(String instance, String function, ComponentFuncType type, HostFunction implementation);

    /**
     * Defines {@code function} of the {@code async} type {@code type} ({@code type.async()}), whose result comes
     * later, in {@code instance}. A registrar that cannot define such functions refuses with a
     * {@link dev.basalt.component.ComponentException}.
     */
    default void defineAsync(String instance, String function, ComponentFuncType type,
            AsyncHostFunction implementation) {
        throw new dev.basalt.component.ComponentException("this registrar cannot define the async function "
                + function + (instance.isEmpty() ? "" : " of " + instance));
    }

    /**
     * A host function that is told which guest's store called it: the arguments in order, the result if the function
     * has one. Generated {@code registerPerStore} bindings use it to pick the implementation for the calling guest.
     */
    @FunctionalInterface
    interface StoreHostFunction {
        Optional<ComponentValue> call(dev.basalt.Store<?> store, List<ComponentValue> args);
    }

    /** As {@link StoreHostFunction} for an {@code async} function (see {@link AsyncHostFunction}). */
    @FunctionalInterface
    interface StoreAsyncHostFunction {
        CompletionStage<Optional<ComponentValue>> call(dev.basalt.Store<?> store, List<ComponentValue> args);
    }

    /**
     * Defines {@code function} as {@link #define} does, its implementation getting the calling guest's store. A
     * registrar that does not know the caller's store refuses with a {@link dev.basalt.component.ComponentException}.
     */
    default void defineWithStore(String instance, String function, ComponentFuncType type,
            StoreHostFunction implementation) {
        throw new dev.basalt.component.ComponentException("this registrar cannot tell the function " + function
                + (instance.isEmpty() ? "" : " of " + instance) + " which store called it");
    }

    /** As {@link #defineWithStore} for an {@code async} function (see {@link #defineAsync}). */
    default void defineAsyncWithStore(String instance, String function, ComponentFuncType type,
            StoreAsyncHostFunction implementation) {
        throw new dev.basalt.component.ComponentException("this registrar cannot tell the async function " + function
                + (instance.isEmpty() ? "" : " of " + instance) + " which store called it");
    }

    /** Defines the host resource type {@code name} in {@code instance} (empty: the world's own imports). */
    void defineResource(String instance, String name, ResourceType type);

    /**
     * Defines into {@code linker}: interfaces become linker instances, world-level imports go to its root. The
     * {@code ...WithStore} forms get the calling guest's store as an argument; while any implementation runs,
     * {@link Bindings#hostCallStore()} is that store too.
     */
    static <T> HostRegistrar of(ComponentLinker<T> linker) {
        return new HostRegistrar() {
            @Override
            public void define(String instance, String function, ComponentFuncType type, HostFunction implementation) {
                ComponentLinker.LinkerInstance<T> target = instance.isEmpty() ? linker.root() : linker.instance(instance);
                target.defineFunction(function, type, (store, args) -> Bindings.inHostCall(store,
                        () -> implementation.call(args)).map(List::of).orElse(List.of()));
            }

            @Override
            public void defineAsync(String instance, String function, ComponentFuncType type,
                    AsyncHostFunction implementation) {
                ComponentLinker.LinkerInstance<T> target = instance.isEmpty() ? linker.root() : linker.instance(instance);
                target.defineAsyncFunction(function, type, (store, args) -> Bindings.inHostCall(store,
                        () -> implementation.call(args)).thenApply(r -> r.map(List::of).orElse(List.of())));
            }

            @Override
            public void defineWithStore(String instance, String function, ComponentFuncType type,
                    StoreHostFunction implementation) {
                ComponentLinker.LinkerInstance<T> target = instance.isEmpty() ? linker.root() : linker.instance(instance);
                target.defineFunction(function, type, (store, args) -> Bindings.inHostCall(store,
                        () -> implementation.call(store, args)).map(List::of).orElse(List.of()));
            }

            @Override
            public void defineAsyncWithStore(String instance, String function, ComponentFuncType type,
                    StoreAsyncHostFunction implementation) {
                ComponentLinker.LinkerInstance<T> target = instance.isEmpty() ? linker.root() : linker.instance(instance);
                target.defineAsyncFunction(function, type, (store, args) -> Bindings.inHostCall(store,
                        () -> implementation.call(store, args)).thenApply(r -> r.map(List::of).orElse(List.of())));
            }

            @Override
            public void defineResource(String instance, String name, ResourceType type) {
                ComponentLinker.LinkerInstance<T> target = instance.isEmpty() ? linker.root() : linker.instance(instance);
                target.defineResource(name, type);
            }
        };
    }
}
