package dev.basalt.spi;

import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.ModuleInstance;

/**
 * The code of one module as an {@link ExecutionEngine} translated it: immutable, shared by every instance of the
 * module. The instantiator asks it for the {@link FunctionInstance} of each defined function.
 *
 * <p>Calling convention: the returned function instance is invoked like a host function, through
 * {@link FunctionInstance#host}, with its arguments on the store's value stack at {@code base} and its results
 * written back there; it must respect the call depth limit (it is one frame deeper than {@code StoreState.depth},
 * which it must set to its caller's depth when it calls through the runtime; see {@code StoreState.backtrace}), and
 * charge fuel and poll interruption as the interpreter does. Its backtrace frames come from the JVM
 * stack: its class loader registers with {@code GeneratedCode} and maps its JVM frames to functions.
 */
public interface ModuleCode {
    /** The function instance of defined function {@code index} (in the function index space) of {@code inst}. */
    FunctionInstance function(ModuleInstance inst, int index, DefinedType type, String name);

    /**
     * This code as bytes that {@link ExecutionEngine#load} turns back into equivalent code (for
     * {@code Module.serialize()}), or null if the engine cannot store its code.
     */
    default byte[] artifact() {
        return null;
    }

    /**
     * Whether this code marks every page it writes in the memory's written-page map
     * ({@code LinearMemory.writtenPages()}, see {@link ExecutionEngine#compile(dev.basalt.wasm.WasmModule, boolean)});
     * only then may a pooled memory be reset page by page.
     */
    default boolean tracksMemoryWrites() {
        return false;
    }
}
