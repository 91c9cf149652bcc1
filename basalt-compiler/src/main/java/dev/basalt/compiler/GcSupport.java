package dev.basalt.compiler;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.runtime.I31Ref;

/**
 * Run-time helpers for GC instructions in generated code that the interpreter performs inline (see
 * {@link GcCodegen}; everything else calls the interpreter's {@code Gc} and {@code Casts}). Public because
 * generated classes live in their own class loader; not API.
 */
public final class GcSupport {
    private GcSupport() {
    }

    /** {@code i31.get_s}: traps on null, as the interpreter does. */
    public static int i31GetS(Object ref) {
        return i31(ref).signed();
    }

    /** {@code i31.get_u}: traps on null, as the interpreter does. */
    public static int i31GetU(Object ref) {
        return i31(ref).value();
    }

    private static I31Ref i31(Object ref) {
        if (ref == null) {
            throw new Trap(TrapKind.NULL_I31_REFERENCE);
        }
        return (I31Ref) ref;
    }

    /** The trap of a failed {@code ref.cast}. */
    public static Trap castFailure() {
        return new Trap(TrapKind.CAST_FAILURE);
    }
}
