package dev.basalt.wasm;

/**
 * A value type: a number type, the vector type {@code v128}, or a reference type.
 *
 * <p>See <a href="https://webassembly.github.io/spec/core/syntax/types.html#value-types">Value Types</a>.
 */
public sealed interface ValType extends StorageType permits NumType, RefType {
}
