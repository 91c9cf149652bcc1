package dev.basalt.internal.interpreter;

import static dev.basalt.internal.interpreter.Interpreter.f32;
import static dev.basalt.internal.interpreter.Interpreter.f32b;
import static dev.basalt.internal.interpreter.Interpreter.f64;
import static dev.basalt.internal.interpreter.Interpreter.f64b;

import dev.basalt.internal.ops.NumericOps;

/**
 * The scalar instructions the hot loop does not inline (rounding, min/max, conversions): each is a single call
 * into {@link NumericOps}, which holds the semantics shared with the compiler. Operates in place on the stack top.
 */
final class Numeric {
    private Numeric() {
    }

    /** Executes {@code op} on the stack top; returns the new stack pointer. */
    static int exec(int op, long[] s, int sp) {
        int t = sp - 1;
        switch (op) {
            case Op.F32_CEIL -> s[t] = f32b(NumericOps.f32Ceil(f32(s[t])));
            case Op.F32_FLOOR -> s[t] = f32b(NumericOps.f32Floor(f32(s[t])));
            case Op.F32_TRUNC -> s[t] = f32b(NumericOps.f32Trunc(f32(s[t])));
            case Op.F32_NEAREST -> s[t] = f32b(NumericOps.f32Nearest(f32(s[t])));
            case Op.F32_SQRT -> s[t] = f32b(NumericOps.f32Sqrt(f32(s[t])));
            case Op.F32_MIN -> {
                s[t - 1] = f32b(NumericOps.f32Min(f32(s[t - 1]), f32(s[t])));
                return sp - 1;
            }
            case Op.F32_MAX -> {
                s[t - 1] = f32b(NumericOps.f32Max(f32(s[t - 1]), f32(s[t])));
                return sp - 1;
            }
            case Op.F64_CEIL -> s[t] = f64b(NumericOps.f64Ceil(f64(s[t])));
            case Op.F64_FLOOR -> s[t] = f64b(NumericOps.f64Floor(f64(s[t])));
            case Op.F64_TRUNC -> s[t] = f64b(NumericOps.f64Trunc(f64(s[t])));
            case Op.F64_NEAREST -> s[t] = f64b(NumericOps.f64Nearest(f64(s[t])));
            case Op.F64_SQRT -> s[t] = f64b(NumericOps.f64Sqrt(f64(s[t])));
            case Op.F64_MIN -> {
                s[t - 1] = f64b(NumericOps.f64Min(f64(s[t - 1]), f64(s[t])));
                return sp - 1;
            }
            case Op.F64_MAX -> {
                s[t - 1] = f64b(NumericOps.f64Max(f64(s[t - 1]), f64(s[t])));
                return sp - 1;
            }
            case Op.I32_TRUNC_F32_S -> s[t] = NumericOps.i32TruncF32S(f32(s[t]));
            case Op.I32_TRUNC_F32_U -> s[t] = NumericOps.i32TruncF32U(f32(s[t]));
            case Op.I32_TRUNC_F64_S -> s[t] = NumericOps.i32TruncF64S(f64(s[t]));
            case Op.I32_TRUNC_F64_U -> s[t] = NumericOps.i32TruncF64U(f64(s[t]));
            case Op.I64_TRUNC_F32_S -> s[t] = NumericOps.i64TruncF32S(f32(s[t]));
            case Op.I64_TRUNC_F32_U -> s[t] = NumericOps.i64TruncF32U(f32(s[t]));
            case Op.I64_TRUNC_F64_S -> s[t] = NumericOps.i64TruncF64S(f64(s[t]));
            case Op.I64_TRUNC_F64_U -> s[t] = NumericOps.i64TruncF64U(f64(s[t]));
            case Op.I32_TRUNC_SAT_F32_S -> s[t] = NumericOps.i32TruncSatF32S(f32(s[t]));
            case Op.I32_TRUNC_SAT_F32_U -> s[t] = NumericOps.i32TruncSatF32U(f32(s[t]));
            case Op.I32_TRUNC_SAT_F64_S -> s[t] = NumericOps.i32TruncSatF64S(f64(s[t]));
            case Op.I32_TRUNC_SAT_F64_U -> s[t] = NumericOps.i32TruncSatF64U(f64(s[t]));
            case Op.I64_TRUNC_SAT_F32_S -> s[t] = NumericOps.i64TruncSatF32S(f32(s[t]));
            case Op.I64_TRUNC_SAT_F32_U -> s[t] = NumericOps.i64TruncSatF32U(f32(s[t]));
            case Op.I64_TRUNC_SAT_F64_S -> s[t] = NumericOps.i64TruncSatF64S(f64(s[t]));
            case Op.I64_TRUNC_SAT_F64_U -> s[t] = NumericOps.i64TruncSatF64U(f64(s[t]));
            case Op.F32_CONVERT_I32_S -> s[t] = f32b((float) (int) s[t]);
            case Op.F32_CONVERT_I32_U -> s[t] = f32b(NumericOps.f32ConvertI32U((int) s[t]));
            case Op.F32_CONVERT_I64_S -> s[t] = f32b((float) s[t]);
            case Op.F32_CONVERT_I64_U -> s[t] = f32b(NumericOps.f32ConvertI64U(s[t]));
            case Op.F32_DEMOTE_F64 -> s[t] = f32b(NumericOps.f32DemoteF64(f64(s[t])));
            case Op.F64_CONVERT_I32_S -> s[t] = f64b((double) (int) s[t]);
            case Op.F64_CONVERT_I32_U -> s[t] = f64b(NumericOps.f64ConvertI32U((int) s[t]));
            case Op.F64_CONVERT_I64_S -> s[t] = f64b((double) s[t]);
            case Op.F64_CONVERT_I64_U -> s[t] = f64b(NumericOps.f64ConvertI64U(s[t]));
            case Op.F64_PROMOTE_F32 -> s[t] = f64b(NumericOps.f64PromoteF32(f32(s[t])));
            default -> throw new IllegalStateException("bad interpreter opcode " + op + " (" + name(op) + ")");
        }
        return sp;
    }

    static String name(int op) {
        return op >= 0 && op < Op.NAMES.length ? Op.NAMES[op] : "?";
    }
}
