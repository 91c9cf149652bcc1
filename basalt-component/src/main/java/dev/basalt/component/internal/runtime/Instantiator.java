package dev.basalt.component.internal.runtime;

import dev.basalt.Extern;
import dev.basalt.Func;
import dev.basalt.Global;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Memory;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Table;
import dev.basalt.Tag;
import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ResourceType;
import dev.basalt.component.ValueType;
import dev.basalt.component.model.Alias;
import dev.basalt.component.model.Canon;
import dev.basalt.component.model.CanonOpt;
import dev.basalt.component.model.Component;
import dev.basalt.component.model.CoreInstance;
import dev.basalt.component.model.CoreModule;
import dev.basalt.component.model.Export;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.Import;
import dev.basalt.component.model.Section;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import dev.basalt.wasm.ImportDesc;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Instantiates a component (Explainer.md "Instance Definitions"): walks its sections in order, building the index
 * spaces of one instance — core modules are instantiated with basalt-runtime's {@link Linker}, {@code canon}
 * definitions become {@link LiftedFunc}s and core functions ({@link CoreFuncs}), resource type definitions make
 * fresh {@link ResourceType}s, nested components are closures over the enclosing index spaces (so outer aliases
 * see what their parent instance was given), and imports come from the resolver.
 */
public final class Instantiator {
    /** A component definition together with the index spaces its outer aliases refer to. */
    public record Closure(Component component, Scope outer, Map<CoreModule, Module> modules) {
    }

    /** A component instance as a value: its exports by name (funcs, types, instances, components, modules). */
    public record InstanceValue(Map<String, Object> exports) {
    }

    /** A type in a type index space that is not a value, function or resource type (kept for imports). */
    record DeclaredType(TypeDef def) {
    }

    /** The index spaces of one component instance (or, while it is built, of the component being instantiated). */
    public static final class Scope {
        final Scope outer;
        /** {@link Func}s, and {@link LateFunc}s for built-ins typed by the import they are given to. */
        final List<Object> coreFuncs = new ArrayList<>();
        final List<Table> coreTables = new ArrayList<>();
        final List<Memory> coreMemories = new ArrayList<>();
        final List<Global> coreGlobals = new ArrayList<>();
        final List<Tag> coreTags = new ArrayList<>();
        final List<Object> coreTypes = new ArrayList<>();
        final List<Module> coreModules = new ArrayList<>();
        /** Core instances: export name to {@link Extern} (or {@link LateFunc}). */
        final List<Map<String, Object>> coreInstances = new ArrayList<>();
        final List<FuncInst> funcs = new ArrayList<>();
        final List<Object> types = new ArrayList<>();
        final List<Closure> components = new ArrayList<>();
        final List<InstanceValue> instances = new ArrayList<>();
        /** Plan time only: per-instance types read as their templates (see {@link InstantiationPlan.DynType}). */
        boolean templates;

        Scope(Scope outer) {
            this.outer = outer;
            // the local index spaces of an instance type being checked read templates as their enclosing scope does
            this.templates = outer != null && outer.templates;
        }

        List<?> space(Sort sort) {
            return switch (sort) {
                case CORE_FUNC -> coreFuncs;
                case CORE_TABLE -> coreTables;
                case CORE_MEMORY -> coreMemories;
                case CORE_GLOBAL -> coreGlobals;
                case CORE_TAG -> coreTags;
                case CORE_TYPE -> coreTypes;
                case CORE_MODULE -> coreModules;
                case CORE_INSTANCE -> coreInstances;
                case FUNC -> funcs;
                case TYPE -> types;
                case COMPONENT -> components;
                case INSTANCE -> instances;
                case VALUE -> throw unsupported("component values (🪙)");
            };
        }

        Object get(Sort sort, int index) {
            Object v = peek(sort, index);
            if (v instanceof InstantiationPlan.Marker m) {
                if (templates) {
                    switch (m) {
                        case InstantiationPlan.DynResource r -> {
                            return r.placeholder();
                        }
                        case InstantiationPlan.DynType t -> {
                            return t.template();
                        }
                        default -> {
                        }
                    }
                }
                // only while a plan is compiled: the value exists per instance, the caller's work is deferred to it
                throw InstantiationPlan.NotStatic.INSTANCE;
            }
            return v;
        }

        /** The entry, which while a plan is compiled may be a {@link InstantiationPlan.Marker}. */
        Object peek(Sort sort, int index) {
            List<?> s = space(sort);
            if (index < 0 || index >= s.size()) {
                throw new ComponentException("unknown " + sort.name().toLowerCase().replace('_', ' ') + " " + index);
            }
            return s.get(index);
        }

        /** Adds without the kind check (plan-time markers, values already checked). */
        @SuppressWarnings("unchecked")
        void addRaw(Sort sort, Object value) {
            ((List<Object>) space(sort)).add(value);
        }

        @SuppressWarnings("unchecked")
        void add(Sort sort, Object value) {
            Object checked = switch (sort) {
                case CORE_FUNC -> value instanceof LateFunc ? value : as(value, Func.class, sort);
                case CORE_TABLE -> as(value, Table.class, sort);
                case CORE_MEMORY -> as(value, Memory.class, sort);
                case CORE_GLOBAL -> as(value, Global.class, sort);
                case CORE_TAG -> as(value, Tag.class, sort);
                case CORE_MODULE -> as(value, Module.class, sort);
                case CORE_INSTANCE -> as(value, Map.class, sort);
                case FUNC -> as(value, FuncInst.class, sort);
                case COMPONENT -> as(value, Closure.class, sort);
                case INSTANCE -> as(value, InstanceValue.class, sort);
                case CORE_TYPE, TYPE -> value;
                case VALUE -> throw unsupported("component values (🪙)");
            };
            ((List<Object>) space(sort)).add(checked);
        }

        private static Object as(Object value, Class<?> c, Sort sort) {
            if (!c.isInstance(value)) {
                throw new ComponentException("expected a " + sort.name().toLowerCase().replace('_', ' ') + ", found "
                        + describe(value));
            }
            return value;
        }
    }

    final Store<?> store;
    private final TypeLimits limits = new TypeLimits();

    public Instantiator(Store<?> store) {
        this.store = store;
    }

    static UnsupportedFeatureException unsupported(String what) {
        return new UnsupportedFeatureException(what);
    }

    /** A type definition that needs an unsupported feature; using it raises the exception. */
    record UnsupportedType(UnsupportedFeatureException reason) {
    }

    /** A lifted function that needs an unsupported feature (async): calling it raises the exception. */
    record UnsupportedFunc(ComponentFuncType type, String what) implements FuncInst {
        @Override
        public void call(RuntimeInstance caller, java.util.function.Supplier<Lifted> onStart,
                java.util.function.Consumer<Lifted> onResolve) {
            throw unsupported(what);
        }
    }

    static String describe(Object v) {
        return switch (v) {
            case null -> "nothing";
            case FuncInst f -> "a function";
            case InstanceValue i -> "an instance";
            case Closure c -> "a component";
            case Module m -> "a core module";
            case ResourceType r -> "a resource type";
            case ValueType t -> "a value type";
            case ComponentFuncType t -> "a function type";
            case Func f -> "a core function";
            case Memory m -> "a core memory";
            case Table t -> "a core table";
            case Global g -> "a core global";
            case Tag t -> "a core tag";
            case Map<?, ?> m -> "a core instance";
            default -> v.getClass().getSimpleName();
        };
    }

    /**
     * Instantiates {@code closure}; {@code imports} gives the value of each import by name (null if missing).
     * {@code parent} is the instantiating component instance (null for the host).
     */
    public InstanceValue instantiate(Closure closure, Function<String, Object> imports, RuntimeInstance parent,
            String name) {
        RuntimeInstance inst = new RuntimeInstance(store, parent, name);
        Scope scope = new Scope(closure.outer());
        Map<String, Object> exports = new LinkedHashMap<>();
        for (Section section : closure.component().sections()) {
            switch (section) {
                case Section.Custom c -> {
                }
                case Section.CoreModuleSection m -> scope.coreModules.add(compiled(closure, m.module()));
                case Section.CoreInstances ci -> {
                    for (CoreInstance i : ci.instances()) {
                        scope.coreInstances.add(coreInstance(scope, i, inst));
                    }
                }
                case Section.CoreTypes ct -> scope.coreTypes.addAll(ct.types());
                case Section.Components c -> scope.components.add(new Closure(c.component(), scope, closure.modules()));
                case Section.Instances is -> {
                    for (dev.basalt.component.model.Instance i : is.instances()) {
                        scope.instances.add(instance(scope, i, inst));
                    }
                }
                case Section.Aliases as -> {
                    for (Alias a : as.aliases()) {
                        scope.add(a.sort(), alias(scope, a));
                    }
                }
                case Section.Types ts -> {
                    for (TypeDef t : ts.types()) {
                        Object defined;
                        try {
                            defined = defineType(scope, t, inst);
                        } catch (UnsupportedFeatureException e) {
                            defined = new UnsupportedType(e);
                        }
                        scope.types.add(defined);
                    }
                }
                case Section.Canons cs -> {
                    for (Canon c : cs.canons()) {
                        canon(scope, c, inst);
                    }
                }
                case Section.StartSection s -> throw unsupported("component start functions (🪙)");
                case Section.Imports is -> {
                    for (Import im : is.imports()) {
                        Object v = imports.apply(im.name().name());
                        if (v == null) {
                            throw new ComponentException("missing import `" + im.name().name() + "`");
                        }
                        checkImport(im, v);
                        checkType(scope, im.type(), v, im.name().name());
                        scope.add(sortOf(im.type()), v);
                    }
                }
                case Section.Exports es -> {
                    for (Export e : es.exports()) {
                        Object v = scope.get(e.sort(), e.index());
                        exports.put(e.name().name(), v);
                        scope.add(e.sort(), v);
                    }
                }
                case Section.Values v -> throw unsupported("component values (🪙)");
            }
        }
        return new InstanceValue(exports);
    }

    /** Instantiates a top-level component from its plan; {@code imports} gives each import's value in the store. */
    public InstanceValue instantiate(InstantiationPlan plan, Function<String, Object> imports, String name) {
        return plan.run(this, null, imports, null, name);
    }

    static Module compiled(Closure closure, CoreModule m) {
        Module compiled = closure.modules().get(m);
        if (compiled == null) {
            throw new IllegalStateException("core module not compiled with its component");
        }
        return compiled;
    }

    /** The index space an import of type {@code t} adds to. */
    public static Sort sortOf(ExternType t) {
        return switch (t) {
            case ExternType.CoreModule m -> Sort.CORE_MODULE;
            case ExternType.Func f -> Sort.FUNC;
            case ExternType.Value v -> Sort.VALUE;
            case ExternType.ValueEq v -> Sort.VALUE;
            case ExternType.Type ty -> Sort.TYPE;
            case ExternType.ComponentT c -> Sort.COMPONENT;
            case ExternType.InstanceT i -> Sort.INSTANCE;
        };
    }

    static Object checkImport(Import im, Object v) {
        if (v instanceof InstantiationPlan.Marker) {
            throw InstantiationPlan.NotStatic.INSTANCE;
        }
        Sort sort = sortOf(im.type());
        boolean ok = switch (sort) {
            case CORE_MODULE -> v instanceof Module;
            case FUNC -> v instanceof FuncInst;
            case TYPE -> v instanceof ResourceType || v instanceof ValueType || v instanceof ComponentFuncType
                    || v instanceof DeclaredType;
            case COMPONENT -> v instanceof Closure;
            case INSTANCE -> v instanceof InstanceValue;
            default -> false;
        };
        if (!ok) {
            throw new ComponentException("import `" + im.name().name() + "` expects "
                    + sort.name().toLowerCase().replace('_', ' ') + ", found " + describe(v));
        }
        return v;
    }

    /**
     * Checks a provided import against its declared type, as far as the runtime can see it: function types must
     * be equal (after resolving resource types, which compare by identity), instance types are checked export by
     * export (extra exports are allowed: width subtyping), resource types bound by {@code (sub resource)} exports
     * are taken from the provided instance.
     */
    static void checkType(Scope scope, ExternType declared, Object provided, String path) {
        switch (declared) {
            case ExternType.Func f -> {
                Object t = scope.get(Sort.TYPE, f.type());
                if (t instanceof ComponentFuncType expected && provided instanceof FuncInst fn
                        && !expected.equals(fn.type())) {
                    throw new ComponentException("type mismatch for import `" + path + "`: expected " + expected
                            + ", found " + fn.type());
                }
            }
            case ExternType.InstanceT it -> {
                Object t = scope.get(Sort.TYPE, it.type());
                if (t instanceof DeclaredType(TypeDef.InstanceType instanceType) && provided instanceof InstanceValue iv) {
                    checkInstance(scope, instanceType.decls(), iv, path);
                }
            }
            case ExternType.Type ty -> {
                if (!ty.subResource()) {
                    Object expected = scope.get(Sort.TYPE, ty.eqIndex());
                    if (!expected.equals(provided)) {
                        throw new ComponentException("type mismatch for import `" + path + "`: expected "
                                + describe(expected) + " " + expected + ", found " + provided);
                    }
                } else if (!(provided instanceof ResourceType)) {
                    throw new ComponentException("type mismatch for import `" + path + "`: expected a resource type, found "
                            + describe(provided));
                }
            }
            default -> {
            }
        }
    }

    private static void checkInstance(Scope outer, List<dev.basalt.component.model.Decl> decls, InstanceValue provided,
            String path) {
        Scope local = new Scope(outer);
        for (dev.basalt.component.model.Decl d : decls) {
            switch (d) {
                case dev.basalt.component.model.Decl.CoreTypeDecl c -> local.coreTypes.add(c.type());
                case dev.basalt.component.model.Decl.TypeDecl td -> {
                    Object declared;
                    try {
                        declared = switch (td.type()) {
                            case TypeDef.Func f -> resolveFunc(local, f);
                            case TypeDef.ComponentType c -> new DeclaredType(c);
                            case TypeDef.InstanceType i -> new DeclaredType(i);
                            case TypeDef.Resource r -> throw new ComponentException("a resource definition in an instance type");
                            default -> {
                                ValueType v = resolveValueType(local, td.type());
                                new TypeLimits().check(v);
                                yield v;
                            }
                        };
                    } catch (UnsupportedFeatureException e) {
                        declared = new UnsupportedType(e);
                    }
                    local.types.add(declared);
                }
                case dev.basalt.component.model.Decl.AliasDecl a -> local.add(a.alias().sort(), alias(local, a.alias()));
                case dev.basalt.component.model.Decl.ImportDecl im -> {
                }
                case dev.basalt.component.model.Decl.ExportDecl ex -> {
                    String name = ex.name().name();
                    Object v = provided.exports().get(name);
                    if (v instanceof InstantiationPlan.Marker) {
                        throw InstantiationPlan.NotStatic.INSTANCE;
                    }
                    String where = path + "/" + name;
                    if (v == null) {
                        throw new ComponentException("import `" + path + "` lacks export `" + name + "`");
                    }
                    Sort sort = sortOf(ex.type());
                    boolean ok = switch (sort) {
                        case FUNC -> v instanceof FuncInst;
                        case INSTANCE -> v instanceof InstanceValue;
                        case TYPE -> v instanceof ResourceType || v instanceof ValueType || v instanceof ComponentFuncType
                                || v instanceof DeclaredType;
                        case COMPONENT -> v instanceof Closure;
                        case CORE_MODULE -> v instanceof Module;
                        default -> true;
                    };
                    if (!ok) {
                        throw new ComponentException("import `" + where + "` expects "
                                + sort.name().toLowerCase().replace('_', ' ') + ", found " + describe(v));
                    }
                    checkType(local, ex.type(), v, where);
                    if (sort == Sort.TYPE || sort == Sort.INSTANCE || sort == Sort.FUNC || sort == Sort.COMPONENT
                            || sort == Sort.CORE_MODULE) {
                        local.add(sort, v);
                    }
                }
            }
        }
    }

    // ---- core instances ---------------------------------------------------------------------------------------

    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<String, Object> coreInstance(Scope scope, CoreInstance ci, RuntimeInstance inst) {
        switch (ci) {
            case CoreInstance.Instantiate in -> {
                Module module = (Module) scope.get(Sort.CORE_MODULE, in.module());
                Map<String, Map<String, Object>> args = new LinkedHashMap<>();
                for (CoreInstance.Arg a : in.args()) {
                    args.put(a.name(), (Map<String, Object>) scope.get(Sort.CORE_INSTANCE, a.instance()));
                }
                Linker linker = Linker.create(store.engine());
                for (dev.basalt.wasm.Import im : module.imports()) {
                    Map<String, Object> from = args.get(im.module());
                    if (from == null) {
                        throw new ComponentException("core module import `" + im.module() + "` `" + im.name()
                                + "`: no instance `" + im.module() + "` given to instantiate");
                    }
                    Object found = from.get(im.name());
                    if (found instanceof LateFunc late && im.desc() instanceof ImportDesc.Func fd) {
                        var sig = (dev.basalt.wasm.CompositeType.Func) module.wasm().types().get(fd.typeIndex()).composite();
                        found = late.bind(store, dev.basalt.FuncType.of(sig.params(), sig.results()));
                    }
                    if (!(found instanceof Extern e)) {
                        throw new ComponentException("core module import `" + im.module() + "` `" + im.name()
                                + "`: the instance has no export `" + im.name() + "`");
                    }
                    checkCoreKind(im, e);
                    linker.define(im.module(), im.name(), e);
                }
                Instance instance = Scheduler.runStart(inst, () -> linker.instantiate((Store) store, module));
                return new LinkedHashMap<>(instance.exports());
            }
            case CoreInstance.FromExports fe -> {
                Map<String, Object> exports = new LinkedHashMap<>();
                for (CoreInstance.InlineExport e : fe.exports()) {
                    exports.put(e.name(), scope.get(e.sort(), e.index()));
                }
                return exports;
            }
        }
    }

    static void checkCoreKind(dev.basalt.wasm.Import im, Extern e) {
        boolean ok = switch (im.desc()) {
            case ImportDesc.Func f -> e instanceof Func;
            case ImportDesc.Table t -> e instanceof Table;
            case ImportDesc.Memory m -> e instanceof Memory;
            case ImportDesc.Global g -> e instanceof Global;
            case ImportDesc.Tag t -> e instanceof Tag;
        };
        if (!ok) {
            throw new ComponentException("core module import `" + im.module() + "` `" + im.name() + "` is given "
                    + describe(e));
        }
    }

    // ---- component instances and aliases ----------------------------------------------------------------------

    InstanceValue instance(Scope scope, dev.basalt.component.model.Instance i, RuntimeInstance parent) {
        switch (i) {
            case dev.basalt.component.model.Instance.Instantiate in -> {
                Closure closure = (Closure) scope.get(Sort.COMPONENT, in.component());
                Map<String, Object> args = new LinkedHashMap<>();
                for (dev.basalt.component.model.Instance.Arg a : in.args()) {
                    args.put(a.name(), scope.get(a.sort(), a.index()));
                }
                return instantiate(closure, args::get, parent, "instance " + scope.instances.size());
            }
            case dev.basalt.component.model.Instance.FromExports fe -> {
                Map<String, Object> exports = new LinkedHashMap<>();
                for (dev.basalt.component.model.Instance.InlineExport e : fe.exports()) {
                    exports.put(e.name().name(), scope.get(e.sort(), e.index()));
                }
                return new InstanceValue(exports);
            }
        }
    }

    static Object alias(Scope scope, Alias a) {
        switch (a) {
            case Alias.InstanceExport ie -> {
                InstanceValue instance = (InstanceValue) scope.get(Sort.INSTANCE, ie.instance());
                Object v = instance.exports().get(ie.name());
                if (v == null) {
                    throw new ComponentException("instance " + ie.instance() + " has no export `" + ie.name() + "`");
                }
                return v;
            }
            case Alias.CoreInstanceExport ce -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> instance = (Map<String, Object>) scope.get(Sort.CORE_INSTANCE, ce.instance());
                Object v = instance.get(ce.name());
                if (v == null) {
                    throw new ComponentException("core instance " + ce.instance() + " has no export `" + ce.name() + "`");
                }
                return v;
            }
            case Alias.Outer o -> {
                Scope s = scope;
                for (int k = 0; k < o.count(); k++) {
                    s = s.outer;
                    if (s == null) {
                        throw new ComponentException("outer alias count " + o.count() + " is beyond the outermost component");
                    }
                }
                return s.get(o.sort(), o.index());
            }
        }
    }

    // ---- types ------------------------------------------------------------------------------------------------

    Object defineType(Scope scope, TypeDef t, RuntimeInstance inst) {
        return switch (t) {
            case TypeDef.Resource r -> {
                ResourceType[] self = new ResourceType[1];
                // the host drops an owned handle of this type through the same path as a guest's resource.drop
                self[0] = ResourceType.guest("resource " + scope.types.size(), inst,
                        rep -> CoreFuncs.destroy(self[0], rep, null));
                if (r.destructor().isPresent()) {
                    inst.addDestructor(self[0], (Func) scope.get(Sort.CORE_FUNC, r.destructor().getAsInt()));
                }
                yield self[0];
            }
            case TypeDef.Func f -> resolveFunc(scope, f);
            case TypeDef.ComponentType c -> new DeclaredType(c);
            case TypeDef.InstanceType i -> new DeclaredType(i);
            default -> {
                ValueType v = resolveValueType(scope, t);
                limits.check(v);
                yield v;
            }
        };
    }

    static ComponentFuncType resolveFunc(Scope scope, TypeDef.Func f) {
        // an async function type may block; Basalt never blocks, so it runs like a synchronous one
        List<ComponentFuncType.Param> params = new ArrayList<>();
        for (TypeDef.Param p : f.params()) {
            params.add(new ComponentFuncType.Param(p.name(), resolve(scope, p.type())));
        }
        return new ComponentFuncType(params, f.result().map(r -> resolve(scope, r)), f.async());
    }

    static ValueType resolve(Scope scope, dev.basalt.component.model.ValType t) {
        return switch (t) {
            case dev.basalt.component.model.ValType.Primitive p -> new ValueType.Primitive(p.type());
            case dev.basalt.component.model.ValType.Indexed i -> {
                Object v = scope.get(Sort.TYPE, i.index());
                if (v instanceof ValueType vt) {
                    yield vt;
                }
                if (v instanceof UnsupportedType u) {
                    throw u.reason();
                }
                throw new ComponentException("type " + i.index() + " is " + describe(v) + ", not a value type");
            }
        };
    }

    private static Optional<ValueType> resolve(Scope scope, Optional<dev.basalt.component.model.ValType> t) {
        return t.map(x -> resolve(scope, x));
    }

    static ValueType resolveValueType(Scope scope, TypeDef t) {
        return switch (t) {
            case TypeDef.Prim p -> new ValueType.Primitive(p.type());
            case TypeDef.Record r -> new ValueType.RecordType(r.fields().stream()
                    .map(f -> new ValueType.Field(f.name(), resolve(scope, f.type()))).toList());
            case TypeDef.Variant v -> new ValueType.VariantType(v.cases().stream()
                    .map(c -> new ValueType.Case(c.name(), resolve(scope, c.type()))).toList());
            case TypeDef.ListOf l -> new ValueType.ListType(resolve(scope, l.element()), l.length());
            case TypeDef.Tuple tu -> new ValueType.TupleType(tu.types().stream().map(x -> resolve(scope, x)).toList());
            case TypeDef.Flags f -> new ValueType.FlagsType(f.labels());
            case TypeDef.Enum e -> new ValueType.EnumType(e.labels());
            case TypeDef.OptionOf o -> new ValueType.OptionType(resolve(scope, o.type()));
            case TypeDef.ResultOf r -> new ValueType.ResultType(resolve(scope, r.ok()), resolve(scope, r.error()));
            case TypeDef.Own o -> new ValueType.OwnType(resource(scope, o.resource()));
            case TypeDef.Borrow b -> new ValueType.BorrowType(resource(scope, b.resource()));
            case TypeDef.MapOf m -> new ValueType.ListType(new ValueType.TupleType(
                    List.of(resolve(scope, m.key()), resolve(scope, m.value()))), OptionalInt.empty());
            case TypeDef.StreamOf s -> new ValueType.StreamType(s.element().map(x -> resolve(scope, x)));
            case TypeDef.FutureOf f -> new ValueType.FutureType(f.element().map(x -> resolve(scope, x)));
            default -> throw new ComponentException("not a value type: " + t);
        };
    }

    private static ResourceType resource(Scope scope, int index) {
        Object v = scope.get(Sort.TYPE, index);
        if (v instanceof ResourceType rt) {
            return rt;
        }
        if (v instanceof UnsupportedType u) {
            throw u.reason();
        }
        throw new ComponentException("type " + index + " is " + describe(v) + ", not a resource type");
    }

    // ---- canonical definitions --------------------------------------------------------------------------------

    void canon(Scope scope, Canon c, RuntimeInstance inst) {
        switch (c) {
            case Canon.Lift l -> {
                Object t = scope.get(Sort.TYPE, l.type());
                if (t instanceof UnsupportedType u) {
                    scope.funcs.add(new UnsupportedFunc(new ComponentFuncType(List.of(), Optional.empty()),
                            u.reason().getMessage().substring("not supported: ".length())));
                    return;
                }
                if (!(t instanceof ComponentFuncType ft)) {
                    throw new ComponentException("canon lift: type " + l.type() + " is " + describe(t)
                            + ", not a function type");
                }
                Func callback = null;
                for (CanonOpt o : l.options()) {
                    if (o instanceof CanonOpt.Callback cb) {
                        callback = coreFunc(scope, cb.func());
                    }
                }
                boolean async = isAsync(l.options());
                Object core = scope.get(Sort.CORE_FUNC, l.coreFunc());
                if (!(core instanceof Func coreFunc)) {
                    throw unsupported("lifting a built-in that is not implemented");
                }
                AbiOptions opts = options(scope, l.options());
                dev.basalt.FuncType flat = async ? AsyncAbi.liftedType(ft, callback != null) : CoreFuncs.liftedType(ft);
                if (!coreFunc.type().equals(flat)) {
                    throw new ComponentException("canon lift: core function type " + coreFunc.type()
                            + " does not match the flattened type " + flat);
                }
                scope.funcs.add(async ? AsyncAbi.lift(coreFunc, ft, opts, true, callback, inst)
                        : new LiftedFunc(coreFunc, ft, opts, inst));
            }
            case Canon.Lower l -> {
                FuncInst callee = (FuncInst) scope.get(Sort.FUNC, l.func());
                AbiOptions opts = options(scope, l.options());
                scope.coreFuncs.add(isAsync(l.options())
                        ? AsyncAbi.lower(store, callee, opts, inst, "lowered " + l.func() + " (async)")
                        : CoreFuncs.lower(store, callee, opts, inst, "lowered " + l.func()));
            }
            case Canon.ResourceNew r -> scope.coreFuncs.add(CoreFuncs.resourceNew(store, resource(scope, r.resource()), inst));
            case Canon.ResourceDrop r -> scope.coreFuncs.add(CoreFuncs.resourceDrop(store, resource(scope, r.resource()), inst));
            case Canon.ResourceRep r -> scope.coreFuncs.add(CoreFuncs.resourceRep(store, resource(scope, r.resource()), inst));
            case Canon.Builtin b -> scope.coreFuncs.add(builtin(scope, b, inst));
        }
    }

    static boolean isAsync(List<CanonOpt> opts) {
        return opts.stream().anyMatch(o -> o instanceof CanonOpt.Async || o instanceof CanonOpt.Callback);
    }

    /**
     * The built-ins that are meaningful without async: {@code context.get/set} (per-call storage, CanonicalABI.md
     * "Thread" storage of the implicit thread) and {@code backpressure.inc/dec} (a counter that only matters for
     * async entry). The rest trap when called: "cannot leave component instance" where CanonicalABI.md traps on
     * {@code may_leave} (as during post-return), otherwise as not supported.
     */
    private Object builtin(Scope scope, Canon.Builtin b, RuntimeInstance inst) {
        List<Integer> imm = b.immediates();
        return switch (b.opcode()) {
            case 0x09 -> {
                // task.return: (result t)? as [0x00, type index or primitive code - 0x80] or [0x01]
                Optional<ValueType> result = Optional.empty();
                if (imm.get(0) == 0x00) {
                    int code = imm.get(1);
                    result = Optional.of(code >= 0 ? resolve(scope, new dev.basalt.component.model.ValType.Indexed(code))
                            : new ValueType.Primitive(dev.basalt.component.model.PrimValType.ofCode(code + 0x80)));
                }
                yield AsyncAbi.taskReturn(store, result, options(scope, b.options()), inst);
            }
            case 0x0a, 0x0b -> {
                int slot = imm.get(1);
                checkContextSlot(slot);
                dev.basalt.wasm.NumType t = imm.get(0) == 0x7e ? dev.basalt.wasm.NumType.I64 : dev.basalt.wasm.NumType.I32;
                yield b.opcode() == 0x0a ? Builtins.contextGet(store, inst, t, slot)
                        : Builtins.contextSet(store, inst, t, slot);
            }
            case 0x24 -> Builtins.backpressure(store, inst, 1);
            case 0x25 -> Builtins.backpressure(store, inst, -1);
            case 0x05 -> AsyncAbi.taskCancel(store, inst);
            case 0x06 -> Builtins.subtaskCancel(store, inst, imm.get(0) != 0);
            case 0x0d -> Builtins.subtaskDrop(store, inst);
            case 0x0c -> Builtins.threadYield(store, inst, imm.get(0) != 0);
            case 0x1f -> Builtins.waitableSetNew(store, inst);
            case 0x20 -> Builtins.waitableSetWait(store, inst, imm.get(0) != 0,
                    (Memory) scope.get(Sort.CORE_MEMORY, imm.get(1)));
            case 0x21 -> Builtins.waitableSetPoll(store, inst, imm.get(0) != 0,
                    (Memory) scope.get(Sort.CORE_MEMORY, imm.get(1)));
            case 0x22 -> Builtins.waitableSetDrop(store, inst);
            case 0x23 -> Builtins.waitableJoin(store, inst);
            case 0x26 -> Builtins.threadIndex(store, inst);
            case 0x27 -> Builtins.threadNewIndirect(store, inst,
                    (dev.basalt.Table) scope.get(Sort.CORE_TABLE, imm.get(1)));
            case 0x28 -> Builtins.threadResumeLater(store, inst);
            case 0x29 -> Builtins.threadSuspend(store, inst, imm.get(0) != 0);
            case 0x2a, 0x2b, 0x2c, 0x2d -> Builtins.threadSwitch(store, inst, b.opcode(), imm.get(0) != 0);
            case 0x0e, 0x15 -> Streams.newEnds(store, inst, asyncType(scope, imm.get(0)));
            case 0x0f, 0x16 -> Streams.copy(store, inst, asyncType(scope, imm.get(0)), true,
                    options(scope, b.options()), isAsync(b.options()));
            case 0x10, 0x17 -> Streams.copy(store, inst, asyncType(scope, imm.get(0)), false,
                    options(scope, b.options()), isAsync(b.options()));
            case 0x11, 0x18 -> Streams.cancel(store, inst, asyncType(scope, imm.get(0)), true, imm.get(1) != 0);
            case 0x12, 0x19 -> Streams.cancel(store, inst, asyncType(scope, imm.get(0)), false, imm.get(1) != 0);
            case 0x13, 0x1a -> Streams.drop(store, inst, asyncType(scope, imm.get(0)), true);
            case 0x14, 0x1b -> Streams.drop(store, inst, asyncType(scope, imm.get(0)), false);
            case 0x1c -> ErrorContexts.create(store, inst, options(scope, b.options()));
            case 0x1d -> ErrorContexts.debugMessage(store, inst, options(scope, b.options()));
            case 0x1e -> ErrorContexts.drop(store, inst);
            default -> notImplemented("canon built-in 0x" + Integer.toHexString(b.opcode())
                    + " (this async or thread built-in is not implemented)", inst, true);
        };
    }

    /** The stream or future type a stream/future built-in names. */
    private static ValueType asyncType(Scope scope, int index) {
        Object t = scope.get(Sort.TYPE, index);
        if (t instanceof ValueType.StreamType || t instanceof ValueType.FutureType) {
            return (ValueType) t;
        }
        throw new ComponentException("type " + index + " is " + describe(t) + ", not a stream or future type");
    }

    private static void checkContextSlot(int slot) {
        if (slot < 0 || slot >= RuntimeInstance.CONTEXT_SLOTS) {
            throw new ComponentException("context slot " + slot + " out of range");
        }
    }

    static LateFunc notImplemented(String what, RuntimeInstance inst, boolean checksMayLeave) {
        return new LateFunc(what, (caller, args) -> {
            Traps.trapIf(checksMayLeave && !inst.mayLeave, Traps.CANNOT_LEAVE);
            throw unsupported(what);
        });
    }

    private static Func coreFunc(Scope scope, int index) {
        if (scope.get(Sort.CORE_FUNC, index) instanceof Func f) {
            return f;
        }
        throw unsupported("a built-in that is not implemented as realloc or post-return");
    }

    static AbiOptions options(Scope scope, List<CanonOpt> opts) {
        AbiOptions.StringEncoding encoding = AbiOptions.StringEncoding.UTF8;
        Memory memory = null;
        Func realloc = null;
        Func postReturn = null;
        for (CanonOpt o : opts) {
            switch (o) {
                case CanonOpt.StringEncoding e -> encoding = switch (e) {
                    case UTF8 -> AbiOptions.StringEncoding.UTF8;
                    case UTF16 -> AbiOptions.StringEncoding.UTF16;
                    case LATIN1_UTF16 -> AbiOptions.StringEncoding.LATIN1_UTF16;
                };
                case CanonOpt.Memory m -> memory = (Memory) scope.get(Sort.CORE_MEMORY, m.memory());
                case CanonOpt.Realloc r -> realloc = coreFunc(scope, r.func());
                case CanonOpt.PostReturn p -> postReturn = coreFunc(scope, p.func());
                case CanonOpt.Async a -> {
                    // canon lift/lower pick the async ABI themselves (AsyncAbi)
                }
                case CanonOpt.Callback cb -> {
                    // canon lift takes its callback itself
                }
            }
        }
        return new AbiOptions(encoding, memory, realloc, postReturn);
    }
}
