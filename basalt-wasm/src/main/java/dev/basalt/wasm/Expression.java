package dev.basalt.wasm;

import java.util.Arrays;
import java.util.List;

/**
 * A sequence of instructions: a function body or a constant expression, without its final {@code end}.
 *
 * <p>{@code offsets}, when the expression was decoded from a binary, holds for each instruction its byte offset in
 * the module (for error messages); it is empty otherwise. Offsets take no part in equality, so a module that went
 * through a writer and a reader equals the original.
 */
public record Expression(List<Instruction> instructions, int[] offsets) {
    private static final int[] NO_OFFSETS = new int[0];

    public Expression {
        instructions = List.copyOf(instructions);
        offsets = offsets == null ? NO_OFFSETS : offsets;
    }

    public Expression(List<Instruction> instructions) {
        this(instructions, NO_OFFSETS);
    }

    public static Expression of(Instruction... instructions) {
        return new Expression(List.of(instructions), NO_OFFSETS);
    }

    /** The byte offset of instruction {@code i} in the module binary, or -1 where unknown. */
    public int offsetOf(int i) {
        return i >= 0 && i < offsets.length ? offsets[i] : -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Expression e && instructions.equals(e.instructions);
    }

    @Override
    public int hashCode() {
        return instructions.hashCode();
    }

    @Override
    public String toString() {
        return "Expression" + instructions + (offsets.length > 0 ? " @" + Arrays.toString(Arrays.copyOf(offsets, 1)) : "");
    }
}
