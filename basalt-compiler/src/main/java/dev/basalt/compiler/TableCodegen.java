package dev.basalt.compiler;

import dev.basalt.internal.runtime.TableInstance;
import dev.basalt.wasm.Instruction;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Table instructions: {@code table.get/set/size/grow/fill/copy/init} and {@code elem.drop}, for table32 and
 * table64. Each one calls the {@link TableInstance} method the interpreter's {@code ColdOps} calls, with operands
 * widened the same way (table32 indices and lengths unsigned, table64 ones as they are), so bounds checks and
 * traps are the same code on both engines.
 */
final class TableCodegen implements Opcodes {
    private static final String TABLE = "dev/basalt/internal/runtime/TableInstance";
    private static final String OBJECT = "Ljava/lang/Object;";

    private final FunctionCompiler fc;

    TableCodegen(FunctionCompiler fc) {
        this.fc = fc;
    }

    /** Emits {@code in} if it belongs to this family; false otherwise. */
    boolean emit(Instruction in) {
        MethodVisitor mv = fc.mv;
        int mark = fc.nextSlot;
        switch (in.opcode()) {
            case TABLE_GET -> {
                int t = ((Instruction.Index) in).index();
                int index = operand();
                table(t);
                mv.visitVarInsn(LLOAD, index);
                mv.visitMethodInsn(INVOKEVIRTUAL, TABLE, "get", "(J)" + OBJECT, false);
                fc.push('L');
            }
            case TABLE_SET -> {
                int t = ((Instruction.Index) in).index();
                int value = ref();
                int index = operand();
                table(t);
                mv.visitVarInsn(LLOAD, index);
                mv.visitVarInsn(ALOAD, value);
                mv.visitMethodInsn(INVOKEVIRTUAL, TABLE, "set", "(J" + OBJECT + ")V", false);
            }
            case TABLE_SIZE -> {
                int t = ((Instruction.Index) in).index();
                table(t);
                mv.visitFieldInsn(GETFIELD, TABLE, "size", "I");
                if (is64(t)) {
                    mv.visitInsn(I2L);
                }
                fc.push(is64(t) ? 'J' : 'I');
            }
            case TABLE_GROW -> {
                int t = ((Instruction.Index) in).index();
                int delta = operand();
                int init = ref();
                table(t);
                mv.visitVarInsn(LLOAD, delta);
                mv.visitVarInsn(ALOAD, init);
                mv.visitMethodInsn(INVOKEVIRTUAL, TABLE, "grow", "(J" + OBJECT + ")J", false);
                if (!is64(t)) {
                    mv.visitInsn(L2I);
                }
                fc.push(is64(t) ? 'J' : 'I');
            }
            case TABLE_FILL -> {
                int t = ((Instruction.Index) in).index();
                int len = operand();
                int value = ref();
                int dst = operand();
                table(t);
                mv.visitVarInsn(LLOAD, dst);
                mv.visitVarInsn(ALOAD, value);
                mv.visitVarInsn(LLOAD, len);
                mv.visitMethodInsn(INVOKEVIRTUAL, TABLE, "fill", "(J" + OBJECT + "J)V", false);
            }
            case TABLE_COPY -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                int len = operand();
                int src = operand();
                int dst = operand();
                table(p.first());
                mv.visitVarInsn(LLOAD, dst);
                table(p.second());
                mv.visitVarInsn(LLOAD, src);
                mv.visitVarInsn(LLOAD, len);
                mv.visitMethodInsn(INVOKESTATIC, TABLE, "copy", "(L" + TABLE + ";JL" + TABLE + ";JJ)V", false);
            }
            case TABLE_INIT -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                int len = operand();
                int src = operand();
                int dst = operand();
                table(p.second());
                mv.visitVarInsn(LLOAD, dst);
                elems();
                FunctionCompiler.pushInt(mv, p.first());
                mv.visitInsn(AALOAD);
                mv.visitVarInsn(LLOAD, src);
                mv.visitVarInsn(LLOAD, len);
                mv.visitMethodInsn(INVOKEVIRTUAL, TABLE, "init", "(J[" + OBJECT + "JJ)V", false);
            }
            case ELEM_DROP -> {
                elems();
                FunctionCompiler.pushInt(mv, ((Instruction.Index) in).index());
                mv.visitInsn(ICONST_0);
                mv.visitTypeInsn(ANEWARRAY, "java/lang/Object");
                mv.visitInsn(AASTORE);
            }
            default -> {
                return false;
            }
        }
        fc.nextSlot = mark;
        return true;
    }

    private boolean is64(int table) {
        return fc.mc.tableTypes.get(table).is64();
    }

    /**
     * Pops an index or length into a new {@code long} temporary: an i32 operand unsigned (table32, and the lengths
     * of copies between tables of different index types), an i64 operand as it is (table64).
     */
    private int operand() {
        char c = fc.pop();
        if (c == 'I') {
            fc.mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
        }
        int slot = fc.newTemp('J');
        fc.mv.visitVarInsn(LSTORE, slot);
        return slot;
    }

    /** Pops a reference into a new temporary. */
    private int ref() {
        fc.pop();
        int slot = fc.newTemp('L');
        fc.mv.visitVarInsn(ASTORE, slot);
        return slot;
    }

    private void table(int t) {
        fc.mv.visitVarInsn(ALOAD, fc.instSlot);
        fc.mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "tables", "[L" + TABLE + ";");
        FunctionCompiler.pushInt(fc.mv, t);
        fc.mv.visitInsn(AALOAD);
    }

    private void elems() {
        fc.mv.visitVarInsn(ALOAD, fc.instSlot);
        fc.mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "elems", "[[" + OBJECT);
    }
}
