// SIMD: the 128-bit vector kernels of image and signal code, written with wasm_simd128.h intrinsics for Wasm
// (built with -msimd128, see build-wasm.sh) and as plain C for the native build, which computes the same integers
// (every kernel is exact integer or per-lane float arithmetic, so vector and scalar code agree bit for bit):
//   blur  a 1-2-1 horizontal then vertical filter over a 512x512 8-bit image (u8 -> u16 widening, add, shift,
//         narrow with saturation), 4 passes
//   dot   i16 dot products (i32x4.dot_i16x8_s) of two 64K-element arrays, 16 times
//   count byte search: how often each of 8 bytes occurs in 1 MB (i8x16.eq, subtract the masks, bitmask + popcnt)
//   axpy  f32 y = a*x + y over 64K floats, 8 times, then truncated (saturating) to i32 and summed
// 3 MB of linear memory; run() regenerates every input, so each call does the same work.
// wasm-flags: -msimd128
#include <stdint.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define W 512
#define H 512
#define N16 (1 << 16)
#define NBYTES (1 << 20)

static uint8_t img[W * H], tmp[W * H];
static int16_t xs[N16], ys[N16];
static uint8_t bytes[NBYTES];
static float fx[N16], fy[N16];

static uint64_t state;
static uint64_t next(void) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return state;
}

// out[i] = (in[i-1] + 2*in[i] + in[i+1] + 2) >> 2 along rows (stride 1) or columns (stride W), edges copied.
static void filter_rows(const uint8_t *in, uint8_t *out) {
    for (int y = 0; y < H; y++) {
        const uint8_t *r = in + y * W;
        uint8_t *o = out + y * W;
        o[0] = r[0];
        int x = 1;
#ifdef __wasm_simd128__
        v128_t two = wasm_i16x8_splat(2);
        for (; x + 16 <= W - 1; x += 16) {
            v128_t a = wasm_v128_load(r + x - 1), b = wasm_v128_load(r + x), c = wasm_v128_load(r + x + 1);
            v128_t lo = wasm_u16x8_extend_low_u8x16(a), hi = wasm_u16x8_extend_high_u8x16(a);
            lo = wasm_i16x8_add(lo, wasm_i16x8_shl(wasm_u16x8_extend_low_u8x16(b), 1));
            hi = wasm_i16x8_add(hi, wasm_i16x8_shl(wasm_u16x8_extend_high_u8x16(b), 1));
            lo = wasm_i16x8_add(wasm_i16x8_add(lo, wasm_u16x8_extend_low_u8x16(c)), two);
            hi = wasm_i16x8_add(wasm_i16x8_add(hi, wasm_u16x8_extend_high_u8x16(c)), two);
            wasm_v128_store(o + x, wasm_u8x16_narrow_i16x8(wasm_u16x8_shr(lo, 2), wasm_u16x8_shr(hi, 2)));
        }
#endif
        for (; x < W - 1; x++) o[x] = (uint8_t)((r[x - 1] + 2 * r[x] + r[x + 1] + 2) >> 2);
        o[W - 1] = r[W - 1];
    }
}

static void filter_columns(const uint8_t *in, uint8_t *out) {
    for (int x = 0; x < W; x++) { out[x] = in[x]; out[(H - 1) * W + x] = in[(H - 1) * W + x]; }
    for (int y = 1; y < H - 1; y++) {
        const uint8_t *u = in + (y - 1) * W, *m = in + y * W, *d = in + (y + 1) * W;
        uint8_t *o = out + y * W;
        int x = 0;
#ifdef __wasm_simd128__
        v128_t two = wasm_i16x8_splat(2);
        for (; x + 16 <= W; x += 16) {
            v128_t a = wasm_v128_load(u + x), b = wasm_v128_load(m + x), c = wasm_v128_load(d + x);
            v128_t lo = wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(a), wasm_u16x8_extend_low_u8x16(c));
            v128_t hi = wasm_i16x8_add(wasm_u16x8_extend_high_u8x16(a), wasm_u16x8_extend_high_u8x16(c));
            lo = wasm_i16x8_add(lo, wasm_i16x8_add(wasm_i16x8_shl(wasm_u16x8_extend_low_u8x16(b), 1), two));
            hi = wasm_i16x8_add(hi, wasm_i16x8_add(wasm_i16x8_shl(wasm_u16x8_extend_high_u8x16(b), 1), two));
            wasm_v128_store(o + x, wasm_u8x16_narrow_i16x8(wasm_u16x8_shr(lo, 2), wasm_u16x8_shr(hi, 2)));
        }
#endif
        for (; x < W; x++) o[x] = (uint8_t)((u[x] + 2 * m[x] + d[x] + 2) >> 2);
    }
}

static int64_t dot(const int16_t *a, const int16_t *b, int n) {
    int i = 0;
    int64_t sum = 0;
#ifdef __wasm_simd128__
    v128_t acc = wasm_i64x2_splat(0);
    for (; i + 8 <= n; i += 8) {
        v128_t p = wasm_i32x4_dot_i16x8(wasm_v128_load(a + i), wasm_v128_load(b + i));
        // widen to i64 lanes so that no partial sum can overflow
        acc = wasm_i64x2_add(acc, wasm_i64x2_extend_low_i32x4(p));
        acc = wasm_i64x2_add(acc, wasm_i64x2_extend_high_i32x4(p));
    }
    sum = wasm_i64x2_extract_lane(acc, 0) + wasm_i64x2_extract_lane(acc, 1);
#endif
    for (; i < n; i++) sum += (int32_t)a[i] * b[i];
    return sum;
}

static int64_t count(const uint8_t *p, int n, uint8_t c) {
    int i = 0;
    int64_t total = 0;
#ifdef __wasm_simd128__
    v128_t needle = wasm_i8x16_splat((int8_t)c);
    while (i + 16 <= n) {
        // at most 255 blocks per round, so that no u8 lane of the counter wraps
        int end = i + 16 * 255 <= n ? i + 16 * 255 : n - (n - i) % 16;
        v128_t counts = wasm_i8x16_splat(0);
        for (; i < end; i += 16) {
            v128_t eq = wasm_i8x16_eq(wasm_v128_load(p + i), needle);
            counts = wasm_i8x16_sub(counts, eq);
        }
        v128_t s16 = wasm_u16x8_extadd_pairwise_u8x16(counts);
        v128_t s32 = wasm_u32x4_extadd_pairwise_u16x8(s16);
        total += wasm_i32x4_extract_lane(s32, 0) + wasm_i32x4_extract_lane(s32, 1)
                + wasm_i32x4_extract_lane(s32, 2) + wasm_i32x4_extract_lane(s32, 3);
    }
    // the bitmask route too: how many 16-byte blocks contain the byte at all
    int blocks = 0;
    for (int j = 0; j + 16 <= n; j += 16)
        blocks += wasm_i8x16_bitmask(wasm_i8x16_eq(wasm_v128_load(p + j), needle)) != 0;
    total += (int64_t)blocks << 32;
#else
    int blocks = 0;
    for (int j = 0; j + 16 <= n; j += 16) {
        int any = 0;
        for (int k = 0; k < 16; k++) any |= p[j + k] == c;
        blocks += any;
    }
    total += (int64_t)blocks << 32;
#endif
    for (; i < n; i++) total += p[i] == c;
    return total;
}

static void axpy(float a, const float *x, float *y, int n) {
    int i = 0;
#ifdef __wasm_simd128__
    v128_t va = wasm_f32x4_splat(a);
    for (; i + 4 <= n; i += 4)
        wasm_v128_store(y + i, wasm_f32x4_add(wasm_f32x4_mul(va, wasm_v128_load(x + i)), wasm_v128_load(y + i)));
#endif
    for (; i < n; i++) y[i] = a * x[i] + y[i];
}

static int64_t fsum(const float *y, int n) {
    int i = 0;
    int64_t sum = 0;
#ifdef __wasm_simd128__
    v128_t acc = wasm_i32x4_splat(0);
    for (; i + 4 <= n; i += 4) acc = wasm_i32x4_add(acc, wasm_i32x4_trunc_sat_f32x4(wasm_v128_load(y + i)));
    sum = (int64_t)wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1)
            + wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3);
#endif
    // lanes are summed as i32 (wrapping) in the vector path; do the same per lane here
    int32_t lanes[4] = {0, 0, 0, 0};
    for (; i < n; i++) {
        float v = y[i];
        int32_t t = v != v ? 0 : v >= 2147483648.0f ? INT32_MAX : v < -2147483648.0f ? INT32_MIN : (int32_t)v;
        lanes[i & 3] = (int32_t)((uint32_t)lanes[i & 3] + (uint32_t)t);
    }
    return sum + lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

__attribute__((export_name("run"))) long long run(void) {
    state = 88172645463325252ULL;
    for (int i = 0; i < W * H; i++) img[i] = (uint8_t)next();
    for (int i = 0; i < N16; i++) { uint64_t r = next(); xs[i] = (int16_t)r; ys[i] = (int16_t)(r >> 16); }
    for (int i = 0; i < NBYTES; i++) bytes[i] = (uint8_t)(next() & 0x3F);
    for (int i = 0; i < N16; i++) { uint64_t r = next(); fx[i] = (float)(int32_t)(r & 0xFFFF) / 64.0f; fy[i] = (float)(int32_t)((r >> 16) & 0xFFF); }

    uint64_t h = 1469598103934665603ULL;
    for (int pass = 0; pass < 4; pass++) {
        filter_rows(img, tmp);
        filter_columns(tmp, img);
    }
    for (int i = 0; i < W * H; i += 61) h = (h ^ img[i]) * 1099511628211ULL;
    for (int rep = 0; rep < 16; rep++) h = (h ^ (uint64_t)dot(xs + rep, ys, N16 - 16)) * 1099511628211ULL;
    for (int c = 0; c < 8; c++) h = (h ^ (uint64_t)count(bytes + c, NBYTES - 8, (uint8_t)(c * 7))) * 1099511628211ULL;
    for (int rep = 0; rep < 8; rep++) axpy(0.5f + rep, fx, fy, N16);
    h = (h ^ (uint64_t)fsum(fy, N16)) * 1099511628211ULL;
    return (long long)h;
}
