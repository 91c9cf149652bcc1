package dev.basalt;

import dev.basalt.internal.runtime.GlobalInstance;
import dev.basalt.wasm.GlobalType;

/** A global variable of some instance, or created by the host with {@link #create}. */
public final class Global implements Extern {
    final GlobalInstance global;
    final Store<?> store;

    Global(GlobalInstance global, Store<?> store) {
        this.global = global;
        this.store = store;
    }

    /** A new host global of an abstract (non-concrete) type with an initial value. */
    public static Global create(Store<?> store, GlobalType type, Val value) {
        GlobalInstance g = new GlobalInstance(type);
        Values.toGlobal(g, value);
        return new Global(g, store);
    }

    public GlobalType type() {
        return global.type;
    }

    public Val get() {
        return Values.fromGlobal(global, store);
    }

    public void set(Val value) {
        if (!global.type.mutable()) {
            throw new IllegalStateException("global is immutable");
        }
        Values.toGlobal(global, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Global g && g.global == global;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(global);
    }
}
