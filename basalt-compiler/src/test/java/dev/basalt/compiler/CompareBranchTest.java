package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Val;
import dev.basalt.wasm.text.WatParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Comparisons consumed by {@code br_if} and {@code if} jump on the comparison itself (no 0/1 materialised and tested
 * again): every numeric comparison, taken and not taken, NaN and signed/unsigned edges included, decides the branch
 * exactly as its value would, on the compiler as on the interpreter.
 */
class CompareBranchTest {
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    private static final Engine INTERPRETER = Engine.create();

    private static final String[] INT_OPS = {"eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"};
    private static final String[] FLOAT_OPS = {"eq", "ne", "lt", "gt", "le", "ge"};

    /**
     * For comparison {@code op} of type {@code t}: {@code value} returns it, {@code viaIf} 10 or 20 from an
     * {@code if/else}, {@code viaIfNoElse} 30 or 40 from an {@code if} without else, {@code viaBrIf} 50 or 60 from a
     * {@code br_if} that carries a value out of a block, {@code loop} counts how often a {@code br_if} back to a
     * loop is taken (at most 3).
     */
    private static String module(String t, String op) {
        String cmp = op.equals("eqz") ? "(%s.eqz (local.get 0))".formatted(t)
                : "(%s.%s (local.get 0) (local.get 1))".formatted(t, op);
        return """
                (module
                  (func (export "value") (param %1$s %1$s) (result i32) %2$s)
                  (func (export "viaIf") (param %1$s %1$s) (result i32)
                    (if (result i32) %2$s (then (i32.const 10)) (else (i32.const 20))))
                  (func (export "viaIfNoElse") (param %1$s %1$s) (result i32) (local $r i32)
                    (local.set $r (i32.const 40))
                    (if %2$s (then (local.set $r (i32.const 30))))
                    (local.get $r))
                  (func (export "viaBrIf") (param %1$s %1$s) (result i32)
                    (block $b (result i32) (drop (br_if $b (i32.const 50) %2$s)) (i32.const 60)))
                  (func (export "loop") (param %1$s %1$s) (result i32) (local $n i32)
                    (loop $l
                      (local.set $n (i32.add (local.get $n) (i32.const 1)))
                      (br_if $l (i32.and (i32.lt_u (local.get $n) (i32.const 3)) %2$s)))
                    (local.get $n)))
                """.formatted(t, cmp);
    }

    private static List<Val[]> arguments(String t) {
        List<Val[]> out = new ArrayList<>();
        switch (t) {
            case "i32" -> {
                int[] v = {0, 1, -1, 2, Integer.MIN_VALUE, Integer.MAX_VALUE};
                for (int a : v) {
                    for (int b : v) {
                        out.add(new Val[] {Val.i32(a), Val.i32(b)});
                    }
                }
            }
            case "i64" -> {
                long[] v = {0, 1, -1, 1L << 32, Long.MIN_VALUE, Long.MAX_VALUE};
                for (long a : v) {
                    for (long b : v) {
                        out.add(new Val[] {Val.i64(a), Val.i64(b)});
                    }
                }
            }
            case "f32" -> {
                float[] v = {0f, -0f, 1f, -1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
                for (float a : v) {
                    for (float b : v) {
                        out.add(new Val[] {Val.f32(a), Val.f32(b)});
                    }
                }
            }
            default -> {
                double[] v = {0d, -0d, 1d, -1d, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                for (double a : v) {
                    for (double b : v) {
                        out.add(new Val[] {Val.f64(a), Val.f64(b)});
                    }
                }
            }
        }
        return out;
    }

    private static int call(Instance instance, String name, Val[] args) {
        return ((Val.I32) instance.getFunc(name).orElseThrow().call(args)[0]).value();
    }

    @Test
    void branchesOnEveryComparisonAsItsValueSays() {
        int checked = 0;
        for (String t : List.of("i32", "i64", "f32", "f64")) {
            List<String> ops = new ArrayList<>(List.of(t.startsWith("i") ? INT_OPS : FLOAT_OPS));
            if (t.startsWith("i")) {
                ops.add("eqz");
            }
            for (String op : ops) {
                String wat = module(t, op);
                Instance compiled = Linker.<Void>create(COMPILER)
                        .instantiate(Store.create(COMPILER), Module.fromWat(COMPILER, wat));
                Instance interpreted = Linker.<Void>create(INTERPRETER)
                        .instantiate(Store.create(INTERPRETER), Module.fromWat(INTERPRETER, wat));
                for (Val[] args : arguments(t)) {
                    int value = call(interpreted, "value", args);
                    String what = t + "." + op + " " + List.of(args);
                    assertThat(call(compiled, "value", args)).as(what).isEqualTo(value);
                    assertThat(call(compiled, "viaIf", args)).as(what).isEqualTo(value != 0 ? 10 : 20);
                    assertThat(call(compiled, "viaIfNoElse", args)).as(what).isEqualTo(value != 0 ? 30 : 40);
                    assertThat(call(compiled, "viaBrIf", args)).as(what).isEqualTo(value != 0 ? 50 : 60);
                    assertThat(call(compiled, "loop", args)).as(what).isEqualTo(value != 0 ? 3 : 1)
                            .isEqualTo(call(interpreted, "loop", args));
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(11 * 36 * 2 + 6 * 49 * 2);
    }

    /** The generated code jumps on the comparison: no {@code iconst_0 / goto / iconst_1} pair before the branch. */
    @Test
    void doesNotMaterialiseAComparisonABranchConsumes() {
        byte[] bytes = JvmCompiler.generate(WatParser.parseModule(module("i32", "lt_s")));
        List<String> materialised = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    // the last two instructions: iconst_0, goto, iconst_1 is a comparison's 0/1
                    private int before;
                    private int last;

                    private void saw(int opcode) {
                        if (before == Opcodes.ICONST_0 && last == Opcodes.GOTO && opcode == Opcodes.ICONST_1) {
                            materialised.add(name);
                        }
                        before = last;
                        last = opcode;
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        saw(opcode);
                    }

                    @Override
                    public void visitJumpInsn(int opcode, org.objectweb.asm.Label label) {
                        saw(opcode);
                    }

                    @Override
                    public void visitVarInsn(int opcode, int varIndex) {
                        saw(opcode);
                    }

                    @Override
                    public void visitIntInsn(int opcode, int operand) {
                        saw(opcode);
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                            boolean isInterface) {
                        saw(opcode);
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                        saw(opcode);
                    }
                };
            }
        }, 0);
        // only `value` returns the comparison as a number, and `loop` ands two; the others branch on it directly
        assertThat(materialised).contains("f0", "f4").doesNotContain("f1", "f2", "f3");
    }
}
