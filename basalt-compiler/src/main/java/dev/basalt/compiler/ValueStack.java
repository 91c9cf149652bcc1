package dev.basalt.compiler;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Code that moves one value between the JVM and the store's value stack (the runtime's calling convention: the
 * interpreter's three parallel arrays of {@code StoreState}). Numbers are {@code stack} slots (i32/f32 in the low
 * 32 bits, floats as raw bits), references are {@code refs} slots, v128 values a {@code stack} slot (low half)
 * plus the same {@code his} slot (high half), exactly as the interpreter keeps them.
 *
 * <p>Used for calls that leave the generated class, for results of functions with several results, for tail
 * calls and by the {@link Invoker} bridge.
 */
final class ValueStack implements Opcodes {
    private ValueStack() {
    }

    /** Pushes slot {@code base + offset} as a value of type {@code c}; {@code base} is an int JVM local. */
    static void load(MethodVisitor mv, int storeSlot, int baseSlot, int offset, char c) {
        mv.visitVarInsn(ALOAD, storeSlot);
        if (c == ModuleCompiler.V128) {
            index(mv, baseSlot, offset);
            SimdCodegen.loadFromValueStack(mv);
        } else if (c == 'L') {
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "refs", "[Ljava/lang/Object;");
            index(mv, baseSlot, offset);
            mv.visitInsn(AALOAD);
        } else {
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "stack", "[J");
            index(mv, baseSlot, offset);
            mv.visitInsn(LALOAD);
            FunctionCompiler.fromSlot(mv, c);
        }
    }

    /** Stores the JVM local {@code valueSlot} (type {@code c}) into slot {@code base + offset}. */
    static void store(MethodVisitor mv, int storeSlot, int baseSlot, int offset, char c, int valueSlot) {
        if (c == ModuleCompiler.V128) {
            mv.visitVarInsn(ALOAD, valueSlot);
            mv.visitVarInsn(ALOAD, storeSlot);
            index(mv, baseSlot, offset);
            SimdCodegen.storeToValueStack(mv);
            return;
        }
        mv.visitVarInsn(ALOAD, storeSlot);
        if (c == 'L') {
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "refs", "[Ljava/lang/Object;");
            index(mv, baseSlot, offset);
            mv.visitVarInsn(ALOAD, valueSlot);
            mv.visitInsn(AASTORE);
        } else {
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "stack", "[J");
            index(mv, baseSlot, offset);
            mv.visitVarInsn(FunctionCompiler.opLoad(c), valueSlot);
            FunctionCompiler.toSlot(mv, c);
            mv.visitInsn(LASTORE);
        }
    }

    /**
     * Stores the Wasm local at JVM slot {@code localSlot} (laid out by {@link FunctionCompiler#localSize}: a v128
     * local is its two longs) into slot {@code base + offset}.
     */
    static void storeLocal(MethodVisitor mv, int storeSlot, int baseSlot, int offset, char c, int localSlot) {
        if (c != ModuleCompiler.V128) {
            store(mv, storeSlot, baseSlot, offset, c, localSlot);
            return;
        }
        for (int half = 0; half < 2; half++) {
            mv.visitVarInsn(ALOAD, storeSlot);
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, half == 0 ? "stack" : "his", "[J");
            index(mv, baseSlot, offset);
            mv.visitVarInsn(LLOAD, localSlot + 2 * half);
            mv.visitInsn(LASTORE);
        }
    }

    private static void index(MethodVisitor mv, int baseSlot, int offset) {
        mv.visitVarInsn(ILOAD, baseSlot);
        if (offset != 0) {
            FunctionCompiler.pushInt(mv, offset);
            mv.visitInsn(IADD);
        }
    }
}
