package dev.basalt.compiler;

import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.ops.SimdOps;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.V128;
import dev.basalt.wasm.ValType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Code for the SIMD and relaxed-SIMD instructions (prefix 0xFD). Most compute on v128 values held as two longs
 * ({@link SimdPairs}: per-half methods of {@link SimdOps}, no object). The others are one {@code invokestatic} of
 * their {@link SimdOps} method on {@link V128} objects, or for the vector memory instructions one
 * {@code invokevirtual} of its {@link LinearMemory} method, the same methods the interpreter calls, so both engines
 * compute alike; C2's escape analysis removes those objects where producer and consumer are inlined. v128 locals
 * are two {@code long} JVM locals each ({@link FunctionCompiler#localSize}); objects on the operand stack are held
 * as longs across bounds checks ({@link FunctionCompiler#spillVectors}), the two places where escape analysis kept
 * the objects (loop-carried accumulators, values live across a check).
 *
 * <p>The method of each opcode is found once, by reflection: its name is the mnemonic in camel case
 * ({@code i8x16.add_sat_s} is {@code i8x16AddSatS}, {@code v128.load8_lane} is {@code v128Load8Lane}) and its
 * parameters follow from the opcode's stack signature: the operands in stack order, with the lane index
 * ({@code int}) right after the vector operand, or the shuffle's lanes ({@code V128}) last; memory methods take
 * the address and the static offset ({@code long, long}) before the operands. {@link #METHODS} holds every opcode whose method exists with exactly
 * that signature (a test checks that this is every SIMD opcode but {@code v128.const}).
 */
final class SimdCodegen implements Opcodes {
    /** The opcode prefix of the SIMD instructions. */
    static final int PREFIX = 0xFD;
    private static final String SIMD_OPS = Type.getInternalName(SimdOps.class);
    private static final String MEMORY = Type.getInternalName(LinearMemory.class);
    private static final String SUPPORT = Type.getInternalName(SimdSupport.class);
    private static final String V128_DESC = "L" + ModuleCompiler.V128_CLASS + ";";
    private static final String GLOBAL = "dev/basalt/internal/runtime/GlobalInstance";
    private static final String EXN = "dev/basalt/internal/runtime/ExnObject";

    /** Per SIMD opcode (but {@code v128.const}, which is a constant), the method that implements it. */
    static final Map<Opcode, Method> METHODS = resolveAll();

    private final FunctionCompiler fc;
    private final SimdPairs pairs;

    SimdCodegen(FunctionCompiler fc) {
        this.fc = fc;
        this.pairs = new SimdPairs(fc);
    }

    // ------------------------------------------------------------------ the opcode table

    private static Map<Opcode, Method> resolveAll() {
        Map<Opcode, Method> out = new EnumMap<>(Opcode.class);
        for (Opcode op : Opcode.values()) {
            if (op != Opcode.V128_CONST) {
                Method m = resolve(op);
                if (m != null) {
                    out.put(op, m);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Whether {@code op} is a vector memory instruction (its method is on {@link LinearMemory}). */
    static boolean isMemory(Opcode op) {
        return op.imm() == Opcode.Imm.MEMARG || op.imm() == Opcode.Imm.MEMARG_LANE;
    }

    /** The method of SIMD opcode {@code op} with the signature its stack types call for, or null if none. */
    static Method resolve(Opcode op) {
        if (op.prefix() != PREFIX || !op.hasFixedSignature() || op.results().size() > 1) {
            return null;
        }
        List<Class<?>> params = new ArrayList<>();
        boolean memory = isMemory(op);
        if (memory) {
            params.add(long.class); // address, as an unsigned long
            params.add(long.class); // static offset
        }
        for (ValType t : op.params()) {
            params.add(javaType(t));
        }
        switch (op.imm()) {
            // The lane index follows the vector operand (replace_lane: vector, lane, scalar).
            case LANE, MEMARG_LANE -> params.add(memory ? 3 : 1, int.class);
            case SHUFFLE -> params.add(V128.class);
            default -> {
            }
        }
        Class<?> owner = memory ? LinearMemory.class : SimdOps.class;
        Method m;
        try {
            m = owner.getMethod(FunctionCompiler.camel(op.name()), params.toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            return null;
        }
        Class<?> result = op.results().isEmpty() ? void.class : javaType(op.results().get(0));
        boolean staticWanted = !memory;
        if (m.getReturnType() != result || Modifier.isStatic(m.getModifiers()) != staticWanted) {
            return null;
        }
        return m;
    }

    private static Class<?> javaType(ValType t) {
        if (t instanceof NumType n) {
            return switch (n) {
                case I32 -> int.class;
                case I64 -> long.class;
                case F32 -> float.class;
                case F64 -> double.class;
                case V128 -> V128.class;
            };
        }
        return Object.class; // no SIMD instruction takes references; never matches a method
    }

    // ------------------------------------------------------------------ instructions

    /**
     * Emits SIMD instruction {@code in} (any 0xFD opcode but {@code v128.const}), instruction {@code index} of the
     * function's {@code body} (read by the pair path's peepholes and lane bounds).
     */
    void emit(Instruction in, int index, List<Instruction> body) {
        Opcode op = in.opcode();
        Method m = METHODS.get(op);
        if (m == null) {
            throw fc.unsupported(op.mnemonic());
        }
        MethodVisitor mv = fc.mv;
        if (!isMemory(op) && pairs.emit(in, index, body)) {
            return;
        }
        // this path takes and makes objects
        fc.pairsToObjects(op.params().size());
        if (isMemory(op)) {
            memory(in, op, m);
            return;
        }
        int mark = fc.nextSlot;
        switch (in) {
            case Instruction.Lane l when op.params().size() == 2 -> {
                // replace_lane: the lane index goes between the vector and the scalar on top of it.
                char scalar = ModuleCompiler.jvmType(op.params().get(1));
                int temp = fc.newTemp(scalar);
                mv.visitVarInsn(FunctionCompiler.opStore(scalar), temp);
                FunctionCompiler.pushInt(mv, l.lane());
                mv.visitVarInsn(FunctionCompiler.opLoad(scalar), temp);
            }
            case Instruction.Lane l -> FunctionCompiler.pushInt(mv, l.lane());
            case Instruction.Shuffle s -> constant(mv, s.lanes());
            default -> {
            }
        }
        fc.nextSlot = mark;
        for (int i = op.params().size(); i > 0; i--) {
            fc.pop();
        }
        mv.visitMethodInsn(INVOKESTATIC, SIMD_OPS, m.getName(), Type.getMethodDescriptor(m), false);
        for (ValType r : op.results()) {
            fc.push(ModuleCompiler.jvmType(r));
        }
    }

    /** A vector load or store: address (and vector operand) from the stack, then the memory's method. */
    private void memory(Instruction in, Opcode op, Method m) {
        MethodVisitor mv = fc.mv;
        MemArg arg;
        int lane = -1;
        if (in instanceof Instruction.MemoryLane ml) {
            arg = ml.memArg();
            lane = ml.lane();
        } else {
            arg = ((Instruction.Memory) in).memArg();
        }
        boolean is64 = fc.mc.memoryTypes.get(arg.memory()).is64();
        int mark = fc.nextSlot;
        int vector = -1;
        if (!op.params().isEmpty()) { // the one v128 operand of stores and lane loads
            fc.pop();
            vector = fc.newTemp(ModuleCompiler.V128);
            mv.visitVarInsn(ASTORE, vector);
        }
        fc.pop();
        if (!is64) {
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
        }
        int address = fc.newTemp('J');
        mv.visitVarInsn(LSTORE, address);
        fc.memory(arg.memory());
        mv.visitVarInsn(LLOAD, address);
        mv.visitLdcInsn(arg.offset());
        if (vector >= 0) {
            mv.visitVarInsn(ALOAD, vector);
        }
        if (lane >= 0) {
            FunctionCompiler.pushInt(mv, lane);
        }
        mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, m.getName(), Type.getMethodDescriptor(m), false);
        for (ValType r : op.results()) {
            fc.push(ModuleCompiler.jvmType(r));
        }
        fc.nextSlot = mark;
    }

    // ------------------------------------------------------------------ v128 values outside SIMD instructions

    /** Pushes the constant {@code v}. */
    static void constant(MethodVisitor mv, V128 v) {
        if (v.lo() == 0 && v.hi() == 0) {
            zero(mv);
            return;
        }
        mv.visitTypeInsn(NEW, ModuleCompiler.V128_CLASS);
        mv.visitInsn(DUP);
        mv.visitLdcInsn(v.lo());
        mv.visitLdcInsn(v.hi());
        mv.visitMethodInsn(INVOKESPECIAL, ModuleCompiler.V128_CLASS, "<init>", "(JJ)V", false);
    }

    /** Pushes the all-zero vector (the default value of v128 locals). */
    static void zero(MethodVisitor mv) {
        mv.visitFieldInsn(GETSTATIC, ModuleCompiler.V128_CLASS, "ZERO", V128_DESC);
    }

    /** {@code (StoreState, int index) -> V128}: reads a slot of the store's value stack. */
    static void loadFromValueStack(MethodVisitor mv) {
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "load", "(L" + ModuleCompiler.STORE + ";I)" + V128_DESC, false);
    }

    /** {@code (V128, StoreState, int index) -> void}: writes a slot of the store's value stack. */
    static void storeToValueStack(MethodVisitor mv) {
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "store", "(" + V128_DESC + "L" + ModuleCompiler.STORE + ";I)V",
                false);
    }

    /** {@code (GlobalInstance) -> V128}. */
    static void getGlobal(MethodVisitor mv) {
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "get", "(L" + GLOBAL + ";)" + V128_DESC, false);
    }

    /** {@code (V128, GlobalInstance) -> void}. */
    static void setGlobal(MethodVisitor mv) {
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "set", "(" + V128_DESC + "L" + GLOBAL + ";)V", false);
    }

    /** {@code (ExnObject, int index) -> V128}: a payload value of an exception. */
    static void loadFromExceptionPayload(MethodVisitor mv) {
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "load", "(L" + EXN + ";I)" + V128_DESC, false);
    }

    /** {@code (ExnObject, V128, int index) -> void}: sets a payload value of a new exception. */
    static void storeToExceptionPayload(MethodVisitor mv) {
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "store", "(L" + EXN + ";" + V128_DESC + "I)V", false);
    }
}
