package dev.basalt.compiler;

import dev.basalt.wasm.Instruction;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;

/**
 * Whether a Wasm local may still be read after some point of a function body: {@link LoopOutliner} hands back to
 * its caller only the locals a loop wrote that are live where the loop exits to. Conservative (anything it cannot
 * follow counts as live) and bounded: it walks the structured control flow forward from the point, following
 * branches that leave the region it is in to their targets (a loop's header, a block's end), and stops a path at a
 * write of the local that every path through the region so far must pass (straight-line code, no conditional arm or
 * forward branch in between), at a {@code return}, and at the end of the function.
 */
final class LocalLiveness {
    /** Instructions visited per question before giving up (the local then counts as live). */
    static final int MAX_STEPS = 4000;

    private final List<Instruction> body;
    /** Per instruction: the index of the innermost block/loop/if around it (-1: the function's body). */
    private final int[] parent;
    /** Per block/loop/if/try index: the index of its end. */
    private final int[] endAt;

    LocalLiveness(List<Instruction> body) {
        this.body = body;
        int n = body.size();
        parent = new int[n];
        endAt = new int[n];
        int[] open = new int[16];
        int depth = 0;
        for (int i = 0; i < n; i++) {
            parent[i] = depth == 0 ? -1 : open[depth - 1];
            switch (body.get(i).opcode()) {
                case BLOCK, LOOP, IF, TRY, TRY_TABLE -> {
                    if (depth == open.length) {
                        open = java.util.Arrays.copyOf(open, depth * 2);
                    }
                    open[depth++] = i;
                }
                case END, DELEGATE -> {
                    if (depth > 0) {
                        int b = open[--depth];
                        endAt[b] = i;
                        parent[i] = b; // an end belongs to its own block (a branch there targets that block)
                    }
                }
                default -> {
                }
            }
        }
    }

    /** Where control continues after a branch to the label of block {@code block} (-1: the function, a return). */
    int continuation(int block) {
        if (block < 0) {
            return -1;
        }
        return body.get(block).opcode() == dev.basalt.wasm.Opcode.LOOP ? block + 1 : endAt[block] + 1;
    }

    /**
     * Where control may continue after leaving the loop at instruction {@code start} (its end at {@code end}): after
     * its end, and after each branch from inside it to a label outside it (returns excluded: nothing is read after).
     */
    int[] loopExits(int start, int end) {
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        out.add(end + 1);
        int depth = 0; // blocks opened inside the loop around pc
        for (int pc = start + 1; pc < end; pc++) {
            Instruction in = body.get(pc);
            switch (in.opcode()) {
                case BLOCK, LOOP, IF, TRY, TRY_TABLE -> depth++;
                case END, DELEGATE -> depth--;
                case BR, BR_IF, BR_ON_NULL, BR_ON_NON_NULL -> leaving(out, pc, depth, ((Instruction.Branch) in).label());
                case BR_ON_CAST, BR_ON_CAST_FAIL -> leaving(out, pc, depth, ((Instruction.BrOnCast) in).label());
                case BR_TABLE -> {
                    Instruction.BranchTable bt = (Instruction.BranchTable) in;
                    for (int label : bt.labels()) {
                        leaving(out, pc, depth, label);
                    }
                    leaving(out, pc, depth, bt.defaultLabel());
                }
                default -> {
                }
            }
        }
        out.remove(-1);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Adds where a branch to {@code label} at {@code pc} continues, if it leaves the loop ({@code depth} blocks in). */
    private void leaving(java.util.Set<Integer> out, int pc, int depth, int label) {
        if (label > depth) {
            out.add(continuation(target(pc, label)));
        }
    }

    /** The block (instruction index, -1 for the function) that label {@code depth} of instruction {@code pc} names. */
    private int target(int pc, int depth) {
        int b = parent[pc];
        for (int k = 0; k < depth && b >= 0; k++) {
            b = parent[b];
        }
        return b;
    }

    /** Whether {@code local} may be read when execution continues at instruction {@code from} (-1: never, returned). */
    boolean liveAt(int local, int from) {
        ArrayDeque<Integer> work = new ArrayDeque<>();
        BitSet seen = new BitSet();
        work.add(from);
        int steps = 0;
        while (!work.isEmpty()) {
            int start = work.poll();
            if (start < 0 || seen.get(start)) {
                continue; // a return, or a path already followed
            }
            seen.set(start);
            int depth = 0; // blocks opened since start
            boolean guaranteed = true; // every path from start to here passed each instruction scanned
            scan:
            for (int pc = start; pc < body.size(); pc++) {
                if (++steps > MAX_STEPS) {
                    return true;
                }
                Instruction in = body.get(pc);
                switch (in.opcode()) {
                    case LOCAL_GET -> {
                        if (((Instruction.Index) in).index() == local) {
                            return true;
                        }
                    }
                    case LOCAL_SET, LOCAL_TEE -> {
                        if (((Instruction.Index) in).index() == local && guaranteed) {
                            break scan; // written before any read on every path through here
                        }
                    }
                    case BLOCK, LOOP -> depth++;
                    case IF -> {
                        depth++;
                        guaranteed = false;
                    }
                    case ELSE -> {
                        if (depth == 0) {
                            work.add(continuation(parent[pc])); // the end of a then-arm: after the if
                            break scan;
                        }
                        guaranteed = false;
                    }
                    case END -> {
                        if (depth > 0) {
                            depth--;
                        }
                        // else: falls out of an enclosing block or loop, on to the next instruction
                    }
                    case RETURN, UNREACHABLE, THROW, THROW_REF, RETHROW, RETURN_CALL, RETURN_CALL_INDIRECT,
                         RETURN_CALL_REF -> {
                        if (depth == 0) {
                            break scan;
                        }
                        guaranteed = false;
                    }
                    case BR, BR_IF, BR_ON_NULL, BR_ON_NON_NULL -> {
                        int label = ((Instruction.Branch) in).label();
                        if (label >= depth) {
                            work.add(continuation(target(pc, label)));
                            if (in.opcode() == dev.basalt.wasm.Opcode.BR && depth == 0) {
                                break scan;
                            }
                        } else {
                            guaranteed = false;
                        }
                    }
                    case BR_ON_CAST, BR_ON_CAST_FAIL -> {
                        int label = ((Instruction.BrOnCast) in).label();
                        if (label >= depth) {
                            work.add(continuation(target(pc, label)));
                        } else {
                            guaranteed = false;
                        }
                    }
                    case BR_TABLE -> {
                        Instruction.BranchTable bt = (Instruction.BranchTable) in;
                        for (int k = 0; k <= bt.labels().size(); k++) {
                            int label = k < bt.labels().size() ? bt.labels().get(k) : bt.defaultLabel();
                            if (label >= depth) {
                                work.add(continuation(target(pc, label)));
                            } else {
                                guaranteed = false;
                            }
                        }
                        if (depth == 0) {
                            break scan;
                        }
                        guaranteed = false;
                    }
                    case TRY, TRY_TABLE, CATCH, CATCH_ALL, DELEGATE -> {
                        return true; // not followed (the outliner never sees them): assume live
                    }
                    default -> {
                    }
                }
            }
        }
        return false;
    }
}
