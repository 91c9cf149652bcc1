package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasm.text.WatParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Loops outlined into methods of their own ({@link LoopOutliner}; loops inside another loop, so the tests' loops sit
 * in an enclosing one): the generated class passes the verifier and has the loop methods, and every function computes what the interpreter computes, with the same fuel left and the same
 * traps, for branches out of nested loops to outer labels and {@code return}, br_table exits, multi-value loops,
 * locals of every type written in a loop and read after it, and loops in functions split by {@link MethodSplitter}.
 */
class LoopOutlinerTest {
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    private static final Engine INTERPRETER = Engine.create();

    /** Nested loops leaving to outer blocks (with and without a value), returning, and falling out. */
    static final String SEARCH = """
            (module
              (global $g (mut i32) (i32.const 0))
              (func $search (export "search") (param $n i32) (param $target i32) (result i32)
                (local $i i32) (local $j i32) (local $acc i32) (local $x i64) (local $d f64)
                (block $found (result i32)
                  (block $notfound
                    (loop $outer
                      (local.set $j (i32.const 0))
                      (loop $inner
                        (global.set $g (i32.add (global.get $g) (i32.const 1)))
                        (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (local.get $j))))
                        (local.set $x (i64.add (local.get $x) (i64.extend_i32_s (local.get $acc))))
                        (local.set $d (f64.add (local.get $d) (f64.const 0.5)))
                        (drop (br_if $found (i32.mul (local.get $acc) (i32.const 3))
                                            (i32.eq (local.get $acc) (local.get $target))))
                        (br_if $notfound (i32.gt_s (local.get $acc) (i32.const 100000)))
                        (if (i32.eq (local.get $acc) (i32.const -7)) (then (return (i32.const -7))))
                        (local.set $j (i32.add (local.get $j) (i32.const 1)))
                        (br_if $inner (i32.lt_s (local.get $j) (local.get $n))))
                      (local.set $i (i32.add (local.get $i) (i32.const 1)))
                      (br_if $outer (i32.lt_s (local.get $i) (local.get $n))))
                    (return (i32.add (i32.wrap_i64 (local.get $x)) (i32.trunc_f64_s (local.get $d)))))
                  (return (i32.sub (i32.mul (local.get $i) (i32.const 1000)) (local.get $acc))))
                (i32.add (local.get $j))
                (i32.add (i32.wrap_i64 (local.get $x))))
              (func (export "count") (result i32) (global.get $g)))
            """;

    /** br_table from an inner loop to the inner loop, the outer loop, two blocks and the function. */
    static final String TABLE = """
            (module
              (func (export "table") (param $n i32) (result i32)
                (local $i i32) (local $k i32) (local $sum i32)
                (block $b2
                  (block $b1
                    (loop $outer
                      (loop $inner
                        (local.set $i (i32.add (local.get $i) (i32.const 1)))
                        (local.set $sum (i32.add (local.get $sum) (local.get $i)))
                        (br_table $inner $outer $b1 $b2 2 (i32.rem_u (i32.mul (local.get $i) (local.get $n))
                                                                     (i32.const 5))))
                      ;; depth 2 (label 4 counted from the table): unreachable here
                      (unreachable))
                    (unreachable))
                  (local.set $k (i32.const 100))
                  (if (i32.gt_u (local.get $i) (i32.const 50)) (then (return (local.get $sum))))
                  (br $b2))
                (i32.add (local.get $sum) (i32.add (local.get $k) (i32.mul (local.get $i) (i32.const 1000))))))
            """;

    /** Loops with parameters and several results, falling through and branching out with two values. */
    static final String MULTI = """
            (module
              (type $pp (func (param i64 i64) (result i64 i64)))
              (func (export "fib") (param $n i32) (result i64 i64)
                (local $a i64) (local $b i64)
                (loop $once (result i64 i64) ;; an enclosing loop (run once), so that $l is outlined
                  (i64.const 0) (i64.const 1)
                  (loop $l (type $pp)
                    (local.set $b) (local.set $a)
                    (local.get $b) (i64.add (local.get $a) (local.get $b))
                    (br_if $l (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))))
              (func (export "early") (param $n i32) (result i64 i64)
                (local $a i64) (local $b i64)
                (loop $once (result i64 i64)
                (block $out (result i64 i64)
                  (i64.const 1) (i64.const 2)
                  (loop $l (type $pp)
                    (local.set $b) (local.set $a)
                    (local.get $b) (i64.add (local.get $a) (local.get $b))
                    (br_if $out (i64.gt_u (local.get $b) (i64.const 1000)))
                    (br_if $l (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
                  (i64.const 7) (i64.add) (local.get $a) (i64.mul))))
            )""";

    /** Locals of every value type written in a loop and read after it (and a float loop with a v128 accumulator). */
    static final String TYPES = """
            (module
              (func (export "types") (param $n i32) (result i64)
                (local $i i32) (local $l i64) (local $f f32) (local $d f64) (local $v v128) (local $r externref)
                (loop $once (loop $l
                  (local.set $l (i64.add (local.get $l) (i64.extend_i32_u (local.get $i))))
                  (local.set $f (f32.add (local.get $f) (f32.const 1.25)))
                  (local.set $d (f64.mul (f64.add (local.get $d) (f64.const 1)) (f64.const 1.5)))
                  (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $i))))
                  (if (i32.eq (local.get $i) (i32.const 3)) (then (local.set $r (ref.null extern))))
                  (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
                (i64.add (local.get $l) (i64.trunc_sat_f32_s (local.get $f)))
                (i64.add (i64.trunc_sat_f64_s (local.get $d)))
                (i64.add (i64.extend_i32_s (i32x4.extract_lane 2 (local.get $v))))
                (i64.add (i64.extend_i32_u (ref.is_null (local.get $r))))))
            """;

    /** A loop whose body traps on some iteration, under two frames. */
    static final String TRAPS = """
            (module
              (func $inner (export "inner") (param $n i32) (result i32)
                (local $i i32) (local $s i32)
                (loop $once (loop $l
                  (local.set $s (i32.add (local.get $s) (i32.div_s (i32.const 100) (i32.sub (local.get $n)
                                                                                          (local.get $i)))))
                  (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 20)))))
                (local.get $s))
              (func $outer (export "outer") (param $n i32) (result i32) (call $inner (local.get $n))))
            """;

    /**
     * A top-level loop of a function entered only from outside the module (run: exported, called by nothing in it)
     * that keeps a nested loop in place ($inner: too large to inline, and it hands $x back), so it runs in chunks of
     * a few back-edges: exits to an outer label with a value, return, a trap at iteration {@code $t}, locals of four
     * types carried across chunks, the inner loop's back-edges counting too. The second top-level loop is flat and
     * stays in place; so do the loops of helper (called) and twice (exported but also called).
     */
    static final String CHUNKED = """
            (module
              (global $g (mut i32) (i32.const 0))
              (func $run (export "run") (param $n i32) (param $t i32) (result i64)
                (local $i i32) (local $j i32) (local $x i64) (local $f f32) (local $d f64)
                (block $out (result i64)
                  (loop $main
                    (local.set $j (i32.const 0))
                    (loop $inner
                      ${INNER}
                      (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (i32.const 3))))
                    (local.set $f (f32.add (local.get $f) (f32.const 0.25)))
                    (local.set $d (f64.add (local.get $d) (f64.convert_i32_s (local.get $i))))
                    (global.set $g (i32.add (global.get $g) (i32.const 1)))
                    (drop (i32.div_s (i32.const 1) (i32.sub (local.get $i) (local.get $t))))
                    (if (i32.eq (local.get $i) (i32.const 777_777)) (then (return (i64.const -5))))
                    (drop (br_if $out (i64.const 77) (i32.eq (local.get $i) (i32.const 555_555))))
                    (br_if $main (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
                  (local.set $j (i32.const 0))
                  (loop $second
                    (local.set $x (i64.xor (local.get $x) (i64.extend_i32_s (local.get $j))))
                    (br_if $second (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
                  (i64.add (local.get $x) (i64.add (i64.trunc_f32_s (local.get $f)) (i64.trunc_f64_s (local.get $d)))))
                (i64.add (i64.extend_i32_s (call $helper (local.get $n))))
                (i64.add (i64.extend_i32_s (call $twice (local.get $n)))))
              (func (export "count") (result i32) (global.get $g))
              (func $helper (param $n i32) (result i32) (local $k i32)
                (loop $l (br_if $l (i32.lt_s (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
                (local.get $k))
              (func $twice (export "twice") (param $n i32) (result i32) (local $k i32)
                (loop $l (br_if $l (i32.lt_s (local.tee $k (i32.add (local.get $k) (i32.const 2))) (local.get $n))))
                (local.get $k)))
            """.replace("${INNER}", ("(local.set $x (i64.add (i64.mul (local.get $x) (i64.const 31))"
                    + " (i64.extend_i32_u (local.get $j))))\n").repeat(45));

    @Test
    void topLevelLoopsOfFunctionsEnteredFromOutsideRunInChunksAndAgree() {
        assertThat(loopMethods(CHUNKED)).containsExactly("f0$loop1(IIIIJFDIL" + ModuleCompiler.INST + ";I)I");
        Instance c = instantiate(COMPILER, CHUNKED);
        Instance i = instantiate(INTERPRETER, CHUNKED);
        // Loops shorter than a chunk, across a few chunks, and far past the warm-up chunks (the steady budget);
        // 555,555 leaves through $out, 777,777 returns.
        for (int n : new int[] {0, 1, 2, 5, 6, 16, 17, 100, 1_000, 600_000, 800_000}) {
            assertThat(c.getFunc("run").orElseThrow().callI64(n, -1)).as("run(%d)", n)
                    .isEqualTo(i.getFunc("run").orElseThrow().callI64(n, -1));
            assertThat(c.getFunc("count").orElseThrow().callI32()).isEqualTo(
                    i.getFunc("count").orElseThrow().callI32());
        }
    }

    @Test
    void chunkedLoopsCountFuelAndTrapAsTheInterpreter() {
        Store<Void> cs = Store.create(COMPILER);
        Store<Void> is = Store.create(INTERPRETER);
        Instance c = Linker.<Void>create(COMPILER).instantiate(cs, Module.fromWat(COMPILER, CHUNKED));
        Instance i = Linker.<Void>create(INTERPRETER).instantiate(is, Module.fromWat(INTERPRETER, CHUNKED));
        for (int n : new int[] {3, 40, 5_000}) {
            cs.setFuel(100_000_000);
            is.setFuel(100_000_000);
            assertThat(c.getFunc("run").orElseThrow().callI64(n, -1))
                    .isEqualTo(i.getFunc("run").orElseThrow().callI64(n, -1));
            assertThat(cs.getFuel()).as("fuel left after run(%d)", n).isEqualTo(is.getFuel());
        }
        // Running out part-way, at and between chunk boundaries: the same trap after the same iterations.
        for (long budget : new long[] {100, 1_237, 5_001, 77_777}) {
            cs.setFuel(budget);
            is.setFuel(budget);
            assertThatThrownBy(() -> c.getFunc("run").orElseThrow().callI64(100_000, -1))
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_FUEL));
            assertThatThrownBy(() -> i.getFunc("run").orElseThrow().call(Val.i32(100_000), Val.i32(-1)))
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_FUEL));
            assertThat(cs.getFuel()).as("fuel left under budget %d", budget).isEqualTo(is.getFuel());
            cs.setFuel(1_000);
            is.setFuel(1_000);
            assertThat(c.getFunc("count").orElseThrow().callI32()).as("iterations under fuel %d", budget)
                    .isEqualTo(i.getFunc("count").orElseThrow().callI32());
        }
        // A trap in the chunked loop (iteration 50, a few chunks in): the function's backtrace and offsets.
        cs.setFuel(100_000_000);
        is.setFuel(100_000_000);
        Trap expected = null;
        Trap actual = null;
        try {
            i.getFunc("run").orElseThrow().call(Val.i32(1_000), Val.i32(50));
        } catch (Trap t) {
            expected = t;
        }
        try {
            c.getFunc("run").orElseThrow().call(Val.i32(1_000), Val.i32(50));
        } catch (Trap t) {
            actual = t;
        }
        assertThat(expected).isNotNull();
        assertThat(actual).isNotNull();
        assertThat(actual.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO);
        assertThat(actual.backtrace().stream().map(Trap.Frame::offset).toList())
                .isEqualTo(expected.backtrace().stream().map(Trap.Frame::offset).toList());
        assertThat(actual.backtrace()).hasSize(1);
    }

    /**
     * A function entered only from outside whose top-level loop ($round, three rounds) is too large for a method of
     * its own (the filler after $work), as in a program's main function with everything inlined: its nested loop
     * $work stays in place by the usual rules (too large to inline, hands $x and $j back), so it runs in chunks.
     * $work exits to an outer label with a value, returns, traps at iteration {@code $t}; its back-edges and those
     * of $scan, nested in it and kept in place too (hands $k back), count towards the chunk.
     */
    static final String NESTED_CHUNKED = """
            (module
              (global $g (mut i32) (i32.const 0))
              (func $run (export "run") (param $n i32) (param $t i32) (result i64)
                (local $j i32) (local $x i64) (local $r i32) (local $k i32)
                (block $out (result i64)
                  (loop $round
                    (local.set $j (i32.const 0))
                    (loop $work
                      ${WORK}
                      (local.set $k (i32.const 0))
                      (loop $scan
                        ${WORK}
                        (br_if $scan (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (i32.const 2))))
                      (local.set $x (i64.add (local.get $x) (i64.extend_i32_u (local.get $k))))
                      (drop (i32.div_s (i32.const 1) (i32.sub (local.get $j) (local.get $t))))
                      (if (i32.eq (local.get $j) (i32.const 77_777)) (then (return (i64.const -5))))
                      (drop (br_if $out (local.get $x) (i32.eq (local.get $j) (i32.const 55_555))))
                      (br_if $work (i32.lt_s (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
                    ${FILLER}
                    (br_if $round (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 3))))
                  (i64.add (local.get $x) (i64.extend_i32_u (local.get $j)))))
              (func (export "count") (result i32) (global.get $g)))
            """.replace("${WORK}", ("(local.set $x (i64.add (i64.mul (local.get $x) (i64.const 31))"
                    + " (i64.extend_i32_u (local.get $j))))\n").repeat(20))
            .replace("${FILLER}", IntStream.range(0, 150).mapToObj(
                    k -> "(global.set $g (i32.add (global.get $g) (i32.const " + k + ")))\n")
                    .collect(Collectors.joining()));

    @Test
    void nestedLoopsUnderLoopsTooLargeForAMethodRunInChunksAndAgree() {
        assertThat(loopMethods(NESTED_CHUNKED)).containsExactly("f0$loop1(IIIJIIL" + ModuleCompiler.INST + ";I)I");
        Instance c = instantiate(COMPILER, NESTED_CHUNKED);
        Instance i = instantiate(INTERPRETER, NESTED_CHUNKED);
        // Loops shorter than a chunk, across a few chunks, past the warm-up chunks (8,192 calls: three rounds of
        // 40,000 iterations make 7,500 calls of 16 back-edges); 55,555 leaves through $out, 77,777 returns.
        for (int n : new int[] {0, 1, 2, 5, 6, 16, 17, 100, 1_000, 40_000, 60_000, 80_000}) {
            assertThat(c.getFunc("run").orElseThrow().callI64(n, -1)).as("run(%d)", n)
                    .isEqualTo(i.getFunc("run").orElseThrow().callI64(n, -1));
            assertThat(c.getFunc("count").orElseThrow().callI32()).isEqualTo(
                    i.getFunc("count").orElseThrow().callI32());
        }
        // Fuel running out at and between chunk boundaries, and a trap a few chunks in: as in the interpreter.
        Store<Void> cs = Store.create(COMPILER);
        Store<Void> is = Store.create(INTERPRETER);
        Instance cf = Linker.<Void>create(COMPILER).instantiate(cs, Module.fromWat(COMPILER, NESTED_CHUNKED));
        Instance in = Linker.<Void>create(INTERPRETER).instantiate(is, Module.fromWat(INTERPRETER, NESTED_CHUNKED));
        for (long budget : new long[] {100, 1_237, 5_001, 77_777}) {
            cs.setFuel(budget);
            is.setFuel(budget);
            assertThatThrownBy(() -> cf.getFunc("run").orElseThrow().callI64(10_000, -1))
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_FUEL));
            assertThatThrownBy(() -> in.getFunc("run").orElseThrow().call(Val.i32(10_000), Val.i32(-1)))
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_FUEL));
            assertThat(cs.getFuel()).as("fuel left under budget %d", budget).isEqualTo(is.getFuel());
        }
        cs.setFuel(100_000_000);
        is.setFuel(100_000_000);
        assertThat(cf.getFunc("run").orElseThrow().callI64(300, -1))
                .isEqualTo(in.getFunc("run").orElseThrow().callI64(300, -1));
        assertThat(cs.getFuel()).isEqualTo(is.getFuel());
        Trap expected = trapOf(in.getFunc("run").orElseThrow(), 1_000, 50);
        Trap actual = trapOf(cf.getFunc("run").orElseThrow(), 1_000, 50);
        assertThat(expected).isNotNull();
        assertThat(actual).isNotNull();
        assertThat(actual.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO);
        assertThat(actual.backtrace().stream().map(Trap.Frame::offset).toList())
                .isEqualTo(expected.backtrace().stream().map(Trap.Frame::offset).toList());
    }

    /**
     * A chunked top-level loop ($pass, {@code $n} passes) whose iterations are long: its nested loop $rows (200
     * rows, a constant count: {@link LoopOutliner#staticTrips}) stays in place (too large to inline, hands $x and $d
     * back) and has a loop of its own ($cols, 10 iterations), so a chunk spends its budget inside $rows and $rows
     * hands over to a method of its own ({@link LoopOutliner#handover}). The handed-over rows leave to an
     * outer label with a value (row 2,555 in all), return (row {@code -$t}), trap (row {@code $t}) and run out of
     * fuel, as in the interpreter.
     */
    static final String HANDOVER = """
            (module
              (global $g (mut i32) (i32.const 0))
              (func $run (export "run") (param $n i32) (param $t i32) (result i64)
                (local $p i32) (local $r i32) (local $c i32) (local $x i64) (local $d f64)
                (block $out (result i64)
                  (loop $pass
                    (local.set $r (i32.const 0))
                    (loop $rows
                      (local.set $c (i32.const 0))
                      (loop $cols
                        ${WORK}
                        (br_if $cols (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const 10))))
                      (local.set $d (f64.add (local.get $d) (f64.convert_i32_s (local.get $r))))
                      (global.set $g (i32.add (global.get $g) (i32.const 1)))
                      (drop (i32.div_s (i32.const 1) (i32.sub (global.get $g) (local.get $t))))
                      (if (i32.eq (global.get $g) (i32.sub (i32.const 0) (local.get $t))) (then (return (i64.const -5))))
                      (drop (br_if $out (local.get $x) (i32.eq (global.get $g) (i32.const 2_555))))
                      (br_if $rows (i32.ne (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const 200))))
                    (br_if $pass (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (local.get $n))))
                  (i64.add (local.get $x) (i64.trunc_f64_s (local.get $d)))))
              (func (export "count") (result i32) (global.get $g)))
            """.replace("${WORK}", ("(local.set $x (i64.add (i64.mul (local.get $x) (i64.const 31))"
                    + " (i64.extend_i32_u (local.get $c))))\n").repeat(45));

    @Test
    void nestedLoopsOfLongChunksHandOverToAMethodOfTheirOwnAndAgree() {
        // $pass's chunked method, and $rows's (chunked too: it takes a budget); $cols stays in place in both.
        assertThat(loopMethods(HANDOVER)).containsExactly(
                "f0$loop1(IIIIIJDIL" + ModuleCompiler.INST + ";I)I", "f0$loop2(IIIJDIL" + ModuleCompiler.INST + ";I)I");
        // One pass (2,200 back-edges: handing over part-way), several, leaving through $out (13 passes: row 2,555),
        // returning (row 777) and trapping (row 900: both far past the first handover).
        int[][] calls = {{0, 0}, {1, 0}, {2, 0}, {12, 0}, {13, 0}, {20, 0}, {20, -777}, {20, 900}};
        for (int[] call : calls) {
            Trap expected = trapOf(instantiate(INTERPRETER, HANDOVER).getFunc("run").orElseThrow(), call);
            Trap actual = trapOf(instantiate(COMPILER, HANDOVER).getFunc("run").orElseThrow(), call);
            assertThat(actual == null).as("trap of run%s", Arrays.toString(call)).isEqualTo(expected == null);
            if (actual != null) {
                assertThat(actual.kind()).isEqualTo(expected.kind());
                assertThat(actual.backtrace().stream().map(Trap.Frame::offset).toList())
                        .isEqualTo(expected.backtrace().stream().map(Trap.Frame::offset).toList());
                assertThat(actual.backtrace()).hasSize(1);
                continue;
            }
            Instance c = instantiate(COMPILER, HANDOVER);
            Instance i = instantiate(INTERPRETER, HANDOVER);
            assertThat(c.getFunc("run").orElseThrow().callI64(call[0], call[1])).as("run%s", Arrays.toString(call))
                    .isEqualTo(i.getFunc("run").orElseThrow().callI64(call[0], call[1]));
            assertThat(c.getFunc("count").orElseThrow().callI32()).as("rows run by run%s", Arrays.toString(call))
                    .isEqualTo(i.getFunc("count").orElseThrow().callI32());
        }
        assertThat(trapOf(instantiate(COMPILER, HANDOVER).getFunc("run").orElseThrow(), 20, 900).kind())
                .isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO);
        // Fuel running out before, around and well after the first handover, and enough of it: as in the
        // interpreter, with the same rows run.
        for (long budget : new long[] {100, 1_500, 20_000, 55_555, 100_000_000}) {
            Store<Void> cs = Store.create(COMPILER);
            Store<Void> is = Store.create(INTERPRETER);
            Instance c = Linker.<Void>create(COMPILER).instantiate(cs, Module.fromWat(COMPILER, HANDOVER));
            Instance i = Linker.<Void>create(INTERPRETER).instantiate(is, Module.fromWat(INTERPRETER, HANDOVER));
            cs.setFuel(budget);
            is.setFuel(budget);
            Trap expected = trapOf(i.getFunc("run").orElseThrow(), 10, 0);
            Trap actual = trapOf(c.getFunc("run").orElseThrow(), 10, 0);
            assertThat(actual == null).as("out of fuel under %d", budget).isEqualTo(expected == null);
            if (actual != null) {
                assertThat(actual.kind()).isEqualTo(TrapKind.OUT_OF_FUEL);
                assertThat(expected.kind()).isEqualTo(TrapKind.OUT_OF_FUEL);
            }
            assertThat(cs.getFuel()).as("fuel left under budget %d", budget).isEqualTo(is.getFuel());
            cs.setFuel(1_000);
            is.setFuel(1_000);
            assertThat(c.getFunc("count").orElseThrow().callI32()).as("rows run under budget %d", budget)
                    .isEqualTo(i.getFunc("count").orElseThrow().callI32());
        }
    }

    @Test
    void handedOverLoopsAgreeOnTheirWarmUpAndSteadyBudgets() {
        // One instance called again and again (the first call leaves at row 2,555, each later one runs 12,000 rows):
        // its class's handed-over method passes WARM_CHUNKS calls (16 back-edges each) within the first calls, after
        // which it runs on its steady budget.
        Instance c = instantiate(COMPILER, HANDOVER);
        Instance i = instantiate(INTERPRETER, HANDOVER);
        int rowsPerCall = 60 * 200 * 11;
        long callsToWarm = (long) LoopOutliner.WARM_CHUNKS * LoopOutliner.WARM_BUDGET / rowsPerCall + 2;
        for (int k = 0; k < callsToWarm + 2; k++) {
            assertThat(c.getFunc("run").orElseThrow().callI64(60, 0)).as("call %d", k)
                    .isEqualTo(i.getFunc("run").orElseThrow().callI64(60, 0));
        }
        assertThat(c.getFunc("count").orElseThrow().callI32()).isEqualTo(i.getFunc("count").orElseThrow().callI32());
        assertThat(c.getFunc("run").orElseThrow().callI64(60, 0)).isEqualTo(i.getFunc("run").orElseThrow().callI64(60, 0));
    }

    @Test
    void staticTripCountsReadConstantForLoopsOnly() {
        // for (r = 0; r != 200; r++) with a body, as in HANDOVER's $rows
        assertThat(LoopOutliner.staticTrips(body("(local.set 0 (i32.const 0)) (loop (nop)"
                + " (br_if 0 (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 200))))"),
                2, 11)).isEqualTo(200);
        // from 1, by 16, below 480 (signed), stepped at the top and tested with local.get
        assertThat(LoopOutliner.staticTrips(body("(local.set 0 (i32.const 1)) (loop"
                + " (local.set 0 (i32.add (local.get 0) (i32.const 16)))"
                + " (br_if 0 (i32.lt_s (local.get 0) (i32.const 480))))"), 2, 11)).isEqualTo(30);
        // the limit a local, the start not a constant, a second write: unknown
        assertThat(LoopOutliner.staticTrips(body("(local.set 0 (i32.const 0)) (loop"
                + " (br_if 0 (i32.lt_s (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (local.get 1))))"), 2, 10))
                .isEqualTo(-1);
        assertThat(LoopOutliner.staticTrips(body("(local.set 0 (local.get 1)) (loop"
                + " (br_if 0 (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 200))))"), 2, 10))
                .isEqualTo(-1);
        assertThat(LoopOutliner.staticTrips(body("(local.set 0 (i32.const 0)) (loop (local.set 0 (i32.const 5))"
                + " (br_if 0 (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 200))))"), 2, 12))
                .isEqualTo(-1);
    }

    /** The instructions of a function {@code (param i32 i32)} with body {@code wat}. */
    private static List<dev.basalt.wasm.Instruction> body(String wat) {
        return WatParser.parseModule("(module (func (param i32 i32) " + wat + "))").functions().get(0).body()
                .instructions();
    }

    private static Trap trapOf(Func f, int... args) {
        try {
            f.call(Arrays.stream(args).mapToObj(Val::i32).toArray(Val[]::new));
            return null;
        } catch (Trap t) {
            return t;
        }
    }

    private static Instance instantiate(Engine engine, String wat) {
        return Linker.<Void>create(engine).instantiate(Store.create(engine), Module.fromWat(engine, wat));
    }

    /** The generated class's method names; the class passes the JVM verifier. */
    private static List<String> methods(String wat) {
        byte[] bytes = JvmCompiler.generate(WatParser.parseModule(wat));
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), LoopOutlinerTest.class.getClassLoader(), false,
                new PrintWriter(out));
        assertThat(out.toString()).as("verifier output").isEmpty();
        List<String> names = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                names.add(name);
                return null;
            }
        }, 0);
        return names;
    }

    /** The generated class's loop methods, name and descriptor. */
    private static List<String> loopMethods(String wat) {
        methods(wat); // verifies the class
        List<String> out = new ArrayList<>();
        new ClassReader(JvmCompiler.generate(WatParser.parseModule(wat))).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                if (LoopOutliner.isLoopMethod(name)) {
                    out.add(name + descriptor);
                }
                return null;
            }
        }, 0);
        return out;
    }

    private static void assertAgrees(String wat, String export, int... args) {
        Func c = instantiate(COMPILER, wat).getFunc(export).orElseThrow();
        Func i = instantiate(INTERPRETER, wat).getFunc(export).orElseThrow();
        for (int a : args) {
            assertThat(Arrays.asList(c.call(Val.i32(a)))).as("%s(%d)", export, a)
                    .isEqualTo(Arrays.asList(i.call(Val.i32(a))));
        }
    }

    @Test
    void nestedLoopsBranchingToOuterLabelsAgree() {
        // The inner loop only: the outer one keeps no loop in place, so it is not chunked (see CHUNKED).
        assertThat(methods(SEARCH)).contains("f0$loop1").doesNotContain("f0$loop2");
        Instance c = instantiate(COMPILER, SEARCH);
        Instance i = instantiate(INTERPRETER, SEARCH);
        int[][] cases = {{10, 45}, {10, 3}, {10, -1}, {400, 99_999}, {1, 0}, {0, 0}, {30, 200}, {5, -7}};
        for (int[] k : cases) {
            assertThat(c.getFunc("search").orElseThrow().callI32(k[0], k[1])).as("search(%d, %d)", k[0], k[1])
                    .isEqualTo(i.getFunc("search").orElseThrow().callI32(k[0], k[1]));
            assertThat(c.getFunc("count").orElseThrow().callI32()).isEqualTo(
                    i.getFunc("count").orElseThrow().callI32());
        }
    }

    @Test
    void brTableExitsToEveryKindOfLabelAgree() {
        assertThat(methods(TABLE)).anyMatch(LoopOutliner::isLoopMethod);
        assertAgrees(TABLE, "table", 1, 2, 3, 4, 7, 11, 13, 101); // multiples of 5 would loop forever
    }

    @Test
    void multiValueLoopsAgree() {
        assertThat(methods(MULTI)).contains("f0$loop1", "f1$loop1");
        assertAgrees(MULTI, "fib", 1, 2, 10, 50, 90);
        assertAgrees(MULTI, "early", 1, 2, 3, 8, 9, 10, 40);
        Func fib = instantiate(COMPILER, MULTI).getFunc("fib").orElseThrow();
        assertThat(Arrays.asList(fib.call(Val.i32(10)))).containsExactly(Val.i64(55), Val.i64(89));
    }

    @Test
    void localsOfEveryTypeWrittenInALoopAreSeenAfterIt() {
        assertThat(methods(TYPES)).contains("f0$loop1");
        assertAgrees(TYPES, "types", 1, 2, 4, 10, 33);
    }

    @Test
    void aTrapInsideAnOutlinedLoopHasTheFunctionsBacktrace() {
        assertThat(methods(TRAPS)).contains("f0$loop1");
        assertAgrees(TRAPS, "outer", 20, 25, -3);
        Func outer = instantiate(COMPILER, TRAPS).getFunc("outer").orElseThrow();
        assertThatThrownBy(() -> outer.call(Val.i32(7))).isInstanceOfSatisfying(Trap.class, t -> {
            assertThat(t.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO);
            assertThat(t.backtrace().stream().map(Trap.Frame::functionName).toList())
                    .containsExactly("inner", "outer");
        });
        Func interpreted = instantiate(INTERPRETER, TRAPS).getFunc("outer").orElseThrow();
        Trap expected = null;
        try {
            interpreted.call(Val.i32(7));
        } catch (Trap t) {
            expected = t;
        }
        Trap actual = null;
        try {
            outer.call(Val.i32(7));
        } catch (Trap t) {
            actual = t;
        }
        assertThat(expected).isNotNull();
        assertThat(actual).isNotNull();
        assertThat(actual.backtrace().stream().map(Trap.Frame::offset).toList())
                .isEqualTo(expected.backtrace().stream().map(Trap.Frame::offset).toList());
    }

    @Test
    void fuelLeftAndRunningOutInsideAnOutlinedLoopMatchTheInterpreter() {
        Store<Void> cs = Store.create(COMPILER);
        Store<Void> is = Store.create(INTERPRETER);
        Instance c = Linker.<Void>create(COMPILER).instantiate(cs, Module.fromWat(COMPILER, SEARCH));
        Instance i = Linker.<Void>create(INTERPRETER).instantiate(is, Module.fromWat(INTERPRETER, SEARCH));
        for (int n : new int[] {1, 5, 30}) {
            cs.setFuel(10_000_000);
            is.setFuel(10_000_000);
            assertThat(c.getFunc("search").orElseThrow().callI32(n, -1))
                    .isEqualTo(i.getFunc("search").orElseThrow().callI32(n, -1));
            assertThat(cs.getFuel()).as("fuel left after search(%d)", n).isEqualTo(is.getFuel());
        }
        // Run out part-way through the inner loop: the same trap, after the same number of iterations.
        for (long budget : new long[] {1_000, 1_237, 5_001}) {
            cs.setFuel(budget);
            is.setFuel(budget);
            int before = c.getFunc("count").orElseThrow().callI32();
            assertThat(i.getFunc("count").orElseThrow().callI32()).isEqualTo(before);
            cs.setFuel(budget);
            is.setFuel(budget);
            assertThatThrownBy(() -> c.getFunc("search").orElseThrow().callI32(1_000, -1))
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_FUEL));
            assertThatThrownBy(() -> i.getFunc("search").orElseThrow().call(Val.i32(1_000), Val.i32(-1)))
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.OUT_OF_FUEL));
            assertThat(cs.getFuel()).isEqualTo(is.getFuel());
            cs.setFuel(1_000);
            is.setFuel(1_000);
            assertThat(c.getFunc("count").orElseThrow().callI32()).as("iterations under fuel %d", budget)
                    .isEqualTo(i.getFunc("count").orElseThrow().callI32());
        }
    }

    @Test
    void loopsInAFunctionSplitIntoPiecesStayInPlaceAndAgree() {
        StringBuilder sb = new StringBuilder("""
                (module (func (export "big") (param $n i32) (result i32) (local $i i32) (local $s i32)
                """);
        for (int b = 0; b < 2_500; b++) {
            sb.append("(local.set $s (i32.add (local.get $s) (i32.mul (local.get $n) (i32.const ")
                    .append(b % 13 + 1).append("))))\n");
            if (b % 500 == 0) {
                sb.append("(local.set $i (i32.const 0)) (loop $l (local.set $s (i32.xor (local.get $s) (local.get $i)))"
                        + " (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))\n");
            }
        }
        sb.append("(local.get $s)))");
        String wat = sb.toString();
        List<String> names = methods(wat);
        assertThat(names).as("split into pieces").anyMatch(n -> n.startsWith("f0$") && !LoopOutliner.isLoopMethod(n));
        assertThat(names).noneMatch(LoopOutliner::isLoopMethod);
        assertAgrees(wat, "big", 0, 1, 7, 100);
    }

    /** An inner loop of about 60 instructions adding to $acc; {@code readAfter}: $acc is read after the loop. */
    private static String bigInnerLoop(boolean readAfter) {
        StringBuilder sb = new StringBuilder("""
                (module (global $g (mut i32) (i32.const 0))
                  (func (export "big") (param $n i32) (result i32) (local $i i32) (local $acc i32)
                    (loop $once
                      (loop $l
                """);
        for (int k = 0; k < 12; k++) {
            sb.append("(local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (i32.const ").append(k + 3)
                    .append("))))\n");
        }
        sb.append("""
                        (global.set $g (i32.add (global.get $g) (local.get $acc)))
                        (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))))
                """);
        sb.append(readAfter ? "(local.get $acc)))" : "(local.set $acc (i32.const 0)) (global.get $g)))");
        return sb.toString();
    }

    @Test
    void largeLoopsAreOutlinedOnlyWhenTheyHandNothingBack() {
        // Beyond what C2 inlines, handing locals back per entry would cost a call and a round trip each time.
        // (The enclosing loop is too small to be chunked: see CHUNKED.)
        assertThat(methods(bigInnerLoop(true))).noneMatch(LoopOutliner::isLoopMethod);
        assertThat(loopMethods(bigInnerLoop(false))).containsExactly("f0$loop1(IIIL" + ModuleCompiler.INST + ";I)I");
        assertAgrees(bigInnerLoop(true), "big", 0, 1, 10, 100);
        assertAgrees(bigInnerLoop(false), "big", 0, 1, 10, 100);
    }

    /**
     * Quicksort (Hoare partition) of the i32s at 0 .. 4n, as clang compiles it: two small scanning loops inside the
     * partition loop, each handing back the index it stopped at. {@code recurse}: the function sorts the smaller
     * part by calling itself; otherwise through an import-free twin function it calls instead (no self-call).
     */
    private static String quicksort(boolean recurse) {
        String callee = recurse ? "$qs" : "$other";
        return """
                (module
                  (memory (export "memory") 1)
                  (func $qs (export "qs") (param $lo i32) (param $hi i32)
                    (local $i i32) (local $j i32) (local $p i32) (local $t i32)
                    (loop $again
                      (if (i32.lt_s (local.get $lo) (local.get $hi))
                        (then
                          (local.set $p (i32.load (i32.shl (i32.add (local.get $lo)
                              (i32.shr_s (i32.sub (local.get $hi) (local.get $lo)) (i32.const 1))) (i32.const 2))))
                          (local.set $i (local.get $lo))
                          (local.set $j (local.get $hi))
                          (loop $partition
                            (loop $up
                              (if (i32.lt_s (i32.load (i32.shl (local.get $i) (i32.const 2))) (local.get $p))
                                (then (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $up))))
                            (loop $down
                              (if (i32.gt_s (i32.load (i32.shl (local.get $j) (i32.const 2))) (local.get $p))
                                (then (local.set $j (i32.sub (local.get $j) (i32.const 1))) (br $down))))
                            (if (i32.le_s (local.get $i) (local.get $j))
                              (then
                                (local.set $t (i32.load (i32.shl (local.get $i) (i32.const 2))))
                                (i32.store (i32.shl (local.get $i) (i32.const 2))
                                           (i32.load (i32.shl (local.get $j) (i32.const 2))))
                                (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $t))
                                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                                (local.set $j (i32.sub (local.get $j) (i32.const 1)))))
                            (br_if $partition (i32.le_s (local.get $i) (local.get $j))))
                          (call %s (local.get $lo) (local.get $j))
                          (local.set $lo (local.get $i))
                          (br $again)))))
                  (func $other (param $lo i32) (param $hi i32)
                    (call $qs (local.get $lo) (local.get $hi))))
                """.formatted(callee);
    }

    @Test
    void smallLoopsOfARecursiveFunctionStayInPlace() {
        // Outlined, each scanning loop would hand its index back through the store's stack on every exit.
        assertThat(methods(quicksort(true))).noneMatch(LoopOutliner::isLoopMethod);
        assertThat(methods(quicksort(false))).anyMatch(LoopOutliner::isLoopMethod);
        for (boolean recurse : new boolean[] {true, false}) {
            List<Integer> sorted = new ArrayList<>();
            for (Engine engine : new Engine[] {COMPILER, INTERPRETER}) {
                Instance instance = instantiate(engine, quicksort(recurse));
                var memory = instance.getMemory("memory").orElseThrow();
                int n = 2000;
                int s = 12345;
                for (int k = 0; k < n; k++) {
                    s = s * 1103515245 + 12345;
                    memory.writeInt(4L * k, (s >> 1) - 0x20000000);
                }
                instance.getFunc("qs").orElseThrow().call(Val.i32(0), Val.i32(n - 1));
                List<Integer> out = new ArrayList<>();
                for (int k = 0; k < n; k++) {
                    out.add(memory.readInt(4L * k));
                }
                if (sorted.isEmpty()) {
                    assertThat(out).isSorted();
                    sorted.addAll(out);
                } else {
                    assertThat(out).isEqualTo(sorted);
                }
            }
        }
    }
}
