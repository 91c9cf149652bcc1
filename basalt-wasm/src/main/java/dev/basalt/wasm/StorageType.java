package dev.basalt.wasm;

/** What a struct field or array element holds: a value type or a packed type ({@code i8}, {@code i16}). */
public sealed interface StorageType permits ValType, PackedType {
}
