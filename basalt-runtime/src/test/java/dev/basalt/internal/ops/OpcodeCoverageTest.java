package dev.basalt.internal.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.wasm.Opcode;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every numeric and vector opcode of {@link Opcode} has its semantics here: a public static method named after
 * the mnemonic ({@link SpecConformanceTest#methodName}), or it is one of the few instructions that engines
 * implement with a single Java operator (listed, with the operator, in {@link NumericOps}' javadoc).
 */
class OpcodeCoverageTest {

    /** Scalar instructions that are one Java operator or comparison (no method by design). */
    private static final Set<String> JAVA_OPERATOR_MNEMONICS = Set.of(
            "i32.eqz", "i32.eq", "i32.ne", "i32.lt_s", "i32.lt_u", "i32.gt_s", "i32.gt_u", "i32.le_s", "i32.le_u",
            "i32.ge_s", "i32.ge_u", "i64.eqz", "i64.eq", "i64.ne", "i64.lt_s", "i64.lt_u", "i64.gt_s", "i64.gt_u",
            "i64.le_s", "i64.le_u", "i64.ge_s", "i64.ge_u", "f32.eq", "f32.ne", "f32.lt", "f32.gt", "f32.le",
            "f32.ge", "f64.eq", "f64.ne", "f64.lt", "f64.gt", "f64.le", "f64.ge", "i32.add", "i32.sub", "i32.mul",
            "i32.and", "i32.or", "i32.xor", "i32.shl", "i32.shr_s", "i32.shr_u", "i64.add", "i64.sub", "i64.mul",
            "i64.and", "i64.or", "i64.xor", "i64.shl", "i64.shr_s", "i64.shr_u", "f32.add", "f32.sub", "f32.mul",
            "f32.div", "f64.add", "f64.sub", "f64.mul", "f64.div", "i32.wrap_i64", "i64.extend_i32_s",
            "f32.convert_i32_s", "f32.convert_i64_s", "f64.convert_i32_s", "f64.convert_i64_s");

    /** Wide arithmetic: two results, so a Lo and a Hi method. */
    private static final Set<String> WIDE = Set.of("i64.add128", "i64.sub128", "i64.mul_wide_s", "i64.mul_wide_u");

    private static boolean hasStatic(Class<?> c, String name) {
        return Arrays.stream(c.getMethods()).anyMatch(m -> m.getName().equals(name) && Modifier.isStatic(m.getModifiers()));
    }

    private static boolean isNumeric(Opcode op) {
        if (!op.hasFixedSignature() || op.imm() != Opcode.Imm.NONE || op.prefix() == 0xFE) {
            return false;
        }
        return op.prefix() == 0 || op.prefix() == 0xFC;
    }

    @Test
    void everyScalarNumericOpcodeHasSemantics() {
        List<String> missing = new ArrayList<>();
        int covered = 0;
        for (Opcode op : Opcode.values()) {
            if (!isNumeric(op) || op.params().isEmpty()) {
                continue; // consts, drop-like control, etc.
            }
            String m = op.mnemonic();
            boolean ok = JAVA_OPERATOR_MNEMONICS.contains(m)
                    || (WIDE.contains(m) ? hasStatic(NumericOps.class, SpecConformanceTest.methodName(m) + "Lo")
                            && hasStatic(NumericOps.class, SpecConformanceTest.methodName(m) + "Hi")
                            : hasStatic(NumericOps.class, SpecConformanceTest.methodName(m)));
            if (ok) {
                covered++;
            } else {
                missing.add(m);
            }
        }
        assertThat(missing).as("numeric opcodes without semantics").isEmpty();
        assertThat(covered).isGreaterThan(120);
    }

    @Test
    void everySimdOpcodeHasAMethod() {
        List<String> missing = new ArrayList<>();
        int covered = 0;
        for (Opcode op : Opcode.values()) {
            if (op.prefix() != 0xFD || op.imm() == Opcode.Imm.MEMARG || op.imm() == Opcode.Imm.MEMARG_LANE
                    || op.imm() == Opcode.Imm.V128) {
                continue; // memory instructions: LinearMemory plus the load helpers below; v128.const: a V128
            }
            if (hasStatic(SimdOps.class, SpecConformanceTest.methodName(op.mnemonic()))) {
                covered++;
            } else {
                missing.add(op.mnemonic());
            }
        }
        assertThat(missing).as("SIMD opcodes without a SimdOps method").isEmpty();
        assertThat(covered).isGreaterThan(200);
    }

    @Test
    void everySimdLoadHasAHelper() {
        // v128.load/store and the lane forms use LinearMemory directly plus replace/extract_lane
        for (String helper : List.of("load8x8S", "load8x8U", "load16x4S", "load16x4U", "load32x2S", "load32x2U",
                "load8Splat", "load16Splat", "load32Splat", "load64Splat", "load32Zero", "load64Zero")) {
            assertThat(hasStatic(SimdOps.class, helper)).as(helper).isTrue();
        }
        long loads = Arrays.stream(Opcode.values())
                .filter(op -> op.prefix() == 0xFD && op.imm() == Opcode.Imm.MEMARG)
                .filter(op -> op.mnemonic().matches("v128\\.load(8x8|16x4|32x2|\\d+_splat|\\d+_zero).*"))
                .count();
        assertThat(loads).as("extending/splat/zero loads in the opcode table").isEqualTo(12);
    }

    @Test
    void opsClassesAreStaticOnly() {
        for (Class<?> c : List.of(NumericOps.class, SimdOps.class)) {
            assertThat(Modifier.isFinal(c.getModifiers())).isTrue();
            for (Method m : c.getDeclaredMethods()) {
                assertThat(Modifier.isStatic(m.getModifiers())).as(m.toString()).isTrue();
            }
        }
    }
}
