package dev.basalt.component.internal.runtime;

import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.HostFunction;
import dev.basalt.Store;

/**
 * A core function whose core type the runtime does not compute itself (the async and thread built-ins, async
 * lowerings): it takes the type of the core import it is given to, when a core module is instantiated with it.
 */
record LateFunc(String name, HostFunction<Object> body) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Func bind(Store<?> store, FuncType type) {
        return Func.create((Store) store, type, name, (HostFunction) body);
    }
}
