package dev.basalt.compiler;

import dev.basalt.spi.UnsupportedCodeException;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.types.TypeSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Generates the class of one module: a static method {@code f<index>} per defined function (parameters, then the
 * {@code ModuleInstance}) and the {@link Invoker} bridge that the runtime calls.
 *
 * <p>Value types map to JVM types one to one: i32 {@code int}, i64 {@code long}, f32 {@code float}, f64
 * {@code double}, v128 {@link dev.basalt.wasm.V128}, every reference type {@code java.lang.Object} exactly as
 * the interpreter stores references (written here as the descriptor characters I, J, F, D, L, and {@link #V128}
 * for the vector; {@link #descriptor(char)} gives the JVM descriptor).
 */
final class ModuleCompiler {
    static final String INST = "dev/basalt/internal/runtime/ModuleInstance";
    static final String STORE = "dev/basalt/internal/runtime/StoreState";
    /** The type character of v128 values: not a JVM descriptor character, so a missed mapping fails loudly. */
    static final char V128 = 'X';
    /**
     * The operand-stack type of a v128 value held as two {@code long}s (low half below the high half) instead of a
     * {@link dev.basalt.wasm.V128} object: what SIMD instructions, v128 loads, constants and local reads push. It
     * never reaches a block boundary, call or any instruction that does not know it: {@link FunctionCompiler}
     * turns such values into objects ({@link #V128}) first.
     */
    static final char V128_PAIR = 'P';
    static final String V128_CLASS = "dev/basalt/wasm/V128";

    final WasmModule module;
    final String className;
    final int importedFuncs;
    /** Per function (index space): its type. */
    final List<CompositeType.Func> funcTypes;
    final List<ValType> globalTypes;
    final List<MemoryType> memoryTypes;
    final List<TableType> tableTypes;
    /** The module's types, flattened once ({@code WasmModule.types()} builds a new list per call). */
    final List<SubType> types;
    /** Per tag (index space): its function type's index. */
    final List<Integer> tagTypes;

    /** Per defined function: whether it makes tail calls other than to itself (see {@link CallCodegen}). */
    final boolean[] tailCallers;
    /** Per defined function: whether its body tail-calls through the trampoline (see {@link CallCodegen}). */
    final boolean[] tailBodies;

    /** The functions (index space) this class defines, in the order of the {@link Invoker} bridge's cases. */
    final int[] members;
    /**
     * Per function (index space): the class whose static method a {@code call} invokes directly, or null where the
     * call goes through the runtime (imports; under tiering, functions not compiled yet).
     */
    final String[] owners;
    /** Per member: the byte offsets its JVM line numbers stand for (see {@link OffsetLines}). */
    final int[][] lineOffsets;
    /** The dispatchers of typed indirect calls of the class being generated (see {@link IndirectCalls}). */
    IndirectCalls indirect;
    /**
     * For the classes of a module spread over several: the module's dispatch class, whose dispatchers typed indirect
     * calls of every class call (see {@link IndirectCalls.Shared}); null when this class defines its own (a whole
     * module in one class, a tiering batch).
     */
    IndirectCalls.Shared sharedDispatch;
    /** See {@link #referenceableByDescriptor()}; computed on first use, shared by the compilers of one module. */
    private Map<String, int[]> referenceable;
    /** The compiler whose module-wide tables this one shares (itself, or the {@code shape} it was made from). */
    private final ModuleCompiler root;
    /** See {@link #enteredFromOutsideOnly}; computed on first use, on {@link #root}. */
    private volatile boolean[] outsideOnly;
    /** See {@link #typeSpace()}; computed on first use, shared by the compilers of one module. */
    private TypeSpace typeSpace;
    /** See {@link #copyHelpers}; used on {@link #root}. */
    private HelperCopies helpers;

    /** The class of a whole module: every defined function, calls between them direct. */
    ModuleCompiler(WasmModule module, String className) {
        this(module, className, null, null);
    }

    /**
     * The class of some defined functions ({@code members}; null for all). {@code compiledElsewhere} names, per
     * function, the class of an earlier compilation that defines it (null entries: not compiled); calls to members
     * and to those are direct.
     */
    ModuleCompiler(WasmModule module, String className, int[] members, String[] compiledElsewhere) {
        this(module, null, className, members, compiledElsewhere);
    }

    /**
     * As above, with the module-wide tables (types, index spaces, tail callers) taken from {@code shape}, a
     * compiler of the same module, instead of computed again: tiering compiles many small batches of one module,
     * and each must cost the size of its functions, not of the module.
     */
    ModuleCompiler(ModuleCompiler shape, String className, int[] members, String[] compiledElsewhere) {
        this(shape.module, shape, className, members, compiledElsewhere);
    }

    private ModuleCompiler(WasmModule module, ModuleCompiler shape, String className, int[] members,
                           String[] compiledElsewhere) {
        this.module = module;
        this.className = className;
        this.root = shape != null ? shape.root : this;
        this.types = shape != null ? shape.types : module.types();
        this.importedFuncs = module.importCount(ExternKind.FUNC);
        int total = importedFuncs + module.functions().size();
        if (members == null) {
            members = new int[module.functions().size()];
            for (int i = 0; i < members.length; i++) {
                members[i] = importedFuncs + i;
            }
        }
        this.members = members;
        this.owners = compiledElsewhere != null ? compiledElsewhere.clone() : new String[total];
        for (int m : members) {
            owners[m] = className;
        }
        this.lineOffsets = new int[members.length][];
        if (shape != null) {
            funcTypes = shape.funcTypes;
            globalTypes = shape.globalTypes;
            memoryTypes = shape.memoryTypes;
            tableTypes = shape.tableTypes;
            tagTypes = shape.tagTypes;
            tailCallers = shape.tailCallers;
            tailBodies = CallCodegen.tailBodies(module, importedFuncs, tailCallers, owners);
            referenceable = shape.referenceableByDescriptor();
            typeSpace = shape.typeSpace();
            return;
        }
        funcTypes = new ArrayList<>();
        globalTypes = new ArrayList<>();
        memoryTypes = new ArrayList<>();
        tableTypes = new ArrayList<>();
        tagTypes = new ArrayList<>();
        for (Import im : module.imports()) {
            switch (im.desc()) {
                case ImportDesc.Func f -> funcTypes.add(funcType(f.typeIndex()));
                case ImportDesc.Global g -> globalTypes.add(g.type().type());
                case ImportDesc.Memory mem -> memoryTypes.add(mem.type());
                case ImportDesc.Table t -> tableTypes.add(t.type());
                case ImportDesc.Tag t -> tagTypes.add(t.type().typeIndex());
            }
        }
        for (Function f : module.functions()) {
            funcTypes.add(funcType(f.typeIndex()));
        }
        module.globals().forEach(g -> globalTypes.add(g.type().type()));
        memoryTypes.addAll(module.memories());
        module.tables().forEach(t -> tableTypes.add(t.type()));
        module.tags().forEach(t -> tagTypes.add(t.typeIndex()));
        tailCallers = CallCodegen.tailCallers(module, importedFuncs);
        tailBodies = CallCodegen.tailBodies(module, importedFuncs, tailCallers, owners);
    }

    /**
     * The defined functions that can become function references, by the descriptor of their static method (see
     * {@link IndirectCalls#referenceable}).
     */
    Map<String, int[]> referenceableByDescriptor() {
        if (referenceable == null) {
            referenceable = IndirectCalls.referenceable(module, funcTypes);
        }
        return referenceable;
    }

    /**
     * Whether function {@code funcIndex} is entered only from outside the module: exported or the start function,
     * and never named by a {@code call}, {@code return_call} or {@code ref.func} of the module, an element segment,
     * a global's or a table's initialiser. Such a function typically runs once per call from the embedder (a
     * program's main, a benchmark's run), so its top-level loops are what {@link LoopOutliner} runs in chunks.
     * The first question scans the module's code once.
     */
    boolean enteredFromOutsideOnly(int funcIndex) {
        if (root != this) {
            return root.enteredFromOutsideOnly(funcIndex);
        }
        boolean[] known = outsideOnly;
        if (known == null) {
            boolean[] only = new boolean[funcTypes.size()];
            boolean any = false;
            for (Export e : module.exports()) {
                if (e.kind() == ExternKind.FUNC && e.index() >= importedFuncs && e.index() < only.length) {
                    only[e.index()] = any = true;
                }
            }
            if (module.start().isPresent() && module.start().getAsInt() >= importedFuncs
                    && module.start().getAsInt() < only.length) {
                only[module.start().getAsInt()] = any = true;
            }
            if (any) {
                for (ElementSegment seg : module.elements()) {
                    seg.init().forEach(e -> unmarkNamed(e.instructions(), only));
                }
                module.globals().forEach(g -> unmarkNamed(g.init().instructions(), only));
                module.tables().forEach(t -> t.init().ifPresent(e -> unmarkNamed(e.instructions(), only)));
                module.functions().forEach(f -> unmarkNamed(f.body().instructions(), only));
            }
            outsideOnly = known = only;
        }
        return funcIndex >= 0 && funcIndex < known.length && known[funcIndex];
    }

    /** Clears, in {@code only}, the functions that {@code code} calls, tail-calls or takes a reference of. */
    private static void unmarkNamed(List<Instruction> code, boolean[] only) {
        for (Instruction in : code) {
            switch (in.opcode()) {
                case CALL, RETURN_CALL, REF_FUNC -> {
                    if (in instanceof Instruction.Index x && x.index() >= 0 && x.index() < only.length) {
                        only[x.index()] = false;
                    }
                }
                default -> {
                }
            }
        }
    }

    /** The module's types with their canonical identities (typed indirect calls match callee types statically). */
    TypeSpace typeSpace() {
        if (typeSpace == null) {
            typeSpace = TypeSpace.of(module);
        }
        return typeSpace;
    }

    CompositeType.Func funcType(int typeIndex) {
        return (CompositeType.Func) types.get(typeIndex).composite();
    }

    /**
     * Per function index: the piece budget forced by an earlier attempt whose method came out over 64 KB (see
     * {@link MethodSplitter}); functions not in it are split only when measured over HugeMethodLimit.
     */
    private final java.util.Map<Integer, Integer> forcedBudgets = new java.util.HashMap<>();

    /** The budget {@link MethodSplitter} must split function {@code funcIndex} with, or 0 to decide by size. */
    int splitBudget(int funcIndex) {
        return forcedBudgets.getOrDefault(funcIndex, 0);
    }

    /** Loops ({@code funcIndex << 32 | instruction index}) whose outlined method came out too large: left in place. */
    private final java.util.Set<Long> rejectedLoops = new java.util.HashSet<>();

    /** Whether the loop at instruction {@code loopIndex} of {@code funcIndex} must stay in place (see LoopOutliner). */
    boolean loopRejected(int funcIndex, int loopIndex) {
        return !rejectedLoops.isEmpty() && rejectedLoops.contains((long) funcIndex << 32 | loopIndex);
    }

    byte[] compile() {
        while (true) {
            try {
                return generate();
            } catch (LoopOutliner.LoopTooLargeException e) {
                // The estimate let through a loop whose method exceeds HugeMethodLimit: regenerate with it in place.
                rejectedLoops.add((long) e.funcIndex << 32 | e.loopIndex);
            } catch (MethodTooLargeException e) {
                // A piece with a long stretch of code and no empty-stack point grew past 64 KB: split that function
                // again with a smaller budget (rare; each retry regenerates the class).
                int index = functionOfMethod(e.getMethodName());
                int budget = forcedBudgets.getOrDefault(index, MethodSplitter.DEFAULT_BUDGET * 2) / 2;
                if (index < 0) {
                    throw new UnsupportedCodeException(JvmCompiler.NAME, index,
                            "(generated method " + e.getMethodName() + " over the JVM's 64 KB method limit)");
                }
                if (budget < MethodSplitter.MIN_BUDGET) {
                    throw new UnsupportedCodeException(JvmCompiler.NAME, index,
                            "(function body over the JVM's 64 KB method limit even when split: a stretch of "
                                    + "code without a point where the operand stack is empty)");
                }
                forcedBudgets.put(index, budget);
            }
        }
    }

    private byte[] generate() {
        ClassWriter writer = classWriter();
        ClassVisitor cw = withHelperCopies(writer);
        cw.visit(Opcodes.V21, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, className, null,
                "java/lang/Object", new String[] {"dev/basalt/compiler/Invoker"});
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        List<Function> functions = module.functions();
        indirect = new IndirectCalls(this);
        for (int k = 0; k < members.length; k++) {
            int index = members[k];
            Function function = functions.get(index - importedFuncs);
            FunctionCompiler fc = new FunctionCompiler(this, cw, index, function);
            fc.compile();
            lineOffsets[k] = fc.lines.offsets();
            if (fc.twinned) {
                FunctionCompiler twin = new FunctionCompiler(this, cw, index, function);
                twin.asTwin = true;
                twin.compile();
                // Backtraces read both copies' frames with one line table (CompiledFunction): the same code, so the
                // same lines.
                if (!java.util.Arrays.equals(lineOffsets[k], twin.lines.offsets())) {
                    throw new IllegalStateException("the twin of function " + index + " has other line numbers");
                }
            }
        }
        indirect.emitDispatchers(cw);
        emitInvoker(cw, false);
        emitInvoker(cw, true);
        cw.visitEnd();
        return writer.toByteArray();
    }

    /**
     * Makes the module's generated code call its own copies of the runtime helpers ({@link HelperCopies}); set once,
     * on the compiler whose tables the module's other compilers share, before any class is generated.
     */
    void copyHelpers(HelperCopies copies) {
        root.helpers = copies;
    }

    /**
     * Makes the module's stores mark the pages they write ({@code Config.trackMemoryWrites}, see
     * {@link MemoryCodegen}); set once, on the compiler whose tables the others share, before any class is generated.
     */
    void trackWrites(boolean track) {
        root.trackWrites = track;
    }

    /** Whether the module's stores mark the pages they write. */
    boolean trackWrites() {
        return root.trackWrites;
    }

    /** See {@link #trackWrites(boolean)}; used on {@link #root}. */
    private boolean trackWrites;

    /** The module's copies of the helpers, or null when its code calls the shared ones. */
    HelperCopies helperCopies() {
        return root.helpers;
    }

    /** {@code cw}, with helper calls going to the module's copies when it has them. */
    ClassVisitor withHelperCopies(ClassVisitor cw) {
        return root.helpers != null ? root.helpers.remap(cw) : cw;
    }

    /** A writer for a generated class: frames computed without loading classes. */
    static ClassWriter classWriter() {
        return new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Generated code only merges identical reference types; never load classes to find out.
                return a.equals(b) ? a : "java/lang/Object";
            }
        };
    }

    static String methodName(int funcIndex) {
        return "f" + funcIndex;
    }

    /** The method of the twin of function {@code funcIndex} (see {@link #twinCandidate}). */
    static String twinName(int funcIndex) {
        return methodName(funcIndex) + TWIN_SUFFIX;
    }

    static final String TWIN_SUFFIX = "$twin";

    /**
     * The most instructions a function may have to be compiled with a twin: C2 inlines a hot callee of up to 325
     * bytes of bytecode ({@code FreqInlineSize}), a few bytes per Wasm instruction.
     */
    static final int TWIN_MAX_INSTRUCTIONS = 80;

    /**
     * Whether function {@code funcIndex} gets a twin: a second copy of its method, {@code f<index>$twin}, the two
     * making their direct self-calls to each other. For small functions that call themselves ({@code fib}): C2
     * inlines a recursive call only one level deep ({@code MaxRecursiveInlineLevel}), but counts the two copies as
     * different methods, so a compiled copy holds four levels of the recursion (itself, the twin, itself, the twin)
     * and makes a call every fourth level instead of every second. The copies are the same code (same fuel, depth,
     * traps and line numbers; a backtrace names both as the function). Not for functions that make tail calls
     * (their self tail calls are jumps already, others need the trampoline's wrapper).
     */
    boolean twinCandidate(int funcIndex, Function function) {
        List<Instruction> body = function.body().instructions();
        if (body.size() > TWIN_MAX_INSTRUCTIONS || tailCallers[funcIndex - importedFuncs]) {
            return false;
        }
        boolean callsItself = false;
        for (Instruction in : body) {
            switch (in.opcode()) {
                case RETURN_CALL, RETURN_CALL_INDIRECT, RETURN_CALL_REF -> {
                    return false;
                }
                case CALL -> callsItself |= ((Instruction.Index) in).index() == funcIndex;
                default -> {
                }
            }
        }
        return callsItself;
    }

    /**
     * The function a generated method belongs to: {@code f<index>} is its entry method; methods split from it are
     * named {@code f<index>$<part>}. -1 for other methods (the bridge).
     */
    static int functionOfMethod(String methodName) {
        if (methodName.length() < 2 || methodName.charAt(0) != 'f') {
            return -1;
        }
        int end = 1;
        while (end < methodName.length() && Character.isDigit(methodName.charAt(end))) {
            end++;
        }
        if (end == 1 || end - 1 > 9 || (end < methodName.length() && methodName.charAt(end) != '$')) {
            return -1;
        }
        return Integer.parseInt(methodName, 1, end, 10);
    }

    /** The class whose static method a direct {@code call} of {@code callee} invokes, or null: call through the runtime. */
    String directOwner(int callee) {
        return owners[callee];
    }

    /** The JVM descriptor of a function's static method, or null if a parameter or result type is unsupported. */
    String descriptor(int funcIndex) {
        CompositeType.Func t = funcTypes.get(funcIndex);
        StringBuilder sb = new StringBuilder("(");
        for (ValType p : t.params()) {
            sb.append(descriptor(jvmType(p)));
        }
        sb.append('L').append(INST).append(";I)"); // the instance, the call depth room (see CallCodegen)
        // Several results are returned through the store's value stack (see CallCodegen).
        sb.append(t.results().size() != 1 ? "V" : descriptor(jvmType(t.results().get(0))));
        return sb.toString();
    }

    /** The descriptor of a tail-call body (see {@link CallCodegen}): the parameters, the instance, the room. */
    String tailBodyDescriptor(int funcIndex) {
        String d = descriptor(funcIndex);
        return d.substring(0, d.indexOf(')') + 1) + CallCodegen.FUNC_DESC;
    }

    /** The JVM field descriptor of a value-type character (references {@code java.lang.Object}). */
    static String descriptor(char c) {
        return switch (c) {
            case 'L' -> "Ljava/lang/Object;";
            case V128 -> "L" + V128_CLASS + ";";
            default -> String.valueOf(c);
        };
    }

    /** The descriptor character of a value type, or 0 when the compiler does not support the type yet. */
    static char jvmType(ValType t) {
        if (t instanceof NumType n) {
            return switch (n) {
                case I32 -> 'I';
                case I64 -> 'J';
                case F32 -> 'F';
                case F64 -> 'D';
                case V128 -> V128;
            };
        }
        // Every reference type is the object the interpreter keeps in its reference slots (null = ref.null).
        return 'L';
    }

    /** Functions per bridge method at most: keeps each one far below 64 KB (and the dispatch itself small). */
    static final int BRIDGE_CHUNK = 256;
    /** Estimated bytecode per bridge method at most (a case unpacks each parameter: about 12 bytes). */
    private static final int BRIDGE_BYTES = 24_000;

    /** Members per bridge method: {@link #BRIDGE_CHUNK}, halved while the functions with most parameters overflow. */
    private int bridgeChunk() {
        int maxParams = 0;
        for (int m : members) {
            maxParams = Math.max(maxParams, funcTypes.get(m).params().size());
        }
        int chunk = BRIDGE_CHUNK;
        while (chunk > 1 && (long) chunk * (24 + 12L * maxParams) > BRIDGE_BYTES) {
            chunk /= 2;
        }
        return chunk;
    }

    /**
     * Bridge: {@code invoke(member, m, inst, base)} unpacks arguments from the value stack and calls; {@code tail}:
     * {@code invokeTail}, the trampoline's step (see CallCodegen): a tail-call body is run as it is and its pending
     * callee returned; any other function runs as by invoke, and null says that nothing is pending. A class with
     * more members than fit one method ({@link #bridgeChunk}) gets one static bridge {@code invoke$k} /
     * {@code invokeTail$k} per chunk of them, and the bridge itself only picks the chunk.
     */
    private void emitInvoker(ClassVisitor cw, boolean tail) {
        int count = members.length;
        int chunkSize = bridgeChunk();
        String name = tail ? "invokeTail" : "invoke";
        String desc = "(IL" + STORE + ";L" + INST + ";I)" + (tail ? CallCodegen.FUNC_DESC : "V");
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, name, desc, null, null);
        mv.visitCode();
        if (count <= chunkSize) {
            emitBridgeCases(mv, tail, 1, 0, count);
            return;
        }
        int chunks = (count + chunkSize - 1) / chunkSize;
        Label dflt = new Label();
        Label[] cases = new Label[chunks];
        for (int k = 0; k < chunks; k++) {
            cases[k] = new Label();
        }
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        FunctionCompiler.pushInt(mv, Integer.numberOfTrailingZeros(chunkSize));
        mv.visitInsn(Opcodes.IUSHR);
        mv.visitTableSwitchInsn(0, chunks - 1, dflt, cases);
        for (int k = 0; k < chunks; k++) {
            mv.visitLabel(cases[k]);
            for (int slot = 1; slot <= 4; slot++) {
                mv.visitVarInsn(slot == 1 || slot == 4 ? Opcodes.ILOAD : Opcodes.ALOAD, slot);
            }
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, className, name + "$" + k, desc, false);
            mv.visitInsn(tail ? Opcodes.ARETURN : Opcodes.RETURN);
            MethodVisitor chunk = cw.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC, name + "$" + k, desc,
                    null, null);
            chunk.visitCode();
            emitBridgeCases(chunk, tail, 0, k * chunkSize, Math.min(count, (k + 1) * chunkSize));
        }
        mv.visitLabel(dflt);
        throwIllegalArgument(mv);
    }

    /**
     * The cases for members {@code from..to} of a bridge whose arguments (member, store, instance, base) start at
     * JVM local {@code first}; ends the method.
     */
    private void emitBridgeCases(MethodVisitor mv, boolean tail, int first, int from, int to) {
        int memberSlot = first;
        int storeSlot = first + 1;
        int instSlot = first + 2;
        int baseSlot = first + 3;
        int resultSlot = first + 4;
        Label dflt = new Label();
        Label[] cases = new Label[to - from];
        for (int i = 0; i < cases.length; i++) {
            cases[i] = new Label();
        }
        mv.visitVarInsn(Opcodes.ILOAD, memberSlot);
        if (cases.length > 0) {
            mv.visitTableSwitchInsn(from, to - 1, dflt, cases);
        } else {
            mv.visitJumpInsn(Opcodes.GOTO, dflt);
        }
        for (int i = from; i < to; i++) {
            int index = members[i];
            CompositeType.Func t = funcTypes.get(index);
            mv.visitLabel(cases[i - from]);
            for (int p = 0; p < t.params().size(); p++) {
                ValueStack.load(mv, storeSlot, baseSlot, p, jvmType(t.params().get(p)));
            }
            mv.visitVarInsn(Opcodes.ALOAD, instSlot);
            mv.visitVarInsn(Opcodes.ALOAD, storeSlot);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/basalt/compiler/Support", "room", "(L" + STORE + ";)I", false);
            if (tail && tailBodies[index - importedFuncs]) {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, className, CallCodegen.tailBodyName(index),
                        tailBodyDescriptor(index), false);
                mv.visitInsn(Opcodes.ARETURN);
                continue;
            }
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, className, methodName(index), descriptor(index), false);
            if (t.results().size() == 1) {
                char r = jvmType(t.results().get(0));
                mv.visitVarInsn(FunctionCompiler.opStore(r), resultSlot);
                ValueStack.store(mv, storeSlot, baseSlot, 0, r, resultSlot);
            } else if (t.results().size() > 1) {
                // The method left its results at the store's top; the runtime expects them at base.
                mv.visitVarInsn(Opcodes.ALOAD, storeSlot);
                mv.visitVarInsn(Opcodes.ILOAD, baseSlot);
                FunctionCompiler.pushInt(mv, t.results().size());
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/basalt/compiler/Support", "moveResults",
                        "(L" + STORE + ";II)V", false);
            }
            if (tail) {
                mv.visitInsn(Opcodes.ACONST_NULL);
                mv.visitInsn(Opcodes.ARETURN);
            } else {
                mv.visitInsn(Opcodes.RETURN);
            }
        }
        mv.visitLabel(dflt);
        throwIllegalArgument(mv);
    }

    private static void throwIllegalArgument(MethodVisitor mv) {
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalArgumentException");
        mv.visitInsn(Opcodes.DUP);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalArgumentException", "<init>", "()V", false);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }
}
