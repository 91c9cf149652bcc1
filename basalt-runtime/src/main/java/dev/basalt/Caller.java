package dev.basalt;

import dev.basalt.internal.runtime.ModuleInstance;
import java.util.Optional;

/** What a host function sees of its caller: the store, its data, and the calling instance's exports. */
public final class Caller<T> {
    private final Store<T> store;
    private final ModuleInstance instance;

    Caller(Store<T> store, ModuleInstance instance) {
        this.store = store;
        this.instance = instance;
    }

    public Store<T> store() {
        return store;
    }

    public T data() {
        return store.data();
    }

    /** An export of the calling instance (empty when called from the host or the export does not exist). */
    public Optional<Extern> getExport(String name) {
        if (instance == null) {
            return Optional.empty();
        }
        Object e = instance.exports.get(name);
        return e == null ? Optional.empty() : Optional.of(Values.extern(e, store));
    }

    public Optional<Memory> getMemory(String name) {
        return getExport(name).filter(e -> e instanceof Memory).map(e -> (Memory) e);
    }
}
