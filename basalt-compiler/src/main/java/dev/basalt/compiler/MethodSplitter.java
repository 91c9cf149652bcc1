package dev.basalt.compiler;

import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.Instruction;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Splits a function whose bytecode would exceed HotSpot's {@value #HUGE_METHOD_LIMIT}-byte {@code HugeMethodLimit}
 * (such methods are never JIT-compiled; past 64 KB the JVM refuses them) into several static methods: the
 * function's own method {@code f<index>} and pieces {@code f<index>$<n>}.
 *
 * <p><b>Frame.</b> The Wasm locals of a split function live in two arrays that every piece receives: numbers in a
 * {@code long[]} (floats as raw bits, as on the store's value stack), references and v128 values in an
 * {@code Object[]}. Past the locals each array has a value area through which branch values, block results and
 * function results cross from a piece to its caller.
 *
 * <p><b>Pieces.</b> Translation runs as usual while {@link SizeCounter} measures the method being generated. When
 * it has grown past the budget (or holds too many labels), the next point where the innermost block's operand
 * stack is empty becomes a cut: the rest of that block (up to its {@code else}/{@code end}) is translated into a
 * new piece, recursively, and the caller invokes it. A piece that fills up at the level of the block it started in
 * simply returns there ("fell through at instruction j") and its caller continues, usually with the next piece.
 * Values below the cut stay on the caller's JVM stack, untouched by the call.
 *
 * <p><b>Exits.</b> A piece returns an int: 0 when it reached its end (the block's results, if any, in the value
 * area), otherwise {@code 1 + p} where {@code p} is the position, in the function's control stack, of the label it
 * branches to (position 0 is the function: {@code return}). Positions are the same in every piece, so a caller
 * either branches to the label itself (it is one of its own blocks, values loaded from the value area) or returns
 * the same code to its own caller. Unsplit functions are not touched by any of this.
 *
 * <p><b>Semantics.</b> Pieces do not enter a Wasm frame or charge fuel of their own: the function's method records
 * the frame and charges the entry fuel, loop headers charge fuel and poll interruption wherever they are, so fuel,
 * interruption, traps and backtraces are those of the unsplit function. Functions with exception handlers
 * ({@code try_table}, legacy {@code try}) or tail calls are not split yet: their handlers and the self tail call's
 * jump target live in one method.
 */
final class MethodSplitter implements Opcodes {
    /** HotSpot's default {@code -XX:HugeMethodLimit}: larger methods stay interpreted. */
    static final int HUGE_METHOD_LIMIT = 8000;
    /**
     * Functions whose own method (loops outlined) would exceed this many bytes with inline memory accesses take the
     * compact form ({@link MemoryCodegen#compact}), measured by a second dry run. Large methods with inline accesses
     * exhausted C1's virtual registers (deflate's 6.5 KB main function was refused by C1 and ran interpreted until
     * C2 compiled it; its 3 KB decoder was not) and left C2 little of its 8,000-byte inlining budget
     * ({@code DesiredMethodLimit}, which counts the method's own bytes), and a function that only the inline form
     * pushes over {@link #HUGE_METHOD_LIMIT} would be split into frame-array pieces (CRuby: 194 functions).
     */
    static final int COMPACT_ABOVE = 3000;
    /** Bytes of code after which a method looks for its next cut; pieces end up a little larger. */
    static final int DEFAULT_BUDGET = 3000;
    /** The smallest budget a retry after {@code MethodTooLargeException} goes down to. */
    static final int MIN_BUDGET = 200;
    /** More labels than this in one method: cut even below the budget (bounds the dispatch after a call). */
    static final int MAX_LOCAL_LABELS = 256;
    /** A block's remaining instructions below this are not worth a method of their own. */
    static final int MIN_PIECE = 8;
    /** Tables with more labels than this branch through a constant table instead of a tableswitch over labels. */
    static final int BIG_BR_TABLE = 64;

    /** {@link FunctionCompiler#run}: stop, the method being generated ends before this instruction. */
    static final int END_METHOD = -2;
    /** {@link FunctionCompiler#run}: translate the instruction as usual. */
    static final int CONTINUE = -1;

    private static final String SUPPORT = "dev/basalt/compiler/Support";
    private static final String OBJECT = "java/lang/Object";
    private static final String PIECE_DESCRIPTOR = "([J[Ljava/lang/Object;L" + ModuleCompiler.INST + ";I)I";
    private static final Handle INT_TABLE = new Handle(H_INVOKESTATIC, SUPPORT, "intTable",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;[Ljava/lang/String;)[I",
            false);

    private final FunctionCompiler fc;
    private final int budget;
    private final List<Instruction> body;
    /** Per instruction index of a block/loop/if/try: the index of its else (or -1) and of its end. */
    private final int[] elseAt;
    private final int[] endAt;
    /** Per Wasm local: its index in the number or the object array. */
    private final int[] frameIndex;
    private final int numberLocals;
    private final int objectLocals;
    private final int valueArea;

    // State of the method being generated.
    private SizeCounter counter;
    private int numsSlot;
    private int objsSlot;
    /** Position of the piece's base label (the block it was cut from); -1 in the function's own method. */
    private int baseIndex = -1;
    /** Exit codes the piece being generated returns. */
    private BitSet exits;
    private int pieces;

    private MethodSplitter(FunctionCompiler fc, int budget) {
        this.fc = fc;
        this.budget = budget;
        this.body = fc.function.body().instructions();
        int n = body.size();
        elseAt = new int[n];
        endAt = new int[n];
        matchBlocks();
        frameIndex = new int[fc.localTypes.length];
        int nums = 0;
        int objs = 0;
        for (int l = 0; l < frameIndex.length; l++) {
            frameIndex[l] = isNumber(fc.localTypes[l]) ? nums++ : objs++;
        }
        numberLocals = nums;
        objectLocals = objs;
        valueArea = maxValues();
    }

    /**
     * The splitter for the function {@code fc} is translating, or null when it fits one method: the module
     * compiler forced a budget for it (a retry), or a dry run of the ordinary translation measured it over
     * {@link #HUGE_METHOD_LIMIT}. The dry run only happens for bodies that might be that large.
     */
    static MethodSplitter forFunction(FunctionCompiler fc) {
        if (fc.cw instanceof SizeCounter.Measure) {
            return null; // this is the dry run
        }
        int forced = fc.mc.splitBudget(fc.funcIndex);
        for (Instruction in : fc.function.body().instructions()) {
            String name = in.opcode().name();
            if (name.equals("TRY") || name.equals("TRY_TABLE") || name.startsWith("RETURN_CALL")) {
                // Handlers are emitted per method at its end and keep state in the function's JVM locals, and self
                // tail calls jump back to the entry of the function's method: pieces would need their own. Such
                // functions stay one method (fine below 64 KB).
                if (forced > 0) {
                    throw new dev.basalt.spi.UnsupportedCodeException(JvmCompiler.NAME, fc.funcIndex,
                            "(function body with exception handlers or tail calls over the JVM's 64 KB method "
                                    + "limit)");
                }
                return null;
            }
        }
        if (forced > 0) {
            fc.memoryCode.compact = true;
            return new MethodSplitter(fc, forced);
        }
        if (roughUpperBound(fc.function.body().instructions()) <= Math.min(COMPACT_ABOVE, HUGE_METHOD_LIMIT)) {
            return null;
        }
        int size = measure(fc, false);
        if (size > COMPACT_ABOVE) {
            fc.memoryCode.compact = true;
            size = measure(fc, true);
        }
        if (size <= HUGE_METHOD_LIMIT) {
            return null;
        }
        return new MethodSplitter(fc, DEFAULT_BUDGET);
    }

    /** Bytes of the function's own method (loops outlined) in a dry run of its translation. */
    private static int measure(FunctionCompiler fc, boolean compact) {
        SizeCounter.Measure measure = new SizeCounter.Measure();
        FunctionCompiler dry = new FunctionCompiler(fc.mc, measure, fc.funcIndex, fc.function);
        dry.compactMemory = compact;
        dry.compile();
        return measure.counter.size();
    }

    /** Generous bytes per instruction: bodies below this bound cannot reach the limit and skip the dry run. */
    private static int roughUpperBound(List<Instruction> body) {
        long bytes = 0;
        for (Instruction in : body) {
            bytes += switch (in) {
                case Instruction.BranchTable bt -> 16 + 12L * (bt.labels().size() + 1);
                // inline loads and stores (MemoryCodegen): bounds check, index, access
                case Instruction.Memory m -> 64;
                default -> switch (in.opcode().name()) {
                    // the call, then the inline memory accesses' locals read again (MemoryCodegen)
                    case "CALL", "CALL_INDIRECT", "CALL_REF", "RETURN_CALL", "RETURN_CALL_INDIRECT",
                         "RETURN_CALL_REF" -> 96 + 16;
                    default -> 24;
                };
            };
            if (bytes > Integer.MAX_VALUE) {
                return Integer.MAX_VALUE;
            }
        }
        return (int) bytes;
    }

    private void matchBlocks() {
        int[] open = new int[16];
        int depth = 0;
        for (int i = 0; i < body.size(); i++) {
            switch (body.get(i).opcode().name()) {
                case "BLOCK", "LOOP", "IF", "TRY", "TRY_TABLE" -> {
                    if (depth == open.length) {
                        open = java.util.Arrays.copyOf(open, depth * 2);
                    }
                    open[depth++] = i;
                    elseAt[i] = -1;
                }
                case "ELSE" -> {
                    if (depth > 0) {
                        elseAt[open[depth - 1]] = i;
                    }
                }
                case "END", "DELEGATE" -> {
                    if (depth > 0) {
                        endAt[open[--depth]] = i;
                    }
                }
                default -> {
                }
            }
        }
    }

    /** The most values any label, block or the function passes: the size of the value area. */
    private int maxValues() {
        int max = fc.type.results().size();
        for (Instruction in : body) {
            if (in instanceof Instruction.Block b) {
                switch (b.type()) {
                    case BlockType.Empty e -> {
                    }
                    case BlockType.Value v -> max = Math.max(max, 1);
                    case BlockType.TypeIndex ti -> {
                        CompositeType.Func ft = fc.mc.funcType(ti.typeIndex());
                        max = Math.max(max, Math.max(ft.params().size(), ft.results().size()));
                    }
                }
            }
        }
        return max;
    }

    static boolean isNumber(char c) {
        return c == 'I' || c == 'J' || c == 'F' || c == 'D';
    }

    // ------------------------------------------------------------------ the function's own method

    /** Wraps the function's method to measure it and lays out its JVM locals (parameters, instance, room, frame). */
    MethodVisitor begin(MethodVisitor mv) {
        counter = new SizeCounter(mv);
        fc.storeSlot = fc.roomSlot + 1;
        int next = fc.storeSlot + 1;
        next = fc.memoryCode.reserveSlots(next);
        numsSlot = next++;
        objsSlot = next++;
        fc.nextSlot = next;
        return counter;
    }

    /** Allocates the frame and copies the parameters into it (declared locals start as zero / null). */
    void initFrame() {
        MethodVisitor mv = fc.mv;
        FunctionCompiler.pushInt(mv, numberLocals + valueArea);
        mv.visitIntInsn(NEWARRAY, T_LONG);
        mv.visitVarInsn(ASTORE, numsSlot);
        FunctionCompiler.pushInt(mv, objectLocals + valueArea);
        mv.visitTypeInsn(ANEWARRAY, OBJECT);
        mv.visitVarInsn(ASTORE, objsSlot);
        int slot = 0;
        int params = fc.type.params().size();
        for (int l = 0; l < fc.localTypes.length; l++) {
            char c = fc.localTypes[l];
            if (l < params) {
                mv.visitVarInsn(FunctionCompiler.opLoad(c), slot);
                slot += FunctionCompiler.size(c);
            } else if (isNumber(c) || c == 'L') {
                continue; // the arrays start as zero bits and null (= ref.null)
            } else {
                fc.pushDefault(c);
            }
            storeFrame(c, frameIndex[l]);
        }
    }

    // ------------------------------------------------------------------ locals and the value area

    void loadLocal(int local) {
        loadFrame(fc.localTypes[local], frameIndex[local]);
    }

    /** Stores the value on top of the JVM stack into a local. */
    void storeLocal(int local) {
        storeFrame(fc.localTypes[local], frameIndex[local]);
    }

    private void loadFrame(char c, int index) {
        MethodVisitor mv = fc.mv;
        if (isNumber(c)) {
            mv.visitVarInsn(ALOAD, numsSlot);
            FunctionCompiler.pushInt(mv, index);
            mv.visitInsn(LALOAD);
            FunctionCompiler.fromSlot(mv, c);
        } else {
            mv.visitVarInsn(ALOAD, objsSlot);
            FunctionCompiler.pushInt(mv, index);
            mv.visitInsn(AALOAD);
            String d = ModuleCompiler.descriptor(c);
            if (d.startsWith("L") && !d.equals("L" + OBJECT + ";")) {
                mv.visitTypeInsn(CHECKCAST, d.substring(1, d.length() - 1));
            }
        }
    }

    private void storeFrame(char c, int index) {
        MethodVisitor mv = fc.mv;
        int mark = fc.nextSlot;
        if (isNumber(c)) {
            FunctionCompiler.toSlot(mv, c);
            int t = fc.newTemp('J');
            mv.visitVarInsn(LSTORE, t);
            mv.visitVarInsn(ALOAD, numsSlot);
            FunctionCompiler.pushInt(mv, index);
            mv.visitVarInsn(LLOAD, t);
            mv.visitInsn(LASTORE);
        } else {
            int t = fc.newTemp('L');
            mv.visitVarInsn(ASTORE, t);
            mv.visitVarInsn(ALOAD, objsSlot);
            FunctionCompiler.pushInt(mv, index);
            mv.visitVarInsn(ALOAD, t);
            mv.visitInsn(AASTORE);
        }
        fc.nextSlot = mark;
    }

    /** Moves {@code values} (the top of the JVM stack, last on top) into the value area. */
    private void storeValues(char[] values) {
        for (int i = values.length - 1; i >= 0; i--) {
            char c = values[i];
            storeFrame(c, (isNumber(c) ? numberLocals : objectLocals) + i);
        }
    }

    /** Pushes {@code values} from the value area (JVM stack only; the caller tracks their types). */
    private void loadValues(char[] values) {
        for (int i = 0; i < values.length; i++) {
            char c = values[i];
            loadFrame(c, (isNumber(c) ? numberLocals : objectLocals) + i);
        }
    }

    // ------------------------------------------------------------------ exits

    /**
     * A branch (or return) from the piece being generated to the label at {@code position}, which lies outside
     * it: its values go to the value area and the piece returns {@code 1 + position}.
     */
    void exitTo(int position) {
        FunctionCompiler.Ctl target = fc.ctls.get(position);
        storeValues(position == 0 ? target.results : fc.arity(target));
        FunctionCompiler.pushInt(fc.mv, 1 + position);
        fc.mv.visitInsn(IRETURN);
        exits.set(1 + position);
    }

    /**
     * {@code br_table} with many labels: the label's position comes from a constant int[] (a dynamic constant,
     * so the table costs no bytecode), then one tableswitch over the distinct labels of this method, and one
     * shared exit for the labels outside it. The index is on the JVM stack. Returns false for small tables.
     */
    boolean brTable(Instruction.BranchTable bt) {
        int n = bt.labels().size();
        if (n <= BIG_BR_TABLE) {
            return false;
        }
        MethodVisitor mv = fc.mv;
        int top = fc.ctls.size() - 1;
        int[] positions = new int[n + 1];
        for (int i = 0; i < n; i++) {
            positions[i] = top - bt.labels().get(i);
        }
        positions[n] = top - bt.defaultLabel();
        mv.visitLdcInsn(new ConstantDynamic("brTable", "[I", INT_TABLE, (Object[]) encode(positions)));
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "brTableTarget", "(I[I)I", false);
        int mark = fc.nextSlot;
        int position = fc.newTemp('I');
        mv.visitVarInsn(ISTORE, position);
        TreeSet<Integer> remote = new TreeSet<>();
        TreeSet<Integer> local = new TreeSet<>();
        for (int p : positions) {
            (p <= baseIndex ? remote : local).add(p);
        }
        if (!remote.isEmpty()) {
            Label toLocal = new Label();
            if (!local.isEmpty()) {
                mv.visitVarInsn(ILOAD, position);
                FunctionCompiler.pushInt(mv, baseIndex);
                mv.visitJumpInsn(IF_ICMPGT, toLocal);
            }
            // Every label of a br_table takes the same values: the default's.
            storeValues(fc.arity(fc.ctls.get(positions[n])));
            mv.visitVarInsn(ILOAD, position);
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
            mv.visitInsn(IRETURN);
            for (int p : remote) {
                exits.set(1 + p);
            }
            if (!local.isEmpty()) {
                mv.visitLabel(toLocal);
            }
        }
        if (!local.isEmpty()) {
            int min = local.first();
            Label[] cases = new Label[local.last() - min + 1];
            Label first = new Label();
            java.util.Arrays.fill(cases, first);
            List<Integer> order = new ArrayList<>(local);
            Label[] stubs = new Label[order.size()];
            for (int k = 0; k < stubs.length; k++) {
                stubs[k] = k == 0 ? first : new Label();
                cases[order.get(k) - min] = stubs[k];
            }
            mv.visitVarInsn(ILOAD, position);
            if (min != 0) {
                FunctionCompiler.pushInt(mv, min);
                mv.visitInsn(ISUB);
            }
            mv.visitTableSwitchInsn(0, cases.length - 1, first, cases);
            for (int k = 0; k < stubs.length; k++) {
                mv.visitLabel(stubs[k]);
                fc.branch(top - order.get(k));
            }
        }
        fc.nextSlot = mark;
        return true;
    }

    /** The arguments of {@link Support#intTable}: each value one char, or 0xFFFF and two chars when larger. */
    private static String[] encode(int[] values) {
        StringBuilder sb = new StringBuilder();
        for (int v : values) {
            if (v >= 0 && v < 0xFFFF) {
                sb.append((char) v);
            } else {
                sb.append((char) 0xFFFF).append((char) (v >>> 16)).append((char) v);
            }
        }
        // Constant-pool strings hold at most 65,535 bytes of modified UTF-8 (up to 3 per char).
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < sb.length(); i += 20_000) {
            chunks.add(sb.substring(i, Math.min(sb.length(), i + 20_000)));
        }
        return chunks.toArray(String[]::new);
    }

    // ------------------------------------------------------------------ cuts

    /**
     * Called before each instruction: {@link #CONTINUE}, {@link #END_METHOD} (the piece being generated is full
     * and ends here) or the index at which to continue after outlining the rest of the innermost block.
     */
    int beforeStep(int index, int stop) {
        FunctionCompiler.Ctl top = fc.top();
        if (top.unreachable || fc.skipDepth > 0 || fc.sp != top.height) {
            return CONTINUE;
        }
        int localLabels = fc.ctls.size() - 1 - baseIndex;
        if (counter.size() <= budget && localLabels <= MAX_LOCAL_LABELS) {
            return CONTINUE;
        }
        switch (body.get(index).opcode().name()) {
            case "ELSE", "END", "DELEGATE", "CATCH", "CATCH_ALL" -> {
                return CONTINUE;
            }
            default -> {
            }
        }
        for (int k = baseIndex + 1; k < fc.ctls.size(); k++) {
            int kind = fc.ctls.get(k).kind;
            if (kind != FunctionCompiler.K_FUNC && kind != FunctionCompiler.K_BLOCK && kind != FunctionCompiler.K_LOOP
                    && kind != FunctionCompiler.K_IF) {
                return CONTINUE; // inside an exception handler's block: see the class comment
            }
        }
        if (fc.ctls.size() - 1 == baseIndex) {
            return index < stop ? END_METHOD : CONTINUE;
        }
        int pieceStop = stopIndex(top);
        if (pieceStop - index < MIN_PIECE) {
            return CONTINUE;
        }
        return outline(index, pieceStop);
    }

    /** Where the code of the innermost block's current arm ends: its else or end (the body's end for the function). */
    private int stopIndex(FunctionCompiler.Ctl c) {
        if (c.kind == FunctionCompiler.K_FUNC) {
            return body.size();
        }
        if (c.kind == FunctionCompiler.K_IF && !c.hasElse && elseAt[c.openAt] >= 0) {
            return elseAt[c.openAt];
        }
        return endAt[c.openAt];
    }

    /**
     * Translates instructions {@code from..} of the innermost block into a new piece, emits its call and the
     * dispatch on its exit code, and returns the index at which the caller continues.
     */
    private int outline(int from, int stop) {
        MethodVisitor callerMv = fc.mv;
        SizeCounter callerCounter = counter;
        char[] callerStack = fc.stack;
        int callerSp = fc.sp;
        List<FunctionCompiler.Ctl> callerCtls = new ArrayList<>(fc.ctls);
        int callerSkip = fc.skipDepth;
        int callerNext = fc.nextSlot;
        int callerInst = fc.instSlot;
        int callerRoom = fc.roomSlot;
        int callerStore = fc.storeSlot;
        int[][] callerMemoryLocals = fc.memoryCode.slots();
        int callerNums = numsSlot;
        int callerObjs = objsSlot;
        int callerBase = baseIndex;
        BitSet callerExits = exits;

        String name = ModuleCompiler.methodName(fc.funcIndex) + "$" + (++pieces);
        int base = callerCtls.size() - 1;
        fc.openRemoteFrames(callerCtls);
        counter = new SizeCounter(fc.cw.visitMethod(ACC_PRIVATE | ACC_STATIC, name, PIECE_DESCRIPTOR, null, null));
        fc.mv = counter;
        fc.stack = new char[16];
        fc.sp = 0;
        fc.skipDepth = 0;
        numsSlot = 0;
        objsSlot = 1;
        fc.instSlot = 2;
        fc.roomSlot = 3; // a piece is part of the same activation: the same room
        fc.storeSlot = 4;
        fc.nextSlot = fc.memoryCode.reserveSlots(5);
        baseIndex = base;
        exits = new BitSet();

        MethodVisitor mv = fc.mv;
        mv.visitCode();
        fc.loadMethodContext();
        int end = fc.run(from, stop);
        FunctionCompiler.Ctl pieceBase = fc.ctls.get(base);
        char[] fallValues = null;
        if (end < stop) {
            fallValues = new char[0]; // ended at an empty-stack point of its base block
        } else if (!pieceBase.unreachable) {
            fallValues = pieceBase.results;
            storeValues(fallValues);
        }
        if (fallValues != null) {
            mv.visitInsn(ICONST_0);
            mv.visitInsn(IRETURN);
            exits.set(0);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        BitSet pieceExits = exits;

        fc.mv = callerMv;
        counter = callerCounter;
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
        numsSlot = callerNums;
        objsSlot = callerObjs;
        baseIndex = callerBase;
        exits = callerExits;

        callerMv.visitVarInsn(ALOAD, numsSlot);
        callerMv.visitVarInsn(ALOAD, objsSlot);
        callerMv.visitVarInsn(ALOAD, fc.instSlot);
        callerMv.visitVarInsn(ILOAD, fc.roomSlot);
        callerMv.visitMethodInsn(INVOKESTATIC, fc.mc.className, name, PIECE_DESCRIPTOR, false);
        fc.memoryCode.reload(); // the piece may have called something that grew a memory
        dispatch(pieceExits, fallValues);
        return end;
    }

    /** After a piece's call: acts on its exit code (on the JVM stack) and pushes what it leaves when it falls through. */
    private void dispatch(BitSet codes, char[] fallValues) {
        MethodVisitor mv = fc.mv;
        int sp = fc.sp;
        TreeSet<Integer> local = new TreeSet<>();
        boolean propagate = false;
        for (int code = codes.nextSetBit(1); code >= 0; code = codes.nextSetBit(code + 1)) {
            if (code - 1 <= baseIndex) {
                propagate = true;
                exits.set(code);
            } else {
                local.add(code);
            }
        }
        boolean falls = codes.get(0);
        if (!propagate && local.isEmpty()) {
            mv.visitInsn(POP);
            if (!falls) {
                // The piece never returns normally (it traps or loops forever): end this path for the verifier.
                mv.visitInsn(ACONST_NULL);
                mv.visitInsn(ATHROW);
            }
        } else {
            int mark = fc.nextSlot;
            int code = fc.newTemp('I');
            mv.visitVarInsn(ISTORE, code);
            Label fall = new Label();
            if (falls) {
                mv.visitVarInsn(ILOAD, code);
                mv.visitJumpInsn(IFEQ, fall);
            }
            if (propagate) {
                Label toLocal = new Label();
                if (!local.isEmpty()) {
                    mv.visitVarInsn(ILOAD, code);
                    FunctionCompiler.pushInt(mv, baseIndex + 1);
                    mv.visitJumpInsn(IF_ICMPGT, toLocal);
                }
                mv.visitVarInsn(ILOAD, code);
                mv.visitInsn(IRETURN);
                if (!local.isEmpty()) {
                    mv.visitLabel(toLocal);
                }
            }
            if (!local.isEmpty()) {
                int min = local.first();
                Label[] cases = new Label[local.last() - min + 1];
                List<Integer> order = new ArrayList<>(local);
                Label[] stubs = new Label[order.size()];
                for (int k = 0; k < stubs.length; k++) {
                    stubs[k] = new Label();
                }
                java.util.Arrays.fill(cases, stubs[0]);
                for (int k = 0; k < stubs.length; k++) {
                    cases[order.get(k) - min] = stubs[k];
                }
                mv.visitVarInsn(ILOAD, code);
                if (min != 0) {
                    FunctionCompiler.pushInt(mv, min);
                    mv.visitInsn(ISUB);
                }
                mv.visitTableSwitchInsn(0, cases.length - 1, stubs[0], cases);
                for (int k = 0; k < stubs.length; k++) {
                    int position = order.get(k) - 1;
                    mv.visitLabel(stubs[k]);
                    fc.sp = sp;
                    char[] values = position == 0 ? fc.ctls.get(0).results : fc.arity(fc.ctls.get(position));
                    loadValues(values);
                    for (char c : values) {
                        fc.push(c);
                    }
                    fc.branch(fc.ctls.size() - 1 - position);
                }
            }
            fc.nextSlot = mark;
            if (falls) {
                mv.visitLabel(fall);
            }
        }
        fc.sp = sp;
        if (falls) {
            loadValues(fallValues);
            for (char c : fallValues) {
                fc.push(c);
            }
        } else {
            fc.markUnreachable();
        }
    }
}
