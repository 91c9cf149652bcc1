package dev.basalt;

/**
 * A module with its imports resolved and type-checked against a {@link Linker}: instantiating it only creates the
 * instance's own state. Reusable and thread-safe.
 */
public final class InstancePre<T> {
    private final Module module;
    private final Object[] imports;

    InstancePre(Linker<T> linker, Module module) {
        this.module = module;
        this.imports = Instantiator.resolve(linker, module);
    }

    public Module module() {
        return module;
    }

    /**
     * Creates an instance in {@code store}: allocates memories, tables and globals, initialises segments and runs
     * the start function.
     *
     * @throws Trap if a segment is out of bounds or the start function traps
     * @throws UnlinkableException if a store limit forbids the instance
     */
    public Instance instantiate(Store<T> store) {
        return Instantiator.instantiate(store, module, imports.clone());
    }
}
