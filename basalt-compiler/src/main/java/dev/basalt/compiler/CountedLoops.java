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

    private CountedLoops() {
    }

    /** Instruction index (the {@code i32.ne} or the {@code br_if}) to how it is compiled; empty when none applies. */
    static Map<Integer, Exit> find(List<Instruction> body) {
        Map<Integer, Exit> out = new HashMap<>();
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
                            rewrite(body, f[1], i, out);
                        }
                    }
                }
                default -> {
                }
            }
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
