package dev.basalt.component.wit;

import java.util.List;
import java.util.Optional;

/**
 * The syntax tree of one WIT file, exactly as written (before name resolution). Produced by {@link WitParser},
 * consumed by the resolver. Every node that names something carries the {@link Span} of that name for error
 * messages. See WIT.md, "Lexical structure" and the item productions that follow it.
 */
public final class WitAst {
    private WitAst() {}

    /** A place in a source file: 1-based line and column (in Unicode code points). */
    public record Span(String file, int line, int col) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + col;
        }
    }

    /** An identifier as written ({@code %} escapes removed) with its place. */
    public record Ident(String name, Span span) {}

    /** Doc comments and feature gates written before an item. */
    public record Attrs(Optional<String> docs, List<Gate> gates) {
        public static final Attrs NONE = new Attrs(Optional.empty(), List.of());

        public Attrs {
            gates = List.copyOf(gates);
        }
    }

    /** One feature gate annotation. */
    public sealed interface Gate {
        Span span();

        record Since(SemVer version, Span span) implements Gate {}

        record Unstable(String feature, Span span) implements Gate {}

        record Deprecated(SemVer version, Span span) implements Gate {}
    }

    /**
     * One file: an optional leading {@code package ns:name;} declaration, its top-level items, and any nested
     * {@code package ns:name { ... }} blocks (each a separate package).
     */
    public record File(String path, Optional<PackageDecl> pkg, List<TopItem> items, List<NestedPackage> nested) {
        public File {
            items = List.copyOf(items);
            nested = List.copyOf(nested);
        }
    }

    public record PackageDecl(PackageName name, Optional<String> docs, Span span) {}

    public record NestedPackage(PackageDecl decl, List<TopItem> items) {
        public NestedPackage {
            items = List.copyOf(items);
        }
    }

    /** An item at the top level of a file or of a nested package block. */
    public sealed interface TopItem {}

    /** {@code use path [as name];} at the top level: a file-scoped name for an interface. */
    public record TopUse(UsePath path, Optional<Ident> as) implements TopItem {}

    public record InterfaceDecl(Attrs attrs, Ident name, List<InterfaceItem> items) implements TopItem {
        public InterfaceDecl {
            items = List.copyOf(items);
        }
    }

    public record WorldDecl(Attrs attrs, Ident name, List<WorldItem> items) implements TopItem {
        public WorldDecl {
            items = List.copyOf(items);
        }
    }

    /** A reference to an interface (or, in {@code include}, a world): a bare name or {@code ns:pkg/name@ver}. */
    public sealed interface UsePath {
        Span span();

        record Local(Ident name) implements UsePath {
            @Override
            public Span span() {
                return name.span();
            }
        }

        record Foreign(PackageName pkg, Ident name, Span span) implements UsePath {}
    }

    public sealed interface InterfaceItem {}

    public sealed interface WorldItem {}

    /** {@code use path.{a, b as c};} inside an interface or world. */
    public record Use(Attrs attrs, UsePath path, List<UseName> names) implements InterfaceItem, WorldItem {
        public Use {
            names = List.copyOf(names);
        }
    }

    public record UseName(Ident name, Optional<Ident> as) {
        public Ident local() {
            return as.orElse(name);
        }
    }

    /** {@code name: func(...) -> ...;} */
    public record FuncDecl(Attrs attrs, Ident name, FuncSig sig) implements InterfaceItem {}

    public record FuncSig(boolean async, List<Param> params, Optional<TypeExpr> result, Span span) {
        public FuncSig {
            params = List.copyOf(params);
        }
    }

    public record Param(Ident name, TypeExpr type) {}

    /** A named type definition (in an interface or a world). */
    public sealed interface TypeDecl extends InterfaceItem, WorldItem {
        Attrs attrs();

        Ident name();
    }

    public record RecordDecl(Attrs attrs, Ident name, List<Field> fields) implements TypeDecl {
        public RecordDecl {
            fields = List.copyOf(fields);
        }
    }

    public record Field(Optional<String> docs, Ident name, TypeExpr type) {}

    public record VariantDecl(Attrs attrs, Ident name, List<Case> cases) implements TypeDecl {
        public VariantDecl {
            cases = List.copyOf(cases);
        }
    }

    public record Case(Optional<String> docs, Ident name, Optional<TypeExpr> type) {}

    /** {@code enum} and {@code flags} bodies: a list of names. */
    public record EnumDecl(Attrs attrs, Ident name, List<Label> cases) implements TypeDecl {
        public EnumDecl {
            cases = List.copyOf(cases);
        }
    }

    public record FlagsDecl(Attrs attrs, Ident name, List<Label> flags) implements TypeDecl {
        public FlagsDecl {
            flags = List.copyOf(flags);
        }
    }

    public record Label(Optional<String> docs, Ident name) {}

    public record ResourceDecl(Attrs attrs, Ident name, List<ResourceFunc> funcs) implements TypeDecl {
        public ResourceDecl {
            funcs = List.copyOf(funcs);
        }
    }

    public enum ResourceFuncKind { METHOD, STATIC, CONSTRUCTOR }

    /** A function inside a resource block; {@code name} is {@code constructor} for the constructor. */
    public record ResourceFunc(Attrs attrs, ResourceFuncKind kind, Ident name, FuncSig sig) {}

    /** {@code type name = ty;} */
    public record AliasDecl(Attrs attrs, Ident name, TypeExpr type) implements TypeDecl {}

    /** {@code import}/{@code export} in a world. */
    public record ImportExport(Attrs attrs, boolean isImport, Extern extern, Span span) implements WorldItem {}

    /** What a world imports or exports. */
    public sealed interface Extern {
        /** {@code import name: func(...);} */
        record Func(Ident name, FuncSig sig) implements Extern {}

        /** {@code import name: interface { ... }} */
        record Inline(Ident name, List<InterfaceItem> items) implements Extern {
            public Inline {
                items = List.copyOf(items);
            }
        }

        /** {@code import path;} */
        record Path(UsePath path) implements Extern {}

        /** {@code import name: path;} a named interface under a plain name. */
        record NamedPath(Ident name, UsePath path) implements Extern {}
    }

    /** {@code include path [with { a as b, ... }];} */
    public record Include(Attrs attrs, UsePath path, List<IncludeName> with) implements WorldItem {
        public Include {
            with = List.copyOf(with);
        }
    }

    public record IncludeName(Ident name, Ident as) {}

    /** A type expression as written. */
    public sealed interface TypeExpr {
        Span span();

        record Prim(WitType.Primitive type, Span span) implements TypeExpr {}

        record Named(Ident name) implements TypeExpr {
            @Override
            public Span span() {
                return name.span();
            }
        }

        record ListOf(TypeExpr element, Span span) implements TypeExpr {}

        record FixedListOf(TypeExpr element, int length, Span span) implements TypeExpr {}

        record OptionOf(TypeExpr inner, Span span) implements TypeExpr {}

        record ResultOf(Optional<TypeExpr> ok, Optional<TypeExpr> err, Span span) implements TypeExpr {}

        record TupleOf(List<TypeExpr> types, Span span) implements TypeExpr {
            public TupleOf {
                types = List.copyOf(types);
            }
        }

        record MapOf(TypeExpr key, TypeExpr value, Span span) implements TypeExpr {}

        record Handle(boolean borrow, Ident resource, Span span) implements TypeExpr {}

        record FutureOf(Optional<TypeExpr> payload, Span span) implements TypeExpr {}

        record StreamOf(Optional<TypeExpr> payload, Span span) implements TypeExpr {}
    }
}
