package dev.basalt.compiler;

import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.StoreState;

/**
 * Implemented by each generated module class: the bridge from the runtime's calling convention (arguments and
 * results on the store's value stack at {@code base}) to the generated static method of a function.
 */
public interface Invoker {
    /** Runs defined function {@code definedIndex} (0 = the first function the module defines). */
    void invoke(int definedIndex, StoreState m, ModuleInstance inst, int base);
}
