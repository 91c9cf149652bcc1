package dev.basalt.compiler;

import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.StoreState;

/**
 * Implemented by each generated module class: the bridge from the runtime's calling convention (arguments and
 * results on the store's value stack at {@code base}) to the generated static method of a function.
 */
public interface Invoker {
    /**
     * Runs member {@code member} of the class: for a whole module's class the defined function of that number
     * (0 = the first function the module defines), for a tiering batch the batch's {@code member}-th function.
     */
    void invoke(int member, StoreState m, ModuleInstance inst, int base);

    /**
     * One step of the tail-call trampoline ({@code Support.trampoline}): runs member {@code member} with its
     * arguments at {@code base == m.top}. Returns null when its results are at {@code base}, or the function it
     * tail-calls, whose arguments it left at {@code base}.
     */
    FunctionInstance invokeTail(int member, StoreState m, ModuleInstance inst, int base);
}
