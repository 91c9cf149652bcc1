package dev.basalt.wasm.text;

import java.math.BigInteger;

/**
 * Numeric literals of the text format: classification of a token's text, and conversion to integers of a given
 * width and to the bit patterns of f32/f64 values.
 *
 * <p>Conversions throw {@link NumberException} (a checked signal, carrying the spec wording such as
 * "constant out of range") so that callers can attach a source position. Nothing here allocates in proportion to
 * an untrusted count beyond the literal itself.
 */
public final class Numbers {
    private Numbers() {
    }

    /** A literal that does not denote a value of the requested type. */
    public static final class NumberException extends Exception {
        public NumberException(String message) {
            super(message, null, false, false);
        }
    }

    static final long F32_CANONICAL_NAN_PAYLOAD = 0x400000L;
    static final long F64_CANONICAL_NAN_PAYLOAD = 0x8000000000000L;

    /** The token kind of a number literal (NAT, INT or FLOAT), or null if {@code s} is not one. */
    static Token.Kind classify(String s) {
        int i = 0;
        boolean signed = false;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            signed = true;
            i = 1;
        }
        String body = s.substring(i);
        if (body.equals("inf") || body.equals("nan")) {
            return Token.Kind.FLOAT;
        }
        if (body.startsWith("nan:0x")) {
            return digitsEnd(body, 6, true) == body.length() ? Token.Kind.FLOAT : null;
        }
        boolean hex = body.startsWith("0x");
        int j = hex ? 2 : 0;
        int end = digitsEnd(body, j, hex);
        if (end < 0) {
            return null;
        }
        boolean isFloat = false;
        j = end;
        if (j < body.length() && body.charAt(j) == '.') {
            isFloat = true;
            j++;
            if (j < body.length() && isDigit(body.charAt(j), hex)) {
                j = digitsEnd(body, j, hex);
                if (j < 0) {
                    return null;
                }
            }
        }
        if (j < body.length()) {
            char e = body.charAt(j);
            boolean isExp = hex ? (e == 'p' || e == 'P') : (e == 'e' || e == 'E');
            if (!isExp) {
                return null;
            }
            isFloat = true;
            j++;
            if (j < body.length() && (body.charAt(j) == '+' || body.charAt(j) == '-')) {
                j++;
            }
            j = digitsEnd(body, j, false);
            if (j != body.length()) {
                return null;
            }
        }
        if (isFloat) {
            return Token.Kind.FLOAT;
        }
        return signed ? Token.Kind.INT : Token.Kind.NAT;
    }

    private static boolean isDigit(char c, boolean hex) {
        return hex ? Lexer.hexValue(c) >= 0 : c >= '0' && c <= '9';
    }

    /** End of a digit sequence with single underscores between digits starting at i, or -1 if none/ill-formed. */
    private static int digitsEnd(String s, int i, boolean hex) {
        int j = i;
        if (j >= s.length() || !isDigit(s.charAt(j), hex)) {
            return -1;
        }
        j++;
        while (j < s.length()) {
            char c = s.charAt(j);
            if (c == '_') {
                if (j + 1 >= s.length() || !isDigit(s.charAt(j + 1), hex)) {
                    return -1;
                }
                j += 2;
            } else if (isDigit(c, hex)) {
                j++;
            } else {
                break;
            }
        }
        return j;
    }

    /** Parses an unsigned nat (decimal or 0x hex, underscores allowed) as an unsigned 64-bit value. */
    public static long parseU64(String s) throws NumberException {
        boolean hex = s.startsWith("0x");
        int base = hex ? 16 : 10;
        long value = 0;
        int digits = 0;
        for (int i = hex ? 2 : 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') {
                continue;
            }
            int d = hex ? Lexer.hexValue(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
            if (d < 0) {
                throw new NumberException("unexpected token");
            }
            // value * base + d must stay below 2^64
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, base)) > 0) {
                throw new NumberException("constant out of range");
            }
            value = value * base + d;
            digits++;
        }
        if (digits == 0) {
            throw new NumberException("unexpected token");
        }
        return value;
    }

    /**
     * Parses an integer literal for an N-bit integer (N = 8, 16, 32, 64) with the reference interpreter's rules:
     * unsigned forms up to 2^N-1, negative forms down to -2^(N-1). Returns the value truncated to N bits
     * (sign-agnostic, as a long).
     */
    public static long parseInt(String s, int bits) throws NumberException {
        boolean neg = s.startsWith("-");
        String body = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        if (classify(body) != Token.Kind.NAT) {
            throw new NumberException("unexpected token");
        }
        long mag = parseU64(body);
        if (bits < 64) {
            long max = (1L << bits) - 1;
            if (neg ? Long.compareUnsigned(mag, 1L << (bits - 1)) > 0 : Long.compareUnsigned(mag, max) > 0) {
                throw new NumberException("constant out of range");
            }
            return (neg ? -mag : mag) & max;
        }
        if (neg && Long.compareUnsigned(mag, Long.MIN_VALUE) > 0) {
            throw new NumberException("constant out of range");
        }
        return neg ? -mag : mag;
    }

    /** The bits of an f32 literal (any number literal form, or inf/nan/nan:0x keywords). */
    public static int parseF32(String s) throws NumberException {
        return (int) parseFloat(s, 23, 8);
    }

    /** The bits of an f64 literal. */
    public static long parseF64(String s) throws NumberException {
        return parseFloat(s, 52, 11);
    }

    private static long parseFloat(String s, int mantBits, int expBits) throws NumberException {
        if (classify(s) == null) {
            throw new NumberException("unexpected token");
        }
        boolean neg = s.startsWith("-");
        String body = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        long signBit = neg ? 1L << (mantBits + expBits) : 0;
        long expMask = ((1L << expBits) - 1) << mantBits;
        if (body.equals("inf")) {
            return signBit | expMask;
        }
        if (body.equals("nan")) {
            return signBit | expMask | (1L << (mantBits - 1));
        }
        if (body.startsWith("nan:0x")) {
            long payload = parseU64(body.substring(4));
            if (payload == 0 || Long.compareUnsigned(payload, 1L << mantBits) >= 0) {
                throw new NumberException("constant out of range");
            }
            return signBit | expMask | payload;
        }
        String clean = body.replace("_", "");
        if (clean.startsWith("0x")) {
            return signBit | hexFloatBits(clean.substring(2), mantBits, expBits);
        }
        long bits;
        try {
            if (mantBits == 23) {
                float f = Float.parseFloat(clean);
                if (Float.isInfinite(f)) {
                    throw new NumberException("constant out of range");
                }
                bits = Float.floatToRawIntBits(f) & 0xFFFFFFFFL;
            } else {
                double d = Double.parseDouble(clean);
                if (Double.isInfinite(d)) {
                    throw new NumberException("constant out of range");
                }
                bits = Double.doubleToRawLongBits(d);
            }
        } catch (NumberFormatException e) {
            throw new NumberException("unexpected token");
        }
        return signBit | bits;
    }

    /** Correctly rounded (ties to even) conversion of a hex float body (after "0x", no underscores). */
    private static long hexFloatBits(String s, int mantBits, int expBits) throws NumberException {
        int p = Math.max(s.indexOf('p'), s.indexOf('P'));
        String mantText = p < 0 ? s : s.substring(0, p);
        long exp = 0;
        if (p >= 0) {
            exp = parseExponent(s.substring(p + 1));
        }
        int dot = mantText.indexOf('.');
        String digits = dot < 0 ? mantText : mantText.substring(0, dot) + mantText.substring(dot + 1);
        int fracDigits = dot < 0 ? 0 : mantText.length() - dot - 1;
        // Leading zeros carry no value; trailing ones only scale.
        int firstNonZero = 0;
        while (firstNonZero < digits.length() && digits.charAt(firstNonZero) == '0') {
            firstNonZero++;
        }
        if (firstNonZero == digits.length()) {
            return 0;
        }
        BigInteger mant = new BigInteger(digits.substring(firstNonZero), 16);
        long exp2 = exp - 4L * fracDigits;
        int bias = (1 << (expBits - 1)) - 1;
        long emin = 1 - bias;
        long e = mant.bitLength() - 1 + exp2; // exponent of the leading one bit
        if (e > bias) {
            throw new NumberException("constant out of range");
        }
        long lsbExp = Math.max(e, emin) - mantBits;
        long shift = exp2 - lsbExp;
        BigInteger q;
        if (shift >= 0) {
            q = mant.shiftLeft((int) shift);
        } else {
            long k = -shift;
            if (k > mant.bitLength() + 1L) {
                q = BigInteger.ZERO;
            } else {
                int ki = (int) k;
                q = mant.shiftRight(ki);
                boolean half = mant.testBit(ki - 1);
                boolean rest = mant.getLowestSetBit() < ki - 1;
                if (half && (rest || q.testBit(0))) {
                    q = q.add(BigInteger.ONE);
                }
            }
        }
        long qv = q.longValue();
        int qBits = q.bitLength();
        long biased;
        if (qBits <= mantBits) {
            return qv; // subnormal or zero
        } else if (qBits == mantBits + 1) {
            biased = lsbExp + mantBits + bias;
        } else {
            qv >>>= 1;
            biased = lsbExp + mantBits + bias + 1;
        }
        if (biased >= (1L << expBits) - 1) {
            throw new NumberException("constant out of range");
        }
        return (biased << mantBits) | (qv & ((1L << mantBits) - 1));
    }

    private static long parseExponent(String s) {
        boolean neg = s.startsWith("-");
        String d = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        long v = 0;
        for (int i = 0; i < d.length(); i++) {
            v = v * 10 + (d.charAt(i) - '0');
            if (v > 100_000_000L) {
                v = 100_000_000L; // far beyond any representable exponent; saturate
            }
        }
        return neg ? -v : v;
    }

    /** The number of lanes of a v128 shape keyword (i8x16 ... f64x2), or -1. */
    public static int laneCount(String shape) {
        return switch (shape) {
            case "i8x16" -> 16;
            case "i16x8" -> 8;
            case "i32x4", "f32x4" -> 4;
            case "i64x2", "f64x2" -> 2;
            default -> -1;
        };
    }

    /** The v128 value of {@code v128.const shape lanes...}; {@code lanes} must have {@link #laneCount} entries. */
    public static dev.basalt.wasm.V128 v128(String shape, java.util.List<String> lanes) throws NumberException {
        int n = laneCount(shape);
        if (n < 0 || lanes.size() != n) {
            throw new NumberException("wrong number of lane literals");
        }
        byte[] bytes = new byte[16];
        int width = 16 / n;
        for (int i = 0; i < n; i++) {
            String lane = lanes.get(i);
            long bits = switch (shape) {
                case "f32x4" -> parseF32(lane) & 0xFFFFFFFFL;
                case "f64x2" -> parseF64(lane);
                default -> {
                    if (classify(lane) != Token.Kind.NAT && classify(lane) != Token.Kind.INT) {
                        throw new NumberException("unexpected token");
                    }
                    yield parseInt(lane, width * 8);
                }
            };
            for (int b = 0; b < width; b++) {
                bytes[i * width + b] = (byte) (bits >>> (8 * b));
            }
        }
        return dev.basalt.wasm.V128.ofBytes(bytes);
    }
}
