package dev.basalt.testkit;

import dev.basalt.wasm.Features;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.wast.WastScript;

/**
 * The front half of the engine as the runner uses it: script parsing, module parsing (text and binary) and
 * validation. {@link #standard()} is Basalt's own; tests of the runner substitute their own.
 *
 * <p>Every method reports bad input only as Basalt's own exceptions ({@link dev.basalt.wasm.MalformedException},
 * {@link dev.basalt.wasm.InvalidException}); anything else escaping is a bug the runner reports as a failure.
 */
public interface Frontend {
    /** Parses a WAST script. */
    WastScript parseScript(String fileName, byte[] content);

    /** Parses a WAT module, {@code (module ...)} included. */
    WasmModule parseText(String text);

    /** Parses a WAT module accepting only {@code features}; frontends without feature switches ignore them. */
    default WasmModule parseText(String text, Features features) {
        return parseText(text);
    }

    /** Decodes a binary module. */
    WasmModule decode(byte[] bytes);

    /** Encodes a module as a binary (for sizes in {@code basalt inspect} and round-trip tests). */
    byte[] encode(WasmModule module);

    /** Validates a module, throwing {@link dev.basalt.wasm.InvalidException} if it is not valid. */
    void validate(WasmModule module);

    /** Validates a module accepting only {@code features}; frontends without feature switches ignore them. */
    default void validate(WasmModule module, Features features) {
        validate(module);
    }

    /** Basalt's own parsers and validator. */
    static Frontend standard() {
        return StandardFrontend.INSTANCE;
    }
}
