package dev.basalt.compiler;

import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.Global;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.Table;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.types.DefinedType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Typed calls through function references ({@code call_indirect}, {@code call_ref}) without the runtime's value
 * stack. The call site finds the callee as the interpreter does ({@code Interpreter.indirect}: same bounds and null
 * checks, same traps; for {@code call_ref} the null check) and then calls a dispatcher of the generated class, one
 * per expected type, with the arguments as they are on the JVM stack:
 *
 * <pre>
 *   static R dispatch$N(P..., FunctionInstance f, ModuleInstance inst)
 *     if f.instance == inst: switch (f.index) { case k: return f&lt;k&gt;(P..., inst); ... }
 *     return dispatch$N$slow(P..., f, inst)     // signature check, spill to the value stack, call through the runtime
 * </pre>
 *
 * <p>The cases are the module's functions whose type matches the expected one (equal or a subtype, decided at compile
 * time on the types' canonical identities: a function of this instance has its module's type for its index) and that
 * can become references at all (named by an element segment, export, global or table initialiser: validation
 * requires that of {@code ref.func}) and are compiled (under tiering, those of this batch and earlier ones). A
 * module spread over several classes has one class of dispatchers for all of them ({@link Shared}). So a direct case needs no signature check at run time:
 * {@code call_indirect}'s check (the interpreter's, subtyping included, same trap) runs only on the slow path, for
 * everything else — functions of this instance of another type, imports, host functions, functions of other
 * instances (also of the same module), functions not compiled yet — before the runtime's ordinary call. Each case is
 * the same {@code invokestatic} as a direct {@code call}, so the callee charges fuel and returns its results exactly
 * as it does for {@code call}. Tail calls ({@link #invokeTail}) check the signature at the call site instead, while
 * the caller's frame is still on the Wasm call stack.
 *
 * <p>Dispatchers are small for the common case (one switch HotSpot can inline into the call site). Large candidate
 * sets are split over a tree of methods ({@code dispatch$N$<path>}) so that no method exceeds HotSpot's inlining and
 * huge-method limits or the JVM's 64 KB.
 */
final class IndirectCalls implements Opcodes {
    static final String DISPATCH = "dispatch$";
    private static final String FUNC = "dev/basalt/internal/runtime/FunctionInstance";
    private static final String DISPATCH_SUPPORT = "dev/basalt/compiler/DispatchSupport";
    private static final String INST_DESC = "L" + ModuleCompiler.INST + ";";
    private static final String STORE_DESC = "L" + ModuleCompiler.STORE + ";";
    /** Estimated bytecode per dispatcher method: keeps each far below HotSpot's 8,000-byte HugeMethodLimit. */
    private static final int METHOD_BUDGET = 3_000;

    /**
     * Direct cases per dispatcher at most; further matching functions take the slow path. Also the most cases a
     * split module's dispatch class takes (unless one dispatcher alone has them): each case adds about three
     * constant-pool entries, and a class has 65,535.
     */
    static final int MAX_TARGETS = 12_000;
    /**
     * Call sites with at most this many direct candidates get a dispatcher of their own (up to {@link #MAX_SITES} per
     * class). HotSpot inlines a dispatcher's callee only where the profile shows that case taken in at least a
     * quarter of the dispatcher's calls ({@code InlineFrequencyRatio}) or the callee is tiny; a dispatcher shared by
     * every call of a type splits its profile over all the call sites' targets (in C code, each vtable slot and
     * operator table is a call site of its own with few targets), and a site's own profile also prunes the cases it
     * never takes. Larger candidate sets would cost their whole switch per site and rarely reach a quarter anyway.
     */
    static final int SITE_TARGETS = 8;
    /** Per-site dispatchers per class at most: bounds the code they add to a module with many call sites. */
    static final int MAX_SITES = 256;

    private final ModuleCompiler mc;
    /**
     * The dispatchers this class calls, by expected type and kind; in a module spread over several classes, those of
     * the module's dispatch classes (see {@link Shared}).
     */
    private final Map<Use, Dispatcher> used;
    /** The dispatch classes of a module spread over several classes; null when this class defines its dispatchers. */
    private final Shared shared;
    /** Call sites given a dispatcher of their own so far (see {@link #SITE_TARGETS}). */
    private int sites;

    /**
     * The dispatchers of a module spread over several classes: classes of their own ({@code baseName},
     * {@code baseName1}, ...) that the call sites of every class call, each dispatcher with a case for every matching
     * function of the module, whichever class defines it. So a dispatcher exists once per module rather than once per
     * class, and an indirect call to a function of another class is as direct as one to a function of the caller's
     * class. Filled while the module's classes are generated; then {@link #dispatchClass} generates each class.
     */
    static final class Shared {
        private final String baseName;
        private final Map<Use, Dispatcher> used = new LinkedHashMap<>();
        private final List<String> classNames = new ArrayList<>();
        private int lastClassTargets;

        Shared(String baseName) {
            this.baseName = baseName;
        }

        /** The dispatch classes, in the order they were opened. */
        List<String> classNames() {
            return classNames;
        }

        /** The class for a new dispatcher of {@code targets} cases: the last one, or a new one when it is full. */
        private String place(int targets) {
            if (classNames.isEmpty() || lastClassTargets > 0 && lastClassTargets + targets > MAX_TARGETS) {
                classNames.add(classNames.isEmpty() ? baseName : baseName + classNames.size());
                lastClassTargets = 0;
            }
            lastClassTargets += targets;
            return classNames.get(classNames.size() - 1);
        }
    }

    /**
     * A dispatcher's key: the call's expected type (its canonical identity: type indices of equivalent types share a
     * dispatcher), {@code tail}, a dispatcher for {@code return_call_indirect} / {@code return_call_ref} (see
     * {@link #invokeTail}), and the call site for a dispatcher of one site's own ({@link #SITE_TARGETS}), else -1.
     */
    private record Use(DefinedType expected, boolean tail, int site) {
    }

    /**
     * A dispatcher: its number, the class that defines it, a type index of the expected type (for the slow path's signature check), the JVM
     * descriptor of the callees' static methods and the Wasm result count (the slow path reserves room for them).
     */
    private record Dispatcher(int id, String owner, int typeIndex, String desc, int results) {
    }

    /** A child method of a dispatcher tree node and the share of the targets it dispatches. */
    private record Child(String name, int from, int to) {
    }

    IndirectCalls(ModuleCompiler mc) {
        this(mc, mc.sharedDispatch);
    }

    private IndirectCalls(ModuleCompiler mc, Shared shared) {
        this.mc = mc;
        this.shared = shared;
        this.used = shared != null ? shared.used : new LinkedHashMap<>();
    }

    /**
     * Dispatch class {@code className} of a split module: the dispatchers placed in it by the classes generated with
     * {@code shared}, with cases for the functions of all of them ({@code shape} is a compiler of the module whose
     * {@code owners} name each function's class). It defines no function and no bridge.
     */
    static byte[] dispatchClass(ModuleCompiler shape, Shared shared, String className) {
        ModuleCompiler mc = new ModuleCompiler(shape, className, new int[0], shape.owners);
        ClassWriter writer = ModuleCompiler.classWriter();
        ClassVisitor cw = mc.withHelperCopies(writer);
        cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, className, null, "java/lang/Object", null);
        new IndirectCalls(mc, shared).emitOwnDispatchers(cw);
        cw.visitEnd();
        return writer.toByteArray();
    }

    /**
     * With the arguments and then the callee ({@code FunctionInstance}, not null, its signature not yet checked) on
     * the JVM stack: calls it through the dispatcher of type {@code typeIndex}, which traps as {@code call_indirect}
     * when the signature does not match. Leaves what a direct {@code invokestatic} of the callee would.
     */
    void invoke(MethodVisitor mv, int instSlot, int roomSlot, int typeIndex) {
        call(mv, instSlot, roomSlot, typeIndex, false);
    }

    /**
     * The tail-call form, in a tail-call body that leaves its frame to the callee (see {@link CallCodegen}): with the
     * arguments and the callee, already checked against type {@code typeIndex}, on the JVM stack, leaves what the
     * body returns. A callee of this instance
     * that makes no tail calls of its own (a leaf: it cannot continue the chain, so the JVM stack grows by one frame
     * at most) is called directly and its results left at the store's top (null: nothing pending); any other callee
     * gets its arguments at the store's top and is returned for the trampoline.
     */
    void invokeTail(MethodVisitor mv, int instSlot, int roomSlot, int typeIndex) {
        call(mv, instSlot, roomSlot, typeIndex, true);
    }

    /**
     * Emits the call of the dispatcher with the instance in {@code instSlot} and the caller's room local in
     * {@code roomSlot}, which holds the callees' room ({@code FunctionCompiler.roomSlot}): passed as it is, or plus
     * one for a tail call (it replaces the caller's frame: the caller's own room).
     */
    private void call(MethodVisitor mv, int instSlot, int roomSlot, int typeIndex, boolean tail) {
        DefinedType expected = mc.typeSpace().defined(typeIndex);
        int site = -1;
        if (shared == null && sites < MAX_SITES) {
            int targets = compiledTargets(expected, descriptor(mc.funcType(typeIndex)), tail).length;
            if (targets > 0 && targets <= SITE_TARGETS) {
                site = sites++;
            }
        }
        Dispatcher d = used.computeIfAbsent(new Use(expected, tail, site), u -> {
            CompositeType.Func type = mc.funcType(typeIndex);
            String desc = descriptor(type);
            String owner = shared == null ? mc.className
                    : shared.place(compiledTargets(u.expected(), desc, tail).length);
            return new Dispatcher(used.size(), owner, typeIndex, desc, type.results().size());
        });
        mv.visitVarInsn(ALOAD, instSlot);
        mv.visitVarInsn(ILOAD, roomSlot); // the callees' room (FunctionCompiler.roomSlot)
        if (tail) {
            // a tail callee replaces this frame: this activation's own room
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
        }
        mv.visitMethodInsn(INVOKESTATIC, d.owner(), DISPATCH + d.id(), Signature.of(d.desc(), tail).desc(), false);
    }

    /**
     * Whether a dispatcher can have a callee of type {@code t}: its JVM signature (the parameters, the callee, the
     * instance, the room) must stay within the JVM's 255 argument slots.
     */
    static boolean fits(CompositeType.Func t) {
        int slots = 3;
        for (ValType p : t.params()) {
            slots += FunctionCompiler.size(ModuleCompiler.jvmType(p));
        }
        return slots <= 255;
    }

    /** The descriptor of a function's static method (see {@link ModuleCompiler#descriptor(int)}). */
    static String descriptor(CompositeType.Func t) {
        StringBuilder sb = new StringBuilder("(");
        for (ValType p : t.params()) {
            sb.append(ModuleCompiler.descriptor(ModuleCompiler.jvmType(p)));
        }
        sb.append(INST_DESC).append("I)");
        sb.append(t.results().size() != 1 ? "V" : ModuleCompiler.descriptor(ModuleCompiler.jvmType(t.results().get(0))));
        return sb.toString();
    }

    /**
     * {@code (P..., Inst, I)R} -> {@code (P..., FunctionInstance, Inst, I)R}, or {@code FunctionInstance} for tail;
     * the int is the callee's call depth room.
     */
    private static String dispatcherDescriptor(String desc, boolean tail) {
        int close = desc.indexOf(')');
        String params = desc.substring(1, close - INST_DESC.length() - 1);
        return "(" + params + "L" + FUNC + ";" + INST_DESC + "I)" + (tail ? "L" + FUNC + ";" : desc.substring(close + 1));
    }

    /** Emits the dispatchers that code of this class calls, unless the module's dispatch classes define them. */
    void emitDispatchers(ClassVisitor cw) {
        if (shared == null) {
            emitOwnDispatchers(cw);
        }
    }

    /** Emits the dispatchers placed in this class. */
    private void emitOwnDispatchers(ClassVisitor cw) {
        for (Map.Entry<Use, Dispatcher> e : used.entrySet()) {
            Use use = e.getKey();
            Dispatcher d = e.getValue();
            if (!d.owner().equals(mc.className)) {
                continue;
            }
            String name = DISPATCH + d.id();
            int[] targets = compiledTargets(use.expected(), d.desc(), use.tail());
            Signature sig = Signature.of(d.desc(), use.tail());
            emitNode(cw, sig, name, name, targets, 0, targets.length, true);
            emitSlowPath(cw, sig, name + "$slow", d.results(), d.typeIndex());
        }
    }

    /**
     * The candidates of a call expecting type {@code expected}: defined functions that can become references, whose
     * type matches it (a subtype of it; their static methods then have the descriptor {@code desc}) and that have a
     * compiled static method; for tail calls only leaves (functions that make no tail calls other than to themselves).
     * Such a callee passes the signature check, so the dispatcher calls it unchecked. At most {@link #MAX_TARGETS}.
     */
    private int[] compiledTargets(DefinedType expected, String desc, boolean tail) {
        int[] all = mc.referenceableByDescriptor().getOrDefault(desc, new int[0]);
        List<dev.basalt.wasm.Function> functions = mc.module.functions();
        return Arrays.stream(all)
                .filter(i -> mc.directOwner(i) != null && !(tail && mc.tailCallers[i - mc.importedFuncs]))
                .filter(i -> mc.typeSpace().defined(functions.get(i - mc.importedFuncs).typeIndex())
                        .isSubtypeOf(expected))
                .limit(MAX_TARGETS)
                .toArray();
    }

    /**
     * A dispatcher's parameters: the callee's Wasm parameters (JVM types), then the callee, the instance and the
     * callee's call depth room.
     */
    private record Signature(String desc, char[] params, int[] slots, int funcSlot, int instSlot, int roomSlot,
                             char result, boolean tail) {
        static Signature of(String desc, boolean tail) {
            org.objectweb.asm.Type[] args = org.objectweb.asm.Type.getArgumentTypes(desc);
            char[] params = new char[args.length - 2];
            int[] slots = new int[params.length];
            int slot = 0;
            for (int i = 0; i < params.length; i++) {
                String d = args[i].getDescriptor();
                params[i] = d.equals("L" + ModuleCompiler.V128_CLASS + ";") ? ModuleCompiler.V128 : d.charAt(0);
                slots[i] = slot;
                slot += FunctionCompiler.size(params[i]);
            }
            String r = org.objectweb.asm.Type.getReturnType(desc).getDescriptor();
            char result = r.equals("V") ? 'V' : r.equals("L" + ModuleCompiler.V128_CLASS + ";")
                    ? ModuleCompiler.V128 : r.charAt(0);
            return new Signature(dispatcherDescriptor(desc, tail), params, slots, slot, slot + 1, slot + 2, result,
                    tail);
        }

        /** Pushes the Wasm arguments; then, when {@code all}, the callee, the instance and the room too. */
        void loadArguments(MethodVisitor mv, boolean all) {
            for (int i = 0; i < params.length; i++) {
                mv.visitVarInsn(FunctionCompiler.opLoad(params[i]), slots[i]);
            }
            if (all) {
                mv.visitVarInsn(ALOAD, funcSlot);
                mv.visitVarInsn(ALOAD, instSlot);
                mv.visitVarInsn(ILOAD, roomSlot);
            }
        }

        /** Returns what another method of the dispatcher returned (on the JVM stack). */
        void returnResult(MethodVisitor mv) {
            mv.visitInsn(tail ? ARETURN : result == 'V' ? RETURN : CallCodegen.returnOpcode(result));
        }

        /**
         * Returns the result of a direct callee (on the JVM stack); in a tail dispatcher, as a tail-call body
         * returns: a single result written to the store's top, several already there, and null (nothing pending).
         */
        void returnCalleeResult(MethodVisitor mv) {
            if (!tail) {
                returnResult(mv);
                return;
            }
            if (result != 'V') {
                int storeSlot = roomSlot + 1;
                int baseSlot = storeSlot + 1;
                int valueSlot = baseSlot + 1;
                mv.visitVarInsn(FunctionCompiler.opStore(result), valueSlot);
                mv.visitVarInsn(ALOAD, instSlot);
                mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "store", STORE_DESC);
                mv.visitInsn(DUP);
                mv.visitVarInsn(ASTORE, storeSlot);
                mv.visitInsn(ICONST_1);
                mv.visitMethodInsn(INVOKESTATIC, "dev/basalt/compiler/Support", "reserve", "(" + STORE_DESC + "I)I",
                        false);
                mv.visitVarInsn(ISTORE, baseSlot);
                ValueStack.store(mv, storeSlot, baseSlot, 0, result, valueSlot);
            }
            mv.visitInsn(ACONST_NULL);
            mv.visitInsn(ARETURN);
        }

        /** Estimated bytes of one case (argument loads, call, return). */
        int caseBytes() {
            int n = tail ? 40 : 12;
            for (int s : slots) {
                n += s < 4 ? 1 : s < 256 ? 2 : 4;
            }
            return n;
        }
    }

    /**
     * One method of the dispatcher tree for {@code targets[from..to)} (sorted function indices): a switch on the
     * callee's index when they fit the budget, else a binary search over child methods, each with a share.
     */
    private void emitNode(ClassVisitor cw, Signature sig, String root, String name, int[] targets, int from, int to,
                          boolean top) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, name, sig.desc(), null, null);
        mv.visitCode();
        Label slow = new Label();
        if (top) {
            // Only this instance's own functions have their static methods called with this instance.
            mv.visitVarInsn(ALOAD, sig.funcSlot());
            mv.visitFieldInsn(GETFIELD, FUNC, "instance", INST_DESC);
            mv.visitVarInsn(ALOAD, sig.instSlot());
            mv.visitJumpInsn(IF_ACMPNE, slow);
        }
        int count = to - from;
        int perCase = sig.caseBytes();
        List<Child> children = new ArrayList<>();
        if (count == 0) {
            mv.visitJumpInsn(GOTO, slow);
        } else if ((long) count * perCase <= METHOD_BUDGET || count == 1) {
            mv.visitVarInsn(ALOAD, sig.funcSlot());
            mv.visitFieldInsn(GETFIELD, FUNC, "index", "I");
            Label[] labels = new Label[count];
            int[] keys = Arrays.copyOfRange(targets, from, to);
            for (int i = 0; i < count; i++) {
                labels[i] = new Label();
            }
            int lo = keys[0];
            int hi = keys[count - 1];
            if ((long) hi - lo + 1 <= 2L * count + 8) {
                Label[] table = new Label[hi - lo + 1];
                Arrays.fill(table, slow);
                for (int i = 0; i < count; i++) {
                    table[keys[i] - lo] = labels[i];
                }
                mv.visitTableSwitchInsn(lo, hi, slow, table);
            } else {
                mv.visitLookupSwitchInsn(slow, keys, labels);
            }
            for (int i = 0; i < count; i++) {
                int callee = keys[i];
                mv.visitLabel(labels[i]);
                sig.loadArguments(mv, false);
                mv.visitVarInsn(ALOAD, sig.instSlot());
                mv.visitVarInsn(ILOAD, sig.roomSlot());
                mv.visitMethodInsn(INVOKESTATIC, mc.directOwner(callee), ModuleCompiler.methodName(callee),
                        mc.descriptor(callee), false);
                sig.returnCalleeResult(mv);
            }
        } else {
            int fanOut = Math.max(2, Math.min(count, METHOD_BUDGET / (perCase + 8)));
            int chunk = (count + fanOut - 1) / fanOut;
            for (int s = from; s < to; s += chunk) {
                children.add(new Child(name + "$" + children.size(), s, Math.min(to, s + chunk)));
            }
            mv.visitVarInsn(ALOAD, sig.funcSlot());
            mv.visitFieldInsn(GETFIELD, FUNC, "index", "I");
            int indexSlot = sig.roomSlot() + 1;
            mv.visitVarInsn(ISTORE, indexSlot);
            searchChildren(mv, sig, targets, children, 0, children.size(), indexSlot);
        }
        mv.visitLabel(slow);
        sig.loadArguments(mv, true);
        mv.visitMethodInsn(INVOKESTATIC, mc.className, root + "$slow", sig.desc(), false);
        sig.returnResult(mv);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        for (Child c : children) {
            emitNode(cw, sig, root, c.name(), targets, c.from(), c.to(), false);
        }
    }

    /** Binary search on the callee's index over {@code children[lo..hi)}: each leaf calls its child method. */
    private void searchChildren(MethodVisitor mv, Signature sig, int[] targets, List<Child> children, int lo, int hi,
                                int indexSlot) {
        if (hi - lo == 1) {
            sig.loadArguments(mv, true);
            mv.visitMethodInsn(INVOKESTATIC, mc.className, children.get(lo).name(), sig.desc(), false);
            sig.returnResult(mv);
            return;
        }
        int mid = (lo + hi) >>> 1;
        Label upper = new Label();
        mv.visitVarInsn(ILOAD, indexSlot);
        FunctionCompiler.pushInt(mv, targets[children.get(mid).from()]);
        mv.visitJumpInsn(IF_ICMPGE, upper);
        searchChildren(mv, sig, targets, children, lo, mid, indexSlot);
        mv.visitLabel(upper);
        searchChildren(mv, sig, targets, children, mid, hi, indexSlot);
    }

    /**
     * {@code dispatch$N$slow}: the call through the runtime (arguments and results on the store's value stack), for
     * every callee without a direct case. Several results stay at the store's top, as a direct callee leaves them.
     */
    private void emitSlowPath(ClassVisitor cw, Signature sig, String name, int resultCount, int typeIndex) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, name, sig.desc(), null, null);
        mv.visitCode();
        if (!sig.tail()) {
            // Tail calls are checked at the call site, while the caller's frame is still on the Wasm call stack.
            mv.visitVarInsn(ALOAD, sig.funcSlot());
            mv.visitVarInsn(ALOAD, sig.instSlot());
            FunctionCompiler.pushInt(mv, typeIndex);
            mv.visitMethodInsn(INVOKESTATIC, DISPATCH_SUPPORT, "checkSignature", "(L" + FUNC + ";" + INST_DESC + "I)V",
                    false);
        }
        int storeSlot = sig.roomSlot() + 1;
        int baseSlot = storeSlot + 1;
        mv.visitVarInsn(ALOAD, sig.instSlot());
        mv.visitFieldInsn(GETFIELD, ModuleCompiler.INST, "store", STORE_DESC);
        mv.visitVarInsn(ASTORE, storeSlot);
        mv.visitVarInsn(ALOAD, storeSlot);
        FunctionCompiler.pushInt(mv, sig.tail() ? sig.params().length : Math.max(sig.params().length, resultCount));
        mv.visitMethodInsn(INVOKESTATIC, "dev/basalt/compiler/Support", "reserve", "(" + STORE_DESC + "I)I", false);
        mv.visitVarInsn(ISTORE, baseSlot);
        for (int i = 0; i < sig.params().length; i++) {
            ValueStack.store(mv, storeSlot, baseSlot, i, sig.params()[i], sig.slots()[i]);
        }
        if (sig.tail()) {
            // The trampoline runs the callee with these arguments (at the store's top).
            mv.visitVarInsn(ALOAD, sig.funcSlot());
            mv.visitInsn(ARETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            return;
        }
        mv.visitVarInsn(ALOAD, storeSlot);
        mv.visitVarInsn(ALOAD, sig.instSlot());
        mv.visitVarInsn(ALOAD, sig.funcSlot());
        mv.visitVarInsn(ILOAD, baseSlot);
        mv.visitVarInsn(ILOAD, sig.roomSlot());
        mv.visitMethodInsn(INVOKESTATIC, "dev/basalt/compiler/Support", "callInstance",
                "(" + STORE_DESC + INST_DESC + "L" + FUNC + ";II)V", false);
        if (sig.result() != 'V') {
            ValueStack.load(mv, storeSlot, baseSlot, 0, sig.result());
        }
        sig.returnResult(mv);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * Per JVM descriptor, the defined functions (sorted indices) that can become function references: those named
     * in element segments (active, passive or declarative), exports, global and table initialisers. Validation
     * requires a {@code ref.func} in code to name such a function, so no other defined function can be the target
     * of an indirect call.
     */
    static Map<String, int[]> referenceable(WasmModule module, List<CompositeType.Func> funcTypes) {
        int imported = module.importCount(ExternKind.FUNC);
        boolean[] mark = new boolean[funcTypes.size()];
        for (ElementSegment seg : module.elements()) {
            seg.init().forEach(e -> markRefFuncs(e, mark));
        }
        for (Global g : module.globals()) {
            markRefFuncs(g.init(), mark);
        }
        for (Table t : module.tables()) {
            t.init().ifPresent(e -> markRefFuncs(e, mark));
        }
        for (Export e : module.exports()) {
            if (e.kind() == ExternKind.FUNC && e.index() >= 0 && e.index() < mark.length) {
                mark[e.index()] = true;
            }
        }
        Map<String, List<Integer>> groups = new HashMap<>();
        for (int i = imported; i < mark.length; i++) {
            if (mark[i]) {
                groups.computeIfAbsent(descriptor(funcTypes.get(i)), d -> new ArrayList<>()).add(i);
            }
        }
        Map<String, int[]> out = new HashMap<>();
        groups.forEach((d, l) -> out.put(d, l.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    private static void markRefFuncs(Expression e, boolean[] mark) {
        for (Instruction in : e.instructions()) {
            if (in.opcode() == Opcode.REF_FUNC && in instanceof Instruction.Index x
                    && x.index() >= 0 && x.index() < mark.length) {
                mark[x.index()] = true;
            }
        }
    }
}
