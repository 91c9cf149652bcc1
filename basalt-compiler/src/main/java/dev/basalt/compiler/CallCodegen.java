package dev.basalt.compiler;

import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.Instruction;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Calls and returns: {@code call}, {@code call_indirect}, {@code call_ref}, and how results leave a function.
 *
 * <p>Calling convention of the generated methods: Wasm parameters, then the {@code ModuleInstance}; a function with
 * one result returns it (the common case stays a plain JVM return), a function with several results writes them
 * to the store's value stack at {@code StoreState.top} and returns void, and the caller reads them from there right
 * after the call. That place is free: {@code top} only moves while a call through the runtime is in progress and
 * is restored when it returns, so it is the same before and after a call, and nothing runs between the callee's
 * writes and the caller's reads.
 *
 * <p>Calls that leave the generated class (imports, {@code call_indirect}, {@code call_ref}) use the runtime's
 * convention: arguments and results on the store's value stack (see {@link ValueStack}), through {@link Support}.
 */
final class CallCodegen implements Opcodes {
    private static final String SUPPORT = "dev/basalt/compiler/Support";
    private static final String STORE_DESC = "L" + ModuleCompiler.STORE + ";";
    private static final String INST_DESC = "L" + ModuleCompiler.INST + ";";

    private final FunctionCompiler fc;

    CallCodegen(FunctionCompiler fc) {
        this.fc = fc;
    }

    /** Emits {@code in} if it belongs to this family (other than call and call_indirect); false otherwise. */
    boolean emit(Instruction in) {
        switch (in.opcode()) {
            case CALL_REF -> callRef(((Instruction.Index) in).index());
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
            mv.visitMethodInsn(INVOKESTATIC, owner, ModuleCompiler.methodName(callee), mc.descriptor(callee), false);
            if (results.length > 1) {
                int mark = fc.nextSlot;
                int base = fc.newTemp('I');
                mv.visitVarInsn(ALOAD, fc.storeSlot);
                mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "top", "I");
                mv.visitVarInsn(ISTORE, base);
                loadResults(base, results);
                fc.nextSlot = mark;
            } else {
                for (char r : results) {
                    fc.push(r);
                }
            }
            return;
        }
        int mark = fc.nextSlot;
        int base = spillArguments(params, results.length);
        mv.visitVarInsn(ALOAD, fc.storeSlot);
        mv.visitVarInsn(ALOAD, fc.instSlot);
        FunctionCompiler.pushInt(mv, callee);
        mv.visitVarInsn(ILOAD, base);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "callFunction", "(" + STORE_DESC + INST_DESC + "II)V", false);
        loadResults(base, results);
        fc.nextSlot = mark;
    }

    void callIndirect(int typeIndex, int tableIndex) {
        MethodVisitor mv = fc.mv;
        CompositeType.Func ft = fc.mc.funcType(typeIndex);
        char[] params = fc.types(ft.params());
        char[] results = fc.types(ft.results());
        int mark = fc.nextSlot;
        char it = fc.pop();
        if (it == 'I') {
            mv.visitInsn(I2L);
        }
        int rawIndex = fc.newTemp('J');
        mv.visitVarInsn(LSTORE, rawIndex);
        int base = spillArguments(params, results.length);
        mv.visitVarInsn(ALOAD, fc.storeSlot);
        mv.visitVarInsn(ALOAD, fc.instSlot);
        FunctionCompiler.pushInt(mv, typeIndex);
        FunctionCompiler.pushInt(mv, tableIndex);
        mv.visitVarInsn(LLOAD, rawIndex);
        mv.visitVarInsn(ILOAD, base);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "callIndirect", "(" + STORE_DESC + INST_DESC + "IIJI)V", false);
        loadResults(base, results);
        fc.nextSlot = mark;
    }

    /** {@code call_ref}: the null check, then the call through the runtime (the type is known statically). */
    private void callRef(int typeIndex) {
        MethodVisitor mv = fc.mv;
        CompositeType.Func ft = fc.mc.funcType(typeIndex);
        char[] params = fc.types(ft.params());
        char[] results = fc.types(ft.results());
        int mark = fc.nextSlot;
        fc.pop();
        int ref = fc.newTemp('L');
        mv.visitVarInsn(ASTORE, ref);
        int base = spillArguments(params, results.length);
        mv.visitVarInsn(ALOAD, fc.storeSlot);
        mv.visitVarInsn(ALOAD, fc.instSlot);
        mv.visitVarInsn(ALOAD, ref);
        mv.visitVarInsn(ILOAD, base);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "callRef", "(" + STORE_DESC + INST_DESC + "Ljava/lang/Object;I)V",
                false);
        loadResults(base, results);
        fc.nextSlot = mark;
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
     * or one, written to the store's value stack at {@code top} for several.
     */
    void returnValues(char[] results) {
        MethodVisitor mv = fc.mv;
        if (results.length == 0) {
            mv.visitInsn(RETURN);
            return;
        }
        if (results.length == 1) {
            mv.visitInsn(switch (results[0]) {
                case 'I' -> IRETURN;
                case 'J' -> LRETURN;
                case 'F' -> FRETURN;
                case 'L' -> ARETURN;
                default -> DRETURN;
            });
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
        mv.visitInsn(RETURN);
        fc.nextSlot = mark;
    }
}
