package dev.basalt.spi;

import dev.basalt.Config;
import dev.basalt.wasm.WasmModule;

/**
 * An execution engine other than the built-in interpreter, found with {@link java.util.ServiceLoader} when a
 * {@link Config} selects its {@link #strategy()}. The runtime does not depend on any engine module: adding
 * {@code basalt-compiler} to the class path is what makes {@link Config.Strategy#COMPILER} available.
 *
 * <p>Implementations are stateless or thread-safe: one instance serves every {@link dev.basalt.Engine}.
 * {@link #compile} runs once per {@link dev.basalt.Module}, after validation, and must either translate every
 * defined function or throw {@link UnsupportedCodeException}; silently leaving functions to the interpreter is
 * not allowed.
 */
public interface ExecutionEngine {
    /** The strategy this engine implements (never {@link Config.Strategy#INTERPRETER}, which is built in). */
    Config.Strategy strategy();

    /** A short name for diagnostics, e.g. {@code "compiler"}. */
    String name();

    /**
     * Translates the defined functions of a validated module.
     *
     * @throws UnsupportedCodeException if a function uses something this engine cannot translate yet
     */
    ModuleCode compile(WasmModule module);

    /**
     * {@link #compile(WasmModule)}, with code that also marks the pages it writes in each memory's
     * {@code LinearMemory.writtenPages()} map when {@code trackMemoryWrites} is set
     * ({@link Config#trackMemoryWrites()}); the returned code says whether it does
     * ({@link ModuleCode#tracksMemoryWrites()}). Engines that cannot track keep this default: untracked code.
     *
     * @throws UnsupportedCodeException as {@link #compile(WasmModule)}
     */
    default ModuleCode compile(WasmModule module, boolean trackMemoryWrites) {
        return compile(module);
    }

    /** {@link #tier(WasmModule)} whose functions track memory writes when asked ({@link #compile(WasmModule, boolean)}). */
    default FunctionTier tier(WasmModule module, boolean trackMemoryWrites) {
        return tier(module);
    }

    /**
     * For {@link Config.Strategy#AUTO}: a compiler of single functions of {@code module} (validated), used in the
     * background for the functions that get hot in the interpreter; null if this engine cannot compile functions
     * one at a time (the module then stays interpreted).
     */
    default FunctionTier tier(WasmModule module) {
        return null;
    }

    /**
     * Identifies the code this engine generates: stored code ({@link ModuleCode#artifact()}) is only loaded by an
     * engine with the same fingerprint. Must change whenever generated code or the runtime it calls may change.
     */
    default String codeFingerprint() {
        return name();
    }

    /**
     * Loads code that {@link ModuleCode#artifact()} stored for {@code module} (validated).
     *
     * @throws IllegalArgumentException if the bytes are not such code
     */
    default ModuleCode load(WasmModule module, byte[] artifact) {
        throw new IllegalArgumentException(name() + " cannot load stored code");
    }

    /**
     * {@link #load(WasmModule, byte[])} of code that {@link #compile(WasmModule, boolean)} made with
     * {@code trackMemoryWrites} (the caller knows: the flag is part of the stored code's fingerprint); the returned
     * code says whether it tracks. Engines that cannot tell keep this default: untracked code.
     *
     * @throws IllegalArgumentException if the bytes are not such code
     */
    default ModuleCode load(WasmModule module, byte[] artifact, boolean trackMemoryWrites) {
        return load(module, artifact);
    }
}
