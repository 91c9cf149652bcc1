package dev.basalt.compiler;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.interpreter.Interpreter;
import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.StoreState;

/**
 * Run-time helpers that generated code calls: fuel and interruption checks, calls that leave the generated class
 * (imports, {@code call_indirect}) and traps. Public because generated classes live in their own class loader;
 * not API. Each method is small so that HotSpot inlines it into the generated code.
 */
public final class Support {
    private Support() {
    }

    /** Charges {@code fuel} and raises a pending interrupt: the interpreter's function-entry and loop-header check. */
    public static void charge(StoreState m, int fuel) {
        if ((m.fuel -= fuel) < 0 | m.interrupt != 0) {
            m.poll();
        }
    }

    public static Trap unreachable() {
        return new Trap(TrapKind.UNREACHABLE);
    }

    /** {@code memory.grow}, as the interpreter does it: the delta is unsigned for 32-bit memories. */
    public static long memoryGrow(StoreState m, LinearMemory mem, long delta) {
        return mem.grow(mem.is64() ? delta : delta & 0xFFFF_FFFFL, m.maxMemoryBytes);
    }

    /** Reserves room for a call's arguments and results on the store's value stack; returns their base. */
    public static int reserve(StoreState m, int slots) {
        int base = m.top;
        m.ensureStack(base + slots + 1);
        return base;
    }

    /** Calls function {@code index} of {@code inst} (an import) with its arguments at {@code base}. */
    public static void callFunction(StoreState m, ModuleInstance inst, int index, int base) {
        invoke(m, inst, inst.funcs[index], base);
    }

    /** {@code call_indirect}: the interpreter's type-checked table lookup, then the call. */
    public static void callIndirect(StoreState m, ModuleInstance inst, int typeIndex, int tableIndex, long rawIndex,
                                    int base) {
        invoke(m, inst, Interpreter.indirect(inst, typeIndex, tableIndex, rawIndex), base);
    }

    private static void invoke(StoreState m, ModuleInstance caller, FunctionInstance f, int base) {
        m.top = base + f.type.paramCount;
        try {
            if (f.code == null) {
                f.host.invoke(m, caller, base);
            } else {
                Interpreter.invoke(m, f, base);
            }
        } finally {
            m.top = base;
        }
    }
}
