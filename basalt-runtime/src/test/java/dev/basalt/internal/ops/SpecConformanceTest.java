package dev.basalt.internal.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.Trap;
import dev.basalt.internal.ops.SpecScript.Case;
import dev.basalt.internal.ops.SpecScript.Value;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.V128;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the spec testsuite's assertions on numeric and SIMD exports directly against {@link NumericOps} and
 * {@link SimdOps}: every {@code assert_return}/{@code assert_trap} whose export is a single instruction (its name is
 * the mnemonic, possibly without the type prefix the file implies) is checked, and each file is one dynamic test
 * whose failure lists every failing directive as {@code file.wast:line name}. Exports that compose several instructions are not ops of their own and are
 * skipped; each file must still yield a minimum number of executed cases, so a parsing regression cannot make
 * the test pass vacuously.
 *
 * <p>Instructions that are one Java operator have no method in the ops classes; they are run here through the
 * operator itself ({@link #JAVA_OPERATORS}), which checks the NaN argument made in {@link NumericOps}' javadoc.
 */
class SpecConformanceTest {

    /** File (relative to the testsuite), the mnemonic prefix its exports omit (or ""), minimum executed cases. */
    private record SpecFile(String path, String prefix, int minCases) {
    }

    private static final List<SpecFile> FILES = List.of(
            new SpecFile("i32.wast", "i32.", 300),
            new SpecFile("i64.wast", "i64.", 300),
            new SpecFile("f32.wast", "f32.", 2400),
            new SpecFile("f64.wast", "f64.", 2400),
            new SpecFile("f32_bitwise.wast", "f32.", 300),
            new SpecFile("f64_bitwise.wast", "f64.", 300),
            new SpecFile("f32_cmp.wast", "f32.", 2000),
            new SpecFile("f64_cmp.wast", "f64.", 2000),
            new SpecFile("conversions.wast", "", 500),
            new SpecFile("float_misc.wast", "", 300),
            new SpecFile("proposals/wide-arithmetic/wide-arithmetic.wast", "", 80),
            new SpecFile("simd_bitwise.wast", "v128.", 100),
            new SpecFile("simd_boolean.wast", "", 30),
            new SpecFile("simd_splat.wast", "", 50),
            new SpecFile("simd_lane.wast", "", 200),
            new SpecFile("simd_bit_shift.wast", "", 100),
            new SpecFile("simd_i8x16_arith.wast", "", 50),
            new SpecFile("simd_i8x16_arith2.wast", "", 50),
            new SpecFile("simd_i8x16_cmp.wast", "i8x16.", 200),
            new SpecFile("simd_i8x16_sat_arith.wast", "", 100),
            new SpecFile("simd_i16x8_arith.wast", "", 50),
            new SpecFile("simd_i16x8_arith2.wast", "", 50),
            new SpecFile("simd_i16x8_cmp.wast", "i16x8.", 200),
            new SpecFile("simd_i16x8_sat_arith.wast", "", 100),
            new SpecFile("simd_i16x8_q15mulr_sat_s.wast", "", 20),
            new SpecFile("simd_i16x8_extadd_pairwise_i8x16.wast", "", 10),
            new SpecFile("simd_i16x8_extmul_i8x16.wast", "", 50),
            new SpecFile("simd_i32x4_arith.wast", "", 50),
            new SpecFile("simd_i32x4_arith2.wast", "", 50),
            new SpecFile("simd_i32x4_cmp.wast", "i32x4.", 200),
            new SpecFile("simd_i32x4_dot_i16x8.wast", "", 10),
            new SpecFile("simd_i32x4_extadd_pairwise_i16x8.wast", "", 10),
            new SpecFile("simd_i32x4_extmul_i16x8.wast", "", 50),
            new SpecFile("simd_i32x4_trunc_sat_f32x4.wast", "", 50),
            new SpecFile("simd_i32x4_trunc_sat_f64x2.wast", "", 50),
            new SpecFile("simd_i64x2_arith.wast", "", 50),
            new SpecFile("simd_i64x2_arith2.wast", "", 10),
            new SpecFile("simd_i64x2_cmp.wast", "i64x2.", 50),
            new SpecFile("simd_i64x2_extmul_i32x4.wast", "", 20),
            new SpecFile("simd_f32x4.wast", "", 300),
            new SpecFile("simd_f32x4_arith.wast", "", 300),
            new SpecFile("simd_f32x4_cmp.wast", "f32x4.", 200),
            new SpecFile("simd_f32x4_pmin_pmax.wast", "", 300),
            new SpecFile("simd_f32x4_rounding.wast", "", 50),
            new SpecFile("simd_f64x2.wast", "", 300),
            new SpecFile("simd_f64x2_arith.wast", "", 300),
            new SpecFile("simd_f64x2_cmp.wast", "f64x2.", 200),
            new SpecFile("simd_f64x2_pmin_pmax.wast", "", 300),
            new SpecFile("simd_f64x2_rounding.wast", "", 50),
            new SpecFile("simd_conversions.wast", "", 50),
            new SpecFile("simd_int_to_int_extend.wast", "", 50),
            new SpecFile("i8x16_relaxed_swizzle.wast", "", 2),
            new SpecFile("relaxed_dot_product.wast", "", 4),
            new SpecFile("relaxed_laneselect.wast", "", 4),
            new SpecFile("relaxed_madd_nmadd.wast", "", 4),
            new SpecFile("relaxed_min_max.wast", "", 4),
            new SpecFile("i16x8_relaxed_q15mulr_s.wast", "", 1));

    /** Instructions that engines implement as one Java operator, applied to the boxed arguments. */
    static final Map<String, Function<Object[], Object>> JAVA_OPERATORS = new HashMap<>();

    static {
        Map<String, Function<Object[], Object>> m = JAVA_OPERATORS;
        m.put("i32.add", a -> (int) a[0] + (int) a[1]);
        m.put("i32.sub", a -> (int) a[0] - (int) a[1]);
        m.put("i32.mul", a -> (int) a[0] * (int) a[1]);
        m.put("i32.and", a -> (int) a[0] & (int) a[1]);
        m.put("i32.or", a -> (int) a[0] | (int) a[1]);
        m.put("i32.xor", a -> (int) a[0] ^ (int) a[1]);
        m.put("i32.shl", a -> (int) a[0] << (int) a[1]);
        m.put("i32.shr_s", a -> (int) a[0] >> (int) a[1]);
        m.put("i32.shr_u", a -> (int) a[0] >>> (int) a[1]);
        m.put("i32.eqz", a -> (int) a[0] == 0 ? 1 : 0);
        m.put("i32.eq", a -> (int) a[0] == (int) a[1] ? 1 : 0);
        m.put("i32.ne", a -> (int) a[0] != (int) a[1] ? 1 : 0);
        m.put("i32.lt_s", a -> (int) a[0] < (int) a[1] ? 1 : 0);
        m.put("i32.lt_u", a -> Integer.compareUnsigned((int) a[0], (int) a[1]) < 0 ? 1 : 0);
        m.put("i32.gt_s", a -> (int) a[0] > (int) a[1] ? 1 : 0);
        m.put("i32.gt_u", a -> Integer.compareUnsigned((int) a[0], (int) a[1]) > 0 ? 1 : 0);
        m.put("i32.le_s", a -> (int) a[0] <= (int) a[1] ? 1 : 0);
        m.put("i32.le_u", a -> Integer.compareUnsigned((int) a[0], (int) a[1]) <= 0 ? 1 : 0);
        m.put("i32.ge_s", a -> (int) a[0] >= (int) a[1] ? 1 : 0);
        m.put("i32.ge_u", a -> Integer.compareUnsigned((int) a[0], (int) a[1]) >= 0 ? 1 : 0);
        m.put("i64.add", a -> (long) a[0] + (long) a[1]);
        m.put("i64.sub", a -> (long) a[0] - (long) a[1]);
        m.put("i64.mul", a -> (long) a[0] * (long) a[1]);
        m.put("i64.and", a -> (long) a[0] & (long) a[1]);
        m.put("i64.or", a -> (long) a[0] | (long) a[1]);
        m.put("i64.xor", a -> (long) a[0] ^ (long) a[1]);
        m.put("i64.shl", a -> (long) a[0] << (long) a[1]);
        m.put("i64.shr_s", a -> (long) a[0] >> (long) a[1]);
        m.put("i64.shr_u", a -> (long) a[0] >>> (long) a[1]);
        m.put("i64.eqz", a -> (long) a[0] == 0 ? 1 : 0);
        m.put("i64.eq", a -> (long) a[0] == (long) a[1] ? 1 : 0);
        m.put("i64.ne", a -> (long) a[0] != (long) a[1] ? 1 : 0);
        m.put("i64.lt_s", a -> (long) a[0] < (long) a[1] ? 1 : 0);
        m.put("i64.lt_u", a -> Long.compareUnsigned((long) a[0], (long) a[1]) < 0 ? 1 : 0);
        m.put("i64.gt_s", a -> (long) a[0] > (long) a[1] ? 1 : 0);
        m.put("i64.gt_u", a -> Long.compareUnsigned((long) a[0], (long) a[1]) > 0 ? 1 : 0);
        m.put("i64.le_s", a -> (long) a[0] <= (long) a[1] ? 1 : 0);
        m.put("i64.le_u", a -> Long.compareUnsigned((long) a[0], (long) a[1]) <= 0 ? 1 : 0);
        m.put("i64.ge_s", a -> (long) a[0] >= (long) a[1] ? 1 : 0);
        m.put("i64.ge_u", a -> Long.compareUnsigned((long) a[0], (long) a[1]) >= 0 ? 1 : 0);
        m.put("f32.add", a -> (float) a[0] + (float) a[1]);
        m.put("f32.sub", a -> (float) a[0] - (float) a[1]);
        m.put("f32.mul", a -> (float) a[0] * (float) a[1]);
        m.put("f32.div", a -> (float) a[0] / (float) a[1]);
        m.put("f32.eq", a -> (float) a[0] == (float) a[1] ? 1 : 0);
        m.put("f32.ne", a -> (float) a[0] != (float) a[1] ? 1 : 0);
        m.put("f32.lt", a -> (float) a[0] < (float) a[1] ? 1 : 0);
        m.put("f32.gt", a -> (float) a[0] > (float) a[1] ? 1 : 0);
        m.put("f32.le", a -> (float) a[0] <= (float) a[1] ? 1 : 0);
        m.put("f32.ge", a -> (float) a[0] >= (float) a[1] ? 1 : 0);
        m.put("f64.add", a -> (double) a[0] + (double) a[1]);
        m.put("f64.sub", a -> (double) a[0] - (double) a[1]);
        m.put("f64.mul", a -> (double) a[0] * (double) a[1]);
        m.put("f64.div", a -> (double) a[0] / (double) a[1]);
        m.put("f64.eq", a -> (double) a[0] == (double) a[1] ? 1 : 0);
        m.put("f64.ne", a -> (double) a[0] != (double) a[1] ? 1 : 0);
        m.put("f64.lt", a -> (double) a[0] < (double) a[1] ? 1 : 0);
        m.put("f64.gt", a -> (double) a[0] > (double) a[1] ? 1 : 0);
        m.put("f64.le", a -> (double) a[0] <= (double) a[1] ? 1 : 0);
        m.put("f64.ge", a -> (double) a[0] >= (double) a[1] ? 1 : 0);
        m.put("i32.wrap_i64", a -> (int) (long) a[0]);
        m.put("i64.extend_i32_s", a -> (long) (int) a[0]);
        m.put("f32.convert_i32_s", a -> (float) (int) a[0]);
        m.put("f32.convert_i64_s", a -> (float) (long) a[0]);
        m.put("f64.convert_i32_s", a -> (double) (int) a[0]);
        m.put("f64.convert_i64_s", a -> (double) (long) a[0]);
    }

    /** {@code i16x8.extadd_pairwise_i8x16_s} -> {@code i16x8ExtaddPairwiseI8x16S}. */
    static String methodName(String mnemonic) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : mnemonic.toCharArray()) {
            if (c == '.' || c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    private static Method find(String mnemonic, int arity) {
        String name = methodName(mnemonic);
        for (Class<?> c : List.of(NumericOps.class, SimdOps.class)) {
            for (Method m : c.getMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == arity
                        && (arity == 0 || m.getParameterTypes()[arity - 1] != byte[].class)) {
                    return m;
                }
            }
        }
        return null;
    }

    @TestFactory
    Stream<DynamicNode> specAssertions() throws IOException {
        Path suite = SpecScript.testsuite();
        if (!Files.isDirectory(suite)) {
            String why = "SKIPPED: Wasm spec testsuite not found at " + suite.toAbsolutePath()
                    + " (set -Dbasalt.shared or BASALT_WASM_TESTSUITE)";
            System.err.println(why);
            return Stream.of(DynamicTest.dynamicTest("spec testsuite present", () -> assumeTrue(false, why)));
        }
        List<DynamicNode> tests = new ArrayList<>();
        for (SpecFile file : FILES) {
            tests.add(DynamicTest.dynamicTest(file.path(), () -> runFile(suite, file)));
        }
        return tests.stream();
    }

    /**
     * Runs every mappable directive of one file and fails with the list of all failing directives (one JUnit test
     * per file rather than per directive keeps this ~30,000-assertion suite to a few seconds).
     */
    private static void runFile(Path suite, SpecFile file) throws IOException {
        List<Case> cases = SpecScript.read(suite.resolve(file.path()));
        int executed = 0;
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Runnable check = c.instruction() != null ? checker(c.instruction(), c) : null;
            if (check == null && c.instruction() == null) {
                // export named after its instruction (possibly without the type prefix the file implies)
                String mnemonic = c.function().contains(".") ? c.function() : file.prefix() + c.function();
                check = Opcode.ofMnemonic(mnemonic) != null ? checker(mnemonic, c) : null;
            }
            if (check == null) {
                continue;
            }
            executed++;
            try {
                check.run();
            } catch (AssertionError | RuntimeException e) {
                failures.add(e.getMessage());
            }
        }
        System.out.println("spec assertions run on ops: " + file.path() + " " + executed);
        assertThat(failures).as("failing directives of " + file.path()).isEmpty();
        assertThat(executed).as("executed cases of " + file.path()).isGreaterThanOrEqualTo(file.minCases());
    }

    /**
     * A check for a case whose export is one instruction with immediates: lane indices go after the vector
     * operand ({@code extract_lane(v, lane)}, {@code replace_lane(v, lane, x)}), shuffle lanes last, as a vector.
     */
    private static Runnable checker(SpecScript.SingleInstruction instruction, Case c) {
        List<Long> imms = instruction.immediates();
        if (imms.isEmpty()) {
            return checker(instruction.mnemonic(), c);
        }
        String m = instruction.mnemonic();
        Function<Object[], Object[]> withImmediates;
        int arity;
        if (m.equals("i8x16.shuffle") && imms.size() == 16) {
            byte[] lanes = new byte[16];
            for (int i = 0; i < 16; i++) {
                lanes[i] = (byte) (long) imms.get(i);
            }
            V128 packed = V128.ofBytes(lanes);
            withImmediates = a -> new Object[] {a[0], a[1], packed};
            arity = 3;
        } else if ((m.contains("extract_lane") || m.contains("replace_lane")) && imms.size() == 1) {
            int lane = (int) (long) imms.get(0);
            withImmediates = a -> a.length == 1 ? new Object[] {a[0], lane} : new Object[] {a[0], lane, a[1]};
            arity = c.args().size() + 1;
        } else {
            return null; // memory instructions (offset/align immediates) are not ops of these classes
        }
        Method method = find(m, arity);
        if (method == null) {
            return null;
        }
        return checker(a -> call(method, withImmediates.apply(a)), c);
    }

    /** A check for this case, or null if its export is not a single instruction we know. */
    private static Runnable checker(String mnemonic, Case c) {
        int arity = c.args().size();
        Function<Object[], Object> op;
        boolean wide = mnemonic.equals("i64.add128") || mnemonic.equals("i64.sub128")
                || mnemonic.equals("i64.mul_wide_s") || mnemonic.equals("i64.mul_wide_u");
        if (wide) {
            Method lo = findWide(mnemonic, "Lo");
            Method hi = findWide(mnemonic, "Hi");
            op = a -> List.of(call(lo, a), call(hi, a));
        } else if (JAVA_OPERATORS.containsKey(mnemonic)) {
            op = JAVA_OPERATORS.get(mnemonic);
        } else {
            Method m = find(mnemonic, arity);
            if (m == null) {
                return null;
            }
            op = a -> call(m, a);
        }
        return checker(op, c);
    }

    private static Runnable checker(Function<Object[], Object> f, Case c) {
        int arity = c.args().size();
        return () -> {
            Object[] args = new Object[arity];
            for (int i = 0; i < arity; i++) {
                args[i] = boxed(c.args().get(i));
            }
            if (c.trapMessage() != null) {
                try {
                    Object r = f.apply(args);
                    fail(c.name() + ": expected trap \"" + c.trapMessage() + "\" but got " + r);
                } catch (Trap t) {
                    assertThat(t.getMessage()).as(c.name()).startsWith(c.trapMessage());
                }
                return;
            }
            Object result = f.apply(args);
            List<Object> results = result instanceof List<?> l ? new ArrayList<>(l) : List.of(result);
            for (List<Value> alternative : c.expectedAlternatives()) {
                if (matches(results, alternative)) {
                    return;
                }
            }
            fail(c.name() + ": got " + describe(results) + ", expected one of " + describeExpected(c));
        };
    }

    private static Method findWide(String mnemonic, String half) {
        String name = methodName(mnemonic) + half;
        for (Method m : NumericOps.class.getMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no method " + name);
    }

    private static Object call(Method m, Object[] args) {
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError(e.getCause());
        } catch (IllegalAccessException | IllegalArgumentException e) {
            throw new AssertionError(m + " with " + java.util.Arrays.toString(args), e);
        }
    }

    private static Object boxed(Value v) {
        return switch (v.type()) {
            case "f32" -> Float.intBitsToFloat((Integer) v.value());
            case "f64" -> Double.longBitsToDouble((Long) v.value());
            default -> v.value();
        };
    }

    private static boolean matches(List<Object> results, List<Value> expected) {
        if (results.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < results.size(); i++) {
            if (!matches(results.get(i), expected.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Object r, Value e) {
        switch (e.type()) {
            case "i32":
                return r instanceof Integer x && x.equals(e.value());
            case "i64":
                return r instanceof Long x && x.equals(e.value());
            case "f32":
                return r instanceof Float x && laneMatches(Float.floatToRawIntBits(x) & 0xFFFF_FFFFL,
                        (Integer) e.value() & 0xFFFF_FFFFL, e.lanePatterns() == null ? null : e.lanePatterns()[0], 32);
            case "f64":
                return r instanceof Double x && laneMatches(Double.doubleToRawLongBits(x), (Long) e.value(),
                        e.lanePatterns() == null ? null : e.lanePatterns()[0], 64);
            default:
                if (!(r instanceof V128 v)) {
                    return false;
                }
                V128 ev = (V128) e.value();
                if (e.lanePatterns() == null) {
                    return v.equals(ev);
                }
                int lanes = e.lanePatterns().length;
                int bits = 128 / lanes;
                for (int i = 0; i < lanes; i++) {
                    if (!laneMatches(lane(v, i, bits), lane(ev, i, bits), e.lanePatterns()[i], bits)) {
                        return false;
                    }
                }
                return true;
        }
    }

    private static long lane(V128 v, int i, int bits) {
        int perHalf = 64 / bits;
        long half = i < perHalf ? v.lo() : v.hi();
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        return (half >>> ((i % perHalf) * bits)) & mask;
    }

    private static boolean laneMatches(long actual, long expected, String pattern, int bits) {
        if (pattern == null) {
            return actual == expected;
        }
        long exp = bits == 32 ? 0x7F80_0000L : 0x7FF0_0000_0000_0000L;
        long quiet = bits == 32 ? 0x0040_0000L : 0x0008_0000_0000_0000L;
        long magnitude = actual & (bits == 32 ? 0x7FFF_FFFFL : 0x7FFF_FFFF_FFFF_FFFFL);
        return pattern.equals("canonical") ? magnitude == (exp | quiet) : (magnitude & (exp | quiet)) == (exp | quiet);
    }

    private static String describe(List<Object> results) {
        List<String> out = new ArrayList<>();
        for (Object r : results) {
            out.add(switch (r) {
                case Float f -> "f32:0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + " (" + f + ")";
                case Double d -> "f64:0x" + Long.toHexString(Double.doubleToRawLongBits(d)) + " (" + d + ")";
                case Integer i -> "i32:" + i;
                case Long l -> "i64:" + l;
                default -> String.valueOf(r);
            });
        }
        return out.toString();
    }

    private static String describeExpected(Case c) {
        List<String> out = new ArrayList<>();
        for (List<Value> alt : c.expectedAlternatives()) {
            List<String> vs = new ArrayList<>();
            for (Value v : alt) {
                String patterns = v.lanePatterns() == null ? "" : " " + java.util.Arrays.toString(v.lanePatterns());
                Object shown = switch (v.type()) {
                    case "f32" -> "0x" + Integer.toHexString((Integer) v.value());
                    case "f64" -> "0x" + Long.toHexString((Long) v.value());
                    default -> v.value();
                };
                vs.add(v.type() + ":" + shown + patterns);
            }
            out.add(vs.toString());
        }
        return String.join(" | ", out);
    }
}
