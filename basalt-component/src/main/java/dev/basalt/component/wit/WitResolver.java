package dev.basalt.component.wit;

import dev.basalt.component.wit.Resolve.InterfaceId;
import dev.basalt.component.wit.Resolve.PackageId;
import dev.basalt.component.wit.Resolve.TypeId;
import dev.basalt.component.wit.Resolve.WorldId;
import dev.basalt.component.wit.Resolve.WorldItem;
import dev.basalt.component.wit.Resolve.WorldKey;
import dev.basalt.component.wit.WitAst.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns parsed WIT files into a {@link Resolve}: groups files into packages, orders packages, interfaces and
 * worlds topologically (rejecting cycles), resolves every name, desugars resources, flattens {@code include}s and
 * elaborates worlds. Single use.
 */
final class WitResolver {
    private final WitLoader.Options options;

    // arenas under construction; null until the element is finished
    private final List<Resolve.Package> packages = new ArrayList<>();
    private final List<Resolve.Interface> interfaces = new ArrayList<>();
    private final List<Resolve.World> worlds = new ArrayList<>();
    private final List<TypeDef> types = new ArrayList<>();

    private final Map<PackageName, PackageId> packageIds = new HashMap<>();
    private final Map<PackageId, Map<String, InterfaceId>> interfaceNames = new HashMap<>();
    private final Map<PackageId, Map<String, WorldId>> worldNames = new HashMap<>();

    WitResolver(WitLoader.Options options) {
        this.options = options;
    }

    /** One package before resolution: the files (scopes) that contribute to it. */
    private record Unresolved(PackageName name, Optional<String> docs, List<Scope> scopes, String where) {}

    /**
     * The items of one file (or one nested block) and its top-level {@code use}s. Compared by identity: it keys
     * maps, and hashing a whole syntax tree per lookup would make resolution quadratic.
     */
    private static final class Scope {
        private final List<TopItem> items;

        Scope(List<TopItem> items) {
            this.items = items;
        }

        List<TopItem> items() {
            return items;
        }
    }

    private record Named(Object decl, Scope scope, Span span) {}

    // ---- packages

    WitLoader.Loaded resolve(List<WitLoader.Group> rootGroups, List<WitLoader.Group> depGroups) {
        try {
            return resolveGroups(rootGroups, depGroups);
        } catch (StackOverflowError e) {
            // dependency chains are walked recursively; a chain deeper than the thread's stack is not a crash
            throw new WitException("WIT definitions nest too deeply to resolve (use/include chains of this depth are"
                    + " not supported on this thread's stack)");
        }
    }

    private WitLoader.Loaded resolveGroups(List<WitLoader.Group> rootGroups, List<WitLoader.Group> depGroups) {
        Map<PackageName, Unresolved> pool = new LinkedHashMap<>();
        List<PackageName> rootNames = new ArrayList<>();
        List<Unresolved> nested = new ArrayList<>();
        for (WitLoader.Group g : rootGroups) {
            Unresolved u = group(g, nested);
            if (pool.putIfAbsent(u.name(), u) != null) {
                throw new WitException(g.where() + ": package `" + u.name() + "` is defined more than once");
            }
            rootNames.add(u.name());
        }
        for (Unresolved n : nested) {
            pool.putIfAbsent(n.name(), n);
        }
        for (WitLoader.Group g : depGroups) {
            List<Unresolved> depNested = new ArrayList<>();
            Unresolved u = group(g, depNested);
            pool.putIfAbsent(u.name(), u);
            for (Unresolved n : depNested) {
                pool.putIfAbsent(n.name(), n);
            }
        }
        // order: dependencies first, ties by name; only what the roots reach
        List<PackageName> order = new ArrayList<>();
        Set<PackageName> done = new HashSet<>();
        Set<PackageName> visiting = new HashSet<>();
        for (PackageName root : new java.util.TreeSet<>(rootNames)) {
            visit(root, pool, order, done, visiting, new ArrayList<>());
        }
        for (PackageName name : order) {
            resolvePackage(pool.get(name), pool);
        }
        List<PackageId> roots = rootNames.stream().map(packageIds::get).toList();
        return new WitLoader.Loaded(new Resolve(packages, interfaces, worlds, types), roots);
    }

    private void visit(PackageName name, Map<PackageName, Unresolved> pool, List<PackageName> order,
            Set<PackageName> done, Set<PackageName> visiting, List<PackageName> path) {
        if (done.contains(name)) {
            return;
        }
        path.add(name);
        if (!visiting.add(name)) {
            List<String> cycle = path.subList(path.indexOf(name), path.size()).stream().map(String::valueOf).toList();
            throw new WitException("package dependency cycle: " + String.join(" -> ", cycle));
        }
        Unresolved u = pool.get(name);
        TreeMap<PackageName, Boolean> deps = new TreeMap<>();
        for (UsePath.Foreign ref : foreignRefs(u)) {
            if (ref.pkg().sameNameAs(name) && matches(ref.pkg(), name)) {
                continue;
            }
            PackageName target = findPackage(ref.pkg(), pool.keySet())
                    .orElseThrow(() -> new WitException(ref.span(), "package `" + ref.pkg() + "` not found"
                            + nearby(ref.pkg(), pool.keySet())));
            deps.put(target, true);
        }
        for (PackageName d : deps.keySet()) {
            visit(d, pool, order, done, visiting, path);
        }
        visiting.remove(name);
        path.removeLast();
        done.add(name);
        order.add(name);
    }

    private static String nearby(PackageName wanted, Set<PackageName> available) {
        List<String> same = available.stream().filter(p -> p.sameNameAs(wanted)).map(String::valueOf).sorted()
                .toList();
        return same.isEmpty() ? "" : " (available: " + String.join(", ", same) + ")";
    }

    private static boolean matches(PackageName ref, PackageName candidate) {
        return ref.equals(candidate) || ref.sameNameAs(candidate) && ref.version().isEmpty();
    }

    /**
     * The package a reference means: the exact name and version; else, for an unversioned reference, the only
     * package of that name (the highest version if several); else, for a versioned one, the highest
     * semver-compatible version ({@link SemVer#acceptsCompatible}).
     */
    static Optional<PackageName> findPackage(PackageName ref, Iterable<PackageName> available) {
        PackageName best = null;
        for (PackageName p : available) {
            if (p.equals(ref)) {
                return Optional.of(p);
            }
            if (!p.sameNameAs(ref)) {
                continue;
            }
            boolean ok = ref.version().isEmpty()
                    || p.version().isPresent() && ref.version().get().acceptsCompatible(p.version().get());
            if (ok && (best == null || best.compareTo(p) < 0)) {
                best = p;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Every cross-package reference of a package's (enabled) items. */
    private List<UsePath.Foreign> foreignRefs(Unresolved u) {
        List<UsePath.Foreign> out = new ArrayList<>();
        for (Scope s : u.scopes()) {
            for (TopItem item : s.items()) {
                switch (item) {
                    case TopUse tu -> addForeign(tu.path(), out);
                    case InterfaceDecl i -> {
                        if (enabled(i.attrs())) {
                            interfaceRefs(i.items(), out);
                        }
                    }
                    case WorldDecl w -> {
                        if (enabled(w.attrs())) {
                            for (WitAst.WorldItem wi : w.items()) {
                                switch (wi) {
                                    case Use use when enabled(use.attrs()) -> addForeign(use.path(), out);
                                    case Include inc when enabled(inc.attrs()) -> addForeign(inc.path(), out);
                                    case ImportExport ie when enabled(ie.attrs()) -> {
                                        switch (ie.extern()) {
                                            case Extern.Path p -> addForeign(p.path(), out);
                                            case Extern.NamedPath p -> addForeign(p.path(), out);
                                            case Extern.Inline in -> interfaceRefs(in.items(), out);
                                            case Extern.Func f -> { }
                                        }
                                    }
                                    default -> { }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private void interfaceRefs(List<InterfaceItem> items, List<UsePath.Foreign> out) {
        for (InterfaceItem ii : items) {
            if (ii instanceof Use use && enabled(use.attrs())) {
                addForeign(use.path(), out);
            }
        }
    }

    private static void addForeign(UsePath p, List<UsePath.Foreign> out) {
        if (p instanceof UsePath.Foreign f) {
            out.add(f);
        }
    }

    /** Groups files into their package; nested blocks become separate packages added to {@code nested}. */
    private static Unresolved group(WitLoader.Group g, List<Unresolved> nested) {
        PackageName name = null;
        Optional<String> docs = Optional.empty();
        List<Scope> scopes = new ArrayList<>();
        for (WitAst.File f : g.files()) {
            if (f.pkg().isPresent()) {
                PackageDecl d = f.pkg().get();
                if (name != null && !name.equals(d.name())) {
                    throw new WitException(d.span(), "package `" + d.name()
                            + "` does not match the package `" + name + "` declared by another file");
                }
                name = d.name();
                if (docs.isEmpty()) {
                    docs = d.docs();
                }
            }
            scopes.add(new Scope(f.items()));
            for (NestedPackage np : f.nested()) {
                nested.add(new Unresolved(np.decl().name(), np.decl().docs(), List.of(new Scope(np.items())),
                        np.decl().span().toString()));
            }
        }
        if (name == null) {
            boolean hasItems = scopes.stream().anyMatch(s -> !s.items().isEmpty());
            if (!hasItems && !nested.isEmpty() && g.files().size() == 1) {
                // a file of only nested package blocks: the first one is the package the file stands for
                return nested.removeFirst();
            }
            throw new WitException(g.where() + ": no `package` declaration found (at least one file must declare"
                    + " its package, e.g. `package ns:name;`)");
        }
        return new Unresolved(name, docs, scopes, g.where());
    }

    // ---- one package

    private boolean enabled(Attrs attrs) {
        for (Gate g : attrs.gates()) {
            if (g instanceof Gate.Unstable u && !options.enabled(u.feature())) {
                return false;
            }
        }
        return true;
    }

    private static Stability stability(Attrs attrs) {
        Optional<SemVer> deprecated = Optional.empty();
        Stability s = Stability.UNKNOWN;
        for (Gate g : attrs.gates()) {
            if (g instanceof Gate.Deprecated d) {
                deprecated = Optional.of(d.version());
            }
        }
        for (Gate g : attrs.gates()) {
            if (g instanceof Gate.Since since) {
                s = new Stability.Stable(since.version(), deprecated);
            } else if (g instanceof Gate.Unstable u) {
                s = new Stability.Unstable(u.feature(), deprecated);
            }
        }
        return s;
    }

    /** State for resolving one package. */
    private final class PackageResolver {
        final Unresolved u;
        final Map<PackageName, Unresolved> pool;
        final PackageId id;
        final Map<String, Named> items = new LinkedHashMap<>();
        final Map<Scope, Map<String, UsePath>> topUses = new HashMap<>();
        final Map<String, InterfaceId> ifaceIds = new LinkedHashMap<>();
        final Map<String, WorldId> worldIds = new LinkedHashMap<>();
        final Set<String> onPath = new HashSet<>();

        PackageResolver(Unresolved u, Map<PackageName, Unresolved> pool, PackageId id) {
            this.u = u;
            this.pool = pool;
            this.id = id;
        }

        /** WIT.md: "If a package contains a feature gate, its version must be specified". */
        void requireVersionForGates() {
            if (u.name().version().isPresent()) {
                return;
            }
            List<Attrs> all = new ArrayList<>();
            for (Scope s : u.scopes()) {
                for (TopItem item : s.items()) {
                    switch (item) {
                        case InterfaceDecl i -> {
                            all.add(i.attrs());
                            collectAttrs(i.items(), all);
                        }
                        case WorldDecl w -> {
                            all.add(w.attrs());
                            for (WitAst.WorldItem wi : w.items()) {
                                switch (wi) {
                                    case Use use -> all.add(use.attrs());
                                    case Include inc -> all.add(inc.attrs());
                                    case ImportExport ie -> {
                                        all.add(ie.attrs());
                                        if (ie.extern() instanceof Extern.Inline in) {
                                            collectAttrs(in.items(), all);
                                        }
                                    }
                                    case TypeDecl td -> collectAttrs(List.of(td), all);
                                }
                            }
                        }
                        case TopUse tu -> { }
                    }
                }
            }
            for (Attrs a : all) {
                if (!a.gates().isEmpty()) {
                    throw new WitException(a.gates().getFirst().span(), "package `" + u.name()
                            + "` uses feature gates, so it needs a version (`package " + u.name() + "@x.y.z;`)");
                }
            }
        }

        private static void collectAttrs(List<? extends InterfaceItem> items, List<Attrs> out) {
            for (InterfaceItem item : items) {
                switch (item) {
                    case Use use -> out.add(use.attrs());
                    case FuncDecl f -> out.add(f.attrs());
                    case ResourceDecl r -> {
                        out.add(r.attrs());
                        r.funcs().forEach(f -> out.add(f.attrs()));
                    }
                    case TypeDecl td -> out.add(td.attrs());
                }
            }
        }

        void run() {
            requireVersionForGates();
            Map<String, String> lower = new HashMap<>();
            for (Scope s : u.scopes()) {
                for (TopItem item : s.items()) {
                    Ident name;
                    Attrs attrs;
                    switch (item) {
                        case InterfaceDecl i -> {
                            name = i.name();
                            attrs = i.attrs();
                        }
                        case WorldDecl w -> {
                            name = w.name();
                            attrs = w.attrs();
                        }
                        case TopUse tu -> {
                            continue;
                        }
                    }
                    String prev = lower.putIfAbsent(name.name().toLowerCase(Locale.ROOT), name.name());
                    if (prev != null) {
                        throw new WitException(name.span(), "duplicate item named `" + name.name() + "` in package `"
                                + u.name() + "`");
                    }
                    if (enabled(attrs)) {
                        items.put(name.name(), new Named(item, s, name.span()));
                    }
                }
            }
            for (Scope s : u.scopes()) {
                Map<String, UsePath> uses = new HashMap<>();
                for (TopItem item : s.items()) {
                    if (item instanceof TopUse tu) {
                        Ident local = tu.as().orElse(switch (tu.path()) {
                            case UsePath.Local l -> l.name();
                            case UsePath.Foreign f -> f.name();
                        });
                        if (uses.put(local.name(), tu.path()) != null || lower.containsKey(
                                local.name().toLowerCase(Locale.ROOT))) {
                            throw new WitException(local.span(), "name `" + local.name() + "` is defined more than once");
                        }
                    }
                }
                topUses.put(s, uses);
            }
            // interfaces in dependency order
            List<String> order = new ArrayList<>();
            Set<String> done = new HashSet<>();
            for (Map.Entry<String, Named> e : items.entrySet()) {
                if (e.getValue().decl() instanceof InterfaceDecl) {
                    visitInterface(e.getKey(), order, done, new ArrayList<>());
                }
            }
            for (String name : order) {
                Named n = items.get(name);
                InterfaceDecl decl = (InterfaceDecl) n.decl();
                InterfaceId iid = resolveInterface(Optional.of(name), decl.attrs(), decl.items(), n.scope(), null);
                ifaceIds.put(name, iid);
            }
            interfaceNames.put(id, ifaceIds);
            worldNames.put(id, worldIds);
            List<String> worldOrder = new ArrayList<>();
            Set<String> worldsDone = new HashSet<>();
            for (Map.Entry<String, Named> e : items.entrySet()) {
                if (e.getValue().decl() instanceof WorldDecl) {
                    visitWorld(e.getKey(), worldOrder, worldsDone, new ArrayList<>());
                }
            }
            for (String name : worldOrder) {
                Named n = items.get(name);
                worldIds.put(name, resolveWorld((WorldDecl) n.decl(), n.scope()));
            }
            packages.set(id.index(), new Resolve.Package(u.name(), u.docs(), List.copyOf(ifaceIds.values()),
                    List.copyOf(worldIds.values())));
        }

        /** The local interface a path names, if it names one of this package (directly or via a top-level use). */
        Optional<String> localTarget(UsePath path, Scope scope) {
            switch (path) {
                case UsePath.Local l -> {
                    UsePath viaUse = topUses.get(scope).get(l.name().name());
                    if (viaUse instanceof UsePath.Local target) {
                        // `use x as y;` at the top level names package item `x`; it is not looked up again
                        return Optional.of(target.name().name());
                    }
                    if (viaUse != null) {
                        return localTarget(viaUse, scope);
                    }
                    return Optional.of(l.name().name());
                }
                case UsePath.Foreign f -> {
                    return f.pkg().sameNameAs(u.name()) && matches(f.pkg(), u.name())
                            ? Optional.of(f.name().name()) : Optional.empty();
                }
            }
        }

        void visitInterface(String name, List<String> order, Set<String> done, List<String> path) {
            if (done.contains(name)) {
                return;
            }
            if (onPath.contains(name)) {
                Named n = items.get(name);
                throw new WitException(n.span(), "interface `" + name + "` depends on itself through `use`: "
                        + String.join(" -> ", path.subList(path.indexOf(name), path.size())) + " -> " + name);
            }
            Named n = items.get(name);
            path.add(name);
            onPath.add(name);
            for (InterfaceItem it : ((InterfaceDecl) n.decl()).items()) {
                if (it instanceof Use use && enabled(use.attrs())) {
                    Optional<String> target = localTarget(use.path(), n.scope());
                    if (target.isPresent() && items.get(target.get()) != null
                            && items.get(target.get()).decl() instanceof InterfaceDecl) {
                        visitInterface(target.get(), order, done, path);
                    }
                }
            }
            onPath.remove(name);
            path.removeLast();
            done.add(name);
            order.add(name);
        }

        void visitWorld(String name, List<String> order, Set<String> done, List<String> path) {
            if (done.contains(name)) {
                return;
            }
            Named n = items.get(name);
            if (path.contains(name)) {
                throw new WitException(n.span(), "world `" + name + "` includes itself: "
                        + String.join(" -> ", path.subList(path.indexOf(name), path.size())) + " -> " + name);
            }
            path.add(name);
            for (WitAst.WorldItem it : ((WorldDecl) n.decl()).items()) {
                if (it instanceof Include inc && enabled(inc.attrs())) {
                    Optional<String> target = localTarget(inc.path(), n.scope());
                    if (target.isPresent() && items.get(target.get()) != null
                            && items.get(target.get()).decl() instanceof WorldDecl) {
                        visitWorld(target.get(), order, done, path);
                    }
                }
            }
            path.removeLast();
            done.add(name);
            order.add(name);
        }

        /** The package a foreign path refers to (already resolved, since packages go in dependency order). */
        PackageId foreignPackage(UsePath.Foreign f) {
            PackageName name = findPackage(f.pkg(), packageIds.keySet()).orElseThrow(
                    () -> new WitException(f.span(), "package `" + f.pkg() + "` not found"));
            return packageIds.get(name);
        }

        InterfaceId interfaceRef(UsePath path, Scope scope) {
            Optional<String> local = localTarget(path, scope);
            if (local.isPresent()) {
                InterfaceId iid = ifaceIds.get(local.get());
                if (iid == null) {
                    Named n = items.get(local.get());
                    String what = n != null && n.decl() instanceof WorldDecl ? "`" + local.get() + "` is a world, not an interface"
                            : "interface `" + local.get() + "` does not exist";
                    throw new WitException(path.span(), what);
                }
                return iid;
            }
            UsePath target = path;
            if (path instanceof UsePath.Local l) {
                target = topUses.get(scope).get(l.name().name());
            }
            UsePath.Foreign f = (UsePath.Foreign) target;
            PackageId pid = foreignPackage(f);
            InterfaceId iid = interfaceNames.get(pid).get(f.name().name());
            if (iid == null) {
                throw new WitException(path.span(), "interface `" + f.name().name() + "` does not exist in package `"
                        + packages.get(pid.index()).name() + "`");
            }
            return iid;
        }

        WorldId worldRef(UsePath path, Scope scope) {
            Optional<String> local = localTarget(path, scope);
            if (local.isPresent()) {
                WorldId wid = worldIds.get(local.get());
                if (wid == null) {
                    throw new WitException(path.span(), "world `" + local.get() + "` does not exist");
                }
                return wid;
            }
            UsePath target = path instanceof UsePath.Local l ? topUses.get(scope).get(l.name().name()) : path;
            UsePath.Foreign f = (UsePath.Foreign) target;
            PackageId pid = foreignPackage(f);
            WorldId wid = worldNames.get(pid).get(f.name().name());
            if (wid == null) {
                throw new WitException(path.span(), "world `" + f.name().name() + "` does not exist in package `"
                        + packages.get(pid.index()).name() + "`");
            }
            return wid;
        }

        // ---- interfaces

        /**
         * Resolves an interface body (a named interface, or an inline one in a world when {@code name} is empty).
         */
        InterfaceId resolveInterface(Optional<String> name, Attrs attrs, List<InterfaceItem> items, Scope scope,
                Object unused) {
            InterfaceId iid = new InterfaceId(interfaces.size());
            interfaces.add(null);
            TypeScope ts = new TypeScope(new TypeDef.Owner.OfInterface(iid));
            List<FuncDecl> funcs = new ArrayList<>();
            for (InterfaceItem item : items) {
                switch (item) {
                    case Use use when enabled(use.attrs()) -> ts.use(use, interfaceRef(use.path(), scope));
                    case TypeDecl td when enabled(td.attrs()) -> ts.declare(td);
                    case FuncDecl fd when enabled(fd.attrs()) -> {
                        ts.claim(fd.name());
                        funcs.add(fd);
                    }
                    default -> { }
                }
            }
            ts.resolveBodies();
            List<Function> functions = new ArrayList<>(ts.resourceFunctions);
            for (FuncDecl fd : funcs) {
                functions.add(ts.function(fd.name().name(), new Function.Kind.Freestanding(), fd.sig(), fd.attrs(),
                        List.of(), Optional.empty()));
            }
            interfaces.set(iid.index(), new Resolve.Interface(name, id, attrs.docs(), stability(attrs), ts.ids,
                    functions));
            return iid;
        }

        /** Names and types of one interface or world under resolution. */
        final class TypeScope {
            final TypeDef.Owner owner;
            final Map<String, TypeId> names = new HashMap<>();
            final Map<String, String> claimed = new HashMap<>();
            final List<TypeId> ids = new ArrayList<>();
            final Map<TypeId, TypeDecl> pending = new LinkedHashMap<>();
            final List<Function> resourceFunctions = new ArrayList<>();
            final List<Map.Entry<Ident, TypeId>> handleChecks = new ArrayList<>();
            boolean bodiesDone;

            TypeScope(TypeDef.Owner owner) {
                this.owner = owner;
            }

            void claim(Ident name) {
                String prev = claimed.putIfAbsent(name.name().toLowerCase(Locale.ROOT), name.name());
                if (prev != null) {
                    throw new WitException(name.span(), "name `" + name.name() + "` is defined more than once");
                }
            }

            TypeId add(Ident name, TypeDef def) {
                claim(name);
                TypeId tid = new TypeId(types.size());
                types.add(def);
                names.put(name.name(), tid);
                ids.add(tid);
                return tid;
            }

            void use(Use use, InterfaceId from) {
                Resolve.Interface target = interfaces.get(from.index());
                for (UseName n : use.names()) {
                    TypeId found = null;
                    for (TypeId t : target.types()) {
                        if (types.get(t.index()).name().equals(n.name().name())) {
                            found = t;
                        }
                    }
                    if (found == null) {
                        throw new WitException(n.name().span(), "type `" + n.name().name()
                                + "` does not exist in interface `" + interfaceLabel(from) + "`");
                    }
                    add(n.local(), new TypeDef(n.local().name(), owner, use.attrs().docs(), stability(use.attrs()),
                            new TypeDef.Use(found)));
                }
            }

            void declare(TypeDecl td) {
                TypeId tid = add(td.name(), null);
                pending.put(tid, td);
            }

            void resolveBodies() {
                for (Map.Entry<TypeId, TypeDecl> e : pending.entrySet()) {
                    TypeDecl td = e.getValue();
                    TypeDef.Kind kind = switch (td) {
                        case RecordDecl r -> {
                            uniqueLabels(r.fields().stream().map(Field::name).toList(), "field");
                            yield new TypeDef.Record(r.fields().stream()
                                    .map(f -> new TypeDef.Field(f.name().name(), type(f.type()), f.docs())).toList());
                        }
                        case VariantDecl v -> {
                            uniqueLabels(v.cases().stream().map(Case::name).toList(), "case");
                            yield new TypeDef.Variant(v.cases().stream().map(c -> new TypeDef.Case(c.name().name(),
                                    c.type().map(this::type), c.docs())).toList());
                        }
                        case EnumDecl en -> {
                            uniqueLabels(en.cases().stream().map(Label::name).toList(), "case");
                            yield new TypeDef.Enum(en.cases().stream()
                                    .map(l -> new TypeDef.Label(l.name().name(), l.docs())).toList());
                        }
                        case FlagsDecl fl -> {
                            uniqueLabels(fl.flags().stream().map(Label::name).toList(), "flag");
                            yield new TypeDef.Flags(fl.flags().stream()
                                    .map(l -> new TypeDef.Label(l.name().name(), l.docs())).toList());
                        }
                        case ResourceDecl r -> new TypeDef.Resource();
                        case AliasDecl a -> new TypeDef.Alias(type(a.type()));
                    };
                    types.set(e.getKey().index(), new TypeDef(td.name().name(), owner, td.attrs().docs(),
                            stability(td.attrs()), kind));
                }
                checkCycles();
                bodiesDone = true;
                for (Map.Entry<Ident, TypeId> h : handleChecks) {
                    checkResource(h.getKey(), h.getValue());
                }
                for (Map.Entry<TypeId, TypeDecl> e : pending.entrySet()) {
                    if (e.getValue() instanceof ResourceDecl r) {
                        resourceFunctions(e.getKey(), r);
                    }
                }
            }

            /** Handles name resources; checked once every body is known (aliases may come later in the text). */
            private void checkResource(Ident name, TypeId t) {
                TypeId def = definition(t);
                if (!(types.get(def.index()).kind() instanceof TypeDef.Resource)) {
                    throw new WitException(name.span(), "type `" + name.name()
                            + "` is not a resource, so it cannot be used in `own<...>` or `borrow<...>`");
                }
            }

            private void uniqueLabels(List<Ident> labels, String what) {
                Set<String> seen = new HashSet<>();
                for (Ident l : labels) {
                    if (!seen.add(l.name().toLowerCase(Locale.ROOT))) {
                        throw new WitException(l.span(), what + " `" + l.name() + "` is defined more than once");
                    }
                }
            }

            private TypeId definition(TypeId t) {
                TypeId cur = t;
                while (true) {
                    TypeDef d = types.get(cur.index());
                    if (d.kind() instanceof TypeDef.Use use) {
                        cur = use.target();
                    } else if (d.kind() instanceof TypeDef.Alias a && a.target() instanceof WitType.Ref r) {
                        cur = r.id();
                    } else {
                        return cur;
                    }
                }
            }

            /** Rejects recursive types among this scope's definitions (WIT types cannot be recursive). */
            private void checkCycles() {
                Map<TypeId, Integer> state = new HashMap<>();
                for (TypeId t : pending.keySet()) {
                    cycleVisit(t, state, new ArrayList<>());
                }
            }

            private void cycleVisit(TypeId t, Map<TypeId, Integer> state, List<TypeId> path) {
                if (!pending.containsKey(t)) {
                    return;
                }
                Integer s = state.get(t);
                if (s != null && s == 2) {
                    return;
                }
                if (s != null) {
                    TypeDecl td = pending.get(t);
                    throw new WitException(td.name().span(), "type `" + td.name().name() + "` depends on itself"
                            + (path.size() > 1 ? " through " + String.join(" -> ", path.subList(path.indexOf(t),
                                    path.size()).stream().map(i -> types.get(i.index()).name()).toList()) : ""));
                }
                state.put(t, 1);
                path.add(t);
                List<TypeId> refs = new ArrayList<>();
                switch (types.get(t.index()).kind()) {
                    case TypeDef.Record r -> r.fields().forEach(f -> refs(f.type(), refs));
                    case TypeDef.Variant v -> v.cases().forEach(c -> c.type().ifPresent(x -> refs(x, refs)));
                    case TypeDef.Alias a -> refs(a.target(), refs);
                    default -> { }
                }
                for (TypeId r : refs) {
                    cycleVisit(r, state, path);
                }
                path.removeLast();
                state.put(t, 2);
            }

            private void refs(WitType t, List<TypeId> out) {
                switch (t) {
                    case WitType.Ref r -> out.add(r.id());
                    case WitType.Handle h -> out.add(h.resource());
                    case WitType.ListOf l -> refs(l.element(), out);
                    case WitType.FixedListOf l -> refs(l.element(), out);
                    case WitType.OptionOf o -> refs(o.inner(), out);
                    case WitType.ResultOf r -> {
                        r.ok().ifPresent(x -> refs(x, out));
                        r.err().ifPresent(x -> refs(x, out));
                    }
                    case WitType.TupleOf tu -> tu.types().forEach(x -> refs(x, out));
                    case WitType.MapOf m -> {
                        refs(m.key(), out);
                        refs(m.value(), out);
                    }
                    case WitType.FutureOf f -> f.payload().ifPresent(x -> refs(x, out));
                    case WitType.StreamOf s -> s.payload().ifPresent(x -> refs(x, out));
                    case WitType.Primitive p -> { }
                }
            }

            TypeId lookup(Ident name) {
                TypeId t = names.get(name.name());
                if (t == null) {
                    String hint = switch (name.name()) {
                        case "float32" -> " (`float32` is now written `f32`)";
                        case "float64" -> " (`float64` is now written `f64`)";
                        default -> "";
                    };
                    throw new WitException(name.span(), "type `" + name.name() + "` does not exist" + hint);
                }
                return t;
            }

            WitType type(TypeExpr e) {
                return switch (e) {
                    case TypeExpr.Prim p -> p.type();
                    case TypeExpr.Named n -> new WitType.Ref(lookup(n.name()));
                    case TypeExpr.ListOf l -> new WitType.ListOf(type(l.element()));
                    case TypeExpr.FixedListOf l -> new WitType.FixedListOf(type(l.element()), l.length());
                    case TypeExpr.OptionOf o -> new WitType.OptionOf(type(o.inner()));
                    case TypeExpr.ResultOf r -> new WitType.ResultOf(r.ok().map(this::type), r.err().map(this::type));
                    case TypeExpr.TupleOf t -> new WitType.TupleOf(t.types().stream().map(this::type).toList());
                    case TypeExpr.MapOf m -> {
                        WitType key = type(m.key());
                        if (!(key instanceof WitType.Primitive p) || p == WitType.Primitive.F32
                                || p == WitType.Primitive.F64 || p == WitType.Primitive.ERROR_CONTEXT) {
                            throw new WitException(m.key().span(), "map keys must be integers, `char`, `bool` or `string`");
                        }
                        yield new WitType.MapOf(key, type(m.value()));
                    }
                    case TypeExpr.Handle h -> {
                        TypeId r = lookup(h.resource());
                        if (bodiesDone) {
                            checkResource(h.resource(), r);
                        } else {
                            handleChecks.add(Map.entry(h.resource(), r));
                        }
                        yield new WitType.Handle(h.borrow(), r);
                    }
                    case TypeExpr.FutureOf f -> new WitType.FutureOf(f.payload().map(this::type));
                    case TypeExpr.StreamOf s -> new WitType.StreamOf(s.payload().map(this::type));
                };
            }

            private void resourceFunctions(TypeId rid, ResourceDecl r) {
                String rname = r.name().name();
                Set<String> seen = new HashSet<>();
                for (ResourceFunc rf : r.funcs()) {
                    if (!enabled(rf.attrs())) {
                        continue;
                    }
                    if (!seen.add(rf.kind() == ResourceFuncKind.CONSTRUCTOR ? "[constructor]"
                            : rf.name().name().toLowerCase(Locale.ROOT))) {
                        throw new WitException(rf.name().span(), rf.kind() == ResourceFuncKind.CONSTRUCTOR
                                ? "resource `" + rname + "` has more than one constructor"
                                : "function `" + rf.name().name() + "` is defined more than once in resource `" + rname + "`");
                    }
                    switch (rf.kind()) {
                        case CONSTRUCTOR -> {
                            WitType result = new WitType.Ref(rid);
                            if (rf.sig().result().isPresent()) {
                                TypeExpr written = rf.sig().result().get();
                                if (!(written instanceof TypeExpr.ResultOf ro && ro.ok().isPresent()
                                        && ro.ok().get() instanceof TypeExpr.Named n && n.name().name().equals(rname))) {
                                    throw new WitException(written.span(), "a constructor may only return `result<"
                                            + rname + ", E>` (or nothing)");
                                }
                                result = type(written);
                            }
                            resourceFunctions.add(function("[constructor]" + rname,
                                    new Function.Kind.Constructor(rid), rf.sig(), rf.attrs(), List.of(),
                                    Optional.of(result)));
                        }
                        case METHOD -> resourceFunctions.add(function("[method]" + rname + "." + rf.name().name(),
                                new Function.Kind.Method(rid), rf.sig(), rf.attrs(),
                                List.of(new Function.Param("self", new WitType.Handle(true, rid))), Optional.empty()));
                        case STATIC -> resourceFunctions.add(function("[static]" + rname + "." + rf.name().name(),
                                new Function.Kind.Static(rid), rf.sig(), rf.attrs(), List.of(), Optional.empty()));
                    }
                }
            }

            Function function(String name, Function.Kind kind, FuncSig sig, Attrs attrs, List<Function.Param> implicit,
                    Optional<WitType> fixedResult) {
                List<Function.Param> params = new ArrayList<>(implicit);
                Set<String> seen = new HashSet<>();
                implicit.forEach(p -> seen.add(p.name()));
                for (Param p : sig.params()) {
                    if (!seen.add(p.name().name().toLowerCase(Locale.ROOT))) {
                        throw new WitException(p.name().span(), "parameter `" + p.name().name()
                                + "` is defined more than once");
                    }
                    params.add(new Function.Param(p.name().name(), type(p.type())));
                }
                Optional<WitType> result = fixedResult.isPresent() ? fixedResult : sig.result().map(this::type);
                return new Function(name, kind, sig.async(), params, result, attrs.docs(), stability(attrs));
            }
        }

        String interfaceLabel(InterfaceId iid) {
            Resolve.Interface i = interfaces.get(iid.index());
            return i.name().map(n -> packages.get(i.pkg().index()) == null ? u.name().qualify(n)
                    : packages.get(i.pkg().index()).name().qualify(n)).orElse("(inline)");
        }

        // ---- worlds

        WorldId resolveWorld(WorldDecl decl, Scope scope) {
            WorldId wid = new WorldId(worlds.size());
            worlds.add(null);
            TypeScope ts = new TypeScope(new TypeDef.Owner.OfWorld(wid));
            Items imports = new Items("import");
            Items exports = new Items("export");
            for (WitAst.WorldItem item : decl.items()) {
                switch (item) {
                    case Use use when enabled(use.attrs()) -> {
                        int before = ts.ids.size();
                        ts.use(use, interfaceRef(use.path(), scope));
                        for (TypeId t : ts.ids.subList(before, ts.ids.size())) {
                            String n = types.get(t.index()).name();
                            imports.add(new WorldItem.TypeItem(new WorldKey.Name(n), t, stability(use.attrs())),
                                    use.path().span());
                        }
                    }
                    case TypeDecl td when enabled(td.attrs()) -> {
                        ts.declare(td);
                        TypeId t = ts.names.get(td.name().name());
                        imports.add(new WorldItem.TypeItem(new WorldKey.Name(td.name().name()), t,
                                stability(td.attrs())), td.name().span());
                    }
                    case ImportExport ie when enabled(ie.attrs()) -> {
                        Items target = ie.isImport() ? imports : exports;
                        Stability st = stability(ie.attrs());
                        switch (ie.extern()) {
                            case Extern.Func f -> target.addDeferredFunction(f, ie.attrs());
                            case Extern.Inline in -> {
                                InterfaceId iid = resolveInterface(Optional.empty(), ie.attrs(), in.items(), scope, null);
                                target.add(new WorldItem.InterfaceItem(new WorldKey.Name(in.name().name()), iid,
                                        ie.attrs().docs(), st), in.name().span());
                            }
                            case Extern.Path p -> target.add(new WorldItem.InterfaceItem(
                                    new WorldKey.Of(interfaceRef(p.path(), scope)), interfaceRef(p.path(), scope),
                                    ie.attrs().docs(), st), p.path().span());
                            case Extern.NamedPath p -> target.add(new WorldItem.InterfaceItem(
                                    new WorldKey.Name(p.name().name()), interfaceRef(p.path(), scope),
                                    ie.attrs().docs(), st), p.name().span());
                        }
                    }
                    case Include inc when enabled(inc.attrs()) -> include(inc, worldRef(inc.path(), scope), imports,
                            exports);
                    default -> { }
                }
            }
            ts.resolveBodies();
            for (Function f : ts.resourceFunctions) {
                // functions of resources defined in the world are imports, like the resources themselves
                imports.add(new WorldItem.FunctionItem(new WorldKey.Name(f.name()), f), decl.name().span());
            }
            imports.finishFunctions(ts);
            exports.finishFunctions(ts);
            List<WorldItem> elaboratedImports = elaborate(imports, exports);
            worlds.set(wid.index(), new Resolve.World(decl.name().name(), id, decl.attrs().docs(),
                    stability(decl.attrs()), elaboratedImports, List.copyOf(exports.items.values())));
            return wid;
        }

        /** Imports or exports of a world under construction, keyed for uniqueness. */
        final class Items {
            final String what;
            final LinkedHashMap<String, WorldItem> items = new LinkedHashMap<>();
            final Map<String, Map.Entry<Extern.Func, Attrs>> deferred = new HashMap<>();

            Items(String what) {
                this.what = what;
            }

            static String key(WorldKey k) {
                return switch (k) {
                    case WorldKey.Name n -> "name:" + n.name().toLowerCase(Locale.ROOT);
                    case WorldKey.Of o -> "iface:" + o.id().index();
                };
            }

            boolean has(WorldKey k) {
                return items.containsKey(key(k));
            }

            void add(WorldItem item, Span span) {
                if (items.putIfAbsent(key(item.key()), item) != null) {
                    throw new WitException(span, what + " `" + keyLabel(item.key()) + "` is defined more than once");
                }
            }

            /** Functions need the world's types, which resolve after all items are seen: keep the slot now. */
            void addDeferredFunction(Extern.Func f, Attrs attrs) {
                WorldKey key = new WorldKey.Name(f.name().name());
                add(new WorldItem.FunctionItem(key, new Function(f.name().name(), new Function.Kind.Freestanding(),
                        false, List.of(), Optional.empty(), Optional.empty(), Stability.UNKNOWN)), f.name().span());
                deferred.put(key(key), Map.entry(f, attrs));
            }

            void finishFunctions(TypeScope ts) {
                for (Map.Entry<String, Map.Entry<Extern.Func, Attrs>> e : deferred.entrySet()) {
                    Extern.Func f = e.getValue().getKey();
                    Function fn = ts.function(f.name().name(), new Function.Kind.Freestanding(), f.sig(),
                            e.getValue().getValue(), List.of(), Optional.empty());
                    items.put(e.getKey(), new WorldItem.FunctionItem(new WorldKey.Name(f.name().name()), fn));
                }
            }
        }

        String keyLabel(WorldKey k) {
            return switch (k) {
                case WorldKey.Name n -> n.name();
                case WorldKey.Of o -> interfaceLabel(o.id());
            };
        }

        void include(Include inc, WorldId from, Items imports, Items exports) {
            Resolve.World w = worlds.get(from.index());
            Map<String, IncludeName> renames = new HashMap<>();
            for (IncludeName n : inc.with()) {
                boolean known = false;
                for (WorldItem wi : concat(w.imports(), w.exports())) {
                    known |= wi.key() instanceof WorldKey.Name kn && kn.name().equals(n.name().name());
                }
                if (!known) {
                    throw new WitException(n.name().span(), "`with` name `" + n.name().name()
                            + "` is not a plain-name import or export of world `" + w.name() + "`");
                }
                if (renames.put(n.name().name(), n) != null) {
                    throw new WitException(n.name().span(), "`" + n.name().name() + "` is renamed more than once");
                }
            }
            merge(w.imports(), imports, renames, w, inc);
            merge(w.exports(), exports, renames, w, inc);
        }

        private static List<WorldItem> concat(List<WorldItem> a, List<WorldItem> b) {
            List<WorldItem> out = new ArrayList<>(a);
            out.addAll(b);
            return out;
        }

        private void merge(List<WorldItem> from, Items into, Map<String, IncludeName> renames, Resolve.World w,
                Include inc) {
            for (WorldItem wi : from) {
                if (wi.key() instanceof WorldKey.Of) {
                    into.items.putIfAbsent(Items.key(wi.key()), wi);
                    continue;
                }
                String name = ((WorldKey.Name) wi.key()).name();
                IncludeName rename = renames.get(name);
                String newName = rename == null ? name : rename.as().name();
                WorldKey key = new WorldKey.Name(newName);
                WorldItem renamed = switch (wi) {
                    case WorldItem.InterfaceItem ii -> new WorldItem.InterfaceItem(key, ii.id(), ii.docs(),
                            ii.stability());
                    case WorldItem.FunctionItem fi -> new WorldItem.FunctionItem(key, new Function(newName,
                            fi.function().kind(), fi.function().async(), fi.function().params(),
                            fi.function().result(), fi.function().docs(), fi.function().stability()));
                    case WorldItem.TypeItem ti -> new WorldItem.TypeItem(key, ti.id(), ti.stability());
                };
                if (into.has(key)) {
                    throw new WitException(rename == null ? inc.path().span() : rename.as().span(), into.what + " `"
                            + newName + "` of included world `" + w.name() + "` conflicts with an existing "
                            + into.what + (rename == null ? "; rename it with `with { " + name + " as ... }`" : ""));
                }
                into.items.put(Items.key(key), renamed);
            }
        }

        /**
         * Adds, before each import, the interfaces it depends on through {@code use} (transitively) that are not
         * imported yet; then imports the dependencies of exports that are not themselves exported.
         */
        List<WorldItem> elaborate(Items imports, Items exports) {
            LinkedHashMap<String, WorldItem> out = new LinkedHashMap<>();
            for (Map.Entry<String, WorldItem> e : imports.items.entrySet()) {
                for (InterfaceId dep : dependencies(e.getValue())) {
                    WorldKey k = new WorldKey.Of(dep);
                    if (!imports.has(k) || !out.containsKey(Items.key(k))) {
                        out.putIfAbsent(Items.key(k), imports.items.getOrDefault(Items.key(k),
                                new WorldItem.InterfaceItem(k, dep, Optional.empty(), Stability.UNKNOWN)));
                    }
                }
                out.putIfAbsent(e.getKey(), e.getValue());
            }
            for (WorldItem ex : exports.items.values()) {
                for (InterfaceId dep : dependencies(ex)) {
                    WorldKey k = new WorldKey.Of(dep);
                    if (!exports.has(k)) {
                        out.putIfAbsent(Items.key(k), new WorldItem.InterfaceItem(k, dep, Optional.empty(),
                                Stability.UNKNOWN));
                    }
                }
            }
            return List.copyOf(out.values());
        }

        private List<InterfaceId> dependencies(WorldItem item) {
            List<InterfaceId> out = new ArrayList<>();
            switch (item) {
                case WorldItem.InterfaceItem ii -> interfaceDeps(ii.id(), out);
                case WorldItem.TypeItem ti -> typeDeps(ti.id(), out);
                case WorldItem.FunctionItem fi -> { }
            }
            return out;
        }

        private void interfaceDeps(InterfaceId iid, List<InterfaceId> out) {
            for (TypeId t : interfaces.get(iid.index()).types()) {
                typeDeps(t, out);
            }
        }

        private void typeDeps(TypeId t, List<InterfaceId> out) {
            if (types.get(t.index()).kind() instanceof TypeDef.Use use
                    && types.get(use.target().index()).owner() instanceof TypeDef.Owner.OfInterface oi) {
                if (!out.contains(oi.id())) {
                    interfaceDeps(oi.id(), out);
                    if (!out.contains(oi.id())) {
                        out.add(oi.id());
                    }
                }
            }
        }
    }

    private void resolvePackage(Unresolved u, Map<PackageName, Unresolved> pool) {
        PackageId pid = new PackageId(packages.size());
        packages.add(null);
        packageIds.put(u.name(), pid);
        new PackageResolver(u, pool, pid).run();
    }
}
