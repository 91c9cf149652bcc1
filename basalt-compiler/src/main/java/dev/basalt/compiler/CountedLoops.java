package dev.basalt.compiler;

import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Opcode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
