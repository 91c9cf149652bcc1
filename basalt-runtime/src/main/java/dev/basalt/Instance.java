package dev.basalt;

import dev.basalt.internal.runtime.ModuleInstance;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** An instantiated module in a {@link Store}: access to its exports by name. */
public final class Instance {
    final ModuleInstance instance;
    final Store<?> store;
    private final Module module;

    Instance(ModuleInstance instance, Store<?> store, Module module) {
        this.instance = instance;
        this.store = store;
        this.module = module;
    }

    public Module module() {
        return module;
    }

    public Store<?> store() {
        return store;
    }

    public Optional<Extern> getExport(String name) {
        Object e = instance.exports.get(name);
        return e == null ? Optional.empty() : Optional.of(Values.extern(e, store));
    }

    /** The exports map, made on the first {@link #exports()} (an instance's exports never change). */
    private Map<String, Extern> exports;

    /** All exports in declaration order (unmodifiable; the same map on every call). */
    public Map<String, Extern> exports() {
        Map<String, Extern> out = exports;
        if (out == null) {
            Map<String, Extern> made = new LinkedHashMap<>();
            instance.exports.forEach((k, v) -> made.put(k, Values.extern(v, store)));
            out = java.util.Collections.unmodifiableMap(made);
            exports = out;
        }
        return out;
    }

    public Optional<Func> getFunc(String name) {
        return getExport(name).filter(e -> e instanceof Func).map(e -> (Func) e);
    }

    public Optional<Memory> getMemory(String name) {
        return getExport(name).filter(e -> e instanceof Memory).map(e -> (Memory) e);
    }

    public Optional<Table> getTable(String name) {
        return getExport(name).filter(e -> e instanceof Table).map(e -> (Table) e);
    }

    public Optional<Global> getGlobal(String name) {
        return getExport(name).filter(e -> e instanceof Global).map(e -> (Global) e);
    }

    public Optional<Tag> getTag(String name) {
        return getExport(name).filter(e -> e instanceof Tag).map(e -> (Tag) e);
    }
}
