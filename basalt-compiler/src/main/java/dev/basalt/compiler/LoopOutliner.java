package dev.basalt.compiler;

import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.Instruction;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Outlines loops into static methods of their own ({@code f<index>$loop<n>}), so that HotSpot compiles them as
 * methods. A loop inside a method that runs once (a workload's {@code run}, a program's {@code main}) is otherwise
 * only ever compiled on stack replacement: it runs in the JVM's interpreter until the back-edge counter fires, then
 * in an OSR compile that often deoptimises when the loop exits (its exit was never taken while profiling) and the
 * next loop starts in the interpreter again. An outlined loop is entered once per run of the loop, its invocation
 * counter brings normal C1 and C2 compiles after a few hundred entries, and a caller that becomes hot inlines it
 * when it is small. Only loops inside another loop are outlined: a loop at a function's top level is entered once
 * per call, so as a method of its own it would be entered no more often than the function (a run-once loop would
 * still be compiled on stack replacement only, now in a method of its own, and lose the rest of the function that
 * an OSR compile of the whole function covers), with one exception below.
 *
 * <p><b>Chunks.</b> A top-level loop of a function entered only from outside the module
 * ({@link ModuleCompiler#enteredFromOutsideOnly}: a workload's {@code run}, a program's entry) that keeps a nested
 * loop in place (one too large to outline, such as nbody's whole time step) is outlined too, and its method runs
 * the loop in chunks: it takes a back-edge budget, every loop header in it counts the budget down, and when it is
 * spent the loop's own header leaves the method with a continue code (before charging the iteration's fuel) and the
 * written locals live at the header; the caller calls the method again. Small chunks ({@link #WARM_BUDGET}) make
 * the method's invocation counter, not only its back-edge counter, bring C1 and C2 compiles after a few thousand
 * back-edges instead of the ~100,000 an OSR compile needs; after {@link #WARM_CHUNKS} calls the budget grows to
 * {@link #STEADY_BUDGET}, so the steady state pays a call per 65,536 back-edges. Only large loops without calls
 * are chunked ({@link #MIN_CHUNK_ESTIMATE}): loops whose nested loops are all outlined, small ones and loops that
 * call gained nothing or lost (their hot code already compiles by invocation, and each chunked loop is one more
 * method to compile), and so did flat loops that follow one another in a function (hash): in place they share
 * the function's counters, so each later loop is compiled on stack replacement at once.
 *
 * <p><b>Nested chunks.</b> When such a function's top-level loop is itself too large for a method of its own (a
 * program's main loop with everything inlined into it: deflate's {@code run}, three rounds of compress and
 * decompress), the outermost nested loops that fit, are not outlined and are at least
 * {@link #MIN_NESTED_CHUNK_ESTIMATE} are chunked instead, calls or not: their enclosing loops are too large to be
 * anything but on-stack-replacement compiles of the whole function, which were discarded after uncommon traps
 * each time one of these long-running loops exited. Only loops with no enclosing loop that fits: a loop inside a
 * loop of a method of its own is entered once per iteration of that loop, and handing its locals back on every
 * exit is what keeps such loops in place (nbody's inner loop ran its steady state 3x slower chunked).
 *
 * <p><b>Handover.</b> A chunk ends only at its loop's header, so a chunked loop whose iterations are long (simd's
 * blur: four passes over an image, each a loop of 512 rows with a loop of its own) is called a few times in all and
 * runs interpreted until an on-stack-replacement compile. A nested loop in a chunked loop's method that has loops of
 * its own in place and a constant trip count of at least {@link #HANDOVER_MIN_TRIPS} ({@link #staticTrips}) stays
 * in place but gets a chunked method of its own too: when the chunk has spent its budget, its header calls that
 * method to run the rest of the loop ({@link #handover}), which is called every few back-edges and so compiles by
 * invocation. The chunk's own method then runs a few back-edges per pass and its nested loop's method the rest, in
 * the steady state too (the chunk's method is called a few times per run, so it stays on its warm-up budget).
 *
 * <p><b>Method.</b> Parameters: the loop's parameters (multi-value loops), then every Wasm local the loop reads or
 * writes (as JVM locals of their own type in the outlined method, exactly as in an unsplit function: a v128 local
 * as its two longs), then the
 * instance. Nested loops are outlined from the outlined method in turn. The method returns an int exit code, as
 * {@link MethodSplitter}'s pieces do: 0 when the loop fell through its {@code end} (its results follow), otherwise
 * {@code 1 + p} for a branch to the label at position {@code p} of the function's control stack (0 is the function:
 * {@code return}); a chunked loop's method also takes its budget (before the instance) and returns {@code 1 + p}
 * for the loop's own label {@code p} (the continue code: a branch back to the loop, taken by the caller). On every
 * exit the
 * locals the loop writes, then the exit's values, are written to the store's value
 * stack above {@code top} (the runtime's scratch area for calls with several results); the caller reloads the locals
 * from there, then branches to the label itself or, when that label lies outside its own method too, exits the same
 * way.
 *
 * <p><b>Semantics.</b> The outlined method records no Wasm frame and charges no entry fuel: its loop header
 * charges fuel and polls interruption as it would in place, so fuel, traps and backtraces (the method's name
 * marks it as part of its function) are those of the function. Functions with exception handlers or tail calls
 * (whose handlers and self-call target belong to the function's method) and functions split by
 * {@link MethodSplitter} (locals in a frame array) are left alone.
 *
 * <p><b>Size.</b> A loop is outlined when an estimate of its method (nested outlined loops counted as their call)
 * fits well under HotSpot's {@code HugeMethodLimit}; should a generated loop method still come out larger, the
 * module compiler regenerates the class with that loop left in place ({@link LoopTooLargeException}), so no loop
 * ever lands in a method HotSpot would refuse to compile.
 */
final class LoopOutliner implements Opcodes {
    /** Estimated bytecode bytes above which a loop stays in place (HugeMethodLimit is 8000). */
    static final int MAX_ESTIMATE = 6000;
    /** Loop nesting (within the function) below which loops are not outlined: bounds analysis work and JVM frames. */
    static final int MAX_NESTING = 8;
    /**
     * Estimated size up to which a loop method is expected to be inlined by C2 into a hot caller (its
     * {@code FreqInlineSize} is 325 bytes of bytecode). Larger loops are outlined only when they hand back no local:
     * handing back goes through the store's value stack, and a loop method that is not inlined then costs a call
     * and that round trip per entry (nbody's inner loop, three accumulators live after it, ran its steady state
     * 1.5x slower outlined). A loop that writes only locals it re-initialises costs a call at most.
     *
     * <p>In a function that calls itself, small loops that hand back locals stay in place too: such a function is
     * entered once per recursion, so its invocation counter brings normal compiles of its whole body, loops
     * included, and outlining would only add the hand-back on every exit (quicksort's two scanning loops hand back
     * three locals each, entered twice per partition step).
     */
    static final int INLINE_ESTIMATE = 320;
    /**
     * Back-edges a chunked loop's method runs per call while warming up. HotSpot's tiered policy compiles a method
     * with C1 once it has 100+ invocations and invocations + back-edges reach 2,000, and with C2 at 600+ and
     * 15,000 (it looks every 128 interpreted invocations and 1,024 back-edges): with 16 back-edges per call that is
     * about 2,000 and 16,000 back-edges, against 60,000 and 40,000 more for an on-stack-replacement compile.
     */
    static final int WARM_BUDGET = 16;
    /**
     * Estimated bytes from which a top-level loop that keeps a nested loop in place is chunked (see the class
     * comment). Measured on basalt-bench (cold first call, fresh JVMs): chunking nbody's time step (estimate 5,156,
     * 2,729 bytes generated, no calls) nearly halved its first call; chunking sieve's (1,016), mandel's (944) or
     * dispatch's loop (with calls) made theirs slower, as each chunked loop is one more method for C1 and C2 while
     * their hot code, outlined nested loops or callees, compiles by invocation anyway or interprets quickly.
     */
    static final int MIN_CHUNK_ESTIMATE = 2000;
    /**
     * Estimated bytes from which a nested loop that stays in place under loops too large for a method of their own
     * is chunked (see the class comment). Below it a loop is a handful of instructions, which the interpreter runs
     * quickly, and each chunked loop is one more method for C1 and C2.
     */
    static final int MIN_NESTED_CHUNK_ESTIMATE = 300;
    /** Calls of a chunked loop's method (per class) made with {@link #WARM_BUDGET}, well past its C2 compile. */
    static final int WARM_CHUNKS = 8192;
    /** Back-edges per call after warm-up: the call and the hand-back are then noise. */
    static final int STEADY_BUDGET = 1 << 16;
    /**
     * Iterations a nested loop must be seen to run per entry ({@link #staticTrips}) to hand over. Handing over
     * takes code at the loop's header in the chunk's method, which costs even when it never runs: with every
     * nested loop with loops of its own handing over, nbody's steady state (its pair loop, five iterations) went
     * from 24.6 to 29.1 ms and deflate's from 68.5 to 76.7 (same-JVM A/B, thread CPU); simd's blur rows (512 and
     * 510 iterations) are what needs it.
     */
    static final int HANDOVER_MIN_TRIPS = 64;
    /** JVM parameter slots an outlined loop may take (the JVM allows 255 including the instance). */
    static final int MAX_PARAM_SLOTS = 200;

    private static final String PIECE_SUFFIX = "$loop";
    private static final String SUPPORT = "dev/basalt/compiler/Support";

    /** Thrown when a generated loop method came out over {@link MethodSplitter#HUGE_METHOD_LIMIT}. */
    static final class LoopTooLargeException extends RuntimeException {
        final int funcIndex;
        final int loopIndex;

        LoopTooLargeException(int funcIndex, int loopIndex) {
            super("loop at instruction " + loopIndex + " of function " + funcIndex + " too large to outline", null,
                    false, false);
            this.funcIndex = funcIndex;
            this.loopIndex = loopIndex;
        }
    }

    /** What the analysis found about one loop that can be outlined. */
    private record Loop(int end, int[] used, int[] written, boolean mayGrowMemory, boolean chunked) {
    }

    /** A loop's generated method: what its callers need to call it and act on its exits. */
    private record Outlined(String name, String descriptor, int[] used, int[] written, char[] params,
                            char[] results, BitSet exits, Map<Integer, int[]> handedBack, boolean mayGrowMemory,
                            int continueCode, String chunkCounter) {
        boolean chunked() {
            return continueCode > 0;
        }
    }

    private final FunctionCompiler fc;
    private final Map<Integer, Loop> loops;
    /** Loops that stay in place but hand over to a chunked method of their own once a chunk has spent its budget (by index). */
    private final Map<Integer, Loop> handovers;
    private final LocalLiveness liveness;
    /** Per loop index: its method once generated (a caller translated twice reuses it). */
    private final Map<Integer, Outlined> generated = new HashMap<>();
    private int count;

    // State of the loop method being generated (null/-1 outside one).
    private Outlined current;
    private int currentLoop = -1;
    private SizeCounter counter;
    /** In a chunked loop's method: the JVM local of its back-edge budget (-1 otherwise). */
    private int budgetSlot = -1;

    private LoopOutliner(FunctionCompiler fc, Map<Integer, Loop> loops, Map<Integer, Loop> handovers,
                         LocalLiveness liveness) {
        this.fc = fc;
        this.loops = loops;
        this.handovers = handovers;
        this.liveness = liveness;
    }

    /** The outliner for {@code fc}'s function, or null when it has no loop to outline (see the class comment). */
    static LoopOutliner forFunction(FunctionCompiler fc) {
        if (fc.split != null) {
            return null;
        }
        List<Instruction> body = fc.function.body().instructions();
        for (Instruction in : body) {
            switch (in.opcode()) {
                case TRY, TRY_TABLE, CATCH, CATCH_ALL, DELEGATE, THROW, THROW_REF, RETHROW, RETURN_CALL,
                     RETURN_CALL_INDIRECT, RETURN_CALL_REF -> {
                    return null;
                }
                default -> {
                }
            }
        }
        LocalLiveness liveness = new LocalLiveness(body);
        Map<Integer, Loop> handovers = new HashMap<>();
        Map<Integer, Loop> loops = analyze(fc, body, liveness, handovers);
        return loops.isEmpty() ? null : new LoopOutliner(fc, loops, handovers, liveness);
    }

    /**
     * One pass over the body: per loop (up to {@link #MAX_NESTING} deep) the locals it uses and writes and an
     * estimate of its method's size, nested loops that are outlined counting as their call.
     */
    private static Map<Integer, Loop> analyze(FunctionCompiler fc, List<Instruction> body, LocalLiveness liveness,
                                              Map<Integer, Loop> handovers) {
        Map<Integer, Loop> out = new HashMap<>();
        boolean recursive = callsItself(fc.funcIndex, body);
        boolean fromOutside = fc.mc.enteredFromOutsideOnly(fc.funcIndex);
        // Open blocks: for loops that are tracked, their frame; null for other blocks and untracked loops.
        List<Frame> open = new ArrayList<>();
        List<Frame> tracked = new ArrayList<>();
        List<Frame> all = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            Instruction in = body.get(i);
            Frame top = tracked.isEmpty() ? null : tracked.get(tracked.size() - 1);
            if (top != null) {
                top.estimate += estimate(in);
                switch (in.opcode()) {
                    case CALL, CALL_INDIRECT, CALL_REF -> top.mayGrowMemory = top.calls = true;
                    case MEMORY_GROW -> top.mayGrowMemory = true;
                    default -> {
                    }
                }
                if (in instanceof Instruction.Index x) {
                    switch (in.opcode()) {
                        case LOCAL_GET -> top.used.set(x.index());
                        case LOCAL_SET, LOCAL_TEE -> {
                            top.used.set(x.index());
                            top.written.set(x.index());
                        }
                        default -> {
                        }
                    }
                }
            }
            switch (in.opcode()) {
                case BLOCK, IF, TRY, TRY_TABLE -> open.add(null);
                case LOOP -> {
                    Frame f = tracked.size() < MAX_NESTING ? new Frame(i, top) : null;
                    open.add(f);
                    if (f != null) {
                        tracked.add(f);
                        all.add(f);
                    }
                }
                case END, DELEGATE -> {
                    if (open.isEmpty()) {
                        break; // the function's end
                    }
                    Frame f = open.remove(open.size() - 1);
                    if (f == null) {
                        break;
                    }
                    tracked.remove(tracked.size() - 1);
                    Frame parent = tracked.isEmpty() ? null : tracked.get(tracked.size() - 1);
                    boolean fits = f.estimate <= MAX_ESTIMATE && paramSlots(fc, f) <= MAX_PARAM_SLOTS
                            && !fc.mc.loopRejected(fc.funcIndex, f.start);
                    boolean outline = fits && f.nested
                            && (f.estimate <= INLINE_ESTIMATE && !recursive || handsBackAtMost(liveness, f, i, 0));
                    boolean chunk = fits && !f.nested && !hasParams(fc, body.get(f.start))
                            && f.keepsLoop && !f.calls && f.estimate >= MIN_CHUNK_ESTIMATE && fromOutside;
                    // In place, but able to hand over to a method of its own (see atLoopHeader).
                    boolean handover = fits && f.nested && !outline && f.keepsLoop && fromOutside
                            && !hasParams(fc, body.get(f.start)) && staticTrips(body, f.start, i) >= HANDOVER_MIN_TRIPS;
                    f.end = i;
                    f.fits = fits;
                    f.inPlace = !outline && !chunk;
                    if (outline || chunk) {
                        out.put(f.start, new Loop(i, f.used.stream().toArray(), f.written.stream().toArray(),
                                f.mayGrowMemory, chunk));
                    }
                    if (handover) {
                        handovers.put(f.start, new Loop(i, f.used.stream().toArray(), f.written.stream().toArray(),
                                f.mayGrowMemory, true));
                    }
                    int call = 24 + 6 * (f.used.cardinality() + 2 * f.written.cardinality());
                    if (parent != null) {
                        parent.keepsLoop |= !outline;
                        parent.calls |= f.calls;
                        parent.estimate += outline ? call : handover ? f.estimate + call : f.estimate;
                        parent.used.or(f.used);
                        parent.written.or(f.written);
                        parent.mayGrowMemory |= f.mayGrowMemory;
                    }
                }
                default -> {
                }
            }
        }
        // Nested loops that stay in place under loops too large for a method of their own (see the class comment).
        if (fc.mc.enteredFromOutsideOnly(fc.funcIndex)) {
            for (Frame f : all) {
                if (f.nested && f.inPlace && f.fits && f.end > 0 && f.estimate >= MIN_NESTED_CHUNK_ESTIMATE
                        && !hasParams(fc, body.get(f.start)) && noAncestorFits(f)) {
                    out.put(f.start, new Loop(f.end, f.used.stream().toArray(), f.written.stream().toArray(),
                            f.mayGrowMemory, true));
                }
            }
        }
        handovers.keySet().removeAll(out.keySet());
        return out;
    }

    /**
     * How many iterations the loop from {@code start} to its {@code end} at {@code end} runs per entry, when its
     * shape says so, else -1. The shape (what C compilers emit for a {@code for} loop with constant bounds): a
     * variable {@code x} set from a constant {@code K} last before the loop, stepped once in it by
     * {@code local.get x, i32.const S, i32.add, local.set/tee x} with {@code S > 0}, and the loop ending with
     * {@code (local.tee x | local.get x), i32.const L, (i32.ne | i32.lt_s | i32.lt_u), br_if 0}: then
     * {@code ceil((L - K) / S)} when {@code L > K}. A heuristic for where handing over pays (see
     * {@link #HANDOVER_MIN_TRIPS}), never for what code does: any other shape is -1.
     */
    static long staticTrips(List<Instruction> body, int start, int end) {
        if (end - start < 5 || !(body.get(end - 1) instanceof Instruction.Branch br)
                || br.opcode() != dev.basalt.wasm.Opcode.BR_IF || br.label() != 0
                || !(body.get(end - 3) instanceof Instruction.I32Const limit)
                || !(body.get(end - 4) instanceof Instruction.Index test)
                || test.opcode() != dev.basalt.wasm.Opcode.LOCAL_TEE && test.opcode() != dev.basalt.wasm.Opcode.LOCAL_GET) {
            return -1;
        }
        switch (body.get(end - 2).opcode()) {
            case I32_NE, I32_LT_S, I32_LT_U -> {
            }
            default -> {
                return -1;
            }
        }
        int x = test.index();
        // The one write of x in the loop, and its step.
        long stride = 0;
        for (int k = start + 1; k < end; k++) {
            if (body.get(k) instanceof Instruction.Index w && w.index() == x
                    && (w.opcode() == dev.basalt.wasm.Opcode.LOCAL_SET || w.opcode() == dev.basalt.wasm.Opcode.LOCAL_TEE)) {
                if (stride != 0 || k < start + 4 || body.get(k - 1).opcode() != dev.basalt.wasm.Opcode.I32_ADD
                        || !(body.get(k - 2) instanceof Instruction.I32Const step)
                        || !(body.get(k - 3) instanceof Instruction.Index from)
                        || from.opcode() != dev.basalt.wasm.Opcode.LOCAL_GET || from.index() != x
                        || step.value() <= 0) {
                    return -1;
                }
                stride = step.value();
            }
        }
        if (stride == 0) {
            return -1;
        }
        // The last write of x before the loop: a constant.
        for (int k = start - 1; k > 0; k--) {
            if (body.get(k) instanceof Instruction.Index w && w.index() == x
                    && (w.opcode() == dev.basalt.wasm.Opcode.LOCAL_SET || w.opcode() == dev.basalt.wasm.Opcode.LOCAL_TEE)) {
                if (!(body.get(k - 1) instanceof Instruction.I32Const initial)) {
                    return -1;
                }
                long span = (long) limit.value() - initial.value();
                return span <= 0 ? -1 : (span + stride - 1) / stride;
            }
            if (body.get(k).opcode() == dev.basalt.wasm.Opcode.LOOP || body.get(k).opcode() == dev.basalt.wasm.Opcode.END) {
                return -1; // x is set in another loop or block: not a constant this loop starts from
            }
        }
        return -1;
    }

    /** Whether every loop around {@code f} is too large for a method of its own (so none is outlined or chunked). */
    private static boolean noAncestorFits(Frame f) {
        for (Frame a = f.parent; a != null; a = a.parent) {
            if (a.fits) {
                return false;
            }
        }
        return true;
    }

    /** Whether the body has a direct {@code call} of its own function. */
    private static boolean callsItself(int funcIndex, List<Instruction> body) {
        for (Instruction in : body) {
            if (in.opcode() == dev.basalt.wasm.Opcode.CALL && ((Instruction.Index) in).index() == funcIndex) {
                return true;
            }
        }
        return false;
    }

    private static final class Frame {
        final int start;
        /** The innermost tracked loop around this one (null at the function's top level). */
        final Frame parent;
        /** Inside another loop of the function: entered once per iteration of that loop. */
        final boolean nested;
        /** The index of the loop's {@code end} (0 until it is reached). */
        int end;
        /** Whether the loop's method would fit (see {@link #MAX_ESTIMATE}), with its nested loops as decided. */
        boolean fits;
        /** Neither outlined nor chunked by the bottom-up decisions. */
        boolean inPlace;
        final BitSet used = new BitSet();
        final BitSet written = new BitSet();
        long estimate;
        /** Calls (any callee may grow a memory) or memory.grow inside. */
        boolean mayGrowMemory;
        /** A loop nested in this one stays in place (in this loop's method, not outlined). */
        boolean keepsLoop;
        /** Calls inside (outlined nested loops aside). */
        boolean calls;

        Frame(int start, Frame parent) {
            this.start = start;
            this.parent = parent;
            this.nested = parent != null;
        }
    }

    /** Whether the loop at {@code in} takes parameters (multi-value): such loops are never chunked. */
    private static boolean hasParams(FunctionCompiler fc, Instruction in) {
        return ((Instruction.Block) in).type() instanceof BlockType.TypeIndex ti
                && !fc.mc.funcType(ti.typeIndex()).params().isEmpty();
    }

    /** Whether at most {@code max} of the locals the loop writes are live where it may exit to. */
    private static boolean handsBackAtMost(LocalLiveness liveness, Frame f, int end, int max) {
        int[] exits = liveness.loopExits(f.start, end);
        int live = 0;
        for (int l = f.written.nextSetBit(0); l >= 0; l = f.written.nextSetBit(l + 1)) {
            for (int at : exits) {
                if (liveness.liveAt(l, at)) {
                    if (++live > max) {
                        return false;
                    }
                    break;
                }
            }
        }
        return true;
    }

    private static int paramSlots(FunctionCompiler fc, Frame f) {
        int slots = 1 + 2 * 16; // the instance, and room for the loop's own parameters
        for (int l = f.used.nextSetBit(0); l >= 0; l = f.used.nextSetBit(l + 1)) {
            if (l >= fc.localTypes.length) {
                return Integer.MAX_VALUE; // invalid index: validation rejects it; let the ordinary path report it
            }
            slots += FunctionCompiler.localSize(fc.localTypes[l]);
        }
        return slots;
    }

    /** Rough bytecode bytes of one instruction in a loop method. */
    private static int estimate(Instruction in) {
        return switch (in) {
            case Instruction.BranchTable bt -> 16 + 12 * (bt.labels().size() + 1);
            case Instruction.Memory m -> 64; // inline access (MemoryCodegen): bounds check, index, access
            default -> switch (in.opcode()) {
                case LOCAL_GET, LOCAL_SET, LOCAL_TEE, NOP, DROP, I32_ADD, I32_SUB, I32_AND, I32_OR, I32_XOR,
                     I32_MUL, I32_SHL, I32_SHR_S, I32_SHR_U, BLOCK, LOOP, END, ELSE -> 4;
                case CALL, CALL_REF -> 64; // the call, then the inline memory accesses' locals read again
                case CALL_INDIRECT -> 80;
                default -> 10;
            };
        };
    }

    // ------------------------------------------------------------------ translation

    /** Whether code is being generated into a loop method (branches to outer labels then exit through it). */
    boolean generating() {
        return current != null;
    }

    /**
     * Called before each instruction: the index to continue at when the instruction is a loop that was outlined
     * here (its call and exit dispatch emitted), or -1 to translate it as usual.
     */
    int beforeStep(int index) {
        Loop loop = loops.get(index);
        if (loop == null || index == currentLoop) {
            return -1;
        }
        FunctionCompiler.Ctl top = fc.top();
        if (top.unreachable || fc.skipDepth > 0) {
            return -1;
        }
        Outlined o = generated.get(index);
        if (o == null) {
            o = generate(index, loop);
        }
        emitCall(o);
        return loop.end + 1;
    }

    /** Generates the method of the loop at {@code index}, saving and restoring the translator's state around it. */
    private Outlined generate(int index, Loop loop) {
        Instruction.Block block = (Instruction.Block) fc.function.body().instructions().get(index);
        char[][] sig = blockSignature(block.type());
        char[] params = sig[0];
        char[] results = sig[1];
        StringBuilder desc = new StringBuilder("(");
        for (char c : params) {
            desc.append(ModuleCompiler.descriptor(c));
        }
        for (int l : loop.used) {
            desc.append(FunctionCompiler.localDescriptor(fc.localTypes[l]));
        }
        if (loop.chunked) {
            desc.append('I');
        }
        desc.append("L").append(ModuleCompiler.INST).append(";I)I"); // the instance, the room (same activation)
        String name = ModuleCompiler.methodName(fc.funcIndex) + PIECE_SUFFIX + (++count);
        String chunkCounter = null;
        if (loop.chunked) {
            chunkCounter = name + "$chunks";
            org.objectweb.asm.FieldVisitor fv = fc.cw.visitField(ACC_PRIVATE | ACC_STATIC, chunkCounter, "I", null,
                    null);
            if (fv != null) {
                fv.visitEnd();
            }
        }
        Outlined o = new Outlined(name, desc.toString(), loop.used, loop.written, params, results, new BitSet(),
                new HashMap<>(), loop.mayGrowMemory, loop.chunked ? 1 + fc.ctls.size() : 0, chunkCounter);

        MethodVisitor callerMv = fc.mv;
        char[] callerStack = fc.stack;
        int callerSp = fc.sp;
        List<FunctionCompiler.Ctl> callerCtls = new ArrayList<>(fc.ctls);
        int callerSkip = fc.skipDepth;
        int callerNext = fc.nextSlot;
        int callerInst = fc.instSlot;
        int callerRoom = fc.roomSlot;
        int callerStore = fc.storeSlot;
        int[][] callerMemoryLocals = fc.memoryCode.slots();
        boolean callerCompact = fc.memoryCode.compact;
        int[] callerLocalSlots = fc.localSlots;
        Outlined callerCurrent = current;
        int callerLoop = currentLoop;
        SizeCounter callerCounter = counter;
        int callerBudget = budgetSlot;

        int base = callerCtls.size() - 1;
        fc.openRemoteFrames(callerCtls);
        counter = new SizeCounter(fc.cw.visitMethod(ACC_PRIVATE | ACC_STATIC, o.name, o.descriptor, null, null));
        fc.mv = counter;
        fc.stack = new char[16];
        fc.sp = 0;
        fc.skipDepth = 0;
        int slot = 0;
        int[] paramSlots = new int[params.length];
        for (int k = 0; k < params.length; k++) {
            paramSlots[k] = slot;
            slot += FunctionCompiler.size(params[k]);
        }
        fc.localSlots = new int[callerLocalSlots.length];
        java.util.Arrays.fill(fc.localSlots, -1);
        for (int l : loop.used) {
            fc.localSlots[l] = slot;
            slot += FunctionCompiler.localSize(fc.localTypes[l]);
        }
        budgetSlot = o.chunked() ? slot++ : -1;
        fc.instSlot = slot++;
        fc.roomSlot = slot++;
        fc.storeSlot = slot++;
        fc.nextSlot = fc.memoryCode.reserveSlots(slot);
        // Loop methods are small and hot: inline accesses, which C1 inlines too (see MemorySupport).
        fc.memoryCode.compact = false;
        current = o;
        currentLoop = index;

        MethodVisitor mv = fc.mv;
        mv.visitCode();
        fc.loadMethodContext();
        for (int k = 0; k < params.length; k++) {
            mv.visitVarInsn(FunctionCompiler.opLoad(params[k]), paramSlots[k]);
            fc.push(params[k]);
        }
        // The loop up to its end, then whether its end is reachable, then the end itself (pushes its results).
        fc.run(index, loop.end);
        boolean fallsThrough = !fc.top().unreachable;
        fc.run(loop.end, loop.end + 1);
        if (fallsThrough) {
            exit(0, results);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        int size = counter.size();

        fc.mv = callerMv;
        fc.stack = callerStack;
        fc.sp = callerSp;
        fc.ctls.clear();
        fc.ctls.addAll(callerCtls);
        fc.skipDepth = callerSkip;
        fc.nextSlot = callerNext;
        fc.instSlot = callerInst;
        fc.roomSlot = callerRoom;
        fc.storeSlot = callerStore;
        fc.memoryCode.restoreSlots(callerMemoryLocals);
        fc.memoryCode.compact = callerCompact;
        fc.localSlots = callerLocalSlots;
        current = callerCurrent;
        currentLoop = callerLoop;
        counter = callerCounter;
        budgetSlot = callerBudget;

        if (size > MethodSplitter.HUGE_METHOD_LIMIT && !(fc.cw instanceof SizeCounter.Measure)) {
            throw new LoopTooLargeException(fc.funcIndex, index);
        }
        generated.put(index, o);
        return o;
    }

    /**
     * Called by the translator at the header of every loop it translates in place, before the loop's fuel charge.
     * In a chunked loop's method, each header counts down the back-edge budget, and the chunked loop's own header
     * leaves the method with the continue code once the budget is spent (before charging fuel: the caller enters
     * the method again, which charges it then).
     */
    void atLoopHeader(int index) {
        if (budgetSlot < 0) {
            return;
        }
        MethodVisitor mv = fc.mv;
        mv.visitIincInsn(budgetSlot, -1);
        if (index == currentLoop) {
            Label go = new Label();
            mv.visitVarInsn(ILOAD, budgetSlot);
            mv.visitJumpInsn(IFGT, go);
            exit(current.continueCode, new char[0]);
            mv.visitLabel(go);
        } else if (handovers.containsKey(index)) {
            handover(index, handovers.get(index));
        }
    }

    /**
     * At the header of a loop nested in a chunked loop's method that has loops of its own in place: once the chunk
     * has spent its budget, the rest of this loop runs in a chunked method
     * of its own, called from here with the locals as they are at this header (as if the loop started here), and
     * the chunk goes on after the loop, or wherever the loop branched to. A chunk can only end at its own loop's
     * header, so without this a chunked loop whose iterations are long (simd's blur: four iterations, each a pass
     * over the image) is called a few times in all and its code runs interpreted until an on-stack-replacement
     * compile; the nested loop's own method is called once per few back-edges (its own chunks), so its invocation
     * counter brings C1 and C2 compiles. Fuel is charged by that method's header for the iteration the handover
     * starts (this header charges it after this test, in place), so fuel, traps and backtraces stay the function's.
     * The budget stays spent, so the loops after this one in the same chunk hand over too, until the chunk ends.
     */
    private void handover(int index, Loop loop) {
        MethodVisitor mv = fc.mv;
        Label stay = new Label();
        // As soon as the budget is spent. Session 9's version waited for 1,024 back-edges past it: those ran in the
        // chunk's method, interpreted or in C1 code for dozens of calls (it is called a few times per run), which
        // made simd's calls 16-30 of a fresh JVM 15.0 -> 19.8 ms; handing over at once leaves 16 per pass there.
        mv.visitVarInsn(ILOAD, budgetSlot);
        mv.visitJumpInsn(IFGT, stay);
        // The loop's own frame is open (this is its header): its method and call see the frames around it only, as
        // an outlined loop's call at its instruction does.
        FunctionCompiler.Ctl self = fc.ctls.remove(fc.ctls.size() - 1);
        FunctionCompiler.Ctl around = fc.top();
        boolean aroundUnreachable = around.unreachable;
        int sp = fc.sp;
        Outlined o = generated.get(index);
        if (o == null) {
            o = generate(index, loop);
        }
        emitCall(o);
        if (o.exits.get(0)) {
            mv.visitJumpInsn(GOTO, self.end); // fell through the loop's end: its results are on the stack
        }
        around.unreachable = aroundUnreachable;
        fc.sp = sp;
        fc.ctls.add(self);
        mv.visitLabel(stay);
    }

    /** The parameter and result types of a block type. */
    private char[][] blockSignature(BlockType bt) {
        return switch (bt) {
            case BlockType.Empty e -> new char[][] {new char[0], new char[0]};
            case BlockType.Value v -> new char[][] {new char[0], new char[] {fc.checkType(v.type())}};
            case BlockType.TypeIndex ti -> {
                CompositeType.Func ft = fc.mc.funcType(ti.typeIndex());
                yield new char[][] {fc.types(ft.params()), fc.types(ft.results())};
            }
        };
    }

    /**
     * A branch (or return) from the loop method being generated to the label at {@code position}, outside it: its
     * values are on the JVM stack.
     */
    void exitTo(int position) {
        FunctionCompiler.Ctl target = fc.ctls.get(position);
        exit(1 + position, position == 0 ? target.results : fc.arity(target));
    }

    /**
     * The locals the loop wrote that may be read where exit {@code code} continues: what it hands back. Exits to
     * the same code always continue at the same place.
     */
    private int[] handedBack(int code) {
        return current.handedBack.computeIfAbsent(code, c -> {
            int from = c == 0 ? loops.getOrDefault(currentLoop, handovers.get(currentLoop)).end + 1
                    : liveness.continuation(fc.ctls.get(c - 1).openAt);
            return java.util.Arrays.stream(current.written).filter(l -> liveness.liveAt(l, from)).toArray();
        });
    }

    /**
     * Leaves the loop method with exit {@code code}: the written locals live there, then {@code values} (on the JVM
     * stack), go above the store's top.
     */
    private void exit(int code, char[] values) {
        MethodVisitor mv = fc.mv;
        int mark = fc.nextSlot;
        int[] temps = new int[values.length];
        for (int i = values.length - 1; i >= 0; i--) {
            temps[i] = fc.newTemp(values[i]);
            mv.visitVarInsn(FunctionCompiler.opStore(values[i]), temps[i]);
        }
        int[] back = handedBack(code);
        if (back.length + values.length > 0) {
            int base = fc.newTemp('I');
            mv.visitVarInsn(ALOAD, fc.storeSlot);
            FunctionCompiler.pushInt(mv, back.length + values.length);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "reserve", "(L" + ModuleCompiler.STORE + ";I)I", false);
            mv.visitVarInsn(ISTORE, base);
            for (int k = 0; k < back.length; k++) {
                int l = back[k];
                ValueStack.storeLocal(mv, fc.storeSlot, base, k, fc.localTypes[l], fc.localSlots[l]);
            }
            for (int i = 0; i < values.length; i++) {
                ValueStack.store(mv, fc.storeSlot, base, back.length + i, values[i], temps[i]);
            }
        }
        FunctionCompiler.pushInt(mv, code);
        mv.visitInsn(IRETURN);
        current.exits.set(code);
        fc.nextSlot = mark;
    }

    /** In the caller, on an exit's path: reloads what the loop handed back for {@code code}, pushes {@code values}. */
    private void takeBack(Outlined o, int code, char[] values) {
        MethodVisitor mv = fc.mv;
        int[] back = o.handedBack.get(code);
        if (back.length + values.length == 0) {
            return;
        }
        int mark = fc.nextSlot;
        int base = fc.newTemp('I');
        mv.visitVarInsn(ALOAD, fc.storeSlot);
        mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "top", "I");
        mv.visitVarInsn(ISTORE, base);
        for (int k = 0; k < back.length; k++) {
            int l = back[k];
            ValueStack.load(mv, fc.storeSlot, base, k, fc.localTypes[l]);
            FunctionCompiler.storeLocal(mv, fc.localTypes[l], fc.localSlots[l]);
        }
        for (int i = 0; i < values.length; i++) {
            ValueStack.load(mv, fc.storeSlot, base, back.length + i, values[i]);
            fc.push(values[i]);
        }
        fc.nextSlot = mark;
    }

    /**
     * In the caller: the loop's parameters are on the JVM stack; calls the loop method, reloads the locals it wrote
     * and acts on its exit code, leaving the loop's results on the stack when it falls through.
     */
    private void emitCall(Outlined o) {
        MethodVisitor mv = fc.mv;
        fc.sp -= o.params.length;
        int sp = fc.sp;
        Label reentry = new Label();
        mv.visitLabel(reentry);
        for (int l : o.used) {
            FunctionCompiler.loadLocalParts(mv, fc.localTypes[l], fc.localSlots[l]);
        }
        if (o.chunked()) {
            pushChunkBudget(o);
        }
        mv.visitVarInsn(ALOAD, fc.instSlot);
        mv.visitVarInsn(ILOAD, fc.roomSlot);
        mv.visitMethodInsn(INVOKESTATIC, fc.mc.className, o.name, o.descriptor, false);
        if (o.mayGrowMemory) {
            fc.memoryCode.reload(); // the loop called something or grew a memory: the inline accesses' locals
        }
        BitSet codes = o.exits;
        boolean falls = codes.get(0);
        TreeSet<Integer> branches = new TreeSet<>();
        for (int c = codes.nextSetBit(1); c >= 0; c = codes.nextSetBit(c + 1)) {
            branches.add(c);
        }
        int mark = fc.nextSlot;
        Label fall = new Label();
        if (branches.isEmpty()) {
            mv.visitInsn(POP);
            if (!falls) {
                // The loop never returns normally (it traps or runs until fuel or an interrupt stops it).
                mv.visitInsn(ACONST_NULL);
                mv.visitInsn(ATHROW);
            }
        } else {
            if (falls) {
                mv.visitInsn(DUP);
                mv.visitJumpInsn(IFEQ, fall);
            }
            int min = branches.first();
            Label[] cases = new Label[branches.last() - min + 1];
            List<Integer> order = new ArrayList<>(branches);
            Label[] stubs = new Label[order.size()];
            for (int k = 0; k < stubs.length; k++) {
                stubs[k] = new Label();
            }
            java.util.Arrays.fill(cases, stubs[0]);
            for (int k = 0; k < stubs.length; k++) {
                cases[order.get(k) - min] = stubs[k];
            }
            if (stubs.length == 1) {
                mv.visitInsn(POP);
                mv.visitJumpInsn(GOTO, stubs[0]);
            } else {
                if (min != 0) {
                    FunctionCompiler.pushInt(mv, min);
                    mv.visitInsn(ISUB);
                }
                mv.visitTableSwitchInsn(0, cases.length - 1, stubs[0], cases);
            }
            for (int k = 0; k < stubs.length; k++) {
                int position = order.get(k) - 1;
                mv.visitLabel(stubs[k]);
                fc.sp = sp;
                if (order.get(k) == o.continueCode) {
                    takeBack(o, o.continueCode, new char[0]);
                    mv.visitJumpInsn(GOTO, reentry);
                    continue;
                }
                FunctionCompiler.Ctl target = fc.ctls.get(position);
                takeBack(o, order.get(k), position == 0 ? target.results : fc.arity(target));
                fc.branch(fc.ctls.size() - 1 - position);
            }
        }
        fc.sp = sp;
        if (falls) {
            if (!branches.isEmpty()) {
                mv.visitLabel(fall);
                mv.visitInsn(POP);
            }
            takeBack(o, 0, o.results);
        } else {
            fc.markUnreachable();
        }
        fc.nextSlot = mark;
    }

    /**
     * The budget of a chunked loop's next call: {@link #WARM_BUDGET} back-edges for the loop's first
     * {@link #WARM_CHUNKS} calls (counted per class in a static field; a racy count only shifts when the budget
     * grows), then {@link #STEADY_BUDGET}.
     */
    private void pushChunkBudget(Outlined o) {
        MethodVisitor mv = fc.mv;
        Label steady = new Label();
        Label done = new Label();
        mv.visitFieldInsn(GETSTATIC, fc.mc.className, o.chunkCounter, "I");
        mv.visitInsn(DUP);
        FunctionCompiler.pushInt(mv, WARM_CHUNKS);
        mv.visitJumpInsn(IF_ICMPGE, steady);
        mv.visitInsn(ICONST_1);
        mv.visitInsn(IADD);
        mv.visitFieldInsn(PUTSTATIC, fc.mc.className, o.chunkCounter, "I");
        FunctionCompiler.pushInt(mv, WARM_BUDGET);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(steady);
        mv.visitInsn(POP);
        FunctionCompiler.pushInt(mv, STEADY_BUDGET);
        mv.visitLabel(done);
    }

    /** The name of loop methods, for tests: {@code f<index>$loop<n>}. */
    static boolean isLoopMethod(String name) {
        return ModuleCompiler.functionOfMethod(name) >= 0 && name.contains(PIECE_SUFFIX);
    }

}
