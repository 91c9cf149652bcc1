package dev.basalt.component.validate;

import dev.basalt.component.model.Alias;
import dev.basalt.component.model.Canon;
import dev.basalt.component.model.CanonOpt;
import dev.basalt.component.model.Component;
import dev.basalt.component.model.CoreInstance;
import dev.basalt.component.model.CoreModule;
import dev.basalt.component.model.CoreType;
import dev.basalt.component.model.Decl;
import dev.basalt.component.model.Export;
import dev.basalt.component.model.ExternName;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.Import;
import dev.basalt.component.model.Instance;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Section;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import dev.basalt.component.model.ValType;
import dev.basalt.component.validate.CType.Entity;
import dev.basalt.component.validate.CoreModuleType.CFunc;
import dev.basalt.component.validate.CoreModuleType.CGlobal;
import dev.basalt.component.validate.CoreModuleType.CMemory;
import dev.basalt.component.validate.CoreModuleType.CTable;
import dev.basalt.component.validate.CoreModuleType.CTag;
import dev.basalt.component.validate.CoreModuleType.CoreExtern;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.binary.BinaryReader;
import dev.basalt.wasm.validate.Validator;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Validates a component (Binary.md and Explainer.md validation rules, as the component-model testsuite checks them):
 * index spaces built section by section, nested core modules core-validated, type definitions (labels, non-empty,
 * kebab case, resources), import/export names, canonical definitions against the canonical ABI (required options,
 * lowered signatures), aliases, instantiation arguments against the instantiated component's or module's imports
 * (structural subtyping with resource identity), and export/import visibility of named types.
 *
 * <p>Failures are {@link InvalidException}s whose reasons use wasm-tools' wording, which the testsuite checks as a
 * substring.
 *
 * {@snippet :
 * ComponentValidator.validate(ComponentTextParser.parse(text));
 * }
 */
public final class ComponentValidator {
    /** Canonical ABI flattening limits (CanonicalABI.md). */
    private static final int MAX_FLAT_PARAMS = 16;
    private static final int MAX_FLAT_RESULTS = 1;
    /** Validation limit on a value type's byte size (Binary.md: elem_size(t) < 2^28). */
    private static final long MAX_TYPE_SIZE = 1L << 28;
    private static final int MAX_DEPTH = 100;

    /**
     * Canonical-ABI sizes and alignments computed so far, by type identity. Value types form a DAG (a record may
     * hold the previous type twice, that one the one before twice, ...), so without these a chain of 100 such
     * definitions would cost 2^100 steps: hostile input must stay linear.
     */
    private final java.util.IdentityHashMap<CType, Long> sizes = new java.util.IdentityHashMap<>();
    private final java.util.IdentityHashMap<CType, Long> alignments = new java.util.IdentityHashMap<>();

    private ComponentValidator() {
    }

    /** Validates {@code component}, throwing {@link InvalidException} if it is not valid. */
    public static void validate(Component component) {
        try {
            new ComponentValidator().component(component, null);
        } catch (StackOverflowError e) {
            throw new InvalidException("component nesting too deep");
        }
    }

    private enum Kind { COMPONENT, COMPONENT_TYPE, INSTANCE_TYPE }

    /** The index spaces and names of one component or component/instance type being validated. */
    private static final class State {
        final State parent;
        final Kind kind;
        final int depth;
        final List<CompositeType.Func> coreFuncs = new ArrayList<>();
        final List<TableType> coreTables = new ArrayList<>();
        final List<MemoryType> coreMemories = new ArrayList<>();
        final List<GlobalType> coreGlobals = new ArrayList<>();
        final List<CompositeType.Func> coreTags = new ArrayList<>();
        /** A {@link CompositeType} (from a rec group) or a {@link CoreModuleType}. */
        final List<Object> coreTypes = new ArrayList<>();
        /** The encoding of each core type's rec group, for module types that alias them. */
        final List<byte[]> coreTypeEncodings = new ArrayList<>();
        final List<CoreModuleType> coreModules = new ArrayList<>();
        final List<Map<String, CoreExtern>> coreInstances = new ArrayList<>();
        final List<CType.Func> funcs = new ArrayList<>();
        final List<CType> values = new ArrayList<>();
        final List<CType> types = new ArrayList<>();
        final List<CType.ComponentT> components = new ArrayList<>();
        final List<CType.InstanceT> instances = new ArrayList<>();
        final Map<String, Entity> imports = new LinkedHashMap<>();
        final Map<String, Entity> exports = new LinkedHashMap<>();
        final Map<String, String> importNames = new HashMap<>();
        final Map<String, String> exportNames = new HashMap<>();
        /** Type index entries that imports name (may be used by imports and exports). */
        final Set<CType> importNamed = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Type index entries that exports name (may be used by exports). */
        final Set<CType> exportNamed = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Resources defined in this component ({@code resource.new}/{@code rep} need one of these). */
        final Set<CType.Resource> localResources = Collections.newSetFromMap(new IdentityHashMap<>());
        /** Abstract resources introduced by {@code (sub resource)} declarators of this type scope. */
        final List<CType.Resource> declaredResources = new ArrayList<>();

        State(State parent, Kind kind) {
            this.parent = parent;
            this.kind = kind;
            this.depth = parent == null ? 0 : parent.depth + 1;
            if (depth > MAX_DEPTH) {
                throw new InvalidException("component nesting too deep");
            }
        }
    }

    // ---- components ----

    private CType.ComponentT component(Component c, State parent) {
        State s = new State(parent, Kind.COMPONENT);
        for (Section section : c.sections()) {
            section(s, section);
        }
        return new CType.ComponentT(s.imports, s.exports);
    }

    private void section(State s, Section section) {
        switch (section) {
            case Section.Custom ignored -> {
            }
            case Section.CoreModuleSection m -> s.coreModules.add(coreModule(m.module()));
            case Section.CoreInstances ci -> ci.instances().forEach(i -> coreInstance(s, i));
            case Section.CoreTypes ct -> ct.types().forEach(t -> coreType(s, t));
            case Section.Components nested -> s.components.add(component(nested.component(), s));
            case Section.Instances is -> is.instances().forEach(i -> instance(s, i));
            case Section.Aliases as -> as.aliases().forEach(a -> alias(s, a));
            case Section.Types ts -> ts.types().forEach(t -> s.types.add(typeDef(s, t)));
            case Section.Canons cs -> cs.canons().forEach(c -> canon(s, c));
            case Section.StartSection st -> start(s, st.start());
            case Section.Imports is -> is.imports().forEach(i -> importDecl(s, i.name(), i.type()));
            case Section.Exports es -> es.exports().forEach(e -> export(s, e));
            case Section.Values vs -> vs.values().forEach(v -> s.values.add(valType(s, v.type())));
        }
    }

    // ---- core modules, instances, types ----

    private CoreModuleType coreModule(CoreModule m) {
        WasmModule module = m.module();
        Validator.validate(module);
        checkDuplicateCoreImports(module.imports().stream().map(i -> i.module() + ":" + i.name()).toList());
        List<SubType> types = module.types();
        List<CoreModuleType.CoreImport> imports = new ArrayList<>();
        List<CompositeType.Func> funcs = new ArrayList<>();
        List<TableType> tables = new ArrayList<>();
        List<MemoryType> memories = new ArrayList<>();
        List<GlobalType> globals = new ArrayList<>();
        List<CompositeType.Func> tags = new ArrayList<>();
        for (dev.basalt.wasm.Import im : module.imports()) {
            CoreExtern t = switch (im.desc()) {
                case ImportDesc.Func f -> new CFunc(funcType(types, f.typeIndex()));
                case ImportDesc.Table t2 -> new CTable(t2.type());
                case ImportDesc.Memory mem -> new CMemory(mem.type());
                case ImportDesc.Global g -> new CGlobal(g.type());
                case ImportDesc.Tag tag -> new CTag(funcType(types, tag.type().typeIndex()));
            };
            imports.add(new CoreModuleType.CoreImport(im.module(), im.name(), t));
            switch (t) {
                case CFunc f -> funcs.add(f.type());
                case CTable t2 -> tables.add(t2.type());
                case CMemory mem -> memories.add(mem.type());
                case CGlobal g -> globals.add(g.type());
                case CTag tag -> tags.add(tag.type());
            }
        }
        module.functions().forEach(f -> funcs.add(funcType(types, f.typeIndex())));
        module.tables().forEach(t -> tables.add(t.type()));
        memories.addAll(module.memories());
        module.globals().forEach(g -> globals.add(g.type()));
        module.tags().forEach(t -> tags.add(funcType(types, t.typeIndex())));
        Map<String, CoreExtern> exports = new LinkedHashMap<>();
        for (dev.basalt.wasm.Export e : module.exports()) {
            exports.put(e.name(), switch (e.kind()) {
                case FUNC -> new CFunc(funcs.get(e.index()));
                case TABLE -> new CTable(tables.get(e.index()));
                case MEMORY -> new CMemory(memories.get(e.index()));
                case GLOBAL -> new CGlobal(globals.get(e.index()));
                case TAG -> new CTag(tags.get(e.index()));
            });
        }
        return new CoreModuleType(imports, exports);
    }

    private static CompositeType.Func funcType(List<SubType> types, int index) {
        if (index < 0 || index >= types.size() || !(types.get(index).composite() instanceof CompositeType.Func f)) {
            return new CompositeType.Func(List.of(), List.of());
        }
        return f;
    }

    private static void checkDuplicateCoreImports(List<String> names) {
        Set<String> seen = new java.util.HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                throw new InvalidException("duplicate import name `" + n + "` already defined");
            }
        }
    }

    private void coreInstance(State s, CoreInstance instance) {
        switch (instance) {
            case CoreInstance.Instantiate inst -> {
                CoreModuleType module = get(s.coreModules, inst.module(), "module", "module");
                Map<String, Map<String, CoreExtern>> args = new HashMap<>();
                for (CoreInstance.Arg a : inst.args()) {
                    Map<String, CoreExtern> provided = get(s.coreInstances, a.instance(), "core instance",
                            "instance");
                    if (args.put(a.name(), provided) != null) {
                        throw new InvalidException("duplicate module instantiation argument named `" + a.name()
                                + "`");
                    }
                }
                for (CoreModuleType.CoreImport im : module.imports()) {
                    Map<String, CoreExtern> arg = args.get(im.module());
                    if (arg == null) {
                        throw new InvalidException("missing module instantiation argument named `" + im.module()
                                + "`");
                    }
                    CoreExtern actual = arg.get(im.name());
                    if (actual == null) {
                        throw new InvalidException("module instantiation argument `" + im.module()
                                + "` does not export an item named `" + im.name() + "`");
                    }
                    try {
                        coreSubtype(actual, im.type());
                    } catch (InvalidException e) {
                        throw new InvalidException("type mismatch in import `" + im.module() + "::" + im.name()
                                + "`: " + e.reason());
                    }
                }
                s.coreInstances.add(module.exports());
            }
            case CoreInstance.FromExports fe -> {
                Map<String, CoreExtern> exports = new LinkedHashMap<>();
                for (CoreInstance.InlineExport e : fe.exports()) {
                    CoreExtern t = switch (e.sort()) {
                        case CORE_FUNC -> new CFunc(get(s.coreFuncs, e.index(), "function", "function"));
                        case CORE_TABLE -> new CTable(get(s.coreTables, e.index(), "table", "table"));
                        case CORE_MEMORY -> new CMemory(get(s.coreMemories, e.index(), "memory", "memory"));
                        case CORE_GLOBAL -> new CGlobal(get(s.coreGlobals, e.index(), "global", "global"));
                        case CORE_TAG -> new CTag(get(s.coreTags, e.index(), "tag", "tag"));
                        default -> throw new InvalidException("only core items may be exported from a core"
                                + " instance");
                    };
                    if (exports.put(e.name(), t) != null) {
                        throw new InvalidException("export name `" + e.name() + "` already defined");
                    }
                }
                s.coreInstances.add(exports);
            }
        }
    }

    /** Core extern subtyping for module instantiation (the core spec's import matching). */
    private static void coreSubtype(CoreExtern actual, CoreExtern expected) {
        if (!actual.kindName().equals(expected.kindName())) {
            throw new InvalidException("expected " + expected.kindName() + ", found " + actual.kindName());
        }
        switch (expected) {
            case CFunc e -> {
                // a built-in's core type is not tracked (null): it matches any function
                if (((CFunc) actual).type() != null && !((CFunc) actual).type().equals(e.type())) {
                    throw new InvalidException("expected: " + describeCoreFunc(e.type()) + " found: "
                            + describeCoreFunc(((CFunc) actual).type()));
                }
            }
            case CTag e -> {
                if (!java.util.Objects.equals(((CTag) actual).type(), e.type())) {
                    throw new InvalidException("tag type mismatch");
                }
            }
            case CGlobal e -> {
                GlobalType a = ((CGlobal) actual).type();
                if (a.mutable() != e.type().mutable()) {
                    throw new InvalidException("global types differ in mutability");
                }
                if (!a.type().equals(e.type().type())) {
                    throw new InvalidException("expected global type " + coreTypes(List.of(e.type().type()))
                            + ", found " + coreTypes(List.of(a.type())));
                }
            }
            case CTable e -> {
                TableType a = ((CTable) actual).type();
                if (!a.elementType().equals(e.type().elementType()) || a.is64() != e.type().is64()) {
                    throw new InvalidException("expected table element type " + refText(e.type().elementType())
                            + ", found " + refText(a.elementType()));
                }
                if (!limitsMatch(a.limits(), e.type().limits())) {
                    throw new InvalidException("mismatch in table limits");
                }
            }
            case CMemory e -> {
                MemoryType a = ((CMemory) actual).type();
                if (a.shared() != e.type().shared()) {
                    throw new InvalidException("mismatch in the shared flag for memories");
                }
                if (a.is64() != e.type().is64() || a.pageSizeLog2() != e.type().pageSizeLog2()
                        || !limitsMatch(a.limits(), e.type().limits())) {
                    throw new InvalidException("mismatch in memory limits");
                }
            }
        }
    }

    private static boolean limitsMatch(dev.basalt.wasm.Limits actual, dev.basalt.wasm.Limits expected) {
        if (Long.compareUnsigned(actual.min(), expected.min()) < 0) {
            return false;
        }
        if (expected.max().isPresent()) {
            return actual.max().isPresent() && Long.compareUnsigned(actual.max().getAsLong(),
                    expected.max().getAsLong()) <= 0;
        }
        return true;
    }

    private static String refText(dev.basalt.wasm.RefType t) {
        String text = t.toString().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "(ref null func)" -> "funcref";
            case "(ref null extern)" -> "externref";
            default -> text;
        };
    }

    private static String describeCoreFunc(CompositeType.Func f) {
        return "(func" + (f.params().isEmpty() ? "" : " (param " + coreTypes(f.params()) + ")")
                + (f.results().isEmpty() ? "" : " (result " + coreTypes(f.results()) + ")") + ")";
    }

    private static String coreTypes(List<dev.basalt.wasm.ValType> ts) {
        return String.join(" ", ts.stream().map(t -> t.toString().toLowerCase(Locale.ROOT)).toList());
    }

    private void coreType(State s, CoreType t) {
        switch (t) {
            case CoreType.Rec r -> {
                for (SubType st : r.group().types()) {
                    s.coreTypes.add(st.composite());
                    s.coreTypeEncodings.add(r.encoding());
                }
            }
            case CoreType.ModuleType mt -> {
                s.coreTypes.add(moduleType(s, mt));
                s.coreTypeEncodings.add(null);
            }
        }
    }

    /**
     * A core module type: its declarators are validated by building the module they describe (types, then imports,
     * with exports as further imports) and core-validating it, which checks indices and limits.
     */
    private CoreModuleType moduleType(State s, CoreType.ModuleType mt) {
        List<CompositeType> types = new ArrayList<>();
        List<byte[]> encodings = new ArrayList<>();
        List<String[]> importNames = new ArrayList<>();
        List<CoreType.CoreExternType> importTypes = new ArrayList<>();
        List<String> exportNames = new ArrayList<>();
        List<CoreType.CoreExternType> exportTypes = new ArrayList<>();
        for (CoreType.ModuleDecl d : mt.decls()) {
            switch (d) {
                case CoreType.TypeDecl td -> {
                    if (!(td.type() instanceof CoreType.Rec r)) {
                        throw new InvalidException("invalid leading byte (0x50) for core type in a module type:"
                                + " core module types cannot be nested");
                    }
                    for (SubType st : r.group().types()) {
                        types.add(st.composite());
                    }
                    encodings.add(coreEncoding(r.encoding()));
                }
                case CoreType.OuterTypeAlias oa -> {
                    State target = outer(s, oa.count() - 1);
                    Object aliased = get(target.coreTypes, oa.index(), "core type", "type");
                    if (!(aliased instanceof CompositeType ct)) {
                        throw new InvalidException("core type index " + oa.index() + " is not a function type");
                    }
                    types.add(ct);
                    encodings.add(coreEncoding(target.coreTypeEncodings.get(oa.index())));
                }
                case CoreType.ImportDecl id -> {
                    importNames.add(new String[] {id.module(), id.name()});
                    importTypes.add(id.type());
                }
                case CoreType.ExportDecl ed -> {
                    if (exportNames.contains(ed.name())) {
                        throw new InvalidException("export name `" + ed.name() + "` already defined");
                    }
                    exportNames.add(ed.name());
                    exportTypes.add(ed.type());
                }
            }
        }
        checkDuplicateCoreImports(importNames.stream().map(n -> n[0] + ":" + n[1]).toList());
        for (CoreType.CoreExternType et : concat(importTypes, exportTypes)) {
            if (et.kind() == 0 || et.kind() == 4) {
                byte[] d = et.descriptor();
                int idx = readU32(d, et.kind() == 4 ? 1 : 0);
                if (idx >= types.size()) {
                    throw new InvalidException("unknown type " + idx + ": type index out of bounds");
                }
                if (!(types.get(idx) instanceof CompositeType.Func)) {
                    throw new InvalidException("type index " + idx + " is not a function type");
                }
            }
        }
        // build the module the declarators describe and let the core reader and validator check it
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        ByteArrayOutputStream typeSec = new ByteArrayOutputStream();
        writeU32(typeSec, encodings.size());
        encodings.forEach(typeSec::writeBytes);
        section(m, 1, typeSec.toByteArray());
        ByteArrayOutputStream importSec = new ByteArrayOutputStream();
        writeU32(importSec, importTypes.size() + exportTypes.size());
        for (int i = 0; i < importTypes.size(); i++) {
            name(importSec, importNames.get(i)[0]);
            name(importSec, importNames.get(i)[1]);
            importSec.write(importTypes.get(i).kind());
            importSec.writeBytes(importTypes.get(i).descriptor());
        }
        for (int i = 0; i < exportTypes.size(); i++) {
            name(importSec, "\u0000export");
            name(importSec, exportNames.get(i));
            importSec.write(exportTypes.get(i).kind());
            importSec.writeBytes(exportTypes.get(i).descriptor());
        }
        section(m, 2, importSec.toByteArray());
        WasmModule module;
        try {
            module = BinaryReader.read(m.toByteArray());
        } catch (MalformedException e) {
            throw new InvalidException(e.reason());
        }
        Validator.validate(module);
        List<SubType> subTypes = module.types();
        List<CoreModuleType.CoreImport> imports = new ArrayList<>();
        Map<String, CoreExtern> exports = new LinkedHashMap<>();
        for (dev.basalt.wasm.Import im : module.imports()) {
            CoreExtern t = switch (im.desc()) {
                case ImportDesc.Func f -> new CFunc(funcType(subTypes, f.typeIndex()));
                case ImportDesc.Table t2 -> new CTable(t2.type());
                case ImportDesc.Memory mem -> new CMemory(mem.type());
                case ImportDesc.Global g -> new CGlobal(g.type());
                case ImportDesc.Tag tag -> new CTag(funcType(subTypes, tag.type().typeIndex()));
            };
            if (im.module().equals("\u0000export")) {
                exports.put(im.name(), t);
            } else {
                imports.add(new CoreModuleType.CoreImport(im.module(), im.name(), t));
            }
        }
        return new CoreModuleType(imports, exports);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A rec group's core encoding (without the component's {@code 0x00} prefix of a non-final sub type). */
    private static byte[] coreEncoding(byte[] componentEncoding) {
        if (componentEncoding == null) {
            throw new InvalidException("core type is not a function type");
        }
        if (componentEncoding.length > 1 && componentEncoding[0] == 0 && (componentEncoding[1] & 0xff) == 0x50) {
            return java.util.Arrays.copyOfRange(componentEncoding, 1, componentEncoding.length);
        }
        return componentEncoding;
    }

    private static void section(ByteArrayOutputStream out, int id, byte[] payload) {
        out.write(id);
        writeU32(out, payload.length);
        out.writeBytes(payload);
    }

    private static void name(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        writeU32(out, b.length);
        out.writeBytes(b);
    }

    private static void writeU32(ByteArrayOutputStream out, int v) {
        long value = v & 0xffffffffL;
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }

    private static int readU32(byte[] d, int pos) {
        int result = 0;
        int shift = 0;
        while (pos < d.length) {
            int b = d[pos++] & 0xff;
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        return result;
    }

    // ---- index spaces ----

    /** {@code list.get(index)} or "unknown {what} {index}: {short} index out of bounds". */
    private static <T> T get(List<T> list, int index, String what, String shortName) {
        if (index < 0 || index >= list.size()) {
            throw new InvalidException("unknown " + what + " " + Integer.toUnsignedString(index) + ": " + shortName
                    + " index out of bounds");
        }
        return list.get(index);
    }

    private static CType type(State s, int index) {
        return get(s.types, index, "type", "type");
    }

    private static State outer(State s, int count) {
        State t = s;
        for (int i = 0; i < count; i++) {
            t = t.parent;
            if (t == null) {
                throw new InvalidException("invalid outer alias count of " + (count));
            }
        }
        return t;
    }

    // ---- component types ----

    private CType valType(State s, ValType vt) {
        return switch (vt) {
            case ValType.Primitive p -> new CType.Prim(p.type());
            case ValType.Indexed i -> {
                CType t = type(s, i.index());
                if (!t.isValueType()) {
                    throw new InvalidException("type index " + i.index() + " is not a defined type");
                }
                yield t;
            }
        };
    }

    private Optional<CType> valType(State s, Optional<ValType> vt) {
        return vt.map(v -> valType(s, v));
    }

    private CType typeDef(State s, TypeDef def) {
        CType t = switch (def) {
            case TypeDef.Prim p -> new CType.Prim(p.type());
            case TypeDef.Record r -> {
                if (r.fields().isEmpty()) {
                    throw new InvalidException("record type must have at least one field");
                }
                List<String> names = new ArrayList<>();
                for (TypeDef.Field f : r.fields()) {
                    label(names, f.name(), "record field name", "field name");
                }
                yield new CType.Record(names, r.fields().stream().map(f -> valType(s, f.type())).toList());
            }
            case TypeDef.Variant v -> {
                if (v.cases().isEmpty()) {
                    throw new InvalidException("variant type must have at least one case");
                }
                List<String> names = new ArrayList<>();
                for (TypeDef.Case c : v.cases()) {
                    label(names, c.name(), "variant case name", "case name");
                }
                yield new CType.Variant(names, v.cases().stream().map(c -> valType(s, c.type())).toList());
            }
            case TypeDef.ListOf l -> {
                if (l.length().isPresent() && l.length().getAsInt() == 0) {
                    throw new InvalidException("Fixed size lists must have more than zero elements");
                }
                yield new CType.ListOf(valType(s, l.element()), l.length());
            }
            case TypeDef.Tuple tu -> {
                if (tu.types().isEmpty()) {
                    throw new InvalidException("tuple type must have at least one type");
                }
                yield new CType.Tuple(tu.types().stream().map(x -> valType(s, x)).toList());
            }
            case TypeDef.Flags f -> {
                if (f.labels().isEmpty()) {
                    throw new InvalidException("flags must have at least one entry");
                }
                if (f.labels().size() > 32) {
                    throw new InvalidException("cannot have more than 32 flags");
                }
                List<String> names = new ArrayList<>();
                for (String l : f.labels()) {
                    label(names, l, "flag name", "flag name");
                }
                yield new CType.Flags(names);
            }
            case TypeDef.Enum e -> {
                if (e.labels().isEmpty()) {
                    throw new InvalidException("enum type must have at least one variant");
                }
                List<String> names = new ArrayList<>();
                for (String l : e.labels()) {
                    label(names, l, "enum tag name", "tag name");
                }
                yield new CType.Enum(names);
            }
            case TypeDef.OptionOf o -> new CType.OptionOf(valType(s, o.type()));
            case TypeDef.ResultOf r -> new CType.ResultOf(valType(s, r.ok()), valType(s, r.error()));
            case TypeDef.Own o -> new CType.Handle(true, resourceRef(s, o.resource()));
            case TypeDef.Borrow b -> new CType.Handle(false, resourceRef(s, b.resource()));
            case TypeDef.StreamOf st -> {
                if (st.element().isPresent() && st.element().get() instanceof ValType.Primitive p
                        && p.type() == PrimValType.CHAR) {
                    throw new InvalidException("`stream<char>` is not valid at this time");
                }
                yield new CType.StreamOf(valType(s, st.element()));
            }
            case TypeDef.FutureOf fu -> new CType.FutureOf(valType(s, fu.element()));
            case TypeDef.MapOf m -> new CType.MapOf(valType(s, m.key()), valType(s, m.value()));
            case TypeDef.Func f -> funcType(s, f);
            case TypeDef.ComponentType ct -> declScope(s, Kind.COMPONENT_TYPE, ct.decls());
            case TypeDef.InstanceType it -> declScope(s, Kind.INSTANCE_TYPE, it.decls());
            case TypeDef.Resource r -> {
                if (s.kind != Kind.COMPONENT) {
                    throw new InvalidException("resources can only be defined within a concrete component");
                }
                if (r.rep() != 0x7f) {
                    throw new InvalidException("resources can only be represented by `i32`");
                }
                if (r.destructor().isPresent()) {
                    CompositeType.Func dtor = get(s.coreFuncs, r.destructor().getAsInt(), "function", "function");
                    if (dtor != null && !dtor.equals(new CompositeType.Func(List.of(i32()), List.of()))) {
                        throw new InvalidException("wrong signature for a destructor");
                    }
                }
                CType.Resource res = new CType.Resource(s, r.destructor());
                s.localResources.add(res);
                yield new CType.ResourceRef(res);
            }
        };
        if (t.isValueType() && !(t instanceof CType.Prim)) {
            long size = elemSize(t, 0);
            if (size >= MAX_TYPE_SIZE) {
                throw new InvalidException("type exceeds maximum byte size of " + MAX_TYPE_SIZE);
            }
        }
        return t;
    }

    private static dev.basalt.wasm.ValType i32() {
        return NumType.I32;
    }


    /** Checks one label: non-empty, kebab case, unique (case-insensitively) among {@code seen}. */
    private static void label(List<String> seen, String name, String what, String previous) {
        if (name.isEmpty()) {
            throw new InvalidException(what + " cannot be empty");
        }
        if (!Names.isKebab(name)) {
            throw new InvalidException(what + " `" + name + "` is not in kebab case");
        }
        for (String s : seen) {
            if (s.equalsIgnoreCase(name)) {
                throw new InvalidException(what + " `" + name + "` conflicts with previous " + previous + " `" + s
                        + "`");
            }
        }
        seen.add(name);
    }

    private CType.ResourceRef resourceRef(State s, int index) {
        CType t = type(s, index);
        if (!(t instanceof CType.ResourceRef r)) {
            throw new InvalidException("type index " + index + " is not a resource type");
        }
        return r;
    }

    private CType.Func funcType(State s, TypeDef.Func f) {
        List<String> names = new ArrayList<>();
        for (TypeDef.Param p : f.params()) {
            label(names, p.name(), "function parameter name", "parameter name");
        }
        List<CType> params = f.params().stream().map(p -> valType(s, p.type())).toList();
        Optional<CType> result = valType(s, f.result());
        if (result.isPresent() && containsBorrow(result.get(), 0)) {
            throw new InvalidException("function result cannot contain a `borrow` type");
        }
        return new CType.Func(f.async(), names, params, result);
    }

    private static boolean containsBorrow(CType t, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        return switch (t) {
            case CType.Handle h -> !h.own;
            case CType.Record r -> r.types.stream().anyMatch(x -> containsBorrow(x, depth + 1));
            case CType.Variant v -> v.types.stream().anyMatch(x -> x.isPresent() && containsBorrow(x.get(),
                    depth + 1));
            case CType.ListOf l -> containsBorrow(l.element, depth + 1);
            case CType.Tuple tu -> tu.types.stream().anyMatch(x -> containsBorrow(x, depth + 1));
            case CType.OptionOf o -> containsBorrow(o.type, depth + 1);
            case CType.ResultOf r -> r.ok.isPresent() && containsBorrow(r.ok.get(), depth + 1)
                    || r.error.isPresent() && containsBorrow(r.error.get(), depth + 1);
            case CType.MapOf m -> containsBorrow(m.key, depth + 1) || containsBorrow(m.value, depth + 1);
            default -> false;
        };
    }

    /** Canonical ABI {@code elem_size} (with the 64-bit pointer size the limit is defined for), saturating. */
    private long elemSize(CType t, int depth) {
        if (depth > MAX_DEPTH) {
            return MAX_TYPE_SIZE;
        }
        Long known = sizes.get(t);
        if (known != null) {
            return known;
        }
        long size = computeElemSize(t, depth);
        sizes.put(t, size);
        return size;
    }

    private long computeElemSize(CType t, int depth) {
        return switch (t) {
            case CType.Prim p -> switch (p.type()) {
                case BOOL, S8, U8 -> 1;
                case S16, U16 -> 2;
                case S32, U32, F32, CHAR, ERROR_CONTEXT -> 4;
                case S64, U64, F64 -> 8;
                case STRING -> 16;
            };
            case CType.Record r -> recordSize(r.types, depth);
            case CType.Tuple tu -> recordSize(tu.types, depth);
            case CType.ListOf l -> l.length.isPresent()
                    ? saturatingMul(elemSize(l.element, depth + 1), l.length.getAsInt()) : 16;
            case CType.Variant v -> variantSize(v.types, depth);
            case CType.OptionOf o -> variantSize(List.of(Optional.empty(), Optional.of(o.type)), depth);
            case CType.ResultOf r -> variantSize(List.of(r.ok, r.error), depth);
            case CType.Flags f -> f.names.size() <= 8 ? 1 : f.names.size() <= 16 ? 2 : 4;
            case CType.Enum e -> e.names.size() <= 256 ? 1 : e.names.size() <= 65536 ? 2 : 4;
            case CType.MapOf ignored -> 16;
            default -> 4;
        };
    }

    private static long saturatingMul(long a, long b) {
        long r = a * b;
        return (a != 0 && (r / a != b || r < 0)) ? MAX_TYPE_SIZE : Math.min(r, MAX_TYPE_SIZE);
    }

    private long recordSize(List<CType> types, int depth) {
        long size = 0;
        long align = 1;
        for (CType t : types) {
            long a = alignment(t, depth + 1);
            size = alignTo(size, a) + elemSize(t, depth + 1);
            align = Math.max(align, a);
            if (size >= MAX_TYPE_SIZE) {
                return MAX_TYPE_SIZE;
            }
        }
        return alignTo(size, align);
    }

    private long variantSize(List<Optional<CType>> cases, int depth) {
        long disc = cases.size() <= 256 ? 1 : cases.size() <= 65536 ? 2 : 4;
        long max = 0;
        long maxAlign = disc;
        for (Optional<CType> c : cases) {
            if (c.isPresent()) {
                max = Math.max(max, elemSize(c.get(), depth + 1));
                maxAlign = Math.max(maxAlign, alignment(c.get(), depth + 1));
            }
        }
        return Math.min(MAX_TYPE_SIZE, alignTo(alignTo(disc, maxAlign) + max, maxAlign));
    }

    private long alignment(CType t, int depth) {
        if (depth > MAX_DEPTH) {
            return 1;
        }
        Long known = alignments.get(t);
        if (known != null) {
            return known;
        }
        long align = computeAlignment(t, depth);
        alignments.put(t, align);
        return align;
    }

    private long computeAlignment(CType t, int depth) {
        return switch (t) {
            case CType.Prim p -> switch (p.type()) {
                case BOOL, S8, U8 -> 1;
                case S16, U16 -> 2;
                case S64, U64, F64, STRING -> 8;
                default -> 4;
            };
            case CType.Record r -> r.types.stream().mapToLong(x -> alignment(x, depth + 1)).max().orElse(1);
            case CType.Tuple tu -> tu.types.stream().mapToLong(x -> alignment(x, depth + 1)).max().orElse(1);
            case CType.ListOf l -> l.length.isPresent() ? alignment(l.element, depth + 1) : 8;
            case CType.MapOf ignored -> 8;
            case CType.Variant v -> {
                long a = v.types.size() <= 256 ? 1 : v.types.size() <= 65536 ? 2 : 4;
                for (Optional<CType> c : v.types) {
                    if (c.isPresent()) {
                        a = Math.max(a, alignment(c.get(), depth + 1));
                    }
                }
                yield a;
            }
            case CType.OptionOf o -> alignment(o.type, depth + 1);
            case CType.ResultOf r -> Math.max(r.ok.map(x -> alignment(x, depth + 1)).orElse(1L),
                    r.error.map(x -> alignment(x, depth + 1)).orElse(1L));
            case CType.Flags f -> f.names.size() <= 8 ? 1 : f.names.size() <= 16 ? 2 : 4;
            case CType.Enum e -> e.names.size() <= 256 ? 1 : e.names.size() <= 65536 ? 2 : 4;
            default -> 4;
        };
    }

    private static long alignTo(long v, long a) {
        return (v + a - 1) / a * a;
    }

    /** A component or instance type: its declarators in a scope of their own. */
    private CType declScope(State parent, Kind kind, List<Decl> decls) {
        State s = new State(parent, kind);
        for (Decl d : decls) {
            switch (d) {
                case Decl.CoreTypeDecl ct -> coreType(s, ct.type());
                case Decl.TypeDecl td -> s.types.add(typeDef(s, td.type()));
                case Decl.AliasDecl ad -> {
                    if (ad.alias() instanceof Alias.CoreInstanceExport) {
                        throw new InvalidException("core instance export aliases are not allowed in a type");
                    }
                    if (ad.alias() instanceof Alias.Outer o && o.sort() != Sort.TYPE && o.sort() != Sort.CORE_TYPE) {
                        throw new InvalidException("outer aliases in a type declarator may only refer to types or"
                                + " instances' types (core types and types)");
                    }
                    if (ad.alias() instanceof Alias.InstanceExport ie && ie.sort() != Sort.TYPE
                            && ie.sort() != Sort.INSTANCE) {
                        throw new InvalidException("alias export in a type declarator may only refer to types or"
                                + " instances");
                    }
                    alias(s, ad.alias());
                }
                case Decl.ImportDecl id -> importDecl(s, id.name(), id.type());
                case Decl.ExportDecl ed -> exportDecl(s, ed.name(), ed.type());
            }
        }
        if (kind == Kind.COMPONENT_TYPE) {
            return new CType.ComponentT(s.imports, s.exports);
        }
        CType.InstanceT it = new CType.InstanceT(s.exports);
        it.named.addAll(s.exportNamed);
        it.declared.addAll(s.declaredResources);
        return it;
    }

    // ---- imports and exports ----

    /** The entity an extern type describes; a {@code (sub resource)} bound makes a fresh abstract resource. */
    private Entity entity(State s, ExternType et) {
        return switch (et) {
            case ExternType.CoreModule cm -> {
                Object t = get(s.coreTypes, cm.type(), "core type", "type");
                if (!(t instanceof CoreModuleType mt)) {
                    throw new InvalidException("core type index " + cm.type() + " is not a module type");
                }
                yield new CType.ModuleE(mt);
            }
            case ExternType.Func f -> {
                CType t = type(s, f.type());
                if (!(t instanceof CType.Func ft)) {
                    throw new InvalidException("type index " + f.type() + " is not a function type");
                }
                yield new CType.FuncE(ft);
            }
            case ExternType.Value v -> new CType.ValueE(valType(s, v.type()));
            case ExternType.ValueEq v -> new CType.ValueE(get(s.values, v.value(), "value", "value"));
            case ExternType.Type t -> {
                if (t.subResource()) {
                    CType.Resource r = new CType.Resource(null, OptionalInt.empty());
                    s.declaredResources.add(r);
                    yield new CType.TypeE(new CType.ResourceRef(r));
                }
                yield new CType.TypeE(type(s, t.eqIndex()));
            }
            case ExternType.ComponentT c -> {
                CType t = type(s, c.type());
                if (!(t instanceof CType.ComponentT ct)) {
                    throw new InvalidException("type index " + c.type() + " is not a component type");
                }
                yield new CType.ComponentE(ct);
            }
            case ExternType.InstanceT i -> {
                CType t = type(s, i.type());
                if (!(t instanceof CType.InstanceT it)) {
                    throw new InvalidException("type index " + i.type() + " is not an instance type");
                }
                yield new CType.InstanceE(it);
            }
        };
    }

    private void importDecl(State s, ExternName name, ExternType et) {
        Names.Parsed parsed = checkName(s, name, true);
        Entity e = entity(s, et);
        checkAttributes(name, e);
        checkVisible(s, e, true);
        if (e instanceof CType.InstanceE ie) {
            // each imported instance has resources of its own
            e = new CType.InstanceE(freshen(ie.type(), 0));
        }
        Entity added = addEntity(s, e, true);
        checkAnnotated(s.imports, parsed, added);
        unique(s.importNames, name.name(), "import");
        s.imports.put(name.name(), added);
    }

    private void exportDecl(State s, ExternName name, ExternType et) {
        Names.Parsed parsed = checkName(s, name, false);
        Entity e = entity(s, et);
        checkAttributes(name, e);
        checkVisible(s, e, false);
        Entity added = addEntity(s, e, false);
        checkAnnotated(s.exports, parsed, added);
        unique(s.exportNames, name.name(), "export");
        s.exports.put(name.name(), added);
    }

    private void export(State s, Export e) {
        Names.Parsed parsed = checkName(s, e.name(), false);
        Entity entity = sortEntity(s, e.sort(), e.index());
        if (e.type().isPresent()) {
            Entity ascribed = entity(s, e.type().get());
            try {
                subtype(entity, ascribed, new IdentityHashMap<>(), 0);
            } catch (InvalidException ex) {
                throw new InvalidException("ascribed type of export is not compatible with item's type: "
                        + ex.reason());
            }
            entity = ascribed;
        }
        checkAttributes(e.name(), entity);
        checkVisible(s, entity, false);
        Entity added = addEntity(s, entity, false);
        checkAnnotated(s.exports, parsed, added);
        unique(s.exportNames, e.name().name(), "export");
        s.exports.put(e.name().name(), added);
    }

    private static void unique(Map<String, String> seen, String name, String what) {
        String key = uniquenessKey(name);
        String previous = seen.putIfAbsent(key, name);
        if (previous != null) {
            throw new InvalidException(what + " name `" + name + "` conflicts with previous name `" + previous + "`");
        }
    }

    /**
     * Explainer.md "strongly-unique": names are lower-cased, {@code [method]l.l}/{@code [static]l.l} become
     * {@code l}, and other annotations but {@code [constructor]} are stripped.
     */
    private static String uniquenessKey(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        for (String prefix : new String[] {"[method]", "[static]"}) {
            if (key.startsWith(prefix)) {
                String rest = key.substring(prefix.length());
                int dot = rest.indexOf('.');
                if (dot >= 0 && rest.substring(0, dot).equals(rest.substring(dot + 1))) {
                    return rest.substring(dot + 1);
                }
                return rest;
            }
        }
        return key;
    }

    private static Names.Parsed checkName(State s, ExternName name, boolean isImport) {
        try {
            return Names.parse(name.name());
        } catch (InvalidException e) {
            throw new InvalidException((isImport ? "import" : "export") + " name " + e.reason());
        }
    }

    private static void checkAttributes(ExternName name, Entity e) {
        java.util.EnumSet<ExternName.AttributeKind> seen = java.util.EnumSet.noneOf(ExternName.AttributeKind.class);
        for (ExternName.Attribute a : name.attributes()) {
            if (!seen.add(a.kind())) {
                throw new InvalidException("duplicate '" + a.kind().text() + "' option in name");
            }
        }
        for (ExternName.Attribute a : name.attributes()) {
            if (a.kind() == ExternName.AttributeKind.IMPLEMENTS) {
                if (!(e instanceof CType.InstanceE)) {
                    throw new InvalidException("only instances can have an `implements`");
                }
                if (Names.parse(name.name()).kind() != Names.Kind.PLAIN) {
                    throw new InvalidException("name `" + name.name() + "` is not valid with `implements`");
                }
                Names.Parsed target;
                try {
                    target = Names.parse(a.value());
                } catch (InvalidException ex) {
                    throw new InvalidException("`" + a.value() + "` is not a valid name: " + ex.reason());
                }
                if (target.kind() != Names.Kind.INTERFACE) {
                    throw new InvalidException("`implements` name `" + a.value() + "` must be an interface");
                }
            }
        }
    }

    /**
     * Adds an imported or exported item to its index space (imports and exports both define a new index) and
     * returns it; a type gets a fresh entry that imports/exports name.
     */
    private Entity addEntity(State s, Entity e, boolean isImport) {
        switch (e) {
            case CType.ModuleE m -> s.coreModules.add(m.type());
            case CType.FuncE f -> s.funcs.add(f.type());
            case CType.ValueE v -> s.values.add(v.type());
            case CType.TypeE t -> {
                CType entry = rename(t.type());
                s.types.add(entry);
                s.exportNamed.add(entry);
                if (isImport) {
                    s.importNamed.add(entry);
                }
                return new CType.TypeE(entry);
            }
            case CType.ComponentE c -> s.components.add(c.type());
            case CType.InstanceE i -> {
                s.instances.add(i.type());
                nameInstanceTypes(s, i.type(), isImport, 0);
            }
        }
        return e;
    }

    /** Types exported by an imported or exported instance are named in this component. */
    private static void nameInstanceTypes(State s, CType.InstanceT it, boolean isImport, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (Entity x : it.exports.values()) {
            if (x instanceof CType.TypeE t) {
                s.exportNamed.add(t.type());
                if (isImport) {
                    s.importNamed.add(t.type());
                }
            } else if (x instanceof CType.InstanceE i) {
                nameInstanceTypes(s, i.type(), isImport, depth + 1);
            }
        }
    }

    /** A new index entry for {@code t}: the same type (same resource) under a new identity. */
    private static CType rename(CType t) {
        return switch (t) {
            case CType.Prim p -> new CType.Prim(p.type());
            case CType.Record r -> new CType.Record(r.names, r.types);
            case CType.Variant v -> new CType.Variant(v.names, v.types);
            case CType.ListOf l -> new CType.ListOf(l.element, l.length);
            case CType.Tuple tu -> new CType.Tuple(tu.types);
            case CType.Flags f -> new CType.Flags(f.names);
            case CType.Enum e -> new CType.Enum(e.names);
            case CType.OptionOf o -> new CType.OptionOf(o.type);
            case CType.ResultOf r -> new CType.ResultOf(r.ok, r.error);
            case CType.Handle h -> new CType.Handle(h.own, h.ref);
            case CType.StreamOf st -> new CType.StreamOf(st.element);
            case CType.FutureOf fu -> new CType.FutureOf(fu.element);
            case CType.MapOf m -> new CType.MapOf(m.key, m.value);
            case CType.Func f -> new CType.Func(f.async, f.paramNames, f.params, f.result);
            case CType.ComponentT c -> new CType.ComponentT(c.imports, c.exports);
            case CType.InstanceT i -> new CType.InstanceT(i.exports);
            case CType.ResourceRef r -> new CType.ResourceRef(r.resource);
        };
    }

    /** The entity at {@code index} of {@code sort}'s index space. */
    private Entity sortEntity(State s, Sort sort, int index) {
        return switch (sort) {
            case CORE_MODULE -> new CType.ModuleE(get(s.coreModules, index, "module", "module"));
            case FUNC -> new CType.FuncE(get(s.funcs, index, "func", "func"));
            case VALUE -> new CType.ValueE(get(s.values, index, "value", "value"));
            case TYPE -> new CType.TypeE(type(s, index));
            case COMPONENT -> new CType.ComponentE(get(s.components, index, "component", "component"));
            case INSTANCE -> new CType.InstanceE(get(s.instances, index, "instance", "instance"));
            default -> throw new InvalidException("core item of sort " + sort + " cannot be exported from a"
                    + " component");
        };
    }

    /**
     * Export (and import) visibility: every record, variant, enum, flags and resource a function or type refers to
     * must have a name in this component's imports (for imports) or imports and exports (for exports).
     */
    private void checkVisible(State s, Entity e, boolean isImport) {
        if (s.kind == Kind.INSTANCE_TYPE) {
            // instance types defer the check until they are attached to an import or export
            return;
        }
        Set<CType> named = isImport ? s.importNamed : s.exportNamed;
        String use = isImport ? "import" : "export";
        switch (e) {
            case CType.FuncE f -> {
                if (!funcVisible(f.type(), named)) {
                    throw new InvalidException("func not valid to be used as " + use);
                }
            }
            case CType.TypeE t -> {
                if (!typeVisible(t.type(), named, 0)) {
                    throw new InvalidException("type not valid to be used as " + use);
                }
            }
            case CType.InstanceE i -> {
                if (!instanceVisible(i.type(), named, 0)) {
                    throw new InvalidException("instance not valid to be used as " + use);
                }
            }
            default -> {
            }
        }
    }

    private static boolean funcVisible(CType.Func f, Set<CType> named) {
        return f.params.stream().allMatch(p -> visible(p, named, 0))
                && (f.result.isEmpty() || visible(f.result.get(), named, 0));
    }

    /** Whether a type may be imported or exported: what it refers to (not itself) has a name. */
    private static boolean typeVisible(CType t, Set<CType> named, int depth) {
        if (depth > MAX_DEPTH) {
            return true;
        }
        return switch (t) {
            case CType.Func f -> funcVisible(f, named);
            case CType.InstanceT i -> instanceVisible(i, named, depth + 1);
            case CType.ComponentT ignored -> true;
            default -> childrenVisible(t, named);
        };
    }

    private static boolean instanceVisible(CType.InstanceT it, Set<CType> outerNamed, int depth) {
        if (depth > MAX_DEPTH) {
            return true;
        }
        Set<CType> named = Collections.newSetFromMap(new IdentityHashMap<>());
        named.addAll(outerNamed);
        named.addAll(it.named);
        for (Entity x : it.exports.values()) {
            boolean ok = switch (x) {
                case CType.FuncE f -> funcVisible(f.type(), named);
                case CType.TypeE t -> typeVisible(t.type(), named, depth + 1);
                case CType.InstanceE i -> instanceVisible(i.type(), named, depth + 1);
                default -> true;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean childrenVisible(CType t, Set<CType> named) {
        return switch (t) {
            case CType.Record r -> r.types.stream().allMatch(x -> visible(x, named, 1));
            case CType.Variant v -> v.types.stream().allMatch(x -> x.isEmpty() || visible(x.get(), named, 1));
            default -> visible(t, named, 1) || isNominal(t);
        };
    }

    private static boolean isNominal(CType t) {
        return t instanceof CType.Record || t instanceof CType.Variant || t instanceof CType.Enum
                || t instanceof CType.Flags || t instanceof CType.ResourceRef;
    }

    private static boolean visible(CType t, Set<CType> named, int depth) {
        if (depth > MAX_DEPTH) {
            return true;
        }
        if (isNominal(t)) {
            return named.contains(t);
        }
        return switch (t) {
            case CType.Handle h -> named.contains(h.ref);
            case CType.ListOf l -> visible(l.element, named, depth + 1);
            case CType.Tuple tu -> tu.types.stream().allMatch(x -> visible(x, named, depth + 1));
            case CType.OptionOf o -> visible(o.type, named, depth + 1);
            case CType.ResultOf r -> r.ok.map(x -> visible(x, named, depth + 1)).orElse(true)
                    && r.error.map(x -> visible(x, named, depth + 1)).orElse(true);
            case CType.StreamOf st -> st.element.map(x -> visible(x, named, depth + 1)).orElse(true);
            case CType.FutureOf fu -> fu.element.map(x -> visible(x, named, depth + 1)).orElse(true);
            case CType.MapOf m -> visible(m.key, named, depth + 1) && visible(m.value, named, depth + 1);
            default -> true;
        };
    }

    /**
     * The rules for {@code [constructor]r}, {@code [method]r.m} and {@code [static]r.s} names: {@code r} must be a
     * resource imported or exported under that name in the same scope, and the function's signature must fit.
     */
    private void checkAnnotated(Map<String, Entity> namespace, Names.Parsed parsed, Entity e) {
        if (parsed.kind() == Names.Kind.PLAIN || parsed.kind() == Names.Kind.INTERFACE) {
            return;
        }
        if (!(e instanceof CType.FuncE f)) {
            throw new InvalidException("item is not a func");
        }
        CType.Func ft = f.type();
        switch (parsed.kind()) {
            case CONSTRUCTOR -> {
                if (ft.result.isEmpty()) {
                    throw new InvalidException("function should return one value");
                }
                CType r = ft.result.get();
                CType.Handle h = r instanceof CType.Handle hh ? hh
                        : r instanceof CType.ResultOf res && res.ok.isPresent()
                        && res.ok.get() instanceof CType.Handle hh2 ? hh2 : null;
                if (h == null || !h.own) {
                    throw new InvalidException("function should return `(own $T)` or `(result (own $T))`");
                }
                expectResourceName(namespace, h.ref, parsed.resource());
            }
            case METHOD -> {
                if (ft.params.isEmpty()) {
                    throw new InvalidException("function should have at least one argument");
                }
                if (!ft.paramNames.getFirst().equals("self")) {
                    throw new InvalidException("function should have a first argument called `self`");
                }
                if (!(ft.params.getFirst() instanceof CType.Handle h) || h.own) {
                    throw new InvalidException("function should take a first argument of `(borrow $T)`");
                }
                expectResourceName(namespace, h.ref, parsed.resource());
            }
            case STATIC -> {
                if (!(namespace.get(parsed.resource()) instanceof CType.TypeE t
                        && t.type() instanceof CType.ResourceRef)) {
                    throw new InvalidException("static resource name is not known in this context");
                }
            }
            default -> {
            }
        }
    }

    /** The handle's resource entry must be the type imported/exported (in the same namespace) as {@code expected}. */
    private static void expectResourceName(Map<String, Entity> namespace, CType.ResourceRef ref, String expected) {
        String actual = null;
        for (Map.Entry<String, Entity> e : namespace.entrySet()) {
            if (e.getValue() instanceof CType.TypeE t && t.type() == ref) {
                actual = e.getKey();
                break;
            }
        }
        if (actual == null) {
            throw new InvalidException("resource used in function does not have a name in this context");
        }
        if (!actual.equals(expected)) {
            throw new InvalidException("function does not match expected resource name `" + actual + "`");
        }
    }

    // ---- instances ----

    private void instance(State s, Instance instance) {
        switch (instance) {
            case Instance.Instantiate inst -> {
                CType.ComponentT ct = get(s.components, inst.component(), "component", "component");
                Map<String, Entity> args = new HashMap<>();
                for (Instance.Arg a : inst.args()) {
                    Entity e = sortEntity(s, a.sort(), a.index());
                    if (args.put(a.name(), e) != null) {
                        throw new InvalidException("instantiation argument `" + a.name() + "` conflicts with"
                                + " previous argument `" + a.name() + "`");
                    }
                }
                Map<Object, Object> subst = new IdentityHashMap<>();
                for (Map.Entry<String, Entity> im : ct.imports.entrySet()) {
                    Entity arg = args.get(im.getKey());
                    if (arg == null) {
                        throw new InvalidException("missing import named `" + im.getKey() + "`");
                    }
                    try {
                        subtype(arg, im.getValue(), subst, 0);
                    } catch (InvalidException e) {
                        throw new InvalidException("type mismatch for component instantiation argument `"
                                + im.getKey() + "`: " + e.reason());
                    }
                }
                // every abstractly exported resource gets its copy first, and one memo serves all exports, so a
                // type keeps one identity across the instance (its type export and the functions that use it)
                for (Entity e : ct.exports.values()) {
                    freshResource(e, subst);
                }
                IdentityHashMap<CType, CType> memo = new IdentityHashMap<>();
                Map<String, Entity> exports = new LinkedHashMap<>();
                ct.exports.forEach((n, e) -> exports.put(n, substitute(e, subst, memo)));
                s.instances.add(new CType.InstanceT(exports));
            }
            case Instance.FromExports fe -> {
                Map<String, Entity> exports = new LinkedHashMap<>();
                // the resources that have a name in this instance: its type exports of named types
                Map<String, Entity> namedTypes = new LinkedHashMap<>();
                Map<String, String> seen = new HashMap<>();
                for (Instance.InlineExport e : fe.exports()) {
                    Names.Parsed parsed = checkName(s, e.name(), false);
                    Entity entity = sortEntity(s, e.sort(), e.index());
                    checkAttributes(e.name(), entity);
                    unique(seen, e.name().name(), "export");
                    exports.put(e.name().name(), entity);
                    if (entity instanceof CType.TypeE t && s.exportNamed.contains(t.type())) {
                        namedTypes.put(e.name().name(), entity);
                    }
                    checkAnnotated(namedTypes, parsed, entity);
                }
                s.instances.add(new CType.InstanceT(exports));
            }
        }
    }

    /**
     * Checks that {@code actual} may be supplied where {@code expected} is declared. Resources bound by
     * {@code (sub resource)} in {@code expected} are bound in {@code subst} to the actual resources (in import
     * order), and later uses of them must then be the same.
     */
    private void subtype(Entity actual, Entity expected, Map<Object, Object> subst, int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidException("type nesting too deep");
        }
        if (!actual.sortName().equals(expected.sortName())) {
            throw new InvalidException("expected " + expected.sortName() + ", found " + actual.sortName());
        }
        switch (expected) {
            case CType.ModuleE e -> moduleSubtype(((CType.ModuleE) actual).type(), e.type());
            case CType.FuncE e -> funcSubtype(((CType.FuncE) actual).type(), e.type(), subst);
            case CType.ValueE e -> valSubtype(((CType.ValueE) actual).type(), e.type(), subst, 0);
            case CType.TypeE e -> {
                CType a = ((CType.TypeE) actual).type();
                if (e.type() instanceof CType.ResourceRef r && !subst.containsKey(r.resource)
                        && r.resource.owner == null) {
                    if (!(a instanceof CType.ResourceRef ar)) {
                        throw new InvalidException("expected resource, found defined type");
                    }
                    subst.put(r.resource, ar.resource);
                    return;
                }
                typeEq(a, e.type(), subst, 0);
                // later uses of the imported type mean the argument (which is named where it comes from)
                subst.put(e.type(), a);
            }
            case CType.ComponentE e -> componentSubtype(((CType.ComponentE) actual).type(), e.type(), subst,
                    depth);
            case CType.InstanceE e -> instanceSubtype(((CType.InstanceE) actual).type(), e.type(), subst, depth);
        }
    }

    private void instanceSubtype(CType.InstanceT actual, CType.InstanceT expected,
                                 Map<Object, Object> subst, int depth) {
        for (Map.Entry<String, Entity> ex : expected.exports.entrySet()) {
            Entity a = actual.exports.get(ex.getKey());
            if (a == null) {
                throw new InvalidException("missing expected export `" + ex.getKey() + "`");
            }
            try {
                subtype(a, ex.getValue(), subst, depth + 1);
            } catch (InvalidException e) {
                throw new InvalidException("type mismatch in instance export `" + ex.getKey() + "`: " + e.reason());
            }
        }
    }

    private void componentSubtype(CType.ComponentT actual, CType.ComponentT expected,
                                  Map<Object, Object> subst, int depth) {
        // imports are contravariant: every import of the actual component must be satisfied by the expected's
        for (Map.Entry<String, Entity> im : actual.imports.entrySet()) {
            Entity e = expected.imports.get(im.getKey());
            if (e == null) {
                throw new InvalidException("missing expected import `" + im.getKey() + "`");
            }
            try {
                subtype(e, im.getValue(), subst, depth + 1);
            } catch (InvalidException ex) {
                throw new InvalidException("type mismatch in import `" + im.getKey() + "`: " + ex.reason());
            }
        }
        for (Map.Entry<String, Entity> ex : expected.exports.entrySet()) {
            Entity a = actual.exports.get(ex.getKey());
            if (a == null) {
                throw new InvalidException("missing expected export `" + ex.getKey() + "`");
            }
            try {
                subtype(a, ex.getValue(), subst, depth + 1);
            } catch (InvalidException e) {
                throw new InvalidException("type mismatch in export `" + ex.getKey() + "`: " + e.reason());
            }
        }
    }

    private static void moduleSubtype(CoreModuleType actual, CoreModuleType expected) {
        // the supplied module may import less (contravariant) and export more (covariant)
        for (CoreModuleType.CoreImport im : actual.imports()) {
            CoreModuleType.CoreImport match = null;
            for (CoreModuleType.CoreImport e : expected.imports()) {
                if (e.module().equals(im.module()) && e.name().equals(im.name())) {
                    match = e;
                }
            }
            if (match == null) {
                throw new InvalidException("missing expected import `" + im.module() + "::" + im.name() + "`");
            }
            try {
                coreSubtype(match.type(), im.type());
            } catch (InvalidException e) {
                throw new InvalidException("type mismatch in import `" + im.module() + "::" + im.name() + "`: "
                        + e.reason());
            }
        }
        for (Map.Entry<String, CoreExtern> ex : expected.exports().entrySet()) {
            CoreExtern a = actual.exports().get(ex.getKey());
            if (a == null) {
                throw new InvalidException("missing expected export `" + ex.getKey() + "`");
            }
            try {
                coreSubtype(a, ex.getValue());
            } catch (InvalidException e) {
                throw new InvalidException("type mismatch in export `" + ex.getKey() + "`: " + e.reason());
            }
        }
    }

    private void funcSubtype(CType.Func actual, CType.Func expected, Map<Object, Object> subst) {
        if (actual.async != expected.async) {
            throw new InvalidException("expected " + (expected.async ? "async" : "sync") + " function, found "
                    + (actual.async ? "async" : "sync") + " function");
        }
        if (actual.params.size() != expected.params.size()) {
            throw new InvalidException("expected " + expected.params.size() + " parameters, found "
                    + actual.params.size());
        }
        for (int i = 0; i < actual.params.size(); i++) {
            if (!actual.paramNames.get(i).equals(expected.paramNames.get(i))) {
                throw new InvalidException("expected parameter named `" + expected.paramNames.get(i) + "`, found `"
                        + actual.paramNames.get(i) + "`");
            }
            try {
                typeEq(actual.params.get(i), expected.params.get(i), subst, 0);
            } catch (InvalidException e) {
                throw new InvalidException("type mismatch in function parameter `" + actual.paramNames.get(i)
                        + "`: " + e.reason());
            }
        }
        if (actual.result.isPresent() != expected.result.isPresent()) {
            throw new InvalidException("expected a result, found none");
        }
        if (actual.result.isPresent()) {
            try {
                typeEq(actual.result.get(), expected.result.get(), subst, 0);
            } catch (InvalidException e) {
                throw new InvalidException("type mismatch with result type: " + e.reason());
            }
        }
    }

    private void valSubtype(CType actual, CType expected, Map<Object, Object> subst, int depth) {
        typeEq(actual, expected, subst, depth);
    }

    /** Structural type equality; {@code expected}'s resources are mapped through {@code subst}. */
    private void typeEq(CType actual, CType expected, Map<Object, Object> subst, int depth) {
        if (depth > MAX_DEPTH) {
            throw new InvalidException("type nesting too deep");
        }
        if (expected instanceof CType.ResourceRef && !(actual instanceof CType.ResourceRef)) {
            throw new InvalidException("expected resource, found defined type");
        }
        if (actual instanceof CType.ResourceRef && expected.isValueType()) {
            throw new InvalidException("expected defined type, found resource");
        }
        if (expected instanceof CType.Prim ep) {
            if (actual instanceof CType.Prim ap) {
                if (ap.type() != ep.type()) {
                    throw new InvalidException("expected primitive `" + ep.type().text() + "` found primitive `"
                            + ap.type().text() + "`");
                }
                return;
            }
            throw new InvalidException(depth == 0 ? "expected primitive, found " + actual.describe()
                    : "expected " + ep.type().text() + ", found " + actual.describe());
        }
        if (actual instanceof CType.Prim ap && !(expected instanceof CType.Prim)) {
            throw new InvalidException("expected " + expected.describe() + ", found " + ap.type().text());
        }
        if (!actual.describe().equals(expected.describe())) {
            throw new InvalidException("expected " + expected.describe() + ", found " + actual.describe());
        }
        switch (expected) {
            case CType.Record e -> {
                CType.Record a = (CType.Record) actual;
                if (a.names.size() != e.names.size()) {
                    throw new InvalidException("expected " + e.names.size() + " fields, found " + a.names.size());
                }
                for (int i = 0; i < e.names.size(); i++) {
                    if (!a.names.get(i).equals(e.names.get(i))) {
                        throw new InvalidException("expected field name `" + e.names.get(i) + "`, found `"
                                + a.names.get(i) + "`");
                    }
                    try {
                        typeEq(a.types.get(i), e.types.get(i), subst, depth + 1);
                    } catch (InvalidException ex) {
                        throw new InvalidException("type mismatch in record field `" + e.names.get(i) + "`: "
                                + ex.reason());
                    }
                }
            }
            case CType.Variant e -> {
                CType.Variant a = (CType.Variant) actual;
                if (a.names.size() != e.names.size()) {
                    throw new InvalidException("expected " + e.names.size() + " cases, found " + a.names.size());
                }
                for (int i = 0; i < e.names.size(); i++) {
                    if (!a.names.get(i).equals(e.names.get(i))) {
                        throw new InvalidException("expected case named `" + e.names.get(i) + "`, found `"
                                + a.names.get(i) + "`");
                    }
                    Optional<CType> et = e.types.get(i);
                    Optional<CType> at = a.types.get(i);
                    if (et.isPresent() && at.isEmpty()) {
                        throw new InvalidException("expected case `" + e.names.get(i) + "` to have a type, found"
                                + " none");
                    }
                    if (et.isEmpty() && at.isPresent()) {
                        throw new InvalidException("expected case `" + e.names.get(i) + "` to have no type");
                    }
                    if (et.isPresent()) {
                        try {
                            typeEq(at.get(), et.get(), subst, depth + 1);
                        } catch (InvalidException ex) {
                            throw new InvalidException("type mismatch in variant case `" + e.names.get(i) + "`: "
                                    + ex.reason());
                        }
                    }
                }
            }
            case CType.ListOf e -> {
                CType.ListOf a = (CType.ListOf) actual;
                if (!a.length.equals(e.length)) {
                    throw new InvalidException("expected list of length " + e.length + ", found " + a.length);
                }
                try {
                    typeEq(a.element, e.element, subst, depth + 1);
                } catch (InvalidException ex) {
                    throw new InvalidException("type mismatch in list elements: " + ex.reason());
                }
            }
            case CType.Tuple e -> {
                CType.Tuple a = (CType.Tuple) actual;
                if (a.types.size() != e.types.size()) {
                    throw new InvalidException("expected " + e.types.size() + " types, found " + a.types.size());
                }
                for (int i = 0; i < e.types.size(); i++) {
                    try {
                        typeEq(a.types.get(i), e.types.get(i), subst, depth + 1);
                    } catch (InvalidException ex) {
                        throw new InvalidException("type mismatch in tuple field " + i + ": " + ex.reason());
                    }
                }
            }
            case CType.Flags e -> {
                if (!((CType.Flags) actual).names.equals(e.names)) {
                    throw new InvalidException("mismatch in flags elements");
                }
            }
            case CType.Enum e -> {
                if (!((CType.Enum) actual).names.equals(e.names)) {
                    throw new InvalidException("mismatch in enum elements");
                }
            }
            case CType.OptionOf e -> {
                try {
                    typeEq(((CType.OptionOf) actual).type, e.type, subst, depth + 1);
                } catch (InvalidException ex) {
                    throw new InvalidException("type mismatch in option: " + ex.reason());
                }
            }
            case CType.ResultOf e -> {
                CType.ResultOf a = (CType.ResultOf) actual;
                optionalEq(a.ok, e.ok, subst, depth, "ok");
                optionalEq(a.error, e.error, subst, depth, "err");
            }
            case CType.Handle e -> {
                CType.Handle a = (CType.Handle) actual;
                if (a.own != e.own) {
                    throw new InvalidException("expected " + e.describe() + ", found " + a.describe());
                }
                resourceEq(a.ref.resource, e.ref.resource, subst);
            }
            case CType.StreamOf e -> optionalEq(((CType.StreamOf) actual).element, e.element, subst, depth,
                    "stream");
            case CType.FutureOf e -> optionalEq(((CType.FutureOf) actual).element, e.element, subst, depth,
                    "future");
            case CType.MapOf e -> {
                CType.MapOf a = (CType.MapOf) actual;
                typeEq(a.key, e.key, subst, depth + 1);
                typeEq(a.value, e.value, subst, depth + 1);
            }
            case CType.ResourceRef e -> resourceEq(((CType.ResourceRef) actual).resource, e.resource, subst);
            case CType.Func e -> funcSubtype((CType.Func) actual, e, subst);
            case CType.ComponentT e -> componentSubtype((CType.ComponentT) actual, e, subst, depth);
            case CType.InstanceT e -> instanceSubtype((CType.InstanceT) actual, e, subst, depth);
            case CType.Prim ignored -> {
            }
        }
    }

    private void optionalEq(Optional<CType> actual, Optional<CType> expected,
                            Map<Object, Object> subst, int depth, String what) {
        if (expected.isEmpty() && actual.isPresent()) {
            throw new InvalidException("expected " + what + " type to not be present");
        }
        if (expected.isPresent() && actual.isEmpty()) {
            throw new InvalidException("expected " + what + " type, but found none");
        }
        if (expected.isPresent()) {
            try {
                typeEq(actual.get(), expected.get(), subst, depth + 1);
            } catch (InvalidException ex) {
                throw new InvalidException("type mismatch in " + what + " variant: " + ex.reason());
            }
        }
    }

    private static void resourceEq(CType.Resource actual, CType.Resource expected,
                                   Map<Object, Object> subst) {
        if (canonical(actual, subst) != canonical(expected, subst)) {
            throw new InvalidException("resource types are not the same");
        }
    }

    /** A copy of an instance type whose declared abstract resources (also of nested instances) are new ones. */
    private static CType.InstanceT freshen(CType.InstanceT it, int depth) {
        Map<Object, Object> m = new IdentityHashMap<>();
        for (CType.Resource r : it.declared) {
            m.put(r, new CType.Resource(null, OptionalInt.empty()));
        }
        Map<String, Entity> exports = new LinkedHashMap<>();
        IdentityHashMap<CType, CType> memo = new IdentityHashMap<>();
        for (Map.Entry<String, Entity> e : it.exports.entrySet()) {
            Entity x = m.isEmpty() ? e.getValue() : substitute(e.getValue(), m, memo);
            if (x instanceof CType.InstanceE ie && depth < MAX_DEPTH) {
                x = new CType.InstanceE(freshen(ie.type(), depth + 1));
            }
            exports.put(e.getKey(), x);
        }
        CType.InstanceT out = new CType.InstanceT(exports);
        out.named.addAll(it.named);
        return out;
    }

    /** Follows resource bindings (which go both ways when component types are compared) to a representative. */
    private static Object canonical(CType.Resource r, Map<Object, Object> subst) {
        Object x = r;
        for (int i = 0; i < 16 && subst.containsKey(x); i++) {
            x = subst.get(x);
        }
        return x;
    }

    /** Binds an abstractly exported resource ({@code e} a type export of one) to a new copy in {@code subst}. */
    private static void freshResource(Entity e, Map<Object, Object> subst) {
        if (e instanceof CType.TypeE t && t.type() instanceof CType.ResourceRef r && !subst.containsKey(r.resource)) {
            CType.Resource copy = new CType.Resource(r.resource.owner, r.resource.destructor);
            subst.put(r.resource, copy);
        }
    }

    /**
     * The entity an instance exports after instantiation: imported resources replaced by the arguments and
     * abstractly exported ones by their copies ({@link #freshResource}), all in {@code subst}; {@code memo} keeps
     * the copies already made, so a type shared by several exports stays one type.
     */
    private static Entity substitute(Entity e, Map<Object, Object> subst, IdentityHashMap<CType, CType> memo) {
        if (subst.isEmpty()) {
            return e;
        }
        return switch (e) {
            case CType.FuncE f -> new CType.FuncE((CType.Func) subst(f.type(), subst, memo, 0));
            case CType.TypeE t -> new CType.TypeE(subst(t.type(), subst, memo, 0));
            case CType.ValueE v -> new CType.ValueE(subst(v.type(), subst, memo, 0));
            case CType.InstanceE i -> new CType.InstanceE((CType.InstanceT) subst(i.type(), subst, memo, 0));
            case CType.ComponentE c -> new CType.ComponentE((CType.ComponentT) subst(c.type(), subst, memo, 0));
            case CType.ModuleE m -> m;
        };
    }

    private static CType subst(CType t, Map<Object, Object> s, IdentityHashMap<CType, CType> memo,
                               int depth) {
        if (depth > MAX_DEPTH) {
            return t;
        }
        CType done = memo.get(t);
        if (done != null) {
            return done;
        }
        if (s.get(t) instanceof CType bound) {
            return bound;
        }
        CType out = switch (t) {
            case CType.Prim p -> p;
            case CType.Record r -> new CType.Record(r.names, r.types.stream().map(x -> subst(x, s, memo, depth + 1))
                    .toList());
            case CType.Variant v -> new CType.Variant(v.names, v.types.stream()
                    .map(x -> x.map(y -> subst(y, s, memo, depth + 1))).toList());
            case CType.ListOf l -> new CType.ListOf(subst(l.element, s, memo, depth + 1), l.length);
            case CType.Tuple tu -> new CType.Tuple(tu.types.stream().map(x -> subst(x, s, memo, depth + 1))
                    .toList());
            case CType.Flags f -> f;
            case CType.Enum en -> en;
            case CType.OptionOf o -> new CType.OptionOf(subst(o.type, s, memo, depth + 1));
            case CType.ResultOf r -> new CType.ResultOf(r.ok.map(x -> subst(x, s, memo, depth + 1)),
                    r.error.map(x -> subst(x, s, memo, depth + 1)));
            case CType.Handle h -> new CType.Handle(h.own, (CType.ResourceRef) subst(h.ref, s, memo, depth + 1));
            case CType.StreamOf st -> new CType.StreamOf(st.element.map(x -> subst(x, s, memo, depth + 1)));
            case CType.FutureOf fu -> new CType.FutureOf(fu.element.map(x -> subst(x, s, memo, depth + 1)));
            case CType.MapOf m -> new CType.MapOf(subst(m.key, s, memo, depth + 1), subst(m.value, s, memo,
                    depth + 1));
            case CType.Func f -> new CType.Func(f.async, f.paramNames, f.params.stream()
                    .map(x -> subst(x, s, memo, depth + 1)).toList(), f.result.map(x -> subst(x, s, memo,
                    depth + 1)));
            case CType.ResourceRef r -> s.containsKey(r.resource) ? new CType.ResourceRef((CType.Resource) s.get(r.resource)) : r;
            case CType.InstanceT i -> {
                Map<String, Entity> ex = new LinkedHashMap<>();
                i.exports.forEach((n, x) -> ex.put(n, substitute(x, s, memo)));
                yield new CType.InstanceT(ex);
            }
            case CType.ComponentT c -> c;
        };
        memo.put(t, out);
        return out;
    }

    // ---- aliases ----

    private void alias(State s, Alias a) {
        switch (a) {
            case Alias.InstanceExport ie -> {
                CType.InstanceT it = get(s.instances, ie.instance(), "instance", "instance");
                Entity e = it.exports.get(ie.name());
                if (e == null) {
                    throw new InvalidException("instance " + ie.instance() + " has no export named `" + ie.name()
                            + "`");
                }
                Sort expected = switch (e) {
                    case CType.ModuleE ignored -> Sort.CORE_MODULE;
                    case CType.FuncE ignored -> Sort.FUNC;
                    case CType.ValueE ignored -> Sort.VALUE;
                    case CType.TypeE ignored -> Sort.TYPE;
                    case CType.ComponentE ignored -> Sort.COMPONENT;
                    case CType.InstanceE ignored -> Sort.INSTANCE;
                };
                if (expected != ie.sort()) {
                    throw new InvalidException("export `" + ie.name() + "` for instance " + ie.instance()
                            + " is not a " + sortText(ie.sort()));
                }
                switch (e) {
                    case CType.ModuleE m -> s.coreModules.add(m.type());
                    case CType.FuncE f -> s.funcs.add(f.type());
                    case CType.ValueE v -> s.values.add(v.type());
                    case CType.TypeE t -> s.types.add(t.type());
                    case CType.ComponentE c -> s.components.add(c.type());
                    case CType.InstanceE i -> s.instances.add(i.type());
                }
            }
            case Alias.CoreInstanceExport ce -> {
                Map<String, CoreExtern> inst = get(s.coreInstances, ce.instance(), "core instance", "instance");
                CoreExtern e = inst.get(ce.name());
                if (e == null) {
                    throw new InvalidException("core instance " + ce.instance() + " has no export named `"
                            + ce.name() + "`");
                }
                switch (ce.sort()) {
                    case CORE_FUNC -> s.coreFuncs.add(expectCore(e, CFunc.class, ce).type());
                    case CORE_TABLE -> s.coreTables.add(expectCore(e, CTable.class, ce).type());
                    case CORE_MEMORY -> s.coreMemories.add(expectCore(e, CMemory.class, ce).type());
                    case CORE_GLOBAL -> s.coreGlobals.add(expectCore(e, CGlobal.class, ce).type());
                    case CORE_TAG -> s.coreTags.add(expectCore(e, CTag.class, ce).type());
                    default -> throw new InvalidException("core instance export aliases must be of a core item"
                            + " sort");
                }
            }
            case Alias.Outer o -> outerAlias(s, o);
        }
    }

    private static String sortText(Sort sort) {
        return switch (sort) {
            case CORE_MODULE -> "module";
            case FUNC -> "func";
            case VALUE -> "value";
            case TYPE -> "type";
            case COMPONENT -> "component";
            case INSTANCE -> "instance";
            default -> sort.name().toLowerCase(Locale.ROOT);
        };
    }

    private static <T extends CoreExtern> T expectCore(CoreExtern e, Class<T> kind, Alias.CoreInstanceExport ce) {
        if (!kind.isInstance(e)) {
            throw new InvalidException("export `" + ce.name() + "` for core instance " + ce.instance() + " is not a "
                    + kind.getSimpleName().substring(1).toLowerCase(Locale.ROOT));
        }
        return kind.cast(e);
    }

    private void outerAlias(State s, Alias.Outer o) {
        State target = s;
        boolean crossesComponent = false;
        for (int i = 0; i < o.count(); i++) {
            if (target.kind == Kind.COMPONENT) {
                crossesComponent = true;
            }
            target = target.parent;
            if (target == null) {
                throw new InvalidException("invalid outer alias count of " + o.count());
            }
        }
        switch (o.sort()) {
            case TYPE -> {
                CType t = type(target, o.index());
                if (crossesComponent && refersToResources(t, 0)) {
                    throw new InvalidException("canonical outer alias of type index " + o.index()
                            + " transitively refers to resources not defined in the current component");
                }
                s.types.add(t);
            }
            case CORE_TYPE -> {
                s.coreTypes.add(get(target.coreTypes, o.index(), "core type", "type"));
                s.coreTypeEncodings.add(target.coreTypeEncodings.get(o.index()));
            }
            case CORE_MODULE -> s.coreModules.add(get(target.coreModules, o.index(), "module", "module"));
            case COMPONENT -> s.components.add(get(target.components, o.index(), "component", "component"));
            default -> throw new InvalidException("outer aliases may only refer to types, modules or components");
        }
    }

    private static boolean refersToResources(CType t, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        return switch (t) {
            case CType.ResourceRef ignored -> true;
            case CType.Handle ignored -> true;
            case CType.Record r -> r.types.stream().anyMatch(x -> refersToResources(x, depth + 1));
            case CType.Variant v -> v.types.stream().anyMatch(x -> x.isPresent() && refersToResources(x.get(),
                    depth + 1));
            case CType.ListOf l -> refersToResources(l.element, depth + 1);
            case CType.Tuple tu -> tu.types.stream().anyMatch(x -> refersToResources(x, depth + 1));
            case CType.OptionOf o -> refersToResources(o.type, depth + 1);
            case CType.ResultOf r -> r.ok.isPresent() && refersToResources(r.ok.get(), depth + 1)
                    || r.error.isPresent() && refersToResources(r.error.get(), depth + 1);
            case CType.Func f -> f.params.stream().anyMatch(x -> refersToResources(x, depth + 1))
                    || f.result.isPresent() && refersToResources(f.result.get(), depth + 1);
            case CType.MapOf m -> refersToResources(m.key, depth + 1) || refersToResources(m.value, depth + 1);
            case CType.StreamOf st -> st.element.isPresent() && refersToResources(st.element.get(), depth + 1);
            case CType.FutureOf fu -> fu.element.isPresent() && refersToResources(fu.element.get(), depth + 1);
            case CType.InstanceT i -> i.exports.values().stream().anyMatch(e -> entityRefersToResources(e,
                    depth + 1));
            case CType.ComponentT c -> concat(List.copyOf(c.imports.values()), List.copyOf(c.exports.values()))
                    .stream().anyMatch(e -> entityRefersToResources(e, depth + 1));
            default -> false;
        };
    }

    private static boolean entityRefersToResources(Entity e, int depth) {
        return switch (e) {
            case CType.TypeE t -> refersToResources(t.type(), depth);
            case CType.FuncE f -> refersToResources(f.type(), depth);
            case CType.ValueE v -> refersToResources(v.type(), depth);
            case CType.InstanceE i -> refersToResources(i.type(), depth);
            case CType.ComponentE c -> refersToResources(c.type(), depth);
            case CType.ModuleE ignored -> false;
        };
    }

    // ---- canonical definitions ----

    /** Explainer.md: "The `async` option may only be used with `async` function types". */
    private static void requireAsyncType(Options opts, CType.Func ft) {
        if (opts.async && !ft.async) {
            throw new InvalidException("the `async` canonical option requires an async function type");
        }
    }

    private void canon(State s, Canon c) {
        switch (c) {
            case Canon.Lift lift -> {
                CompositeType.Func core = get(s.coreFuncs, lift.coreFunc(), "function", "function");
                CType t = type(s, lift.type());
                if (!(t instanceof CType.Func ft)) {
                    throw new InvalidException("type index " + lift.type() + " is not a function type");
                }
                Options opts = options(s, lift.options(), true);
                requireAsyncType(opts, ft);
                // an async lift returns its results through task.return, not through flat results
                Flat flat = flatten(opts.async ? new CType.Func(ft.async, ft.paramNames, ft.params,
                        Optional.empty()) : ft, true);
                if (flat.needsMemory && opts.memory == null) {
                    throw new InvalidException("canonical option `memory` is required");
                }
                if (flat.needsRealloc && opts.realloc == null) {
                    throw new InvalidException("canonical option `realloc` is required");
                }
                if (!ft.async && !opts.async) {
                    checkSignature(core, flat.params, flat.results);
                }
                if (opts.postReturn != null && !ft.async && !opts.async) {
                    CompositeType.Func pr = opts.postReturn;
                    if (!pr.equals(new CompositeType.Func(flat.results, List.of()))) {
                        throw new InvalidException("canonical option `post-return` uses a core function with an"
                                + " incorrect signature");
                    }
                }
                s.funcs.add(ft);
            }
            case Canon.Lower lower -> {
                CType.Func ft = get(s.funcs, lower.func(), "func", "func");
                Options opts = options(s, lower.options(), false);
                requireAsyncType(opts, ft);
                Flat flat = opts.async ? flattenAsyncLower(ft) : flatten(ft, false);
                if (flat.needsMemory && opts.memory == null) {
                    throw new InvalidException("canonical option `memory` is required");
                }
                if (flat.needsRealloc && opts.realloc == null) {
                    throw new InvalidException("canonical option `realloc` is required");
                }
                s.coreFuncs.add(new CompositeType.Func(flat.params, flat.results));
            }
            case Canon.ResourceNew rn -> {
                localResource(s, rn.resource());
                s.coreFuncs.add(new CompositeType.Func(List.of(i32()), List.of(i32())));
            }
            case Canon.ResourceDrop rd -> {
                resourceRef(s, rd.resource());
                s.coreFuncs.add(new CompositeType.Func(List.of(i32()), List.of()));
            }
            case Canon.ResourceRep rr -> {
                localResource(s, rr.resource());
                s.coreFuncs.add(new CompositeType.Func(List.of(i32()), List.of(i32())));
            }
            case Canon.Builtin b -> {
                // the async, error-context and thread built-ins: Basalt does not run them; their core type is not
                // tracked (null), so uses of them are not checked against a signature
                s.coreFuncs.add(null);
            }
        }
    }

    private CType.Resource localResource(State s, int index) {
        CType.ResourceRef r = resourceRef(s, index);
        if (!s.localResources.contains(r.resource)) {
            throw new InvalidException("type index " + index + " is not a local resource");
        }
        return r.resource;
    }

    private static void checkSignature(CompositeType.Func core, List<dev.basalt.wasm.ValType> params,
                                       List<dev.basalt.wasm.ValType> results) {
        if (core == null) {
            return;
        }
        if (!core.params().equals(params)) {
            throw new InvalidException("lowered parameter types `" + debugTypes(params)
                    + "` do not match parameter types `" + debugTypes(core.params()) + "` of core function");
        }
        if (!core.results().equals(results)) {
            throw new InvalidException("lowered result types `" + debugTypes(results)
                    + "` do not match result types `" + debugTypes(core.results()) + "` of core function");
        }
    }

    private static String debugTypes(List<dev.basalt.wasm.ValType> ts) {
        return "[" + String.join(", ", ts.stream().map(t -> {
            String n = t.toString().toUpperCase(Locale.ROOT);
            return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
        }).toList()) + "]";
    }

    private record Options(CanonOpt.StringEncoding encoding, MemoryType memory, CompositeType.Func realloc,
                           CompositeType.Func postReturn, boolean async) {
    }

    private Options options(State s, List<CanonOpt> opts, boolean lift) {
        CanonOpt.StringEncoding encoding = null;
        MemoryType memory = null;
        CompositeType.Func realloc = null;
        CompositeType.Func postReturn = null;
        boolean async = false;
        boolean haveRealloc = false;
        boolean havePostReturn = false;
        for (CanonOpt o : opts) {
            switch (o) {
                case CanonOpt.StringEncoding e -> {
                    if (encoding != null) {
                        throw new InvalidException("canonical encoding option `" + encodingName(encoding)
                                + "` conflicts with option `" + encodingName(e) + "`");
                    }
                    encoding = e;
                }
                case CanonOpt.Memory m -> {
                    if (memory != null) {
                        throw new InvalidException("canonical option `memory` is specified more than once");
                    }
                    memory = get(s.coreMemories, m.memory(), "memory", "memory");
                }
                case CanonOpt.Realloc r -> {
                    if (haveRealloc) {
                        throw new InvalidException("canonical option `realloc` is specified more than once");
                    }
                    haveRealloc = true;
                    realloc = get(s.coreFuncs, r.func(), "function", "function");
                    dev.basalt.wasm.ValType i32 = i32();
                    if (realloc != null && !realloc.equals(new CompositeType.Func(List.of(i32, i32, i32, i32),
                            List.of(i32)))) {
                        throw new InvalidException("canonical option `realloc` uses a core function with an"
                                + " incorrect signature");
                    }
                }
                case CanonOpt.PostReturn pr -> {
                    if (!lift) {
                        throw new InvalidException("canonical option `post-return` cannot be specified for"
                                + " lowerings");
                    }
                    if (havePostReturn) {
                        throw new InvalidException("canonical option `post-return` is specified more than once");
                    }
                    havePostReturn = true;
                    postReturn = get(s.coreFuncs, pr.func(), "function", "function");
                }
                case CanonOpt.Async ignored -> async = true;
                case CanonOpt.Callback cb -> get(s.coreFuncs, cb.func(), "function", "function");
            }
        }
        if (haveRealloc && memory == null) {
            throw new InvalidException("canonical option `realloc` requires `memory` to also be specified");
        }
        return new Options(encoding, memory, haveRealloc ? realloc == null ? new CompositeType.Func(List.of(),
                List.of()) : realloc : null, postReturn, async);
    }

    private static String encodingName(CanonOpt.StringEncoding e) {
        return switch (e) {
            case UTF8 -> "utf8";
            case UTF16 -> "utf16";
            case LATIN1_UTF16 -> "latin1-utf16";
        };
    }

    /** The flattened core signature of a lifted or lowered function and what it needs from the options. */
    private record Flat(List<dev.basalt.wasm.ValType> params, List<dev.basalt.wasm.ValType> results,
                        boolean needsMemory, boolean needsRealloc) {
    }

    /** CanonicalABI.md {@code flatten_functype} for a sync lift ({@code lift}) or lower. */
    private static Flat flatten(CType.Func ft, boolean lift) {
        List<dev.basalt.wasm.ValType> params = new ArrayList<>();
        for (CType p : ft.params) {
            flat(p, params, 0);
        }
        List<dev.basalt.wasm.ValType> results = new ArrayList<>();
        if (ft.result.isPresent()) {
            flat(ft.result.get(), results, 0);
        }
        boolean paramsNeedMemory = ft.params.stream().anyMatch(p -> needsMemory(p, 0));
        boolean resultNeedsMemory = ft.result.isPresent() && needsMemory(ft.result.get(), 0);
        boolean needsMemory = false;
        boolean needsRealloc = false;
        dev.basalt.wasm.ValType i32 = i32();
        if (params.size() > MAX_FLAT_PARAMS) {
            params = List.of(i32);
            needsMemory = true;
            // lifting: the caller copies the spilled parameters into memory the callee allocates
            needsRealloc |= lift;
        }
        if (results.size() > MAX_FLAT_RESULTS) {
            needsMemory = true;
            if (lift) {
                results = List.of(i32);
            } else {
                params = new ArrayList<>(params);
                params.add(i32);
                results = List.of();
            }
        }
        if (paramsNeedMemory) {
            needsMemory = true;
            needsRealloc |= lift;
        }
        if (resultNeedsMemory) {
            needsMemory = true;
            needsRealloc |= !lift;
        }
        if (ft.async) {
            return new Flat(params, results, needsMemory, needsRealloc);
        }
        return new Flat(params, results, needsMemory, needsRealloc);
    }

    /**
     * CanonicalABI.md {@code flatten_functype} for an {@code async} lower: at most 4 flat parameters (else a
     * pointer), a result pointer when there is a result, and the i32 subtask status.
     */
    private static Flat flattenAsyncLower(CType.Func ft) {
        List<dev.basalt.wasm.ValType> params = new ArrayList<>();
        for (CType p : ft.params) {
            flat(p, params, 0);
        }
        boolean needsMemory = ft.params.stream().anyMatch(p -> needsMemory(p, 0));
        if (params.size() > 4) {
            params = new ArrayList<>(List.of(i32()));
            needsMemory = true;
        }
        if (ft.result.isPresent()) {
            params = new ArrayList<>(params);
            params.add(i32());
            needsMemory = true;
        }
        return new Flat(params, List.of(i32()), needsMemory, ft.result.isPresent() && needsMemory(ft.result.get(),
                0));
    }

    /** Whether a value of this type lives (partly) in linear memory: strings and lists. */
    private static boolean needsMemory(CType t, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        return switch (t) {
            case CType.Prim p -> p.type() == PrimValType.STRING;
            case CType.ListOf l -> l.length.isEmpty() || needsMemory(l.element, depth + 1);
            case CType.MapOf ignored -> true;
            case CType.Record r -> r.types.stream().anyMatch(x -> needsMemory(x, depth + 1));
            case CType.Tuple tu -> tu.types.stream().anyMatch(x -> needsMemory(x, depth + 1));
            case CType.Variant v -> v.types.stream().anyMatch(x -> x.isPresent() && needsMemory(x.get(), depth + 1));
            case CType.OptionOf o -> needsMemory(o.type, depth + 1);
            case CType.ResultOf r -> r.ok.isPresent() && needsMemory(r.ok.get(), depth + 1)
                    || r.error.isPresent() && needsMemory(r.error.get(), depth + 1);
            default -> false;
        };
    }

    /** CanonicalABI.md {@code flatten_type}. */
    private static void flat(CType t, List<dev.basalt.wasm.ValType> out, int depth) {
        if (depth > MAX_DEPTH || out.size() > 4 * MAX_FLAT_PARAMS) {
            out.add(i32());
            return;
        }
        dev.basalt.wasm.ValType i32 = i32();
        switch (t) {
            case CType.Prim p -> out.add(switch (p.type()) {
                case S64, U64 -> NumType.I64;
                case F32 -> NumType.F32;
                case F64 -> NumType.F64;
                case STRING -> {
                    out.add(i32);
                    yield i32;
                }
                default -> i32;
            });
            case CType.ListOf l -> {
                if (l.length.isPresent()) {
                    for (int i = 0; i < l.length.getAsInt() && out.size() <= 4 * MAX_FLAT_PARAMS; i++) {
                        flat(l.element, out, depth + 1);
                    }
                } else {
                    out.add(i32);
                    out.add(i32);
                }
            }
            case CType.MapOf ignored -> {
                out.add(i32);
                out.add(i32);
            }
            case CType.Record r -> r.types.forEach(x -> flat(x, out, depth + 1));
            case CType.Tuple tu -> tu.types.forEach(x -> flat(x, out, depth + 1));
            case CType.Variant v -> flatVariant(v.types, out, depth);
            case CType.OptionOf o -> flatVariant(List.of(Optional.empty(), Optional.of(o.type)), out, depth);
            case CType.ResultOf r -> flatVariant(List.of(r.ok, r.error), out, depth);
            case CType.Flags ignored -> out.add(i32);
            case CType.Enum ignored -> out.add(i32);
            default -> out.add(i32);
        }
    }

    private static void flatVariant(List<Optional<CType>> cases, List<dev.basalt.wasm.ValType> out, int depth) {
        List<dev.basalt.wasm.ValType> joined = new ArrayList<>();
        for (Optional<CType> c : cases) {
            if (c.isEmpty()) {
                continue;
            }
            List<dev.basalt.wasm.ValType> f = new ArrayList<>();
            flat(c.get(), f, depth + 1);
            for (int i = 0; i < f.size(); i++) {
                if (i < joined.size()) {
                    joined.set(i, join(joined.get(i), f.get(i)));
                } else {
                    joined.add(f.get(i));
                }
            }
        }
        out.add(i32());
        out.addAll(joined);
    }

    private static dev.basalt.wasm.ValType join(dev.basalt.wasm.ValType a, dev.basalt.wasm.ValType b) {
        if (a.equals(b)) {
            return a;
        }
        dev.basalt.wasm.ValType i32 = NumType.I32;
        dev.basalt.wasm.ValType f32 = NumType.F32;
        if ((a.equals(i32) && b.equals(f32)) || (a.equals(f32) && b.equals(i32))) {
            return i32;
        }
        return NumType.I64;
    }

    // ---- start ----

    private void start(State s, dev.basalt.component.model.Start start) {
        CType.Func f = get(s.funcs, start.func(), "func", "func");
        if (f.params.size() != start.args().size()) {
            throw new InvalidException("component start function requires " + f.params.size() + " arguments but "
                    + start.args().size() + " were provided");
        }
        for (int i = 0; i < start.args().size(); i++) {
            CType v = get(s.values, start.args().get(i), "value", "value");
            typeEq(v, f.params.get(i), new IdentityHashMap<>(), 0);
        }
        int results = f.result.isPresent() ? 1 : 0;
        if (results != start.results()) {
            throw new InvalidException("component start function has a result count of " + results
                    + " but the function type has a result count of " + start.results());
        }
        f.result.ifPresent(s.values::add);
    }
}
