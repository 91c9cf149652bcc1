package dev.basalt.component;

import dev.basalt.Engine;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.component.internal.runtime.HostAsync;
import dev.basalt.component.internal.runtime.HostFunc;
import dev.basalt.component.internal.runtime.InstantiationPlan;
import dev.basalt.component.internal.runtime.Instantiator;
import dev.basalt.component.wit.SemVer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Names to definitions that satisfy component imports: host functions (Java, with dynamic values), host resource
 * types, instances of other components (composition), components and core modules — at the top level or inside
 * named instances ({@link #instance(String)}, typically an interface such as {@code "wasi:cli/stdout@0.2.0"}).
 *
 * <p>Interface names with a version match semver-compatibly, as wasmtime does: an import
 * {@code "a:b/c@1.2.0"} is satisfied by a definition {@code "a:b/c@1.5.1"} (same major version; for {@code 0.x}
 * the same minor; {@code 0.0.x} exactly; never pre-releases); the highest compatible definition wins, an exact
 * match first.
 *
 * {@snippet :
 * ComponentLinker<Void> linker = ComponentLinker.create(engine);
 * linker.instance("example:host/log").defineFunction("log",
 *         ComponentFuncType.of(List.of(new ComponentFuncType.Param("msg", ValueType.STRING)), null),
 *         (store, args) -> { System.out.println(((ComponentValue.Str) args.get(0)).value()); return List.of(); });
 * ComponentInstance instance = linker.instantiate(store, component);
 * }
 */
public final class ComponentLinker<T> {
    private final Engine engine;
    private final LinkerInstance<T> root = new LinkerInstance<>("");

    private ComponentLinker(Engine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    public static <T> ComponentLinker<T> create(Engine engine) {
        return new ComponentLinker<>(engine);
    }

    public Engine engine() {
        return engine;
    }

    /** The top level: definitions here satisfy the component's own imports. */
    public LinkerInstance<T> root() {
        return root;
    }

    /** The instance {@code name} at the top level, created empty if absent. */
    public LinkerInstance<T> instance(String name) {
        return root.instance(name);
    }

    public ComponentLinker<T> defineFunction(String name, ComponentFuncType type, ComponentHostFunction<T> fn) {
        root.defineFunction(name, type, fn);
        return this;
    }

    /** Defines an async host function at the top level ({@link LinkerInstance#defineAsyncFunction}). */
    public ComponentLinker<T> defineAsyncFunction(String name, ComponentFuncType type,
            ComponentAsyncHostFunction<T> fn) {
        root.defineAsyncFunction(name, type, fn);
        return this;
    }

    public ComponentLinker<T> defineResource(String name, ResourceType type) {
        root.defineResource(name, type);
        return this;
    }

    /** Satisfies import {@code name} with an instance of another component (or one it exports). */
    public ComponentLinker<T> defineInstance(String name, ComponentInstance instance) {
        root.defineInstance(name, instance);
        return this;
    }

    public ComponentLinker<T> defineComponent(String name, Component component) {
        root.defineComponent(name, component);
        return this;
    }

    public ComponentLinker<T> defineModule(String name, Module module) {
        root.defineModule(name, module);
        return this;
    }

    /**
     * Resolves every import of {@code component} and type-checks it against its definition, once, and plans the
     * instantiation ({@link ComponentInstancePre}); instantiating the result is then only the instance's own work.
     * Definitions made in this linker afterwards do not change the result.
     *
     * @throws ComponentException naming the first import that is missing, of the wrong kind or of the wrong type
     *     (and any other error the instantiation would meet before anything in it could fail per instance)
     */
    public ComponentInstancePre<T> instantiatePre(Component component) {
        if (component.engine() != engine) {
            throw new ComponentException("the component was compiled for a different engine than the linker's");
        }
        Map<String, Object> resolved = new LinkedHashMap<>();
        Map<String, InstantiationPlan.ImportInfo> infos = new HashMap<>();
        for (var section : component.model().sections()) {
            if (section instanceof dev.basalt.component.model.Section.Imports is) {
                for (var im : is.imports()) {
                    String name = im.name().name();
                    Object d = root.lookup(name).orElseThrow(() -> new ComponentException(
                            "missing import `" + name + "`: nothing of that name (or a semver-compatible version) is defined in the linker"));
                    checkKind(name, Instantiator.sortOf(im.type()), d);
                    resolved.put(name, d);
                    infos.put(name, new InstantiationPlan.ImportInfo(planValue(d), prototype(d, name), bindingCanFail(d)));
                }
            }
        }
        InstantiationPlan plan = InstantiationPlan.compile(engine, component.model(), component.modules(), infos::get);
        return new ComponentInstancePre<>(component, resolved, plan);
    }

    /**
     * What a definition is at plan time: the same object in every store (resource types, modules, components,
     * instances of other components), or a stand-in for what is bound per store (host functions, and the linker
     * instances that hold them).
     */
    private static Object planValue(Object d) {
        return switch (d) {
            case HostDefinition<?> h -> InstantiationPlan.perInstanceFunc(h.type());
            case AsyncHostDefinition<?> h -> InstantiationPlan.perInstanceFunc(h.type());
            case LinkerInstance<?> i -> {
                Map<String, Object> exports = new LinkedHashMap<>();
                i.definitions.forEach((k, v) -> exports.put(k, planValue(v)));
                yield InstantiationPlan.perInstanceInstance(exports);
            }
            case ComponentInstance ci -> ci.value();
            case Component c -> new Instantiator.Closure(c.model(), null, c.modules());
            default -> d;
        };
    }

    /** A value of the definition's type to type-check the import against once (host functions are not called). */
    private static Object prototype(Object d, String name) {
        return switch (d) {
            case HostDefinition<?> h -> new HostFunc(name, h.type(), args -> {
                throw new IllegalStateException("the type-checking stand-in of a host function was called");
            });
            case AsyncHostDefinition<?> h -> new HostFunc(name, h.type(), args -> {
                throw new IllegalStateException("the type-checking stand-in of a host function was called");
            });
            case LinkerInstance<?> i -> {
                Map<String, Object> exports = new LinkedHashMap<>();
                i.definitions.forEach((k, v) -> exports.put(k, prototype(v, name + "/" + k)));
                yield new Instantiator.InstanceValue(exports);
            }
            case ComponentInstance ci -> ci.value();
            case Component c -> new Instantiator.Closure(c.model(), null, c.modules());
            default -> d;
        };
    }

    /** Whether binding the definition to a store can fail (an instance of another component is in one store). */
    private static boolean bindingCanFail(Object d) {
        return switch (d) {
            case ComponentInstance ci -> true;
            case LinkerInstance<?> i -> i.definitions.values().stream().anyMatch(ComponentLinker::bindingCanFail);
            default -> false;
        };
    }

    public ComponentInstance instantiate(Store<T> store, Component component) {
        return instantiatePre(component).instantiate(store);
    }

    private static void checkKind(String name, dev.basalt.component.model.Sort sort, Object d) {
        boolean ok = switch (sort) {
            case FUNC -> d instanceof HostDefinition<?> || d instanceof AsyncHostDefinition<?>;
            case INSTANCE -> d instanceof LinkerInstance<?> || d instanceof ComponentInstance;
            case TYPE -> d instanceof ResourceType || d instanceof ValueType;
            case COMPONENT -> d instanceof Component;
            case CORE_MODULE -> d instanceof Module;
            default -> false;
        };
        if (!ok) {
            String what = sort.name().toLowerCase().replace('_', ' ');
            throw new ComponentException("import `" + name + "` expects " + (what.startsWith("i") ? "an " : "a ") + what
                    + " but the linker defines " + kindOf(d));
        }
    }

    static String kindOf(Object d) {
        return switch (d) {
            case HostDefinition<?> h -> "a function";
            case AsyncHostDefinition<?> h -> "a function";
            case LinkerInstance<?> i -> "an instance";
            case ComponentInstance i -> "an instance";
            case ResourceType r -> "a resource type";
            case ValueType v -> "a value type";
            case Component c -> "a component";
            case Module m -> "a core module";
            default -> d.getClass().getSimpleName();
        };
    }

    record HostDefinition<T>(ComponentFuncType type, ComponentHostFunction<T> fn) {
    }

    record AsyncHostDefinition<T>(ComponentFuncType type, ComponentAsyncHostFunction<T> fn) {
    }

    /** A named group of definitions (an instance import such as an interface). */
    public static final class LinkerInstance<T> {
        private final String path;
        private final Map<String, Object> definitions = new LinkedHashMap<>();

        LinkerInstance(String path) {
            this.path = path;
        }

        private void put(String name, Object d) {
            Objects.requireNonNull(name, "name");
            if (definitions.containsKey(name)) {
                throw new ComponentException("`" + (path.isEmpty() ? name : path + "/" + name)
                        + "` is already defined in this linker");
            }
            definitions.put(name, Objects.requireNonNull(d));
        }

        public LinkerInstance<T> defineFunction(String name, ComponentFuncType type, ComponentHostFunction<T> fn) {
            put(name, new HostDefinition<>(Objects.requireNonNull(type, "type"), Objects.requireNonNull(fn, "fn")));
            return this;
        }

        /**
         * Defines a host function of an {@code async} type ({@code type.async()}) whose results come later: the
         * calling guest task waits while the store's other tasks run (see {@link ComponentAsyncHostFunction}).
         */
        public LinkerInstance<T> defineAsyncFunction(String name, ComponentFuncType type,
                ComponentAsyncHostFunction<T> fn) {
            Objects.requireNonNull(type, "type");
            if (!type.async()) {
                throw new ComponentException("`" + name + "`: an async host function needs an async function type "
                        + "(a guest may call a function of a type that is not async from a task that cannot wait), "
                        + "got " + type);
            }
            put(name, new AsyncHostDefinition<>(type, Objects.requireNonNull(fn, "fn")));
            return this;
        }

        public LinkerInstance<T> defineResource(String name, ResourceType type) {
            put(name, type);
            return this;
        }

        /**
         * Defines a named value type, as an imported interface exports the types its functions use (WIT
         * {@code variant stream-error}, {@code record datetime} ...: {@code (export "stream-error" (type (eq N)))}
         * in the instance type); it must equal the importer's type structurally, resource handles by identity.
         */
        public LinkerInstance<T> defineType(String name, ValueType type) {
            put(name, Objects.requireNonNull(type, "type"));
            return this;
        }

        public LinkerInstance<T> defineInstance(String name, ComponentInstance instance) {
            put(name, instance);
            return this;
        }

        public LinkerInstance<T> defineComponent(String name, Component component) {
            put(name, component);
            return this;
        }

        public LinkerInstance<T> defineModule(String name, Module module) {
            put(name, module);
            return this;
        }

        /** The nested instance {@code name}, created empty if absent. */
        @SuppressWarnings("unchecked")
        public LinkerInstance<T> instance(String name) {
            Object d = definitions.get(name);
            if (d == null) {
                LinkerInstance<T> i = new LinkerInstance<>(path.isEmpty() ? name : path + "/" + name);
                definitions.put(name, i);
                return i;
            }
            if (d instanceof LinkerInstance<?> i) {
                return (LinkerInstance<T>) i;
            }
            throw new ComponentException("`" + name + "` is already defined as " + kindOf(d));
        }

        /** The definition for import {@code name}: exact, else the highest semver-compatible version. */
        Optional<Object> lookup(String name) {
            Object exact = definitions.get(name);
            if (exact != null) {
                return Optional.of(exact);
            }
            int at = name.lastIndexOf('@');
            if (at < 0) {
                return Optional.empty();
            }
            String base = name.substring(0, at);
            Optional<SemVer> wanted = SemVer.parse(name.substring(at + 1));
            if (wanted.isEmpty()) {
                return Optional.empty();
            }
            SemVer best = null;
            Object found = null;
            for (Map.Entry<String, Object> e : definitions.entrySet()) {
                String k = e.getKey();
                int kat = k.lastIndexOf('@');
                if (kat < 0 || !k.substring(0, kat).equals(base)) {
                    continue;
                }
                Optional<SemVer> v = SemVer.parse(k.substring(kat + 1));
                if (v.isPresent() && sameTrack(wanted.get(), v.get()) && (best == null || v.get().compareTo(best) > 0)) {
                    best = v.get();
                    found = e.getValue();
                }
            }
            return Optional.ofNullable(found);
        }

        /** Semver-compatible in either direction: same major (0.x: same minor; 0.0.x: same patch), no pre-release. */
        private static boolean sameTrack(SemVer a, SemVer b) {
            if (!a.pre().isEmpty() || !b.pre().isEmpty()) {
                return false;
            }
            if (a.major() != b.major()) {
                return false;
            }
            if (a.major() != 0) {
                return true;
            }
            if (a.minor() != b.minor()) {
                return false;
            }
            return a.minor() != 0 || a.patch() == b.patch();
        }

        /** This instance's definitions as the runtime value an import receives, bound to {@code store}. */
        Instantiator.InstanceValue bind(Store<T> store) {
            return new Instantiator.InstanceValue(new BoundDefinitions<>(definitions, store, path));
        }
    }

    /**
     * A linker instance's definitions bound to a store, each bound when first looked up: a component imports a few
     * functions of an interface the host defines in full (WASI's have dozens), and instantiating one per request
     * should not make a host function object for each of the others. Iterating binds all, in definition order;
     * a definition is bound once, so looking it up twice gives the same value. Unmodifiable.
     */
    private static final class BoundDefinitions<T> extends java.util.AbstractMap<String, Object> {
        private final Map<String, Object> definitions;
        private final Store<T> store;
        private final String path;
        private final Map<String, Object> bound = new HashMap<>();

        BoundDefinitions(Map<String, Object> definitions, Store<T> store, String path) {
            this.definitions = definitions;
            this.store = store;
            this.path = path;
        }

        @Override
        public Object get(Object key) {
            Object value = bound.get(key);
            if (value == null && key instanceof String name) {
                Object d = definitions.get(name);
                if (d != null) {
                    value = bindDefinition(d, store, path.isEmpty() ? name : path + "/" + name);
                    bound.put(name, value);
                }
            }
            return value;
        }

        @Override
        public boolean containsKey(Object key) {
            return definitions.containsKey(key);
        }

        @Override
        public int size() {
            return definitions.size();
        }

        @Override
        public java.util.Set<Map.Entry<String, Object>> entrySet() {
            Map<String, Object> all = new LinkedHashMap<>();
            for (String name : definitions.keySet()) {
                all.put(name, get(name));
            }
            return java.util.Collections.unmodifiableMap(all).entrySet();
        }
    }

    /** The runtime value of one linker definition in {@code store}. */
    @SuppressWarnings("unchecked")
    static <T> Object bindDefinition(Object d, Store<T> store, String name) {
        return switch (d) {
            case HostDefinition<?> h -> {
                HostDefinition<T> def = (HostDefinition<T>) h;
                yield new HostFunc(name, def.type(), args -> def.fn().call(store, args));
            }
            case AsyncHostDefinition<?> h -> {
                AsyncHostDefinition<T> def = (AsyncHostDefinition<T>) h;
                yield HostAsync.asyncFunction(store, name, def.type(), args -> def.fn().call(store, args));
            }
            case LinkerInstance<?> i -> ((LinkerInstance<T>) i).bind(store);
            case ComponentInstance ci -> {
                if (ci.store() != store) {
                    throw new ComponentException("the instance given for `" + name + "` belongs to a different store");
                }
                yield ci.value();
            }
            case Component c -> new Instantiator.Closure(c.model(), null, c.modules());
            default -> d;
        };
    }
}
