package dev.basalt.component.binding;

import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceType;
import java.util.List;
import java.util.Optional;

/** Where generated import bindings define their host functions and resource types, e.g. a component linker. */
public interface HostRegistrar {
    /** A host function with dynamic values: the arguments in order, the result if the function has one. */
    @FunctionalInterface
    interface HostFunction {
        Optional<ComponentValue> call(List<ComponentValue> args);
    }

    /**
     * Defines {@code function} of type {@code type} in the imported interface {@code instance} (full name, or the
     * empty string for a function the world imports directly).
     */
    void define(String instance, String function, ComponentFuncType type, HostFunction implementation);

    /** Defines the host resource type {@code name} in {@code instance} (empty: the world's own imports). */
    void defineResource(String instance, String name, ResourceType type);

    /** Defines into {@code linker}: interfaces become linker instances, world-level imports go to its root. */
    static <T> HostRegistrar of(ComponentLinker<T> linker) {
        return new HostRegistrar() {
            @Override
            public void define(String instance, String function, ComponentFuncType type, HostFunction implementation) {
                ComponentLinker.LinkerInstance<T> target = instance.isEmpty() ? linker.root() : linker.instance(instance);
                target.defineFunction(function, type, (store, args) -> implementation.call(args)
                        .map(List::of).orElse(List.of()));
            }

            @Override
            public void defineResource(String instance, String name, ResourceType type) {
                ComponentLinker.LinkerInstance<T> target = instance.isEmpty() ? linker.root() : linker.instance(instance);
                target.defineResource(name, type);
            }
        };
    }
}
