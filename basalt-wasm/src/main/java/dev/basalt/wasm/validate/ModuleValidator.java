package dev.basalt.wasm.validate;

import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.DataSegment;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.Features;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.Global;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.StorageType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.Table;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.TagType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.types.TypeSpace;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Module-level validation: types, imports, definitions, segments, exports, start; then every function body through
 * {@link FunctionValidator}. Holds the module's context (the spec's {@code C}) flattened into index-space lists.
 */
final class ModuleValidator {
    /** Implementation limit on params + locals of one function; keeps allocation bounded by a sane constant. */
    static final long MAX_LOCALS = 50_000;

    final WasmModule module;
    final Features features;
    TypeSpace types;
    /** Type index of every function, imports first. */
    final List<Integer> funcTypes = new ArrayList<>();
    final List<TableType> tables = new ArrayList<>();
    final List<MemoryType> memories = new ArrayList<>();
    final List<GlobalType> globals = new ArrayList<>();
    final List<Integer> tagTypes = new ArrayList<>();
    /** Functions that may be referenced by ref.func inside function bodies (the spec's C.refs). */
    final BitSet declaredRefs = new BitSet();
    int importedGlobals;
    private FunctionValidator constValidator;

    ModuleValidator(WasmModule module, Features features) {
        this.module = module;
        this.features = features;
    }

    /** What switched-off features forbid at module level (see {@link Features.Feature}). */
    private void checkFeatureCounts() {
        if (!features.has(Features.Feature.MULTI_MEMORY) && module.memoryCount() > 1) {
            throw invalid("multiple memories");
        }
        if (!features.has(Features.Feature.MULTI_TABLE) && module.tableCount() > 1) {
            throw invalid("multiple tables");
        }
        if (!features.has(Features.Feature.MEMORY64)) {
            for (MemoryType m : memories) {
                if (m.is64()) {
                    throw invalid("memory64 is not enabled: i64 memory");
                }
            }
            for (Import imp : module.imports()) {
                if (imp.desc() instanceof ImportDesc.Table t && t.type().is64()) {
                    throw invalid("memory64 is not enabled: i64 table");
                }
            }
            for (Table t : module.tables()) {
                if (t.type().is64()) {
                    throw invalid("memory64 is not enabled: i64 table");
                }
            }
        }
    }

    static InvalidException invalid(String reason) {
        return new InvalidException(reason);
    }

    TypeSpace validate() {
        types = TypeSpace.of(module);
        validateTypes();
        for (Import imp : module.imports()) {
            switch (imp.desc()) {
                case ImportDesc.Func f -> {
                    requireFuncType(f.typeIndex());
                    funcTypes.add(f.typeIndex());
                }
                case ImportDesc.Table t -> {
                    validateTableType(t.type());
                    tables.add(t.type());
                }
                case ImportDesc.Memory m -> {
                    validateMemoryType(m.type());
                    memories.add(m.type());
                }
                case ImportDesc.Global g -> {
                    validateValType(g.type().type());
                    globals.add(g.type());
                }
                case ImportDesc.Tag t -> {
                    validateTagType(t.type());
                    tagTypes.add(t.type().typeIndex());
                }
            }
        }
        importedGlobals = globals.size();
        for (Function f : module.functions()) {
            requireFuncType(f.typeIndex());
            funcTypes.add(f.typeIndex());
        }
        for (TagType t : module.tags()) {
            validateTagType(t);
            tagTypes.add(t.typeIndex());
        }
        for (MemoryType m : module.memories()) {
            validateMemoryType(m);
            memories.add(m);
        }
        checkFeatureCounts();
        collectDeclaredRefs();
        // The table section precedes the global section: table initialisers see only imported globals.
        for (Table t : module.tables()) {
            validateTableType(t.type());
            if (t.init().isPresent()) {
                constExpr(t.init().get(), t.type().elementType(), importedGlobals);
            } else if (!t.type().elementType().nullable()) {
                throw invalid("type mismatch: table of non-nullable type " + t.type().elementType()
                        + " needs an initializer");
            }
            tables.add(t.type());
        }
        // Globals may refer in their initialisers to imported and previously defined globals.
        for (Global g : module.globals()) {
            validateValType(g.type().type());
            constExpr(g.init(), g.type().type(), globals.size());
            globals.add(g.type());
        }
        validateExports();
        if (module.start().isPresent()) {
            int s = module.start().getAsInt();
            if (s < 0 || s >= funcTypes.size()) {
                throw invalid("unknown function " + Integer.toUnsignedString(s));
            }
            CompositeType.Func ft = funcType(funcTypes.get(s));
            if (!ft.params().isEmpty() || !ft.results().isEmpty()) {
                throw invalid("start function must have type [] -> []");
            }
        }
        for (ElementSegment e : module.elements()) {
            validateElement(e);
        }
        for (DataSegment d : module.data()) {
            if (d.mode() instanceof DataSegment.Active a) {
                MemoryType m = memory(a.memory());
                constExpr(a.offset(), m.addressType(), globals.size());
            }
        }
        int imported = module.importCount(ExternKind.FUNC);
        FunctionValidator fv = new FunctionValidator(this);
        for (int i = 0; i < module.functions().size(); i++) {
            fv.validateFunction(imported + i, module.functions().get(i));
        }
        return types;
    }

    // ---------------------------------------------------------------- types

    private void validateTypes() {
        for (int i = 0; i < types.size(); i++) {
            SubType st = types.subType(i);
            if (st.supertypes().size() > 1) {
                throw invalid("sub type: multiple supertypes for type " + i);
            }
            for (int sup : st.supertypes()) {
                SubType superType = types.subType(sup);
                if (superType.isFinal()) {
                    throw invalid("sub type " + i + " has final supertype " + sup);
                }
                if (!types.isSubtype(st.composite(), superType.composite())) {
                    throw invalid("sub type " + i + " does not match its supertype " + sup);
                }
            }
        }
    }

    /** Checks that every concrete heap type in {@code t} is a type index of the module. */
    void validateValType(ValType t) {
        if (t instanceof RefType r) {
            validateHeapType(r.heapType());
        }
    }

    void validateHeapType(HeapType h) {
        if (h instanceof HeapType.Concrete c && !types.contains(c.typeIndex())) {
            throw invalid("unknown type " + Integer.toUnsignedString(c.typeIndex()));
        }
    }

    CompositeType requireType(int typeIndex) {
        if (!types.contains(typeIndex)) {
            throw invalid("unknown type " + Integer.toUnsignedString(typeIndex));
        }
        return types.composite(typeIndex);
    }

    void requireFuncType(int typeIndex) {
        if (!(requireType(typeIndex) instanceof CompositeType.Func)) {
            throw invalid("unknown type: type " + typeIndex + " is not a function type");
        }
    }

    CompositeType.Func funcType(int typeIndex) {
        return (CompositeType.Func) types.composite(typeIndex);
    }

    private void validateTagType(TagType t) {
        requireFuncType(t.typeIndex());
        if (!funcType(t.typeIndex()).results().isEmpty()) {
            throw invalid("non-empty tag result type");
        }
    }

    private void validateTableType(TableType t) {
        validateValType(t.elementType());
        Limits l = t.limits();
        if (!t.is64()) {
            long maxSize = 0xFFFF_FFFFL;
            if (Long.compareUnsigned(l.min(), maxSize) > 0
                    || (l.max().isPresent() && Long.compareUnsigned(l.max().getAsLong(), maxSize) > 0)) {
                throw invalid("table size must be at most 2^32-1");
            }
        }
        checkMinMax(l);
    }

    private static void checkMinMax(Limits l) {
        if (l.max().isPresent() && Long.compareUnsigned(l.min(), l.max().getAsLong()) > 0) {
            throw invalid("size minimum must not be greater than maximum");
        }
    }

    private void validateMemoryType(MemoryType m) {
        if (m.pageSizeLog2() != 0 && m.pageSizeLog2() != MemoryType.DEFAULT_PAGE_SIZE_LOG2) {
            throw invalid("invalid custom page size");
        }
        Limits l = m.limits();
        // The whole memory must be addressable: at most 2^32 bytes (i32) or 2^64 bytes (i64), and the page count
        // itself must fit the address type (which matters for one-byte pages: at most 2^32-1 / 2^64-1 pages).
        int addressBits = m.is64() ? 64 : 32;
        int pageBits = addressBits - m.pageSizeLog2();
        long maxPages = pageBits < addressBits ? 1L << pageBits : (addressBits == 64 ? -1L : (1L << 32) - 1);
        if (Long.compareUnsigned(l.min(), maxPages) > 0
                || (l.max().isPresent() && Long.compareUnsigned(l.max().getAsLong(), maxPages) > 0)) {
            throw invalid("memory size must be at most " + (!m.is64() && m.pageSizeLog2() == 16
                    ? "65536 pages (4GiB)" : Long.toUnsignedString(maxPages) + " pages"));
        }
        checkMinMax(l);
        if (m.shared() && l.max().isEmpty()) {
            throw invalid("shared memory must have maximum");
        }
    }

    // ---------------------------------------------------------------- index spaces

    TableType table(int index) {
        if (index < 0 || index >= tables.size()) {
            throw invalid("unknown table " + Integer.toUnsignedString(index));
        }
        return tables.get(index);
    }

    MemoryType memory(int index) {
        if (index < 0 || index >= memories.size()) {
            throw invalid("unknown memory " + Integer.toUnsignedString(index));
        }
        return memories.get(index);
    }

    GlobalType global(int index, int visible) {
        if (index < 0 || index >= visible) {
            throw invalid("unknown global " + Integer.toUnsignedString(index));
        }
        return globals.get(index);
    }

    int function(int index) {
        if (index < 0 || index >= funcTypes.size()) {
            throw invalid("unknown function " + Integer.toUnsignedString(index));
        }
        return funcTypes.get(index);
    }

    CompositeType.Func tag(int index) {
        if (index < 0 || index >= tagTypes.size()) {
            throw invalid("unknown tag " + Integer.toUnsignedString(index));
        }
        return funcType(tagTypes.get(index));
    }

    ElementSegment elem(int index) {
        if (index < 0 || index >= module.elements().size()) {
            throw invalid("unknown elem segment " + Integer.toUnsignedString(index));
        }
        return module.elements().get(index);
    }

    void data(int index) {
        // A binary that uses data indices in code without a data count section is malformed, which the binary
        // reader reports; here the segments themselves bound the index space.
        int count = module.dataCount().orElse(module.data().size());
        if (index < 0 || index >= count) {
            throw invalid("unknown data segment " + Integer.toUnsignedString(index));
        }
    }

    // ---------------------------------------------------------------- segments, exports

    private void validateElement(ElementSegment e) {
        validateValType(e.type());
        for (Expression init : e.init()) {
            constExpr(init, e.type(), globals.size());
        }
        if (e.mode() instanceof ElementSegment.Active a) {
            TableType t = table(a.table());
            constExpr(a.offset(), t.addressType(), globals.size());
            if (!types.isSubtype(e.type(), t.elementType())) {
                throw invalid("type mismatch: element segment of type " + e.type() + " for table of type "
                        + t.elementType());
            }
        }
    }

    private void validateExports() {
        Set<String> names = new HashSet<>();
        for (Export e : module.exports()) {
            if (!names.add(e.name())) {
                throw invalid("duplicate export name \"" + e.name() + "\"");
            }
            switch (e.kind()) {
                case FUNC -> function(e.index());
                case TABLE -> table(e.index());
                case MEMORY -> memory(e.index());
                case GLOBAL -> global(e.index(), globals.size());
                case TAG -> tag(e.index());
            }
        }
    }

    /** C.refs: every function index that occurs in the module outside function bodies and the start section. */
    private void collectDeclaredRefs() {
        for (Export e : module.exports()) {
            if (e.kind() == ExternKind.FUNC && e.index() >= 0) {
                declaredRefs.set(e.index());
            }
        }
        for (Global g : module.globals()) {
            collectRefs(g.init());
        }
        for (Table t : module.tables()) {
            t.init().ifPresent(this::collectRefs);
        }
        for (ElementSegment e : module.elements()) {
            for (Expression x : e.init()) {
                collectRefs(x);
            }
            if (e.mode() instanceof ElementSegment.Active a) {
                collectRefs(a.offset());
            }
        }
        for (DataSegment d : module.data()) {
            if (d.mode() instanceof DataSegment.Active a) {
                collectRefs(a.offset());
            }
        }
    }

    private void collectRefs(Expression e) {
        for (Instruction i : e.instructions()) {
            if (i instanceof Instruction.Index x && x.opcode() == Opcode.REF_FUNC && x.index() >= 0) {
                declaredRefs.set(x.index());
            }
        }
    }

    /** Validates a constant expression producing {@code type}; {@code visibleGlobals} bounds global.get. */
    void constExpr(Expression e, ValType type, int visibleGlobals) {
        if (constValidator == null) {
            constValidator = new FunctionValidator(this);
        }
        constValidator.validateConst(e, type, visibleGlobals);
    }

    // ---------------------------------------------------------------- helpers for the function validator

    /** The field types of struct type {@code typeIndex}, or an error if it is not a struct. */
    List<FieldType> structFields(int typeIndex) {
        if (!(requireType(typeIndex) instanceof CompositeType.Struct s)) {
            throw invalid("type mismatch: type " + typeIndex + " is not a struct type");
        }
        return s.fields();
    }

    FieldType arrayElement(int typeIndex) {
        if (!(requireType(typeIndex) instanceof CompositeType.Array a)) {
            throw invalid("type mismatch: type " + typeIndex + " is not an array type");
        }
        return a.element();
    }

    CompositeType.Func funcTypeChecked(int typeIndex) {
        if (!(requireType(typeIndex) instanceof CompositeType.Func f)) {
            throw invalid("type mismatch: type " + typeIndex + " is not a function type");
        }
        return f;
    }

    static boolean isNumericOrVector(StorageType t) {
        return !(t instanceof RefType);
    }

    /** params + declared locals of {@code f}, checked against {@link #MAX_LOCALS} before anything is allocated. */
    ValType[] localTypes(CompositeType.Func ft, Function f) {
        long total = ft.params().size() + f.localCount();
        if (total > MAX_LOCALS) {
            throw invalid("too many locals");
        }
        ValType[] out = new ValType[(int) total];
        int n = 0;
        for (ValType p : ft.params()) {
            out[n++] = p;
        }
        for (Locals l : f.locals()) {
            validateValType(l.type());
            for (int i = 0; i < l.count(); i++) {
                out[n++] = l.type();
            }
        }
        return out;
    }
}
