package dev.basalt.internal.runtime;

import dev.basalt.wasm.GlobalType;

/**
 * A global's cell. Numbers live in {@link #value} (i32/f32 as the low 32 bits, f64 as raw bits), v128 in
 * {@link #value} (low half) and {@link #hi}, references in {@link #ref}: the same split as the interpreter's stack.
 */
public final class GlobalInstance {
    /** Types of the defining module, to interpret concrete heap types in {@link #type}; null for host objects. */
    public DefinedType[] ownerTypes;
    public final GlobalType type;
    public long value;
    public long hi;
    public Object ref;

    public GlobalInstance(GlobalType type) {
        this.type = type;
    }
}
