package dev.basalt.component.wit;

import java.util.List;
import java.util.Optional;

/**
 * The resolved WIT model: every package, interface, world and named type, each in an arena addressed by a small
 * id record. It is what bindings generators and the canonical ABI work from.
 *
 * <ul>
 *   <li>{@link #packages()} are in dependency order (a package comes after every package it refers to; ties by
 *       name). Each package lists its named interfaces and worlds.</li>
 *   <li>{@link #interfaces()} include anonymous ones ({@code import x: interface { ... }} in a world, with an
 *       empty name). An interface's types are in source order ({@code use}d names are {@link TypeDef.Use}
 *       entries), its functions list resource functions first (by resource, in declaration order), then
 *       freestanding ones.</li>
 *   <li>{@link World#imports()}/{@link World#exports()} are <em>elaborated</em>: {@code include}s are flattened
 *       (interface names deduplicated, plain names renamed by {@code with}), and every interface that an
 *       imported or exported item depends on through {@code use} is imported as well (before its first user),
 *       unless it is exported, exactly as the component type of the world would import it.</li>
 *   <li>Items gated {@code @unstable} with a feature that was not enabled are absent (see
 *       {@link WitLoader.Options}).</li>
 * </ul>
 *
 * <p>Immutable; records compare by value, so two resolves of equivalent WIT built in the same order are equal.
 */
public record Resolve(List<Package> packages, List<Interface> interfaces, List<World> worlds, List<TypeDef> types) {
    public Resolve {
        packages = List.copyOf(packages);
        interfaces = List.copyOf(interfaces);
        worlds = List.copyOf(worlds);
        types = List.copyOf(types);
    }

    public record PackageId(int index) {}

    public record InterfaceId(int index) {}

    public record WorldId(int index) {}

    public record TypeId(int index) {}

    /** A package: its name and its named interfaces and worlds in order. */
    public record Package(PackageName name, Optional<String> docs, List<InterfaceId> interfaces,
            List<WorldId> worlds) {
        public Package {
            interfaces = List.copyOf(interfaces);
            worlds = List.copyOf(worlds);
        }
    }

    /** An interface; {@code name} is empty for an interface written inline in a world. */
    public record Interface(Optional<String> name, PackageId pkg, Optional<String> docs, Stability stability,
            List<TypeId> types, List<Function> functions) {
        public Interface {
            types = List.copyOf(types);
            functions = List.copyOf(functions);
        }
    }

    /** A world with its elaborated imports and exports (see the class comment). */
    public record World(String name, PackageId pkg, Optional<String> docs, Stability stability,
            List<WorldItem> imports, List<WorldItem> exports) {
        public World {
            imports = List.copyOf(imports);
            exports = List.copyOf(exports);
        }
    }

    /** The name of a world import or export. */
    public sealed interface WorldKey {
        /** A plain name ({@code import foo: ...}). */
        record Name(String name) implements WorldKey {}

        /** An interface name ({@code import wasi:io/streams@0.2.12;}). */
        record Of(InterfaceId id) implements WorldKey {}
    }

    /** One import or export of a world. */
    public sealed interface WorldItem {
        WorldKey key();

        Stability stability();

        /** An interface instance (named, inline, or a named interface under a plain name). */
        record InterfaceItem(WorldKey key, InterfaceId id, Optional<String> docs, Stability stability)
                implements WorldItem {}

        /** A bare function. */
        record FunctionItem(WorldKey key, Function function) implements WorldItem {
            @Override
            public Stability stability() {
                return function.stability();
            }
        }

        /** A type defined in or {@code use}d into the world (always an import). */
        record TypeItem(WorldKey key, TypeId id, Stability stability) implements WorldItem {}
    }

    public Package pkg(PackageId id) {
        return packages.get(id.index());
    }

    public Interface iface(InterfaceId id) {
        return interfaces.get(id.index());
    }

    public World world(WorldId id) {
        return worlds.get(id.index());
    }

    public TypeDef type(TypeId id) {
        return types.get(id.index());
    }

    /** The package with this name (exact, including the version), if present. */
    public Optional<PackageId> findPackage(PackageName name) {
        for (int i = 0; i < packages.size(); i++) {
            if (packages.get(i).name().equals(name)) {
                return Optional.of(new PackageId(i));
            }
        }
        return Optional.empty();
    }

    /** The named interface {@code name} of package {@code pkg}. */
    public Optional<InterfaceId> findInterface(PackageId pkg, String name) {
        return pkg(pkg).interfaces().stream().filter(i -> iface(i).name().orElse("").equals(name)).findFirst();
    }

    /** The world {@code name} of package {@code pkg}. */
    public Optional<WorldId> findWorld(PackageId pkg, String name) {
        return pkg(pkg).worlds().stream().filter(w -> world(w).name().equals(name)).findFirst();
    }

    /** The type {@code name} of an interface. */
    public Optional<TypeId> findType(InterfaceId iface, String name) {
        return iface(iface).types().stream().filter(t -> type(t).name().equals(name)).findFirst();
    }

    /** The fully qualified name of a named interface ({@code ns:pkg/name@version}); "(inline)" for anonymous. */
    public String interfaceName(InterfaceId id) {
        Interface i = iface(id);
        return i.name().map(n -> pkg(i.pkg()).name().qualify(n)).orElse("(inline)");
    }

    /** The text of a world key: the plain name or the qualified interface name. */
    public String keyName(WorldKey key) {
        return switch (key) {
            case WorldKey.Name n -> n.name();
            case WorldKey.Of o -> interfaceName(o.id());
        };
    }

    /** The text of a world item's key. */
    public String keyNameOf(WorldItem item) {
        return keyName(item.key());
    }

    /** Follows {@code use} and alias-of-a-name chains to the defining type. */
    public TypeId definition(TypeId id) {
        TypeId cur = id;
        for (int guard = 0; guard <= types.size(); guard++) {
            switch (type(cur).kind()) {
                case TypeDef.Use u -> cur = u.target();
                case TypeDef.Alias a when a.target() instanceof WitType.Ref r -> cur = r.id();
                default -> {
                    return cur;
                }
            }
        }
        throw new IllegalStateException("type cycle through " + type(id).name());
    }
}
