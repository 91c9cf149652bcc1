package dev.basalt.compiler;

import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.Opcode;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The threads proposal ({@code 0xFE} prefix: atomic loads, stores, read-modify-writes, compare-exchanges,
 * {@code memory.atomic.wait32/64}, {@code memory.atomic.notify}, {@code atomic.fence}) and wide arithmetic
 * ({@code i64.add128}, {@code i64.sub128}, {@code i64.mul_wide_s/u}).
 *
 * <p>Every memory access calls the {@link LinearMemory} method the interpreter's {@code MemoryOps} calls, so
 * alignment traps, bounds checks, the shared-memory locking and the wait queue are the same code on both engines.
 * Waits pass the store's {@code poller}, so fuel-less interruption and deadlines stop a compiled waiter too.
 */
final class AtomicCodegen implements Opcodes {
    private static final String MEMORY = "dev/basalt/internal/memory/LinearMemory";
    private static final String NUMERIC = "dev/basalt/internal/ops/NumericOps";

    private final FunctionCompiler fc;

    AtomicCodegen(FunctionCompiler fc) {
        this.fc = fc;
    }

    /** Emits {@code in} if it belongs to this family; false otherwise. */
    boolean emit(Instruction in) {
        Opcode op = in.opcode();
        switch (op) {
            case ATOMIC_FENCE -> {
                // Atomic accesses are sequentially consistent; the fence orders the plain accesses around it.
                fc.mv.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/VarHandle", "fullFence", "()V", false);
                return true;
            }
            case I64_ADD128, I64_SUB128 -> {
                wide128(op == Opcode.I64_ADD128 ? "i64Add128" : "i64Sub128");
                return true;
            }
            case I64_MUL_WIDE_S, I64_MUL_WIDE_U -> {
                mulWide(op == Opcode.I64_MUL_WIDE_S ? "multiplyHigh" : "unsignedMultiplyHigh");
                return true;
            }
            default -> {
            }
        }
        if (op.prefix() != 0xFE || !(in instanceof Instruction.Memory m)) {
            return false;
        }
        access(op, m.memArg());
        return true;
    }

    private void access(Opcode op, MemArg arg) {
        MethodVisitor mv = fc.mv;
        String name = op.name();
        boolean wide = name.startsWith("I64");
        int width = width(name);
        boolean is64 = fc.mc.memoryTypes.get(arg.memory()).is64();
        int mark = fc.nextSlot;
        // Operands after the address, from the opcode's signature (e.g. "i32 i64 -> i32" for wait32).
        int n = op.params().size();
        char[] types = new char[n];
        int[] temps = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            types[i] = fc.pop();
            temps[i] = fc.newTemp(types[i]);
            mv.visitVarInsn(FunctionCompiler.opStore(types[i]), temps[i]);
        }
        fc.pop();
        if (!is64) {
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
        }
        int address = fc.newTemp('J');
        mv.visitVarInsn(LSTORE, address);
        fc.memory(arg.memory());
        if (name.contains("_RMW") && !name.contains("CMPXCHG")) {
            FunctionCompiler.pushInt(mv, rmwKind(name));
        }
        mv.visitVarInsn(LLOAD, address);
        mv.visitLdcInsn(arg.offset());
        // Narrow accesses (and every access of an i32) go through the memory's int-typed methods.
        boolean intOperands = !(wide && width == 8) || op == Opcode.MEMORY_ATOMIC_NOTIFY;
        for (int i = 0; i < n; i++) {
            mv.visitVarInsn(FunctionCompiler.opLoad(types[i]), temps[i]);
            boolean timeout = i == n - 1 && name.startsWith("MEMORY_ATOMIC_WAIT");
            boolean expected64 = op == Opcode.MEMORY_ATOMIC_WAIT64 && i == 0;
            if (types[i] == 'J' && intOperands && !timeout && !expected64) {
                mv.visitInsn(L2I);
            }
        }
        String method;
        String desc;
        char result;
        switch (op) {
            case MEMORY_ATOMIC_NOTIFY -> {
                method = "notify";
                desc = "(JJI)I";
                result = 'I';
            }
            case MEMORY_ATOMIC_WAIT32, MEMORY_ATOMIC_WAIT64 -> {
                mv.visitVarInsn(ALOAD, fc.storeSlot);
                mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "poller", "Ljava/lang/Runnable;");
                method = op == Opcode.MEMORY_ATOMIC_WAIT32 ? "wait32" : "wait64";
                desc = op == Opcode.MEMORY_ATOMIC_WAIT32 ? "(JJIJLjava/lang/Runnable;)I"
                        : "(JJJJLjava/lang/Runnable;)I";
                result = 'I';
            }
            default -> {
                String v = width == 8 ? "J" : "I";
                if (name.contains("_LOAD")) {
                    method = "atomicLoad" + width * 8;
                    desc = "(JJ)" + v;
                } else if (name.contains("_STORE")) {
                    method = "atomicStore" + width * 8;
                    desc = "(JJ" + v + ")V";
                } else if (name.contains("CMPXCHG")) {
                    method = "atomicCmpxchg" + width * 8;
                    desc = "(JJ" + v + v + ")" + v;
                } else {
                    method = "atomicRmw" + width * 8;
                    desc = "(IJJ" + v + ")" + v;
                }
                result = desc.endsWith("V") ? 0 : width == 8 ? 'J' : 'I';
            }
        }
        mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, method, desc, false);
        if (result != 0) {
            if (wide && result == 'I') {
                // Narrow results are zero-extended; 8- and 16-bit ones come back from the memory already unsigned.
                if (width == 4) {
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
                } else {
                    mv.visitInsn(I2L);
                }
                result = 'J';
            }
            fc.push(result);
        }
        fc.nextSlot = mark;
    }

    /** Access width in bytes from the opcode name: {@code I64_ATOMIC_RMW16_ADD_U} -> 2, {@code I64_ATOMIC_LOAD} -> 8. */
    private static int width(String name) {
        if (name.startsWith("MEMORY_ATOMIC")) {
            return 4;
        }
        String rest = name.substring("I32_ATOMIC_".length());
        if (rest.startsWith("RMW")) {
            rest = rest.substring(3);
        } else if (rest.startsWith("LOAD")) {
            rest = rest.substring(4);
        } else {
            rest = rest.substring(5); // STORE
        }
        if (rest.startsWith("8")) {
            return 1;
        }
        if (rest.startsWith("16")) {
            return 2;
        }
        if (rest.startsWith("32")) {
            return 4;
        }
        return name.startsWith("I64") ? 8 : 4;
    }

    private static int rmwKind(String name) {
        return name.contains("XCHG") ? LinearMemory.RMW_XCHG
                : name.contains("_ADD") ? LinearMemory.RMW_ADD
                : name.contains("_SUB") ? LinearMemory.RMW_SUB
                : name.contains("_AND") ? LinearMemory.RMW_AND
                : name.contains("_XOR") ? LinearMemory.RMW_XOR
                : LinearMemory.RMW_OR;
    }

    /** {@code a_lo a_hi b_lo b_hi -> lo hi}: both halves from {@code NumericOps}, as the interpreter computes them. */
    private void wide128(String op) {
        MethodVisitor mv = fc.mv;
        int mark = fc.nextSlot;
        int[] t = new int[4];
        for (int i = 3; i >= 0; i--) {
            fc.pop();
            t[i] = fc.newTemp('J');
            mv.visitVarInsn(LSTORE, t[i]);
        }
        for (String half : new String[] {"Lo", "Hi"}) {
            for (int slot : t) {
                mv.visitVarInsn(LLOAD, slot);
            }
            mv.visitMethodInsn(INVOKESTATIC, NUMERIC, op + half, "(JJJJ)J", false);
            fc.push('J');
        }
        fc.nextSlot = mark;
    }

    /** {@code a b -> low high} of the 128-bit product. */
    private void mulWide(String high) {
        MethodVisitor mv = fc.mv;
        int mark = fc.nextSlot;
        fc.pop();
        int b = fc.newTemp('J');
        mv.visitVarInsn(LSTORE, b);
        fc.pop();
        int a = fc.newTemp('J');
        mv.visitVarInsn(LSTORE, a);
        mv.visitVarInsn(LLOAD, a);
        mv.visitVarInsn(LLOAD, b);
        mv.visitInsn(LMUL);
        fc.push('J');
        mv.visitVarInsn(LLOAD, a);
        mv.visitVarInsn(LLOAD, b);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", high, "(JJ)J", false);
        fc.push('J');
        fc.nextSlot = mark;
    }
}
