package dev.basalt.compiler;

import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.Instruction;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Exception handling: {@code throw}, {@code throw_ref}, {@code try_table} with its four catch forms, and the legacy
 * {@code try}/{@code catch}/{@code catch_all}/{@code delegate}/{@code rethrow}.
 *
 * <p>A Wasm exception is the interpreter's {@code ExnObject} (tag instance + payload) carried by the interpreter's
 * {@code WasmThrow}, so exceptions cross compiled, interpreted and host frames unchanged, and tag identity is the
 * {@code TagInstance} object. Traps are {@code dev.basalt.Trap}, a different class, so no Wasm handler can catch
 * them.
 *
 * <p>Each try block becomes a JVM exception-table entry for {@code WasmThrow} over its body. Entries are
 * registered when the body ends, so inner blocks come first in the table, as the JVM requires for nesting. The JVM
 * empties the operand stack on entry to a handler, so each try block saves the Wasm operand stack beneath it in
 * JVM locals on entry; its handler restores what the catching label needs. The handlers' dispatch code (compare
 * the tag, unpack the payload, branch) is emitted after the function body, outside every try range, and passes an
 * exception that no clause takes to the enclosing try's handler explicitly, or rethrows it to the caller.
 */
final class ExceptionCodegen implements Opcodes {
    static final String THROW = "dev/basalt/internal/runtime/WasmThrow";
    static final String EXN = "dev/basalt/internal/runtime/ExnObject";
    private static final String RUNTIME = "dev/basalt/compiler/ExceptionSupport";

    /**
     * More try blocks than this cannot fit in one method: each costs at least 12 bytes of code (a no-op opening
     * its range, and a handler that stores the exception, resets the call depth and passes it on).
     */
    private static final int MAX_TRY_BLOCKS = 65_535 / 12;

    private final FunctionCompiler fc;
    /** Try blocks by their control frame. */
    private final Map<FunctionCompiler.Ctl, Try> trys = new IdentityHashMap<>();
    /** The scope ({@link #scope}) of blocks other than try blocks, once computed; it cannot change while open. */
    private final Map<FunctionCompiler.Ctl, Label> blockScopes = new IdentityHashMap<>();
    /** Every try block of the function, in order of appearance: their handlers are emitted after the body. */
    private final List<Try> all = new ArrayList<>();
    /** JVM locals: the exception being dispatched, and the store's call depth of this function's frame. */
    private int thrownSlot = -1;
    private int depthSlot = -1;
    /**
     * The exceptions caught by the open legacy try blocks, by nesting level ({@code rethrow} needs them): one array
     * rather than a JVM local per block, so that deep nesting does not multiply the JVM frames' size.
     */
    private int caughtSlot = -1;
    private int maxLegacy;
    private int openLegacy;

    private static final class Try {
        boolean legacy;
        /** Legacy try: past its first catch clause (the body's range has ended). */
        boolean inCatch;
        /** Legacy try ended by {@code delegate}: its handler forwards to {@link #delegateTo}, or to the caller. */
        boolean delegate;
        Label delegateTo;
        final Label start = new Label();
        final Label rangeEnd = new Label();
        final Label handler = new Label();
        /** The handler of the enclosing try body, or null: where an exception no clause takes goes next. */
        Label parent;
        /** The operand stack beneath the block, saved on entry. */
        char[] savedTypes;
        int[] savedSlots;
        /** Legacy try: its element of the caught-exceptions array, for {@code rethrow}. */
        int exnIndex = -1;
        /** The first JVM local the block reserved; released at its end. */
        int mark;
        final List<Clause> clauses = new ArrayList<>();
    }

    /**
     * A catch clause: the tag index (-1 for catch-all forms), whether it receives the payload and/or the exnref,
     * and where it goes: a label of the enclosing code (try_table) or the clause's own code (legacy).
     */
    private record Clause(int tag, boolean payload, boolean ref, FunctionCompiler.Ctl target, Label code) {
    }

    ExceptionCodegen(FunctionCompiler fc) {
        this.fc = fc;
    }

    /** Reserves the dispatch locals if the body has try blocks; called before the prologue. */
    void reserveSlots(List<Instruction> body) {
        // The deepest nesting of legacy try blocks sizes the caught-exceptions array.
        java.util.ArrayDeque<Boolean> blocks = new java.util.ArrayDeque<>();
        int legacy = 0;
        int count = 0;
        boolean any = false;
        for (Instruction in : body) {
            switch (in.opcode()) {
                case BLOCK, LOOP, IF -> blocks.push(false);
                case TRY_TABLE -> {
                    blocks.push(false);
                    any = true;
                    count++;
                }
                case TRY -> {
                    blocks.push(true);
                    any = true;
                    count++;
                    maxLegacy = Math.max(maxLegacy, ++legacy);
                }
                case END, DELEGATE -> {
                    if (!blocks.isEmpty() && blocks.pop()) {
                        legacy--;
                    }
                }
                default -> {
                }
            }
        }
        if (count > MAX_TRY_BLOCKS) {
            // Fail before generating: the JVM's frame computation over that many handlers is slow.
            throw fc.unsupported("(function body over the JVM's 64 KB method limit)");
        }
        if (any) {
            thrownSlot = fc.nextSlot++;
            depthSlot = fc.nextSlot++;
        }
        if (maxLegacy > 0) {
            caughtSlot = fc.nextSlot++;
        }
    }

    /**
     * Records the store's call depth at entry (the runtime's, see {@code StoreState.depth}), to restore it when a handler
     * here catches an exception that left it deeper (a trap in the interpreter or a host function below a call through
     * the runtime).
     */
    void prologue() {
        if (caughtSlot >= 0) {
            FunctionCompiler.pushInt(fc.mv, maxLegacy);
            fc.mv.visitTypeInsn(ANEWARRAY, EXN);
            fc.mv.visitVarInsn(ASTORE, caughtSlot);
        }
        if (depthSlot >= 0) {
            fc.mv.visitVarInsn(ALOAD, fc.storeSlot);
            fc.mv.visitFieldInsn(GETFIELD, ModuleCompiler.STORE, "depth", "I");
            fc.mv.visitVarInsn(ISTORE, depthSlot);
        }
    }

    /** Emits an exception instruction; false if {@code in} is not one. */
    boolean emit(Instruction in) {
        switch (in.opcode().name()) {
            case "TRY_TABLE" -> tryTable((Instruction.TryTable) in);
            case "TRY" -> open(((Instruction.Block) in).type(), true);
            case "CATCH" -> legacyCatch(((Instruction.Index) in).index());
            case "CATCH_ALL" -> legacyCatch(-1);
            case "DELEGATE" -> delegate(((Instruction.Branch) in).label());
            case "THROW" -> throwNew(((Instruction.Index) in).index());
            case "THROW_REF" -> {
                fc.pop();
                fc.mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "throwRef", "(Ljava/lang/Object;)L" + THROW + ";", false);
                fc.mv.visitInsn(ATHROW);
                fc.markUnreachable();
            }
            case "RETHROW" -> {
                FunctionCompiler.Ctl c = fc.ctls.get(fc.ctls.size() - 1 - ((Instruction.Branch) in).label());
                fc.mv.visitVarInsn(ALOAD, caughtSlot);
                FunctionCompiler.pushInt(fc.mv, trys.get(c).exnIndex);
                fc.mv.visitInsn(AALOAD);
                fc.mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "rethrow", "(Ljava/lang/Object;)L" + THROW + ";", false);
                fc.mv.visitInsn(ATHROW);
                fc.markUnreachable();
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ try blocks

    private void tryTable(Instruction.TryTable tt) {
        // Catch labels are relative to the code around the try_table, so resolve them before opening it.
        List<Clause> clauses = new ArrayList<>();
        for (Instruction.Catch c : tt.catches()) {
            FunctionCompiler.Ctl target = fc.ctls.get(fc.ctls.size() - 1 - c.label());
            clauses.add(new Clause(c.kind().hasTag() ? c.tag() : -1, c.kind().hasTag(), c.kind().pushesExnRef(),
                    target, null));
        }
        Try t = open(tt.type(), false);
        t.clauses.addAll(clauses);
    }

    private Try open(BlockType bt, boolean legacy) {
        Try t = new Try();
        t.legacy = legacy;
        t.parent = scope(fc.ctls.size() - 1);
        FunctionCompiler.Ctl c = fc.openBlock(bt, FunctionCompiler.K_TRY);
        t.mark = fc.nextSlot;
        save(t, c);
        if (legacy) {
            t.exnIndex = openLegacy++;
        }
        trys.put(c, t);
        all.add(t);
        fc.mv.visitLabel(t.start);
        // A try range must not be empty, even around an empty body.
        fc.mv.visitInsn(NOP);
        return t;
    }

    /**
     * Saves the operand stack beneath the block's parameters in JVM locals (reserved until the block ends) and
     * puts it back, so that a handler can rebuild it after the JVM has discarded the stack.
     */
    private void save(Try t, FunctionCompiler.Ctl c) {
        MethodVisitor mv = fc.mv;
        int h = c.height;
        t.savedTypes = java.util.Arrays.copyOf(fc.stack, h);
        t.savedSlots = new int[h];
        if (h == 0) {
            return;
        }
        for (int i = 0; i < h; i++) {
            t.savedSlots[i] = fc.newTemp(t.savedTypes[i]);
        }
        int mark = fc.nextSlot;
        int n = c.params.length;
        int[] params = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            params[i] = fc.newTemp(c.params[i]);
            mv.visitVarInsn(FunctionCompiler.opStore(c.params[i]), params[i]);
        }
        for (int i = h - 1; i >= 0; i--) {
            mv.visitVarInsn(FunctionCompiler.opStore(t.savedTypes[i]), t.savedSlots[i]);
        }
        for (int i = 0; i < h; i++) {
            mv.visitVarInsn(FunctionCompiler.opLoad(t.savedTypes[i]), t.savedSlots[i]);
        }
        for (int i = 0; i < n; i++) {
            mv.visitVarInsn(FunctionCompiler.opLoad(c.params[i]), params[i]);
        }
        fc.nextSlot = mark;
    }

    /**
     * The handler that catches exceptions thrown inside the body of control frame {@code index}, or null. A try
     * block answers for itself (its own handler in its body, its parent's in its catch clauses); any other block
     * has the scope of the block around it, remembered once found, so deep nesting costs linear time in total.
     */
    private Label scope(int index) {
        int i = index;
        Label found = null;
        for (; i >= 0; i--) {
            FunctionCompiler.Ctl c = fc.ctls.get(i);
            Try t = trys.get(c);
            if (t != null) {
                found = t.inCatch || t.delegate ? t.parent : t.handler;
                break;
            }
            if (blockScopes.containsKey(c)) {
                found = blockScopes.get(c);
                break;
            }
        }
        for (int k = Math.max(i, 0); k <= index; k++) {
            FunctionCompiler.Ctl c = fc.ctls.get(k);
            if (!trys.containsKey(c)) {
                blockScopes.put(c, found);
            }
        }
        return found;
    }

    /** Ends the try body's JVM range; called once per try, at its first catch, its delegate or its end. */
    private void endRange(Try t) {
        fc.mv.visitLabel(t.rangeEnd);
        fc.mv.visitTryCatchBlock(t.start, t.rangeEnd, t.handler, THROW);
    }

    private void legacyCatch(int tag) {
        FunctionCompiler.Ctl c = fc.top();
        Try t = trys.get(c);
        if (!c.unreachable) {
            fc.mv.visitJumpInsn(GOTO, c.end);
        }
        if (!t.inCatch) {
            endRange(t);
            t.inCatch = true;
        }
        Label code = new Label();
        fc.mv.visitLabel(code);
        t.clauses.add(new Clause(tag, tag >= 0, false, c, code));
        c.unreachable = false;
        fc.sp = c.height;
        if (tag >= 0) {
            for (char p : payloadTypes(tag)) {
                fc.push(p);
            }
        }
    }

    private void delegate(int label) {
        FunctionCompiler.Ctl c = fc.top();
        Try t = trys.get(c);
        // The label counts from the code around the try block.
        t.delegateTo = scope(fc.ctls.size() - 2 - label);
        t.delegate = true;
        endRange(t);
        fc.end();
    }

    /**
     * Called by the function compiler when a try block ends ({@code end} or {@code delegate}), before its end
     * label: closes the body's range if still open and releases the locals the block reserved.
     */
    void end(FunctionCompiler.Ctl c) {
        Try t = trys.get(c);
        if (!t.inCatch && !t.delegate) {
            endRange(t);
        }
        if (t.legacy) {
            openLegacy--;
        }
        fc.nextSlot = t.mark;
    }

    // ------------------------------------------------------------------ throw

    private void throwNew(int tag) {
        MethodVisitor mv = fc.mv;
        char[] types = payloadTypes(tag);
        int mark = fc.nextSlot;
        int[] temps = new int[types.length];
        for (int i = types.length - 1; i >= 0; i--) {
            fc.pop();
            temps[i] = fc.newTemp(types[i]);
            mv.visitVarInsn(FunctionCompiler.opStore(types[i]), temps[i]);
        }
        mv.visitVarInsn(ALOAD, fc.instSlot);
        FunctionCompiler.pushInt(mv, tag);
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "newExn", "(L" + ModuleCompiler.INST + ";I)L" + EXN + ";", false);
        for (int i = 0; i < types.length; i++) {
            mv.visitInsn(DUP);
            if (types[i] == ModuleCompiler.V128) {
                mv.visitVarInsn(ALOAD, temps[i]);
                FunctionCompiler.pushInt(mv, i);
                SimdCodegen.storeToExceptionPayload(mv);
            } else if (types[i] == 'L') {
                mv.visitFieldInsn(GETFIELD, EXN, "refs", "[Ljava/lang/Object;");
                FunctionCompiler.pushInt(mv, i);
                mv.visitVarInsn(ALOAD, temps[i]);
                mv.visitInsn(AASTORE);
            } else {
                mv.visitFieldInsn(GETFIELD, EXN, "values", "[J");
                FunctionCompiler.pushInt(mv, i);
                mv.visitVarInsn(FunctionCompiler.opLoad(types[i]), temps[i]);
                FunctionCompiler.toSlot(mv, types[i]);
                mv.visitInsn(LASTORE);
            }
        }
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, "thrown", "(L" + EXN + ";)L" + THROW + ";", false);
        mv.visitInsn(ATHROW);
        fc.nextSlot = mark;
        fc.markUnreachable();
    }

    /** The payload of tag {@code tag}: its function type's parameters, as value-type characters. */
    private char[] payloadTypes(int tag) {
        return fc.types(tagType(tag).params());
    }

    private CompositeType.Func tagType(int tag) {
        return fc.mc.funcType(fc.mc.tagTypes.get(tag));
    }

    // ------------------------------------------------------------------ handlers

    /** Emits every try block's dispatch code; called after the function body. */
    void emitHandlers() {
        MethodVisitor mv = fc.mv;
        for (Try t : all) {
            mv.visitLabel(t.handler);
            mv.visitVarInsn(ASTORE, thrownSlot);
            // Frames the exception unwound left the store's depth above ours.
            mv.visitVarInsn(ALOAD, fc.storeSlot);
            mv.visitVarInsn(ILOAD, depthSlot);
            mv.visitFieldInsn(PUTFIELD, ModuleCompiler.STORE, "depth", "I");
            // The frames the exception unwound may have grown a memory: the inline accesses' locals are stale.
            fc.memoryCode.reload();
            if (!t.delegate) {
                for (Clause c : t.clauses) {
                    clause(t, c);
                }
            }
            Label next = t.delegate ? t.delegateTo : t.parent;
            mv.visitVarInsn(ALOAD, thrownSlot);
            if (next == null) {
                mv.visitInsn(ATHROW);
            } else {
                mv.visitJumpInsn(GOTO, next);
            }
        }
    }

    private void clause(Try t, Clause c) {
        MethodVisitor mv = fc.mv;
        Label skip = new Label();
        if (c.tag >= 0) {
            exn();
            mv.visitFieldInsn(GETFIELD, EXN, "tag", "Ldev/basalt/internal/runtime/TagInstance;");
            mv.visitVarInsn(ALOAD, fc.instSlot);
            mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "tags", "[Ldev/basalt/internal/runtime/TagInstance;");
            FunctionCompiler.pushInt(mv, c.tag);
            mv.visitInsn(AALOAD);
            mv.visitJumpInsn(IF_ACMPNE, skip);
        }
        // Rebuild the stack the destination expects beneath the values the clause delivers.
        boolean toFunction = c.target.kind == FunctionCompiler.K_FUNC;
        int keep = t.legacy ? t.savedTypes.length : toFunction ? 0 : c.target.height;
        for (int i = 0; i < keep; i++) {
            mv.visitVarInsn(FunctionCompiler.opLoad(t.savedTypes[i]), t.savedSlots[i]);
        }
        if (t.legacy) {
            mv.visitVarInsn(ALOAD, caughtSlot);
            FunctionCompiler.pushInt(mv, t.exnIndex);
            exn();
            mv.visitInsn(AASTORE);
        }
        if (c.payload) {
            char[] types = payloadTypes(c.tag);
            for (int i = 0; i < types.length; i++) {
                exn();
                if (types[i] == ModuleCompiler.V128) {
                    FunctionCompiler.pushInt(mv, i);
                    SimdCodegen.loadFromExceptionPayload(mv);
                } else if (types[i] == 'L') {
                    mv.visitFieldInsn(GETFIELD, EXN, "refs", "[Ljava/lang/Object;");
                    FunctionCompiler.pushInt(mv, i);
                    mv.visitInsn(AALOAD);
                } else {
                    mv.visitFieldInsn(GETFIELD, EXN, "values", "[J");
                    FunctionCompiler.pushInt(mv, i);
                    mv.visitInsn(LALOAD);
                    FunctionCompiler.fromSlot(mv, types[i]);
                }
            }
        }
        if (c.ref) {
            exn();
        }
        if (t.legacy) {
            mv.visitJumpInsn(GOTO, c.code);
        } else if (toFunction) {
            fc.emitReturn(c.target);
        } else {
            mv.visitJumpInsn(GOTO, c.target.target);
        }
        mv.visitLabel(skip);
    }

    /** Pushes the exception object being dispatched. */
    private void exn() {
        fc.mv.visitVarInsn(ALOAD, thrownSlot);
        fc.mv.visitTypeInsn(CHECKCAST, THROW);
        fc.mv.visitFieldInsn(GETFIELD, THROW, "exn", "L" + EXN + ";");
    }
}
