package dev.basalt.component;

import dev.basalt.Store;
import dev.basalt.component.internal.runtime.InstantiationPlan;
import dev.basalt.component.internal.runtime.Instantiator;
import java.util.Map;

/**
 * A component with its imports resolved against a {@link ComponentLinker}: instantiating it binds the definitions
 * to the store and runs the component's instantiation (core instances, start functions). Reusable.
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
