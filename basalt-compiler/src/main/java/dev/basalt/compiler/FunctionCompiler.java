package dev.basalt.compiler;

import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.runtime.DeadCode;
import dev.basalt.internal.ops.NumericOps;
import dev.basalt.spi.UnsupportedCodeException;
import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.ValType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Translates one function body to one static JVM method. Wasm locals are JVM locals, the Wasm operand stack is the
 * JVM operand stack (tracked here as descriptor characters so that branches can drop what lies under their
 * values), blocks and loops are labels. Semantics the JVM does not share exactly are calls to {@link NumericOps}
 * and {@link LinearMemory}, the same code the interpreter runs.
 *
 * <p>Unreachable code is skipped exactly as the interpreter's translator skips it, so fuel is counted alike: each
 * reachable instruction costs one unit, charged on function entry or at the header of the innermost loop.
 */
final class FunctionCompiler implements Opcodes {
    private static final String SUPPORT = "dev/basalt/compiler/Support";
    private static final String MEMORY = "dev/basalt/internal/memory/LinearMemory";
    private static final String NUMERIC = "dev/basalt/internal/ops/NumericOps";
    private static final Map<String, Method> NUMERIC_OPS = publicStatics(NumericOps.class);
    private static final Map<String, Method> MEMORY_OPS = publicMethods(LinearMemory.class);

    private static final int K_FUNC = 0;
    private static final int K_BLOCK = 1;
    private static final int K_LOOP = 2;
    private static final int K_IF = 3;

    private final ModuleCompiler mc;
    private final ClassWriter cw;
    private final int funcIndex;
    private final Function function;
    private final CompositeType.Func type;
    private MethodVisitor mv;

    /** JVM slot of each Wasm local, and its type. */
    private int[] localSlots;
    private char[] localTypes;
    private int instSlot;
    private int storeSlot;
    private int memSlot = -1;
    /** First free JVM local: temporaries are allocated from here and released in stack order. */
    private int nextSlot;

    private char[] stack = new char[16];
    private int sp;
    private final List<Ctl> ctls = new ArrayList<>();
    private int skipDepth;

    /** Fuel per loop, by instruction index of the {@code loop}; and the fuel charged on entry. */
    private final Map<Integer, Integer> loopFuel = new HashMap<>();
    private int entryFuel;

    private static final class Ctl {
        int kind;
        int height;
        char[] params;
        char[] results;
        Label target;
        Label end;
        Label elseLabel;
        boolean unreachable;
        boolean hasElse;
    }

    FunctionCompiler(ModuleCompiler mc, ClassWriter cw, int funcIndex, Function function) {
        this.mc = mc;
        this.cw = cw;
        this.funcIndex = funcIndex;
        this.function = function;
        this.type = mc.funcTypes.get(funcIndex);
    }

    private UnsupportedCodeException unsupported(String what) {
        return new UnsupportedCodeException(JvmCompiler.NAME, funcIndex, what);
    }

    void compile() {
        if (type.results().size() > 1) {
            throw unsupported("(multi-value function results)");
        }
        List<ValType> instrTypes = new ArrayList<>(type.params());
        for (Locals l : function.locals()) {
            if (l.count() > 65_535) {
                throw unsupported("(over 65535 locals)");
            }
            for (int i = 0; i < l.count(); i++) {
                instrTypes.add(l.type());
            }
        }
        for (ValType t : type.results()) {
            checkType(t);
        }
        localSlots = new int[instrTypes.size()];
        localTypes = new char[instrTypes.size()];
        int slot = 0;
        for (int i = 0; i < instrTypes.size(); i++) {
            char c = checkType(instrTypes.get(i));
            localSlots[i] = slot;
            localTypes[i] = c;
            slot += size(c);
        }
        // Descriptor order: parameters, then the instance; declared locals come after the instance.
        int paramSlots = 0;
        for (ValType p : type.params()) {
            paramSlots += size(ModuleCompiler.jvmType(p));
        }
        instSlot = paramSlots;
        for (int i = type.params().size(); i < localSlots.length; i++) {
            localSlots[i] += 1;
        }
        storeSlot = slot + 1;
        nextSlot = storeSlot + 1;
        if (!mc.memoryTypes.isEmpty()) {
            memSlot = nextSlot++;
        }
        countFuel();
        mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, ModuleCompiler.methodName(funcIndex), mc.descriptor(funcIndex),
                null, null);
        mv.visitCode();
        prologue();
        Ctl f = new Ctl();
        f.kind = K_FUNC;
        f.height = 0;
        f.params = new char[0];
        f.results = types(type.results());
        ctls.add(f);
        List<Instruction> body = function.body().instructions();
        for (int i = 0; i < body.size(); i++) {
            step(body.get(i), i);
        }
        // The body's implicit end (not in the instruction list).
        if (!ctls.isEmpty()) {
            end();
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private char checkType(ValType t) {
        char c = ModuleCompiler.jvmType(t);
        if (c == 0) {
            throw unsupported("(values of type " + t + ")");
        }
        return c;
    }

    private char[] types(List<ValType> ts) {
        char[] out = new char[ts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = checkType(ts.get(i));
        }
        return out;
    }

    static int size(char c) {
        return c == 'J' || c == 'D' ? 2 : 1;
    }

    private void prologue() {
        for (int i = type.params().size(); i < localSlots.length; i++) {
            switch (localTypes[i]) {
                case 'I' -> mv.visitInsn(ICONST_0);
                case 'J' -> mv.visitInsn(LCONST_0);
                case 'F' -> mv.visitInsn(FCONST_0);
                default -> mv.visitInsn(DCONST_0);
            }
            mv.visitVarInsn(opStore(localTypes[i]), localSlots[i]);
        }
        mv.visitVarInsn(ALOAD, instSlot);
        mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "store", "L" + ModuleCompiler.STORE + ";");
        mv.visitVarInsn(ASTORE, storeSlot);
        if (memSlot >= 0) {
            mv.visitVarInsn(ALOAD, instSlot);
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "mem0", "L" + MEMORY + ";");
            mv.visitVarInsn(ASTORE, memSlot);
        }
        // Record the frame (depth limit, backtraces), then charge the entry fuel.
        mv.visitVarInsn(ALOAD, storeSlot);
        mv.visitVarInsn(ALOAD, instSlot);
        mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "funcs", "[Ldev/basalt/internal/runtime/FunctionInstance;");
        pushInt(mv, funcIndex);
        mv.visitInsn(AALOAD);
        mv.visitMethodInsn(INVOKEVIRTUAL, ModuleCompiler.STORE, "enter",
                "(Ldev/basalt/internal/runtime/FunctionInstance;)V", false);
        charge(Math.max(1, entryFuel));
    }

    private void charge(int fuel) {
        mv.visitVarInsn(ALOAD, storeSlot);
        pushInt(mv, fuel);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "charge", "(L" + ModuleCompiler.STORE + ";I)V", false);
    }

    // ------------------------------------------------------------------ fuel pre-pass

    /** Counts fuel as the interpreter's translator does (same skipping of unreachable code). */
    private void countFuel() {
        List<Instruction> body = function.body().instructions();
        List<int[]> frames = new ArrayList<>(); // {kind, fuel, unreachable, loopInstr}
        frames.add(new int[] {K_FUNC, 0, 0, -1});
        DeadCode deadCode = new DeadCode();
        for (int i = 0; i < body.size() && !frames.isEmpty(); i++) {
            String name = body.get(i).opcode().name();
            int[] top = frames.get(frames.size() - 1);
            if (top[2] != 0 && deadCode.skip(body.get(i).opcode())) {
                continue;
            }
            int[] loop = null;
            for (int k = frames.size() - 1; k >= 0; k--) {
                if (frames.get(k)[0] == K_LOOP) {
                    loop = frames.get(k);
                    break;
                }
            }
            if (loop != null) {
                loop[1]++;
            } else {
                entryFuel++;
            }
            switch (name) {
                case "BLOCK", "IF", "TRY", "TRY_TABLE" -> frames.add(new int[] {K_BLOCK, 0, 0, -1});
                case "LOOP" -> frames.add(new int[] {K_LOOP, 1, 0, i});
                case "ELSE", "CATCH", "CATCH_ALL" -> top[2] = 0;
                case "END" -> {
                    int[] f = frames.remove(frames.size() - 1);
                    if (f[0] == K_LOOP) {
                        loopFuel.put(f[3], Math.max(1, f[1]));
                    }
                }
                case "UNREACHABLE", "BR", "BR_TABLE", "RETURN", "RETURN_CALL", "RETURN_CALL_INDIRECT",
                     "RETURN_CALL_REF", "THROW", "THROW_REF", "RETHROW" -> top[2] = 1;
                default -> {
                }
            }
        }
    }

    // ------------------------------------------------------------------ type stack

    private void push(char c) {
        if (sp == stack.length) {
            stack = java.util.Arrays.copyOf(stack, sp * 2);
        }
        stack[sp++] = c;
    }

    private char pop() {
        return stack[--sp];
    }

    private Ctl top() {
        return ctls.get(ctls.size() - 1);
    }

    private int newTemp(char c) {
        int s = nextSlot;
        nextSlot += size(c);
        return s;
    }

    // ------------------------------------------------------------------ instructions

    private void step(Instruction in, int index) {
        String name = in.opcode().name();
        Ctl top = top();
        if (top.unreachable) {
            switch (name) {
                case "BLOCK", "LOOP", "IF", "TRY", "TRY_TABLE" -> {
                    skipDepth++;
                    return;
                }
                case "END", "DELEGATE" -> {
                    if (skipDepth > 0) {
                        skipDepth--;
                        return;
                    }
                }
                case "ELSE", "CATCH", "CATCH_ALL" -> {
                    if (skipDepth > 0) {
                        return;
                    }
                }
                default -> {
                    return;
                }
            }
        }
        switch (in) {
            case Instruction.I32Const c -> {
                pushInt(mv, c.value());
                push('I');
                return;
            }
            case Instruction.I64Const c -> {
                mv.visitLdcInsn(c.value());
                push('J');
                return;
            }
            case Instruction.F32Const c -> {
                pushInt(mv, c.bits());
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
                push('F');
                return;
            }
            case Instruction.F64Const c -> {
                mv.visitLdcInsn(c.bits());
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
                push('D');
                return;
            }
            default -> {
            }
        }
        switch (name) {
            case "NOP" -> {
            }
            case "UNREACHABLE" -> {
                mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "unreachable", "()Ldev/basalt/Trap;", false);
                mv.visitInsn(ATHROW);
                markUnreachable();
            }
            case "BLOCK", "LOOP", "IF" -> block(name, (Instruction.Block) in, index);
            case "ELSE" -> {
                Ctl f = top();
                if (!f.unreachable) {
                    mv.visitJumpInsn(GOTO, f.end);
                }
                mv.visitLabel(f.elseLabel);
                f.hasElse = true;
                f.unreachable = false;
                sp = f.height;
                for (char c : f.params) {
                    push(c);
                }
            }
            case "END" -> end();
            case "BR" -> {
                branch(((Instruction.Branch) in).label());
                markUnreachable();
            }
            case "BR_IF" -> {
                pop();
                Ctl t = ctls.get(ctls.size() - 1 - ((Instruction.Branch) in).label());
                Label skip = new Label();
                if (t.kind != K_FUNC && sp - t.height - arity(t).length == 0) {
                    mv.visitJumpInsn(IFNE, t.target);
                } else {
                    mv.visitJumpInsn(IFEQ, skip);
                    branch(((Instruction.Branch) in).label());
                    mv.visitLabel(skip);
                }
            }
            case "BR_TABLE" -> brTable((Instruction.BranchTable) in);
            case "RETURN" -> {
                emitReturn();
                markUnreachable();
            }
            case "CALL" -> call(((Instruction.Index) in).index());
            case "CALL_INDIRECT" -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                callIndirect(p.first(), p.second());
            }
            case "DROP" -> mv.visitInsn(size(pop()) == 2 ? POP2 : POP);
            case "SELECT" -> select();
            case "SELECT_TYPED" -> {
                for (ValType t : ((Instruction.SelectTyped) in).types()) {
                    checkType(t);
                }
                select();
            }
            case "LOCAL_GET" -> {
                int l = ((Instruction.Index) in).index();
                mv.visitVarInsn(opLoad(localTypes[l]), localSlots[l]);
                push(localTypes[l]);
            }
            case "LOCAL_SET" -> {
                int l = ((Instruction.Index) in).index();
                pop();
                mv.visitVarInsn(opStore(localTypes[l]), localSlots[l]);
            }
            case "LOCAL_TEE" -> {
                int l = ((Instruction.Index) in).index();
                mv.visitInsn(size(localTypes[l]) == 2 ? DUP2 : DUP);
                mv.visitVarInsn(opStore(localTypes[l]), localSlots[l]);
            }
            case "GLOBAL_GET" -> {
                int g = ((Instruction.Index) in).index();
                char c = checkType(mc.globalTypes.get(g));
                global(g);
                mv.visitFieldInsn(GETFIELD, "dev/basalt/internal/runtime/GlobalInstance", "value", "J");
                fromSlot(mv, c);
                push(c);
            }
            case "GLOBAL_SET" -> {
                int g = ((Instruction.Index) in).index();
                char c = checkType(mc.globalTypes.get(g));
                pop();
                toSlot(mv, c);
                int t = newTemp('J');
                mv.visitVarInsn(LSTORE, t);
                global(g);
                mv.visitVarInsn(LLOAD, t);
                mv.visitFieldInsn(PUTFIELD, "dev/basalt/internal/runtime/GlobalInstance", "value", "J");
                nextSlot = t;
            }
            case "MEMORY_SIZE" -> {
                int m = ((Instruction.Index) in).index();
                memory(m);
                mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "size", "()J", false);
                if (!mc.memoryTypes.get(m).is64()) {
                    mv.visitInsn(L2I);
                }
                push(mc.memoryTypes.get(m).is64() ? 'J' : 'I');
            }
            case "MEMORY_GROW" -> {
                int m = ((Instruction.Index) in).index();
                boolean is64 = mc.memoryTypes.get(m).is64();
                pop();
                if (!is64) {
                    mv.visitInsn(I2L);
                }
                int t = newTemp('J');
                mv.visitVarInsn(LSTORE, t);
                mv.visitVarInsn(ALOAD, storeSlot);
                memory(m);
                mv.visitVarInsn(LLOAD, t);
                nextSlot = t;
                mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "memoryGrow",
                        "(L" + ModuleCompiler.STORE + ";L" + MEMORY + ";J)J", false);
                if (!is64) {
                    mv.visitInsn(L2I);
                }
                push(is64 ? 'J' : 'I');
            }
            case "MEMORY_FILL" -> {
                int m = ((Instruction.Index) in).index();
                char at = mc.memoryTypes.get(m).is64() ? 'J' : 'I';
                int mark = nextSlot;
                int len = newTemp(at);
                int value = newTemp('I');
                int dst = newTemp(at);
                sp -= 3;
                mv.visitVarInsn(opStore(at), len);
                mv.visitVarInsn(ISTORE, value);
                mv.visitVarInsn(opStore(at), dst);
                memory(m);
                loadAddress(at, dst);
                mv.visitVarInsn(ILOAD, value);
                loadAddress(at, len);
                mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "fill", "(JIJ)V", false);
                nextSlot = mark;
            }
            case "MEMORY_INIT" -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                int m = p.second();
                char at = mc.memoryTypes.get(m).is64() ? 'J' : 'I';
                int mark = nextSlot;
                int len = newTemp('I');
                int src = newTemp('I');
                int dst = newTemp(at);
                sp -= 3;
                mv.visitVarInsn(ISTORE, len);
                mv.visitVarInsn(ISTORE, src);
                mv.visitVarInsn(opStore(at), dst);
                memory(m);
                loadAddress(at, dst);
                mv.visitVarInsn(ALOAD, instSlot);
                mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "datas", "[[B");
                pushInt(mv, p.first());
                mv.visitInsn(AALOAD);
                loadAddress('I', src);
                loadAddress('I', len);
                mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "init", "(J[BJJ)V", false);
                nextSlot = mark;
            }
            case "DATA_DROP" -> {
                mv.visitVarInsn(ALOAD, instSlot);
                mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "datas", "[[B");
                pushInt(mv, ((Instruction.Index) in).index());
                mv.visitInsn(ICONST_0);
                mv.visitIntInsn(NEWARRAY, T_BYTE);
                mv.visitInsn(AASTORE);
            }
            case "MEMORY_COPY" -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                boolean dst64 = mc.memoryTypes.get(p.first()).is64();
                boolean src64 = mc.memoryTypes.get(p.second()).is64();
                char dt = dst64 ? 'J' : 'I';
                char st = src64 ? 'J' : 'I';
                char lt = dst64 && src64 ? 'J' : 'I';
                int mark = nextSlot;
                int len = newTemp(lt);
                int src = newTemp(st);
                int dst = newTemp(dt);
                sp -= 3;
                mv.visitVarInsn(opStore(lt), len);
                mv.visitVarInsn(opStore(st), src);
                mv.visitVarInsn(opStore(dt), dst);
                memory(p.first());
                if (p.first() != p.second()) {
                    memory(p.second());
                }
                loadAddress(dt, dst);
                loadAddress(st, src);
                loadAddress(lt, len);
                if (p.first() == p.second()) {
                    mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "copy", "(JJJ)V", false);
                } else {
                    mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "copyFrom", "(L" + MEMORY + ";JJJ)V", false);
                }
                nextSlot = mark;
            }
            default -> {
                if (in instanceof Instruction.Memory m && memoryAccess(name, m.memArg())) {
                    return;
                }
                if (in instanceof Instruction.Simple && numeric(name)) {
                    return;
                }
                throw unsupported(in.opcode().mnemonic());
            }
        }
    }

    private void markUnreachable() {
        Ctl f = top();
        f.unreachable = true;
        sp = f.height;
    }

    private char[] arity(Ctl c) {
        return c.kind == K_LOOP ? c.params : c.results;
    }

    private void block(String name, Instruction.Block b, int index) {
        char[] params;
        char[] results;
        switch (b.type()) {
            case BlockType.Empty e -> {
                params = new char[0];
                results = new char[0];
            }
            case BlockType.Value v -> {
                params = new char[0];
                results = new char[] {checkType(v.type())};
            }
            case BlockType.TypeIndex ti -> {
                CompositeType.Func ft = mc.funcType(ti.typeIndex());
                params = types(ft.params());
                results = types(ft.results());
            }
        }
        if (name.equals("IF")) {
            pop();
        }
        Ctl c = new Ctl();
        c.params = params;
        c.results = results;
        c.height = sp - params.length;
        c.end = new Label();
        switch (name) {
            case "BLOCK" -> {
                c.kind = K_BLOCK;
                c.target = c.end;
            }
            case "LOOP" -> {
                c.kind = K_LOOP;
                c.target = new Label();
                mv.visitLabel(c.target);
                charge(loopFuel.getOrDefault(index, 1));
            }
            default -> {
                c.kind = K_IF;
                c.target = c.end;
                c.elseLabel = new Label();
                mv.visitJumpInsn(IFEQ, c.elseLabel);
            }
        }
        ctls.add(c);
    }

    private void end() {
        Ctl c = ctls.remove(ctls.size() - 1);
        if (c.kind == K_FUNC) {
            if (!c.unreachable) {
                emitReturn(c);
            }
            return;
        }
        if (c.kind == K_IF && !c.hasElse) {
            mv.visitLabel(c.elseLabel);
        }
        mv.visitLabel(c.end);
        sp = c.height;
        for (char r : c.results) {
            push(r);
        }
    }

    /** Branches to label {@code depth}: moves its values down over whatever lies between, then jumps. */
    private void branch(int depth) {
        Ctl t = ctls.get(ctls.size() - 1 - depth);
        if (t.kind == K_FUNC) {
            emitReturn(t);
            return;
        }
        char[] values = arity(t);
        int extra = sp - t.height - values.length;
        if (extra > 0) {
            int mark = nextSlot;
            int[] temps = new int[values.length];
            for (int i = values.length - 1; i >= 0; i--) {
                temps[i] = newTemp(values[i]);
                mv.visitVarInsn(opStore(values[i]), temps[i]);
            }
            for (int i = sp - values.length - 1; i >= t.height; i--) {
                mv.visitInsn(size(stack[i]) == 2 ? POP2 : POP);
            }
            for (int i = 0; i < values.length; i++) {
                mv.visitVarInsn(opLoad(values[i]), temps[i]);
            }
            nextSlot = mark;
        }
        mv.visitJumpInsn(GOTO, t.target);
    }

    private void brTable(Instruction.BranchTable bt) {
        pop();
        int n = bt.labels().size();
        Label[] stubs = new Label[n];
        Label dflt = new Label();
        for (int i = 0; i < n; i++) {
            stubs[i] = new Label();
        }
        if (n == 0) {
            mv.visitInsn(POP);
            branch(bt.defaultLabel());
        } else {
            mv.visitTableSwitchInsn(0, n - 1, dflt, stubs);
            for (int i = 0; i < n; i++) {
                mv.visitLabel(stubs[i]);
                branch(bt.labels().get(i));
            }
            mv.visitLabel(dflt);
            branch(bt.defaultLabel());
        }
        markUnreachable();
    }

    private void emitReturn() {
        emitReturn(ctls.get(0));
    }

    private void emitReturn(Ctl func) {
        // The frame leaves the store's call stack; values under the result are left on the JVM stack (allowed).
        mv.visitVarInsn(ALOAD, storeSlot);
        mv.visitInsn(DUP);
        mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "depth", "I");
        mv.visitInsn(ICONST_1);
        mv.visitInsn(ISUB);
        mv.visitFieldInsn(PUTFIELD, ModuleCompiler.STORE, "depth", "I");
        if (func.results.length == 0) {
            mv.visitInsn(RETURN);
        } else {
            mv.visitInsn(switch (func.results[0]) {
                case 'I' -> IRETURN;
                case 'J' -> LRETURN;
                case 'F' -> FRETURN;
                default -> DRETURN;
            });
        }
    }

    private void select() {
        pop();
        char t = pop();
        pop();
        Label pickSecond = new Label();
        Label done = new Label();
        mv.visitJumpInsn(IFEQ, pickSecond);
        mv.visitInsn(size(t) == 2 ? POP2 : POP);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(pickSecond);
        if (size(t) == 2) {
            mv.visitInsn(DUP2_X2);
            mv.visitInsn(POP2);
            mv.visitInsn(POP2);
        } else {
            mv.visitInsn(SWAP);
            mv.visitInsn(POP);
        }
        mv.visitLabel(done);
        push(t);
    }

    /** Loads an address or length local as the unsigned {@code long} the memory API takes. */
    private void loadAddress(char t, int slot) {
        mv.visitVarInsn(opLoad(t), slot);
        if (t == 'I') {
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
        }
    }

    private void global(int g) {
        mv.visitVarInsn(ALOAD, instSlot);
        mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "globals", "[Ldev/basalt/internal/runtime/GlobalInstance;");
        pushInt(mv, g);
        mv.visitInsn(AALOAD);
    }

    private void memory(int m) {
        if (m == 0) {
            mv.visitVarInsn(ALOAD, memSlot);
        } else {
            mv.visitVarInsn(ALOAD, instSlot);
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "memories", "[L" + MEMORY + ";");
            pushInt(mv, m);
            mv.visitInsn(AALOAD);
        }
    }

    // ------------------------------------------------------------------ calls

    private void call(int callee) {
        CompositeType.Func ft = mc.funcTypes.get(callee);
        if (ft.results().size() > 1) {
            throw unsupported("call (multi-value results)");
        }
        char[] params = types(ft.params());
        char[] results = types(ft.results());
        if (callee >= mc.importedFuncs) {
            sp -= params.length;
            mv.visitVarInsn(ALOAD, instSlot);
            mv.visitMethodInsn(INVOKESTATIC, mc.className, ModuleCompiler.methodName(callee), mc.descriptor(callee),
                    false);
            for (char r : results) {
                push(r);
            }
            return;
        }
        int mark = nextSlot;
        int base = spillArguments(params, results.length);
        mv.visitVarInsn(ALOAD, storeSlot);
        mv.visitVarInsn(ALOAD, instSlot);
        pushInt(mv, callee);
        mv.visitVarInsn(ILOAD, base);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "callFunction",
                "(L" + ModuleCompiler.STORE + ";L" + ModuleCompiler.INST + ";II)V", false);
        loadResult(base, results);
        nextSlot = mark;
    }

    private void callIndirect(int typeIndex, int tableIndex) {
        CompositeType.Func ft = mc.funcType(typeIndex);
        if (ft.results().size() > 1) {
            throw unsupported("call_indirect (multi-value results)");
        }
        char[] params = types(ft.params());
        char[] results = types(ft.results());
        int mark = nextSlot;
        char it = pop();
        if (it == 'I') {
            mv.visitInsn(I2L);
        }
        int rawIndex = newTemp('J');
        mv.visitVarInsn(LSTORE, rawIndex);
        int base = spillArguments(params, results.length);
        mv.visitVarInsn(ALOAD, storeSlot);
        mv.visitVarInsn(ALOAD, instSlot);
        pushInt(mv, typeIndex);
        pushInt(mv, tableIndex);
        mv.visitVarInsn(LLOAD, rawIndex);
        mv.visitVarInsn(ILOAD, base);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "callIndirect",
                "(L" + ModuleCompiler.STORE + ";L" + ModuleCompiler.INST + ";IIJI)V", false);
        loadResult(base, results);
        nextSlot = mark;
    }

    /** Moves the arguments from the JVM stack to the store's value stack; returns the JVM local holding the base. */
    private int spillArguments(char[] params, int resultCount) {
        int[] temps = new int[params.length];
        for (int i = params.length - 1; i >= 0; i--) {
            pop();
            toSlot(mv, params[i]);
            temps[i] = newTemp('J');
            mv.visitVarInsn(LSTORE, temps[i]);
        }
        int base = newTemp('I');
        mv.visitVarInsn(ALOAD, storeSlot);
        pushInt(mv, Math.max(params.length, resultCount));
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "reserve", "(L" + ModuleCompiler.STORE + ";I)I", false);
        mv.visitVarInsn(ISTORE, base);
        for (int i = 0; i < params.length; i++) {
            mv.visitVarInsn(ALOAD, storeSlot);
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "stack", "[J");
            mv.visitVarInsn(ILOAD, base);
            pushInt(mv, i);
            mv.visitInsn(IADD);
            mv.visitVarInsn(LLOAD, temps[i]);
            mv.visitInsn(LASTORE);
        }
        return base;
    }

    private void loadResult(int base, char[] results) {
        if (results.length == 1) {
            mv.visitVarInsn(ALOAD, storeSlot);
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "stack", "[J");
            mv.visitVarInsn(ILOAD, base);
            mv.visitInsn(LALOAD);
            fromSlot(mv, results[0]);
            push(results[0]);
        }
    }

    // ------------------------------------------------------------------ memory and numeric instructions

    private boolean memoryAccess(String name, MemArg arg) {
        Method m = MEMORY_OPS.get(camel(name));
        if (m == null || !(name.contains("_LOAD") || name.contains("_STORE"))) {
            return false;
        }
        if (name.startsWith("V128") || name.contains("ATOMIC")) {
            return false;
        }
        boolean is64 = mc.memoryTypes.get(arg.memory()).is64();
        boolean store = name.contains("_STORE");
        int mark = nextSlot;
        int value = -1;
        char vt = 0;
        if (store) {
            vt = pop();
            value = newTemp(vt);
            mv.visitVarInsn(opStore(vt), value);
        }
        pop();
        if (!is64) {
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "toUnsignedLong", "(I)J", false);
        }
        int address = newTemp('J');
        mv.visitVarInsn(LSTORE, address);
        memory(arg.memory());
        mv.visitVarInsn(LLOAD, address);
        mv.visitLdcInsn(arg.offset());
        if (store) {
            Class<?> p = m.getParameterTypes()[2];
            mv.visitVarInsn(opLoad(vt), value);
            if (p == int.class && vt == 'J') {
                mv.visitInsn(L2I); // i64.store8/16/32 take the low bits (the memory API's int-typed narrow stores)
            }
        }
        mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, m.getName(), Type.getMethodDescriptor(m), false);
        if (!store) {
            char r = Type.getType(m.getReturnType()).getDescriptor().charAt(0);
            if (name.startsWith("I64") && r == 'I') {
                mv.visitInsn(I2L);
                r = 'J';
            }
            push(r);
        }
        nextSlot = mark;
        return true;
    }

    private boolean numeric(String name) {
        if (inline(name)) {
            return true;
        }
        Method m = NUMERIC_OPS.get(camel(name));
        if (m == null) {
            return false;
        }
        for (int i = m.getParameterCount() - 1; i >= 0; i--) {
            pop();
        }
        mv.visitMethodInsn(INVOKESTATIC, NUMERIC, m.getName(), Type.getMethodDescriptor(m), false);
        push(Type.getType(m.getReturnType()).getDescriptor().charAt(0));
        return true;
    }

    /** Instructions whose JVM counterpart has exactly the Wasm semantics. */
    private boolean inline(String name) {
        switch (name) {
            case "I32_ADD" -> binary(IADD, 'I');
            case "I32_SUB" -> binary(ISUB, 'I');
            case "I32_MUL" -> binary(IMUL, 'I');
            case "I32_AND" -> binary(IAND, 'I');
            case "I32_OR" -> binary(IOR, 'I');
            case "I32_XOR" -> binary(IXOR, 'I');
            case "I32_SHL" -> binary(ISHL, 'I');
            case "I32_SHR_S" -> binary(ISHR, 'I');
            case "I32_SHR_U" -> binary(IUSHR, 'I');
            case "I64_ADD" -> binary(LADD, 'J');
            case "I64_SUB" -> binary(LSUB, 'J');
            case "I64_MUL" -> binary(LMUL, 'J');
            case "I64_AND" -> binary(LAND, 'J');
            case "I64_OR" -> binary(LOR, 'J');
            case "I64_XOR" -> binary(LXOR, 'J');
            case "I64_SHL", "I64_SHR_S", "I64_SHR_U" -> {
                // JVM long shifts take an int count and mask it with 63, as Wasm does.
                mv.visitInsn(L2I);
                binary(name.equals("I64_SHL") ? LSHL : name.equals("I64_SHR_S") ? LSHR : LUSHR, 'J');
            }
            case "F32_ADD" -> binary(FADD, 'F');
            case "F32_SUB" -> binary(FSUB, 'F');
            case "F32_MUL" -> binary(FMUL, 'F');
            case "F32_DIV" -> binary(FDIV, 'F');
            case "F64_ADD" -> binary(DADD, 'D');
            case "F64_SUB" -> binary(DSUB, 'D');
            case "F64_MUL" -> binary(DMUL, 'D');
            case "F64_DIV" -> binary(DDIV, 'D');
            case "I32_WRAP_I64" -> convert(L2I, 'I');
            case "I64_EXTEND_I32_S" -> convert(I2L, 'J');
            case "F32_CONVERT_I32_S" -> convert(I2F, 'F');
            case "F32_CONVERT_I64_S" -> convert(L2F, 'F');
            case "F64_CONVERT_I32_S" -> convert(I2D, 'D');
            case "F64_CONVERT_I64_S" -> convert(L2D, 'D');
            case "I32_EQZ" -> {
                pop();
                compare(IFEQ);
            }
            case "I64_EQZ" -> {
                pop();
                mv.visitInsn(LCONST_0);
                mv.visitInsn(LCMP);
                compare(IFEQ);
            }
            case "I32_EQ" -> intCompare(IF_ICMPEQ);
            case "I32_NE" -> intCompare(IF_ICMPNE);
            case "I32_LT_S" -> intCompare(IF_ICMPLT);
            case "I32_GT_S" -> intCompare(IF_ICMPGT);
            case "I32_LE_S" -> intCompare(IF_ICMPLE);
            case "I32_GE_S" -> intCompare(IF_ICMPGE);
            case "I32_LT_U" -> unsignedCompare("java/lang/Integer", "(II)I", IFLT);
            case "I32_GT_U" -> unsignedCompare("java/lang/Integer", "(II)I", IFGT);
            case "I32_LE_U" -> unsignedCompare("java/lang/Integer", "(II)I", IFLE);
            case "I32_GE_U" -> unsignedCompare("java/lang/Integer", "(II)I", IFGE);
            case "I64_EQ" -> cmpCompare(LCMP, IFEQ);
            case "I64_NE" -> cmpCompare(LCMP, IFNE);
            case "I64_LT_S" -> cmpCompare(LCMP, IFLT);
            case "I64_GT_S" -> cmpCompare(LCMP, IFGT);
            case "I64_LE_S" -> cmpCompare(LCMP, IFLE);
            case "I64_GE_S" -> cmpCompare(LCMP, IFGE);
            case "I64_LT_U" -> unsignedCompare("java/lang/Long", "(JJ)I", IFLT);
            case "I64_GT_U" -> unsignedCompare("java/lang/Long", "(JJ)I", IFGT);
            case "I64_LE_U" -> unsignedCompare("java/lang/Long", "(JJ)I", IFLE);
            case "I64_GE_U" -> unsignedCompare("java/lang/Long", "(JJ)I", IFGE);
            // NaN: FCMPL gives -1 and FCMPG +1, chosen so that every ordered comparison with NaN is false.
            case "F32_EQ" -> cmpCompare(FCMPL, IFEQ);
            case "F32_NE" -> cmpCompare(FCMPL, IFNE);
            case "F32_LT" -> cmpCompare(FCMPG, IFLT);
            case "F32_GT" -> cmpCompare(FCMPL, IFGT);
            case "F32_LE" -> cmpCompare(FCMPG, IFLE);
            case "F32_GE" -> cmpCompare(FCMPL, IFGE);
            case "F64_EQ" -> cmpCompare(DCMPL, IFEQ);
            case "F64_NE" -> cmpCompare(DCMPL, IFNE);
            case "F64_LT" -> cmpCompare(DCMPG, IFLT);
            case "F64_GT" -> cmpCompare(DCMPL, IFGT);
            case "F64_LE" -> cmpCompare(DCMPG, IFLE);
            case "F64_GE" -> cmpCompare(DCMPL, IFGE);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void binary(int opcode, char result) {
        pop();
        pop();
        mv.visitInsn(opcode);
        push(result);
    }

    private void convert(int opcode, char result) {
        pop();
        mv.visitInsn(opcode);
        push(result);
    }

    private void intCompare(int ifOpcode) {
        pop();
        pop();
        compare(ifOpcode);
    }

    private void cmpCompare(int cmpOpcode, int ifOpcode) {
        pop();
        pop();
        mv.visitInsn(cmpOpcode);
        compare(ifOpcode);
    }

    private void unsignedCompare(String owner, String desc, int ifOpcode) {
        pop();
        pop();
        mv.visitMethodInsn(INVOKESTATIC, owner, "compareUnsigned", desc, false);
        compare(ifOpcode);
    }

    /** Turns a conditional jump on the stack's top into 1 (taken) or 0. */
    private void compare(int ifOpcode) {
        Label yes = new Label();
        Label done = new Label();
        mv.visitJumpInsn(ifOpcode, yes);
        mv.visitInsn(ICONST_0);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(yes);
        mv.visitInsn(ICONST_1);
        mv.visitLabel(done);
        push('I');
    }

    // ------------------------------------------------------------------ helpers

    /** {@code I32_TRUNC_F32_S} -> {@code i32TruncF32S}: the naming of {@link NumericOps} and {@link LinearMemory}. */
    static String camel(String opcodeName) {
        String[] parts = opcodeName.split("_");
        StringBuilder sb = new StringBuilder(parts[0].toLowerCase(java.util.Locale.ROOT));
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].toLowerCase(java.util.Locale.ROOT);
            sb.append(Character.toUpperCase(p.charAt(0))).append(p, 1, p.length());
        }
        return sb.toString();
    }

    private static Map<String, Method> publicStatics(Class<?> c) {
        Map<String, Method> out = new HashMap<>();
        for (Method m : c.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && primitiveSignature(m)) {
                out.put(m.getName(), m);
            }
        }
        return out;
    }

    private static Map<String, Method> publicMethods(Class<?> c) {
        Map<String, Method> out = new HashMap<>();
        for (Method m : c.getMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) && primitiveSignature(m)) {
                out.put(m.getName(), m);
            }
        }
        return out;
    }

    private static boolean primitiveSignature(Method m) {
        for (Class<?> p : m.getParameterTypes()) {
            if (!p.isPrimitive()) {
                return false;
            }
        }
        return m.getReturnType().isPrimitive();
    }

    static void pushInt(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(ICONST_0 + v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            mv.visitIntInsn(BIPUSH, v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            mv.visitIntInsn(SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    /** Converts a value-stack slot ({@code long}) to the JVM type {@code c}. */
    static void fromSlot(MethodVisitor mv, char c) {
        switch (c) {
            case 'I' -> mv.visitInsn(L2I);
            case 'F' -> {
                mv.visitInsn(L2I);
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
            }
            case 'D' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
            default -> {
            }
        }
    }

    /** Converts a JVM value of type {@code c} to its value-stack slot form ({@code long}, floats as raw bits). */
    static void toSlot(MethodVisitor mv, char c) {
        switch (c) {
            case 'I' -> mv.visitInsn(I2L);
            case 'F' -> {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                mv.visitInsn(I2L);
            }
            case 'D' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
            default -> {
            }
        }
    }

    static int opLoad(char c) {
        return switch (c) {
            case 'I' -> ILOAD;
            case 'J' -> LLOAD;
            case 'F' -> FLOAD;
            default -> DLOAD;
        };
    }

    static int opStore(char c) {
        return switch (c) {
            case 'I' -> ISTORE;
            case 'J' -> LSTORE;
            case 'F' -> FSTORE;
            default -> DSTORE;
        };
    }
}
