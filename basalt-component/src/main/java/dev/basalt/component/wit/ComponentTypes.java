package dev.basalt.component.wit;

import dev.basalt.component.model.Alias;
import dev.basalt.component.model.Canon;
import dev.basalt.component.model.Component;
import dev.basalt.component.model.Decl;
import dev.basalt.component.model.Export;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.Import;
import dev.basalt.component.model.Instance;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Section;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import dev.basalt.component.model.ValType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The type-level evaluation of a component for {@link ComponentWit}: what each import and export of the
 * component is, with type identities kept. Nested components are instantiated symbolically (their imports bound to
 * the instantiation arguments), so an exported instance made by a wit-component shim has the types the shim
 * exports. A type exported under a name is the same node as the type it re-exports ({@code (eq i)}) or names, so
 * the decoder can tell a definition from a {@code use} of another interface's type by node identity.
 *
 * <p>Core definitions (modules, core instances, core functions) play no part in the types and are skipped. The
 * component is expected to be valid; index errors are still reported as {@link WitException}s. The work is bounded
 * (nested instantiations could otherwise multiply).
 */
final class ComponentTypes {
    private static final int MAX_DEPTH = 100;
    /** Sections, declarators and instantiations evaluated: a WASI command component takes
     * about 650 (p2.component.wasm), the values test component 164. */
    private static final long MAX_STEPS = 500_000;

    /** A component-level type node; node identity is type identity. */
    sealed interface Ty permits Prim, RecordTy, VariantTy, ListTy, TupleTy, FlagsTy, EnumTy, OptionTy, ResultTy,
            HandleTy, ResourceTy, MapTy, StreamTy, FutureTy, FuncTy, InstanceTy, ComponentTy, AliasTy {
    }

    /**
     * A type imported or exported with an {@code (eq i)} bound: a new name for {@code target}, as wasm-tools keeps
     * one (an alias id), so that {@code type t2 = t1} and references through {@code t2} print as written.
     */
    static final class AliasTy implements Ty {
        final Ty target;

        AliasTy(Ty target) {
            this.target = target;
        }
    }

    /** {@code t} without its {@link AliasTy} layers. */
    static Ty peel(Ty t) {
        Ty cur = t;
        for (int i = 0; i < 10_000 && cur instanceof AliasTy a; i++) {
            cur = a.target;
        }
        return cur;
    }

    static final class Prim implements Ty {
        final PrimValType type;

        Prim(PrimValType type) {
            this.type = type;
        }
    }

    record RecordTy(List<String> names, List<Ty> types) implements Ty {
    }

    record VariantTy(List<String> names, List<Optional<Ty>> types) implements Ty {
    }

    record ListTy(Ty element, OptionalInt length) implements Ty {
    }

    record TupleTy(List<Ty> types) implements Ty {
    }

    record FlagsTy(List<String> names) implements Ty {
    }

    record EnumTy(List<String> names) implements Ty {
    }

    record OptionTy(Ty type) implements Ty {
    }

    record ResultTy(Optional<Ty> ok, Optional<Ty> error) implements Ty {
    }

    /** {@code own}/{@code borrow} of {@code resource} (a {@link ResourceTy} node). */
    record HandleTy(boolean own, Ty resource) implements Ty {
    }

    /** A resource: concrete ({@code (resource (rep i32))}) or abstract ({@code (sub resource)}). */
    static final class ResourceTy implements Ty {
    }

    record MapTy(Ty key, Ty value) implements Ty {
    }

    record StreamTy(Optional<Ty> element) implements Ty {
    }

    record FutureTy(Optional<Ty> element) implements Ty {
    }

    record FuncTy(boolean async, List<String> names, List<Ty> params, Optional<Ty> result) implements Ty {
    }

    /**
     * An instance (type): its exports by name, in order. An instance type written with declarators keeps them
     * ({@code decls} in {@code scope}), so that each import of it gets resources (and types) of its own.
     */
    record InstanceTy(Map<String, Item> exports, List<Decl> decls, Scope scope) implements Ty {
        InstanceTy(Map<String, Item> exports) {
            this(exports, null, null);
        }
    }

    /** A component type: its declarators, evaluated when it is instantiated. */
    record ComponentTy(List<Decl> decls, Scope scope) implements Ty {
    }

    /** What an import, export or instance export is. */
    sealed interface Item {
    }

    record TypeItem(Ty type) implements Item {
    }

    record FuncItem(FuncTy type) implements Item {
    }

    record InstanceItem(InstanceTy type) implements Item {
    }

    record ComponentItem(Object component) implements Item {
    }

    /** A core module or a value: present in the world, not expressible in WIT. */
    record OtherItem(String sort) implements Item {
    }

    /** A nested component definition: its body, evaluated at each instantiation. */
    record ComponentDef(Component model, Scope scope) {
    }

    /**
     * The result: a component's imports and exports, and for those named with an {@code (implements "i")}
     * attribute the interface name {@code i}.
     */
    record Evaluated(Map<String, Item> imports, Map<String, Item> exports, Map<String, String> importImplements,
            Map<String, String> exportImplements) {
    }

    /** The index spaces of one component body or type scope. */
    static final class Scope {
        final Scope parent;
        final int depth;
        final Map<String, Item> args;
        final List<Ty> types = new ArrayList<>();
        final List<FuncTy> funcs = new ArrayList<>();
        final List<InstanceTy> instances = new ArrayList<>();
        final List<Object> components = new ArrayList<>();
        final List<Object> values = new ArrayList<>();
        final Map<String, Item> imports = new LinkedHashMap<>();
        final Map<String, Item> exports = new LinkedHashMap<>();
        final Map<String, String> importImplements = new LinkedHashMap<>();
        final Map<String, String> exportImplements = new LinkedHashMap<>();

        Scope(Scope parent, Map<String, Item> args) {
            this.parent = parent;
            this.depth = parent == null ? 0 : parent.depth + 1;
            this.args = args;
            if (depth > MAX_DEPTH) {
                throw new WitException("component nesting too deep to decode");
            }
        }
    }

    private long steps;

    private ComponentTypes() {
    }

    /** The imports and exports of {@code component}, as types. */
    static Evaluated evaluate(Component component) {
        ComponentTypes e = new ComponentTypes();
        try {
            Scope s = e.body(component, null, Map.of());
            return new Evaluated(s.imports, s.exports, s.importImplements, s.exportImplements);
        } catch (StackOverflowError overflow) {
            throw new WitException("component nesting too deep to decode");
        }
    }

    private void step() {
        if (++steps > MAX_STEPS) {
            throw new WitException("component too large to decode (nested instantiations)");
        }
    }

    private Scope body(Component c, Scope parent, Map<String, Item> args) {
        Scope s = new Scope(parent, args);
        for (Section section : c.sections()) {
            step();
            switch (section) {
                case Section.Types ts -> ts.types().forEach(t -> s.types.add(define(s, t)));
                case Section.Imports is -> {
                    for (Import i : is.imports()) {
                        Item item = s.args.containsKey(i.name().name()) ? s.args.get(i.name().name())
                                : item(s, i.type());
                        s.imports.put(i.name().name(), item);
                        implementsOf(i.name()).ifPresent(n -> s.importImplements.put(i.name().name(), n));
                        add(s, item);
                    }
                }
                case Section.Exports es -> {
                    for (Export e : es.exports()) {
                        Item actual = sortItem(s, e.sort(), e.index());
                        Item item = e.type().isPresent() && !(actual instanceof TypeItem)
                                ? item(s, e.type().get()) : actual;
                        s.exports.put(e.name().name(), item);
                        implementsOf(e.name()).ifPresent(n -> s.exportImplements.put(e.name().name(), n));
                        add(s, item);
                    }
                }
                case Section.Aliases as -> as.aliases().forEach(a -> alias(s, a));
                case Section.Canons cs -> {
                    for (Canon canon : cs.canons()) {
                        if (canon instanceof Canon.Lift l) {
                            s.funcs.add(funcType(s, l.type()));
                        }
                    }
                }
                case Section.Components nested -> s.components.add(new ComponentDef(nested.component(), s));
                case Section.Instances is -> is.instances().forEach(i -> s.instances.add(instance(s, i)));
                case Section.Values vs -> vs.values().forEach(v -> s.values.add(v));
                case Section.Custom ignored -> { }
                case Section.CoreModuleSection ignored -> { }
                case Section.CoreInstances ignored -> { }
                case Section.CoreTypes ignored -> { }
                case Section.StartSection ignored -> { }
            }
        }
        return s;
    }

    private static Optional<String> implementsOf(dev.basalt.component.model.ExternName name) {
        return name.attributes().stream()
                .filter(a -> a.kind() == dev.basalt.component.model.ExternName.AttributeKind.IMPLEMENTS)
                .map(dev.basalt.component.model.ExternName.Attribute::value).findFirst();
    }

    private InstanceTy instance(Scope s, Instance instance) {
        return switch (instance) {
            case Instance.Instantiate inst -> {
                Map<String, Item> args = new LinkedHashMap<>();
                for (Instance.Arg a : inst.args()) {
                    args.put(a.name(), sortItem(s, a.sort(), a.index()));
                }
                yield instantiate(s, get(s.components, inst.component(), "component"), args);
            }
            case Instance.FromExports fe -> {
                Map<String, Item> exports = new LinkedHashMap<>();
                for (Instance.InlineExport e : fe.exports()) {
                    exports.put(e.name().name(), sortItem(s, e.sort(), e.index()));
                }
                yield new InstanceTy(exports);
            }
        };
    }

    private InstanceTy instantiate(Scope s, Object component, Map<String, Item> args) {
        step();
        return switch (component) {
            case ComponentDef def -> new InstanceTy(body(def.model(), def.scope(), args).exports);
            case ComponentTy ct -> new InstanceTy(decls(ct.decls(), ct.scope(), args).exports);
            default -> throw new WitException("cannot instantiate " + component);
        };
    }

    /** The declarators of a component or instance type, with imports bound to {@code args} where given. */
    private Scope decls(List<Decl> decls, Scope parent, Map<String, Item> args) {
        Scope s = new Scope(parent, args);
        for (Decl d : decls) {
            step();
            switch (d) {
                case Decl.TypeDecl td -> s.types.add(define(s, td.type()));
                case Decl.AliasDecl ad -> alias(s, ad.alias());
                case Decl.ImportDecl id -> {
                    Item item = args.containsKey(id.name().name()) ? args.get(id.name().name()) : item(s, id.type());
                    s.imports.put(id.name().name(), item);
                    add(s, item);
                }
                case Decl.ExportDecl ed -> {
                    Item item = item(s, ed.type());
                    s.exports.put(ed.name().name(), item);
                    add(s, item);
                }
                case Decl.CoreTypeDecl ignored -> { }
            }
        }
        return s;
    }

    private InstanceTy declared(List<Decl> decls, Scope scope) {
        return new InstanceTy(decls(decls, scope, Map.of()).exports, decls, scope);
    }

    /** An imported or exported item enters its index space. */
    private static void add(Scope s, Item item) {
        switch (item) {
            case TypeItem t -> s.types.add(t.type());
            case FuncItem f -> s.funcs.add(f.type());
            case InstanceItem i -> s.instances.add(i.type());
            case ComponentItem c -> s.components.add(c.component());
            case OtherItem o -> {
                if (o.sort().equals("value")) {
                    s.values.add(o);
                }
            }
        }
    }

    /** The item an extern type describes. */
    private Item item(Scope s, ExternType et) {
        return switch (et) {
            case ExternType.CoreModule cm -> new OtherItem("core module");
            case ExternType.Func f -> new FuncItem(funcType(s, f.type()));
            case ExternType.Value v -> new OtherItem("value");
            case ExternType.ValueEq v -> new OtherItem("value");
            case ExternType.Type t -> new TypeItem(t.subResource() ? new ResourceTy() : new AliasTy(type(s, t.eqIndex())));
            case ExternType.ComponentT c -> new ComponentItem(peel(type(s, c.type())));
            case ExternType.InstanceT i -> {
                if (!(peel(type(s, i.type())) instanceof InstanceTy it)) {
                    throw new WitException("type " + i.type() + " is not an instance type");
                }
                // each imported or exported instance has its own (sub resource)s, as in the validator
                yield new InstanceItem(it.decls() == null ? it : declared(it.decls(), it.scope()));
            }
        };
    }

    private Item sortItem(Scope s, Sort sort, int index) {
        return switch (sort) {
            case FUNC -> new FuncItem(get(s.funcs, index, "function"));
            case TYPE -> new TypeItem(type(s, index));
            case INSTANCE -> new InstanceItem(get(s.instances, index, "instance"));
            case COMPONENT -> new ComponentItem(get(s.components, index, "component"));
            case VALUE -> new OtherItem("value");
            default -> new OtherItem("core module");
        };
    }

    private void alias(Scope s, Alias a) {
        switch (a) {
            case Alias.InstanceExport ie -> {
                Item e = get(s.instances, ie.instance(), "instance").exports().get(ie.name());
                if (e == null) {
                    throw new WitException("instance " + ie.instance() + " has no export named `" + ie.name() + "`");
                }
                add(s, e);
            }
            case Alias.CoreInstanceExport ignored -> { }
            case Alias.Outer o -> {
                Scope target = s;
                for (int i = 0; i < o.count(); i++) {
                    target = target.parent;
                    if (target == null) {
                        throw new WitException("invalid outer alias count of " + o.count());
                    }
                }
                switch (o.sort()) {
                    case TYPE -> s.types.add(type(target, o.index()));
                    case COMPONENT -> s.components.add(get(target.components, o.index(), "component"));
                    default -> { }
                }
            }
        }
    }

    private static Ty type(Scope s, int index) {
        return get(s.types, index, "type");
    }

    private static FuncTy funcType(Scope s, int index) {
        if (!(peel(type(s, index)) instanceof FuncTy f)) {
            throw new WitException("type " + index + " is not a function type");
        }
        return f;
    }

    private static <T> T get(List<T> list, int index, String what) {
        if (index < 0 || index >= list.size()) {
            throw new WitException("unknown " + what + " " + Integer.toUnsignedString(index));
        }
        return list.get(index);
    }

    private Ty define(Scope s, TypeDef def) {
        return switch (def) {
            case TypeDef.Prim p -> new Prim(p.type());
            case TypeDef.Record r -> new RecordTy(r.fields().stream().map(TypeDef.Field::name).toList(),
                    r.fields().stream().map(f -> val(s, f.type())).toList());
            case TypeDef.Variant v -> new VariantTy(v.cases().stream().map(TypeDef.Case::name).toList(),
                    v.cases().stream().map(c -> c.type().map(t -> val(s, t))).toList());
            case TypeDef.ListOf l -> new ListTy(val(s, l.element()), l.length());
            case TypeDef.Tuple t -> new TupleTy(t.types().stream().map(x -> val(s, x)).toList());
            case TypeDef.Flags f -> new FlagsTy(f.labels());
            case TypeDef.Enum e -> new EnumTy(e.labels());
            case TypeDef.OptionOf o -> new OptionTy(val(s, o.type()));
            case TypeDef.ResultOf r -> new ResultTy(r.ok().map(x -> val(s, x)), r.error().map(x -> val(s, x)));
            case TypeDef.Own o -> new HandleTy(true, type(s, o.resource()));
            case TypeDef.Borrow b -> new HandleTy(false, type(s, b.resource()));
            case TypeDef.StreamOf st -> new StreamTy(st.element().map(x -> val(s, x)));
            case TypeDef.FutureOf fu -> new FutureTy(fu.element().map(x -> val(s, x)));
            case TypeDef.MapOf m -> new MapTy(val(s, m.key()), val(s, m.value()));
            case TypeDef.Func f -> new FuncTy(f.async(), f.params().stream().map(TypeDef.Param::name).toList(),
                    f.params().stream().map(p -> val(s, p.type())).toList(), f.result().map(x -> val(s, x)));
            case TypeDef.ComponentType ct -> new ComponentTy(ct.decls(), s);
            case TypeDef.InstanceType it -> declared(it.decls(), s);
            case TypeDef.Resource r -> new ResourceTy();
        };
    }

    private static Ty val(Scope s, ValType t) {
        return switch (t) {
            case ValType.Primitive p -> new Prim(p.type());
            case ValType.Indexed i -> type(s, i.index());
        };
    }
}
