package dev.basalt.internal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import dev.basalt.wasm.V128;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SimdOps}: the SWAR fast paths are checked lane by lane against a plain per-lane reference on random and
 * edge-heavy vectors; shuffles, swizzles, lanes, load helpers and the relaxed choices get named cases. (Spec values
 * for the rest are checked by {@link SpecConformanceTest}.)
 */
class SimdOpsTest {

    private static final Random RANDOM = new Random(0xBA5A17);

    /** Random vectors biased towards lane edge values (0, -1, MIN, MAX, 0x80...). */
    private static V128 randomVector() {
        byte[] b = new byte[16];
        int mode = RANDOM.nextInt(4);
        for (int i = 0; i < 16; i++) {
            b[i] = switch (mode) {
                case 0 -> (byte) RANDOM.nextInt();
                case 1 -> (byte) (new int[] {0, 0xFF, 0x80, 0x7F, 0x01})[RANDOM.nextInt(5)];
                default -> (byte) (RANDOM.nextBoolean() ? RANDOM.nextInt() : (i % 2 == 0 ? 0 : 0x80));
            };
        }
        return V128.ofBytes(b);
    }

    private static int lane(V128 v, int bits, int i) {
        byte[] b = v.toBytes();
        int n = bits / 8;
        long x = 0;
        for (int k = n - 1; k >= 0; k--) {
            x = (x << 8) | (b[i * n + k] & 0xFF);
        }
        return (int) x;
    }

    private static V128 fromLanes(int bits, int[] lanes) {
        byte[] b = new byte[16];
        int n = bits / 8;
        for (int i = 0; i < lanes.length; i++) {
            for (int k = 0; k < n; k++) {
                b[i * n + k] = (byte) (lanes[i] >>> (8 * k));
            }
        }
        return V128.ofBytes(b);
    }

    private static int signed(int x, int bits) {
        return bits == 32 ? x : (x << (32 - bits)) >> (32 - bits);
    }

    private static int unsigned(int x, int bits) {
        return bits == 32 ? x : x & ((1 << bits) - 1);
    }

    /** Applies a lane-wise reference to two vectors of lanes {@code bits} wide (lanes passed signed). */
    private static V128 reference(int bits, V128 a, V128 b, IntBinaryOperator op) {
        int lanes = 128 / bits;
        int[] out = new int[lanes];
        for (int i = 0; i < lanes; i++) {
            out[i] = op.applyAsInt(signed(lane(a, bits, i), bits), signed(lane(b, bits, i), bits));
        }
        return fromLanes(bits, out);
    }

    private static Arguments binary(String name, int bits, BinaryOperator<V128> actual, IntBinaryOperator ref) {
        return Arguments.of(named(name, actual), bits, ref);
    }

    static Stream<Arguments> binaryOps() {
        return Stream.of(
                binary("i8x16.add", 8, SimdOps::i8x16Add, (x, y) -> x + y),
                binary("i8x16.sub", 8, SimdOps::i8x16Sub, (x, y) -> x - y),
                binary("i8x16.eq", 8, SimdOps::i8x16Eq, (x, y) -> x == y ? -1 : 0),
                binary("i8x16.ne", 8, SimdOps::i8x16Ne, (x, y) -> x != y ? -1 : 0),
                binary("i8x16.lt_u", 8, SimdOps::i8x16LtU, (x, y) -> (x & 0xFF) < (y & 0xFF) ? -1 : 0),
                binary("i8x16.add_sat_s", 8, SimdOps::i8x16AddSatS, (x, y) -> Math.max(-128, Math.min(127, x + y))),
                binary("i8x16.sub_sat_u", 8, SimdOps::i8x16SubSatU, (x, y) -> Math.max(0, (x & 0xFF) - (y & 0xFF))),
                binary("i8x16.avgr_u", 8, SimdOps::i8x16AvgrU, (x, y) -> ((x & 0xFF) + (y & 0xFF) + 1) / 2),
                binary("i8x16.add_sat_u", 8, SimdOps::i8x16AddSatU, (x, y) -> Math.min(255, (x & 0xFF) + (y & 0xFF))),
                binary("i8x16.min_u", 8, SimdOps::i8x16MinU, (x, y) -> Math.min(x & 0xFF, y & 0xFF)),
                binary("i8x16.max_u", 8, SimdOps::i8x16MaxU, (x, y) -> Math.max(x & 0xFF, y & 0xFF)),
                binary("i8x16.min_s", 8, SimdOps::i8x16MinS, Math::min),
                binary("i16x8.add", 16, SimdOps::i16x8Add, (x, y) -> x + y),
                binary("i16x8.sub", 16, SimdOps::i16x8Sub, (x, y) -> x - y),
                binary("i16x8.mul", 16, SimdOps::i16x8Mul, (x, y) -> x * y),
                binary("i16x8.eq", 16, SimdOps::i16x8Eq, (x, y) -> x == y ? -1 : 0),
                binary("i16x8.ne", 16, SimdOps::i16x8Ne, (x, y) -> x != y ? -1 : 0),
                binary("i16x8.gt_s", 16, SimdOps::i16x8GtS, (x, y) -> x > y ? -1 : 0),
                binary("i16x8.le_u", 16, SimdOps::i16x8LeU, (x, y) -> (x & 0xFFFF) <= (y & 0xFFFF) ? -1 : 0),
                binary("i16x8.lt_s", 16, SimdOps::i16x8LtS, (x, y) -> x < y ? -1 : 0),
                binary("i16x8.min_u", 16, SimdOps::i16x8MinU, (x, y) -> Math.min(x & 0xFFFF, y & 0xFFFF)),
                binary("i16x8.max_s", 16, SimdOps::i16x8MaxS, Math::max),
                binary("i16x8.add_sat_u", 16, SimdOps::i16x8AddSatU, (x, y) -> Math.min(0xFFFF, (x & 0xFFFF) + (y & 0xFFFF))),
                binary("i16x8.sub_sat_u", 16, SimdOps::i16x8SubSatU, (x, y) -> Math.max(0, (x & 0xFFFF) - (y & 0xFFFF))),
                binary("i16x8.avgr_u", 16, SimdOps::i16x8AvgrU, (x, y) -> ((x & 0xFFFF) + (y & 0xFFFF) + 1) / 2),
                binary("i8x16.ge_s", 8, SimdOps::i8x16GeS, (x, y) -> x >= y ? -1 : 0),
                binary("i8x16.gt_u", 8, SimdOps::i8x16GtU, (x, y) -> (x & 0xFF) > (y & 0xFF) ? -1 : 0),
                binary("i8x16.max_s", 8, SimdOps::i8x16MaxS, Math::max),
                binary("i8x16.sub_sat_s", 8, SimdOps::i8x16SubSatS, (x, y) -> Math.max(-128, Math.min(127, x - y))),
                binary("i16x8.add_sat_s", 16, SimdOps::i16x8AddSatS, (x, y) -> Math.max(-32768, Math.min(32767, x + y))),
                binary("i16x8.sub_sat_s", 16, SimdOps::i16x8SubSatS, (x, y) -> Math.max(-32768, Math.min(32767, x - y))),
                binary("i16x8.q15mulr_sat_s", 16, SimdOps::i16x8Q15mulrSatS,
                        (x, y) -> Math.max(-32768, Math.min(32767, (x * y + 0x4000) >> 15))),
                binary("i32x4.add", 32, SimdOps::i32x4Add, (x, y) -> x + y),
                binary("i32x4.sub", 32, SimdOps::i32x4Sub, (x, y) -> x - y),
                binary("i32x4.mul", 32, SimdOps::i32x4Mul, (x, y) -> x * y),
                binary("i32x4.eq", 32, SimdOps::i32x4Eq, (x, y) -> x == y ? -1 : 0),
                binary("i32x4.min_u", 32, SimdOps::i32x4MinU, (x, y) -> Integer.compareUnsigned(x, y) < 0 ? x : y),
                binary("i32x4.ge_u", 32, SimdOps::i32x4GeU, (x, y) -> Integer.compareUnsigned(x, y) >= 0 ? -1 : 0),
                binary("v128.and", 8, SimdOps::v128And, (x, y) -> x & y),
                binary("v128.andnot", 8, SimdOps::v128Andnot, (x, y) -> x & ~y),
                binary("v128.xor", 8, SimdOps::v128Xor, (x, y) -> x ^ y));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void binaryOpMatchesLaneReference(BinaryOperator<V128> actual, int bits, IntBinaryOperator ref) {
        for (int i = 0; i < 2_000; i++) {
            V128 a = randomVector();
            V128 b = i % 7 == 0 ? a : randomVector();
            assertThat(actual.apply(a, b)).as("%s, %s", a, b).isEqualTo(reference(bits, a, b, ref));
        }
    }

    private static Arguments unary(String name, int bits, UnaryOperator<V128> actual, IntUnaryOperator ref) {
        return Arguments.of(named(name, actual), bits, ref);
    }

    static Stream<Arguments> unaryOps() {
        return Stream.of(
                unary("i8x16.neg", 8, SimdOps::i8x16Neg, x -> -x),
                unary("i8x16.abs", 8, SimdOps::i8x16Abs, Math::abs),
                unary("i8x16.popcnt", 8, SimdOps::i8x16Popcnt, x -> Integer.bitCount(x & 0xFF)),
                unary("i16x8.neg", 16, SimdOps::i16x8Neg, x -> -x),
                unary("i16x8.abs", 16, SimdOps::i16x8Abs, Math::abs),
                unary("i32x4.neg", 32, SimdOps::i32x4Neg, x -> -x),
                unary("i32x4.abs", 32, SimdOps::i32x4Abs, Math::abs),
                unary("v128.not", 8, SimdOps::v128Not, x -> ~x),
                unary("f32x4.abs", 32, SimdOps::f32x4Abs, x -> x & 0x7FFF_FFFF),
                unary("f32x4.neg", 32, SimdOps::f32x4Neg, x -> x ^ 0x8000_0000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryOpMatchesLaneReference(UnaryOperator<V128> actual, int bits, IntUnaryOperator ref) {
        for (int i = 0; i < 2_000; i++) {
            V128 a = randomVector();
            assertThat(actual.apply(a)).as("%s", a).isEqualTo(reference(bits, a, a, (x, y) -> ref.applyAsInt(x)));
        }
    }

    @Test
    void shiftsTakeTheCountModuloLaneWidthForEveryCount() {
        for (int i = 0; i < 300; i++) {
            V128 a = randomVector();
            for (int count : new int[] {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, -1, RANDOM.nextInt()}) {
                int c8 = count & 7;
                int c16 = count & 15;
                int c32 = count & 31;
                assertThat(SimdOps.i8x16Shl(a, count)).isEqualTo(reference(8, a, a, (x, y) -> x << c8));
                assertThat(SimdOps.i8x16ShrS(a, count)).isEqualTo(reference(8, a, a, (x, y) -> x >> c8));
                assertThat(SimdOps.i8x16ShrU(a, count)).isEqualTo(reference(8, a, a, (x, y) -> (x & 0xFF) >>> c8));
                assertThat(SimdOps.i16x8Shl(a, count)).isEqualTo(reference(16, a, a, (x, y) -> x << c16));
                assertThat(SimdOps.i16x8ShrS(a, count)).isEqualTo(reference(16, a, a, (x, y) -> x >> c16));
                assertThat(SimdOps.i16x8ShrU(a, count)).isEqualTo(reference(16, a, a, (x, y) -> (x & 0xFFFF) >>> c16));
                assertThat(SimdOps.i32x4Shl(a, count)).isEqualTo(reference(32, a, a, (x, y) -> x << c32));
                assertThat(SimdOps.i32x4ShrS(a, count)).isEqualTo(reference(32, a, a, (x, y) -> x >> c32));
                assertThat(SimdOps.i32x4ShrU(a, count)).isEqualTo(reference(32, a, a, (x, y) -> x >>> c32));
                assertThat(SimdOps.i64x2ShrS(a, count)).isEqualTo(new V128(a.lo() >> count, a.hi() >> count));
            }
        }
    }

    @Test
    void bitmaskAndAllTrueMatchLaneReference() {
        for (int i = 0; i < 3_000; i++) {
            V128 a = randomVector();
            for (int bits : new int[] {8, 16, 32}) {
                int mask = 0;
                boolean all = true;
                for (int l = 0; l < 128 / bits; l++) {
                    int x = signed(lane(a, bits, l), bits);
                    mask |= (x < 0 ? 1 : 0) << l;
                    all &= x != 0;
                }
                int expectedMask = mask;
                int expectedAll = all ? 1 : 0;
                switch (bits) {
                    case 8 -> {
                        assertThat(SimdOps.i8x16Bitmask(a)).as("i8x16.bitmask %s", a).isEqualTo(expectedMask);
                        assertThat(SimdOps.i8x16AllTrue(a)).as("i8x16.all_true %s", a).isEqualTo(expectedAll);
                    }
                    case 16 -> {
                        assertThat(SimdOps.i16x8Bitmask(a)).as("i16x8.bitmask %s", a).isEqualTo(expectedMask);
                        assertThat(SimdOps.i16x8AllTrue(a)).as("i16x8.all_true %s", a).isEqualTo(expectedAll);
                    }
                    default -> {
                        assertThat(SimdOps.i32x4Bitmask(a)).as("i32x4.bitmask %s", a).isEqualTo(expectedMask);
                        assertThat(SimdOps.i32x4AllTrue(a)).as("i32x4.all_true %s", a).isEqualTo(expectedAll);
                    }
                }
            }
        }
        assertThat(SimdOps.i64x2Bitmask(new V128(-1L, 0))).isEqualTo(1);
        assertThat(SimdOps.i64x2Bitmask(new V128(0, Long.MIN_VALUE))).isEqualTo(2);
        assertThat(SimdOps.i64x2AllTrue(new V128(1, 0))).isZero();
        assertThat(SimdOps.v128AnyTrue(new V128(0, 1L << 63))).isOne();
        assertThat(SimdOps.v128AnyTrue(V128.ZERO)).isZero();
    }

    @Test
    void splatsAndLanes() {
        V128 s8 = SimdOps.i8x16Splat(0x1FF);
        assertThat(s8).isEqualTo(new V128(-1L, -1L));
        assertThat(SimdOps.i16x8Splat(0x12345)).isEqualTo(new V128(0x2345_2345_2345_2345L, 0x2345_2345_2345_2345L));
        assertThat(SimdOps.i32x4Splat(-2)).isEqualTo(new V128(0xFFFF_FFFE_FFFF_FFFEL, 0xFFFF_FFFE_FFFF_FFFEL));
        assertThat(SimdOps.f32x4Splat(1f)).isEqualTo(new V128(0x3F80_0000_3F80_0000L, 0x3F80_0000_3F80_0000L));
        assertThat(SimdOps.f64x2Splat(-0d)).isEqualTo(new V128(Long.MIN_VALUE, Long.MIN_VALUE));

        byte[] bytes = new byte[16];
        for (int i = 0; i < 16; i++) {
            bytes[i] = (byte) (0xF0 + i);
        }
        V128 v = V128.ofBytes(bytes);
        assertThat(SimdOps.i8x16ExtractLaneS(v, 15)).isEqualTo((int) (byte) 0xFF);
        assertThat(SimdOps.i8x16ExtractLaneU(v, 9)).isEqualTo(0xF9);
        assertThat(SimdOps.i16x8ExtractLaneS(v, 4)).isEqualTo((int) (short) 0xF9F8);
        assertThat(SimdOps.i16x8ExtractLaneU(v, 7)).isEqualTo(0xFFFE);
        assertThat(SimdOps.i32x4ExtractLane(v, 3)).isEqualTo(0xFFFE_FDFC);
        assertThat(SimdOps.i64x2ExtractLane(v, 1)).isEqualTo(0xFFFE_FDFC_FBFA_F9F8L);

        assertThat(SimdOps.i8x16ReplaceLane(V128.ZERO, 8, 0x1AB)).isEqualTo(new V128(0, 0xAB));
        assertThat(SimdOps.i16x8ReplaceLane(new V128(-1, -1), 3, 0)).isEqualTo(new V128(0x0000_FFFF_FFFF_FFFFL, -1));
        assertThat(SimdOps.i32x4ReplaceLane(V128.ZERO, 1, -1)).isEqualTo(new V128(0xFFFF_FFFF_0000_0000L, 0));
        assertThat(SimdOps.i64x2ReplaceLane(V128.ZERO, 1, 7)).isEqualTo(new V128(0, 7));
        assertThat(SimdOps.f32x4ReplaceLane(V128.ZERO, 2, 1f)).isEqualTo(new V128(0, 0x3F80_0000L));
        assertThat(SimdOps.f64x2ExtractLane(SimdOps.f64x2ReplaceLane(V128.ZERO, 0, 2.5), 0)).isEqualTo(2.5);
        // NaN payloads survive lane moves
        int snan = 0x7FA0_0001;
        V128 withNan = SimdOps.f32x4ReplaceLane(V128.ZERO, 0, Float.intBitsToFloat(snan));
        assertThat(Float.floatToRawIntBits(SimdOps.f32x4ExtractLane(withNan, 0))).isEqualTo(snan);
    }

    @Test
    void shuffleAndSwizzle() {
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i++) {
            a[i] = (byte) i;
            b[i] = (byte) (0x10 + i);
        }
        V128 va = V128.ofBytes(a);
        V128 vb = V128.ofBytes(b);
        byte[] reverseInterleave = {31, 0, 30, 1, 29, 2, 28, 3, 27, 4, 26, 5, 25, 6, 24, 7};
        byte[] expected = {0x1F, 0, 0x1E, 1, 0x1D, 2, 0x1C, 3, 0x1B, 4, 0x1A, 5, 0x19, 6, 0x18, 7};
        assertThat(SimdOps.i8x16Shuffle(va, vb, reverseInterleave)).isEqualTo(V128.ofBytes(expected));
        assertThat(SimdOps.i8x16Shuffle(va, vb, V128.ofBytes(reverseInterleave))).isEqualTo(V128.ofBytes(expected));

        byte[] indices = {15, 0, 16, (byte) 0xFF, 1, 17, (byte) 0x80, 14, 2, 3, 4, 5, 6, 7, 8, 9};
        byte[] swizzled = {15, 0, 0, 0, 1, 0, 0, 14, 2, 3, 4, 5, 6, 7, 8, 9};
        assertThat(SimdOps.i8x16Swizzle(va, V128.ofBytes(indices))).isEqualTo(V128.ofBytes(swizzled));
        assertThat(SimdOps.i8x16RelaxedSwizzle(va, V128.ofBytes(indices))).isEqualTo(V128.ofBytes(swizzled));
    }

    @Test
    void bitselectAndLaneselect() {
        V128 a = new V128(0x0123_4567_89AB_CDEFL, -1);
        V128 b = new V128(0xFEDC_BA98_7654_3210L, 0);
        V128 m = new V128(0xFFFF_0000_FF00_F0F0L, 0x5555_5555_5555_5555L);
        V128 expected = new V128(0x0123_BA98_8954_C2E0L, 0x5555_5555_5555_5555L);
        assertThat(SimdOps.v128Bitselect(a, b, m)).isEqualTo(expected);
        assertThat(SimdOps.i8x16RelaxedLaneselect(a, b, m)).isEqualTo(expected);
        assertThat(SimdOps.i64x2RelaxedLaneselect(a, b, m)).isEqualTo(expected);
    }

    @Test
    void loadHelpersWidenTheLoadedBytes() {
        long bytes = 0x8001_7F80_FF00_0102L; // little endian: 02 01 00 FF 80 7F 01 80
        assertThat(SimdOps.load8x8S(bytes)).isEqualTo(fromLanes(16, new int[] {2, 1, 0, -1, -128, 127, 1, -128}));
        assertThat(SimdOps.load8x8U(bytes)).isEqualTo(fromLanes(16, new int[] {2, 1, 0, 255, 128, 127, 1, 128}));
        assertThat(SimdOps.load16x4S(bytes)).isEqualTo(fromLanes(32, new int[] {0x0102, 0xFFFF_FF00, 0x7F80, 0xFFFF_8001}));
        assertThat(SimdOps.load16x4U(bytes)).isEqualTo(fromLanes(32, new int[] {0x0102, 0xFF00, 0x7F80, 0x8001}));
        assertThat(SimdOps.load32x2S(bytes)).isEqualTo(new V128(0xFFFF_FFFF_FF00_0102L, 0xFFFF_FFFF_8001_7F80L));
        assertThat(SimdOps.load32x2U(bytes)).isEqualTo(new V128(0xFF00_0102L, 0x8001_7F80L));
        assertThat(SimdOps.load8Splat(0x80)).isEqualTo(new V128(0x8080_8080_8080_8080L, 0x8080_8080_8080_8080L));
        assertThat(SimdOps.load16Splat(0xBEEF)).isEqualTo(new V128(0xBEEF_BEEF_BEEF_BEEFL, 0xBEEF_BEEF_BEEF_BEEFL));
        assertThat(SimdOps.load32Splat(7)).isEqualTo(new V128(0x7_0000_0007L, 0x7_0000_0007L));
        assertThat(SimdOps.load64Splat(-5)).isEqualTo(new V128(-5, -5));
        assertThat(SimdOps.load32Zero(-1)).isEqualTo(new V128(0xFFFF_FFFFL, 0));
        assertThat(SimdOps.load64Zero(-1)).isEqualTo(new V128(-1, 0));
    }

    @Test
    void narrowExtendAndPairwise() {
        V128 words = fromLanes(16, new int[] {-32768, -129, -128, 0, 127, 128, 255, 32767});
        assertThat(SimdOps.i8x16NarrowI16x8S(words, words))
                .isEqualTo(fromLanes(8, new int[] {-128, -128, -128, 0, 127, 127, 127, 127,
                        -128, -128, -128, 0, 127, 127, 127, 127}));
        assertThat(SimdOps.i8x16NarrowI16x8U(words, V128.ZERO))
                .isEqualTo(fromLanes(8, new int[] {0, 0, 0, 0, 127, 128, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0}));
        V128 ints = fromLanes(32, new int[] {Integer.MIN_VALUE, -1, 65535, 65536});
        assertThat(SimdOps.i16x8NarrowI32x4U(ints, ints))
                .isEqualTo(fromLanes(16, new int[] {0, 0, 65535, 65535, 0, 0, 65535, 65535}));
        assertThat(SimdOps.i16x8NarrowI32x4S(ints, ints))
                .isEqualTo(fromLanes(16, new int[] {-32768, -1, 32767, 32767, -32768, -1, 32767, 32767}));
        V128 bytes = fromLanes(8, new int[] {-1, -1, 127, 127, -128, -128, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThat(SimdOps.i16x8ExtaddPairwiseI8x16S(bytes))
                .isEqualTo(fromLanes(16, new int[] {-2, 254, -256, 3, 0, 0, 0, 0}));
        assertThat(SimdOps.i16x8ExtaddPairwiseI8x16U(bytes))
                .isEqualTo(fromLanes(16, new int[] {510, 254, 256, 3, 0, 0, 0, 0}));
        assertThat(SimdOps.i32x4ExtendHighI16x8S(words)).isEqualTo(fromLanes(32, new int[] {127, 128, 255, 32767}));
        assertThat(SimdOps.i32x4ExtendLowI16x8U(words)).isEqualTo(fromLanes(32, new int[] {32768, 65407, 65408, 0}));
        assertThat(SimdOps.i64x2ExtmulLowI32x4U(ints, ints)).isEqualTo(new V128(0x4000_0000_0000_0000L, 0xFFFF_FFFE_0000_0001L));
        assertThat(SimdOps.i32x4DotI16x8S(words, words))
                .isEqualTo(fromLanes(32, new int[] {(int) (32768L * 32768 + 129 * 129), 128 * 128, 127 * 127 + 128 * 128,
                        255 * 255 + 32767 * 32767}));
    }

    @Test
    void relaxedOpsUseTheDocumentedChoice() {
        // dot: both operands signed; the i16 sum wraps
        V128 a = fromLanes(8, new int[] {-128, -128, 127, 127, -128, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        V128 b = fromLanes(8, new int[] {-127, -127, 127, 127, -128, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertThat(SimdOps.i16x8RelaxedDotI8x16I7x16S(a, b))
                .isEqualTo(fromLanes(16, new int[] {32512, 32258, (short) 32768, 0, 0, 0, 0, 0}));
        V128 acc = fromLanes(32, new int[] {1, 2, 3, 4});
        assertThat(SimdOps.i32x4RelaxedDotI8x16I7x16AddS(a, b, acc))
                .isEqualTo(fromLanes(32, new int[] {1 + 32512 + 32258, 2 + 32768, 3, 4}));
        // q15mulr: saturating
        V128 min = SimdOps.i16x8Splat(-32768);
        assertThat(SimdOps.i16x8RelaxedQ15mulrS(min, min)).isEqualTo(SimdOps.i16x8Splat(32767));
        // trunc: saturating, NaN -> 0
        V128 f = fromLanes(32, new int[] {Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(-1f),
                Float.floatToRawIntBits(5e9f), Float.floatToRawIntBits(-5e9f)});
        assertThat(SimdOps.i32x4RelaxedTruncF32x4S(f)).isEqualTo(fromLanes(32, new int[] {0, -1, Integer.MAX_VALUE,
                Integer.MIN_VALUE}));
        assertThat(SimdOps.i32x4RelaxedTruncF32x4U(f)).isEqualTo(fromLanes(32, new int[] {0, 0, -1, 0}));
        assertThat(SimdOps.i32x4RelaxedTruncF64x2UZero(new V128(Double.doubleToRawLongBits(4294967296d),
                Double.doubleToRawLongBits(1.5)))).isEqualTo(fromLanes(32, new int[] {-1, 1, 0, 0}));
        // madd: fused (one rounding): (1 + 2^-23) * (1 - 2^-23) - 1 = -2^-46 exactly, unfused gives 0
        float x = 1f + 0x1p-23f;
        float y = 1f - 0x1p-23f;
        V128 madd = SimdOps.f32x4RelaxedMadd(SimdOps.f32x4Splat(x), SimdOps.f32x4Splat(y), SimdOps.f32x4Splat(-1f));
        assertThat(SimdOps.f32x4ExtractLane(madd, 3)).isEqualTo(-0x1p-46f);
        V128 nmadd = SimdOps.f64x2RelaxedNmadd(SimdOps.f64x2Splat(1 + 0x1p-52), SimdOps.f64x2Splat(1 - 0x1p-52),
                SimdOps.f64x2Splat(1d));
        assertThat(SimdOps.f64x2ExtractLane(nmadd, 1)).isEqualTo(0x1p-104);
        // min/max: NaN-propagating, -0 < +0
        V128 zeros = new V128(0x8000_0000L, 0);
        assertThat(SimdOps.f32x4RelaxedMin(zeros, V128.ZERO)).isEqualTo(zeros);
        assertThat(SimdOps.f32x4RelaxedMax(zeros, V128.ZERO)).isEqualTo(V128.ZERO);
        V128 nan = SimdOps.f64x2Splat(Double.NaN);
        assertThat(SimdOps.f64x2RelaxedMax(nan, V128.ZERO)).isEqualTo(SimdOps.f64x2Splat(NumericOps.F64_CANONICAL_NAN));
    }

    @Test
    void pminPmaxSelectOperandBits() {
        int snan = 0x7FA0_0000;
        V128 a = fromLanes(32, new int[] {snan, Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(1f), 0});
        V128 b = fromLanes(32, new int[] {Float.floatToRawIntBits(1f), 0, snan, Float.floatToRawIntBits(2f)});
        // pmin = b < a ? b : a ; comparisons with NaN are false, so a is kept
        assertThat(SimdOps.f32x4Pmin(a, b)).isEqualTo(fromLanes(32, new int[] {snan, Float.floatToRawIntBits(-0f),
                Float.floatToRawIntBits(1f), 0}));
        assertThat(SimdOps.f32x4Pmax(a, b)).isEqualTo(fromLanes(32, new int[] {snan, Float.floatToRawIntBits(-0f),
                Float.floatToRawIntBits(1f), Float.floatToRawIntBits(2f)}));
    }

    @Test
    void conversionsAndDemotion() {
        V128 ints = fromLanes(32, new int[] {-1, Integer.MIN_VALUE, 16777217, 3});
        assertThat(SimdOps.f32x4ConvertI32x4U(ints)).isEqualTo(fromLanes(32, new int[] {
                Float.floatToRawIntBits(4294967296f), Float.floatToRawIntBits(2147483648f),
                Float.floatToRawIntBits(16777216f), Float.floatToRawIntBits(3f)}));
        assertThat(SimdOps.f64x2ConvertLowI32x4U(ints))
                .isEqualTo(new V128(Double.doubleToRawLongBits(4294967295d), Double.doubleToRawLongBits(2147483648d)));
        assertThat(SimdOps.f64x2ConvertLowI32x4S(ints))
                .isEqualTo(new V128(Double.doubleToRawLongBits(-1d), Double.doubleToRawLongBits(-2147483648d)));
        V128 doubles = new V128(Double.doubleToRawLongBits(0x1p-150), Double.doubleToRawLongBits(1e40));
        assertThat(SimdOps.f32x4DemoteF64x2Zero(doubles)).isEqualTo(fromLanes(32, new int[] {0, 0x7F80_0000, 0, 0}));
        assertThat(SimdOps.f64x2PromoteLowF32x4(fromLanes(32, new int[] {0x7FA0_0000, 1, 5, 5})))
                .isEqualTo(new V128(NumericOps.F64_CANONICAL_NAN_BITS, Double.doubleToRawLongBits(0x1p-149)));
    }
}
