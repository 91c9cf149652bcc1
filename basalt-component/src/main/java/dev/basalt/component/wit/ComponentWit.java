package dev.basalt.component.wit;

import dev.basalt.component.binary.ComponentBinaryReader;
import dev.basalt.component.model.Component;
import dev.basalt.component.validate.ComponentValidator;
import dev.basalt.component.wit.ComponentTypes.EnumTy;
import dev.basalt.component.wit.ComponentTypes.FlagsTy;
import dev.basalt.component.wit.ComponentTypes.FuncItem;
import dev.basalt.component.wit.ComponentTypes.FuncTy;
import dev.basalt.component.wit.ComponentTypes.InstanceItem;
import dev.basalt.component.wit.ComponentTypes.InstanceTy;
import dev.basalt.component.wit.ComponentTypes.Item;
import dev.basalt.component.wit.ComponentTypes.RecordTy;
import dev.basalt.component.wit.ComponentTypes.ResourceTy;
import dev.basalt.component.wit.ComponentTypes.Ty;
import dev.basalt.component.wit.ComponentTypes.TypeItem;
import dev.basalt.component.wit.ComponentTypes.VariantTy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WIT world of a component, decoded from its imports and exports as {@code wasm-tools component wit} does: a
 * root package {@code root:component} with world {@code root}; imports and exports named {@code ns:pkg/iface@v}
 * become interfaces of their packages (printed as nested {@code package ... { }} blocks), instances under plain
 * names become inline interfaces, and bare functions and types stay in the world. Types are named by the names
 * they are exported under in instance types; a type that an interface re-exports from another interface becomes a
 * {@code use}, and functions named {@code [constructor]r}, {@code [method]r.m} and {@code [static]r.s} become the
 * functions of resource {@code r}.
 *
 * {@snippet :
 * ComponentWit.Decoded wit = ComponentWit.decode(Files.readAllBytes(Path.of("app.wasm")));
 * System.out.print(wit.print());
 * }
 */
public final class ComponentWit {
    /** The package the decoded world is put in, as wasm-tools names it. */
    public static final PackageName ROOT_PACKAGE = new PackageName("root", "component", Optional.empty());
    public static final String ROOT_WORLD = "root";

    private static final Pattern INTERFACE_NAME =
            Pattern.compile("([a-z][a-z0-9-]*):([a-z][a-z0-9-]*)/([a-z][a-z0-9-]*)(?:@(.+))?");

    /** A decoded component world: {@code world} of package {@code root} in {@code resolve}. */
    public record Decoded(Resolve resolve, Resolve.PackageId root, Resolve.WorldId world) {
        /** The world as WIT text: the root package, then every other package as a nested block. */
        public String print() {
            StringBuilder out = new StringBuilder(WitPrinter.print(resolve, root));
            for (int i = 0; i < resolve.packages().size(); i++) {
                if (i != root.index()) {
                    out.append('\n').append(WitPrinter.printNested(resolve, new Resolve.PackageId(i)));
                }
            }
            return out.toString();
        }
    }

    private ComponentWit() {
    }

    /**
     * Reads, validates and decodes a component binary.
     *
     * @throws dev.basalt.wasm.MalformedException if the bytes are not a component binary
     * @throws dev.basalt.wasm.InvalidException if the component does not validate
     * @throws WitException if its imports or exports cannot be expressed in WIT
     */
    public static Decoded decode(byte[] binary) {
        Component component = ComponentBinaryReader.read(binary);
        ComponentValidator.validate(component);
        return decode(component);
    }

    /** Decodes a (valid) component's world. */
    public static Decoded decode(Component component) {
        ComponentTypes.Evaluated types = ComponentTypes.evaluate(component);
        try {
            return new Builder().build(types);
        } catch (StackOverflowError e) {
            throw new WitException("component types nested too deeply to decode");
        }
    }

    /** Collects packages, interfaces and types, then assigns package ids in dependency order. */
    private static final class Builder {
        private final Map<PackageName, List<Integer>> packages = new LinkedHashMap<>();
        private final List<PackageName> interfacePackages = new ArrayList<>();
        private final List<Optional<String>> interfaceNames = new ArrayList<>();
        private final List<List<Resolve.TypeId>> interfaceTypes = new ArrayList<>();
        private final List<List<Function>> interfaceFunctions = new ArrayList<>();
        private final Map<String, Integer> interfacesByName = new LinkedHashMap<>();
        private final List<TypeDef> types = new ArrayList<>();
        /** The first name each type node got: where it is defined. */
        private final IdentityHashMap<Ty, Resolve.TypeId> defined = new IdentityHashMap<>();
        private final List<Resolve.WorldItem> imports = new ArrayList<>();
        private final List<Resolve.WorldItem> exports = new ArrayList<>();
        /** The world's own types (imported types and {@code use}s into the world) by node and by name. */
        private final Scope worldScope = new Scope(new TypeDef.Owner.OfWorld(new Resolve.WorldId(0)));

        /** The names one interface or the world gives to type nodes. */
        private static final class Scope {
            final TypeDef.Owner owner;
            final IdentityHashMap<Ty, Resolve.TypeId> byNode = new IdentityHashMap<>();
            final Map<String, Resolve.TypeId> byName = new LinkedHashMap<>();

            Scope(TypeDef.Owner owner) {
                this.owner = owner;
            }
        }

        Decoded build(ComponentTypes.Evaluated evaluated) {
            evaluated.imports().forEach((name, item) -> worldItem(name, evaluated.importImplements().get(name), item,
                    true, imports));
            evaluated.exports().forEach((name, item) -> worldItem(name, evaluated.exportImplements().get(name), item,
                    false, exports));
            return assemble();
        }

        /** One import or export; {@code implementsName} is its {@code (implements "ns:pkg/i")} attribute, or null. */
        private void worldItem(String name, String implementsName, Item item, boolean isImport,
                List<Resolve.WorldItem> out) {
            String direction = isImport ? "import" : "export";
            switch (item) {
                case InstanceItem inst -> {
                    String interfaceName = implementsName != null ? implementsName : name;
                    Matcher m = INTERFACE_NAME.matcher(interfaceName);
                    int iface;
                    Resolve.WorldKey key;
                    if (m.matches()) {
                        Optional<SemVer> version = Optional.empty();
                        if (m.group(4) != null) {
                            version = Optional.of(SemVer.parse(m.group(4)).orElseThrow(() -> new WitException(
                                    direction + " `" + name + "`: invalid version `" + m.group(4) + "`")));
                        }
                        PackageName pkg = new PackageName(m.group(1), m.group(2), version);
                        iface = namedInterface(pkg, m.group(3), interfaceName, inst.type());
                        // `import label: ns:pkg/i;` for a plain name that implements the interface
                        key = implementsName != null ? new Resolve.WorldKey.Name(name)
                                : new Resolve.WorldKey.Of(new Resolve.InterfaceId(iface));
                    } else if (name.contains(":") || name.contains("/")) {
                        throw new WitException(direction + " `" + name + "`: names with nested namespaces or "
                                + "packages cannot be expressed in WIT");
                    } else {
                        iface = newInterface(ROOT_PACKAGE, Optional.empty());
                        fillInterface(iface, inst.type(), name);
                        key = new Resolve.WorldKey.Name(name);
                    }
                    out.add(new Resolve.WorldItem.InterfaceItem(key, new Resolve.InterfaceId(iface),
                            Optional.empty(), Stability.UNKNOWN));
                }
                case FuncItem f when !isPlainOrResourceName(name) -> throw new WitException(direction + " `" + name
                        + "` is a function under an interface name: this cannot be expressed in WIT");
                case TypeItem t when !isPlainOrResourceName(name) -> throw new WitException(direction + " `" + name
                        + "` is a type under an interface name: this cannot be expressed in WIT");
                case FuncItem f -> out.add(new Resolve.WorldItem.FunctionItem(new Resolve.WorldKey.Name(name),
                        function(name, f.type(), worldScope, name)));
                case TypeItem t -> {
                    if (!isImport) {
                        throw new WitException("export `" + name + "` is a type: a world can only export "
                                + "interfaces and functions");
                    }
                    Resolve.TypeId id = nameType(worldScope, name, t.type());
                    out.add(new Resolve.WorldItem.TypeItem(new Resolve.WorldKey.Name(name), id, Stability.UNKNOWN));
                }
                case ComponentTypes.ComponentItem c -> throw new WitException(direction + " `" + name
                        + "` is a component: only instances, functions and types can be expressed in WIT");
                case ComponentTypes.OtherItem o -> throw new WitException(direction + " `" + name + "` is a "
                        + o.sort() + ": only instances, functions and types can be expressed in WIT");
            }
        }

        /** A plain name or {@code [constructor]r}-style one, not {@code ns:pkg/iface}. */
        private static boolean isPlainOrResourceName(String name) {
            return name.indexOf(':') < 0 && name.indexOf('/') < 0 && name.indexOf('@') < 0;
        }

        private int newInterface(PackageName pkg, Optional<String> name) {
            int index = interfaceNames.size();
            interfaceNames.add(name);
            interfacePackages.add(pkg);
            interfaceTypes.add(new ArrayList<>());
            interfaceFunctions.add(new ArrayList<>());
            if (name.isPresent()) {
                packages.computeIfAbsent(pkg, p -> new ArrayList<>()).add(index);
            }
            return index;
        }

        private final Map<Integer, Scope> interfaceScopes = new LinkedHashMap<>();

        /**
         * The interface {@code pkg/name}; the second time an interface is seen (imported and exported), its type
         * nodes are identified with the first one's by name.
         */
        private int namedInterface(PackageName pkg, String name, String fullName, InstanceTy type) {
            Integer existing = interfacesByName.get(fullName);
            if (existing != null) {
                Scope scope = interfaceScopes.get(existing);
                type.exports().forEach((n, item) -> {
                    if (item instanceof TypeItem t && scope.byName.containsKey(n)) {
                        defined.putIfAbsent(t.type(), scope.byName.get(n));
                        scope.byNode.putIfAbsent(t.type(), scope.byName.get(n));
                    }
                });
                return existing;
            }
            int iface = newInterface(pkg, Optional.of(name));
            interfacesByName.put(fullName, iface);
            fillInterface(iface, type, fullName);
            return iface;
        }

        private void fillInterface(int iface, InstanceTy type, String where) {
            Scope scope = new Scope(new TypeDef.Owner.OfInterface(new Resolve.InterfaceId(iface)));
            interfaceScopes.put(iface, scope);
            List<Function> functions = new ArrayList<>();
            for (Map.Entry<String, Item> e : type.exports().entrySet()) {
                switch (e.getValue()) {
                    case TypeItem t -> interfaceTypes.get(iface).add(nameType(scope, e.getKey(), t.type()));
                    case FuncItem f -> functions.add(function(e.getKey(), f.type(), scope, where));
                    default -> throw new WitException("`" + where + "` exports `" + e.getKey()
                            + "`, which is not a type or function: nested instances cannot be expressed in WIT");
                }
            }
            // `use`s first, as WIT is usually written (they never depend on the interface's own definitions)
            interfaceTypes.get(iface).sort(Comparator.comparing(t -> !(types.get(t.index()).kind()
                    instanceof TypeDef.Use)));
            // Resolve's order: resource functions first, by resource in declaration order, then freestanding ones
            List<Resolve.TypeId> order = interfaceTypes.get(iface);
            functions.sort(Comparator.comparingInt(f -> switch (f.kind()) {
                case Function.Kind.Freestanding x -> Integer.MAX_VALUE;
                case Function.Kind.Method m -> order.indexOf(m.resource());
                case Function.Kind.Static s -> order.indexOf(s.resource());
                case Function.Kind.Constructor c -> order.indexOf(c.resource());
            }));
            interfaceFunctions.get(iface).addAll(functions);
        }

        /** Gives type node {@code t} the name {@code name} in {@code scope}: a definition, a use or an alias. */
        private Resolve.TypeId nameType(Scope scope, String name, Ty t) {
            if (t instanceof ComponentTypes.AliasTy a && scope.byNode.get(t) == null && defined.get(t) == null
                    && scope.byNode.get(a.target) == null && defined.get(a.target) == null) {
                // a new name for a type that has none yet: this name defines it
                Resolve.TypeId defining = nameType(scope, name, a.target);
                defined.putIfAbsent(t, defining);
                scope.byNode.putIfAbsent(t, defining);
                return defining;
            }
            Resolve.TypeId id = new Resolve.TypeId(types.size());
            types.add(null);
            TypeDef.Kind kind;
            Resolve.TypeId local = scope.byNode.get(t);
            Resolve.TypeId elsewhere = defined.get(t);
            if (local != null) {
                kind = new TypeDef.Alias(new WitType.Ref(local));
            } else if (elsewhere != null) {
                kind = useOf(name, elsewhere);
            } else if (t instanceof ComponentTypes.AliasTy a) {
                // a new name for a named type: `type t = u;` beside it, a `use` of it elsewhere
                Ty target = a.target;
                Resolve.TypeId targetLocal = scope.byNode.get(target);
                Resolve.TypeId targetElsewhere = defined.get(target);
                if (targetLocal != null) {
                    kind = new TypeDef.Alias(new WitType.Ref(targetLocal));
                } else {
                    kind = useOf(name, targetElsewhere);
                }
                defined.putIfAbsent(t, id);
            } else {
                defined.put(t, id);
                kind = switch (t) {
                    case RecordTy r -> {
                        List<TypeDef.Field> fields = new ArrayList<>();
                        for (int i = 0; i < r.names().size(); i++) {
                            fields.add(new TypeDef.Field(r.names().get(i), wit(scope, r.types().get(i)),
                                    Optional.empty()));
                        }
                        yield new TypeDef.Record(fields);
                    }
                    case VariantTy v -> {
                        List<TypeDef.Case> cases = new ArrayList<>();
                        for (int i = 0; i < v.names().size(); i++) {
                            cases.add(new TypeDef.Case(v.names().get(i), v.types().get(i).map(x -> wit(scope, x)),
                                    Optional.empty()));
                        }
                        yield new TypeDef.Variant(cases);
                    }
                    case EnumTy en -> new TypeDef.Enum(labels(en.names()));
                    case FlagsTy f -> new TypeDef.Flags(labels(f.names()));
                    case ResourceTy r -> new TypeDef.Resource();
                    case FuncTy f -> throw new WitException("type `" + name + "` is a function type: this cannot "
                            + "be expressed in WIT");
                    case InstanceTy i -> throw new WitException("type `" + name + "` is an instance type: this "
                            + "cannot be expressed in WIT");
                    case ComponentTypes.ComponentTy c -> throw new WitException("type `" + name + "` is a component "
                            + "type: this cannot be expressed in WIT");
                    default -> new TypeDef.Alias(structural(scope, t));
                };
            }
            types.set(id.index(), new TypeDef(name, scope.owner, Optional.empty(), Stability.UNKNOWN, kind));
            scope.byNode.putIfAbsent(t, id);
            scope.byName.putIfAbsent(name, id);
            return id;
        }

        /** {@code use}ing the type {@code elsewhere} under {@code name}: only types of named interfaces can be. */
        private TypeDef.Use useOf(String name, Resolve.TypeId elsewhere) {
            if (!(types.get(elsewhere.index()).owner() instanceof TypeDef.Owner.OfInterface o)
                    || interfaceNames.get(o.id().index()).isEmpty()) {
                throw new WitException("type `" + name + "` is the type of " + describe(elsewhere)
                        + ": only types of named interfaces can be shared (`use`d) in WIT");
            }
            return new TypeDef.Use(elsewhere);
        }

        private String describe(Resolve.TypeId id) {
            TypeDef def = types.get(id.index());
            return "`" + def.name() + "` of " + switch (def.owner()) {
                case TypeDef.Owner.OfWorld w -> "the world";
                case TypeDef.Owner.OfInterface i -> interfaceNames.get(i.id().index())
                        .map(n -> "interface " + interfacePackages.get(i.id().index()).qualify(n))
                        .orElse("an inline interface");
            };
        }

        private static List<TypeDef.Label> labels(List<String> names) {
            return names.stream().map(n -> new TypeDef.Label(n, Optional.empty())).toList();
        }

        /** A value type as WIT: by name where the node has one, else structurally. */
        private WitType wit(Scope scope, Ty t) {
            Resolve.TypeId named = scope.byNode.get(t);
            if (named != null) {
                return new WitType.Ref(named);
            }
            if (t instanceof ComponentTypes.AliasTy a) {
                return wit(scope, a.target);
            }
            Resolve.TypeId elsewhere = defined.get(t);
            if (elsewhere != null) {
                // WIT can only name another interface's type after a `use` of it in this interface or world
                throw new WitException("type " + describe(elsewhere)
                        + " is used where it is not imported (by `use`): this cannot be expressed in WIT");
            }
            return structural(scope, t);
        }

        private WitType structural(Scope scope, Ty t) {
            return switch (t) {
                case ComponentTypes.AliasTy a -> wit(scope, a.target);
                case ComponentTypes.Prim p -> WitType.Primitive.of(p.type.text()).orElseThrow(
                        () -> new WitException("primitive type " + p.type.text() + " has no WIT name"));
                case ComponentTypes.ListTy l -> l.length().isPresent()
                        ? new WitType.FixedListOf(wit(scope, l.element()), l.length().getAsInt())
                        : new WitType.ListOf(wit(scope, l.element()));
                case ComponentTypes.TupleTy tu -> new WitType.TupleOf(tu.types().stream().map(x -> wit(scope, x))
                        .toList());
                case ComponentTypes.OptionTy o -> new WitType.OptionOf(wit(scope, o.type()));
                case ComponentTypes.ResultTy r -> new WitType.ResultOf(r.ok().map(x -> wit(scope, x)),
                        r.error().map(x -> wit(scope, x)));
                case ComponentTypes.MapTy m -> new WitType.MapOf(wit(scope, m.key()), wit(scope, m.value()));
                case ComponentTypes.StreamTy s -> new WitType.StreamOf(s.element().map(x -> wit(scope, x)));
                case ComponentTypes.FutureTy f -> new WitType.FutureOf(f.element().map(x -> wit(scope, x)));
                case ComponentTypes.HandleTy h -> {
                    WitType resource = wit(scope, h.resource());
                    if (!(resource instanceof WitType.Ref r)) {
                        throw new WitException("a handle refers to a resource that has no name: this cannot be "
                                + "expressed in WIT");
                    }
                    yield h.own() ? r : new WitType.Handle(true, r.id());
                }
                case RecordTy r -> throw unnamed("record");
                case VariantTy v -> throw unnamed("variant");
                case EnumTy e -> throw unnamed("enum");
                case FlagsTy f -> throw unnamed("flags");
                case ResourceTy r -> throw unnamed("resource");
                default -> throw new WitException("a " + t.getClass().getSimpleName() + " is not a value type");
            };
        }

        private static WitException unnamed(String what) {
            return new WitException("a " + what + " type has no name (it is not exported under any name): this "
                    + "cannot be expressed in WIT");
        }

        /** A function named {@code name} in {@code scope}; resource functions are recognised by their name. */
        private Function function(String name, FuncTy f, Scope scope, String where) {
            Function.Kind kind = new Function.Kind.Freestanding();
            if (name.startsWith("[constructor]")) {
                kind = new Function.Kind.Constructor(resource(scope, name.substring("[constructor]".length()), name));
            } else if (name.startsWith("[method]") || name.startsWith("[static]")) {
                String rest = name.substring(name.indexOf(']') + 1);
                int dot = rest.indexOf('.');
                if (dot < 0) {
                    throw new WitException("`" + where + "`: function name `" + name + "` has no `.`");
                }
                Resolve.TypeId r = resource(scope, rest.substring(0, dot), name);
                kind = name.startsWith("[method]") ? new Function.Kind.Method(r) : new Function.Kind.Static(r);
            } else if (name.startsWith("[")) {
                throw new WitException("`" + where + "`: function name `" + name + "` cannot be expressed in WIT");
            }
            List<Function.Param> params = new ArrayList<>();
            for (int i = 0; i < f.params().size(); i++) {
                params.add(new Function.Param(f.names().get(i), wit(scope, f.params().get(i))));
            }
            return new Function(name, kind, f.async(), params, f.result().map(x -> wit(scope, x)), Optional.empty(),
                    Stability.UNKNOWN);
        }

        private Resolve.TypeId resource(Scope scope, String resource, String function) {
            Resolve.TypeId id = scope.byName.get(resource);
            if (id == null) {
                throw new WitException("function `" + function + "` belongs to resource `" + resource
                        + "`, which is not exported beside it");
            }
            return id;
        }

        /** Package ids in dependency order (a package after those it uses), the root package last. */
        private Decoded assemble() {
            List<PackageName> order = new ArrayList<>();
            Set<PackageName> visiting = new LinkedHashSet<>();
            for (PackageName p : packages.keySet()) {
                visit(p, order, visiting);
            }
            order.remove(ROOT_PACKAGE);
            order.add(ROOT_PACKAGE);
            Map<PackageName, Resolve.PackageId> ids = new LinkedHashMap<>();
            for (PackageName p : order) {
                ids.put(p, new Resolve.PackageId(ids.size()));
            }
            List<Resolve.Interface> interfaces = new ArrayList<>();
            for (int i = 0; i < interfaceNames.size(); i++) {
                interfaces.add(new Resolve.Interface(interfaceNames.get(i), ids.get(interfacePackages.get(i)),
                        Optional.empty(), Stability.UNKNOWN, interfaceTypes.get(i), interfaceFunctions.get(i)));
            }
            Resolve.PackageId root = ids.get(ROOT_PACKAGE);
            List<Resolve.Package> pkgs = new ArrayList<>();
            for (PackageName p : order) {
                List<Resolve.InterfaceId> members = packages.getOrDefault(p, List.of()).stream()
                        .map(Resolve.InterfaceId::new).toList();
                pkgs.add(new Resolve.Package(p, Optional.empty(), members,
                        p.equals(ROOT_PACKAGE) ? List.of(new Resolve.WorldId(0)) : List.of()));
            }
            Resolve.World world = new Resolve.World(ROOT_WORLD, root, Optional.empty(), Stability.UNKNOWN, imports,
                    exports);
            return new Decoded(new Resolve(pkgs, interfaces, List.of(world), types), root, new Resolve.WorldId(0));
        }

        private void visit(PackageName p, List<PackageName> order, Set<PackageName> visiting) {
            if (order.contains(p) || !visiting.add(p)) {
                return;
            }
            for (int iface : packages.getOrDefault(p, List.of())) {
                for (Resolve.TypeId t : interfaceTypes.get(iface)) {
                    if (types.get(t.index()).kind() instanceof TypeDef.Use u
                            && types.get(u.target().index()).owner() instanceof TypeDef.Owner.OfInterface o) {
                        visit(interfacePackages.get(o.id().index()), order, visiting);
                    }
                }
            }
            order.add(p);
        }
    }
}
