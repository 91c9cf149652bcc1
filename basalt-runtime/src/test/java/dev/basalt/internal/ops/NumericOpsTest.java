package dev.basalt.internal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-picked cases for {@link NumericOps}, most taken from the spec testsuite (i32/i64/f32/f64/conversions/
 * float_misc/wide-arithmetic .wast), concentrating on the edges: overflow, NaN, signed zeros, rounding ties and the
 * largest exactly representable values. Values are compared as raw bits.
 */
class NumericOpsTest {

    private static final int F32_NAN = 0x7FC0_0000;
    private static final int F32_SNAN = 0x7FA0_0000; // nan:0x200000, signalling
    private static final long F64_SNAN = 0x7FF4_0000_0000_0000L; // nan:0x4000000000000

    private static Arguments c(String name, Callable<Object> actual, Object expected) {
        return Arguments.of(named(name, actual), expected);
    }

    private static float f(int bits) {
        return Float.intBitsToFloat(bits);
    }

    private static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }

    static Stream<Arguments> results() {
        return Stream.of(
                // integer division
                c("i32.div_s -7/2 truncates", () -> NumericOps.i32DivS(-7, 2), -3),
                c("i32.div_u 0x80000000/2", () -> NumericOps.i32DivU(0x8000_0000, 2), 0x4000_0000),
                c("i32.rem_s MIN%-1 is 0", () -> NumericOps.i32RemS(Integer.MIN_VALUE, -1), 0),
                c("i32.rem_s sign of dividend", () -> NumericOps.i32RemS(-5, 2), -1),
                c("i32.rem_u 0x8ff00ff0%0x10001", () -> NumericOps.i32RemU(0x8ff0_0ff0, 0x10001), 0x8001),
                c("i64.div_u -1/-1", () -> NumericOps.i64DivU(-1L, -1L), 1L),
                c("i64.div_s MIN/2", () -> NumericOps.i64DivS(Long.MIN_VALUE, 2), 0xC000_0000_0000_0000L),
                c("i64.rem_s MIN%-1 is 0", () -> NumericOps.i64RemS(Long.MIN_VALUE, -1L), 0L),
                c("i64.rem_u 0x8ff00ff00ff00ff0%0x100000001",
                        () -> NumericOps.i64RemU(0x8ff0_0ff0_0ff0_0ff0L, 0x1_0000_0001L), 0x8000_0001L),
                // bits
                c("i32.clz 0 is 32", () -> NumericOps.i32Clz(0), 32),
                c("i32.ctz 0x8000 is 15", () -> NumericOps.i32Ctz(0x8000), 15),
                c("i32.popcnt 0xAAAAAAAA", () -> NumericOps.i32Popcnt(0xAAAA_AAAA), 16),
                c("i32.rotl by 32+4", () -> NumericOps.i32Rotl(0xFE00_DC00, 36), 0xE00D_C00F),
                c("i32.rotr by -1", () -> NumericOps.i32Rotr(1, -1), 2),
                c("i64.clz 1 is 63", () -> NumericOps.i64Clz(1L), 63L),
                c("i64.ctz 0 is 64", () -> NumericOps.i64Ctz(0L), 64L),
                c("i64.popcnt -1", () -> NumericOps.i64Popcnt(-1L), 64L),
                c("i64.rotl count mod 64", () -> NumericOps.i64Rotl(0xABCD_9876_0000_0001L, 65),
                        0x579B_30EC_0000_0003L),
                c("i64.rotr", () -> NumericOps.i64Rotr(1L, 1L), Long.MIN_VALUE),
                // sign extension
                c("i32.extend8_s 0x80", () -> NumericOps.i32Extend8S(0x80), -128),
                c("i32.extend16_s 0x7fff", () -> NumericOps.i32Extend16S(0x1_7FFF), 0x7FFF),
                c("i64.extend32_s 0x80000000", () -> NumericOps.i64Extend32S(0x8000_0000L), -0x8000_0000L),
                c("i64.extend_i32_u -1", () -> NumericOps.i64ExtendI32U(-1), 0xFFFF_FFFFL),
                // trapping truncation, in range
                c("i32.trunc_f32_s -2^31", () -> NumericOps.i32TruncF32S(-2147483648f), Integer.MIN_VALUE),
                c("i32.trunc_f32_u 4294967040", () -> NumericOps.i32TruncF32U(4294967040f), -256),
                c("i32.trunc_f32_u -0.99999994", () -> NumericOps.i32TruncF32U(f(0xBF7F_FFFF)), 0),
                c("i32.trunc_f64_s -2147483648.9", () -> NumericOps.i32TruncF64S(-2147483648.9), Integer.MIN_VALUE),
                c("i32.trunc_f64_u 4294967295.9", () -> NumericOps.i32TruncF64U(4294967295.9), -1),
                c("i64.trunc_f32_u 2^64-2^40", () -> NumericOps.i64TruncF32U(1.8446743e19f), 0xFFFF_FF00_0000_0000L),
                c("i64.trunc_f64_u 2^64-2^11", () -> NumericOps.i64TruncF64U(18446744073709549568d),
                        0xFFFF_FFFF_FFFF_F800L),
                c("i64.trunc_f64_s -2^63", () -> NumericOps.i64TruncF64S(-9223372036854775808d), Long.MIN_VALUE),
                // saturating truncation
                c("i32.trunc_sat_f32_s nan", () -> NumericOps.i32TruncSatF32S(f(F32_NAN)), 0),
                c("i32.trunc_sat_f32_s inf", () -> NumericOps.i32TruncSatF32S(Float.POSITIVE_INFINITY), Integer.MAX_VALUE),
                c("i32.trunc_sat_f32_u -1", () -> NumericOps.i32TruncSatF32U(-1f), 0),
                c("i32.trunc_sat_f32_u 2^32", () -> NumericOps.i32TruncSatF32U(4294967296f), -1),
                c("i32.trunc_sat_f64_u -nan", () -> NumericOps.i32TruncSatF64U(-Double.NaN), 0),
                c("i64.trunc_sat_f64_s -inf", () -> NumericOps.i64TruncSatF64S(Double.NEGATIVE_INFINITY), Long.MIN_VALUE),
                c("i64.trunc_sat_f64_u 2^64", () -> NumericOps.i64TruncSatF64U(18446744073709551616d), -1L),
                c("i64.trunc_sat_f32_u 2^63", () -> NumericOps.i64TruncSatF32U(9223372036854775808f), Long.MIN_VALUE),
                // int -> float, the rounding-sensitive unsigned cases from conversions.wast
                c("f32.convert_i32_u 0xffffffff", () -> bits(NumericOps.f32ConvertI32U(-1)), bits(4294967296f)),
                c("f32.convert_i32_u 0x80000081 rounds up", () -> bits(NumericOps.f32ConvertI32U(0x8000_0081)),
                        bits(2147483904f)),
                c("f32.convert_i64_u 0x8000008000000001 (double rounding trap)",
                        () -> bits(NumericOps.f32ConvertI64U(0x8000_0080_0000_0001L)), 0x5F00_0001),
                c("f32.convert_i64_u 0xfffffe8000000001", () -> bits(NumericOps.f32ConvertI64U(0xFFFF_FE80_0000_0001L)),
                        0x5F7F_FFFF),
                c("f32.convert_i64_u 0x0020000020000001", () -> bits(NumericOps.f32ConvertI64U(0x0020_0000_2000_0001L)),
                        0x5A00_0001),
                c("f32.convert_i64_u max", () -> bits(NumericOps.f32ConvertI64U(-1L)), 0x5F80_0000),
                c("f64.convert_i64_u 0x8000000000000401 rounds up",
                        () -> dbits(NumericOps.f64ConvertI64U(0x8000_0000_0000_0401L)), 0x43E0_0000_0000_0001L),
                c("f64.convert_i64_u 0x8000000000000400 tie to even",
                        () -> dbits(NumericOps.f64ConvertI64U(0x8000_0000_0000_0400L)), 0x43E0_0000_0000_0000L),
                c("f64.convert_i64_u 0xfffffffffffff401", () -> dbits(NumericOps.f64ConvertI64U(0xFFFF_FFFF_FFFF_F401L)),
                        0x43EF_FFFF_FFFF_FFFFL),
                c("f64.convert_i32_u 0x80000000", () -> NumericOps.f64ConvertI32U(0x8000_0000), 2147483648d),
                // demote / promote
                c("f32.demote_f64 rounds to nearest even", () -> bits(NumericOps.f32DemoteF64(d(0x3FF0_0000_1000_0000L))),
                        0x3F80_0000),
                c("f32.demote_f64 overflows to inf", () -> bits(NumericOps.f32DemoteF64(d(0x47EF_FFFF_F000_0000L))),
                        0x7F80_0000),
                c("f32.demote_f64 -0", () -> bits(NumericOps.f32DemoteF64(-0d)), 0x8000_0000),
                c("f64.promote_f32 smallest subnormal", () -> NumericOps.f64PromoteF32(f(1)), 0x1p-149),
                // bitwise sign ops keep NaN payloads
                c("f32.abs keeps snan payload", () -> bits(NumericOps.f32Abs(f(0xFFA0_0000))), F32_SNAN),
                c("f32.neg of nan", () -> bits(NumericOps.f32Neg(f(F32_NAN))), 0xFFC0_0000),
                c("f32.neg of -0", () -> bits(NumericOps.f32Neg(-0f)), 0),
                c("f32.copysign nan sign", () -> bits(NumericOps.f32Copysign(f(F32_SNAN), -1f)), 0xFFA0_0000),
                c("f64.abs keeps snan payload", () -> dbits(NumericOps.f64Abs(d(F64_SNAN | Long.MIN_VALUE))), F64_SNAN),
                c("f64.copysign -0 from +0", () -> dbits(NumericOps.f64Copysign(-0d, 0d)), 0L),
                c("f64.neg inf", () -> NumericOps.f64Neg(Double.POSITIVE_INFINITY), Double.NEGATIVE_INFINITY),
                c("i32.reinterpret_f32 snan kept", () -> NumericOps.i32ReinterpretF32(f(F32_SNAN)), F32_SNAN),
                c("f64.reinterpret_i64 round trip", () -> dbits(NumericOps.f64ReinterpretI64(F64_SNAN)), F64_SNAN),
                // min / max
                c("f32.min -0 +0", () -> bits(NumericOps.f32Min(-0f, 0f)), 0x8000_0000),
                c("f32.min +0 -0", () -> bits(NumericOps.f32Min(0f, -0f)), 0x8000_0000),
                c("f32.max -0 +0", () -> bits(NumericOps.f32Max(-0f, 0f)), 0),
                c("f32.max -inf 1", () -> NumericOps.f32Max(Float.NEGATIVE_INFINITY, 1f), 1f),
                c("f64.min -0 +0", () -> dbits(NumericOps.f64Min(0d, -0d)), Long.MIN_VALUE),
                c("f64.max +0 -0", () -> dbits(NumericOps.f64Max(0d, -0d)), 0L),
                c("f64.min ordinary", () -> NumericOps.f64Min(-1.5, 2.5), -1.5),
                // rounding
                c("f32.nearest 0.5 -> +0", () -> bits(NumericOps.f32Nearest(0.5f)), 0),
                c("f32.nearest -0.5 -> -0", () -> bits(NumericOps.f32Nearest(-0.5f)), 0x8000_0000),
                c("f32.nearest 2.5 -> 2", () -> NumericOps.f32Nearest(2.5f), 2f),
                c("f32.nearest 3.5 -> 4", () -> NumericOps.f32Nearest(3.5f), 4f),
                c("f32.nearest 2^23-0.5 ties to even", () -> NumericOps.f32Nearest(8388607.5f), 8388608f),
                c("f64.nearest -1.5 -> -2", () -> NumericOps.f64Nearest(-1.5), -2d),
                c("f64.nearest 4503599627370495.5", () -> NumericOps.f64Nearest(4503599627370495.5), 4503599627370496d),
                c("f32.ceil -0.5 -> -0", () -> bits(NumericOps.f32Ceil(-0.5f)), 0x8000_0000),
                c("f32.floor -0 -> -0", () -> bits(NumericOps.f32Floor(-0f)), 0x8000_0000),
                c("f32.floor -1e-45", () -> NumericOps.f32Floor(-1e-45f), -1f),
                c("f32.trunc -0.9 -> -0", () -> bits(NumericOps.f32Trunc(-0.9f)), 0x8000_0000),
                c("f64.trunc 1.9 -> 1", () -> NumericOps.f64Trunc(1.9), 1d),
                c("f64.ceil 0.1 -> 1", () -> NumericOps.f64Ceil(0.1), 1d),
                c("f64.floor -0.1 -> -1", () -> NumericOps.f64Floor(-0.1), -1d),
                c("f32.sqrt 2 correctly rounded", () -> bits(NumericOps.f32Sqrt(2f)), 0x3FB5_04F3),
                c("f32.sqrt -0 -> -0", () -> bits(NumericOps.f32Sqrt(-0f)), 0x8000_0000),
                // wide arithmetic (proposals/wide-arithmetic)
                c("i64.add128 carry lo", () -> NumericOps.i64Add128Lo(-1L, 0, 1L, 0), 0L),
                c("i64.add128 carry hi", () -> NumericOps.i64Add128Hi(-1L, 0, 1L, 0), 1L),
                c("i64.add128 wraps hi", () -> NumericOps.i64Add128Hi(-1L, -1L, 1L, 0), 0L),
                c("i64.sub128 borrow hi", () -> NumericOps.i64Sub128Hi(0, 0, 1L, 0), -1L),
                c("i64.sub128 borrow lo", () -> NumericOps.i64Sub128Lo(0, 0, 1L, 0), -1L),
                c("i64.mul_wide_s -1*-1 hi", () -> NumericOps.i64MulWideSHi(-1L, -1L), 0L),
                c("i64.mul_wide_u -1*-1 hi", () -> NumericOps.i64MulWideUHi(-1L, -1L), -2L),
                c("i64.mul_wide_u -1*-1 lo", () -> NumericOps.i64MulWideULo(-1L, -1L), 1L),
                c("i64.mul_wide_s MIN*MIN hi", () -> NumericOps.i64MulWideSHi(Long.MIN_VALUE, Long.MIN_VALUE),
                        0x4000_0000_0000_0000L));
    }

    private static int bits(float x) {
        return Float.floatToRawIntBits(x);
    }

    private static long dbits(double x) {
        return Double.doubleToRawLongBits(x);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("results")
    void computesSpecResult(Callable<Object> actual, Object expected) throws Exception {
        assertThat(actual.call()).isEqualTo(expected);
    }

    static Stream<Arguments> traps() {
        return Stream.of(
                c("i32.div_s by 0", () -> NumericOps.i32DivS(1, 0), TrapKind.INTEGER_DIVIDE_BY_ZERO),
                c("i32.div_s MIN/-1", () -> NumericOps.i32DivS(Integer.MIN_VALUE, -1), TrapKind.INTEGER_OVERFLOW),
                c("i32.div_u by 0", () -> NumericOps.i32DivU(1, 0), TrapKind.INTEGER_DIVIDE_BY_ZERO),
                c("i32.rem_s by 0", () -> NumericOps.i32RemS(1, 0), TrapKind.INTEGER_DIVIDE_BY_ZERO),
                c("i32.rem_u by 0", () -> NumericOps.i32RemU(1, 0), TrapKind.INTEGER_DIVIDE_BY_ZERO),
                c("i64.div_s MIN/-1", () -> NumericOps.i64DivS(Long.MIN_VALUE, -1L), TrapKind.INTEGER_OVERFLOW),
                c("i64.div_u by 0", () -> NumericOps.i64DivU(1L, 0L), TrapKind.INTEGER_DIVIDE_BY_ZERO),
                c("i64.rem_s by 0", () -> NumericOps.i64RemS(1L, 0L), TrapKind.INTEGER_DIVIDE_BY_ZERO),
                c("i64.rem_u by 0", () -> NumericOps.i64RemU(1L, 0L), TrapKind.INTEGER_DIVIDE_BY_ZERO),
                c("i32.trunc_f32_s 2^31", () -> NumericOps.i32TruncF32S(2147483648f), TrapKind.INTEGER_OVERFLOW),
                c("i32.trunc_f32_s below -2^31", () -> NumericOps.i32TruncF32S(-2147483904f), TrapKind.INTEGER_OVERFLOW),
                c("i32.trunc_f32_s nan", () -> NumericOps.i32TruncF32S(f(F32_NAN)), TrapKind.INVALID_CONVERSION_TO_INTEGER),
                c("i32.trunc_f32_u -1", () -> NumericOps.i32TruncF32U(-1f), TrapKind.INTEGER_OVERFLOW),
                c("i32.trunc_f32_u snan", () -> NumericOps.i32TruncF32U(f(F32_SNAN)), TrapKind.INVALID_CONVERSION_TO_INTEGER),
                c("i32.trunc_f64_s -2147483649", () -> NumericOps.i32TruncF64S(-2147483649d), TrapKind.INTEGER_OVERFLOW),
                c("i32.trunc_f64_u 4294967296", () -> NumericOps.i32TruncF64U(4294967296d), TrapKind.INTEGER_OVERFLOW),
                c("i32.trunc_f64_u -1", () -> NumericOps.i32TruncF64U(-1d), TrapKind.INTEGER_OVERFLOW),
                c("i64.trunc_f32_s 2^63", () -> NumericOps.i64TruncF32S(9223372036854775808f), TrapKind.INTEGER_OVERFLOW),
                c("i64.trunc_f32_u -inf", () -> NumericOps.i64TruncF32U(Float.NEGATIVE_INFINITY), TrapKind.INTEGER_OVERFLOW),
                c("i64.trunc_f64_s 2^63", () -> NumericOps.i64TruncF64S(9223372036854775808d), TrapKind.INTEGER_OVERFLOW),
                c("i64.trunc_f64_u 2^64", () -> NumericOps.i64TruncF64U(18446744073709551616d), TrapKind.INTEGER_OVERFLOW),
                c("i64.trunc_f64_u -nan", () -> NumericOps.i64TruncF64U(d(0xFFF8_0000_0000_0000L)),
                        TrapKind.INVALID_CONVERSION_TO_INTEGER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traps")
    void trapsWithSpecKind(Callable<Object> action, TrapKind kind) {
        assertThatThrownBy(action::call).isInstanceOfSatisfying(Trap.class, t -> {
            assertThat(t.kind()).isEqualTo(kind);
            assertThat(t.getMessage()).startsWith(kind.message());
        });
    }

    /** Results that are NaN must be canonical or arithmetic; the methods that make NaNs return the canonical one. */
    static Stream<Arguments> nanResults() {
        return Stream.of(
                c("f32.min nan x", () -> bits(NumericOps.f32Min(f(F32_SNAN), 1f)), F32_NAN),
                c("f32.max x -nan", () -> bits(NumericOps.f32Max(1f, f(0xFFC0_0000))), F32_NAN),
                c("f32.nearest snan", () -> bits(NumericOps.f32Nearest(f(F32_SNAN))), F32_NAN),
                c("f32.ceil snan", () -> bits(NumericOps.f32Ceil(f(F32_SNAN))), F32_NAN),
                c("f32.floor nan", () -> bits(NumericOps.f32Floor(f(F32_NAN))), F32_NAN),
                c("f32.trunc nan", () -> bits(NumericOps.f32Trunc(f(F32_NAN))), F32_NAN),
                c("f64.min nan", () -> dbits(NumericOps.f64Min(0d, d(F64_SNAN))), NumericOps.F64_CANONICAL_NAN_BITS),
                c("f64.max nan", () -> dbits(NumericOps.f64Max(d(F64_SNAN), 0d)), NumericOps.F64_CANONICAL_NAN_BITS),
                c("f64.nearest nan", () -> dbits(NumericOps.f64Nearest(d(F64_SNAN))), NumericOps.F64_CANONICAL_NAN_BITS),
                c("f64.trunc nan", () -> dbits(NumericOps.f64Trunc(d(F64_SNAN))), NumericOps.F64_CANONICAL_NAN_BITS),
                c("f32.demote_f64 snan", () -> bits(NumericOps.f32DemoteF64(d(F64_SNAN))), F32_NAN),
                c("f64.promote_f32 snan", () -> dbits(NumericOps.f64PromoteF32(f(F32_SNAN))),
                        NumericOps.F64_CANONICAL_NAN_BITS));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nanResults")
    void nanResultsAreCanonical(Callable<Object> actual, Object expected) throws Exception {
        assertThat(actual.call()).isEqualTo(expected);
    }

    @Test
    void javaArithmeticQuietsSignallingNans() {
        // The claim NumericOps' javadoc makes for add/sub/mul/div/sqrt, which engines use directly.
        float sum = f(F32_SNAN) + 1f;
        assertThat(bits(sum) & 0x7FC0_0000).as("f32 add of snan is arithmetic").isEqualTo(0x7FC0_0000);
        double prod = d(F64_SNAN) * 2d;
        assertThat(dbits(prod) & 0x7FF8_0000_0000_0000L).isEqualTo(0x7FF8_0000_0000_0000L);
        assertThat(bits(NumericOps.f32Sqrt(f(F32_SNAN))) & 0x7FC0_0000).isEqualTo(0x7FC0_0000);
        assertThat(bits(0f / 0f) & 0x7FFF_FFFF).as("invalid op gives canonical nan").isEqualTo(F32_NAN);
    }

    @Test
    void unsignedConversionMatchesExactRoundingForRandomValues() {
        // Reference: BigDecimal is exact, and BigDecimal.floatValue rounds to nearest even (JDK 19+ is exact).
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 5_000; i++) {
            long v = r.nextLong();
            if (i % 3 == 0) {
                v |= Long.MIN_VALUE;
                v &= ~((1L << r.nextInt(40)) - 1); // many trailing zeros: exercises ties
                v |= r.nextInt(2);
            }
            java.math.BigDecimal exact = new java.math.BigDecimal(Long.toUnsignedString(v));
            assertThat(NumericOps.f32ConvertI64U(v)).as("f32 %x", v).isEqualTo(exact.floatValue());
            assertThat(NumericOps.f64ConvertI64U(v)).as("f64 %x", v).isEqualTo(exact.doubleValue());
        }
    }
}
