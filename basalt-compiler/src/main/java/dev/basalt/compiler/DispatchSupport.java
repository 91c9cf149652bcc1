package dev.basalt.compiler;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.TableInstance;

/**
 * Run-time helpers of typed indirect calls (see {@link IndirectCalls}): {@code call_indirect}'s table lookup split
 * from its signature check. The lookup (bounds, then null) runs at the call site; the signature check runs only on a
 * dispatcher's slow path, because a callee the dispatcher calls directly is a function of the caller's own instance
 * whose type the compiler already matched against the call's. Together they raise the interpreter's traps in the
 * interpreter's order ({@code Interpreter.indirect}): undefined element, uninitialized element, type mismatch.
 * Public because generated classes live in their own class loader; not API.
 */
public final class DispatchSupport {
    private DispatchSupport() {
    }

    /** The function at {@code index} (unsigned) of a 32-bit table; traps as {@code call_indirect} does. */
    public static FunctionInstance element(int index, TableInstance table) {
        if (Integer.compareUnsigned(index, table.size) >= 0) {
            throw new Trap(TrapKind.UNDEFINED_ELEMENT);
        }
        Object element = table.elements[index];
        return element != null ? (FunctionInstance) element : lazyOrTrap(table, index);
    }

    /** The function at {@code index} (unsigned) of a 64-bit table; traps as {@code call_indirect} does. */
    public static FunctionInstance element64(long index, TableInstance table) {
        if (Long.compareUnsigned(index, table.size) >= 0) {
            throw new Trap(TrapKind.UNDEFINED_ELEMENT);
        }
        Object element = table.elements[(int) index];
        return element != null ? (FunctionInstance) element : lazyOrTrap(table, (int) index);
    }

    /**
     * The slow path of a null entry: a function the table makes on first use ({@link TableInstance#elementOrLazy}),
     * else the uninitialized-element trap. Kept out of {@link #element} so the call site's inlined lookup stays small.
     */
    private static FunctionInstance lazyOrTrap(TableInstance table, int index) {
        Object element = table.elementOrLazy(index);
        if (element == null) {
            throw new Trap(TrapKind.UNINITIALIZED_ELEMENT);
        }
        return (FunctionInstance) element;
    }

    /**
     * The signature check of {@code call_indirect} (type {@code typeIndex} of {@code inst}), for callees that a
     * dispatcher does not call directly: the interpreter's check, subtyping included.
     */
    public static void checkSignature(FunctionInstance f, ModuleInstance inst, int typeIndex) {
        DefinedType expected = inst.types[typeIndex];
        if (f.type != expected && !f.type.isSubtypeOf(expected)) {
            throw new Trap(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
        }
    }
}
