package dev.basalt.compiler;

import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.WasmModule;
import java.util.List;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Calls and returns: {@code call}, {@code call_indirect}, {@code call_ref}, and how results leave a function.
 *
 * <p>Calling convention of the generated methods: Wasm parameters, then the {@code ModuleInstance}, then the call
 * depth room (an int: how many frames may still be entered below the callee, see {@link FunctionCompiler#roomSlot}:
 * the callee traps when it is negative; a tail-called function gets its caller's, as it replaces its frame); a function with
 * one result returns it (the common case stays a plain JVM return), a function with several results writes them
 * to the store's value stack at {@code StoreState.top} and returns void, and the caller reads them from there right
 * after the call. That place is free: {@code top} only moves while a call through the runtime is in progress and
 * is restored when it returns, so it is the same before and after a call, and nothing runs between the callee's
 * writes and the caller's reads.
 *
 * <p>{@code call_indirect} and {@code call_ref} find and check the callee as the interpreter does, then call it
 * through a per-signature dispatcher with the arguments as they are: the module's own functions directly, anything
 * else through the runtime (see {@link IndirectCalls}). Calls of imports use the runtime's convention: arguments and
 * results on the store's value stack (see {@link ValueStack}), through {@link Support}.
 *
 * <p>Tail calls ({@code return_call}, {@code return_call_indirect}, {@code return_call_ref}) must not grow the JVM
 * stack, however long the chain (the spec tests recurse a million times through mutually tail-calling functions):
 * <ul>
 *   <li>A self tail call stores the arguments into the parameter locals and jumps back to just after the frame
 *       was recorded (declared locals reset, entry fuel charged, as the interpreter re-enters a replaced frame).
 *   <li>A tail call to a function of the module that makes no tail calls other than to itself (a "leaf") is a
 *       plain {@code invokestatic} after the frame is popped: the leaf cannot continue the chain, so the JVM
 *       stack grows by one frame at most.
 *   <li>Every other tail call leaves the method: the function's body is compiled as {@code f<index>$tail}
 *       (same parameters, returns a {@code FunctionInstance}), which writes the callee's arguments to the store's
 *       value stack at {@code top}, pops its frame and returns the callee; a normal return writes the results
 *       there and returns null. {@code f<index>} becomes a small wrapper that calls {@code f<index>$tail} and,
 *       when a callee is pending, runs {@link Support#trampoline}: a loop that runs each next function of the
 *       chain on the same JVM frame ({@link Invoker#invokeTail}; also across compiled modules), then returns the
 *       final results.
 * </ul>
 * Only functions that contain such tail calls pay for the wrapper; all other calls stay direct.
 */
final class CallCodegen implements Opcodes {
    private static final String SUPPORT = "dev/basalt/compiler/Support";
    private static final String STORE_DESC = "L" + ModuleCompiler.STORE + ";";
    private static final String INST_DESC = "L" + ModuleCompiler.INST + ";";

    static final String FUNC_DESC = "Ldev/basalt/internal/runtime/FunctionInstance;";

    /**
     * With the instance and a function index on the JVM stack: replaces them with the function's instance, which
     * {@code ModuleInstance.func} makes on first use (instances make their functions lazily).
     */
    static void invokeFunc(MethodVisitor mv) {
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, ModuleCompiler.INST, "func", "(I)" + FUNC_DESC,
                false);
    }
    private static final String TABLE_DESC = "Ldev/basalt/internal/runtime/TableInstance;";

    private final FunctionCompiler fc;

    CallCodegen(FunctionCompiler fc) {
        this.fc = fc;
    }

    static String tailBodyName(int funcIndex) {
        return ModuleCompiler.methodName(funcIndex) + "$tail";
    }

    /** Whether this function's body is a tail-call body {@code f<index>$tail} behind a wrapper (see above). */
    boolean tailBody() {
        return fc.mc.tailBodies[fc.funcIndex - fc.mc.importedFuncs];
    }

    /** Per defined function: whether it makes tail calls other than to itself (if not, it is a "leaf"). */
    static boolean[] tailCallers(WasmModule module, int imported) {
        List<Function> functions = module.functions();
        boolean[] out = new boolean[functions.size()];
        for (int i = 0; i < out.length; i++) {
            int self = imported + i;
            for (Instruction in : functions.get(i).body().instructions()) {
                switch (in.opcode()) {
                    case RETURN_CALL_INDIRECT, RETURN_CALL_REF -> out[i] = true;
                    case RETURN_CALL -> out[i] |= ((Instruction.Index) in).index() != self;
                    default -> {
                    }
                }
            }
        }
        return out;
    }

    /**
     * Per defined function: whether its body must be a trampolined tail-call body, i.e. it has a tail call that is
     * not to itself and not a direct call to a leaf ({@link #leafCall}). {@code owners}: per function, the class
     * that a direct call invokes, or null.
     */
    static boolean[] tailBodies(WasmModule module, int imported, boolean[] tailCallers, String[] owners) {
        List<Function> functions = module.functions();
        boolean[] out = new boolean[functions.size()];
        for (int i = 0; i < out.length; i++) {
            if (!tailCallers[i]) {
                continue;
            }
            int self = imported + i;
            // Open blocks, and how many of them are try blocks: a leaf called inside one would be in its scope.
            java.util.ArrayDeque<Boolean> blocks = new java.util.ArrayDeque<>();
            int trys = 0;
            for (Instruction in : functions.get(i).body().instructions()) {
                switch (in.opcode()) {
                    case BLOCK, LOOP, IF -> blocks.push(false);
                    case TRY, TRY_TABLE -> {
                        blocks.push(true);
                        trys++;
                    }
                    case END, DELEGATE -> {
                        if (!blocks.isEmpty() && blocks.pop()) {
                            trys--;
                        }
                    }
                    case RETURN_CALL_INDIRECT, RETURN_CALL_REF -> out[i] = true;
                    case RETURN_CALL -> {
                        int callee = ((Instruction.Index) in).index();
                        out[i] |= callee != self && !leafCall(callee, imported, tailCallers, owners, trys > 0);
                    }
                    default -> {
                    }
                }
            }
        }
        return out;
    }

    /**
     * Whether a tail call to {@code callee} is a direct call: the callee is compiled (has an owner class) and a
     * leaf, and the call is outside try blocks (whose handlers must not see the callee's exceptions). A leaf cannot
     * continue the chain, so this adds one JVM frame at most.
     */
    private static boolean leafCall(int callee, int imported, boolean[] tailCallers, String[] owners,
                                    boolean insideTry) {
        return callee >= imported && owners[callee] != null && !tailCallers[callee - imported] && !insideTry;
    }

    /** Whether code emitted now is inside a try block (the handlers of which a callee must not be under). */
    private boolean insideTry() {
        for (FunctionCompiler.Ctl c : fc.ctls) {
            if (c.kind == FunctionCompiler.K_TRY) {
                return true;
            }
        }
        return false;
    }

    /** Emits {@code in} if it belongs to this family (other than call and call_indirect); false otherwise. */
    boolean emit(Instruction in) {
        switch (in.opcode()) {
            case CALL_REF -> callRef(((Instruction.Index) in).index());
            case RETURN_CALL -> returnCall(((Instruction.Index) in).index());
            case RETURN_CALL_INDIRECT -> {
                Instruction.IndexPair p = (Instruction.IndexPair) in;
                CompositeType.Func ft = fc.mc.funcType(p.first());
                if (typedTailCall(ft)) {
                    if (fc.pop() == 'I') {
                        fc.mv.visitInsn(I2L);
                    }
                    fc.mv.visitVarInsn(ALOAD, fc.instSlot);
                    FunctionCompiler.pushInt(fc.mv, p.first());
                    FunctionCompiler.pushInt(fc.mv, p.second());
                    fc.mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "tableEntry", "(J" + INST_DESC + "II)" + FUNC_DESC,
                            false);
                    leaveThroughTailDispatcher(p.first());
                    return true;
                }
                int mark = fc.nextSlot;
                char it = fc.pop();
                if (it == 'I') {
                    fc.mv.visitInsn(I2L);
                }
                int rawIndex = fc.newTemp('J');
                fc.mv.visitVarInsn(LSTORE, rawIndex);
                spillTailArguments(fc.types(ft.params()));
                // The interpreter's type-checked lookup, while this frame is still on the Wasm call stack.
                fc.mv.visitVarInsn(ALOAD, fc.instSlot);
                FunctionCompiler.pushInt(fc.mv, p.first());
                FunctionCompiler.pushInt(fc.mv, p.second());
                fc.mv.visitVarInsn(LLOAD, rawIndex);
                fc.mv.visitMethodInsn(INVOKESTATIC, "dev/basalt/internal/interpreter/Interpreter", "indirect",
                        "(" + INST_DESC + "IIJ)" + FUNC_DESC, false);
                leaveForTrampoline();
                fc.nextSlot = mark;
            }
            case RETURN_CALL_REF -> {
                CompositeType.Func ft = fc.mc.funcType(((Instruction.Index) in).index());
                if (typedTailCall(ft)) {
                    fc.pop();
                    fc.mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "refCallee", "(Ljava/lang/Object;)" + FUNC_DESC,
                            false);
                    leaveThroughTailDispatcher(((Instruction.Index) in).index());
                    return true;
                }
                int mark = fc.nextSlot;
                fc.pop();
                int ref = fc.newTemp('L');
                fc.mv.visitVarInsn(ASTORE, ref);
                spillTailArguments(fc.types(ft.params()));
                fc.mv.visitVarInsn(ALOAD, ref);
                fc.mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "refCallee", "(Ljava/lang/Object;)" + FUNC_DESC, false);
                leaveForTrampoline();
                fc.nextSlot = mark;
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    void call(int callee) {
        MethodVisitor mv = fc.mv;
        ModuleCompiler mc = fc.mc;
        CompositeType.Func ft = mc.funcTypes.get(callee);
        char[] params = fc.types(ft.params());
        char[] results = fc.types(ft.results());
        String owner = mc.directOwner(callee);
        if (owner != null) {
            fc.sp -= params.length;
            mv.visitVarInsn(ALOAD, fc.instSlot);
            fc.pushCalleeRoom();
            // A twinned function's self-calls go to the other copy (see ModuleCompiler#twinCandidate).
            String name = callee == fc.funcIndex && fc.twinned && !fc.asTwin ? ModuleCompiler.twinName(callee)
                    : ModuleCompiler.methodName(callee);
            mv.visitMethodInsn(INVOKESTATIC, owner, name, mc.descriptor(callee), false);
            typedResults(results);
            return;
        }
        int mark = fc.nextSlot;
        int base = spillArguments(params, results.length);
        mv.visitVarInsn(ALOAD, fc.storeSlot);
        mv.visitVarInsn(ALOAD, fc.instSlot);
        FunctionCompiler.pushInt(mv, callee);
        mv.visitVarInsn(ILOAD, base);
        fc.pushCalleeRoom();
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "callFunction", "(" + STORE_DESC + INST_DESC + "III)V", false);
        loadResults(base, results);
        fc.nextSlot = mark;
    }

    /**
     * {@code call_indirect}: the callee found in the table (bounds and null checked as the interpreter does it), then
     * called with its arguments as they are through the dispatcher of the expected type, which checks the signature
     * of every callee it does not call directly (see {@link IndirectCalls}).
     */
    void callIndirect(int typeIndex, int tableIndex) {
        MethodVisitor mv = fc.mv;
        CompositeType.Func ft = fc.mc.funcType(typeIndex);
        if (!IndirectCalls.fits(ft)) {
            // No dispatcher for this signature: the interpreter's checked lookup, then the call through the runtime.
            if (fc.pop() == 'I') {
                mv.visitInsn(I2L);
            }
            mv.visitVarInsn(ALOAD, fc.instSlot);
            FunctionCompiler.pushInt(mv, typeIndex);
            FunctionCompiler.pushInt(mv, tableIndex);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "tableEntry", "(J" + INST_DESC + "II)" + FUNC_DESC, false);
            typedCall(typeIndex);
            return;
        }
        boolean table64 = fc.mc.tableTypes.get(tableIndex).is64();
        fc.pop();
        mv.visitVarInsn(ALOAD, fc.instSlot);
        mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "tables", "[" + TABLE_DESC);
        FunctionCompiler.pushInt(mv, tableIndex);
        mv.visitInsn(AALOAD);
        mv.visitMethodInsn(INVOKESTATIC, "dev/basalt/compiler/DispatchSupport", table64 ? "element64" : "element",
                "(" + (table64 ? "J" : "I") + TABLE_DESC + ")" + FUNC_DESC, false);
        typedCall(typeIndex);
    }

    /**
     * With the arguments and the callee on the JVM stack: the call of type {@code typeIndex} and its results. The
     * callee is checked against the type (or, for {@code call_ref}, has it by validation) unless a dispatcher takes
     * the call: then the dispatcher checks what it does not call directly.
     */
    private void typedCall(int typeIndex) {
        CompositeType.Func ft = fc.mc.funcType(typeIndex);
        MethodVisitor mv = fc.mv;
        char[] params = fc.types(ft.params());
        char[] results = fc.types(ft.results());
        if (!IndirectCalls.fits(ft)) {
            // Too many parameters for a dispatcher's JVM signature: the call through the runtime.
            int mark = fc.nextSlot;
            int callee = fc.newTemp('L');
            mv.visitVarInsn(ASTORE, callee);
            int base = spillArguments(params, results.length);
            mv.visitVarInsn(ALOAD, fc.storeSlot);
            mv.visitVarInsn(ALOAD, fc.instSlot);
            mv.visitVarInsn(ALOAD, callee);
            mv.visitVarInsn(ILOAD, base);
            fc.pushCalleeRoom();
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "callInstance", "(" + STORE_DESC + INST_DESC + FUNC_DESC + "II)V",
                    false);
            loadResults(base, results);
            fc.nextSlot = mark;
            return;
        }
        fc.sp -= params.length;
        fc.mc.indirect.invoke(mv, fc.instSlot, fc.roomSlot, typeIndex);
        typedResults(results);
    }

    /**
     * After a direct JVM call of a compiled function: one result is on the JVM stack; several were left on the
     * store's value stack from its current top (see {@link ValueStack}).
     */
    private void typedResults(char[] results) {
        if (results.length > 1) {
            int mark = fc.nextSlot;
            int base = fc.newTemp('I');
            fc.mv.visitVarInsn(ALOAD, fc.storeSlot);
            fc.mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "top", "I");
            fc.mv.visitVarInsn(ISTORE, base);
            loadResults(base, results);
            fc.nextSlot = mark;
        } else {
            for (char r : results) {
                fc.push(r);
            }
        }
    }

    private void returnCall(int callee) {
        MethodVisitor mv = fc.mv;
        ModuleCompiler mc = fc.mc;
        if (callee == fc.funcIndex) {
            // Self tail call: new arguments into the parameter locals, whatever lies under them dropped.
            char[] params = fc.types(fc.type.params());
            for (int i = params.length - 1; i >= 0; i--) {
                fc.pop();
                FunctionCompiler.storeLocal(mv, params[i], fc.localSlots[i]);
            }
            while (fc.sp > 0) {
                mv.visitInsn(FunctionCompiler.size(fc.pop()) == 2 ? POP2 : POP);
            }
            mv.visitJumpInsn(GOTO, fc.entry);
        } else if (leafCall(callee, mc.importedFuncs, mc.tailCallers, mc.owners, insideTry())) {
            // A function that cannot continue the chain: called directly once this frame is popped (outside
            // try blocks, whose handlers must not see its exceptions: there the trampoline runs it).
            CompositeType.Func ft = mc.funcTypes.get(callee);
            fc.sp -= ft.params().size();
            mv.visitVarInsn(ALOAD, fc.instSlot);
            fc.pushOwnRoom(); // it replaces this frame: the same depth
            fc.lines.markNoActivation(mv);
            mv.visitMethodInsn(INVOKESTATIC, mc.directOwner(callee), ModuleCompiler.methodName(callee),
                    mc.descriptor(callee), false);
            fc.lines.resume(mv);
            char[] results = fc.types(ft.results());
            if (results.length > 1) {
                // Already at the store's top, where this function's results go too.
                if (tailBody()) {
                    mv.visitInsn(ACONST_NULL);
                    mv.visitInsn(ARETURN);
                } else {
                    mv.visitInsn(RETURN);
                }
            } else {
                returnValues(results);
            }
        } else {
            spillTailArguments(fc.types(mc.funcTypes.get(callee).params()));
            mv.visitVarInsn(ALOAD, fc.instSlot);
            FunctionCompiler.pushInt(mv, callee);
            invokeFunc(mv);
            leaveForTrampoline();
        }
        fc.markUnreachable();
    }

    /**
     * Whether a {@code return_call_indirect} / {@code return_call_ref} of type {@code ft} goes through a tail
     * dispatcher ({@link IndirectCalls#invokeTail}): not inside try blocks (whose handlers must not see a directly
     * called callee's exceptions) and when the dispatcher's signature fits the JVM's limits.
     */
    private boolean typedTailCall(CompositeType.Func ft) {
        return tailBody() && !insideTry() && IndirectCalls.fits(ft);
    }

    /** With the arguments and the checked callee on the JVM stack: tail-calls through the dispatcher. */
    private void leaveThroughTailDispatcher(int typeIndex) {
        fc.sp -= fc.mc.funcType(typeIndex).params().size();
        fc.lines.markNoActivation(fc.mv);
        fc.mc.indirect.invokeTail(fc.mv, fc.instSlot, fc.roomSlot, typeIndex);
        fc.lines.resume(fc.mv);
        fc.mv.visitInsn(ARETURN);
        fc.markUnreachable();
    }

    /** Writes a tail callee's arguments (on the JVM stack) to the store's value stack at {@code top}. */
    private void spillTailArguments(char[] params) {
        int mark = fc.nextSlot;
        spillArguments(params, 0);
        fc.nextSlot = mark;
    }

    /** With the callee on the JVM stack and its arguments at {@code top}: hands it over to the trampoline. */
    private void leaveForTrampoline() {
        if (!tailBody()) {
            throw new IllegalStateException("tail call through the trampoline outside a tail-call body");
        }
        fc.mv.visitInsn(ARETURN);
        fc.markUnreachable();
    }

    /**
     * The {@code f<index>} wrapper of a tail-call body: calls {@code f<index>$tail}, runs the trampoline when a
     * callee is pending, and returns the results, found at the store's top, in the normal convention.
     */
    void emitWrapper(ClassVisitor cw) {
        ModuleCompiler mc = fc.mc;
        int index = fc.funcIndex;
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, ModuleCompiler.methodName(index),
                mc.descriptor(index), null, null);
        mv.visitCode();
        char[] params = fc.types(fc.type.params());
        int slot = 0;
        for (char p : params) {
            mv.visitVarInsn(FunctionCompiler.opLoad(p), slot);
            slot += FunctionCompiler.size(p);
        }
        int instSlot = slot;
        int roomSlot = slot + 1;
        mv.visitVarInsn(ALOAD, instSlot);
        mv.visitVarInsn(ILOAD, roomSlot);
        mv.visitMethodInsn(INVOKESTATIC, mc.className, tailBodyName(index), mc.tailBodyDescriptor(index), false);
        Label done = new Label();
        Label results = new Label();
        mv.visitInsn(DUP);
        mv.visitJumpInsn(IFNULL, done);
        mv.visitVarInsn(ALOAD, instSlot);
        mv.visitVarInsn(ILOAD, roomSlot); // the chain runs at this frame's depth
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "trampoline", "(" + FUNC_DESC + INST_DESC + "I)V", false);
        mv.visitJumpInsn(GOTO, results);
        mv.visitLabel(done);
        mv.visitInsn(POP);
        mv.visitLabel(results);
        char[] rs = fc.types(fc.type.results());
        if (rs.length == 1) {
            int storeSlot = roomSlot + 1;
            int baseSlot = roomSlot + 2;
            mv.visitVarInsn(ALOAD, instSlot);
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "store", STORE_DESC);
            mv.visitInsn(DUP);
            mv.visitVarInsn(ASTORE, storeSlot);
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "top", "I");
            mv.visitVarInsn(ISTORE, baseSlot);
            ValueStack.load(mv, storeSlot, baseSlot, 0, rs[0]);
            mv.visitInsn(returnOpcode(rs[0]));
        } else {
            mv.visitInsn(RETURN); // none, or several already at the store's top
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** {@code call_ref}: the null check, then the call as for {@code call_indirect} (the type is known statically). */
    private void callRef(int typeIndex) {
        fc.pop();
        fc.mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "refCallee", "(Ljava/lang/Object;)" + FUNC_DESC, false);
        typedCall(typeIndex);
    }

    /**
     * Moves the arguments from the JVM stack to the store's value stack, with room for {@code resultCount}
     * results; returns the JVM local holding their base.
     */
    int spillArguments(char[] params, int resultCount) {
        MethodVisitor mv = fc.mv;
        int[] temps = new int[params.length];
        for (int i = params.length - 1; i >= 0; i--) {
            fc.pop();
            temps[i] = fc.newTemp(params[i]);
            mv.visitVarInsn(FunctionCompiler.opStore(params[i]), temps[i]);
        }
        int base = fc.newTemp('I');
        mv.visitVarInsn(ALOAD, fc.storeSlot);
        FunctionCompiler.pushInt(mv, Math.max(params.length, resultCount));
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "reserve", "(" + STORE_DESC + "I)I", false);
        mv.visitVarInsn(ISTORE, base);
        for (int i = 0; i < params.length; i++) {
            ValueStack.store(mv, fc.storeSlot, base, i, params[i], temps[i]);
        }
        return base;
    }

    /** Pushes the results found on the store's value stack at the JVM local {@code base}. */
    void loadResults(int base, char[] results) {
        for (int i = 0; i < results.length; i++) {
            ValueStack.load(fc.mv, fc.storeSlot, base, i, results[i]);
            fc.push(results[i]);
        }
    }

    /**
     * Leaves the function with {@code results} (on the JVM stack, the last on top): returned as they are for none
     * or one, written to the store's value stack at {@code top} for several, and always in a tail-call body.
     */
    void returnValues(char[] results) {
        MethodVisitor mv = fc.mv;
        boolean tailBody = tailBody();
        if (results.length == 0 && !tailBody) {
            mv.visitInsn(RETURN);
            return;
        }
        if (results.length == 1 && !tailBody) {
            mv.visitInsn(returnOpcode(results[0]));
            return;
        }
        int mark = fc.nextSlot;
        int[] temps = new int[results.length];
        for (int i = results.length - 1; i >= 0; i--) {
            temps[i] = fc.newTemp(results[i]);
            mv.visitVarInsn(FunctionCompiler.opStore(results[i]), temps[i]);
        }
        int base = fc.newTemp('I');
        mv.visitVarInsn(ALOAD, fc.storeSlot);
        FunctionCompiler.pushInt(mv, results.length);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "reserve", "(" + STORE_DESC + "I)I", false);
        mv.visitVarInsn(ISTORE, base);
        for (int i = 0; i < results.length; i++) {
            ValueStack.store(mv, fc.storeSlot, base, i, results[i], temps[i]);
        }
        if (tailBody) {
            mv.visitInsn(ACONST_NULL); // nothing pending: the results are at the store's top
            mv.visitInsn(ARETURN);
        } else {
            mv.visitInsn(RETURN);
        }
        fc.nextSlot = mark;
    }

    static int returnOpcode(char c) {
        return switch (c) {
            case 'I' -> IRETURN;
            case 'J' -> LRETURN;
            case 'F' -> FRETURN;
            case 'L', ModuleCompiler.V128 -> ARETURN;
            default -> DRETURN;
        };
    }
}
