package dev.basalt.component;

import dev.basalt.Store;
import dev.basalt.component.internal.runtime.InstantiationPlan;
import dev.basalt.component.internal.runtime.Instantiator;
import java.util.Map;

/**
 * A component with its imports resolved and type-checked against a {@link ComponentLinker}, and its instantiation
 * planned once ({@link InstantiationPlan}: value and function types, canonical options, lifted and lowered core
 * types, nested components, all worked out by {@code instantiatePre}). Instantiating it only does the per-instance
 * work: binding host functions to the store, core instances (memories, tables, globals; start functions), resource
 * types and handle tables, lifted and lowered functions. Reusable, any number of times, in stores of the
 * component's engine.
 */
public final class ComponentInstancePre<T> {
    private final Component component;
    private final Map<String, Object> imports;
    private final InstantiationPlan plan;

    ComponentInstancePre(Component component, Map<String, Object> imports, InstantiationPlan plan) {
        this.component = component;
        this.imports = imports;
        this.plan = plan;
    }

    public Component component() {
        return component;
    }

    /**
     * Instantiates the component in {@code store}.
     *
     * @throws ComponentException if instantiation fails (a core import of the wrong kind, an unsupported feature)
     * @throws dev.basalt.Trap if a core start function or segment initialisation traps
     */
    public ComponentInstance instantiate(Store<T> store) {
        if (store.engine() != component.engine()) {
            throw new ComponentException("the store belongs to a different engine than the component");
        }
        Instantiator instantiator = new Instantiator(store);
        Instantiator.InstanceValue value = instantiator.instantiate(plan, name -> {
            Object d = imports.get(name);
            return d == null ? null : ComponentLinker.bindDefinition(d, store, name);
        }, "root");
        return new ComponentInstance(value, store);
    }
}
