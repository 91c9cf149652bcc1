package dev.basalt.spi;

import dev.basalt.internal.runtime.TieredCode;

/**
 * Background compilation of single functions of one module, for {@link dev.basalt.Config.Strategy#AUTO}: the runtime
 * interprets the module, counts calls and loop iterations per function, and hands the hot ones to
 * {@link #compile} on its compile thread. Made by {@link ExecutionEngine#tier}; one per {@link dev.basalt.Module}.
 */
public interface FunctionTier {
    /**
     * Compiles some defined functions of the module (indices in the function index space). Returns, per requested
     * function, its compiled code, or null where this engine cannot translate the function yet (it stays
     * interpreted; that is what AUTO means, unlike COMPILER, which fails). Called by one thread at a time; code of
     * earlier calls may be called directly by code of later ones.
     */
    TieredCode[] compile(int[] functions);

    /** Whether the code {@link #compile} returns marks the pages it writes (see {@link ModuleCode#tracksMemoryWrites()}). */
    default boolean tracksMemoryWrites() {
        return false;
    }
}
