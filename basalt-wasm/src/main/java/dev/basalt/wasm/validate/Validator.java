package dev.basalt.wasm.validate;

import dev.basalt.wasm.Features;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.types.TypeSpace;

/**
 * Validates a {@link WasmModule} against the WebAssembly 3.0 validation rules (and the threads, wide arithmetic,
 * custom page sizes and legacy exception handling proposals).
 *
 * <p>Function bodies are checked with the spec's validation algorithm (operand stack, control stack with
 * stack-polymorphic unreachable code, and initialization tracking for non-defaultable locals), iteratively: the
 * depth of nesting costs heap, not Java stack. Errors are {@link InvalidException}s whose
 * {@link InvalidException#reason() reason} starts with the spec testsuite's wording (e.g. {@code "type mismatch"},
 * {@code "unknown local 3"}), with the function index and the instruction's byte offset when known.
 *
 * <p>Stateless and thread-safe.
 *
 * {@snippet :
 * WasmModule module = BinaryReader.read(bytes);
 * Validator.validate(module);          // throws InvalidException if the module does not validate
 * }
 *
 * <p>See <a href="https://webassembly.github.io/spec/core/valid/index.html">Validation</a> and the
 * <a href="https://webassembly.github.io/spec/core/appendix/algorithm.html">Validation Algorithm</a>.
 */
public final class Validator {
    private Validator() {
    }

    /**
     * Validates {@code module}.
     *
     * @throws InvalidException if it does not validate
     */
    public static void validate(WasmModule module) {
        validateAndGetTypes(module, Features.wasm3());
    }

    /**
     * Validates {@code module} accepting only the given features.
     *
     * @throws InvalidException if it does not validate
     */
    public static void validate(WasmModule module, Features features) {
        validateAndGetTypes(module, features);
    }

    /**
     * Validates {@code module} and returns its type space (canonical types, subtyping), which engines need anyway.
     *
     * @throws InvalidException if it does not validate
     */
    public static TypeSpace validateAndGetTypes(WasmModule module) {
        return validateAndGetTypes(module, Features.wasm3());
    }

    /** As {@link #validateAndGetTypes(WasmModule)}, accepting only the given features. */
    public static TypeSpace validateAndGetTypes(WasmModule module, Features features) {
        return new ModuleValidator(module, features).validate();
    }
}
