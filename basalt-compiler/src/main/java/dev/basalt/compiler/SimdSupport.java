package dev.basalt.compiler;

import dev.basalt.internal.runtime.ExnObject;
import dev.basalt.internal.runtime.GlobalInstance;
import dev.basalt.internal.runtime.StoreState;
import dev.basalt.wasm.V128;

/**
 * Run-time helpers for v128 values where the runtime keeps them as two longs (the store's value stack: low half in
 * {@code stack}, high half in {@code his}; globals: {@code value} and {@code hi}; exception payloads:
 * {@code values} and {@code his}) and generated code as a {@link V128} object. Public because generated classes live in their own class loader; not API.
 */
public final class SimdSupport {
    private SimdSupport() {
    }

    /** The v128 in slot {@code index} of the store's value stack. */
    public static V128 load(StoreState m, int index) {
        return new V128(m.stack[index], m.his[index]);
    }

    /** Writes {@code v} into slot {@code index} of the store's value stack. */
    public static void store(V128 v, StoreState m, int index) {
        m.stack[index] = v.lo();
        m.his[index] = v.hi();
    }

    /** {@code global.get} of a v128 global. */
    public static V128 get(GlobalInstance g) {
        return new V128(g.value, g.hi);
    }

    /** {@code global.set} of a v128 global. */
    public static void set(V128 v, GlobalInstance g) {
        g.value = v.lo();
        g.hi = v.hi();
    }

    /** Payload value {@code index} of an exception. */
    public static V128 load(ExnObject exn, int index) {
        return new V128(exn.values[index], exn.his[index]);
    }

    /** Sets payload value {@code index} of a new exception. */
    public static void store(ExnObject exn, V128 v, int index) {
        exn.values[index] = v.lo();
        exn.his[index] = v.hi();
    }
}
