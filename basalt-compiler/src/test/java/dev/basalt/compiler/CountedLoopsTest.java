package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.text.WatParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link CountedLoops}: which loop exit tests become signed comparisons (only the exact cases of its class comment),
 * and that the compiled loops compute what the interpreter computes.
 */
class CountedLoopsTest {
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    private static final Engine INTERPRETER = Engine.create();

    /** A function whose outer loop runs {@code $k} times around {@code inner} (with {@code $i} as its variable). */
    private static String nested(String init, String inner) {
        return """
                (module
                  (memory (export "memory") 1)
                  (func (export "f") (param $k i32) (result i32)
                    (local $i i32) (local $acc i32)
                    (loop $outer
                      %s
                      (loop $inner
                        %s)
                      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                      (br_if $outer (i32.gt_s (local.get $k) (i32.const 0))))
                    (local.get $acc)))
                """.formatted(init, inner);
    }

    private static Map<Integer, CountedLoops.Exit> find(String wat) {
        return CountedLoops.find(body(wat));
    }

    private static List<Instruction> body(String wat) {
        return WatParser.parseModule(wat).functions().get(0).body().instructions();
    }

    /** The one rewrite found, as the opcode it applies to and how. */
    private static String only(String wat) {
        Map<Integer, CountedLoops.Exit> found = find(wat);
        assertThat(found).hasSize(1);
        var e = found.entrySet().iterator().next();
        Opcode op = body(wat).get(e.getKey()).opcode();
        return op + " " + e.getValue();
    }

    static final String UP_BY_16 = nested("(local.set $i (i32.const 0))", """
            (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $i))))
            (br_if $inner (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 16))) (i32.const 1280)))""");

    static final String DOWN_BY_4 = nested("(local.set $i (i32.const 400))", """
            (local.set $acc (i32.add (local.get $acc) (i32.load offset=8 (local.get $i))))
            (br_if $inner (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const -4))) (i32.const 0)))""");

    /** Counting a negative offset up to zero, tested by the value itself, as clang does. */
    static final String TO_ZERO = nested("(local.set $i (i32.const -400))", """
            (local.set $acc (i32.add (local.get $acc) (i32.load8_u (i32.add (local.get $i) (i32.const 400)))))
            (br_if $inner (local.tee $i (i32.add (i32.const 2) (local.get $i))))""");

    static final String FROM_ABOVE_ZERO = nested("(local.set $i (i32.const 400))", """
            (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $i))))
            (br_if $inner (local.tee $i (i32.add (local.get $i) (i32.const -8))))""");

    @Test
    void rewritesExactCountingLoops() {
        assertThat(only(UP_BY_16)).isEqualTo("I32_NE NE_AS_LT");
        assertThat(only(DOWN_BY_4)).isEqualTo("I32_NE NE_AS_GT");
        assertThat(only(TO_ZERO)).isEqualTo("BR_IF BR_IF_NEGATIVE");
        assertThat(only(FROM_ABOVE_ZERO)).isEqualTo("BR_IF BR_IF_POSITIVE");
        // straight-line code that leaves $i alone may lie between its initialisation and the loop
        assertThat(only(nested("(local.set $i (i32.const 0)) (local.set $acc (i32.add (local.get $acc) (i32.const 1)))",
                "(br_if $inner (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 8))) (i32.const 64)))")))
                .isEqualTo("I32_NE NE_AS_LT");
    }

    @Test
    void leavesLoopsWhoseTestsCouldDisagree() {
        String tail = "(br_if $inner (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 16))) (i32.const 1280)))";
        // the stride does not divide the distance: the variable steps over the limit (and wraps around)
        assertThat(find(nested("(local.set $i (i32.const 0))",
                "(br_if $inner (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 24))) (i32.const 1280)))")))
                .isEmpty();
        // starts at or past the limit: != runs until the variable wraps, < would stop at once
        assertThat(find(nested("(local.set $i (i32.const 1280))", tail))).isEmpty();
        assertThat(find(nested("(local.set $i (i32.const 2000))", tail))).isEmpty();
        // not a constant, or not known at entry
        assertThat(find(nested("(local.set $i (local.get $k))", tail))).isEmpty();
        assertThat(find(nested("(local.set $i (i32.const 0)) (if (local.get $k) (then (local.set $i (i32.const 8))))",
                tail))).isEmpty();
        assertThat(find(nested("", tail))).isEmpty();
        // another write of the variable inside the loop
        assertThat(find(nested("(local.set $i (i32.const 0))",
                "(if (local.get $k) (then (local.set $i (i32.const 16))))" + tail))).isEmpty();
        // another branch back to the loop (a continue) that skips the test
        assertThat(find(nested("(local.set $i (i32.const 0))",
                "(block (br_if $inner (i32.eqz (local.get $acc))))" + tail))).isEmpty();
        // a second exit (a branch to an enclosing label, a return): such loops often leave early, where C2's
        // pre/main/post loops only cost (deflate's unrolled compare loop)
        assertThat(find(nested("(local.set $i (i32.const 0))", "(br_if $outer (i32.eqz (local.get $k)))" + tail)))
                .isEmpty();
        assertThat(find(nested("(local.set $i (i32.const 0))",
                "(block $skip (br_table $skip $outer (local.get $acc)))" + tail))).isEmpty();
        assertThat(find(nested("(local.set $i (i32.const 0))", "(if (local.get $k) (then (return (i32.const 7))))"
                + tail))).isEmpty();
        // a branch to a block inside the loop is no exit
        assertThat(find(nested("(local.set $i (i32.const 0))", "(block $b (br_if $b (local.get $k)))" + tail)))
                .hasSize(1);
        // stride 1 or -1: C2 counts a != loop by itself, the code stays as it is
        assertThat(find(nested("(local.set $i (i32.const 0))",
                "(br_if $inner (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1280)))")))
                .isEmpty();
        assertThat(find(nested("(local.set $i (i32.const -100))",
                "(br_if $inner (local.tee $i (i32.add (local.get $i) (i32.const 1))))"))).isEmpty();
        // a function's top-level loop keeps its != (it runs in place, compiled on stack replacement)
        assertThat(find("""
                (module
                  (func (result i32) (local $i i32)
                    (local.set $i (i32.const 0))
                    (loop $l
                      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 16))) (i32.const 1280))))
                    (local.get $i)))
                """)).isEmpty();
    }

    @Test
    void compiledLoopsComputeWhatTheInterpreterComputes() {
        for (String wat : List.of(UP_BY_16, DOWN_BY_4, TO_ZERO, FROM_ABOVE_ZERO)) {
            for (int k : new int[] {1, 3, 1000}) {
                assertThat(run(COMPILER, wat, k)).as(wat).isEqualTo(run(INTERPRETER, wat, k));
            }
        }
    }

    /** Fills the first 2 KiB of memory with a pattern, then calls {@code f(k)}. */
    private static int run(Engine engine, String wat, int k) {
        Instance instance = Linker.<Void>create(engine).instantiate(Store.create(engine), Module.fromWat(engine, wat));
        byte[] pattern = new byte[2048];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 37 + 11);
        }
        instance.getMemory("memory").orElseThrow().write(0, pattern);
        Func f = instance.getFunc("f").orElseThrow();
        return f.callI32(k);
    }
}
