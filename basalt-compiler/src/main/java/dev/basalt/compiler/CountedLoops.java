package dev.basalt.compiler;

import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.Opcode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Finds loops whose exit test can be compiled as a signed {@code <} or {@code >} instead of the {@code !=} clang
 * emits, so that HotSpot's C2 sees a counted loop. C2 only treats an int loop as counted (and then eliminates range
 * checks of accesses affine in its induction variable, ours and the array's, unrolls it and drops its safepoint
 * poll) when the exit compares the variable with {@code <}, {@code <=}, {@code >} or {@code >=} (a {@code !=} only
 * with a stride of 1). clang's loops count up in steps of 8 or 16 to an exact limit and test {@code i != limit}, or
 * count a negative offset up to 0 and test the result itself ({@code local.tee i; br_if}, i.e. {@code i != 0}).
 *
 * <p>The rewrite is exact, not a guess: it applies only to a loop (without parameters) that ends with
 * <pre>
 *   local.get x  i32.const s  i32.add  local.tee x  [i32.const C  i32.ne]  br_if 0  end
 * </pre>
 * (the bracket absent means {@code C = 0}), where that {@code local.tee} is the only write of {@code x} inside the
 * loop, that {@code br_if} is the only branch back to the loop, no exception handling is inside it, and the loop is
 * entered right after {@code i32.const c  local.set x} (only straight-line code that does not write {@code x} in
 * between). Then every value {@code x} has at the test is {@code c + k*s} for {@code k = 1, 2, ...}; with
 * {@code s > 0}, {@code c < C} and {@code s} dividing {@code C - c}, each of them up to {@code C} is below {@code C}
 * and the sequence reaches {@code C} exactly, so {@code x != C} and {@code x < C} agree on every value the test can
 * see (mirrored for {@code s < 0}: {@code x > C}). No value wraps, since all lie between {@code c} and {@code C}.
 *
 * <p>Only loops with a single exit (the rewritten test falling through: no branch out of the loop, no
 * {@code return} or {@code throw}) and a stride other than 1 or -1 are rewritten. With stride 1 or -1 C2 counts the
 * {@code !=} loop itself. A loop that can leave early (deflate's unrolled byte-compare loop, four {@code br_if}
 * exits per iteration) gains nothing from C2's pre/main/post loops and their predicates: with those loops rewritten
 * too (session 5), deflate got 12-17% slower; with this rule deflate's code is unchanged, as is every other
 * workload's except matmul's and sieve's.
 *
 * <p>Only loops nested in another loop are rewritten. Those are the ones {@link LoopOutliner} turns into methods of
 * their own that C2 compiles normally (matmul's inner loop, 25% less CPU per run). A function's top-level loops
 * run in place, compiled on stack replacement: rewriting hash's five top-level loops made its run 15% slower
 * (14.5-15.4 to 17.0-18.0 ms CPU, alternated), so they keep their {@code !=}.
 *
 * <p><b>Stepped loops</b> ({@link #findStepped}). C2 counts no loop whose exit test is unsigned, nor one whose
 * variable steps by a value it does not know (sieve's marking loop {@code for (j = i*i; j < n; j += i)} on
 * unsigned: {@code x += s} with {@code s} a local, then {@code x <u C}); such a loop keeps its safepoint poll, its
 * unsigned compare and every check at every iteration. Such loops, ending with
 * <pre>
 *   local.get x  local.get s  i32.add  local.tee x  (i32.const C | local.get c)  (i32.lt_u | i32.lt_s)  br_if 0  end
 * </pre>
 * (the {@code i32.add}'s operands in either order)
 * with the same single-exit and only-write rules as above, and {@code s} and {@code c} written nowhere in the loop,
 * are compiled as two loops: before the loop header, the number {@code n} of iterations the test is sure to let
 * through from the current {@code x} is computed ({@code ceil((C - x) / s)} when {@code x < C} and {@code s > 0},
 * in longs; otherwise 1); the back edge counts {@code n} down ({@code n > 0}: a loop C2 counts) and only when it is
 * spent evaluates the loop's own test, which goes back to that computation when it holds. Every value {@code x}
 * takes before the {@code n}-th step is below {@code C} (so no step wraps) and the test would have held; the
 * {@code n}-th step is tested as written. The count depends on {@code x} alone, so any entry at the header (a
 * chunked loop method re-entered, see {@link LoopOutliner}) recomputes it exactly. A signed test with a constant
 * stride is left alone: C2 counts it already. So is an unsigned test with a constant stride: the same rewrite of
 * the simd workload's five such loops made its run slower (CPU per run, alternated: 39-50 to 49-75 ms median), while
 * sieve's marking loop went from 95-106 to 54-66 ms.
 */
final class CountedLoops {
    /** How the rewritten exit test is compiled. */
    enum Exit {
        /** An {@code i32.ne} compiled as {@code i32.lt_s}. */
        NE_AS_LT,
        /** An {@code i32.ne} compiled as {@code i32.gt_s}. */
        NE_AS_GT,
        /** A {@code br_if} on the value itself ({@code != 0}) taken when it is below 0. */
        BR_IF_NEGATIVE,
        /** A {@code br_if} on the value itself ({@code != 0}) taken when it is above 0. */
        BR_IF_POSITIVE
    }

    /**
     * A loop {@code do { ...; x += s } while (x < limit)} compiled with a trip count: the exit test's operands, and
     * where its comparison and {@code br_if} are (see the class comment).
     *
     * @param counter     the Wasm local {@code x}
     * @param strideLocal the Wasm local holding the stride
     * @param limitLocal  the Wasm local holding the limit, or -1 when it is the constant {@code limitValue}
     * @param unsigned    whether the test is {@code i32.lt_u} (else {@code i32.lt_s})
     * @param compareAt   instruction index of the comparison
     * @param branchAt    instruction index of the {@code br_if}
     */
    record Stepped(int counter, int strideLocal, int limitLocal, int limitValue, boolean unsigned, int compareAt,
            int branchAt) {
    }

    private CountedLoops() {
    }

    /** How a stretch's loop tests its variable after the step (see {@link #findStretches}). */
    enum Test {
        NE, LT_S, LT_U, GT_S, GT_U
    }

    /**
     * The addresses a group of a stretch's accesses may touch: for iteration {@code k} (from 0) of the stretch, the
     * address is {@code sum(coefs[i] * entry(locals[i])) + (perIteration + perStride * s) * k + c} for constants
     * {@code c} whose {@code c + offset} is at least {@code low} and {@code c + offset + width} at most
     * {@code high}, where {@code entry(l)} is local {@code l}'s value (a signed int) where the stretch is entered and
     * {@code s} the stride local's (0 when the stride is a constant).
     */
    record Range(int memory, int[] locals, long[] coefs, long perIteration, long perStride, long low, long high) {
    }

    /**
     * A loop with a checked stretch (see {@link #findStretches}): its variable {@code counter}, stepped by the
     * constant {@code stride} (or by the loop-invariant local {@code strideLocal}, when not -1) at its end and then
     * tested against the constant {@code limitValue} (or the local
     * {@code limitLocal}, when not -1) by {@code test}; the address ranges of its accesses, and which accesses
     * (instruction indices) those ranges cover.
     */
    record Stretch(int end, int counter, int stride, int strideLocal, int limitLocal, int limitValue, Test test, List<Range> ranges,
            BitSet covered) {
    }

    /** Most instructions in a loop compiled twice (the stretch and the loop as written). */
    static final int MAX_STRETCH_INSTRUCTIONS = 400;
    /** Most address ranges checked before a stretch. */
    static final int MAX_STRETCH_RANGES = 8;
    /** Largest coefficient of an address form: keeps every bound computed in longs far from overflow. */
    private static final long MAX_COEF = 1 << 20;

    /**
     * <b>Checked stretches.</b> An innermost loop whose variable steps by a constant at its end and whose memory
     * accesses have addresses affine in the iteration ({@code x + base + 8}, a second variable stepped by a
     * constant, loop-invariant locals) is compiled twice. Before it, the number {@code T} of iterations its exit
     * test lets through from the variable's current value is computed, and the bounds of every address range over
     * those {@code T} iterations are checked against the memory's size, once; when all hold, the first copy runs,
     * whose covered accesses skip the Wasm bounds check (the array's own check stays, and C2 removes it from
     * counted loops with its range-check elimination); otherwise the loop as written runs. Both copies are the
     * same Wasm code, interruption included; the first only leaves out checks proven to pass, and charges its fuel
     * before it runs (refunded on a throw: {@code FunctionCompiler.stretch}), leaving what the second would.
     *
     * <p>Why: the per-access check {@code 0 <= a <= size - k} is two compare-and-branches that C2 neither hoists
     * nor removes, and with them in the loop it does not unroll or eliminate the array's checks either (matmul's
     * inner loop: three checks per access, no unrolling).
     *
     * <p>Loops qualify when they end with {@code local.get x  i32.const s  i32.add  local.tee x  [TEST]  br_if 0}
     * (TEST: {@code i32.const C | local.get c} then {@code i32.ne}, {@code i32.lt_s/u} or {@code i32.gt_s/u}, or
     * nothing: {@code x != 0}), with the single-exit and only-write rules of the rewrite above, no nested loop, no
     * call, {@code memory.grow} or other instruction that could change the memory's size or leave the loop, and at
     * most {@link #MAX_STRETCH_INSTRUCTIONS} instructions. Values are followed symbolically through the body:
     * locals not written in the loop are invariants, locals written once at its top level as
     * {@code l = l + d} are stepped, everything else written is unknown at the header (and after a block that
     * writes it).
     */
    static Map<Integer, Stretch> findStretches(List<Instruction> body, char[] localTypes, IntPredicate inline32) {
        Map<Integer, Stretch> out = new HashMap<>();
        for (int[] loop : innermostLoops(body)) {
            Stretch s = stretch(body, loop[0], loop[1], localTypes, inline32);
            if (s != null) {
                out.put(loop[0], s);
            }
        }
        return out;
    }

    /** Loops without a loop inside, as {@code {start, end}}. */
    static List<int[]> innermostLoops(List<Instruction> body) {
        List<int[]> loops = new ArrayList<>();
        List<int[]> open = new ArrayList<>(); // {isLoop, start, hasInnerLoop}
        for (int i = 0; i < body.size(); i++) {
            switch (body.get(i).opcode()) {
                case BLOCK, IF, TRY, TRY_TABLE -> open.add(new int[] {0, i, 0});
                case LOOP -> {
                    for (int[] o : open) {
                        if (o[0] == 1) {
                            o[2] = 1;
                        }
                    }
                    open.add(new int[] {1, i, 0});
                }
                case END, DELEGATE -> {
                    if (open.isEmpty()) {
                        break;
                    }
                    int[] f = open.remove(open.size() - 1);
                    if (f[0] == 1 && f[2] == 0 && body.get(i).opcode() == Opcode.END) {
                        loops.add(new int[] {f[1], i});
                    }
                }
                default -> {
                }
            }
        }
        return loops;
    }

    private static Stretch stretch(List<Instruction> body, int start, int end, char[] localTypes,
            IntPredicate inline32) {
        if (end - start > MAX_STRETCH_INSTRUCTIONS || !(body.get(start) instanceof Instruction.Block loop)
                || !(loop.type() instanceof BlockType.Empty)) {
            return null;
        }
        int brIf = end - 1;
        if (brIf <= start + 4 || !(body.get(brIf) instanceof Instruction.Branch b) || b.opcode() != Opcode.BR_IF
                || b.label() != 0) {
            return null;
        }
        Test test;
        int tee;
        int limitLocal = -1;
        int limitValue = 0;
        Opcode cmp = body.get(brIf - 1).opcode();
        switch (cmp) {
            case I32_NE -> test = Test.NE;
            case I32_LT_S -> test = Test.LT_S;
            case I32_LT_U -> test = Test.LT_U;
            case I32_GT_S -> test = Test.GT_S;
            case I32_GT_U -> test = Test.GT_U;
            default -> test = null;
        }
        if (test != null) {
            Instruction limit = body.get(brIf - 2);
            if (limit instanceof Instruction.I32Const c) {
                limitValue = c.value();
            } else if (limit.opcode() == Opcode.LOCAL_GET) {
                limitLocal = ((Instruction.Index) limit).index();
            } else {
                return null;
            }
            tee = brIf - 3;
        } else {
            test = Test.NE; // br_if on the value itself: x != 0
            tee = brIf - 1;
        }
        if (tee - 3 <= start || body.get(tee).opcode() != Opcode.LOCAL_TEE) {
            return null;
        }
        int x = ((Instruction.Index) body.get(tee)).index();
        Long step = selfStep(body, start, tee, x);
        int strideLocal = -1;
        if (step == null && body.get(tee - 1).opcode() == Opcode.I32_ADD) {
            // a stride in a local (sieve's marking loop): checked for its sign where the stretch is entered
            Instruction first = body.get(tee - 3);
            Instruction second = body.get(tee - 2);
            Instruction other = isGet(first, x) ? second : isGet(second, x) ? first : null;
            if (other != null && other.opcode() == Opcode.LOCAL_GET) {
                strideLocal = ((Instruction.Index) other).index();
                step = 1L; // the sign below is checked at run time
            }
        }
        if (step == null || Math.abs(step) > MAX_COEF || strideLocal == x) {
            return null;
        }
        int stride = strideLocal >= 0 ? 0 : (int) (long) step;
        // A < test needs an upward step and a > test a downward one, or the loop runs until the variable wraps.
        boolean up = stride > 0;
        if (strideLocal < 0 && (test == Test.LT_S || test == Test.LT_U) != up && test != Test.NE) {
            return null;
        }
        if ((stride == 0 && strideLocal < 0) || limitLocal == x || !singleExitOnlyWriteAndBackEdge(body, start, brIf, tee, x)) {
            return null;
        }
        // Writes per local, and the step of those written once at the loop's top level as l = l + d.
        Map<Integer, Integer> writes = new HashMap<>();
        Map<Integer, Long> steps = new HashMap<>();
        int depth = 0;
        for (int i = start + 1; i < brIf; i++) {
            Instruction in = body.get(i);
            switch (in.opcode()) {
                case BLOCK, IF -> depth++;
                case END -> depth--;
                case LOOP, CALL, CALL_INDIRECT, CALL_REF, MEMORY_GROW, UNREACHABLE, BR, BR_TABLE -> {
                    return null;
                }
                case LOCAL_SET, LOCAL_TEE -> {
                    int l = ((Instruction.Index) in).index();
                    writes.merge(l, 1, Integer::sum);
                    Long d = depth == 0 ? selfStep(body, start, i, l) : null;
                    if (d != null) {
                        steps.put(l, d);
                    } else {
                        steps.put(l, null);
                    }
                }
                default -> {
                }
            }
        }
        if (limitLocal >= 0 && writes.containsKey(limitLocal) || strideLocal >= 0 && writes.containsKey(strideLocal)) {
            return null;
        }
        // The symbolic state at the header.
        Affine[] locals = new Affine[localTypes.length];
        for (int l = 0; l < locals.length; l++) {
            if (localTypes[l] != 'I') {
                continue;
            }
            Integer w = writes.get(l);
            if (l == x && strideLocal >= 0) {
                locals[l] = Affine.entry(l, 0).withStride(1);
            } else if (w == null) {
                locals[l] = Affine.entry(l, 0);
            } else if (w == 1 && steps.get(l) != null && Math.abs(steps.get(l)) <= MAX_COEF) {
                locals[l] = Affine.entry(l, steps.get(l));
            }
        }
        List<Affine> stack = new ArrayList<>();
        List<Frame> frames = new ArrayList<>();
        Map<String, long[]> groups = new TreeMap<>(); // key -> {memory, low, high}
        Map<String, Affine> forms = new HashMap<>();
        BitSet covered = new BitSet();
        for (int i = start + 1; i <= tee; i++) {
            Instruction in = body.get(i);
            Opcode op = in.opcode();
            switch (op) {
                case I32_CONST -> stack.add(Affine.constant(((Instruction.I32Const) in).value()));
                case LOCAL_GET -> stack.add(locals[((Instruction.Index) in).index()]);
                case LOCAL_SET, LOCAL_TEE -> {
                    int l = ((Instruction.Index) in).index();
                    if (stack.isEmpty()) {
                        return null;
                    }
                    Affine v = op == Opcode.LOCAL_SET ? stack.remove(stack.size() - 1) : stack.get(stack.size() - 1);
                    locals[l] = localTypes[l] == 'I' ? v : null;
                    for (Frame f : frames) {
                        f.written.set(l);
                    }
                }
                case I32_ADD, I32_SUB, I32_MUL, I32_SHL -> {
                    if (stack.size() < 2) {
                        return null;
                    }
                    Affine r = stack.remove(stack.size() - 1);
                    Affine a = stack.remove(stack.size() - 1);
                    stack.add(Affine.apply(op, a, r));
                }
                case BLOCK, IF -> {
                    BlockType bt = ((Instruction.Block) in).type();
                    if (bt instanceof BlockType.TypeIndex) {
                        return null;
                    }
                    if (op == Opcode.IF) {
                        pop(stack, 1);
                    }
                    frames.add(new Frame(stack.size(), bt instanceof BlockType.Value ? 1 : 0, locals.clone()));
                }
                case ELSE -> {
                    Frame f = frames.get(frames.size() - 1);
                    truncate(stack, f.height);
                    f.thenWritten.or(f.written);
                    System.arraycopy(f.atEntry, 0, locals, 0, locals.length);
                }
                case END -> {
                    Frame f = frames.remove(frames.size() - 1);
                    f.written.or(f.thenWritten);
                    f.written.stream().forEach(l -> locals[l] = null);
                    truncate(stack, f.height);
                    for (int k = 0; k < f.results; k++) {
                        stack.add(null);
                    }
                }
                case BR_IF -> pop(stack, 1);
                case DROP -> pop(stack, 1);
                case SELECT, SELECT_TYPED -> {
                    pop(stack, 3);
                    stack.add(null);
                }
                case GLOBAL_GET, MEMORY_SIZE -> stack.add(null);
                case GLOBAL_SET -> pop(stack, 1);
                case NOP -> {
                }
                default -> {
                    if (!op.hasFixedSignature()) {
                        return null;
                    }
                    int params = op.params().size();
                    if (in instanceof Instruction.Memory m) {
                        int width = accessWidth(op);
                        if (stack.size() < params + 1) {
                            return null;
                        }
                        Affine address = stack.get(stack.size() - 1 - params);
                        MemArg arg = m.memArg();
                        if (width > 0 && address != null && inline32.test(arg.memory()) && arg.offset() >= 0
                                && arg.offset() <= 0xFFFF_FFFFL) {
                            String key = arg.memory() + ":" + address.key();
                            forms.putIfAbsent(key, address);
                            long lo = address.constant + arg.offset();
                            long hi = lo + width;
                            groups.merge(key, new long[] {arg.memory(), lo, hi},
                                    (p, q) -> new long[] {p[0], Math.min(p[1], q[1]), Math.max(p[2], q[2])});
                            covered.set(i);
                        }
                        params++;
                    } else if (in instanceof Instruction.MemoryLane) {
                        params++;
                    }
                    if (stack.size() < params) {
                        return null;
                    }
                    pop(stack, params);
                    for (int k = 0; k < op.results().size(); k++) {
                        stack.add(null);
                    }
                }
            }
        }
        if (covered.isEmpty() || groups.size() > MAX_STRETCH_RANGES) {
            return null;
        }
        List<Range> ranges = new ArrayList<>();
        for (var e : groups.entrySet()) {
            Affine f = forms.get(e.getKey());
            long[] g = e.getValue();
            ranges.add(new Range((int) g[0], f.locals(), f.coefs(), f.perIteration, f.perStride, g[1] - f.constant,
                    g[2] - f.constant));
        }
        return new Stretch(end, x, stride, strideLocal, limitLocal, limitValue, test, List.copyOf(ranges), covered);
    }

    /** Bytes of a plain load or store that {@link MemoryCodegen} inlines (v128 included); 0 for other instructions. */
    private static int accessWidth(Opcode op) {
        return switch (op) {
            case I32_LOAD8_S, I32_LOAD8_U, I64_LOAD8_S, I64_LOAD8_U, I32_STORE8, I64_STORE8 -> 1;
            case I32_LOAD16_S, I32_LOAD16_U, I64_LOAD16_S, I64_LOAD16_U, I32_STORE16, I64_STORE16 -> 2;
            case I32_LOAD, F32_LOAD, I64_LOAD32_S, I64_LOAD32_U, I32_STORE, F32_STORE, I64_STORE32 -> 4;
            case I64_LOAD, F64_LOAD, I64_STORE, F64_STORE -> 8;
            case V128_LOAD, V128_STORE -> 16;
            default -> 0;
        };
    }

    /**
     * {@code d} when the write at {@code at} is {@code local.get l  i32.const d  i32.add} (either order), or
     * {@code -d} for {@code local.get l  i32.const d  i32.sub}; else null.
     */
    private static Long selfStep(List<Instruction> body, int start, int at, int l) {
        if (at - 3 <= start) {
            return null;
        }
        Opcode op = body.get(at - 1).opcode();
        if (op == Opcode.I32_ADD) {
            if (isGet(body.get(at - 3), l) && body.get(at - 2) instanceof Instruction.I32Const c) {
                return (long) c.value();
            }
            if (isGet(body.get(at - 2), l) && body.get(at - 3) instanceof Instruction.I32Const c) {
                return (long) c.value();
            }
        } else if (op == Opcode.I32_SUB && isGet(body.get(at - 3), l)
                && body.get(at - 2) instanceof Instruction.I32Const c) {
            return -(long) c.value();
        }
        return null;
    }

    private static void pop(List<Affine> stack, int n) {
        for (int k = 0; k < n && !stack.isEmpty(); k++) {
            stack.remove(stack.size() - 1);
        }
    }

    private static void truncate(List<Affine> stack, int height) {
        while (stack.size() > height) {
            stack.remove(stack.size() - 1);
        }
    }

    /** A block or if open inside a stretch's loop, for the symbolic walk. */
    private static final class Frame {
        final int height;
        final int results;
        final Affine[] atEntry;
        final BitSet written = new BitSet();
        final BitSet thenWritten = new BitSet();

        Frame(int height, int results, Affine[] atEntry) {
            this.height = height;
            this.results = results;
            this.atEntry = atEntry;
        }
    }

    /**
     * An i32 value as {@code constant + sum(terms[l] * entry(l)) + (perIteration + perStride * s) * k} (exact
     * integers, which the i32 value equals modulo 2^32; {@code s} the stride local's value), or null (unknown)
     * wherever a value is not of that form.
     */
    private record Affine(long constant, TreeMap<Integer, Long> terms, long perIteration, long perStride) {
        static Affine constant(long c) {
            return new Affine(c, new TreeMap<>(), 0, 0);
        }

        static Affine entry(int local, long step) {
            TreeMap<Integer, Long> t = new TreeMap<>();
            t.put(local, 1L);
            return new Affine(0, t, step, 0);
        }

        Affine withStride(long perStride) {
            return new Affine(constant, terms, perIteration, perStride);
        }

        boolean isConstant() {
            return terms.isEmpty() && perIteration == 0 && perStride == 0;
        }

        static Affine apply(Opcode op, Affine a, Affine b) {
            if (a == null || b == null) {
                return null;
            }
            return switch (op) {
                case I32_ADD -> a.plus(b, 1);
                case I32_SUB -> a.plus(b, -1);
                case I32_MUL -> b.isConstant() ? a.times(b.constant) : a.isConstant() ? b.times(a.constant) : null;
                default -> b.isConstant() && (b.constant & 31) < 20 ? a.times(1L << (b.constant & 31)) : null;
            };
        }

        Affine plus(Affine o, long sign) {
            TreeMap<Integer, Long> t = new TreeMap<>(terms);
            o.terms.forEach((l, c) -> t.merge(l, sign * c, Long::sum));
            t.values().removeIf(c -> c == 0);
            return bounded(new Affine(constant + sign * o.constant, t, perIteration + sign * o.perIteration,
                    perStride + sign * o.perStride));
        }

        Affine times(long f) {
            // i32.mul by a constant: the constant as the signed int it is (congruent modulo 2^32)
            long factor = (int) f;
            TreeMap<Integer, Long> t = new TreeMap<>();
            terms.forEach((l, c) -> t.put(l, c * factor));
            t.values().removeIf(c -> c == 0);
            return factor == 0 ? constant(0)
                    : bounded(new Affine(constant * factor, t, perIteration * factor, perStride * factor));
        }

        private static Affine bounded(Affine a) {
            if (Math.abs(a.constant) > (1L << 40) || Math.abs(a.perIteration) > MAX_COEF
                    || Math.abs(a.perStride) > MAX_COEF || a.terms.size() > 8) {
                return null;
            }
            for (long c : a.terms.values()) {
                if (Math.abs(c) > MAX_COEF) {
                    return null;
                }
            }
            return a;
        }

        /** What identifies a group of accesses: everything but the constant. */
        String key() {
            return terms + "/" + perIteration + "/" + perStride;
        }

        int[] locals() {
            return terms.keySet().stream().mapToInt(Integer::intValue).toArray();
        }

        long[] coefs() {
            return terms.values().stream().mapToLong(Long::longValue).toArray();
        }
    }


    /** Loops nested in another loop, as {@code {start, end}} instruction indices (their {@code loop} and {@code end}). */
    private static List<int[]> nestedLoops(List<Instruction> body) {
        List<int[]> loops = new ArrayList<>();
        // Open blocks of the pass: for each, whether it is a loop and where it starts.
        List<int[]> open = new ArrayList<>();
        int loopDepth = 0;
        for (int i = 0; i < body.size(); i++) {
            Instruction in = body.get(i);
            switch (in.opcode()) {
                case BLOCK, IF, TRY, TRY_TABLE -> open.add(new int[] {0, i});
                case LOOP -> {
                    open.add(new int[] {1, i, loopDepth});
                    loopDepth++;
                }
                case END, DELEGATE -> {
                    if (open.isEmpty()) {
                        break; // the function's own end, when the list carries it
                    }
                    int[] f = open.remove(open.size() - 1);
                    if (f[0] == 1) {
                        loopDepth--;
                        if (f[2] > 0 && in.opcode() == Opcode.END) {
                            loops.add(new int[] {f[1], i});
                        }
                    }
                }
                default -> {
                }
            }
        }
        return loops;
    }

    /** Loop instruction index to its stepped form, for every loop the class comment's stepped rule applies to. */
    static Map<Integer, Stepped> findStepped(List<Instruction> body) {
        Map<Integer, Stepped> out = new HashMap<>();
        for (int[] loop : nestedLoops(body)) {
            Stepped s = stepped(body, loop[0], loop[1]);
            if (s != null) {
                out.put(loop[0], s);
            }
        }
        return out;
    }

    private static Stepped stepped(List<Instruction> body, int start, int end) {
        if (!(body.get(start) instanceof Instruction.Block loop) || !(loop.type() instanceof BlockType.Empty)) {
            return null; // with an empty type the tail below starts and ends at the loop's stack height
        }
        int brIf = end - 1;
        int cmp = brIf - 1;
        int tee = brIf - 3;
        if (tee - 3 <= start || !(body.get(brIf) instanceof Instruction.Branch b) || b.opcode() != Opcode.BR_IF
                || b.label() != 0) {
            return null;
        }
        Opcode test = body.get(cmp).opcode();
        if (test != Opcode.I32_LT_U && test != Opcode.I32_LT_S) {
            return null;
        }
        if (body.get(tee).opcode() != Opcode.LOCAL_TEE || body.get(tee - 1).opcode() != Opcode.I32_ADD) {
            return null;
        }
        int x = ((Instruction.Index) body.get(tee)).index();
        Instruction strideIn;
        if (isGet(body.get(tee - 3), x)) {
            strideIn = body.get(tee - 2);
        } else if (isGet(body.get(tee - 2), x)) {
            strideIn = body.get(tee - 3);
        } else {
            return null;
        }
        int strideLocal;
        if (strideIn.opcode() == Opcode.LOCAL_GET) {
            strideLocal = ((Instruction.Index) strideIn).index();
        } else {
            return null;
        }
        int limitLocal = -1;
        int limitValue = 0;
        Instruction limitIn = body.get(brIf - 2);
        if (limitIn instanceof Instruction.I32Const c) {
            limitValue = c.value();
        } else if (limitIn.opcode() == Opcode.LOCAL_GET) {
            limitLocal = ((Instruction.Index) limitIn).index();
        } else {
            return null;
        }
        if (strideLocal == x || limitLocal == x || !singleExitOnlyWriteAndBackEdge(body, start, brIf, tee, x)) {
            return null;
        }
        for (int i = start + 1; i < brIf; i++) {
            Instruction in = body.get(i);
            if ((strideLocal >= 0 && writes(in, strideLocal)) || (limitLocal >= 0 && writes(in, limitLocal))) {
                return null;
            }
        }
        return new Stepped(x, strideLocal, limitLocal, limitValue, test == Opcode.I32_LT_U, cmp, brIf);
    }

    /** Instruction index (the {@code i32.ne} or the {@code br_if}) to how it is compiled; empty when none applies. */
    static Map<Integer, Exit> find(List<Instruction> body) {
        Map<Integer, Exit> out = new HashMap<>();
        for (int[] loop : nestedLoops(body)) {
            rewrite(body, loop[0], loop[1], out);
        }
        return out;
    }

    /** Adds the rewrite of the loop from {@code start} (its {@code loop}) to {@code end} (its {@code end}), if exact. */
    private static void rewrite(List<Instruction> body, int start, int end, Map<Integer, Exit> out) {
        if (!(body.get(start) instanceof Instruction.Block loop) || hasParams(loop.type())) {
            return;
        }
        int brIf = end - 1;
        if (brIf <= start || !(body.get(brIf) instanceof Instruction.Branch b) || b.opcode() != Opcode.BR_IF
                || b.label() != 0) {
            return;
        }
        int tee;
        long limit;
        boolean explicit = body.get(brIf - 1).opcode() == Opcode.I32_NE;
        if (explicit) {
            if (brIf - 3 <= start || !(body.get(brIf - 2) instanceof Instruction.I32Const c)) {
                return;
            }
            limit = c.value();
            tee = brIf - 3;
        } else {
            limit = 0;
            tee = brIf - 1;
        }
        if (tee - 3 <= start || body.get(tee).opcode() != Opcode.LOCAL_TEE || body.get(tee - 1).opcode() != Opcode.I32_ADD) {
            return;
        }
        int x = ((Instruction.Index) body.get(tee)).index();
        long stride;
        if (body.get(tee - 2) instanceof Instruction.I32Const s && isGet(body.get(tee - 3), x)) {
            stride = s.value();
        } else if (body.get(tee - 3) instanceof Instruction.I32Const s && isGet(body.get(tee - 2), x)) {
            stride = s.value();
        } else {
            return;
        }
        Long init = initialValue(body, start, x);
        // Stride +-1: C2 already counts a != loop (it turns the test into < or > itself); such loops keep their code.
        if (init == null || stride == 0 || stride == 1 || stride == -1
                || !singleExitOnlyWriteAndBackEdge(body, start, brIf, tee, x)) {
            return;
        }
        long distance = limit - init;
        if (distance % stride != 0 || distance / stride <= 0) {
            return; // the values would step over the limit, or start at or past it
        }
        boolean up = stride > 0;
        out.put(explicit ? brIf - 1 : brIf, explicit ? (up ? Exit.NE_AS_LT : Exit.NE_AS_GT)
                : (up ? Exit.BR_IF_NEGATIVE : Exit.BR_IF_POSITIVE));
    }

    private static boolean hasParams(BlockType type) {
        return type instanceof BlockType.TypeIndex; // a type index may declare parameters: not worth resolving
    }

    private static boolean isGet(Instruction in, int x) {
        return in.opcode() == Opcode.LOCAL_GET && ((Instruction.Index) in).index() == x;
    }

    private static boolean writes(Instruction in, int x) {
        return (in.opcode() == Opcode.LOCAL_SET || in.opcode() == Opcode.LOCAL_TEE)
                && ((Instruction.Index) in).index() == x;
    }

    /**
     * The constant {@code x} holds when the loop at {@code start} is entered: the value of the nearest
     * {@code i32.const c  local.set|tee x} before it, when only straight-line code that leaves {@code x} alone lies
     * in between; null otherwise.
     */
    private static Long initialValue(List<Instruction> body, int start, int x) {
        for (int i = start - 1; i >= 1; i--) {
            Instruction in = body.get(i);
            if (writes(in, x)) {
                return body.get(i - 1) instanceof Instruction.I32Const c ? (long) c.value() : null;
            }
            if (isControl(in.opcode())) {
                return null;
            }
        }
        return null;
    }

    private static boolean isControl(Opcode op) {
        return switch (op) {
            case BLOCK, LOOP, IF, ELSE, END, TRY, TRY_TABLE, CATCH, CATCH_ALL, DELEGATE, BR, BR_IF, BR_TABLE,
                 BR_ON_NULL, BR_ON_NON_NULL, BR_ON_CAST, BR_ON_CAST_FAIL, RETURN, RETURN_CALL, RETURN_CALL_INDIRECT,
                 RETURN_CALL_REF, UNREACHABLE, THROW, THROW_REF, RETHROW -> true;
            default -> false;
        };
    }

    /**
     * Whether, inside the loop, the {@code local.tee} at {@code tee} is the only write of {@code x}, the
     * {@code br_if} at {@code brIf} the only branch to the loop's label, the loop's only exit is falling through that
     * test (no branch to an enclosing label, no {@code return}), and no exception handling or other branching
     * instruction (whose label could be the loop's) occurs.
     */
    private static boolean singleExitOnlyWriteAndBackEdge(List<Instruction> body, int start, int brIf, int tee,
            int x) {
        int depth = 0; // blocks opened inside the loop: a branch to label == depth targets the loop
        for (int i = start + 1; i < brIf; i++) {
            Instruction in = body.get(i);
            if (i != tee && writes(in, x)) {
                return false;
            }
            switch (in.opcode()) {
                case BLOCK, LOOP, IF -> depth++;
                case END -> depth--;
                case BR, BR_IF -> {
                    // depth: the loop itself (another back edge); above: an exit out of the loop
                    if (((Instruction.Branch) in).label() >= depth) {
                        return false;
                    }
                }
                case BR_TABLE -> {
                    Instruction.BranchTable t = (Instruction.BranchTable) in;
                    if (t.defaultLabel() >= depth) {
                        return false;
                    }
                    for (int label : t.labels()) {
                        if (label >= depth) {
                            return false;
                        }
                    }
                }
                case TRY, TRY_TABLE, CATCH, CATCH_ALL, DELEGATE, BR_ON_NULL, BR_ON_NON_NULL, BR_ON_CAST,
                     BR_ON_CAST_FAIL, RETURN, RETURN_CALL, RETURN_CALL_INDIRECT, RETURN_CALL_REF, THROW, THROW_REF,
                     RETHROW -> {
                    return false;
                }
                default -> {
                }
            }
        }
        return true;
    }
}
