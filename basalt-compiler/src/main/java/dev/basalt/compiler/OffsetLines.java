package dev.basalt.compiler;

import dev.basalt.wasm.Opcode;
import java.util.Arrays;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Wasm byte offsets as JVM line numbers, so that a trap's JVM stack trace says where each compiled frame was: before
 * each instruction that can trap or call, the generated method gets a line number entry. Line numbers are 16-bit in
 * a class file, so line {@code k} stands for the {@code k}-th distinct offset marked in the function (the table
 * {@link #offsets()} maps it back); all methods of one function (its entry method and split parts) share it. Entries
 * cost nothing at run time. A function with more than 65,535 such sites reports -1 for the rest.
 */
final class OffsetLines {
    static final int MAX_LINES = 65_535;
    private static final boolean[] MARKED = marked();

    private int[] offsets = new int[8];
    private int count;

    /** Opcodes that can trap or transfer control out of the method (calls, memory and table accesses, ...). */
    private static boolean[] marked() {
        Opcode[] all = Opcode.values();
        boolean[] out = new boolean[all.length];
        String[] parts = {"LOAD", "STORE", "CALL", "DIV", "REM", "TRUNC", "UNREACHABLE", "MEMORY", "TABLE", "THROW",
            "RETHROW", "REF_AS", "CAST", "STRUCT", "ARRAY", "ATOMIC", "DATA", "ELEM", "LOOP", "I31", "BR_ON", "WAIT",
            "NOTIFY", "DELEGATE", "TRY"};
        for (Opcode op : all) {
            for (String p : parts) {
                if (op.name().contains(p)) {
                    out[op.ordinal()] = true;
                    break;
                }
            }
        }
        return out;
    }

    /** Marks the code emitted next as instruction {@code op} at module byte {@code offset} (if it can trap). */
    void mark(MethodVisitor mv, Opcode op, int offset) {
        if (offset < 0 || !MARKED[op.ordinal()] || count == MAX_LINES) {
            return;
        }
        if (count > 0 && offsets[count - 1] == offset) {
            return;
        }
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        offsets[count++] = offset;
        Label here = new Label();
        mv.visitLabel(here);
        mv.visitLineNumber(count, here);
    }

    /** Line {@code k} (1-based) stands for {@code offsets()[k - 1]}. */
    int[] offsets() {
        return Arrays.copyOf(offsets, count);
    }

    /** The byte offset of JVM line {@code line} in a function's table, or -1. */
    static long offsetOf(int[] offsets, int line) {
        return line >= 1 && line <= offsets.length ? offsets[line - 1] : -1;
    }
}
