package dev.basalt;

import dev.basalt.internal.interpreter.CompiledModule;
import dev.basalt.internal.interpreter.Interpreter;
import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.memory.MemoryLimitException;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.GlobalInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.StoreState;
import dev.basalt.internal.runtime.TableInstance;
import dev.basalt.internal.runtime.TagInstance;
import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.DataSegment;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import java.util.List;

/** Import resolution and the instantiation algorithm of the spec (allocation, segment initialisation, start). */
final class Instantiator {
    /** A dropped segment's contents: empty, so one shared array serves every instance. */
    static final byte[] DROPPED_DATA = new byte[0];
    private static final Object[] DROPPED_ELEMS = new Object[0];

    private Instantiator() {
    }

    /** Resolves and type-checks every import of {@code module}; the result is indexed like the module's imports. */
    static Object[] resolve(Linker<?> linker, Module module) {
        List<Import> imports = module.wasm().imports();
        Object[] out = new Object[imports.size()];
        for (int i = 0; i < out.length; i++) {
            Import im = imports.get(i);
            Object d = linker.resolve(im.module(), im.name()).orElseThrow(
                    () -> new UnlinkableException("unknown import: " + im.module() + "." + im.name()));
            if (!matches(im.desc(), d, module.types)) {
                throw new UnlinkableException("incompatible import type: " + im.module() + "." + im.name());
            }
            out[i] = d;
        }
        return out;
    }

    private static boolean matches(ImportDesc desc, Object d, DefinedType[] types) {
        return switch (desc) {
            case ImportDesc.Func f -> d instanceof FunctionInstance fn && fn.type.isSubtypeOf(types[f.typeIndex()]);
            case ImportDesc.Tag t -> d instanceof TagInstance tag && tag.type == types[t.type().typeIndex()];
            case ImportDesc.Global g -> d instanceof GlobalInstance gi && globalMatches(gi, g.type(), types);
            case ImportDesc.Memory m -> d instanceof LinearMemory mem && memoryMatches(mem, m.type());
            case ImportDesc.Table t -> d instanceof TableInstance ti && tableMatches(ti, t.type(), types);
        };
    }

    private static boolean globalMatches(GlobalInstance g, GlobalType expected, DefinedType[] types) {
        if (g.type.mutable() != expected.mutable()) {
            return false;
        }
        boolean sub = valSubtype(g.type.type(), g.ownerTypes, expected.type(), types);
        return expected.mutable() ? sub && valSubtype(expected.type(), types, g.type.type(), g.ownerTypes) : sub;
    }

    private static boolean tableMatches(TableInstance t, TableType expected, DefinedType[] types) {
        if (t.type.is64() != expected.is64()) {
            return false;
        }
        RefType a = t.type.elementType();
        RefType b = expected.elementType();
        if (!valSubtype(a, t.ownerTypes, b, types) || !valSubtype(b, types, a, t.ownerTypes)) {
            return false;
        }
        return limitsMatch(t.size, t.type.limits().max().isPresent() ? t.type.limits().max().getAsLong() : -1,
                expected.limits());
    }

    private static boolean memoryMatches(LinearMemory m, MemoryType expected) {
        MemoryType actual = m.type();
        if (actual.is64() != expected.is64() || actual.shared() != expected.shared()
                || actual.pageSizeLog2() != expected.pageSizeLog2()) {
            return false;
        }
        return limitsMatch(m.size(), actual.limits().max().isPresent() ? actual.limits().max().getAsLong() : -1,
                expected.limits());
    }

    /** Import limits: the actual current size at least the minimum; if a maximum is expected, one at most it. */
    private static boolean limitsMatch(long size, long max, Limits expected) {
        if (Long.compareUnsigned(size, expected.min()) < 0) {
            return false;
        }
        if (expected.max().isPresent()) {
            return max != -1 && Long.compareUnsigned(max, expected.max().getAsLong()) <= 0;
        }
        return true;
    }

    /** Value subtyping across modules: concrete heap types are interpreted in their own module's types. */
    static boolean valSubtype(ValType a, DefinedType[] ta, ValType b, DefinedType[] tb) {
        if (!(a instanceof RefType ra) || !(b instanceof RefType rb)) {
            return a.equals(b);
        }
        if (ra.nullable() && !rb.nullable()) {
            return false;
        }
        return heapSubtype(ra.heapType(), ta, rb.heapType(), tb);
    }

    private static boolean heapSubtype(HeapType a, DefinedType[] ta, HeapType b, DefinedType[] tb) {
        if (a instanceof HeapType.Concrete ca && b instanceof HeapType.Concrete cb) {
            return ta != null && tb != null && ta[ca.typeIndex()].isSubtypeOf(tb[cb.typeIndex()]);
        }
        if (a instanceof HeapType.Concrete ca) {
            if (ta == null) {
                return false;
            }
            DefinedType t = ta[ca.typeIndex()];
            AbsHeapType kind = t.isFunc() ? AbsHeapType.FUNC : t.isStruct() ? AbsHeapType.STRUCT : AbsHeapType.ARRAY;
            return absSubtype(kind, (AbsHeapType) b);
        }
        AbsHeapType x = (AbsHeapType) a;
        if (b instanceof HeapType.Concrete cb) {
            if (tb == null) {
                return false;
            }
            DefinedType t = tb[cb.typeIndex()];
            return t.isFunc() ? x == AbsHeapType.NOFUNC : x == AbsHeapType.NONE;
        }
        return absSubtype(x, (AbsHeapType) b);
    }

    private static boolean absSubtype(AbsHeapType a, AbsHeapType b) {
        if (a == b) {
            return true;
        }
        return switch (a) {
            case NONE -> b == AbsHeapType.I31 || b == AbsHeapType.STRUCT || b == AbsHeapType.ARRAY
                    || b == AbsHeapType.EQ || b == AbsHeapType.ANY;
            case I31, STRUCT, ARRAY -> b == AbsHeapType.EQ || b == AbsHeapType.ANY;
            case EQ -> b == AbsHeapType.ANY;
            case NOFUNC -> b == AbsHeapType.FUNC;
            case NOEXTERN -> b == AbsHeapType.EXTERN;
            case NOEXN -> b == AbsHeapType.EXN;
            default -> false;
        };
    }

    static Instance instantiate(Store<?> store, Module module, Object[] imports) {
        StoreState st = store.state;
        if (st.instanceCount >= st.maxInstances) {
            throw new UnlinkableException("instance limit of the store reached (" + st.maxInstances + ")");
        }
        WasmModule w = module.wasm();
        CompiledModule cm = module.compiled;
        DefinedType[] types = module.types;
        ModuleInstance inst = new ModuleInstance(st, cm, types, module.defined().moduleName());
        inst.sourceLines = module.sourceLines;
        int nf = w.functionCount();
        FunctionInstance[] funcs = new FunctionInstance[nf];
        inst.tables = new TableInstance[w.tableCount()];
        inst.memories = new LinearMemory[w.memoryCount()];
        inst.globals = new GlobalInstance[w.globalCount()];
        inst.tags = new TagInstance[w.tagCount()];
        int fi = 0;
        int ti = 0;
        int mi = 0;
        int gi = 0;
        int tgi = 0;
        for (int i = 0; i < imports.length; i++) {
            switch (w.imports().get(i).desc().kind()) {
                case FUNC -> funcs[fi++] = (FunctionInstance) imports[i];
                case TABLE -> inst.tables[ti++] = (TableInstance) imports[i];
                case MEMORY -> inst.memories[mi++] = (LinearMemory) imports[i];
                case GLOBAL -> inst.globals[gi++] = (GlobalInstance) imports[i];
                case TAG -> inst.tags[tgi++] = (TagInstance) imports[i];
            }
        }
        Module.Defined defined = module.defined();
        // defined functions are made on first use (ModuleInstance.func)
        inst.functions(funcs, module.functionMaker);
        for (var tag : w.tags()) {
            inst.tags[tgi++] = new TagInstance(types[tag.typeIndex()]);
        }
        MemoryImage image = module.memoryImage();
        int definedMemory = 0;
        for (MemoryType mt : w.memories()) {
            try {
                LinearMemory memory;
                if (image == null) {
                    memory = LinearMemory.create(mt, st.maxMemoryBytes);
                } else {
                    byte[] pooled = mt.shared() ? null : image.take(definedMemory);
                    memory = pooled != null ? LinearMemory.createOver(mt, st.maxMemoryBytes, pooled)
                            : LinearMemory.create(mt, st.maxMemoryBytes, image.offsets(definedMemory),
                                    image.runs(definedMemory));
                    if (!mt.shared()) {
                        if (module.tracksMemoryWrites) {
                            memory.trackWrites(image.takeMap(definedMemory));
                        }
                        store.recyclable(image, definedMemory, memory);
                    }
                }
                inst.memories[mi++] = memory;
                definedMemory++;
            } catch (MemoryLimitException e) {
                throw new UnlinkableException("memory limit: " + e.getMessage());
            }
        }
        inst.mem0 = inst.memories.length > 0 ? inst.memories[0] : null;
        // Globals are evaluated in order: each initialiser sees the imported and the earlier globals.
        for (dev.basalt.wasm.Global g : w.globals()) {
            GlobalInstance global = new GlobalInstance(g.type());
            global.ownerTypes = types;
            eval(st, cm, inst, g.init(), global);
            inst.globals[gi++] = global;
        }
        for (dev.basalt.wasm.Table t : w.tables()) {
            Object init = null;
            if (t.init().isPresent()) {
                GlobalInstance tmp = new GlobalInstance(new GlobalType(t.type().elementType(), false));
                eval(st, cm, inst, t.init().get(), tmp);
                init = tmp.ref;
            }
            TableInstance table;
            try {
                table = new TableInstance(t.type(), init, st);
            } catch (Trap e) {
                throw new UnlinkableException("table limit: " + e.getMessage());
            }
            table.ownerTypes = types;
            inst.tables[ti++] = table;
        }
        for (Export e : w.exports()) {
            Object v = switch (e.kind()) {
                case FUNC -> inst.funcWhileUnshared(e.index());
                case TABLE -> inst.tables[e.index()];
                case MEMORY -> inst.memories[e.index()];
                case GLOBAL -> inst.globals[e.index()];
                case TAG -> inst.tags[e.index()];
            };
            inst.exports.put(e.name(), v);
        }
        List<ElementSegment> elems = w.elements();
        inst.elems = new Object[elems.size()][];
        GlobalInstance tmp = new GlobalInstance(new GlobalType(RefType.FUNCREF, false));
        for (int i = 0; i < elems.size(); i++) {
            int[] functions = defined.elementFunctions()[i];
            if (lazySegment(functions, elems.get(i))) {
                // written into its table below as a lazy run (TableInstance.initLazily): its functions are made
                // on first use; inst.elems[i] stays null until then
                continue;
            }
            List<Expression> init = elems.get(i).init();
            Object[] values;
            if (functions != null) {
                values = functionValues(inst, functions);
            } else {
                values = new Object[init.size()];
                for (int j = 0; j < values.length; j++) {
                    values[j] = evalRef(st, cm, inst, init.get(j), tmp);
                }
            }
            inst.elems[i] = values;
        }
        List<DataSegment> data = w.data();
        if (image == null) {
            inst.datas = new byte[data.size()][];
            for (int i = 0; i < data.size(); i++) {
                inst.datas[i] = data.get(i).init();
            }
        }
        st.instanceCount++;
        Instance instance = new Instance(inst, store, module);
        try {
            initTables(st, cm, inst, defined, elems);
        } catch (Trap e) {
            // the instance's functions may already be in an imported table, and may run table.init on the
            // active segments not reached: those keep their contents, as in an instance that never dropped them
            for (int i = 0; i < elems.size(); i++) {
                if (inst.elems[i] == null) {
                    inst.elems[i] = functionValues(inst, defined.elementFunctions()[i]);
                }
            }
            throw e;
        }
        if (image != null) {
            // the active segments are in the memories' initial contents already, and dropped after instantiation
            inst.datas = image.datasAfterInstantiation();
        }
        for (int i = 0; image == null && i < data.size(); i++) {
            DataSegment seg = data.get(i);
            if (seg.mode() instanceof DataSegment.Active a) {
                LinearMemory mem = inst.memories[a.memory()];
                GlobalInstance off = new GlobalInstance(new GlobalType(mem.type().addressType(), false));
                eval(st, cm, inst, a.offset(), off);
                long d = mem.is64() ? off.value : off.value & 0xFFFF_FFFFL;
                mem.init(d, seg.init(), 0, seg.init().length);
                inst.datas[i] = DROPPED_DATA;
            }
        }
        if (w.start().isPresent()) {
            Calls.run(store, inst.func(w.start().getAsInt()), st.top);
        }
        return instance;
    }

    /**
     * Active segments of function indices at least this long fill their tables lazily. Shorter ones make their
     * functions at instantiation: a lazy entry's first {@code call_indirect} takes the lookup's null path, and once
     * compiled code has seen that path taken, C2 keeps it as a call inside the caller's loops, which then cannot keep
     * fields in registers across iterations (the dispatch workload, a fresh instance per call with a 12-entry table
     * filled lazily, ran 10-17% slower in 9 of 11 alternated same-JVM runs). A large table, such as
     * StarlingMonkey's 7,775 entries, costs far more to fill up front than the few entries a request calls.
     */
    static final int LAZY_SEGMENT_MIN = 1024;

    /** Whether active segment {@code seg} with function indices {@code functions} (or null) fills its table lazily. */
    private static boolean lazySegment(int[] functions, ElementSegment seg) {
        return functions != null && functions.length >= LAZY_SEGMENT_MIN
                && seg.mode() instanceof ElementSegment.Active;
    }

    /** The functions an element segment of function indices names (-1: null), made now. */
    private static Object[] functionValues(ModuleInstance inst, int[] functions) {
        Object[] values = new Object[functions.length];
        for (int j = 0; j < values.length; j++) {
            values[j] = functions[j] < 0 ? null : inst.funcWhileUnshared(functions[j]);
        }
        return values;
    }

    /**
     * Writes the active element segments into their tables in order and drops them and the declarative ones; an
     * out-of-bounds segment traps, leaving the earlier segments' writes in place (as the spec's instantiation does).
     */
    private static void initTables(StoreState st, CompiledModule cm, ModuleInstance inst, Module.Defined defined,
            List<ElementSegment> elems) {
        for (int i = 0; i < elems.size(); i++) {
            ElementSegment seg = elems.get(i);
            if (seg.mode() instanceof ElementSegment.Active a) {
                TableInstance t = inst.tables[a.table()];
                GlobalInstance off = new GlobalInstance(new GlobalType(t.type.addressType(), false));
                eval(st, cm, inst, a.offset(), off);
                long d = t.type.is64() ? off.value : off.value & 0xFFFF_FFFFL;
                int[] functions = defined.elementFunctions()[i];
                boolean lazy = lazySegment(functions, seg);
                Object[] values = inst.elems[i];
                int length = lazy ? functions.length : values.length;
                if (d < 0 || d > t.size - (long) length) {
                    throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
                }
                if (lazy) {
                    t.initLazily((int) d, functions, inst);
                } else {
                    t.init(d, values, 0, length);
                }
                inst.elems[i] = DROPPED_ELEMS;
            } else if (seg.mode() instanceof ElementSegment.Declarative) {
                inst.elems[i] = DROPPED_ELEMS;
            }
        }
    }

    private static Object evalRef(StoreState st, CompiledModule cm, ModuleInstance inst, Expression e, GlobalInstance tmp) {
        List<Instruction> ins = e.instructions();
        if (ins.size() == 1 && ins.get(0) instanceof Instruction.Index ix && ix.opcode().name().equals("REF_FUNC")) {
            return inst.func(ix.index());
        }
        if (ins.size() == 1 && ins.get(0) instanceof Instruction.HeapTypeInstr h && h.opcode().name().equals("REF_NULL")) {
            return null;
        }
        eval(st, cm, inst, e, tmp);
        return tmp.ref;
    }

    /** Evaluates a constant expression into {@code into}'s value cells. */
    private static void eval(StoreState st, CompiledModule cm, ModuleInstance inst, Expression e, GlobalInstance into) {
        List<Instruction> ins = e.instructions();
        if (ins.size() == 1) {
            switch (ins.get(0)) {
                case Instruction.I32Const c -> {
                    into.value = c.value();
                    return;
                }
                case Instruction.I64Const c -> {
                    into.value = c.value();
                    return;
                }
                case Instruction.F32Const c -> {
                    into.value = c.bits();
                    return;
                }
                case Instruction.F64Const c -> {
                    into.value = c.bits();
                    return;
                }
                default -> {
                }
            }
        }
        FunctionInstance f = cm.constant(inst, e);
        int base = st.top;
        st.ensureStack(base + 2);
        int depth0 = st.depth;
        int top0 = st.top;
        try {
            Interpreter.invoke(st, f, base);
        } finally {
            st.depth = depth0;
            st.top = top0;
        }
        into.value = st.stack[base];
        into.hi = st.his[base];
        into.ref = st.refs[base];
        st.refs[base] = null;
    }
}
