package dev.basalt.compiler;

import dev.basalt.internal.interpreter.Casts;
import dev.basalt.wasm.Instruction;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Reference instructions: {@code ref.null}, {@code ref.is_null}, {@code ref.func}, {@code ref.as_non_null},
 * {@code ref.eq}, {@code br_on_null}, {@code br_on_non_null}.
 *
 * <p>A reference on the JVM stack is a {@code java.lang.Object} exactly as the interpreter keeps it in its
 * reference slots: null is {@code ref.null}, a function is its {@code FunctionInstance}, host references and GC
 * objects are themselves (see {@link Casts}); {@code ref.eq} is the interpreter's {@link Casts#refEq}.
 */
final class RefCodegen implements Opcodes {
    private final FunctionCompiler fc;

    RefCodegen(FunctionCompiler fc) {
        this.fc = fc;
    }

    /** Emits {@code in} if it belongs to this family; false otherwise. */
    boolean emit(Instruction in) {
        MethodVisitor mv = fc.mv;
        switch (in.opcode()) {
            case REF_NULL -> {
                mv.visitInsn(ACONST_NULL);
                fc.push('L');
            }
            case REF_IS_NULL -> {
                fc.pop();
                fc.compare(IFNULL);
            }
            case REF_FUNC -> {
                mv.visitVarInsn(ALOAD, fc.instSlot);
                FunctionCompiler.pushInt(mv, ((Instruction.Index) in).index());
                CallCodegen.invokeFunc(mv);
                fc.push('L');
            }
            case REF_AS_NON_NULL -> {
                Label ok = new Label();
                mv.visitInsn(DUP);
                mv.visitJumpInsn(IFNONNULL, ok);
                trap("nullReference");
                mv.visitLabel(ok);
            }
            case REF_EQ -> {
                fc.pop();
                fc.pop();
                mv.visitMethodInsn(INVOKESTATIC, "dev/basalt/internal/interpreter/Casts", "refEq",
                        "(Ljava/lang/Object;Ljava/lang/Object;)Z", false);
                fc.push('I');
            }
            case BR_ON_NULL -> {
                // Taken: the null is dropped and the label gets the values under it. Not taken: the ref stays.
                Label notNull = new Label();
                mv.visitInsn(DUP);
                mv.visitJumpInsn(IFNONNULL, notNull);
                mv.visitInsn(POP);
                fc.pop();
                fc.branch(((Instruction.Branch) in).label());
                fc.push('L');
                mv.visitLabel(notNull);
            }
            case BR_ON_NON_NULL -> {
                // Taken: the ref is the label's last value. Not taken: the null is dropped.
                Label isNull = new Label();
                mv.visitInsn(DUP);
                mv.visitJumpInsn(IFNULL, isNull);
                fc.branch(((Instruction.Branch) in).label());
                mv.visitLabel(isNull);
                mv.visitInsn(POP);
                fc.pop();
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Throws the trap that {@code Support.<factory>()} makes. */
    private void trap(String factory) {
        fc.mv.visitMethodInsn(INVOKESTATIC, "dev/basalt/compiler/Support", factory, "()Ldev/basalt/Trap;", false);
        fc.mv.visitInsn(ATHROW);
    }
}
