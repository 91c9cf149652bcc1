package dev.basalt.wasm.validate;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.StorageType;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.types.TypeSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The validation algorithm of the spec's appendix for one expression (a function body or a constant expression):
 * an operand stack whose entries are value types or {@code null} for the spec's {@code Unknown} (produced only by
 * stack-polymorphic code), and a control stack of frames. Non-defaultable locals are tracked with the Wasm 3.0
 * extension: a local becomes initialized at {@code local.set}/{@code local.tee} and reverts at the end of the
 * enclosing block. Everything is iterative; memory use is linear in the expression size.
 *
 * <p>One instance is reused for all functions of a module (not thread-safe; owned by a {@link ModuleValidator}).
 */
final class FunctionValidator {
    /**
     * The spec's {@code (ref bot)}: what {@code pop_ref} yields for an Unknown operand. A distinct instance, recognised
     * by identity, that matches every reference type.
     */
    static final RefType BOT_REF = new RefType(false, AbsHeapType.NONE);

    private static final RefType EXN_NON_NULL = RefType.nonNull(AbsHeapType.EXN);
    private static final int[] NATURAL_BYTES = new int[Opcode.values().length];

    static {
        for (Opcode op : Opcode.values()) {
            if (op.imm() == Opcode.Imm.MEMARG || op.imm() == Opcode.Imm.MEMARG_LANE) {
                NATURAL_BYTES[op.ordinal()] = naturalBytes(op.mnemonic());
            }
        }
    }

    private final ModuleValidator mv;
    private final TypeSpace types;

    private ValType[] vals = new ValType[64];
    private int sp;
    private Frame[] ctrls = new Frame[16];
    private int csp;
    private ValType[] locals = new ValType[0];
    private boolean[] initialized = new boolean[0];
    private int[] initStack = new int[16];
    private int initSp;
    private List<ValType> returnTypes;

    private boolean constant;
    private int visibleGlobals;
    private int funcIndex = -1;
    private Expression expr;
    private int pc;

    /** A control frame: the instruction that opened it, its types, and the stack heights at entry. */
    private static final class Frame {
        Opcode opcode;
        List<ValType> start;
        List<ValType> end;
        int height;
        int initHeight;
        boolean unreachable;
    }

    FunctionValidator(ModuleValidator mv) {
        this.mv = mv;
        this.types = mv.types;
    }

    // ---------------------------------------------------------------- entry points

    void validateFunction(int index, Function f) {
        funcIndex = index;
        expr = f.body();
        pc = -1;
        try {
            CompositeType.Func ft = mv.funcType(f.typeIndex());
            locals = mv.localTypes(ft, f);
            initialized = new boolean[locals.length];
            for (int i = 0; i < locals.length; i++) {
                initialized[i] = i < ft.params().size() || TypeSpace.isDefaultable(locals[i]);
            }
            constant = false;
            returnTypes = ft.results();
            run(f.body(), ft.results());
        } catch (InvalidException e) {
            throw located(e);
        }
    }

    void validateConst(Expression e, ValType type, int visible) {
        funcIndex = -1;
        expr = e;
        pc = -1;
        try {
            locals = new ValType[0];
            initialized = new boolean[0];
            constant = true;
            visibleGlobals = visible;
            returnTypes = List.of(type);
            run(e, returnTypes);
        } catch (InvalidException x) {
            throw located(x);
        }
    }

    /** Adds the function index and instruction offset to errors raised by index-space helpers. */
    private InvalidException located(InvalidException e) {
        if (e.function() >= 0 || e.offset() >= 0 || (funcIndex < 0 && pc < 0)) {
            return e;
        }
        return new InvalidException(e.reason(), funcIndex, expr.offsetOf(pc));
    }

    private InvalidException err(String reason) {
        return new InvalidException(reason, funcIndex, pc >= 0 ? expr.offsetOf(pc) : -1);
    }

    private void run(Expression e, List<ValType> results) {
        sp = 0;
        csp = 0;
        initSp = 0;
        pushCtrl(Opcode.BLOCK, List.of(), results);
        List<Instruction> code = e.instructions();
        for (pc = 0; pc < code.size(); pc++) {
            if (csp == 0) {
                throw err("operators remaining after end of function");
            }
            Instruction ins = code.get(pc);
            if (!carrierOf(ins.opcode().imm()).isInstance(ins)) {
                // Only a hand-built module gets here; parsers always pick the record the opcode's immediates fix.
                throw err("malformed instruction: " + ins.opcode().mnemonic() + " carried by "
                        + ins.getClass().getSimpleName());
            }
            if (constant) {
                checkConstant(ins);
            }
            instruction(ins);
        }
        pc = code.size() - 1;
        if (csp > 1) {
            throw err("unexpected end: unclosed block");
        }
        if (csp == 1) {
            popCtrl();
        }
    }

    private void checkConstant(Instruction ins) {
        switch (ins.opcode()) {
            case I32_CONST, I64_CONST, F32_CONST, F64_CONST, V128_CONST, REF_NULL, REF_FUNC, END,
                 I32_ADD, I32_SUB, I32_MUL, I64_ADD, I64_SUB, I64_MUL, REF_I31, ANY_CONVERT_EXTERN,
                 EXTERN_CONVERT_ANY, STRUCT_NEW, STRUCT_NEW_DEFAULT, ARRAY_NEW, ARRAY_NEW_DEFAULT,
                 ARRAY_NEW_FIXED -> {
            }
            case GLOBAL_GET -> {
                int x = ((Instruction.Index) ins).index();
                GlobalType g = mv.global(x, visibleGlobals);
                if (g.mutable()) {
                    throw err("constant expression required: global.get of mutable global " + x);
                }
            }
            default -> throw err("constant expression required: " + ins.opcode().mnemonic() + " is not constant");
        }
    }

    // ---------------------------------------------------------------- operand stack

    private void push(ValType t) {
        if (sp == vals.length) {
            vals = Arrays.copyOf(vals, sp * 2);
        }
        vals[sp++] = t;
    }

    private void pushVals(List<ValType> ts) {
        for (ValType t : ts) {
            push(t);
        }
    }

    private ValType pop() {
        Frame f = ctrls[csp - 1];
        if (sp == f.height) {
            if (f.unreachable) {
                return null;
            }
            throw err("type mismatch: instruction requires a value but stack has []");
        }
        return vals[--sp];
    }

    private boolean matches(ValType actual, ValType expected) {
        if (actual == null || expected == null) {
            return true;
        }
        if (actual == BOT_REF) {
            return expected instanceof RefType;
        }
        if (expected == BOT_REF) {
            return false;
        }
        return types.isSubtype(actual, expected);
    }

    /** Pops one value that must match {@code expected}; returns the actual type (null for Unknown). */
    private ValType pop(ValType expected) {
        Frame f = ctrls[csp - 1];
        if (sp == f.height) {
            if (f.unreachable) {
                return null;
            }
            throw mismatch("instruction", List.of(expected), 0);
        }
        ValType actual = vals[sp - 1];
        if (!matches(actual, expected)) {
            throw mismatch("instruction", List.of(expected), 1);
        }
        sp--;
        return actual;
    }

    /** Pops values matching {@code ts} (last on top); returns the actual types popped, deepest first. */
    private ValType[] popVals(List<ValType> ts) {
        int n = ts.size();
        Frame f = ctrls[csp - 1];
        int available = sp - f.height;
        int k = Math.min(n, available);
        boolean ok = f.unreachable || available >= n;
        for (int i = 0; ok && i < k; i++) {
            ok = matches(vals[sp - 1 - i], ts.get(n - 1 - i));
        }
        if (!ok) {
            throw mismatch("instruction", ts, k);
        }
        ValType[] actual = new ValType[n];
        for (int i = 0; i < k; i++) {
            actual[n - 1 - i] = vals[sp - 1 - i];
        }
        sp -= k;
        return actual;
    }

    /** Pops {@code count} values of type {@code t} without materialising a list of {@code count} entries. */
    private void popN(ValType t, long count) {
        Frame f = ctrls[csp - 1];
        int available = sp - f.height;
        if (count > available && !f.unreachable) {
            throw err("type mismatch: instruction requires " + count + " operands of type " + t + " but stack has "
                    + available + " values");
        }
        long k = Math.min(count, available);
        for (long i = 0; i < k; i++) {
            pop(t);
        }
    }

    /** The reference interpreter's wording: {@code type mismatch: instruction requires [i32] but stack has [i64]}. */
    private InvalidException mismatch(String what, List<ValType> required, int shown) {
        StringBuilder sb = new StringBuilder("type mismatch: ").append(what).append(" requires ");
        appendTypes(sb, required);
        sb.append(" but stack has ");
        appendTypes(sb, Arrays.asList(Arrays.copyOfRange(vals, sp - shown, sp)));
        return err(sb.toString());
    }

    private static void appendTypes(StringBuilder sb, List<ValType> ts) {
        sb.append('[');
        for (int i = 0; i < ts.size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            ValType t = ts.get(i);
            sb.append(t == null ? "_" : t == BOT_REF ? "(ref bot)" : t.toString());
        }
        sb.append(']');
    }

    private RefType popRef() {
        ValType t = pop();
        if (t == null) {
            return BOT_REF;
        }
        if (!(t instanceof RefType r)) {
            sp++;
            throw err("type mismatch: instruction requires a reference but stack has [" + t + "]");
        }
        return r;
    }

    private static RefType nonNull(RefType r) {
        return r == BOT_REF ? BOT_REF : r.asNonNull();
    }

    // ---------------------------------------------------------------- control stack

    private void pushCtrl(Opcode opcode, List<ValType> in, List<ValType> out) {
        if (csp == ctrls.length) {
            ctrls = Arrays.copyOf(ctrls, csp * 2);
        }
        Frame f = ctrls[csp];
        if (f == null) {
            f = ctrls[csp] = new Frame();
        }
        f.opcode = opcode;
        f.start = in;
        f.end = out;
        f.height = sp;
        f.initHeight = initSp;
        f.unreachable = false;
        csp++;
        pushVals(in);
    }

    private Frame popCtrl() {
        Frame f = ctrls[csp - 1];
        popVals(f.end);
        if (sp != f.height) {
            StringBuilder sb = new StringBuilder("type mismatch: block requires ");
            appendTypes(sb, f.end);
            sb.append(" but stack has ");
            appendTypes(sb, Arrays.asList(Arrays.copyOfRange(vals, f.height, sp)));
            throw err(sb.toString());
        }
        while (initSp > f.initHeight) {
            initialized[initStack[--initSp]] = false;
        }
        csp--;
        return f;
    }

    private void unreachable() {
        Frame f = ctrls[csp - 1];
        sp = f.height;
        f.unreachable = true;
    }

    private Frame label(int l) {
        if (l < 0 || l >= csp) {
            throw err("unknown label " + Integer.toUnsignedString(l));
        }
        return ctrls[csp - 1 - l];
    }

    private static List<ValType> labelTypes(Frame f) {
        return f.opcode == Opcode.LOOP ? f.start : f.end;
    }

    private void setInitialized(int x) {
        if (!initialized[x]) {
            initialized[x] = true;
            if (initSp == initStack.length) {
                initStack = Arrays.copyOf(initStack, initSp * 2);
            }
            initStack[initSp++] = x;
        }
    }

    /** [params, results] of a block type. */
    private List<ValType>[] blockType(BlockType bt) {
        @SuppressWarnings("unchecked")
        List<ValType>[] out = new List[2];
        switch (bt) {
            case BlockType.Empty e -> {
                out[0] = List.of();
                out[1] = List.of();
            }
            case BlockType.Value v -> {
                mv.validateValType(v.type());
                out[0] = List.of();
                out[1] = List.of(v.type());
            }
            case BlockType.TypeIndex t -> {
                CompositeType.Func f = mv.funcTypeChecked(t.typeIndex());
                out[0] = f.params();
                out[1] = f.results();
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- instructions

    private void instruction(Instruction ins) {
        Opcode op = ins.opcode();
        switch (op.imm()) {
            case MEMARG -> {
                memoryAccess(op, ((Instruction.Memory) ins).memArg());
                return;
            }
            case MEMARG_LANE -> {
                Instruction.MemoryLane ml = (Instruction.MemoryLane) ins;
                int lanes = 16 / NATURAL_BYTES[op.ordinal()];
                if (ml.lane() < 0 || ml.lane() >= lanes) {
                    throw err("invalid lane index " + ml.lane());
                }
                memoryAccess(op, ml.memArg());
                return;
            }
            case LANE -> {
                int lane = ((Instruction.Lane) ins).lane();
                if (lane < 0 || lane >= laneCount(op.mnemonic())) {
                    throw err("invalid lane index " + lane);
                }
            }
            case SHUFFLE -> {
                dev.basalt.wasm.V128 lanes = ((Instruction.Shuffle) ins).lanes();
                for (int i = 0; i < 16; i++) {
                    if (lanes.byteAt(i) >= 32) {
                        throw err("invalid lane index " + lanes.byteAt(i));
                    }
                }
            }
            default -> {
            }
        }
        if (op.hasFixedSignature()) {
            popVals(op.params());
            pushVals(op.results());
            return;
        }
        switch (ins) {
            case Instruction.Simple s -> simple(op);
            case Instruction.Block b -> block(op, b.type());
            case Instruction.Branch b -> branch(op, b.label());
            case Instruction.BranchTable bt -> brTable(bt);
            case Instruction.Index x -> index(op, x.index());
            case Instruction.IndexPair p -> indexPair(op, p.first(), p.second());
            case Instruction.SelectTyped s -> {
                if (s.types().size() != 1) {
                    throw err("invalid result arity");
                }
                ValType t = s.types().get(0);
                mv.validateValType(t);
                pop(NumType.I32);
                pop(t);
                pop(t);
                push(t);
            }
            case Instruction.HeapTypeInstr h -> heapTypeInstr(op, h.heapType());
            case Instruction.BrOnCast b -> brOnCast(op, b);
            case Instruction.TryTable t -> tryTable(t);
            default -> throw err("unsupported instruction " + op.mnemonic());
        }
    }

    private void simple(Opcode op) {
        switch (op) {
            case UNREACHABLE -> unreachable();
            case NOP -> {
            }
            case DROP -> pop();
            case SELECT -> {
                pop(NumType.I32);
                ValType t1 = pop();
                ValType t2 = pop();
                if (t1 instanceof RefType || t2 instanceof RefType) {
                    throw err("type mismatch: select without type needs number or vector operands");
                }
                if (t1 != null && t2 != null && t1 != t2) {
                    throw err("type mismatch: select operands " + t2 + " and " + t1 + " differ");
                }
                push(t1 == null ? t2 : t1);
            }
            case RETURN -> {
                popVals(returnTypes);
                unreachable();
            }
            case ELSE -> {
                Frame f = popCtrl();
                if (f.opcode != Opcode.IF) {
                    throw err("else without matching if");
                }
                pushCtrl(Opcode.ELSE, f.start, f.end);
            }
            case END -> {
                Frame f = popCtrl();
                if (f.opcode == Opcode.IF && !types.allSubtypes(f.start, f.end)) {
                    // An if without else passes its params through: they must match its results.
                    StringBuilder sb = new StringBuilder("type mismatch: if without else requires ");
                    appendTypes(sb, f.end);
                    sb.append(" but its parameters are ");
                    appendTypes(sb, f.start);
                    throw err(sb.toString());
                }
                if (csp > 0) {
                    pushVals(f.end);
                }
            }
            case CATCH_ALL -> {
                Frame f = popCtrl();
                if (f.opcode != Opcode.TRY && f.opcode != Opcode.CATCH) {
                    throw err("catch_all without matching try");
                }
                pushCtrl(Opcode.CATCH_ALL, List.of(), f.end);
            }
            case THROW_REF -> {
                pop(RefType.EXNREF);
                unreachable();
            }
            case REF_IS_NULL -> {
                popRef();
                push(NumType.I32);
            }
            case REF_AS_NON_NULL -> push(nonNull(popRef()));
            case REF_EQ -> {
                pop(RefType.EQREF);
                pop(RefType.EQREF);
                push(NumType.I32);
            }
            case REF_I31 -> {
                pop(NumType.I32);
                push(RefType.nonNull(AbsHeapType.I31));
            }
            case I31_GET_S, I31_GET_U -> {
                pop(RefType.I31REF);
                push(NumType.I32);
            }
            case ANY_CONVERT_EXTERN -> {
                ValType t = pop(RefType.EXTERNREF);
                push(new RefType(t instanceof RefType r && r != BOT_REF && r.nullable(), AbsHeapType.ANY));
            }
            case EXTERN_CONVERT_ANY -> {
                ValType t = pop(RefType.ANYREF);
                push(new RefType(t instanceof RefType r && r != BOT_REF && r.nullable(), AbsHeapType.EXTERN));
            }
            case ARRAY_LEN -> {
                pop(RefType.ARRAYREF);
                push(NumType.I32);
            }
            default -> throw err("unsupported instruction " + op.mnemonic());
        }
    }

    private void block(Opcode op, BlockType bt) {
        List<ValType>[] t = blockType(bt);
        if (op == Opcode.IF) {
            pop(NumType.I32);
        }
        popVals(t[0]);
        pushCtrl(op, t[0], t[1]);
    }

    private void branch(Opcode op, int l) {
        switch (op) {
            case BR -> {
                popVals(labelTypes(label(l)));
                unreachable();
            }
            case BR_IF -> {
                pop(NumType.I32);
                List<ValType> lt = labelTypes(label(l));
                popVals(lt);
                pushVals(lt);
            }
            case BR_ON_NULL -> {
                RefType rt = popRef();
                List<ValType> lt = labelTypes(label(l));
                popVals(lt);
                pushVals(lt);
                push(nonNull(rt));
            }
            case BR_ON_NON_NULL -> {
                RefType rt = popRef();
                List<ValType> lt = labelTypes(label(l));
                if (lt.isEmpty()) {
                    throw err("type mismatch: br_on_non_null target has no reference result");
                }
                push(nonNull(rt));
                popVals(lt);
                pushVals(lt.subList(0, lt.size() - 1));
            }
            case RETHROW -> {
                Frame f = label(l);
                if (f.opcode != Opcode.CATCH && f.opcode != Opcode.CATCH_ALL) {
                    throw err("invalid rethrow label");
                }
                unreachable();
            }
            case DELEGATE -> {
                Frame f = popCtrl();
                if (f.opcode != Opcode.TRY) {
                    throw err("delegate without matching try");
                }
                label(l);
                pushVals(f.end);
            }
            default -> throw err("unsupported instruction " + op.mnemonic());
        }
    }

    private void brTable(Instruction.BranchTable bt) {
        pop(NumType.I32);
        List<ValType> defaultTypes = labelTypes(label(bt.defaultLabel()));
        int arity = defaultTypes.size();
        for (int l : bt.labels()) {
            List<ValType> lt = labelTypes(label(l));
            if (lt.size() != arity) {
                throw err("type mismatch: br_table targets have different arities");
            }
            // Each target is checked against what is on the stack, which then stays there (Unknowns included).
            for (ValType t : popVals(lt)) {
                push(t);
            }
        }
        popVals(defaultTypes);
        unreachable();
    }

    private void index(Opcode op, int x) {
        switch (op) {
            case CALL -> {
                CompositeType.Func ft = mv.funcType(mv.function(x));
                popVals(ft.params());
                pushVals(ft.results());
            }
            case RETURN_CALL -> returnCall(mv.funcType(mv.function(x)));
            case CALL_REF -> {
                CompositeType.Func ft = mv.funcTypeChecked(x);
                pop(RefType.nullable(HeapType.concrete(x)));
                popVals(ft.params());
                pushVals(ft.results());
            }
            case RETURN_CALL_REF -> {
                CompositeType.Func ft = mv.funcTypeChecked(x);
                pop(RefType.nullable(HeapType.concrete(x)));
                returnCall(ft);
            }
            case THROW -> {
                popVals(mv.tag(x).params());
                unreachable();
            }
            case CATCH -> {
                CompositeType.Func tag = mv.tag(x);
                Frame f = popCtrl();
                if (f.opcode != Opcode.TRY && f.opcode != Opcode.CATCH) {
                    throw err("catch without matching try");
                }
                pushCtrl(Opcode.CATCH, tag.params(), f.end);
            }
            case LOCAL_GET -> {
                ValType t = local(x);
                if (!initialized[x]) {
                    throw err("uninitialized local " + x);
                }
                push(t);
            }
            case LOCAL_SET -> {
                pop(local(x));
                setInitialized(x);
            }
            case LOCAL_TEE -> {
                ValType t = local(x);
                pop(t);
                setInitialized(x);
                push(t);
            }
            case GLOBAL_GET -> push(mv.global(x, constant ? visibleGlobals : mv.globals.size()).type());
            case GLOBAL_SET -> {
                GlobalType g = mv.global(x, mv.globals.size());
                if (!g.mutable()) {
                    throw err("immutable global " + x);
                }
                pop(g.type());
            }
            case TABLE_GET -> {
                TableType t = mv.table(x);
                pop(t.addressType());
                push(t.elementType());
            }
            case TABLE_SET -> {
                TableType t = mv.table(x);
                pop(t.elementType());
                pop(t.addressType());
            }
            case TABLE_SIZE -> push(mv.table(x).addressType());
            case TABLE_GROW -> {
                TableType t = mv.table(x);
                pop(t.addressType());
                pop(t.elementType());
                push(t.addressType());
            }
            case TABLE_FILL -> {
                TableType t = mv.table(x);
                pop(t.addressType());
                pop(t.elementType());
                pop(t.addressType());
            }
            case ELEM_DROP -> mv.elem(x);
            case MEMORY_SIZE -> push(mv.memory(x).addressType());
            case MEMORY_GROW -> {
                NumType at = mv.memory(x).addressType();
                pop(at);
                push(at);
            }
            case MEMORY_FILL -> {
                NumType at = mv.memory(x).addressType();
                pop(at);
                pop(NumType.I32);
                pop(at);
            }
            case DATA_DROP -> mv.data(x);
            case REF_FUNC -> {
                int type = mv.function(x);
                if (!constant && !mv.declaredRefs.get(x)) {
                    throw err("undeclared function reference");
                }
                push(RefType.nonNull(HeapType.concrete(type)));
            }
            case STRUCT_NEW -> {
                List<FieldType> fields = mv.structFields(x);
                List<ValType> operands = new ArrayList<>(fields.size());
                for (FieldType f : fields) {
                    operands.add(TypeSpace.unpacked(f.storageType()));
                }
                popVals(operands);
                push(RefType.nonNull(HeapType.concrete(x)));
            }
            case STRUCT_NEW_DEFAULT -> {
                for (FieldType f : mv.structFields(x)) {
                    requireDefaultable(f.storageType());
                }
                push(RefType.nonNull(HeapType.concrete(x)));
            }
            case ARRAY_NEW -> {
                FieldType et = mv.arrayElement(x);
                pop(NumType.I32);
                pop(TypeSpace.unpacked(et.storageType()));
                push(RefType.nonNull(HeapType.concrete(x)));
            }
            case ARRAY_NEW_DEFAULT -> {
                requireDefaultable(mv.arrayElement(x).storageType());
                pop(NumType.I32);
                push(RefType.nonNull(HeapType.concrete(x)));
            }
            case ARRAY_GET, ARRAY_GET_S, ARRAY_GET_U -> {
                FieldType et = mv.arrayElement(x);
                checkPacking(op == Opcode.ARRAY_GET, et.storageType());
                pop(NumType.I32);
                pop(RefType.nullable(HeapType.concrete(x)));
                push(TypeSpace.unpacked(et.storageType()));
            }
            case ARRAY_SET -> {
                FieldType et = mutableArray(x);
                pop(TypeSpace.unpacked(et.storageType()));
                pop(NumType.I32);
                pop(RefType.nullable(HeapType.concrete(x)));
            }
            case ARRAY_FILL -> {
                FieldType et = mutableArray(x);
                pop(NumType.I32);
                pop(TypeSpace.unpacked(et.storageType()));
                pop(NumType.I32);
                pop(RefType.nullable(HeapType.concrete(x)));
            }
            default -> throw err("unsupported instruction " + op.mnemonic());
        }
    }

    private void indexPair(Opcode op, int a, int b) {
        switch (op) {
            case CALL_INDIRECT, RETURN_CALL_INDIRECT -> {
                TableType t = mv.table(b);
                if (!types.isSubtype(t.elementType(), RefType.FUNCREF)) {
                    throw err("type mismatch: call_indirect on table of type " + t.elementType());
                }
                CompositeType.Func ft = mv.funcTypeChecked(a);
                pop(t.addressType());
                if (op == Opcode.CALL_INDIRECT) {
                    popVals(ft.params());
                    pushVals(ft.results());
                } else {
                    returnCall(ft);
                }
            }
            case TABLE_COPY -> {
                TableType dst = mv.table(a);
                TableType src = mv.table(b);
                if (!types.isSubtype(src.elementType(), dst.elementType())) {
                    throw err("type mismatch: table.copy from " + src.elementType() + " to " + dst.elementType());
                }
                pop(dst.is64() && src.is64() ? NumType.I64 : NumType.I32);
                pop(src.addressType());
                pop(dst.addressType());
            }
            case TABLE_INIT -> {
                TableType t = mv.table(b);
                ElementSegment e = mv.elem(a);
                if (!types.isSubtype(e.type(), t.elementType())) {
                    throw err("type mismatch: table.init of " + e.type() + " into " + t.elementType());
                }
                pop(NumType.I32);
                pop(NumType.I32);
                pop(t.addressType());
            }
            case MEMORY_COPY -> {
                MemoryType dst = mv.memory(a);
                MemoryType src = mv.memory(b);
                pop(dst.is64() && src.is64() ? NumType.I64 : NumType.I32);
                pop(src.addressType());
                pop(dst.addressType());
            }
            case MEMORY_INIT -> {
                MemoryType m = mv.memory(b);
                mv.data(a);
                pop(NumType.I32);
                pop(NumType.I32);
                pop(m.addressType());
            }
            case STRUCT_GET, STRUCT_GET_S, STRUCT_GET_U -> {
                FieldType f = field(a, b);
                checkPacking(op == Opcode.STRUCT_GET, f.storageType());
                pop(RefType.nullable(HeapType.concrete(a)));
                push(TypeSpace.unpacked(f.storageType()));
            }
            case STRUCT_SET -> {
                FieldType f = field(a, b);
                if (!f.mutable()) {
                    throw err("immutable field " + b);
                }
                pop(TypeSpace.unpacked(f.storageType()));
                pop(RefType.nullable(HeapType.concrete(a)));
            }
            case ARRAY_NEW_FIXED -> {
                FieldType et = mv.arrayElement(a);
                popN(TypeSpace.unpacked(et.storageType()), Integer.toUnsignedLong(b));
                push(RefType.nonNull(HeapType.concrete(a)));
            }
            case ARRAY_NEW_DATA -> {
                FieldType et = mv.arrayElement(a);
                requireNumericArray(et);
                mv.data(b);
                pop(NumType.I32);
                pop(NumType.I32);
                push(RefType.nonNull(HeapType.concrete(a)));
            }
            case ARRAY_NEW_ELEM -> {
                FieldType et = mv.arrayElement(a);
                requireElemMatches(mv.elem(b), et);
                pop(NumType.I32);
                pop(NumType.I32);
                push(RefType.nonNull(HeapType.concrete(a)));
            }
            case ARRAY_COPY -> {
                FieldType dst = mutableArray(a);
                FieldType src = mv.arrayElement(b);
                if (!types.isSubtype(src.storageType(), dst.storageType())) {
                    throw err("array types do not match");
                }
                pop(NumType.I32);
                pop(NumType.I32);
                pop(RefType.nullable(HeapType.concrete(b)));
                pop(NumType.I32);
                pop(RefType.nullable(HeapType.concrete(a)));
            }
            case ARRAY_INIT_DATA -> {
                FieldType et = mutableArray(a);
                requireNumericArray(et);
                mv.data(b);
                pop(NumType.I32);
                pop(NumType.I32);
                pop(NumType.I32);
                pop(RefType.nullable(HeapType.concrete(a)));
            }
            case ARRAY_INIT_ELEM -> {
                FieldType et = mutableArray(a);
                requireElemMatches(mv.elem(b), et);
                pop(NumType.I32);
                pop(NumType.I32);
                pop(NumType.I32);
                pop(RefType.nullable(HeapType.concrete(a)));
            }
            default -> throw err("unsupported instruction " + op.mnemonic());
        }
    }

    private void heapTypeInstr(Opcode op, HeapType ht) {
        mv.validateHeapType(ht);
        switch (op) {
            case REF_NULL -> push(RefType.nullable(ht));
            case REF_TEST, REF_TEST_NULL -> {
                pop(RefType.nullable(types.top(ht)));
                push(NumType.I32);
            }
            case REF_CAST, REF_CAST_NULL -> {
                pop(RefType.nullable(types.top(ht)));
                push(new RefType(op == Opcode.REF_CAST_NULL, ht));
            }
            default -> throw err("unsupported instruction " + op.mnemonic());
        }
    }

    private void brOnCast(Opcode op, Instruction.BrOnCast b) {
        RefType from = b.from();
        RefType to = b.to();
        mv.validateValType(from);
        mv.validateValType(to);
        if (!types.isSubtype(to, from)) {
            throw err("type mismatch: cast target " + to + " is not a subtype of " + from);
        }
        pop(from);
        List<ValType> lt = labelTypes(label(b.label()));
        if (lt.isEmpty()) {
            throw err("type mismatch: " + op.mnemonic() + " target has no reference result");
        }
        // The part of `from` that the cast does not cover: non-null if the target admits null.
        RefType diff = new RefType(from.nullable() && !to.nullable(), from.heapType());
        boolean onCast = op == Opcode.BR_ON_CAST;
        push(onCast ? to : diff);
        popVals(lt);
        pushVals(lt.subList(0, lt.size() - 1));
        push(onCast ? diff : to);
    }

    private void tryTable(Instruction.TryTable t) {
        List<ValType>[] bt = blockType(t.type());
        popVals(bt[0]);
        for (Instruction.Catch c : t.catches()) {
            List<ValType> produced = new ArrayList<>();
            if (c.kind().hasTag()) {
                produced.addAll(mv.tag(c.tag()).params());
            }
            if (c.kind().pushesExnRef()) {
                produced.add(EXN_NON_NULL);
            }
            List<ValType> lt = labelTypes(label(c.label()));
            if (!types.allSubtypes(produced, lt)) {
                throw err("type mismatch: " + c.kind().text() + " produces " + produced + " but label "
                        + c.label() + " expects " + lt);
            }
        }
        pushCtrl(Opcode.TRY_TABLE, bt[0], bt[1]);
    }

    // ---------------------------------------------------------------- helpers

    /** The {@link Instruction} record that carries the immediates of this kind (see {@link Opcode.Imm}). */
    private static Class<? extends Instruction> carrierOf(Opcode.Imm imm) {
        return switch (imm) {
            case NONE, ZERO_BYTE -> Instruction.Simple.class;
            case BLOCK_TYPE -> Instruction.Block.class;
            case LABEL -> Instruction.Branch.class;
            case BR_TABLE -> Instruction.BranchTable.class;
            case INDEX -> Instruction.Index.class;
            case INDEX_PAIR -> Instruction.IndexPair.class;
            case MEMARG -> Instruction.Memory.class;
            case MEMARG_LANE -> Instruction.MemoryLane.class;
            case LANE -> Instruction.Lane.class;
            case SHUFFLE -> Instruction.Shuffle.class;
            case I32 -> Instruction.I32Const.class;
            case I64 -> Instruction.I64Const.class;
            case F32 -> Instruction.F32Const.class;
            case F64 -> Instruction.F64Const.class;
            case V128 -> Instruction.V128Const.class;
            case SELECT_TYPES -> Instruction.SelectTyped.class;
            case HEAP_TYPE -> Instruction.HeapTypeInstr.class;
            case BR_ON_CAST -> Instruction.BrOnCast.class;
            case TRY_TABLE -> Instruction.TryTable.class;
        };
    }

    private void returnCall(CompositeType.Func callee) {
        popVals(callee.params());
        if (!types.allSubtypes(callee.results(), returnTypes)) {
            throw err("type mismatch: tail call results " + callee.results() + " do not match " + returnTypes);
        }
        unreachable();
    }

    private ValType local(int x) {
        if (x < 0 || x >= locals.length) {
            throw err("unknown local " + Integer.toUnsignedString(x));
        }
        return locals[x];
    }

    private FieldType field(int typeIndex, int fieldIndex) {
        List<FieldType> fields = mv.structFields(typeIndex);
        if (fieldIndex < 0 || fieldIndex >= fields.size()) {
            throw err("unknown field " + Integer.toUnsignedString(fieldIndex));
        }
        return fields.get(fieldIndex);
    }

    private FieldType mutableArray(int typeIndex) {
        FieldType et = mv.arrayElement(typeIndex);
        if (!et.mutable()) {
            throw err("immutable array");
        }
        return et;
    }

    private void checkPacking(boolean plainGet, StorageType t) {
        boolean packed = t instanceof PackedType;
        if (plainGet && packed) {
            throw err("type mismatch: packed field needs get_s or get_u");
        }
        if (!plainGet && !packed) {
            throw err("type mismatch: get_s and get_u need a packed field");
        }
    }

    private void requireDefaultable(StorageType t) {
        if (t instanceof ValType v && !TypeSpace.isDefaultable(v)) {
            throw err("type mismatch: field type " + v + " is not defaultable");
        }
    }

    private void requireNumericArray(FieldType et) {
        if (!ModuleValidator.isNumericOrVector(et.storageType())) {
            throw err("array type is not numeric or vector");
        }
    }

    private void requireElemMatches(ElementSegment e, FieldType et) {
        if (!types.isSubtype(e.type(), TypeSpace.unpacked(et.storageType()))) {
            throw err("type mismatch: element segment of type " + e.type() + " for array of " + et.storageType());
        }
    }

    private void memoryAccess(Opcode op, MemArg memArg) {
        MemoryType m = mv.memory(memArg.memory());
        int natural = NATURAL_BYTES[op.ordinal()];
        int align = memArg.alignLog2();
        if (align < 0 || align >= 31 || (1 << align) > natural) {
            throw err("alignment must not be larger than natural");
        }
        if (op.prefix() == 0xFE && (1 << align) != natural) {
            throw err("atomic alignment must be natural");
        }
        if (!m.is64() && Long.compareUnsigned(memArg.offset(), 0xFFFF_FFFFL) > 0) {
            throw err("offset out of range");
        }
        popVals(op.params());
        pop(m.addressType());
        pushVals(op.results());
    }

    /** The access size in bytes of a memory instruction, derived from its mnemonic (e.g. i64.load32_s is 4). */
    static int naturalBytes(String mnemonic) {
        int dot = mnemonic.indexOf('.');
        String type = mnemonic.substring(0, dot);
        String rest = mnemonic.substring(dot + 1);
        if (type.equals("memory")) {
            // memory.atomic.notify / wait32 / wait64
            return rest.endsWith("wait64") ? 8 : 4;
        }
        if (rest.startsWith("atomic.")) {
            rest = rest.substring("atomic.".length());
        }
        int i = 0;
        while (i < rest.length() && Character.isLetter(rest.charAt(i))) {
            i++;
        }
        int j = i;
        while (j < rest.length() && Character.isDigit(rest.charAt(j))) {
            j++;
        }
        if (j == i) {
            return switch (type) {
                case "i32", "f32" -> 4;
                case "i64", "f64" -> 8;
                case "v128" -> 16;
                default -> throw new IllegalStateException("no access size for " + mnemonic);
            };
        }
        int bits = Integer.parseInt(rest.substring(i, j));
        if (j < rest.length() && rest.charAt(j) == 'x') {
            int k = j + 1;
            while (k < rest.length() && Character.isDigit(rest.charAt(k))) {
                k++;
            }
            return bits * Integer.parseInt(rest.substring(j + 1, k)) / 8;
        }
        return bits / 8;
    }

    /** The number of lanes of a SIMD shape mnemonic such as {@code i16x8.extract_lane_s}. */
    static int laneCount(String mnemonic) {
        int x = mnemonic.indexOf('x');
        int dot = mnemonic.indexOf('.');
        return Integer.parseInt(mnemonic.substring(x + 1, dot));
    }
}
