package dev.basalt.compiler;

import static dev.basalt.wasm.Opcode.*;

import dev.basalt.internal.ops.SimdOps;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.ValType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * SIMD instructions on v128 values held as two longs ({@link ModuleCompiler#V128_PAIR}): the operands go into
 * temporaries, then each 64-bit half of the result is computed by {@link SimdOps}' per-half methods (or a JVM
 * {@code long} instruction) and the result is left as a pair. No {@link dev.basalt.wasm.V128} object is made, so
 * the JVM's interpreter and C1 run SIMD code without allocating, and C2 compiles it without escape analysis having
 * to remove an object per instruction (the blur loops of the {@code simd} workload took seconds of C2 time each).
 *
 * <p>{@link #SHAPES} says how each supported opcode computes its halves; an opcode without a shape takes
 * {@link SimdCodegen}'s path (operands as objects, its {@code SimdOps} method). Operand and result types follow the
 * opcode's stack signature; a v128 operand may arrive as a pair or as an object.
 */
final class SimdPairs implements Opcodes {
    private static final String OPS = Type.getInternalName(SimdOps.class);
    private static final String JJ_J = "(JJ)J";

    /** How an instruction computes its result from its operands' halves. */
    sealed interface Shape {
    }

    /** Each result half is {@code helper(a.half, b.half)} ({@code (JJ)J}, on {@link SimdOps}). */
    record Lanewise(String helper) implements Shape {
    }

    /** Each result half is {@code a.half OP b.half} for a JVM long instruction (LAND, LOR, LXOR, LADD, LSUB, LMUL). */
    record LongInsn(int opcode) implements Shape {
    }

    /** Each result half is {@code a.half OP constant} (LAND or LXOR: float abs and neg flip or clear sign bits). */
    record LongConst(int opcode, long constant) implements Shape {
    }

    /**
     * A one-operand form of a two-operand per-half method: {@code helper(a.half, a.half)} (abs, sqrt, rounding),
     * {@code helper(0, a.half)} (neg as 0 - a, when {@code zeroFirst}), or {@code ~helper(a.half, b.half)} (ne as not
     * eq, when {@code not}).
     */
    record Derived(String helper, boolean zeroFirst, boolean not) implements Shape {
    }

    /** Fused multiply-add: each result half {@code helper(a.half, b.half, c.half, negate)} ({@code (JJJZ)J}). */
    record Fma(String helper, boolean negate) implements Shape {
    }

    /** Each result half is {@code helper(a.half)} ({@code (J)J}), or {@code helper(a.half, flag)} ({@code (JZ)J}). */
    record Unary(String helper, Boolean flag) implements Shape {
    }

    /** Each result half is {@code helper(a.half, count)} ({@code (JI)J}). */
    record Shift(String helper) implements Shape {
    }

    /**
     * Widening of the low or high half {@code h} of the operand: result low half {@code helper(h & 0xFFFFFFFF,
     * signed)}, high half {@code helper(h >>> 32, signed)} ({@code (JZ)J}).
     */
    record Extend(String helper, boolean high, boolean signed) implements Shape {
    }

    /** Narrowing: result low half {@code helper(a.lo, a.hi)}, high half {@code helper(b.lo, b.hi)}. */
    record Narrow(String helper, Boolean signed) implements Shape {
    }

    /** A splat: one half from the scalar ({@code helper}, null for a 64-bit lane's bits), used twice. */
    record Splat(String helper) implements Shape {
    }

    /** {@code extract_lane} of a lane of {@code bits} bits, {@code signed} for the _s forms. */
    record Extract(int bits, boolean signed) implements Shape {
    }

    /** {@code replace_lane} of a lane of {@code bits} bits. */
    record Replace(int bits) implements Shape {
    }

    /**
     * {@code i8x16.bitmask}, {@code v128.any_true}, {@code v128.not}, {@code v128.andnot}, {@code v128.bitselect},
     * and {@code i8x16.shuffle}, whose constant lanes become shifts and masks of the operands' halves.
     */
    enum Special implements Shape {
        BITMASK8, ANY_TRUE, NOT, ANDNOT, BITSELECT, SHUFFLE
    }

    static final Map<Opcode, Shape> SHAPES = shapes();

    private static Map<Opcode, Shape> shapes() {
        Map<Opcode, Shape> m = new EnumMap<>(Opcode.class);
        m.put(V128_AND, new LongInsn(LAND));
        m.put(V128_OR, new LongInsn(LOR));
        m.put(V128_XOR, new LongInsn(LXOR));
        m.put(I64X2_ADD, new LongInsn(LADD));
        m.put(I64X2_SUB, new LongInsn(LSUB));
        m.put(I64X2_MUL, new LongInsn(LMUL));
        m.put(F32X4_ABS, new LongConst(LAND, 0x7FFF_FFFF_7FFF_FFFFL));
        m.put(F32X4_NEG, new LongConst(LXOR, 0x8000_0000_8000_0000L));
        m.put(F64X2_ABS, new LongConst(LAND, Long.MAX_VALUE));
        m.put(F64X2_NEG, new LongConst(LXOR, Long.MIN_VALUE));
        Object[][] derived = {
            {I8X16_ABS, "abs8"}, {I16X8_ABS, "abs16"}, {I32X4_ABS, "abs32"},
            {F32X4_SQRT, "sqrtF32"}, {F32X4_CEIL, "ceilF32"}, {F32X4_FLOOR, "floorF32"}, {F32X4_TRUNC, "truncF32"},
            {F32X4_NEAREST, "nearestF32"}, {F64X2_SQRT, "sqrtF64"}, {F64X2_CEIL, "ceilF64"},
            {F64X2_FLOOR, "floorF64"}, {F64X2_TRUNC, "truncF64"}, {F64X2_NEAREST, "nearestF64"},
        };
        for (Object[] e : derived) {
            m.put((Opcode) e[0], new Derived((String) e[1], false, false));
        }
        m.put(I8X16_NEG, new Derived("sub8", true, false));
        m.put(I16X8_NEG, new Derived("sub16", true, false));
        m.put(I32X4_NEG, new Derived("sub32", true, false));
        m.put(I8X16_NE, new Derived("eq8", false, true));
        m.put(I16X8_NE, new Derived("eq16", false, true));
        m.put(I32X4_NE, new Derived("eq32", false, true));
        m.put(F32X4_RELAXED_MADD, new Fma("fmaF32", false));
        m.put(F32X4_RELAXED_NMADD, new Fma("fmaF32", true));
        m.put(F64X2_RELAXED_MADD, new Fma("fmaF64", false));
        m.put(F64X2_RELAXED_NMADD, new Fma("fmaF64", true));
        for (Opcode select : new Opcode[] {I8X16_RELAXED_LANESELECT, I16X8_RELAXED_LANESELECT,
                I32X4_RELAXED_LANESELECT, I64X2_RELAXED_LANESELECT}) {
            m.put(select, Special.BITSELECT);
        }
        m.put(V128_NOT, Special.NOT);
        m.put(V128_ANDNOT, Special.ANDNOT);
        m.put(V128_BITSELECT, Special.BITSELECT);
        m.put(V128_ANY_TRUE, Special.ANY_TRUE);
        m.put(I8X16_BITMASK, Special.BITMASK8);
        m.put(I8X16_SHUFFLE, Special.SHUFFLE);
        Object[][] lanewise = {
            {I8X16_ADD, "add8"}, {I8X16_SUB, "sub8"}, {I16X8_ADD, "add16"}, {I16X8_SUB, "sub16"},
            {I32X4_ADD, "add32"}, {I32X4_SUB, "sub32"}, {I16X8_MUL, "mul16"}, {I32X4_MUL, "mul32"},
            {I8X16_EQ, "eq8"}, {I16X8_EQ, "eq16"}, {I32X4_EQ, "eq32"},
            {I8X16_LT_S, "ltS8"}, {I8X16_LT_U, "ltU8"}, {I8X16_GT_S, "gtS8"}, {I8X16_GT_U, "gtU8"},
            {I8X16_LE_S, "leS8"}, {I8X16_LE_U, "leU8"}, {I8X16_GE_S, "geS8"}, {I8X16_GE_U, "geU8"},
            {I16X8_LT_S, "ltS16"}, {I16X8_LT_U, "ltU16"}, {I16X8_GT_S, "gtS16"}, {I16X8_GT_U, "gtU16"},
            {I16X8_LE_S, "leS16"}, {I16X8_LE_U, "leU16"}, {I16X8_GE_S, "geS16"}, {I16X8_GE_U, "geU16"},
            {I32X4_LT_S, "ltS32"}, {I32X4_LT_U, "ltU32"}, {I32X4_GT_S, "gtS32"}, {I32X4_GT_U, "gtU32"},
            {I32X4_LE_S, "leS32"}, {I32X4_LE_U, "leU32"}, {I32X4_GE_S, "geS32"}, {I32X4_GE_U, "geU32"},
            {I8X16_MIN_S, "minS8"}, {I8X16_MIN_U, "minU8"}, {I8X16_MAX_S, "maxS8"}, {I8X16_MAX_U, "maxU8"},
            {I16X8_MIN_S, "minS16"}, {I16X8_MIN_U, "minU16"}, {I16X8_MAX_S, "maxS16"}, {I16X8_MAX_U, "maxU16"},
            {I32X4_MIN_S, "minS32"}, {I32X4_MIN_U, "minU32"}, {I32X4_MAX_S, "maxS32"}, {I32X4_MAX_U, "maxU32"},
            {I8X16_ADD_SAT_S, "addSatS8"}, {I8X16_ADD_SAT_U, "addSatU8"},
            {I8X16_SUB_SAT_S, "subSatS8"}, {I8X16_SUB_SAT_U, "subSatU8"},
            {I16X8_ADD_SAT_S, "addSatS16"}, {I16X8_ADD_SAT_U, "addSatU16"},
            {I16X8_SUB_SAT_S, "subSatS16"}, {I16X8_SUB_SAT_U, "subSatU16"},
            {I8X16_AVGR_U, "avgrU8"}, {I16X8_AVGR_U, "avgrU16"}, {I16X8_Q15MULR_SAT_S, "q15mulrSat16"},
            {I32X4_DOT_I16X8_S, "dot16"},
            {F32X4_ADD, "addF32"}, {F32X4_SUB, "subF32"}, {F32X4_MUL, "mulF32"}, {F32X4_DIV, "divF32"},
            {F32X4_MIN, "minF32"}, {F32X4_MAX, "maxF32"}, {F32X4_PMIN, "pminF32"}, {F32X4_PMAX, "pmaxF32"},
            {F32X4_RELAXED_MIN, "minF32"}, {F32X4_RELAXED_MAX, "maxF32"}, {F32X4_NE, "neF32"},
            {F64X2_PMIN, "pminF64"}, {F64X2_PMAX, "pmaxF64"}, {F64X2_RELAXED_MIN, "minF64"},
            {F64X2_RELAXED_MAX, "maxF64"}, {F64X2_NE, "neF64"}, {I16X8_RELAXED_Q15MULR_S, "q15mulrSat16"},
            {I16X8_RELAXED_DOT_I8X16_I7X16_S, "dot8"},
            {F64X2_ADD, "addF64"}, {F64X2_SUB, "subF64"}, {F64X2_MUL, "mulF64"}, {F64X2_DIV, "divF64"},
            {F64X2_MIN, "minF64"}, {F64X2_MAX, "maxF64"},
            {F32X4_EQ, "eqF32"}, {F32X4_LT, "ltF32"}, {F32X4_GT, "gtF32"}, {F32X4_LE, "leF32"}, {F32X4_GE, "geF32"},
            {F64X2_EQ, "eqF64"}, {F64X2_LT, "ltF64"}, {F64X2_GT, "gtF64"}, {F64X2_LE, "leF64"}, {F64X2_GE, "geF64"},
        };
        for (Object[] e : lanewise) {
            m.put((Opcode) e[0], new Lanewise((String) e[1]));
        }
        m.put(I8X16_POPCNT, new Unary("popcnt8", null));
        m.put(I32X4_TRUNC_SAT_F32X4_S, new Unary("truncSatS32", null));
        m.put(I32X4_RELAXED_TRUNC_F32X4_S, new Unary("truncSatS32", null));
        m.put(I16X8_EXTADD_PAIRWISE_I8X16_S, new Unary("pairwise8", true));
        m.put(I16X8_EXTADD_PAIRWISE_I8X16_U, new Unary("pairwise8", false));
        m.put(I32X4_EXTADD_PAIRWISE_I16X8_S, new Unary("pairwise16", true));
        m.put(I32X4_EXTADD_PAIRWISE_I16X8_U, new Unary("pairwise16", false));
        m.put(I8X16_SHL, new Shift("shl8"));
        m.put(I8X16_SHR_S, new Shift("shrS8"));
        m.put(I8X16_SHR_U, new Shift("shrU8"));
        m.put(I16X8_SHL, new Shift("shl16"));
        m.put(I16X8_SHR_S, new Shift("shrS16"));
        m.put(I16X8_SHR_U, new Shift("shrU16"));
        m.put(I32X4_SHL, new Shift("shl32"));
        m.put(I32X4_SHR_S, new Shift("shrS32"));
        m.put(I32X4_SHR_U, new Shift("shrU32"));
        m.put(I64X2_SHL, new Shift(null));
        m.put(I64X2_SHR_S, new Shift(null));
        m.put(I64X2_SHR_U, new Shift(null));
        m.put(I16X8_EXTEND_LOW_I8X16_S, new Extend("spread8to16", false, true));
        m.put(I16X8_EXTEND_HIGH_I8X16_S, new Extend("spread8to16", true, true));
        m.put(I16X8_EXTEND_LOW_I8X16_U, new Extend("spread8to16", false, false));
        m.put(I16X8_EXTEND_HIGH_I8X16_U, new Extend("spread8to16", true, false));
        m.put(I32X4_EXTEND_LOW_I16X8_S, new Extend("widen16to32", false, true));
        m.put(I32X4_EXTEND_HIGH_I16X8_S, new Extend("widen16to32", true, true));
        m.put(I32X4_EXTEND_LOW_I16X8_U, new Extend("widen16to32", false, false));
        m.put(I32X4_EXTEND_HIGH_I16X8_U, new Extend("widen16to32", true, false));
        m.put(I64X2_EXTEND_LOW_I32X4_S, new Extend("widen32to64", false, true));
        m.put(I64X2_EXTEND_HIGH_I32X4_S, new Extend("widen32to64", true, true));
        m.put(I64X2_EXTEND_LOW_I32X4_U, new Extend("widen32to64", false, false));
        m.put(I64X2_EXTEND_HIGH_I32X4_U, new Extend("widen32to64", true, false));
        m.put(I8X16_NARROW_I16X8_S, new Narrow("narrowS8", null));
        m.put(I8X16_NARROW_I16X8_U, new Narrow("narrowU8", null));
        m.put(I16X8_NARROW_I32X4_S, new Narrow("narrow32to16", true));
        m.put(I16X8_NARROW_I32X4_U, new Narrow("narrow32to16", false));
        m.put(I8X16_SPLAT, new Splat("splat8"));
        m.put(I16X8_SPLAT, new Splat("splat16"));
        m.put(I32X4_SPLAT, new Splat("splat32"));
        m.put(F32X4_SPLAT, new Splat("splat32"));
        m.put(I64X2_SPLAT, new Splat(null));
        m.put(F64X2_SPLAT, new Splat(null));
        m.put(I8X16_EXTRACT_LANE_S, new Extract(8, true));
        m.put(I8X16_EXTRACT_LANE_U, new Extract(8, false));
        m.put(I16X8_EXTRACT_LANE_S, new Extract(16, true));
        m.put(I16X8_EXTRACT_LANE_U, new Extract(16, false));
        m.put(I32X4_EXTRACT_LANE, new Extract(32, false));
        m.put(F32X4_EXTRACT_LANE, new Extract(32, false));
        m.put(I64X2_EXTRACT_LANE, new Extract(64, false));
        m.put(F64X2_EXTRACT_LANE, new Extract(64, false));
        m.put(I8X16_REPLACE_LANE, new Replace(8));
        m.put(I16X8_REPLACE_LANE, new Replace(16));
        m.put(I32X4_REPLACE_LANE, new Replace(32));
        m.put(F32X4_REPLACE_LANE, new Replace(32));
        m.put(I64X2_REPLACE_LANE, new Replace(64));
        m.put(F64X2_REPLACE_LANE, new Replace(64));
        return Collections.unmodifiableMap(m);
    }

    private final FunctionCompiler fc;
    /** The lane bounds of the function's body, made at its first use. */
    private SimdBounds bounds;

    SimdPairs(FunctionCompiler fc) {
        this.fc = fc;
    }

    /**
     * Emits {@code in}, instruction {@code index} of the function's {@code body}, on pairs if its opcode has a shape
     * (and returns true); otherwise emits nothing. The instructions after it are the immediate readers of its
     * result, for the peepholes of {@link #readOnlySigns} and {@link #testedAgainstZero}; {@link SimdBounds} (made
     * once per function, at its first {@code i16x8.add} or {@code i8x16.narrow_i16x8_u}) says which additions
     * cannot carry between lanes.
     */
    boolean emit(Instruction in, int index, List<Instruction> body) {
        Instruction next = index + 1 < body.size() ? body.get(index + 1) : null;
        Instruction afterNext = index + 2 < body.size() ? body.get(index + 2) : null;
        Opcode op = in.opcode();
        Shape shape = SHAPES.get(op);
        if (shape == null) {
            return false;
        }
        MethodVisitor mv = fc.mv;
        int mark = fc.nextSlot;
        // Operands into temporaries, top first: a v128 as two longs (lo at the slot, hi two above), whether it
        // came as a pair or as an object (FunctionCompiler.storeLocal reads an object's halves).
        List<ValType> params = op.params();
        int[] slots = new int[params.size()];
        for (int i = params.size() - 1; i >= 0; i--) {
            char c = fc.pop();
            slots[i] = fc.nextSlot;
            fc.nextSlot += FunctionCompiler.localSize(c);
            FunctionCompiler.storeLocal(mv, c, slots[i]);
        }
        int lane = in instanceof Instruction.Lane l ? l.lane() : -1;
        switch (shape) {
            case Lanewise(String helper) when op == I16X8_ADD && bounds(body).addWithoutCarry(index) -> {
                // no lane's sum reaches 0x10000: one long addition per half is the lane-wise addition
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    mv.visitVarInsn(LLOAD, slots[1] + half);
                    mv.visitInsn(LADD);
                }
            }
            case Lanewise(String helper) -> {
                String h = op == I8X16_EQ && readOnlySigns(next) ? "eqSigns8" : helper;
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    mv.visitVarInsn(LLOAD, slots[1] + half);
                    call(h, JJ_J);
                }
            }
            case LongInsn(int opcode) -> {
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    mv.visitVarInsn(LLOAD, slots[1] + half);
                    mv.visitInsn(opcode);
                }
            }
            case LongConst(int opcode, long constant) -> {
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    mv.visitLdcInsn(constant);
                    mv.visitInsn(opcode);
                }
            }
            case Derived(String helper, boolean zeroFirst, boolean not) -> {
                for (int half = 0; half < 4; half += 2) {
                    if (zeroFirst) {
                        mv.visitInsn(LCONST_0);
                    } else {
                        mv.visitVarInsn(LLOAD, slots[0] + half);
                    }
                    mv.visitVarInsn(LLOAD, slots[not ? 1 : 0] + half);
                    call(helper, JJ_J);
                    if (not) {
                        mv.visitLdcInsn(-1L);
                        mv.visitInsn(LXOR);
                    }
                }
            }
            case Fma(String helper, boolean negate) -> {
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    mv.visitVarInsn(LLOAD, slots[1] + half);
                    mv.visitVarInsn(LLOAD, slots[2] + half);
                    mv.visitInsn(negate ? ICONST_1 : ICONST_0);
                    call(helper, "(JJJZ)J");
                }
            }
            case Unary(String helper, Boolean flag) -> {
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    if (flag != null) {
                        mv.visitInsn(flag ? ICONST_1 : ICONST_0);
                    }
                    call(helper, flag != null ? "(JZ)J" : "(J)J");
                }
            }
            case Shift(String helper) -> {
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    mv.visitVarInsn(ILOAD, slots[1]);
                    if (helper == null) {
                        // i64x2: the JVM's long shifts take the count modulo 64, as Wasm does
                        mv.visitInsn(op == I64X2_SHL ? LSHL : op == I64X2_SHR_S ? LSHR : LUSHR);
                    } else {
                        call(helper, "(JI)J");
                    }
                }
            }
            case Extend(String helper, boolean high, boolean signed) -> {
                int source = slots[0] + (high ? 2 : 0);
                mv.visitVarInsn(LLOAD, source);
                mv.visitLdcInsn(0xFFFF_FFFFL);
                mv.visitInsn(LAND);
                mv.visitInsn(signed ? ICONST_1 : ICONST_0);
                call(helper, "(JZ)J");
                mv.visitVarInsn(LLOAD, source);
                mv.visitIntInsn(BIPUSH, 32);
                mv.visitInsn(LUSHR);
                mv.visitInsn(signed ? ICONST_1 : ICONST_0);
                call(helper, "(JZ)J");
            }
            case Narrow(String helper, Boolean signed) -> {
                // no negative lane in either operand: saturating only at 255
                String h = op == I8X16_NARROW_I16X8_U && bounds(body).narrowsNonNegative(index)
                        ? "narrowU8NonNegative" : helper;
                for (int operand = 0; operand < 2; operand++) {
                    mv.visitVarInsn(LLOAD, slots[operand]);
                    mv.visitVarInsn(LLOAD, slots[operand] + 2);
                    if (signed != null) {
                        mv.visitInsn(signed ? ICONST_1 : ICONST_0);
                    }
                    call(h, signed != null ? "(JJZ)J" : JJ_J);
                }
            }
            case Splat(String helper) -> {
                char scalar = ModuleCompiler.jvmType(params.get(0));
                mv.visitVarInsn(FunctionCompiler.opLoad(scalar), slots[0]);
                switch (scalar) {
                    case 'F' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                    case 'D' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J",
                            false);
                    default -> {
                    }
                }
                if (helper != null) {
                    call(helper, "(I)J");
                }
                mv.visitInsn(DUP2);
            }
            case Extract(int bits, boolean signed) -> extract(op, slots[0], lane, bits, signed);
            case Replace(int bits) -> replace(ModuleCompiler.jvmType(params.get(1)), slots[0], slots[1], lane, bits);
            case Special s when s == Special.SHUFFLE -> shuffle(((Instruction.Shuffle) in).lanes(), slots);
            case Special s when s == Special.BITMASK8 && testedAgainstZero(next, afterNext) -> {
                mv.visitVarInsn(LLOAD, slots[0]);
                mv.visitVarInsn(LLOAD, slots[0] + 2);
                call("anySign8", "(JJ)I");
            }
            case Special s -> special(s, slots);
        }
        fc.nextSlot = mark;
        for (ValType r : op.results()) {
            fc.push(r == NumType.V128 ? ModuleCompiler.V128_PAIR : ModuleCompiler.jvmType(r));
        }
        return true;
    }

    /**
     * Whether the instruction after an {@code i8x16.eq} reads only the sign bit of each byte of the result:
     * {@code i8x16.bitmask}. The comparison's result is on the top of the stack and the next instruction pops it,
     * so no other instruction ever sees it, and the comparison can leave out spreading each sign bit over its byte
     * (the memchr idiom {@code i8x16.bitmask(i8x16.eq(v, needle))}: two operations per half fewer).
     */
    private static boolean readOnlySigns(Instruction next) {
        return next != null && next.opcode() == I8X16_BITMASK;
    }

    /**
     * Whether the instructions after an {@code i8x16.bitmask} only test its result against zero
     * ({@code i32.eqz}, or {@code i32.const 0  i32.ne}): they pop it right away, so any int that is zero exactly
     * when the mask is (no sign bit set) gives the same answer, and the bits need no gathering (the memchr idiom
     * {@code if (bitmask(eq(v, needle)) != 0)}).
     */
    private static boolean testedAgainstZero(Instruction next, Instruction afterNext) {
        if (next == null) {
            return false;
        }
        if (next.opcode() == I32_EQZ) {
            return true;
        }
        return next instanceof Instruction.I32Const c && c.value() == 0 && afterNext != null
                && afterNext.opcode() == I32_NE;
    }

    private SimdBounds bounds(List<Instruction> body) {
        if (bounds == null) {
            bounds = SimdBounds.of(body);
        }
        return bounds;
    }

    private void call(String helper, String descriptor) {
        fc.mv.visitMethodInsn(INVOKESTATIC, OPS, helper, descriptor, false);
    }

    private void extract(Opcode op, int vector, int lane, int bits, boolean signed) {
        MethodVisitor mv = fc.mv;
        int perHalf = 64 / bits;
        mv.visitVarInsn(LLOAD, vector + (lane < perHalf ? 0 : 2));
        int shift = (lane % perHalf) * bits;
        if (shift != 0) {
            mv.visitIntInsn(BIPUSH, shift);
            mv.visitInsn(LUSHR);
        }
        if (bits == 64) {
            if (op == F64X2_EXTRACT_LANE) {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
            }
            return;
        }
        mv.visitInsn(L2I);
        switch (bits) {
            case 8 -> {
                if (signed) {
                    mv.visitInsn(I2B);
                } else {
                    FunctionCompiler.pushInt(mv, 0xFF);
                    mv.visitInsn(IAND);
                }
            }
            case 16 -> mv.visitInsn(signed ? I2S : I2C);
            default -> {
                if (op == F32X4_EXTRACT_LANE) {
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
                }
            }
        }
    }

    private void replace(char scalar, int vector, int value, int lane, int bits) {
        MethodVisitor mv = fc.mv;
        int perHalf = 64 / bits;
        boolean inHigh = lane >= perHalf;
        int shift = (lane % perHalf) * bits;
        long laneMask = bits == 64 ? -1L : (1L << bits) - 1;
        if (inHigh) {
            mv.visitVarInsn(LLOAD, vector);
        }
        // the changed half: (half & ~(mask << shift)) | ((x & mask) << shift)
        if (bits != 64) {
            mv.visitVarInsn(LLOAD, vector + (inHigh ? 2 : 0));
            mv.visitLdcInsn(~(laneMask << shift));
            mv.visitInsn(LAND);
        }
        mv.visitVarInsn(FunctionCompiler.opLoad(scalar), value);
        FunctionCompiler.toSlot(mv, scalar); // the lane's bits as a long (floats raw)
        if (bits != 64) {
            mv.visitLdcInsn(laneMask);
            mv.visitInsn(LAND);
            if (shift != 0) {
                mv.visitIntInsn(BIPUSH, shift);
                mv.visitInsn(LSHL);
            }
            mv.visitInsn(LOR);
        }
        if (!inHigh) {
            mv.visitVarInsn(LLOAD, vector + 2);
        }
    }

    /**
     * {@code i8x16.shuffle} with constant lanes: each result half is built from runs of consecutive result bytes
     * that come from consecutive bytes of one operand half, each run one shift, mask and shift of that half (a
     * byte rotation or a half swap is one or two runs; an interleave is eight single bytes).
     */
    private void shuffle(dev.basalt.wasm.V128 lanes, int[] slots) {
        MethodVisitor mv = fc.mv;
        for (int half = 0; half < 2; half++) {
            boolean first = true;
            int j = 0;
            while (j < 8) {
                int source = lanes.byteAt(half * 8 + j); // 0..31 (validated): a.lo, a.hi, b.lo, b.hi bytes
                int word = source >> 3;
                int from = source & 7;
                int length = 1;
                while (j + length < 8 && from + length < 8
                        && lanes.byteAt(half * 8 + j + length) == source + length) {
                    length++;
                }
                // (word >>> 8*from) & mask(length bytes), moved to byte j
                mv.visitVarInsn(LLOAD, slots[word >> 1] + 2 * (word & 1));
                if (from != 0) {
                    mv.visitIntInsn(BIPUSH, 8 * from);
                    mv.visitInsn(LUSHR);
                }
                if (from + length < 8) { // bytes above the run are still there
                    mv.visitLdcInsn(-1L >>> (64 - 8 * length));
                    mv.visitInsn(LAND);
                }
                if (j != 0) {
                    mv.visitIntInsn(BIPUSH, 8 * j);
                    mv.visitInsn(LSHL);
                }
                if (!first) {
                    mv.visitInsn(LOR);
                }
                first = false;
                j += length;
            }
        }
    }

    private void special(Special s, int[] slots) {
        MethodVisitor mv = fc.mv;
        switch (s) {
            case BITMASK8 -> {
                mv.visitVarInsn(LLOAD, slots[0]);
                call("gatherSigns8", "(J)I");
                mv.visitVarInsn(LLOAD, slots[0] + 2);
                call("gatherSigns8", "(J)I");
                mv.visitIntInsn(BIPUSH, 8);
                mv.visitInsn(ISHL);
                mv.visitInsn(IOR);
            }
            case ANY_TRUE -> {
                mv.visitVarInsn(LLOAD, slots[0]);
                mv.visitVarInsn(LLOAD, slots[0] + 2);
                call("anyTrue", "(JJ)I");
            }
            case NOT -> {
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    mv.visitLdcInsn(-1L);
                    mv.visitInsn(LXOR);
                }
            }
            case ANDNOT -> {
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    mv.visitVarInsn(LLOAD, slots[1] + half);
                    mv.visitLdcInsn(-1L);
                    mv.visitInsn(LXOR);
                    mv.visitInsn(LAND);
                }
            }
            case SHUFFLE -> throw new IllegalStateException("shuffle has its own method");
            case BITSELECT -> {
                // (a & mask) | (b & ~mask)
                for (int half = 0; half < 4; half += 2) {
                    mv.visitVarInsn(LLOAD, slots[0] + half);
                    mv.visitVarInsn(LLOAD, slots[2] + half);
                    mv.visitInsn(LAND);
                    mv.visitVarInsn(LLOAD, slots[1] + half);
                    mv.visitVarInsn(LLOAD, slots[2] + half);
                    mv.visitLdcInsn(-1L);
                    mv.visitInsn(LXOR);
                    mv.visitInsn(LAND);
                    mv.visitInsn(LOR);
                }
            }
        }
    }
}
