package dev.basalt.internal.ops;

import dev.basalt.wasm.V128;

/**
 * Semantics of every SIMD (prefix 0xFD) and relaxed-SIMD instruction of Wasm 3.0 as static methods on
 * {@link V128} values, shared by the interpreter (which calls them) and the compiler (which emits
 * {@code invokestatic}). A {@code V128} is two longs, little-endian: lane 0 of any shape is in the low bits of
 * {@link V128#lo()}.
 *
 * <p>Method names are the mnemonic in camel case: {@code i8x16.add_sat_s} is {@link #i8x16AddSatS},
 * {@code i16x8.extadd_pairwise_i8x16_s} is {@link #i16x8ExtaddPairwiseI8x16S}, {@code v128.any_true} is
 * {@link #v128AnyTrue}. Lane immediates are {@code int} parameters; shift counts are taken modulo the lane width.
 * The common operations work on the two longs directly with SWAR arithmetic (bitwise, add/sub, comparisons,
 * min/max and saturating add/sub of i8x16 and i16x8, shifts, splats, lanes, bitmask, popcnt); the rest go lane by
 * lane, each through its own small method (one per operation and lane width) so that HotSpot inlines it.
 *
 * <h2>Half operations</h2>
 * Most operations compute each 64-bit half of the result from the same half of the operands ({@link #add16},
 * {@link #eq8}, {@link #dot16}, ...) or from one or two whole halves ({@link #spread8to16}, {@link #narrowU8},
 * {@link #gatherSigns8}, {@link #splat8}). Those per-half methods are public: the compiler keeps v128 values as
 * two longs and calls them directly, so both engines still share one definition of each operation.
 *
 * <h2>Memory instructions</h2>
 * Every vector memory instruction is a method of {@code LinearMemory} named like the others here
 * ({@code v128Load8x8S}, {@code v128Load32Zero}, {@code v128Load16Lane}, {@code v128Store8Lane}, ...): a
 * bounds-checked scalar access followed by one of the helpers below, which turn loaded bytes into a vector:
 * {@link #load8x8S} and friends take the loaded i64 (8 bytes, little endian), {@link #load8Splat},
 * {@link #load32Zero} etc. take the loaded scalar; lane loads and stores are {@code replace_lane} /
 * {@code extract_lane}.
 *
 * <h2>Floating point</h2>
 * Lane arithmetic uses Java float/double operators, with the same NaN argument as {@link NumericOps}: {@code min},
 * {@code max}, rounding and conversions that produce NaN return the canonical NaN; {@code abs}, {@code neg},
 * {@code pmin} and {@code pmax} select or modify raw bits and keep payloads; {@code min}/{@code max} order -0 below
 * +0, while {@code pmin}/{@code pmax} are exactly {@code b < a ? b : a} / {@code a < b ? b : a}.
 *
 * <h2>Relaxed SIMD: the fixed choices</h2>
 * Each relaxed instruction behaves as one of the results the spec allows, always the same one, on every platform:
 * <ul>
 *   <li>{@code i8x16.relaxed_swizzle} = {@code i8x16.swizzle} (indices >= 16 give 0);</li>
 *   <li>{@code i32x4.relaxed_trunc_f32x4_s/u}, {@code i32x4.relaxed_trunc_f64x2_s/u_zero} = the saturating
 *       {@code trunc_sat} forms (NaN gives 0);</li>
 *   <li>{@code f32x4/f64x2.relaxed_madd} = fused {@link Math#fma}{@code (a, b, c)}, {@code relaxed_nmadd} = fused
 *       {@code fma(-a, b, c)} (one rounding);</li>
 *   <li>{@code iNxM.relaxed_laneselect} = {@code v128.bitselect} (every bit chosen by the mask);</li>
 *   <li>{@code f32x4/f64x2.relaxed_min/max} = {@code min/max} (NaN propagating, -0 < +0);</li>
 *   <li>{@code i16x8.relaxed_q15mulr_s} = {@code i16x8.q15mulr_sat_s} (-32768 * -32768 saturates to 32767);</li>
 *   <li>{@code i16x8.relaxed_dot_i8x16_i7x16_s}: both operands' bytes signed, the two products added and wrapped
 *       to 16 bits; {@code i32x4.relaxed_dot_i8x16_i7x16_add_s}: both signed, the four products and the
 *       accumulator lane added with 32-bit wrapping.</li>
 * </ul>
 *
 * @see <a href="https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions">Wasm vector
 *     instructions</a>
 */
public final class SimdOps {
    private SimdOps() {
    }

    private static final long ONES8 = 0x0101_0101_0101_0101L;
    private static final long HIGH8 = 0x8080_8080_8080_8080L;
    private static final long LOW7 = 0x7F7F_7F7F_7F7F_7F7FL;
    private static final long ONES16 = 0x0001_0001_0001_0001L;
    private static final long HIGH16 = 0x8000_8000_8000_8000L;
    private static final long HIGH32 = 0x8000_0000_8000_0000L;
    private static final long F32_SIGNS = 0x8000_0000_8000_0000L;
    private static final long F64_SIGN = 0x8000_0000_0000_0000L;
    private static final long MASK32 = 0xFFFF_FFFFL;

    // ================================================================== constants, splats, lanes

    /** {@code v128.const} from 16 bytes. */
    public static V128 v128Const(byte[] bytes) {
        return V128.ofBytes(bytes);
    }

    /** {@code i8x16.splat}. */
    public static V128 i8x16Splat(int x) {
        long v = splat8(x);
        return new V128(v, v);
    }

    /** {@code i16x8.splat}. */
    public static V128 i16x8Splat(int x) {
        long v = splat16(x);
        return new V128(v, v);
    }

    /** {@code i32x4.splat}. */
    public static V128 i32x4Splat(int x) {
        long v = splat32(x);
        return new V128(v, v);
    }

    /** One half (both are equal) of {@code i8x16.splat}. */
    public static long splat8(int x) {
        return (x & 0xFFL) * ONES8;
    }

    /** One half of {@code i16x8.splat}. */
    public static long splat16(int x) {
        return (x & 0xFFFFL) * ONES16;
    }

    /** One half of {@code i32x4.splat}. */
    public static long splat32(int x) {
        return (x & MASK32) | ((long) x << 32);
    }

    /** {@code i64x2.splat}. */
    public static V128 i64x2Splat(long x) {
        return new V128(x, x);
    }

    /** {@code f32x4.splat}. */
    public static V128 f32x4Splat(float x) {
        return i32x4Splat(Float.floatToRawIntBits(x));
    }

    /** {@code f64x2.splat}. */
    public static V128 f64x2Splat(double x) {
        long v = Double.doubleToRawLongBits(x);
        return new V128(v, v);
    }

    private static long half(V128 v, int lane, int lanesPerHalf) {
        return lane < lanesPerHalf ? v.lo() : v.hi();
    }

    /** {@code i8x16.extract_lane_s}. */
    public static int i8x16ExtractLaneS(V128 v, int lane) {
        return (byte) (half(v, lane, 8) >>> ((lane & 7) << 3));
    }

    /** {@code i8x16.extract_lane_u}. */
    public static int i8x16ExtractLaneU(V128 v, int lane) {
        return (int) (half(v, lane, 8) >>> ((lane & 7) << 3)) & 0xFF;
    }

    /** {@code i16x8.extract_lane_s}. */
    public static int i16x8ExtractLaneS(V128 v, int lane) {
        return (short) (half(v, lane, 4) >>> ((lane & 3) << 4));
    }

    /** {@code i16x8.extract_lane_u}. */
    public static int i16x8ExtractLaneU(V128 v, int lane) {
        return (int) (half(v, lane, 4) >>> ((lane & 3) << 4)) & 0xFFFF;
    }

    /** {@code i32x4.extract_lane}. */
    public static int i32x4ExtractLane(V128 v, int lane) {
        return (int) (half(v, lane, 2) >>> ((lane & 1) << 5));
    }

    /** {@code i64x2.extract_lane}. */
    public static long i64x2ExtractLane(V128 v, int lane) {
        return lane == 0 ? v.lo() : v.hi();
    }

    /** {@code f32x4.extract_lane}. */
    public static float f32x4ExtractLane(V128 v, int lane) {
        return Float.intBitsToFloat(i32x4ExtractLane(v, lane));
    }

    /** {@code f64x2.extract_lane}. */
    public static double f64x2ExtractLane(V128 v, int lane) {
        return Double.longBitsToDouble(lane == 0 ? v.lo() : v.hi());
    }

    private static V128 replaceBits(V128 v, int lane, int lanesPerHalf, int laneBits, long laneMask, long x) {
        int shift = (lane & (lanesPerHalf - 1)) * laneBits;
        long clear = ~(laneMask << shift);
        long bits = (x & laneMask) << shift;
        return lane < lanesPerHalf ? new V128((v.lo() & clear) | bits, v.hi()) : new V128(v.lo(), (v.hi() & clear) | bits);
    }

    /** {@code i8x16.replace_lane}. */
    public static V128 i8x16ReplaceLane(V128 v, int lane, int x) {
        return replaceBits(v, lane, 8, 8, 0xFFL, x);
    }

    /** {@code i16x8.replace_lane}. */
    public static V128 i16x8ReplaceLane(V128 v, int lane, int x) {
        return replaceBits(v, lane, 4, 16, 0xFFFFL, x);
    }

    /** {@code i32x4.replace_lane}. */
    public static V128 i32x4ReplaceLane(V128 v, int lane, int x) {
        return replaceBits(v, lane, 2, 32, MASK32, x);
    }

    /** {@code i64x2.replace_lane}. */
    public static V128 i64x2ReplaceLane(V128 v, int lane, long x) {
        return lane == 0 ? new V128(x, v.hi()) : new V128(v.lo(), x);
    }

    /** {@code f32x4.replace_lane}. */
    public static V128 f32x4ReplaceLane(V128 v, int lane, float x) {
        return i32x4ReplaceLane(v, lane, Float.floatToRawIntBits(x));
    }

    /** {@code f64x2.replace_lane}. */
    public static V128 f64x2ReplaceLane(V128 v, int lane, double x) {
        return i64x2ReplaceLane(v, lane, Double.doubleToRawLongBits(x));
    }

    // ================================================================== shuffle and swizzle

    /** Byte {@code i} (0..15) of {@code v}, unsigned. */
    private static int byteOf(V128 v, int i) {
        return (int) ((i < 8 ? v.lo() : v.hi()) >>> ((i & 7) << 3)) & 0xFF;
    }

    /**
     * {@code i8x16.shuffle}: result byte i is byte {@code lanes[i]} of the 32-byte concatenation a:b. The 16 lane
     * indices (each 0..31, checked by validation) are passed packed as a vector, so that the immediate can be kept
     * as two longs (the compiler emits them as constants).
     */
    public static V128 i8x16Shuffle(V128 a, V128 b, V128 lanes) {
        long lo = 0;
        long hi = 0;
        for (int i = 0; i < 8; i++) {
            lo |= (long) shuffleByte(a, b, (int) (lanes.lo() >>> (i << 3)) & 0x1F) << (i << 3);
            hi |= (long) shuffleByte(a, b, (int) (lanes.hi() >>> (i << 3)) & 0x1F) << (i << 3);
        }
        return new V128(lo, hi);
    }

    /** {@code i8x16.shuffle} with the immediate as 16 bytes. */
    public static V128 i8x16Shuffle(V128 a, V128 b, byte[] lanes) {
        return i8x16Shuffle(a, b, V128.ofBytes(lanes));
    }

    private static int shuffleByte(V128 a, V128 b, int index) {
        return index < 16 ? byteOf(a, index) : byteOf(b, index - 16);
    }

    /** {@code i8x16.swizzle}: result byte i is {@code a[s[i]]}, or 0 where {@code s[i] >= 16}. */
    public static V128 i8x16Swizzle(V128 a, V128 s) {
        long lo = 0;
        long hi = 0;
        for (int i = 0; i < 8; i++) {
            int shift = i << 3;
            int il = (int) (s.lo() >>> shift) & 0xFF;
            int ih = (int) (s.hi() >>> shift) & 0xFF;
            if (il < 16) {
                lo |= (long) byteOf(a, il) << shift;
            }
            if (ih < 16) {
                hi |= (long) byteOf(a, ih) << shift;
            }
        }
        return new V128(lo, hi);
    }

    /** {@code i8x16.relaxed_swizzle}: fixed as {@link #i8x16Swizzle}. */
    public static V128 i8x16RelaxedSwizzle(V128 a, V128 s) {
        return i8x16Swizzle(a, s);
    }

    // ================================================================== bitwise

    /** {@code v128.not}. */
    public static V128 v128Not(V128 a) {
        return new V128(~a.lo(), ~a.hi());
    }

    /** {@code v128.and}. */
    public static V128 v128And(V128 a, V128 b) {
        return new V128(a.lo() & b.lo(), a.hi() & b.hi());
    }

    /** {@code v128.andnot}: {@code a & ~b}. */
    public static V128 v128Andnot(V128 a, V128 b) {
        return new V128(a.lo() & ~b.lo(), a.hi() & ~b.hi());
    }

    /** {@code v128.or}. */
    public static V128 v128Or(V128 a, V128 b) {
        return new V128(a.lo() | b.lo(), a.hi() | b.hi());
    }

    /** {@code v128.xor}. */
    public static V128 v128Xor(V128 a, V128 b) {
        return new V128(a.lo() ^ b.lo(), a.hi() ^ b.hi());
    }

    /** {@code v128.bitselect}: bits of {@code a} where {@code mask} is 1, of {@code b} where it is 0. */
    public static V128 v128Bitselect(V128 a, V128 b, V128 mask) {
        return new V128((a.lo() & mask.lo()) | (b.lo() & ~mask.lo()), (a.hi() & mask.hi()) | (b.hi() & ~mask.hi()));
    }

    /** {@code v128.any_true}: 1 if any bit is set. */
    public static int v128AnyTrue(V128 a) {
        return anyTrue(a.lo(), a.hi());
    }

    /** {@code v128.any_true} of the vector with halves {@code lo} and {@code hi}. */
    public static int anyTrue(long lo, long hi) {
        return (lo | hi) != 0 ? 1 : 0;
    }

    /** {@code i8x16.relaxed_laneselect}: fixed as {@link #v128Bitselect}. */
    public static V128 i8x16RelaxedLaneselect(V128 a, V128 b, V128 mask) {
        return v128Bitselect(a, b, mask);
    }

    /** {@code i16x8.relaxed_laneselect}: fixed as {@link #v128Bitselect}. */
    public static V128 i16x8RelaxedLaneselect(V128 a, V128 b, V128 mask) {
        return v128Bitselect(a, b, mask);
    }

    /** {@code i32x4.relaxed_laneselect}: fixed as {@link #v128Bitselect}. */
    public static V128 i32x4RelaxedLaneselect(V128 a, V128 b, V128 mask) {
        return v128Bitselect(a, b, mask);
    }

    /** {@code i64x2.relaxed_laneselect}: fixed as {@link #v128Bitselect}. */
    public static V128 i64x2RelaxedLaneselect(V128 a, V128 b, V128 mask) {
        return v128Bitselect(a, b, mask);
    }

    // ================================================================== SWAR building blocks

    public static long add8(long x, long y) {
        return ((x & LOW7) + (y & LOW7)) ^ ((x ^ y) & HIGH8);
    }

    public static long sub8(long x, long y) {
        return ((x | HIGH8) - (y & LOW7)) ^ ((x ^ ~y) & HIGH8);
    }

    public static long add16(long x, long y) {
        return ((x & ~HIGH16) + (y & ~HIGH16)) ^ ((x ^ y) & HIGH16);
    }

    public static long sub16(long x, long y) {
        return ((x | HIGH16) - (y & ~HIGH16)) ^ ((x ^ ~y) & HIGH16);
    }

    public static long add32(long x, long y) {
        return ((x & ~HIGH32) + (y & ~HIGH32)) ^ ((x ^ y) & HIGH32);
    }

    public static long sub32(long x, long y) {
        return ((x | HIGH32) - (y & ~HIGH32)) ^ ((x ^ ~y) & HIGH32);
    }

    /**
     * Per byte: 0x80 where the bytes of x and y are equal, else 0: {@link #eq8}'s sign bits alone, for an
     * {@code i8x16.eq} whose only reader is an {@code i8x16.bitmask}, which reads nothing else.
     */
    public static long eqSigns8(long x, long y) {
        long t = x ^ y;
        return ~(((t & LOW7) + LOW7) | t) & HIGH8;
    }

    /** Per byte: 0xFF where the bytes of x and y are equal, else 0. Exact (no carries cross bytes). */
    public static long eq8(long x, long y) {
        long t = x ^ y;
        long nonZeroHigh = ((t & LOW7) + LOW7) | t; // high bit of each byte set iff the byte is non-zero
        return ((~nonZeroHigh & HIGH8) >>> 7) * 0xFF;
    }

    public static long eq16(long x, long y) {
        long t = x ^ y;
        long nonZeroHigh = ((t & ~HIGH16) + ~HIGH16) | t;
        return ((~nonZeroHigh & HIGH16) >>> 15) * 0xFFFF;
    }

    public static long eq32(long x, long y) {
        long r = (int) x == (int) y ? MASK32 : 0;
        if ((int) (x >>> 32) == (int) (y >>> 32)) {
            r |= MASK32 << 32;
        }
        return r;
    }

    /** Bits of {@code a} where {@code mask} is set, else of {@code b}. */
    private static long select(long mask, long a, long b) {
        return (a & mask) | (b & ~mask);
    }

    private static boolean hasZeroByte(long x) {
        return ((x - ONES8) & ~x & HIGH8) != 0;
    }

    private static boolean hasZero16(long x) {
        return ((x - ONES16) & ~x & HIGH16) != 0;
    }

    // ================================================================== lane-wise helpers (generated shape)
    // One small method per operation and lane width, so that HotSpot inlines each into its caller.

    public static long abs8(long x, long y) {
        long r = 0;
        for (int s = 0; s < 64; s += 8) {
            int a = (byte) (x >>> s);
            int b = (byte) (y >>> s);
            r |= ((Math.abs(a)) & 0xFFL) << s;
        }
        return r;
    }

    /** Signed saturating add: where a lane overflowed (operands alike in sign, sum not), MAX or MIN by x's sign. */
    public static long addSatS8(long x, long y) {
        long sum = add8(x, y);
        long overflow = (((~(x ^ y) & (x ^ sum)) & HIGH8) >>> 7) * 0xFF;
        return select(overflow, LOW7 + ((x & HIGH8) >>> 7), sum);
    }

    /** Unsigned saturating byte add: the wrapped sum, or 0xFF where a byte carried out. */
    public static long addSatU8(long x, long y) {
        long sum = add8(x, y);
        long carries = ((x & y) | ((x | y) & ~sum)) & HIGH8;
        return sum | ((carries >>> 7) * 0xFF);
    }

    /** Rounding byte average: (x | y) - ((x ^ y) >> 1) per byte, which never borrows. */
    public static long avgrU8(long x, long y) {
        return (x | y) - (((x ^ y) >>> 1) & LOW7);
    }

    public static long geS8(long x, long y) {
        return ~below8(x ^ HIGH8, y ^ HIGH8);
    }

    public static long geU8(long x, long y) {
        return ~below8(x, y);
    }

    public static long gtS8(long x, long y) {
        return below8(y ^ HIGH8, x ^ HIGH8);
    }

    public static long gtU8(long x, long y) {
        return below8(y, x);
    }

    public static long leS8(long x, long y) {
        return ~below8(y ^ HIGH8, x ^ HIGH8);
    }

    public static long leU8(long x, long y) {
        return ~below8(y, x);
    }

    /** Signed order is unsigned order with the sign bits flipped. */
    public static long ltS8(long x, long y) {
        return below8(x ^ HIGH8, y ^ HIGH8);
    }

    /** All ones in the lanes where x < y (unsigned): the borrow out of each lane of x - y. */
    private static long below8(long x, long y) {
        long diff = sub8(x, y);
        return ((((~x & y) | (~(x ^ y) & diff)) & HIGH8) >>> 7) * 0xFF;
    }

    /** All ones in the lanes where x < y, unsigned. */
    public static long ltU8(long x, long y) {
        return below8(x, y);
    }

    public static long maxS8(long x, long y) {
        return select(below8(x ^ HIGH8, y ^ HIGH8), y, x);
    }

    /** Unsigned byte maximum: y + sat(x - y), per byte without carries. */
    public static long maxU8(long x, long y) {
        return add8(y, subSatU8(x, y));
    }

    public static long minS8(long x, long y) {
        return select(below8(x ^ HIGH8, y ^ HIGH8), x, y);
    }

    /** Unsigned byte minimum: x - sat(x - y), per byte without borrows. */
    public static long minU8(long x, long y) {
        return sub8(x, subSatU8(x, y));
    }

    /** Signed saturating subtract: overflow where the operands differ in sign and the result's sign is not x's. */
    public static long subSatS8(long x, long y) {
        long diff = sub8(x, y);
        long overflow = ((((x ^ y) & (x ^ diff)) & HIGH8) >>> 7) * 0xFF;
        return select(overflow, LOW7 + ((x & HIGH8) >>> 7), diff);
    }

    /** Unsigned saturating byte subtract: the wrapped difference, or 0 where a byte borrowed. */
    public static long subSatU8(long x, long y) {
        long diff = sub8(x, y);
        long borrows = ((~x & y) | (~(x ^ y) & diff)) & HIGH8;
        return diff & ~((borrows >>> 7) * 0xFF);
    }

    public static long abs16(long x, long y) {
        long r = 0;
        for (int s = 0; s < 64; s += 16) {
            int a = (short) (x >>> s);
            int b = (short) (y >>> s);
            r |= ((Math.abs(a)) & 0xFFFFL) << s;
        }
        return r;
    }

    /** Signed saturating add: where a lane overflowed (operands alike in sign, sum not), MAX or MIN by x's sign. */
    public static long addSatS16(long x, long y) {
        long sum = add16(x, y);
        long overflow = (((~(x ^ y) & (x ^ sum)) & HIGH16) >>> 15) * 0xFFFF;
        return select(overflow, ~HIGH16 + ((x & HIGH16) >>> 15), sum);
    }

    public static long addSatU16(long x, long y) {
        long sum = add16(x, y);
        long carries = ((x & y) | ((x | y) & ~sum)) & HIGH16;
        return sum | ((carries >>> 15) * 0xFFFF);
    }

    public static long avgrU16(long x, long y) {
        return (x | y) - (((x ^ y) >>> 1) & ~HIGH16);
    }

    public static long geS16(long x, long y) {
        return ~below16(x ^ HIGH16, y ^ HIGH16);
    }

    public static long geU16(long x, long y) {
        return ~below16(x, y);
    }

    public static long gtS16(long x, long y) {
        return below16(y ^ HIGH16, x ^ HIGH16);
    }

    public static long gtU16(long x, long y) {
        return below16(y, x);
    }

    public static long leS16(long x, long y) {
        return ~below16(y ^ HIGH16, x ^ HIGH16);
    }

    public static long leU16(long x, long y) {
        return ~below16(y, x);
    }

    /** Signed order is unsigned order with the sign bits flipped. */
    public static long ltS16(long x, long y) {
        return below16(x ^ HIGH16, y ^ HIGH16);
    }

    /** All ones in the lanes where x < y (unsigned): the borrow out of each lane of x - y. */
    private static long below16(long x, long y) {
        long diff = sub16(x, y);
        return ((((~x & y) | (~(x ^ y) & diff)) & HIGH16) >>> 15) * 0xFFFF;
    }

    /** All ones in the lanes where x < y, unsigned. */
    public static long ltU16(long x, long y) {
        return below16(x, y);
    }

    public static long maxS16(long x, long y) {
        return select(below16(x ^ HIGH16, y ^ HIGH16), y, x);
    }

    public static long maxU16(long x, long y) {
        return select(below16(x, y), y, x);
    }

    public static long minS16(long x, long y) {
        return select(below16(x ^ HIGH16, y ^ HIGH16), x, y);
    }

    public static long minU16(long x, long y) {
        return select(below16(x, y), x, y);
    }

    public static long mul16(long x, long y) {
        long r = 0;
        for (int s = 0; s < 64; s += 16) {
            int a = (short) (x >>> s);
            int b = (short) (y >>> s);
            r |= ((a * b) & 0xFFFFL) << s;
        }
        return r;
    }

    public static long q15mulrSat16(long x, long y) {
        long r = 0;
        for (int s = 0; s < 64; s += 16) {
            int a = (short) (x >>> s);
            int b = (short) (y >>> s);
            r |= ((Math.max(-32768, Math.min(32767, (a * b + 0x4000) >> 15))) & 0xFFFFL) << s;
        }
        return r;
    }

    /** Signed saturating subtract: overflow where the operands differ in sign and the result's sign is not x's. */
    public static long subSatS16(long x, long y) {
        long diff = sub16(x, y);
        long overflow = ((((x ^ y) & (x ^ diff)) & HIGH16) >>> 15) * 0xFFFF;
        return select(overflow, ~HIGH16 + ((x & HIGH16) >>> 15), diff);
    }

    public static long subSatU16(long x, long y) {
        return sub16(x, y) & ~below16(x, y);
    }

    public static long abs32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (Math.abs(a)) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (Math.abs(a)) << 32);
    }

    public static long geS32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (a >= b ? -1 : 0) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (a >= b ? -1 : 0) << 32);
    }

    public static long geU32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (Integer.compareUnsigned(a, b) >= 0 ? -1 : 0) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (Integer.compareUnsigned(a, b) >= 0 ? -1 : 0) << 32);
    }

    public static long gtS32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (a > b ? -1 : 0) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (a > b ? -1 : 0) << 32);
    }

    public static long gtU32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (Integer.compareUnsigned(a, b) > 0 ? -1 : 0) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (Integer.compareUnsigned(a, b) > 0 ? -1 : 0) << 32);
    }

    public static long leS32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (a <= b ? -1 : 0) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (a <= b ? -1 : 0) << 32);
    }

    public static long leU32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (Integer.compareUnsigned(a, b) <= 0 ? -1 : 0) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (Integer.compareUnsigned(a, b) <= 0 ? -1 : 0) << 32);
    }

    public static long ltS32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (a < b ? -1 : 0) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (a < b ? -1 : 0) << 32);
    }

    public static long ltU32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (Integer.compareUnsigned(a, b) < 0 ? -1 : 0) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (Integer.compareUnsigned(a, b) < 0 ? -1 : 0) << 32);
    }

    public static long maxS32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (Math.max(a, b)) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (Math.max(a, b)) << 32);
    }

    public static long maxU32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (Integer.compareUnsigned(a, b) > 0 ? a : b) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (Integer.compareUnsigned(a, b) > 0 ? a : b) << 32);
    }

    public static long minS32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (Math.min(a, b)) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (Math.min(a, b)) << 32);
    }

    public static long minU32(long x, long y) {
        int a = (int) x;
        int b = (int) y;
        long lo = (Integer.compareUnsigned(a, b) < 0 ? a : b) & MASK32;
        a = (int) (x >>> 32);
        b = (int) (y >>> 32);
        return lo | ((long) (Integer.compareUnsigned(a, b) < 0 ? a : b) << 32);
    }

    private static int addF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return Float.floatToRawIntBits(a + b);
    }

    public static long addF32(long x, long y) {
        return (addF32Lane((int) x, (int) y) & MASK32)
                | ((long) addF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int ceilF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        return Float.floatToRawIntBits(NumericOps.f32Ceil(a));
    }

    public static long ceilF32(long x, long y) {
        return (ceilF32Lane((int) x, (int) y) & MASK32)
                | ((long) ceilF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int divF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return Float.floatToRawIntBits(a / b);
    }

    public static long divF32(long x, long y) {
        return (divF32Lane((int) x, (int) y) & MASK32)
                | ((long) divF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int eqF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return a == b ? -1 : 0;
    }

    public static long eqF32(long x, long y) {
        return (eqF32Lane((int) x, (int) y) & MASK32)
                | ((long) eqF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int floorF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        return Float.floatToRawIntBits(NumericOps.f32Floor(a));
    }

    public static long floorF32(long x, long y) {
        return (floorF32Lane((int) x, (int) y) & MASK32)
                | ((long) floorF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int geF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return a >= b ? -1 : 0;
    }

    public static long geF32(long x, long y) {
        return (geF32Lane((int) x, (int) y) & MASK32)
                | ((long) geF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int gtF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return a > b ? -1 : 0;
    }

    public static long gtF32(long x, long y) {
        return (gtF32Lane((int) x, (int) y) & MASK32)
                | ((long) gtF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int leF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return a <= b ? -1 : 0;
    }

    public static long leF32(long x, long y) {
        return (leF32Lane((int) x, (int) y) & MASK32)
                | ((long) leF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int ltF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return a < b ? -1 : 0;
    }

    public static long ltF32(long x, long y) {
        return (ltF32Lane((int) x, (int) y) & MASK32)
                | ((long) ltF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int maxF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return Float.floatToRawIntBits(NumericOps.f32Max(a, b));
    }

    public static long maxF32(long x, long y) {
        return (maxF32Lane((int) x, (int) y) & MASK32)
                | ((long) maxF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int minF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return Float.floatToRawIntBits(NumericOps.f32Min(a, b));
    }

    public static long minF32(long x, long y) {
        return (minF32Lane((int) x, (int) y) & MASK32)
                | ((long) minF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int mulF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return Float.floatToRawIntBits(a * b);
    }

    public static long mulF32(long x, long y) {
        return (mulF32Lane((int) x, (int) y) & MASK32)
                | ((long) mulF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int neF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return a != b ? -1 : 0;
    }

    public static long neF32(long x, long y) {
        return (neF32Lane((int) x, (int) y) & MASK32)
                | ((long) neF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int nearestF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        return Float.floatToRawIntBits(NumericOps.f32Nearest(a));
    }

    public static long nearestF32(long x, long y) {
        return (nearestF32Lane((int) x, (int) y) & MASK32)
                | ((long) nearestF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int pmaxF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return a < b ? ib : ia;
    }

    public static long pmaxF32(long x, long y) {
        return (pmaxF32Lane((int) x, (int) y) & MASK32)
                | ((long) pmaxF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int pminF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return b < a ? ib : ia;
    }

    public static long pminF32(long x, long y) {
        return (pminF32Lane((int) x, (int) y) & MASK32)
                | ((long) pminF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int sqrtF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        return Float.floatToRawIntBits(NumericOps.f32Sqrt(a));
    }

    public static long sqrtF32(long x, long y) {
        return (sqrtF32Lane((int) x, (int) y) & MASK32)
                | ((long) sqrtF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int subF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        float b = Float.intBitsToFloat(ib);
        return Float.floatToRawIntBits(a - b);
    }

    public static long subF32(long x, long y) {
        return (subF32Lane((int) x, (int) y) & MASK32)
                | ((long) subF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    private static int truncF32Lane(int ia, int ib) {
        float a = Float.intBitsToFloat(ia);
        return Float.floatToRawIntBits(NumericOps.f32Trunc(a));
    }

    public static long truncF32(long x, long y) {
        return (truncF32Lane((int) x, (int) y) & MASK32)
                | ((long) truncF32Lane((int) (x >>> 32), (int) (y >>> 32)) << 32);
    }

    public static long addF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(a + b);
    }

    public static long ceilF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(NumericOps.f64Ceil(a));
    }

    public static long divF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(a / b);
    }

    public static long eqF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return a == b ? -1L : 0;
    }

    public static long floorF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(NumericOps.f64Floor(a));
    }

    public static long geF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return a >= b ? -1L : 0;
    }

    public static long gtF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return a > b ? -1L : 0;
    }

    public static long leF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return a <= b ? -1L : 0;
    }

    public static long ltF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return a < b ? -1L : 0;
    }

    public static long maxF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(NumericOps.f64Max(a, b));
    }

    public static long minF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(NumericOps.f64Min(a, b));
    }

    public static long mulF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(a * b);
    }

    public static long neF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return a != b ? -1L : 0;
    }

    public static long nearestF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(NumericOps.f64Nearest(a));
    }

    public static long pmaxF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return a < b ? y : x;
    }

    public static long pminF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return b < a ? y : x;
    }

    public static long sqrtF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(NumericOps.f64Sqrt(a));
    }

    public static long subF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(a - b);
    }

    public static long truncF64(long x, long y) {
        double a = Double.longBitsToDouble(x);
        double b = Double.longBitsToDouble(y);
        return Double.doubleToRawLongBits(NumericOps.f64Trunc(a));
    }

    // ================================================================== i8x16

    /** {@code i8x16.add}. */
    public static V128 i8x16Add(V128 a, V128 b) {
        return new V128(add8(a.lo(), b.lo()), add8(a.hi(), b.hi()));
    }

    /** {@code i8x16.sub}. */
    public static V128 i8x16Sub(V128 a, V128 b) {
        return new V128(sub8(a.lo(), b.lo()), sub8(a.hi(), b.hi()));
    }

    /** {@code i8x16.add_sat_s}. */
    public static V128 i8x16AddSatS(V128 a, V128 b) {
        return new V128(addSatS8(a.lo(), b.lo()), addSatS8(a.hi(), b.hi()));
    }

    /** {@code i8x16.add_sat_u}. */
    public static V128 i8x16AddSatU(V128 a, V128 b) {
        return new V128(addSatU8(a.lo(), b.lo()), addSatU8(a.hi(), b.hi()));
    }

    /** {@code i8x16.sub_sat_s}. */
    public static V128 i8x16SubSatS(V128 a, V128 b) {
        return new V128(subSatS8(a.lo(), b.lo()), subSatS8(a.hi(), b.hi()));
    }

    /** {@code i8x16.sub_sat_u}. */
    public static V128 i8x16SubSatU(V128 a, V128 b) {
        return new V128(subSatU8(a.lo(), b.lo()), subSatU8(a.hi(), b.hi()));
    }

    /** {@code i8x16.min_s}. */
    public static V128 i8x16MinS(V128 a, V128 b) {
        return new V128(minS8(a.lo(), b.lo()), minS8(a.hi(), b.hi()));
    }

    /** {@code i8x16.min_u}. */
    public static V128 i8x16MinU(V128 a, V128 b) {
        return new V128(minU8(a.lo(), b.lo()), minU8(a.hi(), b.hi()));
    }

    /** {@code i8x16.max_s}. */
    public static V128 i8x16MaxS(V128 a, V128 b) {
        return new V128(maxS8(a.lo(), b.lo()), maxS8(a.hi(), b.hi()));
    }

    /** {@code i8x16.max_u}. */
    public static V128 i8x16MaxU(V128 a, V128 b) {
        return new V128(maxU8(a.lo(), b.lo()), maxU8(a.hi(), b.hi()));
    }

    /** {@code i8x16.avgr_u}: {@code (a + b + 1) / 2}, unsigned. */
    public static V128 i8x16AvgrU(V128 a, V128 b) {
        return new V128(avgrU8(a.lo(), b.lo()), avgrU8(a.hi(), b.hi()));
    }

    /** {@code i8x16.abs} (abs(-128) = -128). */
    public static V128 i8x16Abs(V128 a) {
        return new V128(abs8(a.lo(), a.lo()), abs8(a.hi(), a.hi()));
    }

    /** {@code i8x16.neg}. */
    public static V128 i8x16Neg(V128 a) {
        return i8x16Sub(V128.ZERO, a);
    }

    /** {@code i8x16.popcnt}. */
    public static V128 i8x16Popcnt(V128 a) {
        return new V128(popcnt8(a.lo()), popcnt8(a.hi()));
    }

    public static long popcnt8(long x) {
        x = x - ((x >>> 1) & 0x5555_5555_5555_5555L);
        x = (x & 0x3333_3333_3333_3333L) + ((x >>> 2) & 0x3333_3333_3333_3333L);
        return (x + (x >>> 4)) & 0x0F0F_0F0F_0F0F_0F0FL;
    }

    /** {@code i8x16.all_true}: 1 if no byte is zero. */
    public static int i8x16AllTrue(V128 a) {
        return hasZeroByte(a.lo()) || hasZeroByte(a.hi()) ? 0 : 1;
    }

    /** {@code i8x16.bitmask}: bit i is the sign bit of byte i. */
    public static int i8x16Bitmask(V128 a) {
        return gatherSigns8(a.lo()) | (gatherSigns8(a.hi()) << 8);
    }

    /**
     * Nonzero exactly when some byte of {@code lo} or {@code hi} has its sign bit set: {@code i8x16.bitmask} for a
     * reader that only tests it against zero ({@code i32.eqz}, {@code i32.const 0  i32.ne}), without gathering the
     * bits.
     */
    public static int anySign8(long lo, long hi) {
        long signs = (lo | hi) & HIGH8;
        return (int) (signs | (signs >>> 32));
    }

    /** Moves the 8 byte sign bits of x into the low 8 bits (byte 0 to bit 0) with one multiplication. */
    public static int gatherSigns8(long x) {
        return (int) ((((x & HIGH8) >>> 7) * 0x0102_0408_1020_4080L) >>> 56);
    }

    /** {@code i8x16.shl}: count modulo 8. */
    public static V128 i8x16Shl(V128 a, int count) {
        return new V128(shl8(a.lo(), count), shl8(a.hi(), count));
    }

    /** A half of {@code i8x16.shl}. */
    public static long shl8(long x, int count) {
        int n = count & 7;
        return (x << n) & (((0xFFL << n) & 0xFF) * ONES8);
    }

    /** {@code i8x16.shr_u}: count modulo 8. */
    public static V128 i8x16ShrU(V128 a, int count) {
        return new V128(shrU8(a.lo(), count), shrU8(a.hi(), count));
    }

    /** A half of {@code i8x16.shr_u}. */
    public static long shrU8(long x, int count) {
        int n = count & 7;
        return (x >>> n) & ((0xFFL >>> n) * ONES8);
    }

    /** {@code i8x16.shr_s}: count modulo 8. */
    public static V128 i8x16ShrS(V128 a, int count) {
        return new V128(shrS8(a.lo(), count), shrS8(a.hi(), count));
    }

    /** A half of {@code i8x16.shr_s}. */
    public static long shrS8(long x, int count) {
        int n = count & 7;
        long keep = (0xFFL >>> n) * ONES8;
        long fill = 0xFFL ^ (0xFFL >>> n); // the top n bits of a byte
        return shrS8(x, n, keep, fill);
    }

    /** Logical shift per byte, then the sign bit (0/1 per byte) times the fill byte: no carries cross bytes. */
    private static long shrS8(long x, int n, long keep, long fill) {
        return ((x >>> n) & keep) | (((x & HIGH8) >>> 7) * fill);
    }

    /** {@code i8x16.narrow_i16x8_s}: signed saturation of a's then b's i16 lanes to i8. */
    public static V128 i8x16NarrowI16x8S(V128 a, V128 b) {
        return new V128(narrow16to8(a, true), narrow16to8(b, true));
    }

    /** {@code i8x16.narrow_i16x8_u}: the i16 lanes are signed, saturated to [0, 255]. */
    public static V128 i8x16NarrowI16x8U(V128 a, V128 b) {
        return new V128(narrow16to8(a, false), narrow16to8(b, false));
    }

    private static long narrow16to8(V128 v, boolean signed) {
        return signed ? narrowS8(v.lo(), v.hi()) : narrowU8(v.lo(), v.hi());
    }

    /** The eight signed i16 lanes of {@code lo} then {@code hi} saturated to i8: one half of {@code narrow_i16x8_s}. */
    public static long narrowS8(long lo, long hi) {
        long r = 0;
        for (int i = 0; i < 8; i++) {
            long half = i < 4 ? lo : hi;
            int x = (short) (half >>> ((i & 3) << 4));
            int sat = Math.max(-128, Math.min(127, x));
            r |= (long) (sat & 0xFF) << (i << 3);
        }
        return r;
    }

    /** The eight signed i16 lanes of {@code lo} then {@code hi} saturated to u8: one half of {@code narrow_i16x8_u}. */
    public static long narrowU8(long lo, long hi) {
        return narrow16to8U(lo) | (narrow16to8U(hi) << 32);
    }

    /**
     * {@link #narrowU8} for operands without a negative lane (each lane's top bit clear): lanes above 255 become 255,
     * the rest keep their low byte.
     */
    public static long narrowU8NonNegative(long lo, long hi) {
        return narrow16to8NonNegative(lo) | (narrow16to8NonNegative(hi) << 32);
    }

    /** {@link #narrow16to8U} for a value without a negative lane. */
    public static long narrow16to8NonNegative(long x) {
        long big = ((((x & 0x7F00_7F00_7F00_7F00L) + 0x7F00_7F00_7F00_7F00L) & HIGH16) >>> 15) * 0xFF;
        long lanes = (x & 0x00FF_00FF_00FF_00FFL) | big;
        lanes = (lanes | (lanes >>> 8)) & 0x0000_FFFF_0000_FFFFL;
        return (lanes | (lanes >>> 16)) & MASK32;
    }

    /**
     * The four signed i16 lanes of {@code x} saturated to u8, in the low 4 bytes (SWAR): negative lanes become 0,
     * lanes with a bit of 0x7F00 set become 255, the rest keep their low byte.
     */
    public static long narrow16to8U(long x) {
        long negative = ((x & HIGH16) >>> 15) * 0xFFFF;
        long big = ((((x & 0x7F00_7F00_7F00_7F00L) + 0x7F00_7F00_7F00_7F00L) & HIGH16) >>> 15) * 0xFF;
        long lanes = ((x & 0x00FF_00FF_00FF_00FFL) | big) & ~negative;
        lanes = (lanes | (lanes >>> 8)) & 0x0000_FFFF_0000_FFFFL;
        return (lanes | (lanes >>> 16)) & MASK32;
    }

    /** {@code i8x16.eq}. */
    public static V128 i8x16Eq(V128 a, V128 b) {
        return new V128(eq8(a.lo(), b.lo()), eq8(a.hi(), b.hi()));
    }

    /** {@code i8x16.ne}. */
    public static V128 i8x16Ne(V128 a, V128 b) {
        return new V128(~eq8(a.lo(), b.lo()), ~eq8(a.hi(), b.hi()));
    }

    /** {@code i8x16.lt_s}. */
    public static V128 i8x16LtS(V128 a, V128 b) {
        return new V128(ltS8(a.lo(), b.lo()), ltS8(a.hi(), b.hi()));
    }

    /** {@code i8x16.lt_u}. */
    public static V128 i8x16LtU(V128 a, V128 b) {
        return new V128(ltU8(a.lo(), b.lo()), ltU8(a.hi(), b.hi()));
    }

    /** {@code i8x16.gt_s}. */
    public static V128 i8x16GtS(V128 a, V128 b) {
        return new V128(gtS8(a.lo(), b.lo()), gtS8(a.hi(), b.hi()));
    }

    /** {@code i8x16.gt_u}. */
    public static V128 i8x16GtU(V128 a, V128 b) {
        return new V128(gtU8(a.lo(), b.lo()), gtU8(a.hi(), b.hi()));
    }

    /** {@code i8x16.le_s}. */
    public static V128 i8x16LeS(V128 a, V128 b) {
        return new V128(leS8(a.lo(), b.lo()), leS8(a.hi(), b.hi()));
    }

    /** {@code i8x16.le_u}. */
    public static V128 i8x16LeU(V128 a, V128 b) {
        return new V128(leU8(a.lo(), b.lo()), leU8(a.hi(), b.hi()));
    }

    /** {@code i8x16.ge_s}. */
    public static V128 i8x16GeS(V128 a, V128 b) {
        return new V128(geS8(a.lo(), b.lo()), geS8(a.hi(), b.hi()));
    }

    /** {@code i8x16.ge_u}. */
    public static V128 i8x16GeU(V128 a, V128 b) {
        return new V128(geU8(a.lo(), b.lo()), geU8(a.hi(), b.hi()));
    }

    // ================================================================== i16x8

    /** {@code i16x8.add}. */
    public static V128 i16x8Add(V128 a, V128 b) {
        return new V128(add16(a.lo(), b.lo()), add16(a.hi(), b.hi()));
    }

    /** {@code i16x8.sub}. */
    public static V128 i16x8Sub(V128 a, V128 b) {
        return new V128(sub16(a.lo(), b.lo()), sub16(a.hi(), b.hi()));
    }

    /** {@code i16x8.mul} (low 16 bits of the product). */
    public static V128 i16x8Mul(V128 a, V128 b) {
        return new V128(mul16(a.lo(), b.lo()), mul16(a.hi(), b.hi()));
    }

    /** {@code i16x8.add_sat_s}. */
    public static V128 i16x8AddSatS(V128 a, V128 b) {
        return new V128(addSatS16(a.lo(), b.lo()), addSatS16(a.hi(), b.hi()));
    }

    /** {@code i16x8.add_sat_u}. */
    public static V128 i16x8AddSatU(V128 a, V128 b) {
        return new V128(addSatU16(a.lo(), b.lo()), addSatU16(a.hi(), b.hi()));
    }

    /** {@code i16x8.sub_sat_s}. */
    public static V128 i16x8SubSatS(V128 a, V128 b) {
        return new V128(subSatS16(a.lo(), b.lo()), subSatS16(a.hi(), b.hi()));
    }

    /** {@code i16x8.sub_sat_u}. */
    public static V128 i16x8SubSatU(V128 a, V128 b) {
        return new V128(subSatU16(a.lo(), b.lo()), subSatU16(a.hi(), b.hi()));
    }

    /** {@code i16x8.min_s}. */
    public static V128 i16x8MinS(V128 a, V128 b) {
        return new V128(minS16(a.lo(), b.lo()), minS16(a.hi(), b.hi()));
    }

    /** {@code i16x8.min_u}. */
    public static V128 i16x8MinU(V128 a, V128 b) {
        return new V128(minU16(a.lo(), b.lo()), minU16(a.hi(), b.hi()));
    }

    /** {@code i16x8.max_s}. */
    public static V128 i16x8MaxS(V128 a, V128 b) {
        return new V128(maxS16(a.lo(), b.lo()), maxS16(a.hi(), b.hi()));
    }

    /** {@code i16x8.max_u}. */
    public static V128 i16x8MaxU(V128 a, V128 b) {
        return new V128(maxU16(a.lo(), b.lo()), maxU16(a.hi(), b.hi()));
    }

    /** {@code i16x8.avgr_u}. */
    public static V128 i16x8AvgrU(V128 a, V128 b) {
        return new V128(avgrU16(a.lo(), b.lo()), avgrU16(a.hi(), b.hi()));
    }

    /** {@code i16x8.q15mulr_sat_s}: {@code sat16((a * b + 0x4000) >> 15)}. */
    public static V128 i16x8Q15mulrSatS(V128 a, V128 b) {
        return new V128(q15mulrSat16(a.lo(), b.lo()), q15mulrSat16(a.hi(), b.hi()));
    }

    /** {@code i16x8.relaxed_q15mulr_s}: fixed as {@link #i16x8Q15mulrSatS}. */
    public static V128 i16x8RelaxedQ15mulrS(V128 a, V128 b) {
        return i16x8Q15mulrSatS(a, b);
    }

    /** {@code i16x8.abs}. */
    public static V128 i16x8Abs(V128 a) {
        return new V128(abs16(a.lo(), a.lo()), abs16(a.hi(), a.hi()));
    }

    /** {@code i16x8.neg}. */
    public static V128 i16x8Neg(V128 a) {
        return i16x8Sub(V128.ZERO, a);
    }

    /** {@code i16x8.all_true}. */
    public static int i16x8AllTrue(V128 a) {
        return hasZero16(a.lo()) || hasZero16(a.hi()) ? 0 : 1;
    }

    /** {@code i16x8.bitmask}. */
    public static int i16x8Bitmask(V128 a) {
        int r = 0;
        for (int i = 0; i < 4; i++) {
            r |= ((int) (a.lo() >>> (16 * i + 15)) & 1) << i;
            r |= ((int) (a.hi() >>> (16 * i + 15)) & 1) << (i + 4);
        }
        return r;
    }

    /** {@code i16x8.shl}: count modulo 16. */
    public static V128 i16x8Shl(V128 a, int count) {
        return new V128(shl16(a.lo(), count), shl16(a.hi(), count));
    }

    /** A half of {@code i16x8.shl}. */
    public static long shl16(long x, int count) {
        int n = count & 15;
        return (x << n) & (((0xFFFFL << n) & 0xFFFF) * ONES16);
    }

    /** {@code i16x8.shr_u}: count modulo 16. */
    public static V128 i16x8ShrU(V128 a, int count) {
        return new V128(shrU16(a.lo(), count), shrU16(a.hi(), count));
    }

    /** A half of {@code i16x8.shr_u}. */
    public static long shrU16(long x, int count) {
        int n = count & 15;
        return (x >>> n) & ((0xFFFFL >>> n) * ONES16);
    }

    /** {@code i16x8.shr_s}: count modulo 16. */
    public static V128 i16x8ShrS(V128 a, int count) {
        return new V128(shrS16(a.lo(), count), shrS16(a.hi(), count));
    }

    /** A half of {@code i16x8.shr_s}. */
    public static long shrS16(long x, int count) {
        int n = count & 15;
        long keep = (0xFFFFL >>> n) * ONES16;
        long fill = 0xFFFFL ^ (0xFFFFL >>> n);
        return ((x >>> n) & keep) | (((x & HIGH16) >>> 15) * fill);
    }

    /** {@code i16x8.narrow_i32x4_s}. */
    public static V128 i16x8NarrowI32x4S(V128 a, V128 b) {
        return new V128(narrow32to16(a, true), narrow32to16(b, true));
    }

    /** {@code i16x8.narrow_i32x4_u}: the i32 lanes are signed, saturated to [0, 65535]. */
    public static V128 i16x8NarrowI32x4U(V128 a, V128 b) {
        return new V128(narrow32to16(a, false), narrow32to16(b, false));
    }

    private static long narrow32to16(V128 v, boolean signed) {
        return narrow32to16(v.lo(), v.hi(), signed);
    }

    /** The four signed i32 lanes of {@code lo} then {@code hi} saturated to i16 or u16: one half of a narrow. */
    public static long narrow32to16(long lo, long hi, boolean signed) {
        long r = 0;
        for (int i = 0; i < 4; i++) {
            long half = i < 2 ? lo : hi;
            int x = (int) (half >>> ((i & 1) << 5));
            int sat = signed ? Math.max(-32768, Math.min(32767, x)) : Math.max(0, Math.min(65535, x));
            r |= (long) (sat & 0xFFFF) << (i << 4);
        }
        return r;
    }

    /** Widens the 8 bytes of {@code x} to 8 i16 lanes. */
    private static V128 extend8to16(long x, boolean signed) {
        return new V128(spread8to16(x & MASK32, signed), spread8to16(x >>> 32, signed));
    }

    /** The 4 low bytes of {@code x} as four i16 lanes (SWAR: spread, then sign-extend each lane if asked). */
    public static long spread8to16(long x, boolean signed) {
        long t = (x | (x << 16)) & 0x0000_FFFF_0000_FFFFL;
        t = (t | (t << 8)) & 0x00FF_00FF_00FF_00FFL;
        return signed ? t | (((t & 0x0080_0080_0080_0080L) >>> 7) * 0xFF00) : t;
    }

    /** {@code i16x8.extend_low_i8x16_s}. */
    public static V128 i16x8ExtendLowI8x16S(V128 a) {
        return extend8to16(a.lo(), true);
    }

    /** {@code i16x8.extend_high_i8x16_s}. */
    public static V128 i16x8ExtendHighI8x16S(V128 a) {
        return extend8to16(a.hi(), true);
    }

    /** {@code i16x8.extend_low_i8x16_u}. */
    public static V128 i16x8ExtendLowI8x16U(V128 a) {
        return extend8to16(a.lo(), false);
    }

    /** {@code i16x8.extend_high_i8x16_u}. */
    public static V128 i16x8ExtendHighI8x16U(V128 a) {
        return extend8to16(a.hi(), false);
    }

    /** {@code i16x8.extmul_low_i8x16_s}. */
    public static V128 i16x8ExtmulLowI8x16S(V128 a, V128 b) {
        return i16x8Mul(extend8to16(a.lo(), true), extend8to16(b.lo(), true));
    }

    /** {@code i16x8.extmul_high_i8x16_s}. */
    public static V128 i16x8ExtmulHighI8x16S(V128 a, V128 b) {
        return i16x8Mul(extend8to16(a.hi(), true), extend8to16(b.hi(), true));
    }

    /** {@code i16x8.extmul_low_i8x16_u}. */
    public static V128 i16x8ExtmulLowI8x16U(V128 a, V128 b) {
        return i16x8Mul(extend8to16(a.lo(), false), extend8to16(b.lo(), false));
    }

    /** {@code i16x8.extmul_high_i8x16_u}. */
    public static V128 i16x8ExtmulHighI8x16U(V128 a, V128 b) {
        return i16x8Mul(extend8to16(a.hi(), false), extend8to16(b.hi(), false));
    }

    /** {@code i16x8.extadd_pairwise_i8x16_s}: lane i = a[2i] + a[2i+1], bytes sign-extended. */
    public static V128 i16x8ExtaddPairwiseI8x16S(V128 a) {
        return new V128(pairwise8(a.lo(), true), pairwise8(a.hi(), true));
    }

    /** {@code i16x8.extadd_pairwise_i8x16_u}. */
    public static V128 i16x8ExtaddPairwiseI8x16U(V128 a) {
        return new V128(pairwise8(a.lo(), false), pairwise8(a.hi(), false));
    }

    public static long pairwise8(long x, boolean signed) {
        long even = x & 0x00FF_00FF_00FF_00FFL;
        long odd = (x >>> 8) & 0x00FF_00FF_00FF_00FFL;
        if (!signed) {
            return even + odd; // each sum <= 510: no carry between lanes
        }
        even |= ((even & 0x0080_0080_0080_0080L) >>> 7) * 0xFF00;
        odd |= ((odd & 0x0080_0080_0080_0080L) >>> 7) * 0xFF00;
        return add16(even, odd);
    }

    /**
     * {@code i16x8.relaxed_dot_i8x16_i7x16_s}: fixed as lane i = a[2i]*b[2i] + a[2i+1]*b[2i+1] with all bytes
     * signed, wrapped to 16 bits.
     */
    public static V128 i16x8RelaxedDotI8x16I7x16S(V128 a, V128 b) {
        return new V128(dot8(a.lo(), b.lo()), dot8(a.hi(), b.hi()));
    }

    public static long dot8(long x, long y) {
        long r = 0;
        for (int i = 0; i < 4; i++) {
            int s = i << 4;
            int sum = (byte) (x >>> s) * (byte) (y >>> s) + (byte) (x >>> (s + 8)) * (byte) (y >>> (s + 8));
            r |= (sum & 0xFFFFL) << s;
        }
        return r;
    }

    /** {@code i16x8.eq}. */
    public static V128 i16x8Eq(V128 a, V128 b) {
        return new V128(eq16(a.lo(), b.lo()), eq16(a.hi(), b.hi()));
    }

    /** {@code i16x8.ne}. */
    public static V128 i16x8Ne(V128 a, V128 b) {
        return new V128(~eq16(a.lo(), b.lo()), ~eq16(a.hi(), b.hi()));
    }

    /** {@code i16x8.lt_s}. */
    public static V128 i16x8LtS(V128 a, V128 b) {
        return new V128(ltS16(a.lo(), b.lo()), ltS16(a.hi(), b.hi()));
    }

    /** {@code i16x8.lt_u}. */
    public static V128 i16x8LtU(V128 a, V128 b) {
        return new V128(ltU16(a.lo(), b.lo()), ltU16(a.hi(), b.hi()));
    }

    /** {@code i16x8.gt_s}. */
    public static V128 i16x8GtS(V128 a, V128 b) {
        return new V128(gtS16(a.lo(), b.lo()), gtS16(a.hi(), b.hi()));
    }

    /** {@code i16x8.gt_u}. */
    public static V128 i16x8GtU(V128 a, V128 b) {
        return new V128(gtU16(a.lo(), b.lo()), gtU16(a.hi(), b.hi()));
    }

    /** {@code i16x8.le_s}. */
    public static V128 i16x8LeS(V128 a, V128 b) {
        return new V128(leS16(a.lo(), b.lo()), leS16(a.hi(), b.hi()));
    }

    /** {@code i16x8.le_u}. */
    public static V128 i16x8LeU(V128 a, V128 b) {
        return new V128(leU16(a.lo(), b.lo()), leU16(a.hi(), b.hi()));
    }

    /** {@code i16x8.ge_s}. */
    public static V128 i16x8GeS(V128 a, V128 b) {
        return new V128(geS16(a.lo(), b.lo()), geS16(a.hi(), b.hi()));
    }

    /** {@code i16x8.ge_u}. */
    public static V128 i16x8GeU(V128 a, V128 b) {
        return new V128(geU16(a.lo(), b.lo()), geU16(a.hi(), b.hi()));
    }

    // ================================================================== i32x4

    /** {@code i32x4.add}. */
    public static V128 i32x4Add(V128 a, V128 b) {
        return new V128(add32(a.lo(), b.lo()), add32(a.hi(), b.hi()));
    }

    /** {@code i32x4.sub}. */
    public static V128 i32x4Sub(V128 a, V128 b) {
        return new V128(sub32(a.lo(), b.lo()), sub32(a.hi(), b.hi()));
    }

    public static long mul32(long x, long y) {
        return (((int) x * (int) y) & MASK32) | ((long) ((int) (x >>> 32) * (int) (y >>> 32)) << 32);
    }

    /** {@code i32x4.mul}. */
    public static V128 i32x4Mul(V128 a, V128 b) {
        return new V128(mul32(a.lo(), b.lo()), mul32(a.hi(), b.hi()));
    }

    /** {@code i32x4.min_s}. */
    public static V128 i32x4MinS(V128 a, V128 b) {
        return new V128(minS32(a.lo(), b.lo()), minS32(a.hi(), b.hi()));
    }

    /** {@code i32x4.min_u}. */
    public static V128 i32x4MinU(V128 a, V128 b) {
        return new V128(minU32(a.lo(), b.lo()), minU32(a.hi(), b.hi()));
    }

    /** {@code i32x4.max_s}. */
    public static V128 i32x4MaxS(V128 a, V128 b) {
        return new V128(maxS32(a.lo(), b.lo()), maxS32(a.hi(), b.hi()));
    }

    /** {@code i32x4.max_u}. */
    public static V128 i32x4MaxU(V128 a, V128 b) {
        return new V128(maxU32(a.lo(), b.lo()), maxU32(a.hi(), b.hi()));
    }

    /** {@code i32x4.abs}. */
    public static V128 i32x4Abs(V128 a) {
        return new V128(abs32(a.lo(), a.lo()), abs32(a.hi(), a.hi()));
    }

    /** {@code i32x4.neg}. */
    public static V128 i32x4Neg(V128 a) {
        return i32x4Sub(V128.ZERO, a);
    }

    /** {@code i32x4.all_true}. */
    public static int i32x4AllTrue(V128 a) {
        return (int) a.lo() != 0 && (int) (a.lo() >>> 32) != 0 && (int) a.hi() != 0 && (int) (a.hi() >>> 32) != 0
                ? 1 : 0;
    }

    /** {@code i32x4.bitmask}. */
    public static int i32x4Bitmask(V128 a) {
        return (int) ((a.lo() >>> 31) & 1) | (int) ((a.lo() >>> 62) & 2)
                | (int) ((a.hi() >>> 29) & 4) | (int) ((a.hi() >>> 60) & 8);
    }

    /** {@code i32x4.shl}: count modulo 32. */
    public static V128 i32x4Shl(V128 a, int count) {
        return new V128(shl32(a.lo(), count), shl32(a.hi(), count));
    }

    /** A half of {@code i32x4.shl}. */
    public static long shl32(long x, int count) {
        int n = count & 31;
        return (x << n) & (((MASK32 << n) & MASK32) * 0x1_0000_0001L);
    }

    /** {@code i32x4.shr_u}: count modulo 32. */
    public static V128 i32x4ShrU(V128 a, int count) {
        return new V128(shrU32(a.lo(), count), shrU32(a.hi(), count));
    }

    /** A half of {@code i32x4.shr_u}. */
    public static long shrU32(long x, int count) {
        int n = count & 31;
        return (x >>> n) & ((MASK32 >>> n) * 0x1_0000_0001L);
    }

    /** {@code i32x4.shr_s}: count modulo 32. */
    public static V128 i32x4ShrS(V128 a, int count) {
        return new V128(shrS32(a.lo(), count), shrS32(a.hi(), count));
    }

    /** A half of {@code i32x4.shr_s}. */
    public static long shrS32(long x, int count) {
        int n = count & 31;
        return (((int) x >> n) & MASK32) | ((long) ((int) (x >>> 32) >> n) << 32);
    }

    /** Widens two i32 lanes (the 8 bytes of {@code x}) to two i64 lanes. */
    private static V128 extend32to64(long x, boolean signed) {
        return new V128(widen32to64(x & MASK32, signed), widen32to64(x >>> 32, signed));
    }

    /** The i32 lane in the low 32 bits of {@code x} as an i64 lane: one half of {@code i64x2.extend_*}. */
    public static long widen32to64(long x, boolean signed) {
        return signed ? (int) x : x & MASK32;
    }

    /** Widens four i16 lanes (the 8 bytes of {@code x}) to four i32 lanes. */
    private static V128 extend16to32(long x, boolean signed) {
        return new V128(widen16to32(x & MASK32, signed), widen16to32(x >>> 32, signed));
    }

    /** The two i16 lanes in the low 32 bits of {@code x} as two i32 lanes: one half of {@code i32x4.extend_*}. */
    public static long widen16to32(long x, boolean signed) {
        long l0 = signed ? (short) x : x & 0xFFFF;
        long l1 = signed ? (short) (x >>> 16) : (x >>> 16) & 0xFFFF;
        return (l0 & MASK32) | (l1 << 32);
    }

    /** {@code i32x4.extend_low_i16x8_s}. */
    public static V128 i32x4ExtendLowI16x8S(V128 a) {
        return extend16to32(a.lo(), true);
    }

    /** {@code i32x4.extend_high_i16x8_s}. */
    public static V128 i32x4ExtendHighI16x8S(V128 a) {
        return extend16to32(a.hi(), true);
    }

    /** {@code i32x4.extend_low_i16x8_u}. */
    public static V128 i32x4ExtendLowI16x8U(V128 a) {
        return extend16to32(a.lo(), false);
    }

    /** {@code i32x4.extend_high_i16x8_u}. */
    public static V128 i32x4ExtendHighI16x8U(V128 a) {
        return extend16to32(a.hi(), false);
    }

    /** {@code i32x4.extmul_low_i16x8_s}. */
    public static V128 i32x4ExtmulLowI16x8S(V128 a, V128 b) {
        return i32x4Mul(extend16to32(a.lo(), true), extend16to32(b.lo(), true));
    }

    /** {@code i32x4.extmul_high_i16x8_s}. */
    public static V128 i32x4ExtmulHighI16x8S(V128 a, V128 b) {
        return i32x4Mul(extend16to32(a.hi(), true), extend16to32(b.hi(), true));
    }

    /** {@code i32x4.extmul_low_i16x8_u}. */
    public static V128 i32x4ExtmulLowI16x8U(V128 a, V128 b) {
        return i32x4Mul(extend16to32(a.lo(), false), extend16to32(b.lo(), false));
    }

    /** {@code i32x4.extmul_high_i16x8_u}. */
    public static V128 i32x4ExtmulHighI16x8U(V128 a, V128 b) {
        return i32x4Mul(extend16to32(a.hi(), false), extend16to32(b.hi(), false));
    }

    /** {@code i32x4.extadd_pairwise_i16x8_s}. */
    public static V128 i32x4ExtaddPairwiseI16x8S(V128 a) {
        return new V128(pairwise16(a.lo(), true), pairwise16(a.hi(), true));
    }

    /** {@code i32x4.extadd_pairwise_i16x8_u}. */
    public static V128 i32x4ExtaddPairwiseI16x8U(V128 a) {
        return new V128(pairwise16(a.lo(), false), pairwise16(a.hi(), false));
    }

    public static long pairwise16(long x, boolean signed) {
        long s0 = signed ? (short) x + (short) (x >>> 16) : (x & 0xFFFF) + ((x >>> 16) & 0xFFFF);
        long s1 = signed ? (short) (x >>> 32) + (short) (x >>> 48) : ((x >>> 32) & 0xFFFF) + (x >>> 48);
        return (s0 & MASK32) | (s1 << 32);
    }

    /** {@code i32x4.dot_i16x8_s}: lane i = a[2i]*b[2i] + a[2i+1]*b[2i+1], wrapping (only -32768^2*2 wraps). */
    public static V128 i32x4DotI16x8S(V128 a, V128 b) {
        return new V128(dot16(a.lo(), b.lo()), dot16(a.hi(), b.hi()));
    }

    public static long dot16(long x, long y) {
        int d0 = (short) x * (short) y + (short) (x >>> 16) * (short) (y >>> 16);
        int d1 = (short) (x >>> 32) * (short) (y >>> 32) + (short) (x >>> 48) * (short) (y >>> 48);
        return (d0 & MASK32) | ((long) d1 << 32);
    }

    /**
     * {@code i32x4.relaxed_dot_i8x16_i7x16_add_s}: fixed as lane i = c[i] + the sum of a[4i+k]*b[4i+k] for k in
     * 0..3, all bytes signed, 32-bit wrapping.
     */
    public static V128 i32x4RelaxedDotI8x16I7x16AddS(V128 a, V128 b, V128 c) {
        return new V128(dot8add(a.lo(), b.lo(), c.lo()), dot8add(a.hi(), b.hi(), c.hi()));
    }

    private static long dot8add(long x, long y, long acc) {
        int d0 = (int) acc;
        int d1 = (int) (acc >>> 32);
        for (int k = 0; k < 4; k++) {
            d0 += (byte) (x >>> (k << 3)) * (byte) (y >>> (k << 3));
            d1 += (byte) (x >>> ((k + 4) << 3)) * (byte) (y >>> ((k + 4) << 3));
        }
        return (d0 & MASK32) | ((long) d1 << 32);
    }

    /** {@code i32x4.eq}. */
    public static V128 i32x4Eq(V128 a, V128 b) {
        return new V128(eq32(a.lo(), b.lo()), eq32(a.hi(), b.hi()));
    }

    /** {@code i32x4.ne}. */
    public static V128 i32x4Ne(V128 a, V128 b) {
        return new V128(~eq32(a.lo(), b.lo()), ~eq32(a.hi(), b.hi()));
    }

    /** {@code i32x4.lt_s}. */
    public static V128 i32x4LtS(V128 a, V128 b) {
        return new V128(ltS32(a.lo(), b.lo()), ltS32(a.hi(), b.hi()));
    }

    /** {@code i32x4.lt_u}. */
    public static V128 i32x4LtU(V128 a, V128 b) {
        return new V128(ltU32(a.lo(), b.lo()), ltU32(a.hi(), b.hi()));
    }

    /** {@code i32x4.gt_s}. */
    public static V128 i32x4GtS(V128 a, V128 b) {
        return new V128(gtS32(a.lo(), b.lo()), gtS32(a.hi(), b.hi()));
    }

    /** {@code i32x4.gt_u}. */
    public static V128 i32x4GtU(V128 a, V128 b) {
        return new V128(gtU32(a.lo(), b.lo()), gtU32(a.hi(), b.hi()));
    }

    /** {@code i32x4.le_s}. */
    public static V128 i32x4LeS(V128 a, V128 b) {
        return new V128(leS32(a.lo(), b.lo()), leS32(a.hi(), b.hi()));
    }

    /** {@code i32x4.le_u}. */
    public static V128 i32x4LeU(V128 a, V128 b) {
        return new V128(leU32(a.lo(), b.lo()), leU32(a.hi(), b.hi()));
    }

    /** {@code i32x4.ge_s}. */
    public static V128 i32x4GeS(V128 a, V128 b) {
        return new V128(geS32(a.lo(), b.lo()), geS32(a.hi(), b.hi()));
    }

    /** {@code i32x4.ge_u}. */
    public static V128 i32x4GeU(V128 a, V128 b) {
        return new V128(geU32(a.lo(), b.lo()), geU32(a.hi(), b.hi()));
    }

    // ================================================================== i64x2

    /** {@code i64x2.add}. */
    public static V128 i64x2Add(V128 a, V128 b) {
        return new V128(a.lo() + b.lo(), a.hi() + b.hi());
    }

    /** {@code i64x2.sub}. */
    public static V128 i64x2Sub(V128 a, V128 b) {
        return new V128(a.lo() - b.lo(), a.hi() - b.hi());
    }

    /** {@code i64x2.mul}. */
    public static V128 i64x2Mul(V128 a, V128 b) {
        return new V128(a.lo() * b.lo(), a.hi() * b.hi());
    }

    /** {@code i64x2.abs}. */
    public static V128 i64x2Abs(V128 a) {
        return new V128(Math.abs(a.lo()), Math.abs(a.hi()));
    }

    /** {@code i64x2.neg}. */
    public static V128 i64x2Neg(V128 a) {
        return new V128(-a.lo(), -a.hi());
    }

    /** {@code i64x2.all_true}. */
    public static int i64x2AllTrue(V128 a) {
        return a.lo() != 0 && a.hi() != 0 ? 1 : 0;
    }

    /** {@code i64x2.bitmask}. */
    public static int i64x2Bitmask(V128 a) {
        return (int) (a.lo() >>> 63) | (int) ((a.hi() >>> 62) & 2);
    }

    /** {@code i64x2.shl}: count modulo 64. */
    public static V128 i64x2Shl(V128 a, int count) {
        return new V128(a.lo() << count, a.hi() << count);
    }

    /** {@code i64x2.shr_s}: count modulo 64. */
    public static V128 i64x2ShrS(V128 a, int count) {
        return new V128(a.lo() >> count, a.hi() >> count);
    }

    /** {@code i64x2.shr_u}: count modulo 64. */
    public static V128 i64x2ShrU(V128 a, int count) {
        return new V128(a.lo() >>> count, a.hi() >>> count);
    }

    /** {@code i64x2.extend_low_i32x4_s}. */
    public static V128 i64x2ExtendLowI32x4S(V128 a) {
        return extend32to64(a.lo(), true);
    }

    /** {@code i64x2.extend_high_i32x4_s}. */
    public static V128 i64x2ExtendHighI32x4S(V128 a) {
        return extend32to64(a.hi(), true);
    }

    /** {@code i64x2.extend_low_i32x4_u}. */
    public static V128 i64x2ExtendLowI32x4U(V128 a) {
        return extend32to64(a.lo(), false);
    }

    /** {@code i64x2.extend_high_i32x4_u}. */
    public static V128 i64x2ExtendHighI32x4U(V128 a) {
        return extend32to64(a.hi(), false);
    }

    /** {@code i64x2.extmul_low_i32x4_s}. */
    public static V128 i64x2ExtmulLowI32x4S(V128 a, V128 b) {
        return i64x2Mul(extend32to64(a.lo(), true), extend32to64(b.lo(), true));
    }

    /** {@code i64x2.extmul_high_i32x4_s}. */
    public static V128 i64x2ExtmulHighI32x4S(V128 a, V128 b) {
        return i64x2Mul(extend32to64(a.hi(), true), extend32to64(b.hi(), true));
    }

    /** {@code i64x2.extmul_low_i32x4_u}. */
    public static V128 i64x2ExtmulLowI32x4U(V128 a, V128 b) {
        return i64x2Mul(extend32to64(a.lo(), false), extend32to64(b.lo(), false));
    }

    /** {@code i64x2.extmul_high_i32x4_u}. */
    public static V128 i64x2ExtmulHighI32x4U(V128 a, V128 b) {
        return i64x2Mul(extend32to64(a.hi(), false), extend32to64(b.hi(), false));
    }

    /** {@code i64x2.eq}. */
    public static V128 i64x2Eq(V128 a, V128 b) {
        return new V128(a.lo() == b.lo() ? -1 : 0, a.hi() == b.hi() ? -1 : 0);
    }

    /** {@code i64x2.ne}. */
    public static V128 i64x2Ne(V128 a, V128 b) {
        return new V128(a.lo() != b.lo() ? -1 : 0, a.hi() != b.hi() ? -1 : 0);
    }

    /** {@code i64x2.lt_s}. */
    public static V128 i64x2LtS(V128 a, V128 b) {
        return new V128(a.lo() < b.lo() ? -1L : 0L, a.hi() < b.hi() ? -1L : 0L);
    }

    /** {@code i64x2.gt_s}. */
    public static V128 i64x2GtS(V128 a, V128 b) {
        return new V128(a.lo() > b.lo() ? -1L : 0L, a.hi() > b.hi() ? -1L : 0L);
    }

    /** {@code i64x2.le_s}. */
    public static V128 i64x2LeS(V128 a, V128 b) {
        return new V128(a.lo() <= b.lo() ? -1L : 0L, a.hi() <= b.hi() ? -1L : 0L);
    }

    /** {@code i64x2.ge_s}. */
    public static V128 i64x2GeS(V128 a, V128 b) {
        return new V128(a.lo() >= b.lo() ? -1L : 0L, a.hi() >= b.hi() ? -1L : 0L);
    }

    // ================================================================== f32x4

    /** {@code f32x4.add}. */
    public static V128 f32x4Add(V128 a, V128 b) {
        return new V128(addF32(a.lo(), b.lo()), addF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.sub}. */
    public static V128 f32x4Sub(V128 a, V128 b) {
        return new V128(subF32(a.lo(), b.lo()), subF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.mul}. */
    public static V128 f32x4Mul(V128 a, V128 b) {
        return new V128(mulF32(a.lo(), b.lo()), mulF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.div}. */
    public static V128 f32x4Div(V128 a, V128 b) {
        return new V128(divF32(a.lo(), b.lo()), divF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.min}. */
    public static V128 f32x4Min(V128 a, V128 b) {
        return new V128(minF32(a.lo(), b.lo()), minF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.max}. */
    public static V128 f32x4Max(V128 a, V128 b) {
        return new V128(maxF32(a.lo(), b.lo()), maxF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.pmin}: {@code b < a ? b : a}. */
    public static V128 f32x4Pmin(V128 a, V128 b) {
        return new V128(pminF32(a.lo(), b.lo()), pminF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.pmax}: {@code a < b ? b : a}. */
    public static V128 f32x4Pmax(V128 a, V128 b) {
        return new V128(pmaxF32(a.lo(), b.lo()), pmaxF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.relaxed_min}: fixed as {@link #f32x4Min}. */
    public static V128 f32x4RelaxedMin(V128 a, V128 b) {
        return f32x4Min(a, b);
    }

    /** {@code f32x4.relaxed_max}: fixed as {@link #f32x4Max}. */
    public static V128 f32x4RelaxedMax(V128 a, V128 b) {
        return f32x4Max(a, b);
    }

    /** {@code f32x4.sqrt}. */
    public static V128 f32x4Sqrt(V128 a) {
        return new V128(sqrtF32(a.lo(), a.lo()), sqrtF32(a.hi(), a.hi()));
    }

    /** {@code f32x4.ceil}. */
    public static V128 f32x4Ceil(V128 a) {
        return new V128(ceilF32(a.lo(), a.lo()), ceilF32(a.hi(), a.hi()));
    }

    /** {@code f32x4.floor}. */
    public static V128 f32x4Floor(V128 a) {
        return new V128(floorF32(a.lo(), a.lo()), floorF32(a.hi(), a.hi()));
    }

    /** {@code f32x4.trunc}. */
    public static V128 f32x4Trunc(V128 a) {
        return new V128(truncF32(a.lo(), a.lo()), truncF32(a.hi(), a.hi()));
    }

    /** {@code f32x4.nearest}. */
    public static V128 f32x4Nearest(V128 a) {
        return new V128(nearestF32(a.lo(), a.lo()), nearestF32(a.hi(), a.hi()));
    }

    /** {@code f32x4.abs}: clears the sign bits (payloads kept). */
    public static V128 f32x4Abs(V128 a) {
        return new V128(a.lo() & ~F32_SIGNS, a.hi() & ~F32_SIGNS);
    }

    /** {@code f32x4.neg}: flips the sign bits. */
    public static V128 f32x4Neg(V128 a) {
        return new V128(a.lo() ^ F32_SIGNS, a.hi() ^ F32_SIGNS);
    }

    /** {@code f32x4.eq}. */
    public static V128 f32x4Eq(V128 a, V128 b) {
        return new V128(eqF32(a.lo(), b.lo()), eqF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.ne}. */
    public static V128 f32x4Ne(V128 a, V128 b) {
        return new V128(neF32(a.lo(), b.lo()), neF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.lt}. */
    public static V128 f32x4Lt(V128 a, V128 b) {
        return new V128(ltF32(a.lo(), b.lo()), ltF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.gt}. */
    public static V128 f32x4Gt(V128 a, V128 b) {
        return new V128(gtF32(a.lo(), b.lo()), gtF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.le}. */
    public static V128 f32x4Le(V128 a, V128 b) {
        return new V128(leF32(a.lo(), b.lo()), leF32(a.hi(), b.hi()));
    }

    /** {@code f32x4.ge}. */
    public static V128 f32x4Ge(V128 a, V128 b) {
        return new V128(geF32(a.lo(), b.lo()), geF32(a.hi(), b.hi()));
    }

    public static long fmaF32(long x, long y, long z, boolean negate) {
        long r = 0;
        for (int s = 0; s < 64; s += 32) {
            float a = Float.intBitsToFloat((int) (x >>> s));
            float b = Float.intBitsToFloat((int) (y >>> s));
            float c = Float.intBitsToFloat((int) (z >>> s));
            r |= (Float.floatToRawIntBits(Math.fma(negate ? -a : a, b, c)) & MASK32) << s;
        }
        return r;
    }

    /** {@code f32x4.relaxed_madd}: fixed as fused {@code a * b + c} (one rounding). */
    public static V128 f32x4RelaxedMadd(V128 a, V128 b, V128 c) {
        return new V128(fmaF32(a.lo(), b.lo(), c.lo(), false), fmaF32(a.hi(), b.hi(), c.hi(), false));
    }

    /** {@code f32x4.relaxed_nmadd}: fixed as fused {@code -(a * b) + c}. */
    public static V128 f32x4RelaxedNmadd(V128 a, V128 b, V128 c) {
        return new V128(fmaF32(a.lo(), b.lo(), c.lo(), true), fmaF32(a.hi(), b.hi(), c.hi(), true));
    }

    // ================================================================== f64x2

    /** {@code f64x2.add}. */
    public static V128 f64x2Add(V128 a, V128 b) {
        return new V128(addF64(a.lo(), b.lo()), addF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.sub}. */
    public static V128 f64x2Sub(V128 a, V128 b) {
        return new V128(subF64(a.lo(), b.lo()), subF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.mul}. */
    public static V128 f64x2Mul(V128 a, V128 b) {
        return new V128(mulF64(a.lo(), b.lo()), mulF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.div}. */
    public static V128 f64x2Div(V128 a, V128 b) {
        return new V128(divF64(a.lo(), b.lo()), divF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.min}. */
    public static V128 f64x2Min(V128 a, V128 b) {
        return new V128(minF64(a.lo(), b.lo()), minF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.max}. */
    public static V128 f64x2Max(V128 a, V128 b) {
        return new V128(maxF64(a.lo(), b.lo()), maxF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.pmin}. */
    public static V128 f64x2Pmin(V128 a, V128 b) {
        return new V128(pminF64(a.lo(), b.lo()), pminF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.pmax}. */
    public static V128 f64x2Pmax(V128 a, V128 b) {
        return new V128(pmaxF64(a.lo(), b.lo()), pmaxF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.relaxed_min}: fixed as {@link #f64x2Min}. */
    public static V128 f64x2RelaxedMin(V128 a, V128 b) {
        return f64x2Min(a, b);
    }

    /** {@code f64x2.relaxed_max}: fixed as {@link #f64x2Max}. */
    public static V128 f64x2RelaxedMax(V128 a, V128 b) {
        return f64x2Max(a, b);
    }

    /** {@code f64x2.sqrt}. */
    public static V128 f64x2Sqrt(V128 a) {
        return new V128(sqrtF64(a.lo(), a.lo()), sqrtF64(a.hi(), a.hi()));
    }

    /** {@code f64x2.ceil}. */
    public static V128 f64x2Ceil(V128 a) {
        return new V128(ceilF64(a.lo(), a.lo()), ceilF64(a.hi(), a.hi()));
    }

    /** {@code f64x2.floor}. */
    public static V128 f64x2Floor(V128 a) {
        return new V128(floorF64(a.lo(), a.lo()), floorF64(a.hi(), a.hi()));
    }

    /** {@code f64x2.trunc}. */
    public static V128 f64x2Trunc(V128 a) {
        return new V128(truncF64(a.lo(), a.lo()), truncF64(a.hi(), a.hi()));
    }

    /** {@code f64x2.nearest}. */
    public static V128 f64x2Nearest(V128 a) {
        return new V128(nearestF64(a.lo(), a.lo()), nearestF64(a.hi(), a.hi()));
    }

    /** {@code f64x2.abs}. */
    public static V128 f64x2Abs(V128 a) {
        return new V128(a.lo() & ~F64_SIGN, a.hi() & ~F64_SIGN);
    }

    /** {@code f64x2.neg}. */
    public static V128 f64x2Neg(V128 a) {
        return new V128(a.lo() ^ F64_SIGN, a.hi() ^ F64_SIGN);
    }

    /** {@code f64x2.eq}. */
    public static V128 f64x2Eq(V128 a, V128 b) {
        return new V128(eqF64(a.lo(), b.lo()), eqF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.ne}. */
    public static V128 f64x2Ne(V128 a, V128 b) {
        return new V128(neF64(a.lo(), b.lo()), neF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.lt}. */
    public static V128 f64x2Lt(V128 a, V128 b) {
        return new V128(ltF64(a.lo(), b.lo()), ltF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.gt}. */
    public static V128 f64x2Gt(V128 a, V128 b) {
        return new V128(gtF64(a.lo(), b.lo()), gtF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.le}. */
    public static V128 f64x2Le(V128 a, V128 b) {
        return new V128(leF64(a.lo(), b.lo()), leF64(a.hi(), b.hi()));
    }

    /** {@code f64x2.ge}. */
    public static V128 f64x2Ge(V128 a, V128 b) {
        return new V128(geF64(a.lo(), b.lo()), geF64(a.hi(), b.hi()));
    }

    public static long fmaF64(long x, long y, long z, boolean negate) {
        double a = Double.longBitsToDouble(x);
        return Double.doubleToRawLongBits(
                Math.fma(negate ? -a : a, Double.longBitsToDouble(y), Double.longBitsToDouble(z)));
    }

    /** {@code f64x2.relaxed_madd}: fixed as fused {@code a * b + c}. */
    public static V128 f64x2RelaxedMadd(V128 a, V128 b, V128 c) {
        return new V128(fmaF64(a.lo(), b.lo(), c.lo(), false), fmaF64(a.hi(), b.hi(), c.hi(), false));
    }

    /** {@code f64x2.relaxed_nmadd}: fixed as fused {@code -(a * b) + c}. */
    public static V128 f64x2RelaxedNmadd(V128 a, V128 b, V128 c) {
        return new V128(fmaF64(a.lo(), b.lo(), c.lo(), true), fmaF64(a.hi(), b.hi(), c.hi(), true));
    }

    // ================================================================== conversions

    private static long pack32(int l0, int l1) {
        return (l0 & MASK32) | ((long) l1 << 32);
    }

    private static float f32Lane(long half, int which) {
        return Float.intBitsToFloat((int) (half >>> (which << 5)));
    }

    /** {@code i32x4.trunc_sat_f32x4_s}. */
    public static V128 i32x4TruncSatF32x4S(V128 a) {
        return new V128(truncSatS32(a.lo()), truncSatS32(a.hi()));
    }

    /** The two f32 lanes of {@code half} truncated (saturating, NaN to 0) to i32: a half of {@code trunc_sat_s}. */
    public static long truncSatS32(long half) {
        return pack32((int) f32Lane(half, 0), (int) f32Lane(half, 1));
    }

    /** {@code i32x4.trunc_sat_f32x4_u}. */
    public static V128 i32x4TruncSatF32x4U(V128 a) {
        return new V128(
                pack32(NumericOps.i32TruncSatF32U(f32Lane(a.lo(), 0)), NumericOps.i32TruncSatF32U(f32Lane(a.lo(), 1))),
                pack32(NumericOps.i32TruncSatF32U(f32Lane(a.hi(), 0)), NumericOps.i32TruncSatF32U(f32Lane(a.hi(), 1))));
    }

    /** {@code i32x4.trunc_sat_f64x2_s_zero}: lanes 2 and 3 are zero. */
    public static V128 i32x4TruncSatF64x2SZero(V128 a) {
        return new V128(pack32((int) Double.longBitsToDouble(a.lo()), (int) Double.longBitsToDouble(a.hi())), 0);
    }

    /** {@code i32x4.trunc_sat_f64x2_u_zero}. */
    public static V128 i32x4TruncSatF64x2UZero(V128 a) {
        return new V128(pack32(NumericOps.i32TruncSatF64U(Double.longBitsToDouble(a.lo())),
                NumericOps.i32TruncSatF64U(Double.longBitsToDouble(a.hi()))), 0);
    }

    /** {@code i32x4.relaxed_trunc_f32x4_s}: fixed as {@link #i32x4TruncSatF32x4S}. */
    public static V128 i32x4RelaxedTruncF32x4S(V128 a) {
        return i32x4TruncSatF32x4S(a);
    }

    /** {@code i32x4.relaxed_trunc_f32x4_u}: fixed as {@link #i32x4TruncSatF32x4U}. */
    public static V128 i32x4RelaxedTruncF32x4U(V128 a) {
        return i32x4TruncSatF32x4U(a);
    }

    /** {@code i32x4.relaxed_trunc_f64x2_s_zero}: fixed as {@link #i32x4TruncSatF64x2SZero}. */
    public static V128 i32x4RelaxedTruncF64x2SZero(V128 a) {
        return i32x4TruncSatF64x2SZero(a);
    }

    /** {@code i32x4.relaxed_trunc_f64x2_u_zero}: fixed as {@link #i32x4TruncSatF64x2UZero}. */
    public static V128 i32x4RelaxedTruncF64x2UZero(V128 a) {
        return i32x4TruncSatF64x2UZero(a);
    }

    /** {@code f32x4.convert_i32x4_s}. */
    public static V128 f32x4ConvertI32x4S(V128 a) {
        return new V128(
                pack32(Float.floatToRawIntBits((int) a.lo()), Float.floatToRawIntBits((int) (a.lo() >>> 32))),
                pack32(Float.floatToRawIntBits((int) a.hi()), Float.floatToRawIntBits((int) (a.hi() >>> 32))));
    }

    /** {@code f32x4.convert_i32x4_u}. */
    public static V128 f32x4ConvertI32x4U(V128 a) {
        return new V128(
                pack32(Float.floatToRawIntBits((float) (a.lo() & MASK32)), Float.floatToRawIntBits((float) (a.lo() >>> 32))),
                pack32(Float.floatToRawIntBits((float) (a.hi() & MASK32)), Float.floatToRawIntBits((float) (a.hi() >>> 32))));
    }

    /** {@code f64x2.convert_low_i32x4_s}. */
    public static V128 f64x2ConvertLowI32x4S(V128 a) {
        return new V128(Double.doubleToRawLongBits((int) a.lo()), Double.doubleToRawLongBits((int) (a.lo() >>> 32)));
    }

    /** {@code f64x2.convert_low_i32x4_u}. */
    public static V128 f64x2ConvertLowI32x4U(V128 a) {
        return new V128(Double.doubleToRawLongBits(a.lo() & MASK32), Double.doubleToRawLongBits(a.lo() >>> 32));
    }

    /** {@code f32x4.demote_f64x2_zero}: NaN lanes become the canonical NaN; lanes 2 and 3 are zero. */
    public static V128 f32x4DemoteF64x2Zero(V128 a) {
        return new V128(pack32(Float.floatToRawIntBits(NumericOps.f32DemoteF64(Double.longBitsToDouble(a.lo()))),
                Float.floatToRawIntBits(NumericOps.f32DemoteF64(Double.longBitsToDouble(a.hi())))), 0);
    }

    /** {@code f64x2.promote_low_f32x4}: NaN lanes become the canonical NaN. */
    public static V128 f64x2PromoteLowF32x4(V128 a) {
        return new V128(Double.doubleToRawLongBits(NumericOps.f64PromoteF32(f32Lane(a.lo(), 0))),
                Double.doubleToRawLongBits(NumericOps.f64PromoteF32(f32Lane(a.lo(), 1))));
    }

    // ================================================================== load helpers (bytes already loaded)

    /** {@code v128.load8x8_s}: the 8 loaded bytes (little endian in {@code bytes}) sign-extended to i16 lanes. */
    public static V128 load8x8S(long bytes) {
        return extend8to16(bytes, true);
    }

    /** {@code v128.load8x8_u}. */
    public static V128 load8x8U(long bytes) {
        return extend8to16(bytes, false);
    }

    /** {@code v128.load16x4_s}. */
    public static V128 load16x4S(long bytes) {
        return extend16to32(bytes, true);
    }

    /** {@code v128.load16x4_u}. */
    public static V128 load16x4U(long bytes) {
        return extend16to32(bytes, false);
    }

    /** {@code v128.load32x2_s}. */
    public static V128 load32x2S(long bytes) {
        return extend32to64(bytes, true);
    }

    /** {@code v128.load32x2_u}. */
    public static V128 load32x2U(long bytes) {
        return extend32to64(bytes, false);
    }

    /** {@code v128.load8_splat} of the loaded byte. */
    public static V128 load8Splat(int value) {
        return i8x16Splat(value);
    }

    /** {@code v128.load16_splat}. */
    public static V128 load16Splat(int value) {
        return i16x8Splat(value);
    }

    /** {@code v128.load32_splat}. */
    public static V128 load32Splat(int value) {
        return i32x4Splat(value);
    }

    /** {@code v128.load64_splat}. */
    public static V128 load64Splat(long value) {
        return i64x2Splat(value);
    }

    /** {@code v128.load32_zero}. */
    public static V128 load32Zero(int value) {
        return new V128(value & MASK32, 0);
    }

    /** {@code v128.load64_zero}. */
    public static V128 load64Zero(long value) {
        return new V128(value, 0);
    }
}
