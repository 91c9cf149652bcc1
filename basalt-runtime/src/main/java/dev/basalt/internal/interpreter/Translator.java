package dev.basalt.internal.interpreter;

import dev.basalt.internal.runtime.DeadCode;
import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates validated function bodies and constant expressions into {@link CompiledCode}. Runs once per
 * module; relies on validation having succeeded (it tracks only stack heights, not types).
 *
 * <p>Unreachable code (after {@code br}, {@code return}, {@code unreachable}, {@code throw}, ...) is not emitted,
 * which keeps the stack height exact everywhere that is emitted.
 */
final class Translator {
    private static final Map<String, Integer> NUMERIC = new HashMap<>();
    private static final Map<String, Integer> COLD = new HashMap<>();
    private static final Map<String, Integer> HOT_MEMORY = new HashMap<>();

    static {
        for (int i = 0; i < Op.NUMERIC.length; i++) {
            NUMERIC.put(Op.NUMERIC[i], Op.FIRST_NUMERIC + i);
        }
        for (int i = 0; i < ColdOp.NAMES.length; i++) {
            COLD.put(ColdOp.NAMES[i], i);
        }
        HOT_MEMORY.put("I32_LOAD", Op.I32_LOAD);
        HOT_MEMORY.put("F32_LOAD", Op.I32_LOAD);
        HOT_MEMORY.put("I64_LOAD", Op.I64_LOAD);
        HOT_MEMORY.put("F64_LOAD", Op.I64_LOAD);
        HOT_MEMORY.put("I32_LOAD8_S", Op.I32_LOAD8_S);
        HOT_MEMORY.put("I32_LOAD8_U", Op.I32_LOAD8_U);
        HOT_MEMORY.put("I32_LOAD16_S", Op.I32_LOAD16_S);
        HOT_MEMORY.put("I32_LOAD16_U", Op.I32_LOAD16_U);
        HOT_MEMORY.put("I64_LOAD8_S", Op.I64_LOAD8_S);
        HOT_MEMORY.put("I64_LOAD8_U", Op.I64_LOAD8_U);
        HOT_MEMORY.put("I64_LOAD16_S", Op.I64_LOAD16_S);
        HOT_MEMORY.put("I64_LOAD16_U", Op.I64_LOAD16_U);
        HOT_MEMORY.put("I64_LOAD32_S", Op.I64_LOAD32_S);
        HOT_MEMORY.put("I64_LOAD32_U", Op.I64_LOAD32_U);
        HOT_MEMORY.put("I32_STORE", Op.I32_STORE);
        HOT_MEMORY.put("F32_STORE", Op.I32_STORE);
        HOT_MEMORY.put("I64_STORE32", Op.I32_STORE);
        HOT_MEMORY.put("I64_STORE", Op.I64_STORE);
        HOT_MEMORY.put("F64_STORE", Op.I64_STORE);
        HOT_MEMORY.put("I32_STORE8", Op.I32_STORE8);
        HOT_MEMORY.put("I64_STORE8", Op.I32_STORE8);
        HOT_MEMORY.put("I32_STORE16", Op.I32_STORE16);
        HOT_MEMORY.put("I64_STORE16", Op.I32_STORE16);
    }

    /** Implementation limit on parameters plus locals of one function (each is a stack slot of the frame). */
    static final int MAX_LOCALS = 1_000_000;

    /** Value kinds as the stack stores them. */
    static final int NUM = 0;
    static final int V128 = 1;
    static final int REF = 2;

    private final WasmModule module;
    private final List<SubType> types;
    private final int[] funcTypes;
    private final List<GlobalType> globals = new ArrayList<>();
    private final List<MemoryType> memories = new ArrayList<>();
    private final List<Integer> tagTypes = new ArrayList<>();

    Translator(WasmModule module) {
        this.module = module;
        this.types = module.types();
        List<Integer> ft = new ArrayList<>();
        for (Import i : module.imports()) {
            switch (i.desc()) {
                case ImportDesc.Func f -> ft.add(f.typeIndex());
                case ImportDesc.Global g -> globals.add(g.type());
                case ImportDesc.Memory m -> memories.add(m.type());
                case ImportDesc.Tag t -> tagTypes.add(t.type().typeIndex());
                case ImportDesc.Table t -> {
                }
            }
        }
        for (Function f : module.functions()) {
            ft.add(f.typeIndex());
        }
        for (dev.basalt.wasm.Global g : module.globals()) {
            globals.add(g.type());
        }
        memories.addAll(module.memories());
        for (var t : module.tags()) {
            tagTypes.add(t.typeIndex());
        }
        funcTypes = ft.stream().mapToInt(Integer::intValue).toArray();
    }

    static int kindOf(ValType t) {
        if (t instanceof RefType) {
            return REF;
        }
        return t == NumType.V128 ? V128 : NUM;
    }

    CompositeType.Func funcType(int typeIndex) {
        return (CompositeType.Func) types.get(typeIndex).composite();
    }

    CompiledCode translateFunction(int funcIndex) {
        Function f = module.functions().get(funcIndex - module.importCount(ExternKind.FUNC));
        CompositeType.Func type = funcType(f.typeIndex());
        List<ValType> locals = new ArrayList<>(type.params());
        long declared = f.localCount();
        if (declared + locals.size() > MAX_LOCALS) {
            throw new InvalidException("too many locals: function " + funcIndex + " declares " + declared
                    + " (this implementation supports " + MAX_LOCALS + ")");
        }
        for (Locals l : f.locals()) {
            for (int i = 0; i < l.count(); i++) {
                locals.add(l.type());
            }
        }
        return new Body(locals, type.params().size(), type.results().size(), funcIndex).translate(f.body());
    }

    /** A constant expression as a function with no parameters and one result. */
    CompiledCode translateConst(dev.basalt.wasm.Expression e) {
        return new Body(List.of(), 0, 1, -1).translate(e);
    }

    private static final int F_FUNC = 0;
    private static final int F_BLOCK = 1;
    private static final int F_LOOP = 2;
    private static final int F_IF = 3;
    private static final int F_TRY = 4;
    private static final int F_TRY_TABLE = 5;

    /** A control frame during translation. */
    private static final class Frame {
        int kind;
        /** Height below the block's parameters. */
        int startHeight;
        int params;
        int results;
        /** Code offset of a loop's header (its branch target). */
        int loopPc;
        /** Code positions to patch with the end offset. */
        int[] patches = new int[4];
        int patchCount;
        /** Position of an if's conditional jump to patch with the else/end offset, or -1. */
        int elsePatch = -1;
        boolean unreachable;
        /** Handler index active inside this frame's body (own handler for try frames). */
        int scope;
        /** For try frames: own handler index. */
        int handler = -1;
        /** Catch clauses to patch with the end offset: handler index, clause index pairs. */
        List<int[]> catchPatches;
        /** For loops: the code position of the LOOP_HEADER fuel immediate; the fuel counter to fill. */
        int fuelPos = -1;
        int fuel;
        /** For legacy try: the hidden slot holding the caught exception. */
        int exnSlot;
        boolean inCatch;

        int labelArity() {
            return kind == F_LOOP ? params : results;
        }

        void addPatch(int pos) {
            if (patchCount == patches.length) {
                patches = Arrays.copyOf(patches, patchCount * 2);
            }
            patches[patchCount++] = pos;
        }
    }

    private final class Body {
        private final List<ValType> locals;
        private final int paramCount;
        private final int resultCount;
        private final int funcIndex;
        private int[] code = new int[64];
        private int pc;
        private int height;
        private int maxHeight;
        private final List<Frame> frames = new ArrayList<>();
        private final List<CompiledCode.Handler> handlers = new ArrayList<>();
        private final DeadCode deadCode = new DeadCode();
        private int hiddenSlots;
        private int nextHidden;
        private int entryFuel;
        private Frame fuelFrame;
        /**
         * Peephole state: what the previous instruction emitted and where, if it may be fused with the next one.
         * Reset by every instruction that does not set it, so nothing is fused across a label (block ends, else,
         * loop headers, catch clauses) or a handler boundary.
         */
        private int lastKind;
        private int lastStart;
        private int lastOp;

        Body(List<ValType> locals, int paramCount, int resultCount, int funcIndex) {
            this.locals = locals;
            this.paramCount = paramCount;
            this.resultCount = resultCount;
            this.funcIndex = funcIndex;
        }

        CompiledCode translate(dev.basalt.wasm.Expression body) {
            for (Instruction in : body.instructions()) {
                if (in.opcode().name().equals("TRY")) {
                    hiddenSlots++;
                }
            }
            nextHidden = locals.size();
            height = locals.size() + hiddenSlots;
            maxHeight = height;
            Frame fn = new Frame();
            fn.kind = F_FUNC;
            fn.startHeight = height;
            fn.results = resultCount;
            fn.scope = -1;
            frames.add(fn);
            List<Instruction> ins = body.instructions();
            boolean offsets = body.offsetOf(0) >= 0;
            for (int i = 0; i < ins.size(); i++) {
                int before = pc;
                step(ins.get(i));
                if (offsets && pc > before) {
                    recordOffset(before, body.offsetOf(i));
                }
            }
            // The body's implicit end.
            if (!frames.isEmpty()) {
                endFrame();
            }
            emit(Op.RETURN);
            return new CompiledCode(Arrays.copyOf(code, pc), paramCount, resultCount, locals.size() + hiddenSlots,
                    maxHeight + 8, handlers.toArray(new CompiledCode.Handler[0]), Math.max(1, entryFuel), funcIndex,
                    Arrays.copyOf(opPcs, opCount), Arrays.copyOf(opOffsets, opCount));
        }

        private int[] opPcs = new int[0];
        private int[] opOffsets = new int[0];
        private int opCount;

        /** Remembers that the instruction at module offset {@code offset} starts at code position {@code at}. */
        private void recordOffset(int at, int offset) {
            if (opCount > 0 && opPcs[opCount - 1] >= at) {
                return; // a peephole fusion moved this instruction into the previous one
            }
            if (opCount == opPcs.length) {
                opPcs = Arrays.copyOf(opPcs, Math.max(16, opCount * 2));
                opOffsets = Arrays.copyOf(opOffsets, opPcs.length);
            }
            opPcs[opCount] = at;
            opOffsets[opCount++] = offset;
        }

        private Frame top() {
            return frames.get(frames.size() - 1);
        }

        private Frame label(int depth) {
            return frames.get(frames.size() - 1 - depth);
        }

        private void emit(int v) {
            if (pc == code.length) {
                code = Arrays.copyOf(code, pc * 2);
            }
            code[pc++] = v;
        }

        private void emit(int a, int b) {
            emit(a);
            emit(b);
        }

        private void adjust(int pop, int push) {
            height -= pop;
            height += push;
            if (height > maxHeight) {
                maxHeight = height;
            }
        }

        private void markUnreachable() {
            top().unreachable = true;
        }

        private int[] blockArity(BlockType bt) {
            return switch (bt) {
                case BlockType.Empty e -> new int[] {0, 0};
                case BlockType.Value v -> new int[] {0, 1};
                case BlockType.TypeIndex t -> {
                    CompositeType.Func f = funcType(t.typeIndex());
                    yield new int[] {f.params().size(), f.results().size()};
                }
            };
        }

        private Frame push(int kind, BlockType bt) {
            int[] a = blockArity(bt);
            Frame f = new Frame();
            f.kind = kind;
            f.params = a[0];
            f.results = a[1];
            f.startHeight = height - a[0];
            f.scope = top().scope;
            frames.add(f);
            return f;
        }

        private void countFuel() {
            if (fuelFrame != null) {
                fuelFrame.fuel++;
            } else {
                entryFuel++;
            }
        }

        void step(Instruction in) {
            Opcode op = in.opcode();
            String name = op.name();
            int prevKind = lastKind;
            lastKind = P_NONE;
            if (top().unreachable && deadCode.skip(op)) {
                return;
            }
            countFuel();
            switch (name) {
                case "NOP", "ATOMIC_FENCE" -> {
                }
                case "UNREACHABLE" -> {
                    emit(Op.UNREACHABLE);
                    markUnreachable();
                }
                case "BLOCK" -> push(F_BLOCK, ((Instruction.Block) in).type());
                case "LOOP" -> {
                    Frame f = push(F_LOOP, ((Instruction.Block) in).type());
                    f.loopPc = pc;
                    emit(Op.LOOP_HEADER);
                    f.fuelPos = pc;
                    emit(0);
                    f.fuel = 1;
                    fuelFrame = f;
                }
                case "IF" -> {
                    adjust(1, 0);
                    Frame f = push(F_IF, ((Instruction.Block) in).type());
                    emitConditionalJump(prevKind, false);
                    f.elsePatch = pc;
                    emit(0);
                }
                case "ELSE" -> {
                    Frame f = top();
                    if (!f.unreachable) {
                        emit(Op.JMP);
                        f.addPatch(pc);
                        emit(0);
                    }
                    code[f.elsePatch] = pc;
                    f.elsePatch = -1;
                    f.unreachable = false;
                    height = f.startHeight + f.params;
                }
                case "END" -> endFrame();
                case "BR" -> {
                    branch(((Instruction.Branch) in).label(), false, P_NONE);
                    markUnreachable();
                }
                case "BR_IF" -> {
                    adjust(1, 0);
                    branch(((Instruction.Branch) in).label(), true, prevKind);
                }
                case "BR_TABLE" -> {
                    Instruction.BranchTable bt = (Instruction.BranchTable) in;
                    adjust(1, 0);
                    emit(Op.BR_TABLE);
                    emit(bt.labels().size());
                    for (int l : bt.labels()) {
                        tableEntry(l);
                    }
                    tableEntry(bt.defaultLabel());
                    markUnreachable();
                }
                case "RETURN" -> {
                    emit(Op.RETURN);
                    markUnreachable();
                }
                case "CALL" -> {
                    int idx = ((Instruction.Index) in).index();
                    CompositeType.Func t = funcType(funcTypes[idx]);
                    adjust(t.params().size(), t.results().size());
                    emit(Op.CALL, idx);
                }
                case "RETURN_CALL" -> {
                    emit(Op.RETURN_CALL, ((Instruction.Index) in).index());
                    markUnreachable();
                }
                case "CALL_INDIRECT" -> {
                    Instruction.IndexPair p = (Instruction.IndexPair) in;
                    CompositeType.Func t = funcType(p.first());
                    adjust(t.params().size() + 1, t.results().size());
                    emit(Op.CALL_INDIRECT, p.first());
                    emit(p.second());
                }
                case "RETURN_CALL_INDIRECT" -> {
                    Instruction.IndexPair p = (Instruction.IndexPair) in;
                    emit(Op.RETURN_CALL_INDIRECT, p.first());
                    emit(p.second());
                    markUnreachable();
                }
                case "CALL_REF" -> {
                    int ti = ((Instruction.Index) in).index();
                    CompositeType.Func t = funcType(ti);
                    adjust(t.params().size() + 1, t.results().size());
                    emit(Op.CALL_REF, ti);
                }
                case "RETURN_CALL_REF" -> {
                    emit(Op.RETURN_CALL_REF, ((Instruction.Index) in).index());
                    markUnreachable();
                }
                case "DROP" -> {
                    adjust(1, 0);
                    emit(Op.DROP);
                }
                case "SELECT" -> {
                    adjust(3, 1);
                    emit(Op.SELECT_V128);
                }
                case "SELECT_TYPED" -> {
                    List<ValType> ts = ((Instruction.SelectTyped) in).types();
                    int k = ts.isEmpty() ? V128 : kindOf(ts.get(0));
                    adjust(3, 1);
                    emit(k == REF ? Op.SELECT_REF : k == V128 ? Op.SELECT_V128 : Op.SELECT);
                }
                case "LOCAL_GET" -> {
                    int i = ((Instruction.Index) in).index();
                    adjust(0, 1);
                    int opc = localOp(i, Op.LOCAL_GET, Op.LOCAL_GET_V128, Op.LOCAL_GET_REF);
                    if (opc == Op.LOCAL_GET && prevKind == P_LOCAL_GET && lastStart == pc - 2) {
                        code[lastStart] = Op.LOCAL_GET2;
                        emit(i);
                    } else {
                        if (opc == Op.LOCAL_GET) {
                            lastKind = P_LOCAL_GET;
                            lastStart = pc;
                        }
                        emit(opc, i);
                    }
                }
                case "LOCAL_SET" -> {
                    int i = ((Instruction.Index) in).index();
                    adjust(1, 0);
                    emit(localOp(i, Op.LOCAL_SET, Op.LOCAL_SET_V128, Op.LOCAL_SET_REF), i);
                }
                case "LOCAL_TEE" -> {
                    int i = ((Instruction.Index) in).index();
                    emit(localOp(i, Op.LOCAL_TEE, Op.LOCAL_TEE_V128, Op.LOCAL_TEE_REF), i);
                }
                case "GLOBAL_GET" -> {
                    int i = ((Instruction.Index) in).index();
                    adjust(0, 1);
                    int k = kindOf(globals.get(i).type());
                    emit(k == REF ? Op.GLOBAL_GET_REF : k == V128 ? Op.GLOBAL_GET_V128 : Op.GLOBAL_GET, i);
                }
                case "GLOBAL_SET" -> {
                    int i = ((Instruction.Index) in).index();
                    adjust(1, 0);
                    int k = kindOf(globals.get(i).type());
                    emit(k == REF ? Op.GLOBAL_SET_REF : k == V128 ? Op.GLOBAL_SET_V128 : Op.GLOBAL_SET, i);
                }
                case "I32_CONST" -> {
                    adjust(0, 1);
                    lastKind = P_CONST;
                    lastStart = pc;
                    emit(Op.I32_CONST, ((Instruction.I32Const) in).value());
                }
                case "F32_CONST" -> {
                    adjust(0, 1);
                    emit(Op.I32_CONST, ((Instruction.F32Const) in).bits());
                }
                case "I64_CONST" -> {
                    adjust(0, 1);
                    emitLong(Op.I64_CONST, ((Instruction.I64Const) in).value());
                }
                case "F64_CONST" -> {
                    adjust(0, 1);
                    emitLong(Op.I64_CONST, ((Instruction.F64Const) in).bits());
                }
                case "V128_CONST" -> {
                    adjust(0, 1);
                    var v = ((Instruction.V128Const) in).value();
                    emitLong(Op.V128_CONST, v.lo());
                    emit((int) v.hi());
                    emit((int) (v.hi() >>> 32));
                }
                case "REF_NULL" -> {
                    adjust(0, 1);
                    emit(Op.REF_NULL);
                }
                case "REF_IS_NULL" -> emit(Op.REF_IS_NULL);
                case "REF_FUNC" -> {
                    adjust(0, 1);
                    emit(Op.REF_FUNC, ((Instruction.Index) in).index());
                }
                case "REF_AS_NON_NULL" -> emit(Op.REF_AS_NON_NULL);
                case "REF_EQ" -> {
                    adjust(2, 1);
                    emit(Op.REF_EQ);
                }
                case "BR_ON_NULL" -> {
                    adjust(1, 0);
                    emitBranchOp(Op.BR_ON_NULL, ((Instruction.Branch) in).label(), 0);
                    adjust(0, 1);
                }
                case "BR_ON_NON_NULL" -> {
                    // The ref stays on the stack when the branch is taken (it is the label's last value).
                    emitBranchOp(Op.BR_ON_NON_NULL, ((Instruction.Branch) in).label(), 0);
                    adjust(1, 0);
                }
                case "BR_ON_CAST", "BR_ON_CAST_FAIL" -> {
                    Instruction.BrOnCast c = (Instruction.BrOnCast) in;
                    emitBranchOp(name.equals("BR_ON_CAST") ? Op.BR_ON_CAST : Op.BR_ON_CAST_FAIL, c.label(), 2);
                    emit(heapCode(c.to().heapType()));
                    emit(c.to().nullable() ? 1 : 0);
                }
                case "MEMORY_SIZE" -> {
                    adjust(0, 1);
                    emit(Op.MEMORY_SIZE, ((Instruction.Index) in).index());
                }
                case "MEMORY_GROW" -> {
                    adjust(1, 1);
                    emit(Op.MEMORY_GROW, ((Instruction.Index) in).index());
                }
                case "THROW" -> {
                    emit(Op.THROW, ((Instruction.Index) in).index());
                    markUnreachable();
                }
                case "THROW_REF" -> {
                    emit(Op.THROW_REF);
                    markUnreachable();
                }
                case "TRY_TABLE" -> tryTable((Instruction.TryTable) in);
                case "TRY" -> {
                    Frame f = push(F_TRY, ((Instruction.Block) in).type());
                    CompiledCode.Handler h = new CompiledCode.Handler();
                    h.kind = CompiledCode.Handler.LEGACY;
                    h.start = pc;
                    h.parent = f.scope;
                    h.exnSlot = nextHidden++;
                    f.exnSlot = h.exnSlot;
                    f.handler = handlers.size();
                    handlers.add(h);
                    f.scope = f.handler;
                }
                case "CATCH", "CATCH_ALL" -> legacyCatch(name.equals("CATCH") ? ((Instruction.Index) in).index() : -1);
                case "DELEGATE" -> {
                    Frame f = top();
                    CompiledCode.Handler h = handlers.get(f.handler);
                    h.end = pc;
                    h.kind = CompiledCode.Handler.DELEGATE;
                    int l = ((Instruction.Branch) in).label();
                    h.delegateTo = label(l + 1).scope;
                    endFrame();
                }
                case "RETHROW" -> {
                    emit(Op.RETHROW, label(((Instruction.Branch) in).label()).exnSlot);
                    markUnreachable();
                }
                default -> other(in, op, name, prevKind);
            }
        }

        private void emitLong(int opc, long v) {
            emit(opc);
            emit((int) v);
            emit((int) (v >>> 32));
        }

        private int localOp(int i, int num, int v128, int ref) {
            int k = kindOf(locals.get(i));
            return k == REF ? ref : k == V128 ? v128 : num;
        }

        /** Emits an unconditional or conditional branch to label {@code depth} (the condition already popped). */
        private void branch(int depth, boolean conditional, int prevKind) {
            Frame f = label(depth);
            int arity = f.labelArity();
            if (f.kind == F_FUNC) {
                if (conditional) {
                    emitConditionalJump(prevKind, true);
                } else {
                    emit(Op.JMP);
                }
                f.addPatch(pc);
                emit(0);
                return;
            }
            if (height - arity == f.startHeight) {
                if (conditional) {
                    emitConditionalJump(prevKind, true);
                } else {
                    emit(Op.JMP);
                }
                target(f);
            } else {
                emit(conditional ? Op.BR_IF : Op.BR);
                target(f);
                emit(arity);
                emit(f.startHeight);
            }
        }

        /**
         * Emits the opcode of a jump taken if the condition is non-zero ({@code ifTrue}) or zero; the caller emits the
         * target. When the condition was just computed by an i32 comparison (or eqz), the comparison is folded in.
         */
        private void emitConditionalJump(int prevKind, boolean ifTrue) {
            if (prevKind == P_CMP && lastStart == pc - 1) {
                pc = lastStart;
                if (lastOp == Op.I32_EQZ) {
                    emit(ifTrue ? Op.JMP_UNLESS : Op.JMP_IF);
                    return;
                }
                for (int i = 0; i < Op.FUSABLE_CMPS.length; i++) {
                    if (Op.FUSABLE_CMPS[i] == lastOp) {
                        emit((ifTrue ? Op.FIRST_JMP_IF_CMP : Op.FIRST_JMP_UNLESS_CMP) + i);
                        return;
                    }
                }
                throw new IllegalStateException("not a fusable comparison: " + lastOp);
            }
            emit(ifTrue ? Op.JMP_IF : Op.JMP_UNLESS);
        }

        /** br_on_* layout: op, target, arity, height, then {@code extra} more immediates written by the caller. */
        private void emitBranchOp(int opc, int depth, int extra) {
            Frame f = label(depth);
            emit(opc);
            target(f);
            if (f.kind == F_FUNC) {
                emit(0);
                emit(height);
            } else {
                emit(f.labelArity());
                emit(f.startHeight);
            }
        }

        private void tableEntry(int depth) {
            Frame f = label(depth);
            target(f);
            if (f.kind == F_FUNC) {
                emit(0);
                emit(height);
            } else {
                emit(f.labelArity());
                emit(f.startHeight);
            }
        }

        private void target(Frame f) {
            if (f.kind == F_LOOP) {
                emit(f.loopPc);
            } else {
                f.addPatch(pc);
                emit(0);
            }
        }

        private void endFrame() {
            Frame f = frames.remove(frames.size() - 1);
            if (f.elsePatch >= 0) {
                code[f.elsePatch] = pc;
            }
            if (f.kind == F_FUNC) {
                for (int i = 0; i < f.patchCount; i++) {
                    code[f.patches[i]] = pc;
                }
                return;
            }
            if (f.kind == F_LOOP) {
                code[f.fuelPos] = Math.max(1, f.fuel);
                fuelFrame = null;
                for (int i = frames.size() - 1; i >= 0; i--) {
                    if (frames.get(i).kind == F_LOOP) {
                        fuelFrame = frames.get(i);
                        break;
                    }
                }
            }
            if (f.kind == F_TRY || f.kind == F_TRY_TABLE) {
                CompiledCode.Handler h = handlers.get(f.handler);
                if (!f.inCatch && h.kind != CompiledCode.Handler.DELEGATE) {
                    h.end = pc;
                }
            }
            for (int i = 0; i < f.patchCount; i++) {
                code[f.patches[i]] = pc;
            }
            if (f.catchPatches != null) {
                for (int[] cp : f.catchPatches) {
                    handlers.get(cp[0]).targets[cp[1]] = pc;
                }
            }
            height = f.startHeight + f.results;
            if (height > maxHeight) {
                maxHeight = height;
            }
        }

        private void tryTable(Instruction.TryTable tt) {
            int[] a = blockArity(tt.type());
            CompiledCode.Handler h = new CompiledCode.Handler();
            h.kind = CompiledCode.Handler.TRY_TABLE;
            h.parent = top().scope;
            int hi = handlers.size();
            handlers.add(h);
            for (Instruction.Catch c : tt.catches()) {
                Frame lf = label(c.label());
                boolean payload = c.kind().hasTag();
                int n = 0;
                if (payload) {
                    n += funcType(tagTypes.get(c.tag())).params().size();
                }
                if (c.kind().pushesExnRef()) {
                    n++;
                }
                int h0 = lf.kind == F_FUNC ? height - a[0] : lf.startHeight;
                if (h0 + n > maxHeight) {
                    maxHeight = h0 + n;
                }
                int ci = h.addClause(c.kind().hasTag() ? c.tag() : -1, payload, c.kind().pushesExnRef(),
                        lf.kind == F_LOOP ? lf.loopPc : 0, h0);
                if (lf.kind != F_LOOP) {
                    if (lf.catchPatches == null) {
                        lf.catchPatches = new ArrayList<>();
                    }
                    lf.catchPatches.add(new int[] {hi, ci});
                }
            }
            Frame f = push(F_TRY_TABLE, tt.type());
            f.handler = hi;
            f.scope = hi;
            h.start = pc;
        }

        private void legacyCatch(int tag) {
            Frame f = top();
            CompiledCode.Handler h = handlers.get(f.handler);
            if (!f.unreachable) {
                emit(Op.JMP);
                f.addPatch(pc);
                emit(0);
            }
            if (!f.inCatch) {
                h.end = pc;
                f.inCatch = true;
                f.scope = h.parent;
            }
            f.unreachable = false;
            int n = tag >= 0 ? funcType(tagTypes.get(tag)).params().size() : 0;
            h.addClause(tag, tag >= 0, false, pc, f.startHeight);
            height = f.startHeight + n;
            if (height > maxHeight) {
                maxHeight = height;
            }
        }

        private void other(Instruction in, Opcode op, String name, int prevKind) {
            Opcode.Imm imm = op.imm();
            if (imm == Opcode.Imm.MEMARG || imm == Opcode.Imm.MEMARG_LANE) {
                memory(in, op, name);
                return;
            }
            Integer numeric = NUMERIC.get(name);
            if (numeric != null) {
                adjust(op.params().size(), op.results().size());
                if (name.equals("I32_WRAP_I64") || name.endsWith("_REINTERPRET_F32") || name.endsWith("_REINTERPRET_F64")
                        || name.endsWith("_REINTERPRET_I32") || name.endsWith("_REINTERPRET_I64")) {
                    // i32 values are read as the low 32 bits of their slot and floats are kept as raw bits,
                    // so these instructions do nothing at run time.
                    return;
                }
                if ((numeric == Op.I32_ADD || numeric == Op.I32_SUB) && prevKind == P_CONST && lastStart == pc - 2) {
                    code[lastStart] = Op.I32_ADD_IMM;
                    if (numeric == Op.I32_SUB) {
                        code[lastStart + 1] = -code[lastStart + 1];
                    }
                    return;
                }
                if (numeric == Op.I32_EQZ || isFusableCompare(numeric)) {
                    lastKind = P_CMP;
                    lastStart = pc;
                    lastOp = numeric;
                }
                emit(numeric);
                return;
            }
            if (op.prefix() == 0xFD) {
                simd(in, op);
                return;
            }
            Integer cold = COLD.get(name);
            if (cold == null) {
                throw new UnsupportedOperationException("instruction not supported by the interpreter: " + op.mnemonic());
            }
            int[] imms;
            int pop;
            int push;
            switch (name) {
                case "TABLE_GET" -> { imms = idx(in); pop = 1; push = 1; }
                case "TABLE_SET" -> { imms = idx(in); pop = 2; push = 0; }
                case "TABLE_SIZE" -> { imms = idx(in); pop = 0; push = 1; }
                case "TABLE_GROW" -> { imms = idx(in); pop = 2; push = 1; }
                case "TABLE_FILL", "TABLE_COPY", "TABLE_INIT", "MEMORY_FILL", "MEMORY_COPY", "MEMORY_INIT" -> {
                    imms = idx(in);
                    pop = 3;
                    push = 0;
                }
                case "ELEM_DROP", "DATA_DROP" -> { imms = idx(in); pop = 0; push = 0; }
                case "STRUCT_NEW" -> {
                    imms = idx(in);
                    pop = ((CompositeType.Struct) types.get(imms[0]).composite()).fields().size();
                    push = 1;
                }
                case "STRUCT_NEW_DEFAULT" -> { imms = idx(in); pop = 0; push = 1; }
                case "STRUCT_GET", "STRUCT_GET_S", "STRUCT_GET_U" -> { imms = idx(in); pop = 1; push = 1; }
                case "STRUCT_SET" -> { imms = idx(in); pop = 2; push = 0; }
                case "ARRAY_NEW", "ARRAY_NEW_DATA", "ARRAY_NEW_ELEM" -> { imms = idx(in); pop = 2; push = 1; }
                case "ARRAY_NEW_DEFAULT" -> { imms = idx(in); pop = 1; push = 1; }
                case "ARRAY_NEW_FIXED" -> { imms = idx(in); pop = imms[1]; push = 1; }
                case "ARRAY_GET", "ARRAY_GET_S", "ARRAY_GET_U" -> { imms = idx(in); pop = 2; push = 1; }
                case "ARRAY_SET" -> { imms = idx(in); pop = 3; push = 0; }
                case "ARRAY_LEN" -> { imms = new int[0]; pop = 1; push = 1; }
                case "ARRAY_FILL", "ARRAY_INIT_DATA", "ARRAY_INIT_ELEM" -> { imms = idx(in); pop = 4; push = 0; }
                case "ARRAY_COPY" -> { imms = idx(in); pop = 5; push = 0; }
                case "REF_TEST", "REF_TEST_NULL", "REF_CAST", "REF_CAST_NULL" -> {
                    imms = new int[] {heapCode(((Instruction.HeapTypeInstr) in).heapType())};
                    pop = 1;
                    push = 1;
                }
                default -> {
                    if (!op.hasFixedSignature() && !name.equals("ANY_CONVERT_EXTERN") && !name.equals("EXTERN_CONVERT_ANY")
                            && !name.equals("REF_I31") && !name.startsWith("I31_GET")) {
                        throw new UnsupportedOperationException("no stack signature for " + op.mnemonic());
                    }
                    imms = new int[0];
                    pop = op.hasFixedSignature() ? op.params().size() : 1;
                    push = op.hasFixedSignature() ? op.results().size() : 1;
                }
            }
            adjust(pop, push);
            emit(Op.COLD);
            emit(cold);
            emit(imms.length);
            for (int v : imms) {
                emit(v);
            }
        }

        private int[] idx(Instruction in) {
            return switch (in) {
                case Instruction.Index i -> new int[] {i.index()};
                case Instruction.IndexPair p -> new int[] {p.first(), p.second()};
                default -> new int[0];
            };
        }

        private void memory(Instruction in, Opcode op, String name) {
            MemArg ma = in instanceof Instruction.Memory m ? m.memArg() : ((Instruction.MemoryLane) in).memArg();
            int lane = in instanceof Instruction.MemoryLane l ? l.lane() : 0;
            adjust(op.params().size() + 1, op.results().size());
            Integer hot = HOT_MEMORY.get(name);
            MemoryType mt = memories.get(ma.memory());
            if (hot != null && ma.memory() == 0 && !mt.is64() && ma.offset() >= 0 && ma.offset() <= 0xFFFF_FFFFL) {
                emit(hot, (int) ma.offset());
                return;
            }
            emit(Op.MEM_GENERIC);
            emit(op.ordinal());
            emit(ma.memory());
            emit((int) ma.offset());
            emit((int) (ma.offset() >>> 32));
            emit(lane);
            emit(mt.is64() ? 1 : 0);
        }

        private void simd(Instruction in, Opcode op) {
            if (!op.hasFixedSignature()) {
                throw new UnsupportedOperationException("no stack signature for " + op.mnemonic());
            }
            adjust(op.params().size(), op.results().size());
            emit(Op.COLD);
            emit(ColdOp.SIMD);
            switch (in) {
                case Instruction.Lane l -> {
                    emit(2);
                    emit(op.ordinal());
                    emit(l.lane());
                }
                case Instruction.Shuffle s -> {
                    emit(5);
                    emit(op.ordinal());
                    emit((int) s.lanes().lo());
                    emit((int) (s.lanes().lo() >>> 32));
                    emit((int) s.lanes().hi());
                    emit((int) (s.lanes().hi() >>> 32));
                }
                default -> {
                    emit(1);
                    emit(op.ordinal());
                }
            }
        }
    }

    private static final int P_NONE = 0;
    private static final int P_CONST = 1;
    private static final int P_LOCAL_GET = 2;
    private static final int P_CMP = 3;

    private static boolean isFusableCompare(int op) {
        for (int c : Op.FUSABLE_CMPS) {
            if (c == op) {
                return true;
            }
        }
        return false;
    }

    /** Heap types as one int: a type index (>= 0) or -(1 + ordinal of the abstract heap type). */
    static int heapCode(HeapType h) {
        if (h instanceof AbsHeapType a) {
            return -1 - a.ordinal();
        }
        return ((HeapType.Concrete) h).typeIndex();
    }
}
