package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.text.WatParser;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checked stretches ({@link CountedLoops#findStretches}): which loops get one, which accesses it covers, and that a
 * loop compiled with one computes, writes, traps and charges fuel exactly as the interpreter does, whether its entry
 * check passes (the unchecked copy runs) or fails (the loop as written runs).
 */
class CheckedStretchTest {
    private static final Engine COMPILER = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    private static final Engine INTERPRETER = Engine.create();

    /**
     * {@code g(x, c, base, k)}: {@code k} times over, a loop steps {@code $x} by {@code stride} while
     * {@code test(x, c)} holds (an empty test: while {@code x != 0}). Each iteration loads a byte at
     * {@code base + x + 1}, stores 16 bits at {@code p + 2} ({@code p} a second variable from {@code base}, stepped by
     * 3), and depending on the running hash loads at {@code p} or stores a byte at {@code 4 * n} ({@code n} counts
     * iterations). The result folds the hash and {@code n}.
     */
    static String probe(String test, int stride) {
        return probe(test, "(i32.const " + stride + ")");
    }

    /** {@link #probe(String, int)} with the stride an expression (a local's value: {@code $s}, a fifth parameter). */
    static String probe(String test, String stride) {
        String tail = test.isEmpty()
                ? "(br_if $inner (local.tee $x (i32.add (local.get $x) %s)))".formatted(stride)
                : "(br_if $inner (%s (local.tee $x (i32.add (local.get $x) %s)) (local.get $c)))"
                        .formatted(test, stride);
        return """
                (module
                  (memory (export "memory") 1 4)
                  (func (export "g") (param $x i32) (param $c i32) (param $base i32) (param $k i32) (param $s i32)
                    (result i32)
                    (local $acc i32) (local $n i32) (local $p i32)
                    (local.set $p (local.get $base))
                    (loop $outer
                      (loop $inner
                        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31))
                          (i32.load8_u offset=1 (i32.add (local.get $base) (local.get $x)))))
                        (i32.store16 offset=2 (local.get $p) (local.get $acc))
                        (local.set $p (i32.add (local.get $p) (i32.const 3)))
                        (if (i32.and (local.get $acc) (i32.const 1))
                          (then (local.set $acc (i32.xor (local.get $acc) (i32.load (local.get $p)))))
                          (else (i32.store8 (i32.shl (local.get $n) (i32.const 2)) (local.get $acc))))
                        (local.set $n (i32.add (local.get $n) (i32.const 1)))
                        %s)
                      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                      (br_if $outer (i32.gt_s (local.get $k) (i32.const 0))))
                    (i32.xor (local.get $acc) (i32.mul (local.get $n) (i32.const 1000003)))))
                """.formatted(tail);
    }

    private static Map<Integer, CountedLoops.Stretch> find(String wat) {
        var function = WatParser.parseModule(wat).functions().get(0);
        List<Instruction> body = function.body().instructions();
        int locals = 0;
        for (var l : function.locals()) {
            locals += l.count();
        }
        char[] types = new char[5 + locals]; // the probes' parameters and locals are all i32
        Arrays.fill(types, 'I');
        return CountedLoops.findStretches(body, types, m -> true);
    }

    @Test
    void findsStretchesAndCoversAffineAccesses() {
        var found = find(probe("i32.ne", 4));
        assertThat(found).hasSize(1);
        CountedLoops.Stretch st = found.values().iterator().next();
        assertThat(st.counter()).isEqualTo(0);
        assertThat(st.stride()).isEqualTo(4);
        assertThat(st.limitLocal()).isEqualTo(1);
        assertThat(st.test()).isEqualTo(CountedLoops.Test.NE);
        // all four accesses, the conditional ones too, in three ranges: base + x, p (both accesses), 4 * n
        assertThat(st.covered().cardinality()).isEqualTo(4);
        assertThat(st.ranges()).as(describe(st)).hasSize(3);
        CountedLoops.Range byX = st.ranges().stream().filter(r -> r.locals().length == 2).findFirst().orElseThrow();
        assertThat(byX.perIteration()).isEqualTo(4);
        assertThat(byX.locals()).containsExactly(0, 2);
        assertThat(byX.low()).isEqualTo(1);
        assertThat(byX.high()).isEqualTo(2);
        // p: stored at p + 2 before its step, loaded at p after it (p + 3 as entry value + 3k)
        CountedLoops.Range byP = st.ranges().stream().filter(r -> r.perIteration() == 3).findFirst().orElseThrow();
        assertThat(byP.locals()).containsExactly(7);
        assertThat(byP.low()).isEqualTo(2);
        assertThat(byP.high()).isEqualTo(7);
        CountedLoops.Range byN = st.ranges().stream().filter(r -> r.locals()[0] == 6).findFirst().orElseThrow();
        assertThat(byN.coefs()).containsExactly(4L);
        assertThat(byN.perIteration()).isEqualTo(4);
        assertThat(byN.high()).isEqualTo(1);
        // the other tests, a step by i32.sub, the value itself as the test
        assertThat(find(probe("i32.lt_s", 5))).hasSize(1);
        assertThat(find(probe("i32.gt_u", -6))).hasSize(1);
        assertThat(find(probe("", -1))).hasSize(1);
        // a stride in a local (sieve's marking loop), with the ranges stepping by it
        var bySLocal = find(probe("i32.lt_u", "(local.get $s)")).values().iterator().next();
        assertThat(bySLocal.strideLocal()).isEqualTo(4);
        assertThat(bySLocal.ranges().stream().filter(r -> r.locals().length == 2).findFirst().orElseThrow()
                .perStride()).isEqualTo(1);
        assertThat(find(probe("i32.ne", 4).replace("(i32.add (local.get $x) (i32.const 4))",
                "(i32.sub (local.get $x) (i32.const 4))")).values().iterator().next().stride()).isEqualTo(-4);
    }

    @Test
    void leavesLoopsItCannotBound() {
        String probe = probe("i32.ne", 4);
        String anchor = "(local.set $n (i32.add (local.get $n) (i32.const 1)))";
        // a < test stepping down (or > stepping up) runs until the variable wraps
        assertThat(find(probe("i32.lt_s", -5))).isEmpty();
        assertThat(find(probe("i32.gt_u", 6))).isEmpty();
        // a call or memory.grow (the size may change), an exit, a nested loop (only the inner one qualifies)
        assertThat(find(probe.replace(anchor, anchor + "(drop (memory.grow (i32.const 0)))"))).isEmpty();
        assertThat(find(probe.replace(anchor, anchor + "(br_if $outer (local.get $acc))"))).isEmpty();
        assertThat(find(probe.replace(anchor, anchor + "(loop $l (br_if $l (i32.const 0)))"))).isEmpty();
        // the limit written in the loop
        assertThat(find(probe.replace(anchor, anchor + "(local.set $c (i32.const 9))"))).isEmpty();
        // an address that is not affine (loaded from memory) stays checked; the others are covered
        var st = find(probe.replace(anchor, anchor + "(i32.store (i32.load (local.get $n)) (local.get $n))"));
        assertThat(st).hasSize(1);
        assertThat(st.values().iterator().next().covered().cardinality()).isEqualTo(5); // 4 + the inner load
        // $p written twice: no longer a stepped variable, so its accesses stay checked
        st = find(probe.replace(anchor, anchor + "(local.set $p (local.get $p))"));
        assertThat(st.values().iterator().next().covered().cardinality()).isEqualTo(2);
    }

    /**
     * {x, c, base, k, s} per probe: in bounds, out of bounds in the middle of a pass, one iteration, wrapping; with a
     * stride local, strides of the wrong sign and zero too.
     */
    private static final Object[][] CASES = {
        {"i32.ne", 4, new int[][] {
            {0, 400, 1000, 3}, {0, 400, 65_000, 1}, {0, 400, 65_200, 1}, {8, 4, 100, 1}, {0, 3, 100, 1},
            {-400, 0, 2000, 2}}},
        {"i32.ne", -4, new int[][] {{400, 0, 1000, 3}, {400, 0, 65_300, 1}, {400, -4, 64_000, 2}}},
        {"i32.lt_s", 5, new int[][] {
            {0, 401, 1000, 3}, {500, 401, 1000, 2}, {0x7FFF_FFF0, 0x7FFF_FFFF, -0x7FFF_FF00, 1},
            {0x7FFF_FFFC, 0x7FFF_FFFF, -0x7FFF_FF00, 1}, {-1000, 100, 60_000, 2}}},
        {"i32.lt_u", 7, new int[][] {{0, 700, 5000, 2}, {0xFFFF_FF00, 0xFFFF_FFF0, 0x2000, 1},
            {0xFFFF_FFFC, 0xFFFF_FFFF, 0x2000, 1}, {10, 5, 300, 3}}},
        {"i32.gt_s", -3, new int[][] {{300, 0, 2000, 2}, {-0x7FFF_FFF0, -0x7FFF_FFFF, 0x7FFF_FF00, 1},
            {300, 0, 65_300, 1}}},
        {"i32.gt_u", -6, new int[][] {{600, 0, 2000, 2}, {10, 20, 300, 1}, {5, 2, 300, 1}}},
        {"", -1, new int[][] {{50, 0, 1000, 3}, {50, 0, 65_400, 1}, {-5, 0, 100, 1}}},
        {"i32.lt_u", "$s", new int[][] {{0, 700, 5000, 2, 7}, {0, 7000, 60_000, 1, 13}, {10, 5, 300, 3, 3},
            {0xFFFF_FF00, 0xFFFF_FFF0, 0x2000, 1, 9}, {0, 1000, 100, 1, 0x7FFF_FFFF}, {0, 50, 100, 1, -1}}},
        {"i32.lt_s", "$s", new int[][] {{0, 401, 1000, 3, 5}, {-1000, 100, 60_000, 2, 11},
            {0x7FFF_FFFC, 0x7FFF_FFFF, -0x7FFF_FF00, 1, 5}}},
        {"i32.gt_s", "$s", new int[][] {{300, 0, 2000, 2, -3}, {300, 0, 2000, 1, 4}}},
        {"i32.ne", "$s", new int[][] {{0, 400, 1000, 1, 4}, {400, 0, 1000, 1, -8}, {0, 400, 1000, 1, 0},
            {0, 401, 1000, 1, 4}}},
    };

    @Test
    void stretchedLoopsComputeWriteAndTrapAsTheInterpreterDoes() {
        for (Object[] c : CASES) {
            String wat = c[1] instanceof Integer stride ? probe((String) c[0], stride)
                    : probe((String) c[0], "(local.get " + c[1] + ")");
            assertThat(find(wat)).as(c[0] + " " + c[1]).hasSize(1);
            for (int[] args : (int[][]) c[2]) {
                assertThat(call(COMPILER, Store.create(COMPILER), wat, args))
                        .as("%s %s %s", c[0], c[1], Arrays.toString(args))
                        .isEqualTo(call(INTERPRETER, Store.create(INTERPRETER), wat, args));
            }
        }
    }

    @Test
    void stretchedLoopsChargeFuelAsTheInterpreterDoes() {
        String wat = probe("i32.ne", 4);
        int[] args = {0, 40_000, 1000, 1};
        // enough fuel: the same amount used; too little: out of fuel inside a stretch, the same bytes written
        for (long fuel : new long[] {10_000_000, 30_000}) {
            Store<Void> compiled = Store.create(COMPILER);
            compiled.setFuel(fuel);
            Store<Void> interpreted = Store.create(INTERPRETER);
            interpreted.setFuel(fuel);
            String outcome = call(COMPILER, compiled, wat, args) + " fuel left " + compiled.getFuel().orElseThrow();
            assertThat(outcome).isEqualTo(call(INTERPRETER, interpreted, wat, args) + " fuel left "
                    + interpreted.getFuel().orElseThrow());
            assertThat(outcome).startsWith(fuel == 30_000 ? "trap" : "=");
        }
    }

    /**
     * With fuel on, a stretch's iterations are charged before it when the fuel left covers them all, and the loop as
     * written runs otherwise: every case, with fuel to spare, exactly enough, one unit short and half of what the
     * call uses, ends with the interpreter's result or trap, memory and fuel left.
     */
    @Test
    void prepaidStretchesLeaveTheInterpretersFuel() {
        Map<String, Module[]> modules = new java.util.HashMap<>();
        for (Object[] c : CASES) {
            String wat = c[1] instanceof Integer stride ? probe((String) c[0], stride)
                    : probe((String) c[0], "(local.get " + c[1] + ")");
            for (int[] args : (int[][]) c[2]) {
                long used = fuelUsed(INTERPRETER, modules, wat, args);
                for (long fuel : new long[] {10_000_000, used, used - 1, used / 2}) {
                    assertThat(metered(COMPILER, modules, wat, args, fuel))
                            .as("%s %s %s with fuel %d", c[0], c[1], Arrays.toString(args), fuel)
                            .isEqualTo(metered(INTERPRETER, modules, wat, args, fuel));
                }
            }
        }
    }

    /**
     * A trap inside a prepaid stretch (a division by zero at iteration {@code n == at}, in the first pass or a later
     * one) gives back the fuel of the iterations that did not start: the fuel left is the interpreter's.
     */
    @Test
    void trapsInsidePrepaidStretchesRefundTheIterationsNotRun() {
        String anchor = "(local.set $n (i32.add (local.get $n) (i32.const 1)))";
        Map<String, Module[]> modules = new java.util.HashMap<>();
        for (int at : new int[] {0, 1, 37, 99, 100}) {
            String trapAt = "(local.set $acc (i32.add (local.get $acc) (i32.div_u (i32.const 1) "
                    + "(i32.sub (local.get $n) (i32.const " + at + ")))))";
            // an access the stretch does not cover (its address is not affine), out of bounds at n == at, of a
            // memory whose backing array is exactly its size (its own index check throws the trap)
            String outOfBoundsAt = "(local.set $acc (i32.add (local.get $acc) (i32.load (select (i32.const 70000) "
                    + "(i32.const 0) (i32.eq (local.get $n) (i32.const " + at + "))))))";
            String exactMemory = probe("i32.ne", 4).replace("(memory (export \"memory\") 1 4)",
                    "(memory (export \"memory\") 1)");
            // each with 100 iterations in its first pass, one in each later pass
            Map<String, int[]> probes = Map.of(
                    probe("i32.ne", 4).replace(anchor, trapAt + anchor), new int[] {0, 400, 1000, 3},
                    probe("i32.lt_u", "(local.get $s)").replace(anchor, trapAt + anchor), new int[] {0, 400, 1000, 3, 4},
                    probe("i32.gt_s", -3).replace(anchor, trapAt + anchor), new int[] {300, 0, 2000, 3},
                    exactMemory.replace(anchor, outOfBoundsAt + anchor), new int[] {0, 400, 1000, 3},
                    probe("i32.ne", 4).replace(anchor, outOfBoundsAt + anchor), new int[] {0, 400, 1000, 3});
            for (var probe : probes.entrySet()) {
                String wat = probe.getKey();
                int[] args = probe.getValue();
                assertThat(find(wat)).hasSize(1);
                for (long fuel : new long[] {10_000_000, 2_000}) {
                    String compiled = metered(COMPILER, modules, wat, args, fuel);
                    assertThat(compiled).as("trap at %d, fuel %d: %s", at, fuel, wat)
                            .isEqualTo(metered(INTERPRETER, modules, wat, args, fuel));
                    if (fuel > 2_000) {
                        assertThat(compiled).as("trap at %d: %s", at, wat).startsWith(wat.contains("70000")
                                ? "trap OUT_OF_BOUNDS_MEMORY_ACCESS" : "trap INTEGER_DIVIDE_BY_ZERO");
                    }
                }
            }
        }
    }

    /**
     * An interrupt that stops a prepaid stretch (another thread's {@code Store.interrupt()} once the loop runs) leaves
     * the fuel of the iterations started, as charging at every loop header does: the entry's and the loop's fuel
     * per iteration are measured on the interpreter, the iterations done are counted in memory by the loop itself.
     */
    @Test
    void interruptedPrepaidStretchesLeaveTheFuelOfTheIterationsStarted() throws Exception {
        String wat = """
                (module
                  (memory (export "memory") 1)
                  (func (export "spin") (param $limit i32)
                    (local $x i32) (local $n i32)
                    (loop $l
                      (i32.store (i32.const 0) (local.tee $n (i32.add (local.get $n) (i32.const 1))))
                      (br_if $l (i32.ne (local.tee $x (i32.add (local.get $x) (i32.const 1))) (local.get $limit))))))
                """;
        assertThat(find(wat)).hasSize(1);
        long[] used = new long[3];
        for (int limit = 1; limit <= 2; limit++) {
            Store<Void> store = Store.create(INTERPRETER);
            store.setFuel(1_000);
            Linker.<Void>create(INTERPRETER).instantiate(store, Module.fromWat(INTERPRETER, wat))
                    .getFunc("spin").orElseThrow().callRaw(limit);
            used[limit] = 1_000 - store.getFuel().orElseThrow();
        }
        long perIteration = used[2] - used[1];
        long onEntry = used[1] - perIteration;
        long fuel = Long.MAX_VALUE / 4;
        Store<Void> store = Store.create(COMPILER);
        store.setFuel(fuel);
        Instance instance = Linker.<Void>create(COMPILER).instantiate(store, Module.fromWat(COMPILER, wat));
        var memory = instance.getMemory("memory").orElseThrow();
        var running = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                instance.getFunc("spin").orElseThrow().callRaw(Integer.MAX_VALUE);
                return "returned";
            } catch (dev.basalt.Trap t) {
                return "trap " + t.kind();
            }
        });
        long waitUntil = System.nanoTime() + 30_000_000_000L;
        while (iterationsDone(memory) == 0 && !running.isDone() && System.nanoTime() < waitUntil) {
            Thread.sleep(1);
        }
        Thread.sleep(20);
        store.interrupt();
        assertThat(running.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("trap INTERRUPTED");
        long started = iterationsDone(memory) + 1;
        assertThat(started).isBetween(2L, (long) Integer.MAX_VALUE - 1);
        assertThat(fuel - store.getFuel().orElseThrow()).isEqualTo(onEntry + started * perIteration);
    }

    private static long iterationsDone(dev.basalt.Memory memory) {
        return java.nio.ByteBuffer.wrap(memory.read(0, 4)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    }

    /** The fuel {@code g} uses on {@code engine} with fuel to spare. */
    private static long fuelUsed(Engine engine, Map<String, Module[]> modules, String wat, int[] args) {
        String outcome = metered(engine, modules, wat, args, 10_000_000);
        return 10_000_000 - Long.parseLong(outcome.substring(outcome.lastIndexOf(' ') + 1));
    }

    /** {@link #call} on a store with {@code fuel}, the module compiled once per engine: outcome and fuel left. */
    private static String metered(Engine engine, Map<String, Module[]> modules, String wat, int[] args, long fuel) {
        Module[] pair = modules.computeIfAbsent(wat, w -> new Module[2]);
        int e = engine == COMPILER ? 0 : 1;
        if (pair[e] == null) {
            pair[e] = Module.fromWat(engine, wat);
        }
        Store<Void> store = Store.create(engine);
        store.setFuel(fuel);
        return call(engine, store, pair[e], args) + " fuel left " + store.getFuel().orElseThrow();
    }

    /**
     * The backing array may be larger than the memory (room to grow): a stretch must not let an access past the
     * memory's size land in it. The memory grows to 2 pages, then the loop runs off the end of them.
     */
    @Test
    void accessesPastTheSizeTrapEvenWhereTheArrayReaches() {
        String wat = probe("i32.ne", 4).replace("(local.set $p (local.get $base))",
                "(drop (memory.grow (i32.const 1))) (local.set $p (local.get $base))");
        for (int[] args : new int[][] {{0, 4000, 130_000, 1}, {0, 400, 131_000, 1}, {0, 400, 120_000, 2}}) {
            String compiled = call(COMPILER, Store.create(COMPILER), wat, args);
            assertThat(compiled).as(Arrays.toString(args))
                    .isEqualTo(call(INTERPRETER, Store.create(INTERPRETER), wat, args));
            if (args[2] >= 130_000) {
                assertThat(compiled).startsWith("trap OUT_OF_BOUNDS_MEMORY_ACCESS");
            }
        }
    }

    private static String describe(CountedLoops.Stretch st) {
        StringBuilder out = new StringBuilder();
        for (CountedLoops.Range r : st.ranges()) {
            out.append(Arrays.toString(r.locals())).append(Arrays.toString(r.coefs())).append(" k*")
                    .append(r.perIteration()).append(" [").append(r.low()).append(", ").append(r.high()).append(") ");
        }
        return out.toString();
    }

    /** Calls {@code g}: its result or trap kind, and a digest of the memory afterwards. */
    private static String call(Engine engine, Store<Void> store, String wat, int[] args) {
        return call(engine, store, Module.fromWat(engine, wat), args);
    }

    private static String call(Engine engine, Store<Void> store, Module module, int[] args) {
        Instance instance = Linker.<Void>create(engine).instantiate(store, module);
        String outcome;
        try {
            outcome = "= " + instance.getFunc("g").orElseThrow().callI32(args[0], args[1], args[2], args[3],
                    args.length > 4 ? args[4] : 0);
        } catch (dev.basalt.Trap t) {
            outcome = "trap " + t.kind();
        }
        var memory = instance.getMemory("memory").orElseThrow();
        byte[] bytes = memory.read(0, (int) memory.byteSize());
        return outcome + " memory " + Arrays.hashCode(bytes);
    }
}
