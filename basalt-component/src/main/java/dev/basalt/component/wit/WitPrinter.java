package dev.basalt.component.wit;

import dev.basalt.component.wit.Resolve.InterfaceId;
import dev.basalt.component.wit.Resolve.PackageId;
import dev.basalt.component.wit.Resolve.TypeId;
import dev.basalt.component.wit.Resolve.WorldItem;
import dev.basalt.component.wit.Resolve.WorldKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prints a resolved package back as WIT text: one {@code package} declaration, its named interfaces, then its
 * worlds (with their elaborated imports and exports; {@code include}s appear flattened). References to other
 * packages are written fully qualified. Parsing and resolving the output (with the same dependencies and
 * features) gives an equal {@link Resolve}; this is tested over the WASI packages.
 *
 * <p>Resource functions are printed inside their resource's block; identifiers that are keywords get a {@code %}.
 */
public final class WitPrinter {
    private final Resolve resolve;
    private final PackageId pkg;
    private final StringBuilder out = new StringBuilder();
    private int indent;

    private WitPrinter(Resolve resolve, PackageId pkg) {
        this.resolve = resolve;
        this.pkg = pkg;
    }

    /** The WIT text of package {@code pkg} of {@code resolve}. */
    public static String print(Resolve resolve, PackageId pkg) {
        WitPrinter p = new WitPrinter(resolve, pkg);
        p.printPackage(false);
        return p.out.toString();
    }

    /**
     * The WIT text of package {@code pkg} as a nested package block ({@code package ns:name { ... }}), as it
     * follows a file's own package when one file holds several packages.
     */
    public static String printNested(Resolve resolve, PackageId pkg) {
        WitPrinter p = new WitPrinter(resolve, pkg);
        p.printPackage(true);
        return p.out.toString();
    }

    private void line(String s) {
        out.append("  ".repeat(indent)).append(s).append('\n');
    }

    private void docs(Optional<String> docs) {
        docs.ifPresent(d -> {
            for (String l : d.split("\n", -1)) {
                line(l.isEmpty() ? "///" : "/// " + l);
            }
        });
    }

    private void gates(Stability s) {
        switch (s) {
            case Stability.Stable st -> {
                line("@since(version = " + st.since() + ")");
                st.deprecated().ifPresent(d -> line("@deprecated(version = " + d + ")"));
            }
            case Stability.Unstable un -> {
                line("@unstable(feature = " + id(un.feature()) + ")");
                un.deprecated().ifPresent(d -> line("@deprecated(version = " + d + ")"));
            }
            case Stability.Unknown u -> { }
        }
    }

    /** An identifier, {@code %}-escaped when it is a keyword. */
    static String id(String name) {
        return WitParser.KEYWORDS.contains(name) ? "%" + name : name;
    }

    private void printPackage(boolean nested) {
        Resolve.Package p = resolve.pkg(pkg);
        docs(p.docs());
        if (nested) {
            line("package " + p.name() + " {");
            indent++;
        } else {
            line("package " + p.name() + ";");
        }
        boolean first = true;
        for (InterfaceId i : p.interfaces()) {
            Resolve.Interface iface = resolve.iface(i);
            if (!nested || !first) {
                out.append('\n');
            }
            first = false;
            docs(iface.docs());
            gates(iface.stability());
            line("interface " + id(iface.name().orElseThrow()) + " {");
            interfaceBody(i);
            line("}");
        }
        for (Resolve.WorldId w : p.worlds()) {
            Resolve.World world = resolve.world(w);
            if (!nested || !first) {
                out.append('\n');
            }
            first = false;
            docs(world.docs());
            gates(world.stability());
            line("world " + id(world.name()) + " {");
            indent++;
            List<Function> worldFunctions = new ArrayList<>();
            for (WorldItem item : world.imports()) {
                if (item instanceof WorldItem.FunctionItem fi) {
                    worldFunctions.add(fi.function());
                }
            }
            for (WorldItem item : world.imports()) {
                worldItem("import", item, worldFunctions);
            }
            for (WorldItem item : world.exports()) {
                worldItem("export", item, worldFunctions);
            }
            indent--;
            line("}");
        }
        if (nested) {
            indent--;
            line("}");
        }
    }

    private void interfaceBody(InterfaceId i) {
        Resolve.Interface iface = resolve.iface(i);
        indent++;
        boolean first = true;
        for (TypeId t : iface.types()) {
            boolean isUse = resolve.type(t).kind() instanceof TypeDef.Use;
            if (!first && !isUse) {
                out.append('\n');
            }
            first = false;
            typeDef(t, iface.functions());
        }
        for (Function f : iface.functions()) {
            if (f.kind() instanceof Function.Kind.Freestanding) {
                if (!first) {
                    out.append('\n');
                }
                first = false;
                docs(f.docs());
                gates(f.stability());
                line(id(f.name()) + ": " + signature(f, 0) + ";");
            }
        }
        indent--;
    }

    private void worldItem(String direction, WorldItem item, List<Function> worldFunctions) {
        switch (item) {
            case WorldItem.TypeItem ti -> typeDef(ti.id(), worldFunctions);
            case WorldItem.FunctionItem fi when !(fi.function().kind() instanceof Function.Kind.Freestanding) -> {
                // printed inside its resource's block
            }
            case WorldItem.FunctionItem fi -> {
                docs(fi.function().docs());
                gates(fi.function().stability());
                line(direction + " " + id(fi.function().name()) + ": " + signature(fi.function(), 0) + ";");
            }
            case WorldItem.InterfaceItem ii -> {
                docs(ii.docs());
                gates(ii.stability());
                Resolve.Interface iface = resolve.iface(ii.id());
                switch (ii.key()) {
                    case WorldKey.Of o -> line(direction + " " + path(o.id()) + ";");
                    case WorldKey.Name n when iface.name().isPresent() ->
                            line(direction + " " + id(n.name()) + ": " + path(ii.id()) + ";");
                    case WorldKey.Name n -> {
                        line(direction + " " + id(n.name()) + ": interface {");
                        interfaceBody(ii.id());
                        line("}");
                    }
                }
            }
        }
    }

    /** How this package refers to an interface: its bare name at home, qualified elsewhere. */
    private String path(InterfaceId i) {
        Resolve.Interface iface = resolve.iface(i);
        String name = id(iface.name().orElseThrow());
        if (iface.pkg().equals(pkg)) {
            return name;
        }
        PackageName pn = resolve.pkg(iface.pkg()).name();
        return id(pn.namespace()) + ":" + id(pn.name()) + "/" + name + pn.version().map(v -> "@" + v).orElse("");
    }

    private void typeDef(TypeId t, List<Function> functions) {
        TypeDef def = resolve.type(t);
        String name = id(def.name());
        if (def.kind() instanceof TypeDef.Use use) {
            TypeDef target = resolve.type(use.target());
            InterfaceId from = ((TypeDef.Owner.OfInterface) target.owner()).id();
            docs(def.docs());
            gates(def.stability());
            String names = target.name().equals(def.name()) ? name : id(target.name()) + " as " + name;
            line("use " + path(from) + ".{" + names + "};");
            return;
        }
        docs(def.docs());
        gates(def.stability());
        switch (def.kind()) {
            case TypeDef.Record r -> {
                line("record " + name + " {");
                indent++;
                for (TypeDef.Field f : r.fields()) {
                    docs(f.docs());
                    line(id(f.name()) + ": " + type(f.type()) + ",");
                }
                indent--;
                line("}");
            }
            case TypeDef.Variant v -> {
                line("variant " + name + " {");
                indent++;
                for (TypeDef.Case c : v.cases()) {
                    docs(c.docs());
                    line(id(c.name()) + c.type().map(x -> "(" + type(x) + ")").orElse("") + ",");
                }
                indent--;
                line("}");
            }
            case TypeDef.Enum e -> labels("enum", name, e.cases());
            case TypeDef.Flags f -> labels("flags", name, f.flags());
            case TypeDef.Alias a -> line("type " + name + " = " + type(a.target()) + ";");
            case TypeDef.Resource r -> {
                List<Function> mine = new ArrayList<>();
                for (Function f : functions) {
                    TypeId owner = switch (f.kind()) {
                        case Function.Kind.Method m -> m.resource();
                        case Function.Kind.Static s -> s.resource();
                        case Function.Kind.Constructor c -> c.resource();
                        case Function.Kind.Freestanding x -> null;
                    };
                    if (t.equals(owner)) {
                        mine.add(f);
                    }
                }
                if (mine.isEmpty()) {
                    line("resource " + name + ";");
                    return;
                }
                line("resource " + name + " {");
                indent++;
                for (Function f : mine) {
                    docs(f.docs());
                    gates(f.stability());
                    switch (f.kind()) {
                        case Function.Kind.Constructor c -> {
                            String params = params(f, 0);
                            boolean written = !(f.result().orElseThrow() instanceof WitType.Ref);
                            line("constructor(" + params + ")" + (written ? " -> " + type(f.result().get()) : "") + ";");
                        }
                        case Function.Kind.Static s -> line(id(f.itemName()) + ": static " + signature(f, 0) + ";");
                        default -> line(id(f.itemName()) + ": " + signature(f, 1) + ";");
                    }
                }
                indent--;
                line("}");
            }
            case TypeDef.Use u -> throw new AssertionError("handled above");
        }
    }

    private void labels(String keyword, String name, List<TypeDef.Label> labels) {
        line(keyword + " " + name + " {");
        indent++;
        for (TypeDef.Label l : labels) {
            docs(l.docs());
            line(id(l.name()) + ",");
        }
        indent--;
        line("}");
    }

    private String params(Function f, int skip) {
        List<String> ps = new ArrayList<>();
        for (Function.Param p : f.params().subList(skip, f.params().size())) {
            ps.add(id(p.name()) + ": " + type(p.type()));
        }
        return String.join(", ", ps);
    }

    /** {@code [async] func(params) [-> result]}, leaving out the first {@code skip} (implicit) parameters. */
    private String signature(Function f, int skip) {
        return (f.async() ? "async " : "") + "func(" + params(f, skip) + ")"
                + f.result().map(r -> " -> " + type(r)).orElse("");
    }

    /** A type expression. */
    String type(WitType t) {
        return switch (t) {
            case WitType.Primitive p -> p.wit();
            case WitType.Ref r -> id(resolve.type(r.id()).name());
            case WitType.ListOf l -> "list<" + type(l.element()) + ">";
            case WitType.FixedListOf l -> "list<" + type(l.element()) + ", " + l.length() + ">";
            case WitType.OptionOf o -> "option<" + type(o.inner()) + ">";
            case WitType.ResultOf r when r.ok().isEmpty() && r.err().isEmpty() -> "result";
            case WitType.ResultOf r when r.err().isEmpty() -> "result<" + type(r.ok().get()) + ">";
            case WitType.ResultOf r -> "result<" + r.ok().map(this::type).orElse("_") + ", " + type(r.err().get()) + ">";
            case WitType.TupleOf tu -> "tuple<" + String.join(", ", tu.types().stream().map(this::type).toList()) + ">";
            case WitType.MapOf m -> "map<" + type(m.key()) + ", " + type(m.value()) + ">";
            case WitType.Handle h -> (h.borrow() ? "borrow<" : "own<") + id(resolve.type(h.resource()).name()) + ">";
            case WitType.FutureOf f -> f.payload().map(x -> "future<" + type(x) + ">").orElse("future");
            case WitType.StreamOf s -> s.payload().map(x -> "stream<" + type(x) + ">").orElse("stream");
        };
    }
}
