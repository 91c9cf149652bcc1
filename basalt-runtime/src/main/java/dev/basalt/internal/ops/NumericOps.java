package dev.basalt.internal.ops;

import dev.basalt.Trap;
import dev.basalt.TrapKind;

/**
 * Semantics of the scalar numeric instructions whose meaning is not a single Java operator: trapping division,
 * bit counting, float-to-int truncation (trapping and saturating), unsigned conversions, IEEE min/max/nearest with
 * Wasm's NaN rules, bitwise float sign operations, and wide arithmetic. The interpreter calls these methods and the
 * compiler emits {@code invokestatic} to them, so both engines share one definition of every instruction.
 *
 * <p>Instructions that <em>are</em> a single Java operator are not repeated here: {@code i32.add} is {@code a + b},
 * {@code i32.shl} is {@code a << b} (Java masks the shift count exactly as Wasm does), {@code f64.add} is
 * {@code a + b}, {@code f32.convert_i32_s} is {@code (float) a}, {@code i32.wrap_i64} is {@code (int) a},
 * {@code i64.extend_i32_s} is {@code (long) a}, comparisons are Java comparisons (false on NaN, {@code ne} true),
 * and unsigned comparisons are {@link Integer#compareUnsigned}/{@link Long#compareUnsigned}.
 *
 * <h2>NaN rules</h2>
 * Wasm requires that an arithmetic result that is NaN be the canonical NaN if all NaN inputs were canonical, and
 * otherwise any <em>arithmetic</em> NaN (quiet bit set). The canonical NaN is itself arithmetic, so returning the
 * canonical NaN is always allowed; the methods here that must produce a NaN ({@code min}, {@code max},
 * {@code nearest}, {@code ceil}, {@code floor}, {@code trunc}, {@code demote}, {@code promote}) do exactly that, which
 * makes them deterministic across platforms. For {@code add}, {@code sub}, {@code mul}, {@code div} and
 * {@code sqrt} the engines use Java's operators and {@link Math#sqrt}: on HotSpot (x86-64 SSE/AVX and AArch64, the
 * JVM's only floating-point units) these return a quieted input NaN or the default NaN, both of which satisfy the
 * rule. {@code abs}, {@code neg}, {@code copysign} and the reinterpretations work on raw bits and preserve every
 * payload bit, as the spec requires; they rely on {@link Float#floatToRawIntBits} and
 * {@link Float#intBitsToFloat} not altering signalling NaNs, which holds on HotSpot's 64-bit platforms.
 *
 * <h2>Wide arithmetic</h2>
 * {@code i64.add128}, {@code i64.sub128}, {@code i64.mul_wide_s} and {@code i64.mul_wide_u} produce two i64 results.
 * To stay allocation-free each is split into a method for the low half ({@code ...Lo}) and one for the high half
 * ({@code ...Hi}), both taking the same operands; an engine calls both and pushes low first, then high (the
 * order of the results on the Wasm stack).
 *
 * @see <a href="https://webassembly.github.io/spec/core/exec/numerics.html">Wasm numerics</a>
 */
public final class NumericOps {
    private NumericOps() {
    }

    /** Bits of the canonical f32 NaN (positive). */
    public static final int F32_CANONICAL_NAN_BITS = 0x7FC0_0000;
    /** Bits of the canonical f64 NaN (positive). */
    public static final long F64_CANONICAL_NAN_BITS = 0x7FF8_0000_0000_0000L;
    /** The canonical f32 NaN. */
    public static final float F32_CANONICAL_NAN = Float.intBitsToFloat(F32_CANONICAL_NAN_BITS);
    /** The canonical f64 NaN. */
    public static final double F64_CANONICAL_NAN = Double.longBitsToDouble(F64_CANONICAL_NAN_BITS);

    private static final int F32_SIGN = 0x8000_0000;
    private static final long F64_SIGN = 0x8000_0000_0000_0000L;
    private static final float TWO_POW_31_F = 2147483648f;
    private static final float TWO_POW_32_F = 4294967296f;
    private static final float TWO_POW_63_F = 9223372036854775808f;
    private static final float TWO_POW_64_F = 18446744073709551616f;
    private static final double TWO_POW_31 = 2147483648d;
    private static final double TWO_POW_32 = 4294967296d;
    private static final double TWO_POW_63 = 9223372036854775808d;
    private static final double TWO_POW_64 = 18446744073709551616d;

    // ------------------------------------------------------------------ traps (kept out of line: cold paths)

    private static Trap divideByZero() {
        return new Trap(TrapKind.INTEGER_DIVIDE_BY_ZERO);
    }

    private static Trap integerOverflow() {
        return new Trap(TrapKind.INTEGER_OVERFLOW);
    }

    private static Trap invalidConversion() {
        return new Trap(TrapKind.INVALID_CONVERSION_TO_INTEGER);
    }

    // ------------------------------------------------------------------ i32 division

    /** {@code i32.div_s}: traps on a zero divisor and on {@code MIN_VALUE / -1}. */
    public static int i32DivS(int a, int b) {
        if (b == 0) {
            throw divideByZero();
        }
        if (a == Integer.MIN_VALUE && b == -1) {
            throw integerOverflow();
        }
        return a / b;
    }

    /** {@code i32.div_u}. */
    public static int i32DivU(int a, int b) {
        if (b == 0) {
            throw divideByZero();
        }
        return Integer.divideUnsigned(a, b);
    }

    /** {@code i32.rem_s}: {@code MIN_VALUE % -1} is 0 (Java agrees; no trap). */
    public static int i32RemS(int a, int b) {
        if (b == 0) {
            throw divideByZero();
        }
        return a % b;
    }

    /** {@code i32.rem_u}. */
    public static int i32RemU(int a, int b) {
        if (b == 0) {
            throw divideByZero();
        }
        return Integer.remainderUnsigned(a, b);
    }

    // ------------------------------------------------------------------ i64 division

    /** {@code i64.div_s}: traps on a zero divisor and on {@code MIN_VALUE / -1}. */
    public static long i64DivS(long a, long b) {
        if (b == 0) {
            throw divideByZero();
        }
        if (a == Long.MIN_VALUE && b == -1) {
            throw integerOverflow();
        }
        return a / b;
    }

    /** {@code i64.div_u}. */
    public static long i64DivU(long a, long b) {
        if (b == 0) {
            throw divideByZero();
        }
        return Long.divideUnsigned(a, b);
    }

    /** {@code i64.rem_s}: {@code MIN_VALUE % -1} is 0 (Java agrees; no trap). */
    public static long i64RemS(long a, long b) {
        if (b == 0) {
            throw divideByZero();
        }
        return a % b;
    }

    /** {@code i64.rem_u}. */
    public static long i64RemU(long a, long b) {
        if (b == 0) {
            throw divideByZero();
        }
        return Long.remainderUnsigned(a, b);
    }

    // ------------------------------------------------------------------ bit counting and rotation

    /** {@code i32.clz}. */
    public static int i32Clz(int a) {
        return Integer.numberOfLeadingZeros(a);
    }

    /** {@code i32.ctz}. */
    public static int i32Ctz(int a) {
        return Integer.numberOfTrailingZeros(a);
    }

    /** {@code i32.popcnt}. */
    public static int i32Popcnt(int a) {
        return Integer.bitCount(a);
    }

    /** {@code i32.rotl}: the count is taken modulo 32, as {@link Integer#rotateLeft} does. */
    public static int i32Rotl(int a, int b) {
        return Integer.rotateLeft(a, b);
    }

    /** {@code i32.rotr}. */
    public static int i32Rotr(int a, int b) {
        return Integer.rotateRight(a, b);
    }

    /** {@code i64.clz}, widened to i64. */
    public static long i64Clz(long a) {
        return Long.numberOfLeadingZeros(a);
    }

    /** {@code i64.ctz}. */
    public static long i64Ctz(long a) {
        return Long.numberOfTrailingZeros(a);
    }

    /** {@code i64.popcnt}. */
    public static long i64Popcnt(long a) {
        return Long.bitCount(a);
    }

    /** {@code i64.rotl}: the count is taken modulo 64. */
    public static long i64Rotl(long a, long b) {
        return Long.rotateLeft(a, (int) b);
    }

    /** {@code i64.rotr}. */
    public static long i64Rotr(long a, long b) {
        return Long.rotateRight(a, (int) b);
    }

    // ------------------------------------------------------------------ sign extension and integer conversions

    /** {@code i32.extend8_s}. */
    public static int i32Extend8S(int a) {
        return (byte) a;
    }

    /** {@code i32.extend16_s}. */
    public static int i32Extend16S(int a) {
        return (short) a;
    }

    /** {@code i64.extend8_s}. */
    public static long i64Extend8S(long a) {
        return (byte) a;
    }

    /** {@code i64.extend16_s}. */
    public static long i64Extend16S(long a) {
        return (short) a;
    }

    /** {@code i64.extend32_s}. */
    public static long i64Extend32S(long a) {
        return (int) a;
    }

    /** {@code i64.extend_i32_u}. */
    public static long i64ExtendI32U(int a) {
        return Integer.toUnsignedLong(a);
    }

    // ------------------------------------------------------------------ trapping float -> int truncation
    // A value is in range when its truncation is; the bounds below are exact in the source type. NaN fails every
    // comparison, so it reaches the NaN check only on the out-of-range path.

    /** {@code i32.trunc_f32_s}. */
    public static int i32TruncF32S(float a) {
        if (a >= -TWO_POW_31_F && a < TWO_POW_31_F) {
            return (int) a;
        }
        throw a != a ? invalidConversion() : integerOverflow();
    }

    /** {@code i32.trunc_f32_u}. */
    public static int i32TruncF32U(float a) {
        if (a > -1f && a < TWO_POW_32_F) {
            return (int) (long) a;
        }
        throw a != a ? invalidConversion() : integerOverflow();
    }

    /** {@code i32.trunc_f64_s}. */
    public static int i32TruncF64S(double a) {
        if (a > -TWO_POW_31 - 1d && a < TWO_POW_31) {
            return (int) a;
        }
        throw a != a ? invalidConversion() : integerOverflow();
    }

    /** {@code i32.trunc_f64_u}. */
    public static int i32TruncF64U(double a) {
        if (a > -1d && a < TWO_POW_32) {
            return (int) (long) a;
        }
        throw a != a ? invalidConversion() : integerOverflow();
    }

    /** {@code i64.trunc_f32_s}. */
    public static long i64TruncF32S(float a) {
        if (a >= -TWO_POW_63_F && a < TWO_POW_63_F) {
            return (long) a;
        }
        throw a != a ? invalidConversion() : integerOverflow();
    }

    /** {@code i64.trunc_f32_u}. */
    public static long i64TruncF32U(float a) {
        if (a > -1f && a < TWO_POW_64_F) {
            return unsignedLongOf(a);
        }
        throw a != a ? invalidConversion() : integerOverflow();
    }

    /** {@code i64.trunc_f64_s}. */
    public static long i64TruncF64S(double a) {
        if (a >= -TWO_POW_63 && a < TWO_POW_63) {
            return (long) a;
        }
        throw a != a ? invalidConversion() : integerOverflow();
    }

    /** {@code i64.trunc_f64_u}. */
    public static long i64TruncF64U(double a) {
        if (a > -1d && a < TWO_POW_64) {
            return unsignedLongOf(a);
        }
        throw a != a ? invalidConversion() : integerOverflow();
    }

    /** Truncates a value in (-1, 2^64) to an unsigned 64-bit integer. */
    private static long unsignedLongOf(double a) {
        if (a < TWO_POW_63) {
            return (long) a;
        }
        // a in [2^63, 2^64): subtracting 2^63 is exact (same exponent range), then set the top bit.
        return (long) (a - TWO_POW_63) | Long.MIN_VALUE;
    }

    // ------------------------------------------------------------------ saturating float -> int truncation
    // Java's narrowing conversions already saturate and map NaN to 0 for the signed cases (JLS 5.1.3).

    /** {@code i32.trunc_sat_f32_s}. */
    public static int i32TruncSatF32S(float a) {
        return (int) a;
    }

    /** {@code i32.trunc_sat_f32_u}. */
    public static int i32TruncSatF32U(float a) {
        return i32TruncSatF64U(a);
    }

    /** {@code i32.trunc_sat_f64_s}. */
    public static int i32TruncSatF64S(double a) {
        return (int) a;
    }

    /** {@code i32.trunc_sat_f64_u}. */
    public static int i32TruncSatF64U(double a) {
        if (!(a > 0d)) { // NaN, negative, zero
            return 0;
        }
        if (a >= TWO_POW_32) {
            return -1;
        }
        return (int) (long) a;
    }

    /** {@code i64.trunc_sat_f32_s}. */
    public static long i64TruncSatF32S(float a) {
        return (long) a;
    }

    /** {@code i64.trunc_sat_f32_u}. */
    public static long i64TruncSatF32U(float a) {
        return i64TruncSatF64U(a);
    }

    /** {@code i64.trunc_sat_f64_s}. */
    public static long i64TruncSatF64S(double a) {
        return (long) a;
    }

    /** {@code i64.trunc_sat_f64_u}. */
    public static long i64TruncSatF64U(double a) {
        if (!(a > 0d)) {
            return 0;
        }
        if (a >= TWO_POW_64) {
            return -1L;
        }
        return unsignedLongOf(a);
    }

    // ------------------------------------------------------------------ int -> float conversions
    // Java's int/long -> float/double conversions round to nearest, ties to even (JLS 5.1.2), as Wasm requires.

    /** {@code f32.convert_i32_u}: exact widening to long, then one correctly rounded conversion. */
    public static float f32ConvertI32U(int a) {
        return (float) Integer.toUnsignedLong(a);
    }

    /**
     * {@code f32.convert_i64_u}. For values with the top bit set, halve with a sticky bit ({@code (a >>> 1) | (a & 1)})
     * so that the single rounding step of the signed conversion sees every bit that matters, then double exactly.
     * (Converting through double would round twice and be wrong, e.g. for 0x8000008000000001.)
     */
    public static float f32ConvertI64U(long a) {
        if (a >= 0) {
            return (float) a;
        }
        return (float) ((a >>> 1) | (a & 1)) * 2f;
    }

    /** {@code f64.convert_i32_u}: exact. */
    public static double f64ConvertI32U(int a) {
        return (double) Integer.toUnsignedLong(a);
    }

    /** {@code f64.convert_i64_u}, with the same sticky-bit halving as {@link #f32ConvertI64U}. */
    public static double f64ConvertI64U(long a) {
        if (a >= 0) {
            return (double) a;
        }
        return (double) ((a >>> 1) | (a & 1)) * 2d;
    }

    /** {@code f32.demote_f64}: correctly rounded; a NaN becomes the canonical NaN (see the class comment). */
    public static float f32DemoteF64(double a) {
        return a != a ? F32_CANONICAL_NAN : (float) a;
    }

    /** {@code f64.promote_f32}: exact; a NaN becomes the canonical NaN. */
    public static double f64PromoteF32(float a) {
        return a != a ? F64_CANONICAL_NAN : (double) a;
    }

    // ------------------------------------------------------------------ reinterpretations (raw bits, payload kept)

    /** {@code i32.reinterpret_f32}. */
    public static int i32ReinterpretF32(float a) {
        return Float.floatToRawIntBits(a);
    }

    /** {@code i64.reinterpret_f64}. */
    public static long i64ReinterpretF64(double a) {
        return Double.doubleToRawLongBits(a);
    }

    /** {@code f32.reinterpret_i32}. */
    public static float f32ReinterpretI32(int a) {
        return Float.intBitsToFloat(a);
    }

    /** {@code f64.reinterpret_i64}. */
    public static double f64ReinterpretI64(long a) {
        return Double.longBitsToDouble(a);
    }

    // ------------------------------------------------------------------ f32 unary / binary

    /** {@code f32.abs}: clears the sign bit only (NaN payload kept). */
    public static float f32Abs(float a) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(a) & ~F32_SIGN);
    }

    /** {@code f32.neg}: flips the sign bit only. */
    public static float f32Neg(float a) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(a) ^ F32_SIGN);
    }

    /** {@code f32.copysign}: magnitude bits of {@code a}, sign bit of {@code b}. */
    public static float f32Copysign(float a, float b) {
        return Float.intBitsToFloat((Float.floatToRawIntBits(a) & ~F32_SIGN) | (Float.floatToRawIntBits(b) & F32_SIGN));
    }

    /** {@code f32.sqrt}: the double square root of a float, rounded to float, is the correctly rounded result. */
    public static float f32Sqrt(float a) {
        return (float) Math.sqrt(a);
    }

    /** {@code f32.ceil}. */
    public static float f32Ceil(float a) {
        return a != a ? F32_CANONICAL_NAN : (float) Math.ceil(a);
    }

    /** {@code f32.floor}. */
    public static float f32Floor(float a) {
        return a != a ? F32_CANONICAL_NAN : (float) Math.floor(a);
    }

    /** {@code f32.trunc}: towards zero; keeps the sign of zero results (trunc(-0.5) = -0). */
    public static float f32Trunc(float a) {
        if (a != a) {
            return F32_CANONICAL_NAN;
        }
        return (float) (a < 0 ? Math.ceil(a) : Math.floor(a));
    }

    /** {@code f32.nearest}: round half to even ({@link Math#rint}), sign of zero kept. Exact via double. */
    public static float f32Nearest(float a) {
        return a != a ? F32_CANONICAL_NAN : (float) Math.rint(a);
    }

    /** {@code f32.min}: NaN if either operand is NaN, and -0 is smaller than +0. */
    public static float f32Min(float a, float b) {
        if (a != a || b != b) {
            return F32_CANONICAL_NAN;
        }
        if (a == b) { // covers -0 vs +0: the result has a sign bit if either has
            return Float.intBitsToFloat(Float.floatToRawIntBits(a) | Float.floatToRawIntBits(b));
        }
        return a < b ? a : b;
    }

    /** {@code f32.max}: NaN if either operand is NaN, and +0 is larger than -0. */
    public static float f32Max(float a, float b) {
        if (a != a || b != b) {
            return F32_CANONICAL_NAN;
        }
        if (a == b) {
            return Float.intBitsToFloat(Float.floatToRawIntBits(a) & Float.floatToRawIntBits(b));
        }
        return a > b ? a : b;
    }

    // ------------------------------------------------------------------ f64 unary / binary

    /** {@code f64.abs}. */
    public static double f64Abs(double a) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(a) & ~F64_SIGN);
    }

    /** {@code f64.neg}. */
    public static double f64Neg(double a) {
        return Double.longBitsToDouble(Double.doubleToRawLongBits(a) ^ F64_SIGN);
    }

    /** {@code f64.copysign}. */
    public static double f64Copysign(double a, double b) {
        return Double.longBitsToDouble(
                (Double.doubleToRawLongBits(a) & ~F64_SIGN) | (Double.doubleToRawLongBits(b) & F64_SIGN));
    }

    /** {@code f64.sqrt}. */
    public static double f64Sqrt(double a) {
        return Math.sqrt(a);
    }

    /** {@code f64.ceil}. */
    public static double f64Ceil(double a) {
        return a != a ? F64_CANONICAL_NAN : Math.ceil(a);
    }

    /** {@code f64.floor}. */
    public static double f64Floor(double a) {
        return a != a ? F64_CANONICAL_NAN : Math.floor(a);
    }

    /** {@code f64.trunc}. */
    public static double f64Trunc(double a) {
        if (a != a) {
            return F64_CANONICAL_NAN;
        }
        return a < 0 ? Math.ceil(a) : Math.floor(a);
    }

    /** {@code f64.nearest}: round half to even. */
    public static double f64Nearest(double a) {
        return a != a ? F64_CANONICAL_NAN : Math.rint(a);
    }

    /** {@code f64.min}. */
    public static double f64Min(double a, double b) {
        if (a != a || b != b) {
            return F64_CANONICAL_NAN;
        }
        if (a == b) {
            return Double.longBitsToDouble(Double.doubleToRawLongBits(a) | Double.doubleToRawLongBits(b));
        }
        return a < b ? a : b;
    }

    /** {@code f64.max}. */
    public static double f64Max(double a, double b) {
        if (a != a || b != b) {
            return F64_CANONICAL_NAN;
        }
        if (a == b) {
            return Double.longBitsToDouble(Double.doubleToRawLongBits(a) & Double.doubleToRawLongBits(b));
        }
        return a > b ? a : b;
    }

    // ------------------------------------------------------------------ wide arithmetic (two i64 halves)

    /** Low half of {@code i64.add128 (aLo, aHi) (bLo, bHi)}. */
    public static long i64Add128Lo(long aLo, long aHi, long bLo, long bHi) {
        return aLo + bLo;
    }

    /** High half of {@code i64.add128}: {@code aHi + bHi + carry} out of the low half. */
    public static long i64Add128Hi(long aLo, long aHi, long bLo, long bHi) {
        long lo = aLo + bLo;
        long carry = Long.compareUnsigned(lo, aLo) < 0 ? 1 : 0;
        return aHi + bHi + carry;
    }

    /** Low half of {@code i64.sub128}. */
    public static long i64Sub128Lo(long aLo, long aHi, long bLo, long bHi) {
        return aLo - bLo;
    }

    /** High half of {@code i64.sub128}: {@code aHi - bHi - borrow} out of the low half. */
    public static long i64Sub128Hi(long aLo, long aHi, long bLo, long bHi) {
        long borrow = Long.compareUnsigned(aLo, bLo) < 0 ? 1 : 0;
        return aHi - bHi - borrow;
    }

    /** Low half of {@code i64.mul_wide_s} (the same for signed and unsigned). */
    public static long i64MulWideSLo(long a, long b) {
        return a * b;
    }

    /** High half of {@code i64.mul_wide_s}. */
    public static long i64MulWideSHi(long a, long b) {
        return Math.multiplyHigh(a, b);
    }

    /** Low half of {@code i64.mul_wide_u}. */
    public static long i64MulWideULo(long a, long b) {
        return a * b;
    }

    /** High half of {@code i64.mul_wide_u}. */
    public static long i64MulWideUHi(long a, long b) {
        return Math.unsignedMultiplyHigh(a, b);
    }
}
