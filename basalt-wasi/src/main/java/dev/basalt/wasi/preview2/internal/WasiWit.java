package dev.basalt.wasi.preview2.internal;

import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ResourceType;
import dev.basalt.component.ValueType;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.wit.Function;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.TypeDef;
import dev.basalt.component.wit.WitLoader;
import dev.basalt.component.wit.WitType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The WASI 0.2 and 0.3 WIT bundled with basalt-wasi (see update-wit.sh), resolved once, and the conversion of its types
 * into the runtime's {@link ValueType}s. The host's function types come from here rather than being written out
 * by hand, so they match what a component built against the same WIT imports, name for name.
 */
public final class WasiWit {
    /** The packages in dependency order. */
    private static final List<String> PACKAGES = List.of("io", "clocks", "random", "filesystem", "sockets", "cli", "http");

    /** The WASI 0.3 packages in dependency order (0.3 has no wasi:io: streams and futures are built-ins). */
    private static final List<String> PACKAGES_P3 = List.of("clocks", "random", "filesystem", "sockets", "cli", "http");

    private static volatile Resolve resolve;
    private static volatile Resolve resolveP3;

    private WasiWit() {
    }

    /** The resolved WASI 0.2 packages. */
    public static Resolve resolve() {
        Resolve r = resolve;
        if (r == null) {
            List<String> files = new ArrayList<>();
            for (String p : PACKAGES) {
                files.add(p + ".wit");
            }
            r = loadResolve(WasiWit.class, "/dev/basalt/wasi/preview2/wit/", files, "basalt-wasi");
            resolve = r;
        }
        return r;
    }

    /** The resolved WASI 0.3 packages ({@code wasi:*@0.3.0}, bundled by {@code update-wit.sh p3}). */
    public static Resolve resolveP3() {
        Resolve r = resolveP3;
        if (r == null) {
            r = loadResolve(WasiWit.class, "/dev/basalt/wasi/preview3/wit/",
                    PACKAGES_P3.stream().map(p -> p + ".wit").toList(), "basalt-wasi");
            resolveP3 = r;
        }
        return r;
    }

    /**
     * Resolves WIT files shipped as class-path resources of {@code owner} under {@code directory} (a host
     * module's own interfaces); a missing resource is a build error of {@code moduleName}, said so.
     */
    public static Resolve loadResolve(Class<?> owner, String directory, List<String> files, String moduleName) {
        List<WitLoader.Source> sources = new ArrayList<>();
        for (String f : files) {
            String res = directory + f;
            try (InputStream in = owner.getResourceAsStream(res)) {
                if (in == null) {
                    throw new IllegalStateException(moduleName + " is missing its resource " + res);
                }
                sources.add(new WitLoader.Source(res, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return WitLoader.loadPackages(sources, WitLoader.Options.DEFAULT).resolve();
    }

    /** Defines the types of interface {@code id} on {@code inst}: resources as resource types, the others by value. */
    public static void defineTypes(dev.basalt.component.ComponentLinker.LinkerInstance<?> inst, Resolve r,
            Resolve.InterfaceId id, Converter conv) {
        for (Resolve.TypeId t : r.iface(id).types()) {
            String name = r.type(t).name();
            Optional<ResourceType> res = conv.resource(t);
            if (res.isPresent()) {
                inst.defineResource(name, res.get());
            } else {
                inst.defineType(name, conv.named(r.definition(t)));
            }
        }
    }

    /**
     * The host's type of every resource that the interfaces named {@code qualified} declare, by defining type id (for
     * a {@link Converter}): {@code lookup} gets an interface's qualified name and a resource's name and returns the
     * type, never null for a resource the host implements.
     *
     * @throws IllegalStateException naming a resource the host has no type for (the bundled WIT and the host disagree)
     */
    public static Map<Resolve.TypeId, ResourceType> resourceTypes(Resolve r, List<String> qualified,
            java.util.function.BiFunction<String, String, ResourceType> lookup) {
        Map<Resolve.TypeId, ResourceType> byId = new java.util.HashMap<>();
        for (String iface : qualified) {
            for (Resolve.TypeId t : r.iface(iface(r, iface)).types()) {
                if (r.type(t).kind() instanceof TypeDef.Resource) {
                    ResourceType type = lookup.apply(iface, r.type(t).name());
                    if (type == null) {
                        throw new IllegalStateException("no host resource type for " + iface + "#" + r.type(t).name());
                    }
                    byId.put(t, type);
                }
            }
        }
        return byId;
    }

    /** The interface with qualified name {@code qualified} (e.g. {@code wasi:io/streams@0.2.12}). */
    public static Resolve.InterfaceId iface(Resolve r, String qualified) {
        for (int i = 0; i < r.interfaces().size(); i++) {
            Resolve.InterfaceId id = new Resolve.InterfaceId(i);
            if (r.iface(id).name().isPresent() && r.interfaceName(id).equals(qualified)) {
                return id;
            }
        }
        throw new IllegalStateException("the bundled WIT has no interface " + qualified);
    }

    /** Converts WIT types, with resource types mapped by {@code resources} (keyed by their defining type id). */
    public static final class Converter {
        private final Resolve r;
        private final java.util.function.Function<Resolve.TypeId, ResourceType> resources;

        public Converter(Resolve r, Map<Resolve.TypeId, ResourceType> resources) {
            this.r = r;
            this.resources = id -> {
                ResourceType t = resources.get(id);
                if (t == null) {
                    throw new IllegalStateException("no host resource type for " + r.type(id).name());
                }
                return t;
            };
        }

        public ComponentFuncType funcType(Function f) {
            List<ComponentFuncType.Param> params = new ArrayList<>();
            for (Function.Param p : f.params()) {
                params.add(new ComponentFuncType.Param(p.name(), valueType(p.type())));
            }
            return new ComponentFuncType(params, f.result().map(this::valueType), f.async());
        }

        public ValueType valueType(WitType t) {
            return switch (t) {
                case WitType.Primitive p -> switch (p) {
                    case BOOL -> ValueType.BOOL;
                    case S8 -> ValueType.S8;
                    case U8 -> ValueType.U8;
                    case S16 -> ValueType.S16;
                    case U16 -> ValueType.U16;
                    case S32 -> ValueType.S32;
                    case U32 -> ValueType.U32;
                    case S64 -> ValueType.S64;
                    case U64 -> ValueType.U64;
                    case F32 -> ValueType.F32;
                    case F64 -> ValueType.F64;
                    case CHAR -> ValueType.CHAR;
                    case STRING -> ValueType.STRING;
                    case ERROR_CONTEXT -> new ValueType.Primitive(PrimValType.ERROR_CONTEXT);
                };
                case WitType.Ref ref -> named(r.definition(ref.id()));
                case WitType.ListOf l -> new ValueType.ListType(valueType(l.element()));
                case WitType.FixedListOf l -> new ValueType.ListType(valueType(l.element()), OptionalInt.of(l.length()));
                case WitType.OptionOf o -> new ValueType.OptionType(valueType(o.inner()));
                case WitType.ResultOf res -> new ValueType.ResultType(res.ok().map(this::valueType),
                        res.err().map(this::valueType));
                case WitType.TupleOf tu -> new ValueType.TupleType(tu.types().stream().map(this::valueType).toList());
                case WitType.Handle h -> {
                    ResourceType rt = resources.apply(r.definition(h.resource()));
                    yield h.borrow() ? new ValueType.BorrowType(rt) : new ValueType.OwnType(rt);
                }
                case WitType.MapOf m -> throw new IllegalStateException("map<> is not used by WASI 0.2");
                case WitType.FutureOf fu -> new ValueType.FutureType(fu.payload().map(this::valueType));
                case WitType.StreamOf st -> new ValueType.StreamType(st.payload().map(this::valueType));
            };
        }

        /** The value type a named (defining) type stands for; a bare resource name is an owned handle. */
        public ValueType named(Resolve.TypeId id) {
            TypeDef d = r.type(id);
            return switch (d.kind()) {
                case TypeDef.Record rec -> new ValueType.RecordType(rec.fields().stream()
                        .map(f -> new ValueType.Field(f.name(), valueType(f.type()))).toList());
                case TypeDef.Variant v -> new ValueType.VariantType(v.cases().stream()
                        .map(c -> new ValueType.Case(c.name(), c.type().map(this::valueType))).toList());
                case TypeDef.Enum e -> new ValueType.EnumType(e.cases().stream().map(TypeDef.Label::name).toList());
                case TypeDef.Flags f -> new ValueType.FlagsType(f.flags().stream().map(TypeDef.Label::name).toList());
                case TypeDef.Resource res -> new ValueType.OwnType(resources.apply(id));
                case TypeDef.Alias a -> valueType(a.target());
                case TypeDef.Use u -> named(r.definition(u.target()));
            };
        }

        /** Whether {@code id} (after {@code use}s) is a resource type. */
        public boolean isResource(Resolve.TypeId id) {
            return r.type(r.definition(id)).kind() instanceof TypeDef.Resource;
        }

        public Optional<ResourceType> resource(Resolve.TypeId id) {
            return isResource(id) ? Optional.of(resources.apply(r.definition(id))) : Optional.empty();
        }
    }
}
