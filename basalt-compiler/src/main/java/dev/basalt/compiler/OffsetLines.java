package dev.basalt.compiler;

import dev.basalt.internal.runtime.CompiledFrames;
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
    /** Lines a function can use; the last two 16-bit lines have the meanings {@link CompiledFrames} gives them. */
    static final int MAX_LINES = CompiledFrames.NO_POSITION_LINE - 1;
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

    /**
     * Marks the code emitted next as running while the function has no Wasm activation (see
     * {@link CompiledFrames#NO_ACTIVATION_LINE}): the prologue up to counting the call depth, or a call made after a
     * tail call popped the frame; {@link #resume} follows it.
     */
    void markNoActivation(MethodVisitor mv) {
        line(mv, CompiledFrames.NO_ACTIVATION_LINE);
    }

    /** After {@link #markNoActivation}: the code emitted next has the line it had before (no position if none). */
    void resume(MethodVisitor mv) {
        line(mv, count > 0 ? count : CompiledFrames.NO_POSITION_LINE);
    }

    private static void line(MethodVisitor mv, int line) {
        Label here = new Label();
        mv.visitLabel(here);
        mv.visitLineNumber(line, here);
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
