package dev.basalt.component.internal.runtime;

import dev.basalt.Func;
import dev.basalt.Store;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ValueType;

/**
 * Error contexts (CanonicalABI.md 📝): {@code lift_error_context} / {@code lower_error_context} and the
 * {@code error-context.new}, {@code error-context.debug-message} and {@code error-context.drop} built-ins. An error
 * context is a {@link ComponentValue.ErrorContext} held directly in a component instance's handle table; lifting
 * one leaves the handle in place (error contexts are copied, not moved), lowering one adds a new handle. The debug
 * message is kept as the guest wrote it (the spec allows a host to discard it; wasmtime keeps it too), so a guest
 * reading it back and the host both see the original text.
 */
final class ErrorContexts {
    private ErrorContexts() {
    }

    /** {@code lift_error_context}: the error context at handle {@code i} (it stays in the table). */
    static ComponentValue.ErrorContext lift(AbiContext cx, long i) {
        return at(cx.inst, i);
    }

    /** {@code lower_error_context}: a new handle to {@code v} in the lowering instance's table. */
    static long lower(AbiContext cx, ComponentValue v, ValueType t) {
        return Integer.toUnsignedLong(cx.inst.handles.add(CanonicalAbi.expect(v, ComponentValue.ErrorContext.class, t)));
    }

    private static ComponentValue.ErrorContext at(RuntimeInstance inst, long i) {
        if (inst.handles.getAny((int) i) instanceof ComponentValue.ErrorContext e) {
            return e;
        }
        throw Traps.trap("handle index " + Integer.toUnsignedString((int) i) + " is not an error context");
    }

    /**
     * {@code canon error-context.new $opts}: {@code (ptr, tagged_code_units) -> i32}, the message lifted as a string
     * in the options' encoding from the options' memory.
     */
    static Func create(Store<?> store, RuntimeInstance inst, AbiOptions opts) {
        return Builtins.fn(store, Builtins.I32_I32, Builtins.I32, "error-context.new", a -> {
            Builtins.checkMayLeave(inst);
            AbiContext cx = new AbiContext(opts, inst, null, null, false);
            String message = ((ComponentValue.Str) CanonicalAbi.loadStringFromRange(cx, a[0], a[1])).value();
            return Builtins.one(inst.handles.add(new ComponentValue.ErrorContext(message)));
        });
    }

    /**
     * {@code canon error-context.debug-message $opts}: {@code (i32 handle, ptr)}, stores the message as a string
     * (allocated with the options' realloc) and writes its pointer and length at {@code ptr}.
     */
    static Func debugMessage(Store<?> store, RuntimeInstance inst, AbiOptions opts) {
        return Builtins.fn(store, Builtins.I32_I32, Builtins.NONE, "error-context.debug-message", a -> {
            Builtins.checkMayLeave(inst);
            ComponentValue.ErrorContext e = at(inst, a[0]);
            AbiContext cx = new AbiContext(opts, inst, null, null, false);
            long[] stored = CanonicalAbi.storeStringIntoRange(cx, new ComponentValue.Str(e.debugMessage()));
            long ptr = a[1] & 0xffff_ffffL;
            cx.storeInt(ptr, stored[0], 4);
            cx.storeInt(ptr + 4, stored[1], 4);
            return Builtins.VOID;
        });
    }

    /** {@code canon error-context.drop}: removes the handle (other handles to the same error context stay). */
    static Func drop(Store<?> store, RuntimeInstance inst) {
        return Builtins.fn(store, Builtins.I32, Builtins.NONE, "error-context.drop", a -> {
            Builtins.checkMayLeave(inst);
            at(inst, a[0]);
            inst.handles.removeAny((int) a[0]);
            return Builtins.VOID;
        });
    }
}
