package dev.basalt.compiler;

import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Counts the bytecode bytes a method receives while passing every instruction on: what {@link MethodSplitter} uses
 * to keep each generated method under HotSpot's {@code HugeMethodLimit}. The count is the JVM encoding's size
 * (short forms for small local slots and constants, switch padding at its worst), not an estimate per Wasm opcode,
 * so it stays right whatever instruction families generate.
 */
final class SizeCounter extends MethodVisitor {
    private int size;

    /** Counts and forwards to {@code delegate}; {@code null} only counts. */
    SizeCounter(MethodVisitor delegate) {
        super(Opcodes.ASM9, delegate);
    }

    /** Bytes of code so far. */
    int size() {
        return size;
    }

    @Override
    public void visitInsn(int opcode) {
        size += 1;
        super.visitInsn(opcode);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        size += opcode == Opcodes.SIPUSH ? 3 : 2;
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        size += varIndex < 4 ? 1 : varIndex < 256 ? 2 : 4;
        super.visitVarInsn(opcode, varIndex);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        size += 3;
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        size += 3;
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        size += opcode == Opcodes.INVOKEINTERFACE ? 5 : 3;
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bsm, Object... bsmArgs) {
        size += 5;
        super.visitInvokeDynamicInsn(name, descriptor, bsm, bsmArgs);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        size += 3;
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        size += 3; // ldc_w / ldc2_w; a plain ldc (2) when the constant pool is small
        super.visitLdcInsn(value);
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        size += varIndex < 256 && increment == (byte) increment ? 3 : 6;
        super.visitIincInsn(varIndex, increment);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        size += 16 + 4 * labels.length;
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        size += 12 + 8 * labels.length;
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        size += 4;
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    /**
     * A class that keeps nothing: the first method visited is only counted (a dry run that measures a function's
     * size).
     */
    static final class Measure extends ClassVisitor {
        SizeCounter counter;

        Measure() {
            super(Opcodes.ASM9);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            SizeCounter c = new SizeCounter(null);
            if (counter == null) {
                counter = c;
            }
            return c;
        }
    }
}
