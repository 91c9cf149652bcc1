package dev.basalt.compiler;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.interpreter.Interpreter;
import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.runtime.CodeOffsets;
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

    /**
     * Charges {@code fuel} and raises a pending interrupt: the interpreter's function-entry and loop-header check.
     * While no store of the JVM has ever had fuel on and none has an interrupt pending
     * ({@link StoreState#checkpointsArmed}, a JIT constant) it compiles to nothing: counting fuel nobody meters
     * was a read-modify-write of {@code m.fuel} per loop iteration. Fuel is counted only once some store has metered
     * it ({@link StoreState#fuelMetered}), and the store's interrupt flag is read only while some store has an
     * interrupt pending ({@link StoreState#anyInterruptPending}, also a JIT constant), and then as a plain field
     * ({@link StoreState#interruptRequestedPlain}): a volatile read would be a memory barrier in every loop, keeping
     * HotSpot from hoisting loads (memory fields, globals) out of it, so one store's pending interrupt slowed the
     * loops of every store in the JVM 1.6-1.9x. A plain read that HotSpot hoists still sees a new interrupt because
     * each request deoptimises the code that folded the flag.
     *
     * <p>One method of more than 35 bytes of bytecode on purpose: C1 does not inline it (its inline limit is 35
     * bytes) but calls it, by then compiled by C2 where both flags fold; C2 inlines it at every hot site (up to 325
     * bytes) and folds it to nothing. Inlined into C1's code, the flag's method-handle invocation is not folded and
     * ran at every loop header of every function until C2 replaced it: a fresh JVM's first call of deflate spent
     * about a third of its time there. Keep it above 35 bytes (CompilerTest checks).
     */
    public static void charge(StoreState m, int fuel) {
        if (StoreState.checkpointsArmed()) {
            if (StoreState.fuelMetered()) {
                if ((m.fuel -= fuel) < 0 || StoreState.anyInterruptPending() && m.interruptRequestedPlain()) {
                    m.poll();
                }
            } else if (m.interruptRequestedPlain()) { // armed without fuel: some store has an interrupt pending
                m.poll();
            }
        }
    }

    /**
     * Charges a checked stretch's fuel before it runs (see {@code FunctionCompiler.stretch}): {@code trips}
     * iterations of {@code fuelPerTrip} each, from its variable's value {@code x} by {@code stride}. Returns the value
     * the variable leaves the loop with, {@code x + trips * stride} (it does not wrap) as an unsigned int, for
     * {@link #refund}; or -1 when the fuel left does not cover all the iterations (then the loop as written runs,
     * charging per iteration, and traps at the iteration the interpreter stops at). While no store of the JVM ever
     * metered fuel ({@link StoreState#fuelMetered}) nothing is charged. The stretch's loop headers only poll interruption.
     */
    public static long prepay(ModuleInstance inst, int x, long trips, int stride, int fuelPerTrip) {
        if (StoreState.fuelMetered()) {
            StoreState m = inst.store;
            long cost = trips * fuelPerTrip;
            if (m.fuel < cost) {
                return -1;
            }
            m.fuel -= cost;
        }
        return (x + trips * stride) & 0xFFFF_FFFFL;
    }

    /**
     * A throwable left a checked stretch whose fuel {@link #prepay} charged: gives back the fuel of the iterations
     * that had not started, so the fuel left is what charging at every loop header gives. The stretch's variable,
     * written only at the end of an iteration, is {@code x} now and leaves the loop as {@code exit}, stepping by
     * {@code stride} without wrapping: {@code |exit - x| / |stride|} iterations were left, the running one (whose
     * header charged) among them. Only for a store that meters fuel: one that does not was charged only if some
     * other store turned fuel on, and its fuel is not observable (nor must it overflow). Returns
     * {@code thrown}, to rethrow.
     */
    public static Throwable refund(Throwable thrown, ModuleInstance inst, int x, long exit, int stride,
                                   int fuelPerTrip) {
        StoreState m = inst.store;
        if (m.fuelEnabled) {
            int end = (int) exit;
            long left = stride > 0 ? Integer.toUnsignedLong(end - x) : Integer.toUnsignedLong(x - end);
            m.fuel += (left / Math.abs((long) stride) - 1) * fuelPerTrip;
        }
        return thrown;
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

    /**
     * The call depth room of a compiled function the runtime calls (see {@code FunctionCompiler.roomSlot}): the
     * runtime counts frames in {@code m.depth} (the interpreter's, and those of the calls it is in), the callee is one
     * deeper, and may enter frames down to {@code maxDepth}.
     */
    public static int room(StoreState m) {
        return m.maxDepth - m.depth - 1;
    }

    /** A compiled function was called with no room left: the depth limit's trap. */
    public static Trap callStackExhausted() {
        return new Trap(TrapKind.CALL_STACK_EXHAUSTED);
    }

    /**
     * Calls function {@code index} of {@code inst} (an import) with its arguments at {@code base}; {@code room} is
     * the callee's call depth room.
     */
    public static void callFunction(StoreState m, ModuleInstance inst, int index, int base, int room) {
        invokeAtRoom(m, inst, inst.func(index), base, room);
    }

    /**
     * {@code call_indirect}'s callee: the interpreter's type-checked table lookup (same traps), with the index first
     * as the generated code has it on the stack.
     */
    public static FunctionInstance tableEntry(long rawIndex, ModuleInstance inst, int typeIndex, int tableIndex) {
        return Interpreter.indirect(inst, typeIndex, tableIndex, rawIndex);
    }

    /**
     * Calls {@code f} through the runtime with its arguments at {@code base} (see {@link IndirectCalls}); {@code room}
     * is the callee's call depth room.
     */
    public static void callInstance(StoreState m, ModuleInstance caller, FunctionInstance f, int base, int room) {
        invokeAtRoom(m, caller, f, base, room);
    }

    /**
     * A call from compiled code through the runtime: compiled frames are not counted in {@code m.depth}, so it is set
     * to the caller's depth for the runtime (the interpreter counts from there; a compiled callee gets {@code room}
     * back through {@link #room}), and put back after the call. A trap or exception leaves it set: the embedder's
     * call and compiled exception handlers restore the depth they recorded.
     */
    private static void invokeAtRoom(StoreState m, ModuleInstance caller, FunctionInstance f, int base, int room) {
        int depth = m.depth;
        m.depth = m.maxDepth - room - 1;
        invoke(m, caller, f, base);
        m.depth = depth;
    }

    public static Trap nullReference() {
        return new Trap(TrapKind.NULL_REFERENCE);
    }

    /**
     * Moves {@code n} results that a function with several results left at the store's {@code top} down to
     * {@code base} (the runtime's convention); {@code base <= top}, so a forward copy is safe.
     */
    public static void moveResults(StoreState m, int base, int n) {
        int from = m.top;
        if (from != base) {
            System.arraycopy(m.stack, from, m.stack, base, n);
            System.arraycopy(m.his, from, m.his, base, n);
            System.arraycopy(m.refs, from, m.refs, base, n);
        }
    }

    /**
     * Runs a chain of tail calls that left the method of {@code caller}'s function: {@code next} and its
     * arguments at {@code m.top}, then whatever it tail-calls in turn, each on this JVM frame, until a function
     * returns; its results are then at {@code m.top}. Compiled functions run as one step each
     * ({@link CompiledFunction#invokeTail}); others are called through the runtime (the interpreter runs its own
     * tail calls in place).
     */
    public static void trampoline(FunctionInstance next, ModuleInstance caller, int room) {
        StoreState m = caller.store;
        int base = m.top;
        // Each function of the chain replaces the caller's frame: it runs with the caller's room.
        int depth = m.depth;
        m.depth = m.maxDepth - room - 1;
        do {
            if (next.host instanceof CompiledFunction.Bound compiled) {
                caller = compiled.inst(); // the instance of whatever it tail-calls in turn
                next = compiled.invokeTail(m, base);
            } else if (next.code instanceof CodeOffsets interpreted
                    && interpreted.tiered() instanceof CompiledFunction tiered) {
                // AUTO: a function the interpreter would dispatch to its compiled code anyway.
                caller = next.instance;
                next = tiered.invokeTail(m, caller, base);
            } else {
                // A host function sees the function that tail-called it as its caller.
                invoke(m, caller, next, base);
                next = null;
            }
        } while (next != null);
        m.depth = depth;
    }


    /** {@code call_ref} and {@code return_call_ref}: the callee, or the null trap. */
    public static FunctionInstance refCallee(Object ref) {
        if (ref == null) {
            throw new Trap(TrapKind.NULL_FUNCTION_REFERENCE);
        }
        return (FunctionInstance) ref;
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

    /**
     * Bootstrap of the dynamic constants that hold a split function's large {@code br_table}s (label positions,
     * see {@link MethodSplitter}): each value one char, or {@code 0xFFFF} followed by its high and low halves.
     */
    public static int[] intTable(java.lang.invoke.MethodHandles.Lookup lookup, String name, Class<?> type,
                                 String... chunks) {
        String s = String.join("", chunks);
        int[] out = new int[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out[n++] = c != 0xFFFF ? c : (s.charAt(++i) << 16) | s.charAt(++i);
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** The entry of {@code br_table} index {@code index}: the last entry (the default) when out of range. */
    public static int brTableTarget(int index, int[] table) {
        int last = table.length - 1;
        return table[Integer.compareUnsigned(index, last) < 0 ? index : last];
    }
}
