package dev.basalt.component;

import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.component.internal.runtime.FuncInst;
import dev.basalt.component.internal.runtime.Instantiator;
import java.util.List;
import java.util.Optional;

/**
 * An instance of a {@link Component} (or an instance exported by one): its exports by name — functions, nested
 * instances (interfaces such as {@code "ns:pkg/iface@1.0.0"}), resource types, components and core modules.
 * It can be given to a {@link ComponentLinker} to satisfy another component's imports (composition).
 */
public final class ComponentInstance {
    private final Instantiator.InstanceValue value;
    private final Store<?> store;

    ComponentInstance(Instantiator.InstanceValue value, Store<?> store) {
        this.value = value;
        this.store = store;
    }

    public Store<?> store() {
        return store;
    }

    /** Export names in order. */
    public List<String> exportNames() {
        return List.copyOf(value.exports().keySet());
    }

    /** The exported function {@code name}. */
    public Optional<ComponentFunc> getFunc(String name) {
        return value.exports().get(name) instanceof FuncInst f ? Optional.of(new ComponentFunc(f, store, name))
                : Optional.empty();
    }

    /** The function {@code name} of the exported instance {@code instance} (e.g. an interface). */
    public Optional<ComponentFunc> getFunc(String instance, String name) {
        return getInstance(instance).flatMap(i -> i.getFunc(name));
    }

    /** The exported instance {@code name}. */
    public Optional<ComponentInstance> getInstance(String name) {
        return value.exports().get(name) instanceof Instantiator.InstanceValue i
                ? Optional.of(new ComponentInstance(i, store)) : Optional.empty();
    }

    /** The exported resource type {@code name}. */
    public Optional<ResourceType> getResourceType(String name) {
        return value.exports().get(name) instanceof ResourceType t ? Optional.of(t) : Optional.empty();
    }

    /** The exported core module {@code name}. */
    public Optional<Module> getModule(String name) {
        return value.exports().get(name) instanceof Module m ? Optional.of(m) : Optional.empty();
    }

    Instantiator.InstanceValue value() {
        return value;
    }
}
