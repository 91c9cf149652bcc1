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

    /** A nested loop stepping {@code $x} by {@code stride} while {@code test} holds against {@code limit}. */
    private static String stepping(String stride, String test, String limit) {
        return nested("(local.set $i (local.get $k))", """
                (i32.store8 (local.get $i) (i32.const 1))
                (br_if $inner (%s (local.tee $i (i32.add (local.get $i) %s)) %s))""".formatted(test, stride, limit));
    }

    private static Map<Integer, CountedLoops.Stepped> findStepped(String wat) {
        return CountedLoops.findStepped(body(wat));
    }

    @Test
    void findsSteppedLoops() {
        // sieve's marking loop: a stride in a local, an unsigned test against a constant
        var found = findStepped(stepping("(local.get $acc)", "i32.lt_u", "(i32.const 4096)"));
        assertThat(found).hasSize(1);
        CountedLoops.Stepped st = found.values().iterator().next();
        assertThat(st.counter()).isEqualTo(1);
        assertThat(st.strideLocal()).isEqualTo(2);
        assertThat(st.limitLocal()).isEqualTo(-1);
        assertThat(st.limitValue()).isEqualTo(4096);
        assertThat(st.unsigned()).isTrue();
        assertThat(body(stepping("(local.get $acc)", "i32.lt_u", "(i32.const 4096)")).get(st.compareAt()).opcode())
                .isEqualTo(Opcode.I32_LT_U);
        // a signed test, a limit in a local
        assertThat(findStepped(stepping("(local.get $acc)", "i32.lt_s", "(local.get $k)"))).hasSize(1);
        // the stride's operand first
        assertThat(findStepped(nested("", """
                (br_if $inner (i32.lt_u (local.tee $i (i32.add (local.get $acc) (local.get $i))) (i32.const 99)))""")))
                .hasSize(1);
    }

    @Test
    void leavesLoopsThatAreNotStepped() {
        // a constant stride: C2 counts a signed test already; an unsigned one is left too (simd got slower)
        assertThat(findStepped(stepping("(i32.const 16)", "i32.lt_s", "(i32.const 4096)"))).isEmpty();
        assertThat(findStepped(stepping("(i32.const 16)", "i32.lt_u", "(i32.const 4096)"))).isEmpty();
        // other tests, the variable as its own stride or limit
        assertThat(findStepped(stepping("(local.get $acc)", "i32.le_u", "(i32.const 4096)"))).isEmpty();
        assertThat(findStepped(stepping("(local.get $i)", "i32.lt_u", "(i32.const 4096)"))).isEmpty();
        assertThat(findStepped(stepping("(local.get $acc)", "i32.lt_u", "(local.get $i)"))).isEmpty();
        // the stride or the limit written inside the loop
        String tail = "(br_if $inner (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $acc))) (local.get $k)))";
        assertThat(findStepped(nested("", "(local.set $acc (i32.const 3))" + tail))).isEmpty();
        assertThat(findStepped(nested("", "(local.set $k (i32.const 3))" + tail))).isEmpty();
        assertThat(findStepped(nested("", tail))).hasSize(1);
        // another write of the variable, a second exit, a continue
        assertThat(findStepped(nested("", "(local.set $i (i32.const 3))" + tail))).isEmpty();
        assertThat(findStepped(nested("", "(br_if $outer (local.get $acc))" + tail))).isEmpty();
        assertThat(findStepped(nested("", "(block (br_if $inner (local.get $acc)))" + tail))).isEmpty();
        // a loop with a result, a function's top-level loop
        assertThat(findStepped("""
                (module
                  (func (param $k i32) (result i32) (local $i i32) (local $s i32)
                    (loop $o
                      (drop (loop $l (result i32)
                        (i32.const 1)
                        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $s))) (i32.const 64)))))
                      (br_if $o (local.get $k)))
                    (local.get $i)))
                """)).isEmpty();
        assertThat(findStepped("""
                (module
                  (func (param $s i32) (result i32) (local $i i32)
                    (loop $l
                      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $s))) (i32.const 64))))
                    (local.get $i)))
                """)).isEmpty();
    }

    /**
     * Steps {@code $x} from {@code x} by {@code s} while {@code x < c} ({@code test}), {@code k} times over (each
     * later time starts where the last ended); folds every value of {@code $x} and the iteration count into the
     * result. With {@code store}, every iteration also stores a byte at {@code $x} (out of bounds: a trap).
     */
    private static String steppingProbe(String test, boolean store) {
        return """
                (module
                  (memory (export "memory") 1)
                  (func (export "g") (param $x i32) (param $s i32) (param $c i32) (param $k i32) (result i32)
                    (local $acc i32) (local $n i32)
                    (loop $outer
                      (loop $inner
                        %s
                        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $x)))
                        (local.set $n (i32.add (local.get $n) (i32.const 1)))
                        (br_if $inner (%s (local.tee $x (i32.add (local.get $x) (local.get $s))) (local.get $c))))
                      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                      (br_if $outer (i32.gt_s (local.get $k) (i32.const 0))))
                    (i32.xor (local.get $acc) (i32.mul (local.get $n) (i32.const 1000003)))))
                """.formatted(store ? "(i32.store8 (local.get $x) (local.get $n))" : "", test);
    }

    @Test
    void steppedLoopsComputeWhatTheInterpreterComputes() {
        // {x, s, c, k}; each terminates: it ends past c without wrapping, or wraps once and lands at or past c
        int[][] both = {
            {0, 1, 1000, 1}, {0, 7, 1000, 3}, {5, 3, 5, 2}, {6, 3, 5, 2}, {999, 1000, 1000, 1}, {100, -7, 50, 1},
        };
        int[][] unsigned = {
            {0xFFFF_FF00, 0x40, 0xFFFF_FF80, 2}, {0xFFFF_FFF0, 0x20, 0x100, 2}, {0, 0xC000_0000, 0x8000_0000, 1},
            {0x1000, 0x9000_0000, 0x9000_0800, 1}, {1, 0x7FFF_FFFF, 0x7FFF_FFFF, 2}, {-5, 3, 0, 2},
        };
        int[][] signed = {
            {-20, 7, 100, 2}, {-5, 3, 0, 2}, {0, -0x4000_0000, 0x3000_0000, 1}, {0x7FFF_FF00, 0x40, 0x7FFF_FF80, 2},
            {-0x7000_0000, 0x4000_0000, 0x5000_0000, 1},
        };
        for (String test : List.of("i32.lt_u", "i32.lt_s")) {
            String wat = steppingProbe(test, false);
            assertThat(findStepped(wat)).hasSize(1);
            for (int[][] cases : List.of(both, test.equals("i32.lt_u") ? unsigned : signed)) {
                for (int[] c : cases) {
                    assertThat(call(COMPILER, wat, c)).as("%s %s", test, java.util.Arrays.toString(c))
                            .isEqualTo(call(INTERPRETER, wat, c));
                }
            }
        }
        // a store at every value: traps out of bounds at the same point, with the same bytes written before it
        String wat = steppingProbe("i32.lt_u", true);
        for (int[] c : new int[][] {{0, 3, 1000, 2}, {60_000, 1000, 70_000, 1}, {65_535, 1, 0x1_0001, 1}}) {
            assertThat(call(COMPILER, wat, c)).as(java.util.Arrays.toString(c)).isEqualTo(call(INTERPRETER, wat, c));
        }
    }

    @Test
    void steppedLoopsChargeFuelAsTheInterpreterDoes() {
        String wat = steppingProbe("i32.lt_u", true);
        int[] args = {0, 3, 60_000, 2};
        // enough fuel: the same amount used; too little: out of fuel in the middle of the loop, same bytes written
        for (long fuel : new long[] {10_000_000, 50_000}) {
            String[] outcome = new String[2];
            Engine[] engines = {COMPILER, INTERPRETER};
            for (int e = 0; e < 2; e++) {
                Store<Void> store = Store.create(engines[e]);
                store.setFuel(fuel);
                outcome[e] = call(engines[e], store, wat, args) + " fuel left " + store.getFuel().orElseThrow();
            }
            assertThat(outcome[0]).isEqualTo(outcome[1]);
            assertThat(outcome[0]).startsWith(fuel == 50_000 ? "trap" : "=");
        }
    }

    /** Calls {@code g} with {@code args}: its result or trap, and a digest of memory afterwards. */
    private static String call(Engine engine, String wat, int[] args) {
        return call(engine, Store.create(engine), wat, args);
    }

    private static String call(Engine engine, Store<Void> store, String wat, int[] args) {
        Instance instance = Linker.<Void>create(engine).instantiate(store, Module.fromWat(engine, wat));
        String outcome;
        try {
            outcome = "= " + instance.getFunc("g").orElseThrow().callI32(args[0], args[1], args[2], args[3]);
        } catch (dev.basalt.Trap t) {
            outcome = "trap " + t.kind();
        }
        byte[] memory = instance.getMemory("memory").orElseThrow().read(0, 65536);
        return outcome + " memory " + java.util.Arrays.hashCode(memory);
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
