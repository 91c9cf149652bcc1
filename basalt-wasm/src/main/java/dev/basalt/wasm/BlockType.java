package dev.basalt.wasm;

/** The type of a structured instruction: empty, a single result value type, or a function type by index. */
public sealed interface BlockType {
    Empty EMPTY = new Empty();

    /** {@code []->[]}. */
    record Empty() implements BlockType {
    }

    /** {@code []->[t]}. */
    record Value(ValType type) implements BlockType {
    }

    /** The function type at {@code typeIndex}: params taken from the stack, results left on it. */
    record TypeIndex(int typeIndex) implements BlockType {
    }
}
