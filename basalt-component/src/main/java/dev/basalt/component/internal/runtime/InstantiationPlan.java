package dev.basalt.component.internal.runtime;

import dev.basalt.Engine;
import dev.basalt.Extern;
import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.InstancePre;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ResourceType;
import dev.basalt.component.model.Alias;
import dev.basalt.component.model.Canon;
import dev.basalt.component.model.CanonOpt;
import dev.basalt.component.model.Component;
import dev.basalt.component.model.CoreInstance;
import dev.basalt.component.model.CoreModule;
import dev.basalt.component.model.Export;
import dev.basalt.component.model.Import;
import dev.basalt.component.model.Section;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A component's instantiation worked out once (for {@code ComponentLinker.instantiatePre}): the sections are walked
 * at plan time with the same code the {@link Instantiator} runs, over index spaces in which everything that exists
 * per instance (core instances and their exports, lifted and lowered functions, resource types — generative —, and
 * what depends on them) is a {@link Marker}. Whatever reads only values that are the same for every instance
 * (value and function types, core modules, host resource types, imports the linker resolved and type-checked,
 * canonical options, lifted core types) is computed once; the rest becomes a {@link Step} that does only the
 * per-instance work, in section order. Running the steps fills the same index spaces the walk would, so an instance
 * made from a plan is the instance the walk makes.
 *
 * <p>Errors found at plan time are thrown by {@link #compile} when no earlier step could fail at run time (so they
 * are the error the walk would have met first: missing or mistyped imports are reported by
 * {@code instantiatePre}); otherwise they become a step that throws them in their place. Nested components are
 * planned where they are instantiated, with what the instantiating component gives them, once.
 */
public final class InstantiationPlan {
    /** A plan-time stand-in for a value that exists per instance; reading it through {@code Scope.get} defers. */
    sealed interface Marker {
    }

    /** A per-instance value about which nothing more is known. */
    record Dyn() implements Marker {
    }

    /** A per-instance core function whose core type is known ({@code type} null: unknown). */
    record DynCoreFunc(FuncType type) implements Marker {
    }

    /**
     * A per-instance component function of a known type; when {@code exact} is false the type is a template (it
     * names per-instance resource types by their {@link DynResource#placeholder}s): right for flattening, not for
     * type checks.
     */
    record DynFunc(ComponentFuncType type, boolean exact) implements Marker {
    }

    /**
     * A per-instance resource type (defined by the component, so generative, or given by an instance): the same
     * marker stands for the same type wherever it is aliased or passed. Its {@code placeholder} takes its place in
     * type templates.
     */
    record DynResource(ResourceType placeholder) implements Marker {
        DynResource() {
            this(ResourceType.host("a resource type of each instance"));
        }
    }

    /**
     * A per-instance type that names per-instance resource types: {@code template} is it with
     * {@link DynResource#placeholder}s, which has the same structure, flattening and limits.
     */
    record DynType(Object template) implements Marker {
    }

    /** A per-instance core instance whose exports (plan-time values) are known ({@code exports} null: unknown). */
    record DynCoreInstance(Map<String, Object> exports) implements Marker {
    }

    /** A per-instance component instance whose exports (plan-time values, some constant) are known. */
    record DynInstance(Map<String, Object> exports) implements Marker {
    }

    /** A component definition, closed over the plan-time index spaces of its enclosing component. */
    record DynClosure(Component component, Instantiator.Scope outer, Map<CoreModule, Module> modules) implements Marker {
    }

    /** Thrown by {@code Scope.get} on a {@link Marker}: the computation depends on per-instance values. */
    static final class NotStatic extends RuntimeException {
        static final NotStatic INSTANCE = new NotStatic();

        private NotStatic() {
            super("depends on per-instance values", null, false, false);
        }
    }

    /**
     * What an import is given at plan time: {@code planValue} stands for it in the index spaces (a constant or a
     * {@link Marker}); {@code checkValue}, when not null, is a value of the same type to check the import against
     * now (then it is not checked again per instance); {@code fallible} says whether producing the value per
     * instance can fail (an instance of another store).
     */
    public record ImportInfo(Object planValue, Object checkValue, boolean fallible) {
    }

    /** The plan-time stand-in of a host function bound to each store. */
    public static Object perInstanceFunc(ComponentFuncType type) {
        return new DynFunc(type, true);
    }

    /** The plan-time stand-in of an instance made per store, with the plan-time values of its exports. */
    public static Object perInstanceInstance(Map<String, Object> exports) {
        return new DynInstance(exports);
    }

    /** The per-instance work of one definition. */
    @FunctionalInterface
    interface Step {
        void run(Exec x);
    }

    /** The state one run of a plan fills. */
    static final class Exec {
        final Instantiator instantiator;
        final Instantiator.Scope scope;
        final RuntimeInstance inst;
        final Function<String, Object> imports;
        final Map<String, Object> exports = new LinkedHashMap<>();

        Exec(Instantiator instantiator, Instantiator.Scope scope, RuntimeInstance inst, Function<String, Object> imports) {
            this.instantiator = instantiator;
            this.scope = scope;
            this.inst = inst;
            this.imports = imports;
        }
    }

    private final Step[] steps;
    /** The plan-time values of the exports, by name (what an instantiating component sees of them). */
    private final Map<String, Object> exportShape;

    private InstantiationPlan(List<Step> steps, Map<String, Object> exportShape) {
        this.steps = steps.toArray(Step[]::new);
        this.exportShape = exportShape;
    }

    /** How many per-instance steps the plan has (for tests). */
    public int stepCount() {
        return steps.length;
    }

    /**
     * Plans the instantiation of a top-level component: {@code imports} gives what the linker resolved for each
     * import name (null if missing).
     *
     * @throws ComponentException the first error of the instantiation when nothing before it can fail per instance
     */
    public static InstantiationPlan compile(Engine engine, Component component, Map<CoreModule, Module> modules,
            Function<String, ImportInfo> imports) {
        return new Planner(engine, component, null, modules, imports, false).plan();
    }

    /** Runs the plan: one component instance in {@code x}'s store. */
    Instantiator.InstanceValue run(Instantiator instantiator, Instantiator.Scope outer, Function<String, Object> imports,
            RuntimeInstance parent, String name) {
        RuntimeInstance inst = new RuntimeInstance(instantiator.store, parent, name);
        Exec x = new Exec(instantiator, new Instantiator.Scope(outer), inst, imports);
        for (Step s : steps) {
            s.run(x);
        }
        return new Instantiator.InstanceValue(x.exports);
    }

    /** Walks one component's sections at plan time. */
    private static final class Planner {
        private final Engine engine;
        private final Component component;
        private final Map<CoreModule, Module> modules;
        private final Function<String, ImportInfo> imports;
        private final Instantiator.Scope scope;
        private final List<Step> steps = new ArrayList<>();
        private final Map<String, Object> exportShape = new LinkedHashMap<>();
        private final TypeLimits limits = new TypeLimits();
        /** Whether a step so far can fail per instance (then plan-time errors are deferred to their place). */
        private boolean fallible;
        private boolean failed;

        Planner(Engine engine, Component component, Instantiator.Scope outer, Map<CoreModule, Module> modules,
                Function<String, ImportInfo> imports, boolean fallibleBefore) {
            this.engine = engine;
            this.component = component;
            this.modules = modules;
            this.imports = imports;
            this.scope = new Instantiator.Scope(outer);
            this.fallible = fallibleBefore;
        }

        InstantiationPlan plan() {
            for (Section section : component.sections()) {
                if (failed) {
                    break;
                }
                try {
                    section(section);
                } catch (NotStatic e) {
                    throw new IllegalStateException("a per-instance value was read at plan time", e);
                } catch (RuntimeException e) {
                    fail(e);
                }
            }
            return new InstantiationPlan(steps, exportShape);
        }

        private void fail(RuntimeException e) {
            if (!fallible) {
                throw e;
            }
            steps.add(x -> {
                throw e;
            });
            failed = true;
        }

        /** Adds {@code value}, the same in every instance, to the index space {@code sort}. */
        private void constant(Sort sort, Object value) {
            scope.add(sort, value);
            steps.add(x -> x.scope.addRaw(sort, value));
        }

        /** Adds a per-instance value: {@code planValue} stands for it, {@code step} computes it. */
        private void perInstance(Sort sort, Object planValue, boolean canFail, Step step) {
            scope.addRaw(sort, planValue);
            steps.add(step);
            fallible |= canFail;
        }

        private void section(Section section) {
            switch (section) {
                case Section.Custom c -> {
                }
                case Section.CoreModuleSection m -> constant(Sort.CORE_MODULE, compiled(m.module()));
                case Section.CoreTypes ct -> ct.types().forEach(t -> constant(Sort.CORE_TYPE, t));
                case Section.CoreInstances ci -> {
                    for (CoreInstance i : ci.instances()) {
                        if (failed) {
                            return;
                        }
                        coreInstance(i);
                    }
                }
                case Section.Components c -> {
                    Component nested = c.component();
                    perInstance(Sort.COMPONENT, new DynClosure(nested, scope, modules), false,
                            x -> x.scope.addRaw(Sort.COMPONENT, new Instantiator.Closure(nested, x.scope, modules)));
                }
                case Section.Instances is -> {
                    for (dev.basalt.component.model.Instance i : is.instances()) {
                        if (failed) {
                            return;
                        }
                        instance(i);
                    }
                }
                case Section.Aliases as -> {
                    for (Alias a : as.aliases()) {
                        if (failed) {
                            return;
                        }
                        alias(a);
                    }
                }
                case Section.Types ts -> {
                    for (TypeDef t : ts.types()) {
                        type(t);
                    }
                }
                case Section.Canons cs -> {
                    for (Canon c : cs.canons()) {
                        if (failed) {
                            return;
                        }
                        canon(c);
                    }
                }
                case Section.StartSection s -> throw Instantiator.unsupported("component start functions (🪙)");
                case Section.Imports is -> {
                    for (Import im : is.imports()) {
                        if (failed) {
                            return;
                        }
                        importOne(im);
                    }
                }
                case Section.Exports es -> {
                    for (Export e : es.exports()) {
                        Object v = scope.peek(e.sort(), e.index());
                        String name = e.name().name();
                        exportShape.put(name, v);
                        scope.addRaw(e.sort(), v);
                        Sort sort = e.sort();
                        int index = e.index();
                        steps.add(x -> {
                            Object value = x.scope.get(sort, index);
                            x.exports.put(name, value);
                            x.scope.addRaw(sort, value);
                        });
                    }
                }
                case Section.Values v -> throw Instantiator.unsupported("component values (🪙)");
            }
        }

        private Module compiled(CoreModule m) {
            Module compiled = modules.get(m);
            if (compiled == null) {
                throw new IllegalStateException("core module not compiled with its component");
            }
            return compiled;
        }

        // ---- imports ------------------------------------------------------------------------------------------

        private void importOne(Import im) {
            String name = im.name().name();
            Sort sort = Instantiator.sortOf(im.type());
            ImportInfo info = imports.apply(name);
            if (info == null) {
                throw new ComponentException("missing import `" + name + "`");
            }
            boolean checked = false;
            if (info.checkValue() != null) {
                try {
                    Instantiator.checkImport(im, info.checkValue());
                    Instantiator.checkType(scope, im.type(), info.checkValue(), name);
                    checked = true;
                } catch (NotStatic e) {
                    checked = checksAsTemplate(im, info.planValue(), name);
                }
            }
            if (checked) {
                perInstance(sort, info.planValue(), info.fallible(), x -> x.scope.add(sort, x.imports.apply(name)));
            } else {
                perInstance(sort, info.planValue(), true, x -> {
                    Object v = x.imports.apply(name);
                    if (v == null) {
                        throw new ComponentException("missing import `" + name + "`");
                    }
                    Instantiator.checkImport(im, v);
                    Instantiator.checkType(x.scope, im.type(), v, name);
                    x.scope.add(sort, v);
                });
            }
        }

        /**
         * Whether the import, whose declared type or given value involves per-instance resource types, checks
         * with the types as templates: then it checks per instance too, since a per-instance resource type stands
         * for the same type wherever its marker is, and for no other. A failure is left to the instance (its
         * message names the real types).
         */
        private boolean checksAsTemplate(Import im, Object planValue, String name) {
            Object template = templatePrototype(planValue);
            scope.templates = true;
            try {
                Instantiator.checkImport(im, template);
                Instantiator.checkType(scope, im.type(), template, name);
                return true;
            } catch (RuntimeException e) {
                return false;
            } finally {
                scope.templates = false;
            }
        }

        /** As {@link #prototype}, with templates for per-instance types and functions whose type is a template. */
        private static Object templatePrototype(Object planValue) {
            return switch (planValue) {
                case DynFunc f -> new Instantiator.UnsupportedFunc(f.type(), "a type-checking stand-in");
                case DynResource r -> r.placeholder();
                case DynType t -> t.template();
                case DynInstance i -> {
                    Map<String, Object> exports = new LinkedHashMap<>();
                    i.exports().forEach((k, v) -> exports.put(k, templatePrototype(v)));
                    yield new Instantiator.InstanceValue(exports);
                }
                default -> planValue;
            };
        }

        /**
         * A value to type-check an import given {@code planValue} against at plan time: the value itself, or for
         * a function of a known type a stand-in of that type, for an instance the same for each export; markers
         * about which less is known stay (the checks then defer to the instance).
         */
        private static Object prototype(Object planValue) {
            return switch (planValue) {
                case DynFunc f when f.exact() -> new Instantiator.UnsupportedFunc(f.type(), "a type-checking stand-in");
                case DynInstance i -> {
                    Map<String, Object> exports = new LinkedHashMap<>();
                    i.exports().forEach((k, v) -> exports.put(k, prototype(v)));
                    yield new Instantiator.InstanceValue(exports);
                }
                default -> planValue;
            };
        }

        // ---- core instances -----------------------------------------------------------------------------------

        private void coreInstance(CoreInstance ci) {
            switch (ci) {
                case CoreInstance.Instantiate in -> {
                    Object m = scope.peek(Sort.CORE_MODULE, in.module());
                    Map<String, Integer> argIndex = new HashMap<>();
                    for (CoreInstance.Arg a : in.args()) {
                        scope.peek(Sort.CORE_INSTANCE, a.instance());
                        argIndex.put(a.name(), a.instance());
                    }
                    if (!(m instanceof Module module)) {
                        perInstance(Sort.CORE_INSTANCE, new DynCoreInstance(null), true,
                                x -> x.scope.addRaw(Sort.CORE_INSTANCE, x.instantiator.coreInstance(x.scope, ci, x.inst)));
                        return;
                    }
                    List<dev.basalt.wasm.Import> moduleImports = module.imports();
                    int n = moduleImports.size();
                    int[] from = new int[n];
                    FuncType[] lateTypes = new FuncType[n];
                    for (int k = 0; k < n; k++) {
                        dev.basalt.wasm.Import im = moduleImports.get(k);
                        // a missing argument is reported per instance, in import order as the walk does
                        from[k] = argIndex.getOrDefault(im.module(), -1);
                        if (im.desc() instanceof ImportDesc.Func fd) {
                            var sig = (CompositeType.Func) module.wasm().types().get(fd.typeIndex()).composite();
                            lateTypes[k] = FuncType.of(sig.params(), sig.results());
                        }
                    }
                    InstancePre<?> pre = n == 0 ? Linker.create(engine).instantiatePre(module) : null;
                    perInstance(Sort.CORE_INSTANCE, new DynCoreInstance(exportShape(module)), true, x -> {
                        Instance instance;
                        if (pre != null) {
                            instance = Scheduler.runStart(x.inst, () -> instantiatePre(pre, x.instantiator.store));
                        } else {
                            Linker<?> linker = Linker.create(x.instantiator.store.engine());
                            for (int k = 0; k < n; k++) {
                                dev.basalt.wasm.Import im = moduleImports.get(k);
                                if (from[k] < 0) {
                                    throw new ComponentException("core module import `" + im.module() + "` `"
                                            + im.name() + "`: no instance `" + im.module() + "` given to instantiate");
                                }
                                @SuppressWarnings("unchecked")
                                Map<String, Object> args = (Map<String, Object>) x.scope.coreInstances.get(from[k]);
                                Object found = args.get(im.name());
                                if (found instanceof LateFunc late && lateTypes[k] != null) {
                                    found = late.bind(x.instantiator.store, lateTypes[k]);
                                }
                                if (!(found instanceof Extern e)) {
                                    throw new ComponentException("core module import `" + im.module() + "` `"
                                            + im.name() + "`: the instance has no export `" + im.name() + "`");
                                }
                                Instantiator.checkCoreKind(im, e);
                                linker.define(im.module(), im.name(), e);
                            }
                            instance = Scheduler.runStart(x.inst,
                                    () -> instantiate(linker, x.instantiator.store, module));
                        }
                        // exports() is this instance's unmodifiable exports map, made once: no copy needed
                        x.scope.addRaw(Sort.CORE_INSTANCE, instance.exports());
                    });
                }
                case CoreInstance.FromExports fe -> {
                    Map<String, Object> shape = new LinkedHashMap<>();
                    for (CoreInstance.InlineExport e : fe.exports()) {
                        shape.put(e.name(), scope.peek(e.sort(), e.index()));
                    }
                    perInstance(Sort.CORE_INSTANCE, new DynCoreInstance(shape), false,
                            x -> x.scope.addRaw(Sort.CORE_INSTANCE, x.instantiator.coreInstance(x.scope, ci, x.inst)));
                }
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static Instance instantiatePre(InstancePre pre, Store<?> store) {
            return pre.instantiate(store);
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static Instance instantiate(Linker linker, Store<?> store, Module module) {
            return linker.instantiate(store, module);
        }

        /** The plan-time values of a core module's exports: functions with their core types. */
        private static Map<String, Object> exportShape(Module module) {
            var w = module.wasm();
            List<Integer> funcTypes = new ArrayList<>();
            for (dev.basalt.wasm.Import im : w.imports()) {
                if (im.desc() instanceof ImportDesc.Func f) {
                    funcTypes.add(f.typeIndex());
                }
            }
            w.functions().forEach(f -> funcTypes.add(f.typeIndex()));
            var types = w.types();
            Map<String, Object> shape = new LinkedHashMap<>();
            for (dev.basalt.wasm.Export e : w.exports()) {
                Object v = new Dyn();
                if (e.kind() == ExternKind.FUNC && types.get(funcTypes.get(e.index())).composite()
                        instanceof CompositeType.Func sig && numeric(sig.params()) && numeric(sig.results())) {
                    v = new DynCoreFunc(FuncType.of(sig.params(), sig.results()));
                }
                shape.put(e.name(), v);
            }
            return shape;
        }

        private static boolean numeric(List<ValType> types) {
            return types.stream().allMatch(t -> t instanceof NumType n && n != NumType.V128);
        }

        // ---- component instances ------------------------------------------------------------------------------

        private void instance(dev.basalt.component.model.Instance i) {
            switch (i) {
                case dev.basalt.component.model.Instance.Instantiate in -> {
                    Object c = scope.peek(Sort.COMPONENT, in.component());
                    Map<String, Object> args = new LinkedHashMap<>();
                    for (dev.basalt.component.model.Instance.Arg a : in.args()) {
                        args.put(a.name(), scope.peek(a.sort(), a.index()));
                    }
                    Component nested;
                    Instantiator.Scope outer;
                    Map<CoreModule, Module> nestedModules;
                    switch (c) {
                        case DynClosure d -> {
                            nested = d.component();
                            outer = d.outer();
                            nestedModules = d.modules();
                        }
                        case Instantiator.Closure k when k.outer() == null -> {
                            nested = k.component();
                            outer = null;
                            nestedModules = k.modules();
                        }
                        default -> {
                            perInstance(Sort.INSTANCE, new Dyn(), true,
                                    x -> x.scope.addRaw(Sort.INSTANCE, x.instantiator.instance(x.scope, i, x.inst)));
                            return;
                        }
                    }
                    Planner sub = new Planner(engine, nested, outer, nestedModules, name -> {
                        if (!args.containsKey(name)) {
                            return null;
                        }
                        Object v = args.get(name);
                        return new ImportInfo(v, prototype(v), false);
                    }, fallible);
                    InstantiationPlan plan = sub.plan();
                    int componentIndex = in.component();
                    List<dev.basalt.component.model.Instance.Arg> argList = in.args();
                    perInstance(Sort.INSTANCE, new DynInstance(plan.exportShape), true, x -> {
                        Instantiator.Closure closure = (Instantiator.Closure) x.scope.get(Sort.COMPONENT, componentIndex);
                        Map<String, Object> values = new HashMap<>();
                        for (dev.basalt.component.model.Instance.Arg a : argList) {
                            values.put(a.name(), x.scope.get(a.sort(), a.index()));
                        }
                        x.scope.addRaw(Sort.INSTANCE, plan.run(x.instantiator, closure.outer(), values::get, x.inst,
                                "instance " + x.scope.instances.size()));
                    });
                }
                case dev.basalt.component.model.Instance.FromExports fe -> {
                    Map<String, Object> shape = new LinkedHashMap<>();
                    for (dev.basalt.component.model.Instance.InlineExport e : fe.exports()) {
                        shape.put(e.name().name(), scope.peek(e.sort(), e.index()));
                    }
                    perInstance(Sort.INSTANCE, new DynInstance(shape), false,
                            x -> x.scope.addRaw(Sort.INSTANCE, x.instantiator.instance(x.scope, i, x.inst)));
                }
            }
        }

        // ---- aliases ------------------------------------------------------------------------------------------

        private void alias(Alias a) {
            Object v = switch (a) {
                case Alias.InstanceExport ie -> {
                    Object instance = scope.peek(Sort.INSTANCE, ie.instance());
                    Map<String, Object> exports = switch (instance) {
                        case Instantiator.InstanceValue iv -> iv.exports();
                        case DynInstance d -> d.exports();
                        default -> null;
                    };
                    if (exports == null) {
                        yield new Dyn();
                    }
                    Object found = exports.get(ie.name());
                    if (found == null) {
                        throw new ComponentException("instance " + ie.instance() + " has no export `" + ie.name() + "`");
                    }
                    yield found;
                }
                case Alias.CoreInstanceExport ce -> {
                    Object instance = scope.peek(Sort.CORE_INSTANCE, ce.instance());
                    if (!(instance instanceof DynCoreInstance d) || d.exports() == null) {
                        yield new Dyn();
                    }
                    Object found = d.exports().get(ce.name());
                    if (found == null) {
                        throw new ComponentException("core instance " + ce.instance() + " has no export `" + ce.name() + "`");
                    }
                    yield found;
                }
                case Alias.Outer o -> {
                    Instantiator.Scope s = scope;
                    for (int k = 0; k < o.count(); k++) {
                        s = s.outer;
                        if (s == null) {
                            throw new ComponentException("outer alias count " + o.count() + " is beyond the outermost component");
                        }
                    }
                    yield s.peek(o.sort(), o.index());
                }
            };
            Sort sort = a.sort();
            if (v instanceof Marker) {
                // the alias reads a per-instance value: looked up per instance, as the walk does
                perInstance(sort, v, false, x -> x.scope.add(sort, Instantiator.alias(x.scope, a)));
            } else {
                constant(sort, v);
            }
        }

        // ---- types --------------------------------------------------------------------------------------------

        private void type(TypeDef t) {
            if (t instanceof TypeDef.Resource) {
                // generative: a new resource type per instance
                perInstance(Sort.TYPE, new DynResource(), true, x -> {
                    Object defined;
                    try {
                        defined = x.instantiator.defineType(x.scope, t, x.inst);
                    } catch (UnsupportedFeatureException e) {
                        defined = new Instantiator.UnsupportedType(e);
                    }
                    x.scope.addRaw(Sort.TYPE, defined);
                });
                return;
            }
            Object defined;
            try {
                defined = define(t);
            } catch (UnsupportedFeatureException e) {
                defined = new Instantiator.UnsupportedType(e);
            } catch (NotStatic e) {
                defined = null;
            }
            if (defined != null) {
                constant(Sort.TYPE, defined);
                return;
            }
            // it names per-instance resource types: resolved (and its limits checked) once with placeholders for
            // them, which finds every error the instance would; per instance only the resolution is repeated
            Object template;
            scope.templates = true;
            try {
                template = define(t);
            } catch (NotStatic e) {
                template = null;
            } catch (UnsupportedFeatureException e) {
                template = new Instantiator.UnsupportedType(e);
            } finally {
                scope.templates = false;
            }
            if (template instanceof Instantiator.UnsupportedType u) {
                constant(Sort.TYPE, u);
                return;
            }
            if (template == null || t instanceof TypeDef.ComponentType || t instanceof TypeDef.InstanceType) {
                perInstance(Sort.TYPE, new Dyn(), true, x -> {
                    Object v;
                    try {
                        v = x.instantiator.defineType(x.scope, t, x.inst);
                    } catch (UnsupportedFeatureException e) {
                        v = new Instantiator.UnsupportedType(e);
                    }
                    x.scope.addRaw(Sort.TYPE, v);
                });
                return;
            }
            perInstance(Sort.TYPE, new DynType(template), false, x -> x.scope.addRaw(Sort.TYPE, t instanceof TypeDef.Func f
                    ? Instantiator.resolveFunc(x.scope, f) : Instantiator.resolveValueType(x.scope, t)));
        }

        /** The walk's type definition, for any type but a resource. */
        private Object define(TypeDef t) {
            return switch (t) {
                case TypeDef.Func f -> Instantiator.resolveFunc(scope, f);
                case TypeDef.ComponentType c -> new Instantiator.DeclaredType(c);
                case TypeDef.InstanceType i -> new Instantiator.DeclaredType(i);
                default -> {
                    var v = Instantiator.resolveValueType(scope, t);
                    limits.check(v);
                    yield v;
                }
            };
        }

        // ---- canonical definitions ----------------------------------------------------------------------------

        private void canon(Canon c) {
            switch (c) {
                case Canon.Lift l -> lift(l);
                case Canon.Lower l -> lower(l);
                case Canon.ResourceNew r -> perInstance(Sort.CORE_FUNC,
                        new DynCoreFunc(FuncType.of(List.of(NumType.I32), List.of(NumType.I32))), true,
                        x -> x.instantiator.canon(x.scope, c, x.inst));
                case Canon.ResourceDrop r -> perInstance(Sort.CORE_FUNC,
                        new DynCoreFunc(FuncType.of(List.of(NumType.I32), List.of())), true,
                        x -> x.instantiator.canon(x.scope, c, x.inst));
                case Canon.ResourceRep r -> perInstance(Sort.CORE_FUNC,
                        new DynCoreFunc(FuncType.of(List.of(NumType.I32), List.of(NumType.I32))), true,
                        x -> x.instantiator.canon(x.scope, c, x.inst));
                case Canon.Builtin b -> perInstance(Sort.CORE_FUNC, new Dyn(), true,
                        x -> x.instantiator.canon(x.scope, c, x.inst));
            }
        }

        private void lift(Canon.Lift l) {
            Object t = scope.peek(Sort.TYPE, l.type());
            boolean exact = true;
            if (t instanceof DynType d && d.template() instanceof ComponentFuncType) {
                t = d.template();
                exact = false;
            }
            if (t instanceof Marker) {
                perInstance(Sort.FUNC, new Dyn(), true, x -> x.instantiator.canon(x.scope, l, x.inst));
                return;
            }
            if (t instanceof Instantiator.UnsupportedType u) {
                constant(Sort.FUNC, new Instantiator.UnsupportedFunc(new ComponentFuncType(List.of(), java.util.Optional.empty()),
                        u.reason().getMessage().substring("not supported: ".length())));
                return;
            }
            if (!(t instanceof ComponentFuncType ft)) {
                throw new ComponentException("canon lift: type " + l.type() + " is " + Instantiator.describe(t)
                        + ", not a function type");
            }
            if (Instantiator.isAsync(l.options())) {
                // the async ABI (AsyncAbi), or the unsupported callback form: decided per instance by the instantiator
                perInstance(Sort.FUNC, new DynFunc(ft, exact), true, x -> x.instantiator.canon(x.scope, l, x.inst));
                return;
            }
            Object core = scope.peek(Sort.CORE_FUNC, l.coreFunc());
            OptionsPlan opts = core instanceof DynCoreFunc ? options(l.options()) : null;
            if (opts == null || !(core instanceof DynCoreFunc cf)) {
                perInstance(Sort.FUNC, new DynFunc(ft, exact), true, x -> x.instantiator.canon(x.scope, l, x.inst));
                return;
            }
            FuncType lifted = CoreFuncs.liftedType(ft);
            boolean typeKnown = cf.type() != null;
            if (typeKnown && !cf.type().equals(lifted)) {
                throw new ComponentException("canon lift: core function type " + cf.type()
                        + " does not match the flattened type " + lifted);
            }
            int coreIndex = l.coreFunc();
            int typeIndex = l.type();
            boolean exactType = exact;
            CallPlan callPlan = exact ? CallPlan.of(ft) : null;
            perInstance(Sort.FUNC, new DynFunc(ft, exact), !typeKnown, x -> {
                Object f = x.scope.get(Sort.CORE_FUNC, coreIndex);
                if (!(f instanceof Func coreFunc)) {
                    throw Instantiator.unsupported("lifting a built-in that is not implemented");
                }
                AbiOptions o = opts.resolve(x.scope);
                if (!typeKnown && !coreFunc.type().equals(lifted)) {
                    throw new ComponentException("canon lift: core function type " + coreFunc.type()
                            + " does not match the flattened type " + lifted);
                }
                x.scope.addRaw(Sort.FUNC, exactType ? new LiftedFunc(coreFunc, ft, o, x.inst, callPlan)
                        : new LiftedFunc(coreFunc, (ComponentFuncType) x.scope.get(Sort.TYPE, typeIndex), o, x.inst));
            });
        }

        private void lower(Canon.Lower l) {
            Object callee = scope.peek(Sort.FUNC, l.func());
            ComponentFuncType ft = switch (callee) {
                case DynFunc d -> d.type();
                case FuncInst f -> f.type();
                default -> null;
            };
            // a template type flattens as the real one but names placeholder resource types: its values are
            // lifted and lowered with the real type, so such a call plan is made per instance
            CallPlan callPlan = ft != null && (!(callee instanceof DynFunc d) || d.exact()) ? CallPlan.of(ft) : null;
            OptionsPlan opts = Instantiator.isAsync(l.options()) ? null : options(l.options());
            if (ft == null || opts == null) {
                perInstance(Sort.CORE_FUNC, new Dyn(), true, x -> x.instantiator.canon(x.scope, l, x.inst));
                return;
            }
            FuncType coreType = CoreFuncs.loweredType(ft);
            int funcIndex = l.func();
            String name = "lowered " + l.func();
            perInstance(Sort.CORE_FUNC, new DynCoreFunc(coreType), false, x -> {
                FuncInst f = (FuncInst) x.scope.get(Sort.FUNC, funcIndex);
                x.scope.addRaw(Sort.CORE_FUNC, CoreFuncs.lower(x.instantiator.store, f, opts.resolve(x.scope), x.inst,
                        name, coreType, callPlan));
            });
        }

        /**
         * The canonical options with their indices checked once; null when one of them names a core function
         * whose kind is only known per instance (then the walk's code runs per instance).
         */
        private OptionsPlan options(List<CanonOpt> opts) {
            AbiOptions.StringEncoding encoding = AbiOptions.StringEncoding.UTF8;
            int memory = -1;
            int realloc = -1;
            int postReturn = -1;
            for (CanonOpt o : opts) {
                switch (o) {
                    case CanonOpt.StringEncoding e -> encoding = switch (e) {
                        case UTF8 -> AbiOptions.StringEncoding.UTF8;
                        case UTF16 -> AbiOptions.StringEncoding.UTF16;
                        case LATIN1_UTF16 -> AbiOptions.StringEncoding.LATIN1_UTF16;
                    };
                    case CanonOpt.Memory m -> {
                        scope.peek(Sort.CORE_MEMORY, m.memory());
                        memory = m.memory();
                    }
                    case CanonOpt.Realloc r -> {
                        if (!(scope.peek(Sort.CORE_FUNC, r.func()) instanceof DynCoreFunc)) {
                            return null;
                        }
                        realloc = r.func();
                    }
                    case CanonOpt.PostReturn p -> {
                        if (!(scope.peek(Sort.CORE_FUNC, p.func()) instanceof DynCoreFunc)) {
                            return null;
                        }
                        postReturn = p.func();
                    }
                    case CanonOpt.Async a -> throw Instantiator.unsupported("the async canonical option (🔀)");
                    case CanonOpt.Callback cb -> throw Instantiator.unsupported("the callback canonical option (🔀)");
                }
            }
            return new OptionsPlan(encoding, memory, realloc, postReturn);
        }
    }

    /** Canonical options as indices into the instance's core index spaces (-1: absent). */
    record OptionsPlan(AbiOptions.StringEncoding encoding, int memory, int realloc, int postReturn) {
        AbiOptions resolve(Instantiator.Scope scope) {
            return new AbiOptions(encoding,
                    memory < 0 ? null : (dev.basalt.Memory) scope.get(Sort.CORE_MEMORY, memory),
                    realloc < 0 ? null : coreFunc(scope, realloc),
                    postReturn < 0 ? null : coreFunc(scope, postReturn));
        }

        private static Func coreFunc(Instantiator.Scope scope, int index) {
            if (scope.get(Sort.CORE_FUNC, index) instanceof Func f) {
                return f;
            }
            throw Instantiator.unsupported("a built-in that is not implemented as realloc or post-return");
        }
    }

}
