package dev.basalt.internal.interpreter;

import dev.basalt.internal.ops.SimdOps;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.V128;

/**
 * SIMD instructions (other than memory accesses and {@code v128.const}): each calls its {@link SimdOps} method.
 * Generated from the opcode table and SimdOps' signatures; layout after the cold header: Wasm opcode ordinal,
 * then the lane index or the four shuffle words.
 */
final class SimdDispatch {
    private static final Opcode[] OPS = Opcode.values();

    private SimdDispatch() {
    }

    static int exec(int[] code, int pc, long[] s, long[] hs, int sp) {
        Opcode op = OPS[code[pc]];
        int b = sp - op.params().size();
        switch (op) {
            case I8X16_SHUFFLE -> put(s, hs, b, SimdOps.i8x16Shuffle(v(s, hs, b), v(s, hs, b + 1), lanes(code, pc)));
            case I8X16_SWIZZLE -> put(s, hs, b, SimdOps.i8x16Swizzle(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_SPLAT -> put(s, hs, b, SimdOps.i8x16Splat((int) s[b]));
            case I16X8_SPLAT -> put(s, hs, b, SimdOps.i16x8Splat((int) s[b]));
            case I32X4_SPLAT -> put(s, hs, b, SimdOps.i32x4Splat((int) s[b]));
            case I64X2_SPLAT -> put(s, hs, b, SimdOps.i64x2Splat(s[b]));
            case F32X4_SPLAT -> put(s, hs, b, SimdOps.f32x4Splat(Float.intBitsToFloat((int) s[b])));
            case F64X2_SPLAT -> put(s, hs, b, SimdOps.f64x2Splat(Double.longBitsToDouble(s[b])));
            case I8X16_EXTRACT_LANE_S -> s[b] = SimdOps.i8x16ExtractLaneS(v(s, hs, b), code[pc + 1]);
            case I8X16_EXTRACT_LANE_U -> s[b] = SimdOps.i8x16ExtractLaneU(v(s, hs, b), code[pc + 1]);
            case I8X16_REPLACE_LANE -> put(s, hs, b, SimdOps.i8x16ReplaceLane(v(s, hs, b), code[pc + 1], (int) s[b + 1]));
            case I16X8_EXTRACT_LANE_S -> s[b] = SimdOps.i16x8ExtractLaneS(v(s, hs, b), code[pc + 1]);
            case I16X8_EXTRACT_LANE_U -> s[b] = SimdOps.i16x8ExtractLaneU(v(s, hs, b), code[pc + 1]);
            case I16X8_REPLACE_LANE -> put(s, hs, b, SimdOps.i16x8ReplaceLane(v(s, hs, b), code[pc + 1], (int) s[b + 1]));
            case I32X4_EXTRACT_LANE -> s[b] = SimdOps.i32x4ExtractLane(v(s, hs, b), code[pc + 1]);
            case I32X4_REPLACE_LANE -> put(s, hs, b, SimdOps.i32x4ReplaceLane(v(s, hs, b), code[pc + 1], (int) s[b + 1]));
            case I64X2_EXTRACT_LANE -> s[b] = SimdOps.i64x2ExtractLane(v(s, hs, b), code[pc + 1]);
            case I64X2_REPLACE_LANE -> put(s, hs, b, SimdOps.i64x2ReplaceLane(v(s, hs, b), code[pc + 1], s[b + 1]));
            case F32X4_EXTRACT_LANE -> s[b] = Float.floatToRawIntBits(SimdOps.f32x4ExtractLane(v(s, hs, b), code[pc + 1]));
            case F32X4_REPLACE_LANE -> put(s, hs, b, SimdOps.f32x4ReplaceLane(v(s, hs, b), code[pc + 1], Float.intBitsToFloat((int) s[b + 1])));
            case F64X2_EXTRACT_LANE -> s[b] = Double.doubleToRawLongBits(SimdOps.f64x2ExtractLane(v(s, hs, b), code[pc + 1]));
            case F64X2_REPLACE_LANE -> put(s, hs, b, SimdOps.f64x2ReplaceLane(v(s, hs, b), code[pc + 1], Double.longBitsToDouble(s[b + 1])));
            case I8X16_EQ -> put(s, hs, b, SimdOps.i8x16Eq(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_NE -> put(s, hs, b, SimdOps.i8x16Ne(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_LT_S -> put(s, hs, b, SimdOps.i8x16LtS(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_LT_U -> put(s, hs, b, SimdOps.i8x16LtU(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_GT_S -> put(s, hs, b, SimdOps.i8x16GtS(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_GT_U -> put(s, hs, b, SimdOps.i8x16GtU(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_LE_S -> put(s, hs, b, SimdOps.i8x16LeS(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_LE_U -> put(s, hs, b, SimdOps.i8x16LeU(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_GE_S -> put(s, hs, b, SimdOps.i8x16GeS(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_GE_U -> put(s, hs, b, SimdOps.i8x16GeU(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_EQ -> put(s, hs, b, SimdOps.i16x8Eq(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_NE -> put(s, hs, b, SimdOps.i16x8Ne(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_LT_S -> put(s, hs, b, SimdOps.i16x8LtS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_LT_U -> put(s, hs, b, SimdOps.i16x8LtU(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_GT_S -> put(s, hs, b, SimdOps.i16x8GtS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_GT_U -> put(s, hs, b, SimdOps.i16x8GtU(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_LE_S -> put(s, hs, b, SimdOps.i16x8LeS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_LE_U -> put(s, hs, b, SimdOps.i16x8LeU(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_GE_S -> put(s, hs, b, SimdOps.i16x8GeS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_GE_U -> put(s, hs, b, SimdOps.i16x8GeU(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_EQ -> put(s, hs, b, SimdOps.i32x4Eq(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_NE -> put(s, hs, b, SimdOps.i32x4Ne(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_LT_S -> put(s, hs, b, SimdOps.i32x4LtS(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_LT_U -> put(s, hs, b, SimdOps.i32x4LtU(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_GT_S -> put(s, hs, b, SimdOps.i32x4GtS(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_GT_U -> put(s, hs, b, SimdOps.i32x4GtU(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_LE_S -> put(s, hs, b, SimdOps.i32x4LeS(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_LE_U -> put(s, hs, b, SimdOps.i32x4LeU(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_GE_S -> put(s, hs, b, SimdOps.i32x4GeS(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_GE_U -> put(s, hs, b, SimdOps.i32x4GeU(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_EQ -> put(s, hs, b, SimdOps.f32x4Eq(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_NE -> put(s, hs, b, SimdOps.f32x4Ne(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_LT -> put(s, hs, b, SimdOps.f32x4Lt(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_GT -> put(s, hs, b, SimdOps.f32x4Gt(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_LE -> put(s, hs, b, SimdOps.f32x4Le(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_GE -> put(s, hs, b, SimdOps.f32x4Ge(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_EQ -> put(s, hs, b, SimdOps.f64x2Eq(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_NE -> put(s, hs, b, SimdOps.f64x2Ne(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_LT -> put(s, hs, b, SimdOps.f64x2Lt(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_GT -> put(s, hs, b, SimdOps.f64x2Gt(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_LE -> put(s, hs, b, SimdOps.f64x2Le(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_GE -> put(s, hs, b, SimdOps.f64x2Ge(v(s, hs, b), v(s, hs, b + 1)));
            case V128_NOT -> put(s, hs, b, SimdOps.v128Not(v(s, hs, b)));
            case V128_AND -> put(s, hs, b, SimdOps.v128And(v(s, hs, b), v(s, hs, b + 1)));
            case V128_ANDNOT -> put(s, hs, b, SimdOps.v128Andnot(v(s, hs, b), v(s, hs, b + 1)));
            case V128_OR -> put(s, hs, b, SimdOps.v128Or(v(s, hs, b), v(s, hs, b + 1)));
            case V128_XOR -> put(s, hs, b, SimdOps.v128Xor(v(s, hs, b), v(s, hs, b + 1)));
            case V128_BITSELECT -> put(s, hs, b, SimdOps.v128Bitselect(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            case V128_ANY_TRUE -> s[b] = SimdOps.v128AnyTrue(v(s, hs, b));
            case F32X4_DEMOTE_F64X2_ZERO -> put(s, hs, b, SimdOps.f32x4DemoteF64x2Zero(v(s, hs, b)));
            case F64X2_PROMOTE_LOW_F32X4 -> put(s, hs, b, SimdOps.f64x2PromoteLowF32x4(v(s, hs, b)));
            case I8X16_ABS -> put(s, hs, b, SimdOps.i8x16Abs(v(s, hs, b)));
            case I8X16_NEG -> put(s, hs, b, SimdOps.i8x16Neg(v(s, hs, b)));
            case I8X16_POPCNT -> put(s, hs, b, SimdOps.i8x16Popcnt(v(s, hs, b)));
            case I8X16_ALL_TRUE -> s[b] = SimdOps.i8x16AllTrue(v(s, hs, b));
            case I8X16_BITMASK -> s[b] = SimdOps.i8x16Bitmask(v(s, hs, b));
            case I8X16_NARROW_I16X8_S -> put(s, hs, b, SimdOps.i8x16NarrowI16x8S(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_NARROW_I16X8_U -> put(s, hs, b, SimdOps.i8x16NarrowI16x8U(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_CEIL -> put(s, hs, b, SimdOps.f32x4Ceil(v(s, hs, b)));
            case F32X4_FLOOR -> put(s, hs, b, SimdOps.f32x4Floor(v(s, hs, b)));
            case F32X4_TRUNC -> put(s, hs, b, SimdOps.f32x4Trunc(v(s, hs, b)));
            case F32X4_NEAREST -> put(s, hs, b, SimdOps.f32x4Nearest(v(s, hs, b)));
            case I8X16_SHL -> put(s, hs, b, SimdOps.i8x16Shl(v(s, hs, b), (int) s[b + 1]));
            case I8X16_SHR_S -> put(s, hs, b, SimdOps.i8x16ShrS(v(s, hs, b), (int) s[b + 1]));
            case I8X16_SHR_U -> put(s, hs, b, SimdOps.i8x16ShrU(v(s, hs, b), (int) s[b + 1]));
            case I8X16_ADD -> put(s, hs, b, SimdOps.i8x16Add(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_ADD_SAT_S -> put(s, hs, b, SimdOps.i8x16AddSatS(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_ADD_SAT_U -> put(s, hs, b, SimdOps.i8x16AddSatU(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_SUB -> put(s, hs, b, SimdOps.i8x16Sub(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_SUB_SAT_S -> put(s, hs, b, SimdOps.i8x16SubSatS(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_SUB_SAT_U -> put(s, hs, b, SimdOps.i8x16SubSatU(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_CEIL -> put(s, hs, b, SimdOps.f64x2Ceil(v(s, hs, b)));
            case F64X2_FLOOR -> put(s, hs, b, SimdOps.f64x2Floor(v(s, hs, b)));
            case I8X16_MIN_S -> put(s, hs, b, SimdOps.i8x16MinS(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_MIN_U -> put(s, hs, b, SimdOps.i8x16MinU(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_MAX_S -> put(s, hs, b, SimdOps.i8x16MaxS(v(s, hs, b), v(s, hs, b + 1)));
            case I8X16_MAX_U -> put(s, hs, b, SimdOps.i8x16MaxU(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_TRUNC -> put(s, hs, b, SimdOps.f64x2Trunc(v(s, hs, b)));
            case I8X16_AVGR_U -> put(s, hs, b, SimdOps.i8x16AvgrU(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_EXTADD_PAIRWISE_I8X16_S -> put(s, hs, b, SimdOps.i16x8ExtaddPairwiseI8x16S(v(s, hs, b)));
            case I16X8_EXTADD_PAIRWISE_I8X16_U -> put(s, hs, b, SimdOps.i16x8ExtaddPairwiseI8x16U(v(s, hs, b)));
            case I32X4_EXTADD_PAIRWISE_I16X8_S -> put(s, hs, b, SimdOps.i32x4ExtaddPairwiseI16x8S(v(s, hs, b)));
            case I32X4_EXTADD_PAIRWISE_I16X8_U -> put(s, hs, b, SimdOps.i32x4ExtaddPairwiseI16x8U(v(s, hs, b)));
            case I16X8_ABS -> put(s, hs, b, SimdOps.i16x8Abs(v(s, hs, b)));
            case I16X8_NEG -> put(s, hs, b, SimdOps.i16x8Neg(v(s, hs, b)));
            case I16X8_Q15MULR_SAT_S -> put(s, hs, b, SimdOps.i16x8Q15mulrSatS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_ALL_TRUE -> s[b] = SimdOps.i16x8AllTrue(v(s, hs, b));
            case I16X8_BITMASK -> s[b] = SimdOps.i16x8Bitmask(v(s, hs, b));
            case I16X8_NARROW_I32X4_S -> put(s, hs, b, SimdOps.i16x8NarrowI32x4S(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_NARROW_I32X4_U -> put(s, hs, b, SimdOps.i16x8NarrowI32x4U(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_EXTEND_LOW_I8X16_S -> put(s, hs, b, SimdOps.i16x8ExtendLowI8x16S(v(s, hs, b)));
            case I16X8_EXTEND_HIGH_I8X16_S -> put(s, hs, b, SimdOps.i16x8ExtendHighI8x16S(v(s, hs, b)));
            case I16X8_EXTEND_LOW_I8X16_U -> put(s, hs, b, SimdOps.i16x8ExtendLowI8x16U(v(s, hs, b)));
            case I16X8_EXTEND_HIGH_I8X16_U -> put(s, hs, b, SimdOps.i16x8ExtendHighI8x16U(v(s, hs, b)));
            case I16X8_SHL -> put(s, hs, b, SimdOps.i16x8Shl(v(s, hs, b), (int) s[b + 1]));
            case I16X8_SHR_S -> put(s, hs, b, SimdOps.i16x8ShrS(v(s, hs, b), (int) s[b + 1]));
            case I16X8_SHR_U -> put(s, hs, b, SimdOps.i16x8ShrU(v(s, hs, b), (int) s[b + 1]));
            case I16X8_ADD -> put(s, hs, b, SimdOps.i16x8Add(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_ADD_SAT_S -> put(s, hs, b, SimdOps.i16x8AddSatS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_ADD_SAT_U -> put(s, hs, b, SimdOps.i16x8AddSatU(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_SUB -> put(s, hs, b, SimdOps.i16x8Sub(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_SUB_SAT_S -> put(s, hs, b, SimdOps.i16x8SubSatS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_SUB_SAT_U -> put(s, hs, b, SimdOps.i16x8SubSatU(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_NEAREST -> put(s, hs, b, SimdOps.f64x2Nearest(v(s, hs, b)));
            case I16X8_MUL -> put(s, hs, b, SimdOps.i16x8Mul(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_MIN_S -> put(s, hs, b, SimdOps.i16x8MinS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_MIN_U -> put(s, hs, b, SimdOps.i16x8MinU(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_MAX_S -> put(s, hs, b, SimdOps.i16x8MaxS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_MAX_U -> put(s, hs, b, SimdOps.i16x8MaxU(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_AVGR_U -> put(s, hs, b, SimdOps.i16x8AvgrU(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_EXTMUL_LOW_I8X16_S -> put(s, hs, b, SimdOps.i16x8ExtmulLowI8x16S(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_EXTMUL_HIGH_I8X16_S -> put(s, hs, b, SimdOps.i16x8ExtmulHighI8x16S(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_EXTMUL_LOW_I8X16_U -> put(s, hs, b, SimdOps.i16x8ExtmulLowI8x16U(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_EXTMUL_HIGH_I8X16_U -> put(s, hs, b, SimdOps.i16x8ExtmulHighI8x16U(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_ABS -> put(s, hs, b, SimdOps.i32x4Abs(v(s, hs, b)));
            case I32X4_NEG -> put(s, hs, b, SimdOps.i32x4Neg(v(s, hs, b)));
            case I32X4_ALL_TRUE -> s[b] = SimdOps.i32x4AllTrue(v(s, hs, b));
            case I32X4_BITMASK -> s[b] = SimdOps.i32x4Bitmask(v(s, hs, b));
            case I32X4_EXTEND_LOW_I16X8_S -> put(s, hs, b, SimdOps.i32x4ExtendLowI16x8S(v(s, hs, b)));
            case I32X4_EXTEND_HIGH_I16X8_S -> put(s, hs, b, SimdOps.i32x4ExtendHighI16x8S(v(s, hs, b)));
            case I32X4_EXTEND_LOW_I16X8_U -> put(s, hs, b, SimdOps.i32x4ExtendLowI16x8U(v(s, hs, b)));
            case I32X4_EXTEND_HIGH_I16X8_U -> put(s, hs, b, SimdOps.i32x4ExtendHighI16x8U(v(s, hs, b)));
            case I32X4_SHL -> put(s, hs, b, SimdOps.i32x4Shl(v(s, hs, b), (int) s[b + 1]));
            case I32X4_SHR_S -> put(s, hs, b, SimdOps.i32x4ShrS(v(s, hs, b), (int) s[b + 1]));
            case I32X4_SHR_U -> put(s, hs, b, SimdOps.i32x4ShrU(v(s, hs, b), (int) s[b + 1]));
            case I32X4_ADD -> put(s, hs, b, SimdOps.i32x4Add(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_SUB -> put(s, hs, b, SimdOps.i32x4Sub(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_MUL -> put(s, hs, b, SimdOps.i32x4Mul(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_MIN_S -> put(s, hs, b, SimdOps.i32x4MinS(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_MIN_U -> put(s, hs, b, SimdOps.i32x4MinU(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_MAX_S -> put(s, hs, b, SimdOps.i32x4MaxS(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_MAX_U -> put(s, hs, b, SimdOps.i32x4MaxU(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_DOT_I16X8_S -> put(s, hs, b, SimdOps.i32x4DotI16x8S(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_EXTMUL_LOW_I16X8_S -> put(s, hs, b, SimdOps.i32x4ExtmulLowI16x8S(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_EXTMUL_HIGH_I16X8_S -> put(s, hs, b, SimdOps.i32x4ExtmulHighI16x8S(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_EXTMUL_LOW_I16X8_U -> put(s, hs, b, SimdOps.i32x4ExtmulLowI16x8U(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_EXTMUL_HIGH_I16X8_U -> put(s, hs, b, SimdOps.i32x4ExtmulHighI16x8U(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_ABS -> put(s, hs, b, SimdOps.i64x2Abs(v(s, hs, b)));
            case I64X2_NEG -> put(s, hs, b, SimdOps.i64x2Neg(v(s, hs, b)));
            case I64X2_ALL_TRUE -> s[b] = SimdOps.i64x2AllTrue(v(s, hs, b));
            case I64X2_BITMASK -> s[b] = SimdOps.i64x2Bitmask(v(s, hs, b));
            case I64X2_EXTEND_LOW_I32X4_S -> put(s, hs, b, SimdOps.i64x2ExtendLowI32x4S(v(s, hs, b)));
            case I64X2_EXTEND_HIGH_I32X4_S -> put(s, hs, b, SimdOps.i64x2ExtendHighI32x4S(v(s, hs, b)));
            case I64X2_EXTEND_LOW_I32X4_U -> put(s, hs, b, SimdOps.i64x2ExtendLowI32x4U(v(s, hs, b)));
            case I64X2_EXTEND_HIGH_I32X4_U -> put(s, hs, b, SimdOps.i64x2ExtendHighI32x4U(v(s, hs, b)));
            case I64X2_SHL -> put(s, hs, b, SimdOps.i64x2Shl(v(s, hs, b), (int) s[b + 1]));
            case I64X2_SHR_S -> put(s, hs, b, SimdOps.i64x2ShrS(v(s, hs, b), (int) s[b + 1]));
            case I64X2_SHR_U -> put(s, hs, b, SimdOps.i64x2ShrU(v(s, hs, b), (int) s[b + 1]));
            case I64X2_ADD -> put(s, hs, b, SimdOps.i64x2Add(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_SUB -> put(s, hs, b, SimdOps.i64x2Sub(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_MUL -> put(s, hs, b, SimdOps.i64x2Mul(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_EQ -> put(s, hs, b, SimdOps.i64x2Eq(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_NE -> put(s, hs, b, SimdOps.i64x2Ne(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_LT_S -> put(s, hs, b, SimdOps.i64x2LtS(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_GT_S -> put(s, hs, b, SimdOps.i64x2GtS(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_LE_S -> put(s, hs, b, SimdOps.i64x2LeS(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_GE_S -> put(s, hs, b, SimdOps.i64x2GeS(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_EXTMUL_LOW_I32X4_S -> put(s, hs, b, SimdOps.i64x2ExtmulLowI32x4S(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_EXTMUL_HIGH_I32X4_S -> put(s, hs, b, SimdOps.i64x2ExtmulHighI32x4S(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_EXTMUL_LOW_I32X4_U -> put(s, hs, b, SimdOps.i64x2ExtmulLowI32x4U(v(s, hs, b), v(s, hs, b + 1)));
            case I64X2_EXTMUL_HIGH_I32X4_U -> put(s, hs, b, SimdOps.i64x2ExtmulHighI32x4U(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_ABS -> put(s, hs, b, SimdOps.f32x4Abs(v(s, hs, b)));
            case F32X4_NEG -> put(s, hs, b, SimdOps.f32x4Neg(v(s, hs, b)));
            case F32X4_SQRT -> put(s, hs, b, SimdOps.f32x4Sqrt(v(s, hs, b)));
            case F32X4_ADD -> put(s, hs, b, SimdOps.f32x4Add(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_SUB -> put(s, hs, b, SimdOps.f32x4Sub(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_MUL -> put(s, hs, b, SimdOps.f32x4Mul(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_DIV -> put(s, hs, b, SimdOps.f32x4Div(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_MIN -> put(s, hs, b, SimdOps.f32x4Min(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_MAX -> put(s, hs, b, SimdOps.f32x4Max(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_PMIN -> put(s, hs, b, SimdOps.f32x4Pmin(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_PMAX -> put(s, hs, b, SimdOps.f32x4Pmax(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_ABS -> put(s, hs, b, SimdOps.f64x2Abs(v(s, hs, b)));
            case F64X2_NEG -> put(s, hs, b, SimdOps.f64x2Neg(v(s, hs, b)));
            case F64X2_SQRT -> put(s, hs, b, SimdOps.f64x2Sqrt(v(s, hs, b)));
            case F64X2_ADD -> put(s, hs, b, SimdOps.f64x2Add(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_SUB -> put(s, hs, b, SimdOps.f64x2Sub(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_MUL -> put(s, hs, b, SimdOps.f64x2Mul(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_DIV -> put(s, hs, b, SimdOps.f64x2Div(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_MIN -> put(s, hs, b, SimdOps.f64x2Min(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_MAX -> put(s, hs, b, SimdOps.f64x2Max(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_PMIN -> put(s, hs, b, SimdOps.f64x2Pmin(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_PMAX -> put(s, hs, b, SimdOps.f64x2Pmax(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_TRUNC_SAT_F32X4_S -> put(s, hs, b, SimdOps.i32x4TruncSatF32x4S(v(s, hs, b)));
            case I32X4_TRUNC_SAT_F32X4_U -> put(s, hs, b, SimdOps.i32x4TruncSatF32x4U(v(s, hs, b)));
            case F32X4_CONVERT_I32X4_S -> put(s, hs, b, SimdOps.f32x4ConvertI32x4S(v(s, hs, b)));
            case F32X4_CONVERT_I32X4_U -> put(s, hs, b, SimdOps.f32x4ConvertI32x4U(v(s, hs, b)));
            case I32X4_TRUNC_SAT_F64X2_S_ZERO -> put(s, hs, b, SimdOps.i32x4TruncSatF64x2SZero(v(s, hs, b)));
            case I32X4_TRUNC_SAT_F64X2_U_ZERO -> put(s, hs, b, SimdOps.i32x4TruncSatF64x2UZero(v(s, hs, b)));
            case F64X2_CONVERT_LOW_I32X4_S -> put(s, hs, b, SimdOps.f64x2ConvertLowI32x4S(v(s, hs, b)));
            case F64X2_CONVERT_LOW_I32X4_U -> put(s, hs, b, SimdOps.f64x2ConvertLowI32x4U(v(s, hs, b)));
            case I8X16_RELAXED_SWIZZLE -> put(s, hs, b, SimdOps.i8x16RelaxedSwizzle(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_RELAXED_TRUNC_F32X4_S -> put(s, hs, b, SimdOps.i32x4RelaxedTruncF32x4S(v(s, hs, b)));
            case I32X4_RELAXED_TRUNC_F32X4_U -> put(s, hs, b, SimdOps.i32x4RelaxedTruncF32x4U(v(s, hs, b)));
            case I32X4_RELAXED_TRUNC_F64X2_S_ZERO -> put(s, hs, b, SimdOps.i32x4RelaxedTruncF64x2SZero(v(s, hs, b)));
            case I32X4_RELAXED_TRUNC_F64X2_U_ZERO -> put(s, hs, b, SimdOps.i32x4RelaxedTruncF64x2UZero(v(s, hs, b)));
            case F32X4_RELAXED_MADD -> put(s, hs, b, SimdOps.f32x4RelaxedMadd(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            case F32X4_RELAXED_NMADD -> put(s, hs, b, SimdOps.f32x4RelaxedNmadd(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            case F64X2_RELAXED_MADD -> put(s, hs, b, SimdOps.f64x2RelaxedMadd(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            case F64X2_RELAXED_NMADD -> put(s, hs, b, SimdOps.f64x2RelaxedNmadd(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            case I8X16_RELAXED_LANESELECT -> put(s, hs, b, SimdOps.i8x16RelaxedLaneselect(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            case I16X8_RELAXED_LANESELECT -> put(s, hs, b, SimdOps.i16x8RelaxedLaneselect(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            case I32X4_RELAXED_LANESELECT -> put(s, hs, b, SimdOps.i32x4RelaxedLaneselect(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            case I64X2_RELAXED_LANESELECT -> put(s, hs, b, SimdOps.i64x2RelaxedLaneselect(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            case F32X4_RELAXED_MIN -> put(s, hs, b, SimdOps.f32x4RelaxedMin(v(s, hs, b), v(s, hs, b + 1)));
            case F32X4_RELAXED_MAX -> put(s, hs, b, SimdOps.f32x4RelaxedMax(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_RELAXED_MIN -> put(s, hs, b, SimdOps.f64x2RelaxedMin(v(s, hs, b), v(s, hs, b + 1)));
            case F64X2_RELAXED_MAX -> put(s, hs, b, SimdOps.f64x2RelaxedMax(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_RELAXED_Q15MULR_S -> put(s, hs, b, SimdOps.i16x8RelaxedQ15mulrS(v(s, hs, b), v(s, hs, b + 1)));
            case I16X8_RELAXED_DOT_I8X16_I7X16_S -> put(s, hs, b, SimdOps.i16x8RelaxedDotI8x16I7x16S(v(s, hs, b), v(s, hs, b + 1)));
            case I32X4_RELAXED_DOT_I8X16_I7X16_ADD_S -> put(s, hs, b, SimdOps.i32x4RelaxedDotI8x16I7x16AddS(v(s, hs, b), v(s, hs, b + 1), v(s, hs, b + 2)));
            default -> throw new IllegalStateException("not a SIMD instruction: " + op);
        }
        return b + op.results().size();
    }

    private static V128 v(long[] s, long[] hs, int i) {
        return new V128(s[i], hs[i]);
    }

    private static void put(long[] s, long[] hs, int i, V128 v) {
        s[i] = v.lo();
        hs[i] = v.hi();
    }

    private static V128 lanes(int[] code, int pc) {
        return new V128((code[pc + 1] & 0xFFFF_FFFFL) | ((long) code[pc + 2] << 32),
                (code[pc + 3] & 0xFFFF_FFFFL) | ((long) code[pc + 4] << 32));
    }
}
