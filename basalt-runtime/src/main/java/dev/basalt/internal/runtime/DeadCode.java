package dev.basalt.internal.runtime;

import dev.basalt.wasm.Opcode;

/**
 * Skips the instructions that follow an unconditional branch inside a block ({@code br}, {@code return},
 * {@code unreachable}, ...): they can never run, so neither engine translates them or charges fuel for them.
 * Both engines must skip exactly the same instructions, since fuel is counted per translated instruction.
 *
 * <p>Use one instance per function: while the current block is unreachable, pass each instruction to
 * {@link #skip}; it tracks the nesting of blocks that start inside the dead code, and returns false for the
 * {@code else}/{@code catch}/{@code end} that closes the current block, which the engine must then process.
 */
public final class DeadCode {
    private int depth;

    /** Whether an instruction met while the current block is unreachable is to be skipped. */
    public boolean skip(Opcode op) {
        switch (op) {
            case BLOCK, LOOP, IF, TRY, TRY_TABLE -> {
                depth++;
                return true;
            }
            case END, DELEGATE -> {
                if (depth > 0) {
                    depth--;
                    return true;
                }
                return false;
            }
            case ELSE, CATCH, CATCH_ALL -> {
                return depth > 0;
            }
            default -> {
                return true;
            }
        }
    }
}
