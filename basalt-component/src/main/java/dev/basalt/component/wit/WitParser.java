package dev.basalt.component.wit;

import dev.basalt.component.wit.WitAst.*;
import dev.basalt.component.wit.WitLexer.Kind;
import dev.basalt.component.wit.WitLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses one WIT file into a {@link WitAst.File} (WIT.md, "Top-level items" and the item productions). It checks
 * syntax only: identifiers are kebab-case, keywords are not used as bare identifiers, versions are semver, gates
 * are well formed. Names are resolved later by {@link WitLoader}.
 */
public final class WitParser {
    /** The keywords of WIT.md plus {@code error-context}; they need a {@code %} to be used as identifiers. */
    static final Set<String> KEYWORDS = Set.of("as", "async", "bool", "borrow", "char", "constructor", "enum",
            "export", "f32", "f64", "flags", "from", "func", "future", "import", "include", "interface", "list", "map",
            "option", "own", "package", "record", "resource", "result", "s16", "s32", "s64", "s8", "static", "stream",
            "string", "tuple", "type", "u16", "u32", "u64", "u8", "use", "variant", "with", "world", "error-context");

    /** How deeply type expressions may nest before the parser gives up (keeps hostile input off the JVM stack). */
    static final int MAX_DEPTH = 100;

    private final List<Token> tokens;
    private int at;

    private WitParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Parses the text of file {@code path} (the path only names the file in error messages). */
    public static WitAst.File parse(String path, String source) {
        return new WitParser(WitLexer.tokenize(path, source)).file(path);
    }

    // ---- token helpers

    private Token peek() {
        return tokens.get(at);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.EOF) {
            at++;
        }
        return t;
    }

    private static boolean isKeyword(Token t, String kw) {
        return t.kind() == Kind.ID && !t.escaped() && t.text().equals(kw);
    }

    private boolean atKeyword(String kw) {
        return isKeyword(peek(), kw);
    }

    private boolean eat(Kind k) {
        if (peek().kind() == k) {
            next();
            return true;
        }
        return false;
    }

    private boolean eatKeyword(String kw) {
        if (atKeyword(kw)) {
            next();
            return true;
        }
        return false;
    }

    private static String show(Token t) {
        return switch (t.kind()) {
            case EOF -> "end of file";
            case ID -> (t.escaped() ? "identifier `%" : KEYWORDS.contains(t.text()) ? "keyword `" : "identifier `")
                    + t.text() + "`";
            case INTEGER -> "integer `" + t.text() + "`";
            case VERSION -> "version `" + t.text() + "`";
            default -> "`" + t.text() + "`";
        };
    }

    private WitException unexpected(String expected) {
        return new WitException(peek().span(), "expected " + expected + ", found " + show(peek()));
    }

    private Token expect(Kind k, String what) {
        if (peek().kind() != k) {
            throw unexpected(what);
        }
        return next();
    }

    private void expectKeyword(String kw) {
        if (!eatKeyword(kw)) {
            throw unexpected("`" + kw + "`");
        }
    }

    /** An identifier: kebab-case, and a keyword only when {@code %}-escaped. */
    private Ident ident() {
        Token t = peek();
        if (t.kind() != Kind.ID) {
            throw unexpected("an identifier");
        }
        if (!t.escaped() && KEYWORDS.contains(t.text())) {
            throw unexpected("an identifier");
        }
        next();
        checkKebab(t.text(), t.span());
        return new Ident(t.text(), t.span());
    }

    /** Checks the {@code label} production of the Explainer: fragments of all-lower or all-upper alphanumerics. */
    static void checkKebab(String name, Span span) {
        String[] fragments = name.split("-", -1);
        for (int i = 0; i < fragments.length; i++) {
            String f = fragments[i];
            if (f.isEmpty()) {
                throw new WitException(span, "identifier `" + name + "` is not kebab-case: "
                        + (i == 0 ? "it starts with `-`" : i == fragments.length - 1 ? "it ends with `-`"
                                : "it has an empty word (`--`)"));
            }
            if (i == 0 && !Character.isLetter(f.charAt(0))) {
                throw new WitException(span, "identifier `" + name + "` is not kebab-case: it must start with a letter");
            }
            boolean lower = f.chars().noneMatch(c -> c >= 'A' && c <= 'Z');
            boolean upper = f.chars().noneMatch(c -> c >= 'a' && c <= 'z');
            if (!lower && !upper) {
                throw new WitException(span, "identifier `" + name + "` is not kebab-case: word `" + f
                        + "` mixes upper and lower case");
            }
        }
    }

    private Optional<String> docsOf(Token t) {
        return t.docs();
    }

    private SemVer version() {
        Token t = peek();
        if (t.kind() != Kind.VERSION && t.kind() != Kind.INTEGER) {
            throw unexpected("a semver version");
        }
        next();
        return SemVer.parse(t.text()).orElseThrow(() -> new WitException(t.span(),
                "invalid semver version `" + t.text() + "`"));
    }

    // ---- file structure

    private WitAst.File file(String path) {
        Optional<PackageDecl> root = Optional.empty();
        List<TopItem> items = new ArrayList<>();
        List<NestedPackage> nested = new ArrayList<>();
        while (peek().kind() != Kind.EOF) {
            if (atKeyword("package")) {
                Token start = peek();
                next();
                PackageName name = packageName();
                PackageDecl decl = new PackageDecl(name, docsOf(start), start.span());
                if (eat(Kind.LBRACE)) {
                    List<TopItem> body = new ArrayList<>();
                    while (!eat(Kind.RBRACE)) {
                        if (peek().kind() == Kind.EOF) {
                            throw unexpected("`}`");
                        }
                        if (atKeyword("package")) {
                            throw new WitException(peek().span(), "package blocks cannot be nested in each other");
                        }
                        body.add(topItem());
                    }
                    nested.add(new NestedPackage(decl, body));
                } else {
                    expect(Kind.SEMI, "`;` or `{`");
                    if (root.isPresent()) {
                        throw new WitException(start.span(), "a file can declare its package only once");
                    }
                    if (!items.isEmpty() || !nested.isEmpty()) {
                        throw new WitException(start.span(), "the `package` declaration must come first in the file");
                    }
                    root = Optional.of(decl);
                }
            } else {
                items.add(topItem());
            }
        }
        return new WitAst.File(path, root, items, nested);
    }

    /** {@code ns:name[@version]}; nested namespaces and packages (🪺) are rejected. */
    private PackageName packageName() {
        Ident ns = ident();
        expect(Kind.COLON, "`:` in package name");
        Ident name = ident();
        if (peek().kind() == Kind.COLON || peek().kind() == Kind.SLASH) {
            throw new WitException(peek().span(), "nested namespaces and packages (🪺) are not supported");
        }
        Optional<SemVer> version = eat(Kind.AT) ? Optional.of(version()) : Optional.empty();
        return new PackageName(ns.name(), name.name(), version);
    }

    private TopItem topItem() {
        if (atKeyword("use")) {
            next();
            UsePath path = usePath();
            Optional<Ident> as = eatKeyword("as") ? Optional.of(ident()) : Optional.empty();
            expect(Kind.SEMI, "`;`");
            return new TopUse(path, as);
        }
        Attrs attrs = attrs();
        if (eatKeyword("interface")) {
            Ident name = ident();
            return new InterfaceDecl(attrs, name, interfaceBody());
        }
        if (eatKeyword("world")) {
            Ident name = ident();
            return new WorldDecl(attrs, name, worldBody());
        }
        throw unexpected("`interface`, `world`, `use` or `package`");
    }

    /** Doc comments and gates before an item. */
    private Attrs attrs() {
        List<String> docs = new ArrayList<>();
        peek().docs().ifPresent(docs::add);
        List<Gate> gates = new ArrayList<>();
        while (peek().kind() == Kind.AT) {
            Token at0 = next();
            Token name = peek();
            if (name.kind() != Kind.ID || name.spaceBefore()) {
                throw unexpected("a gate name after `@`");
            }
            next();
            expect(Kind.LPAREN, "`(`");
            Gate gate = switch (name.text()) {
                case "since" -> {
                    gateField("version");
                    yield new Gate.Since(version(), at0.span());
                }
                case "deprecated" -> {
                    gateField("version");
                    yield new Gate.Deprecated(version(), at0.span());
                }
                case "unstable" -> {
                    gateField("feature");
                    yield new Gate.Unstable(ident().name(), at0.span());
                }
                case "external-id" -> throw new WitException(at0.span(), "`@external-id` (🏷️) is not supported");
                default -> throw new WitException(at0.span(), "unknown gate `@" + name.text()
                        + "`: expected `@since`, `@unstable` or `@deprecated`");
            };
            expect(Kind.RPAREN, "`)`");
            for (Gate g : gates) {
                if (g.getClass() == gate.getClass()) {
                    throw new WitException(gate.span(), "duplicate `@" + name.text() + "` gate");
                }
            }
            gates.add(gate);
            peek().docs().ifPresent(docs::add);
        }
        boolean since = gates.stream().anyMatch(g -> g instanceof Gate.Since);
        boolean unstable = gates.stream().anyMatch(g -> g instanceof Gate.Unstable);
        if (since && unstable) {
            throw new WitException(gates.getFirst().span(), "an item cannot be both `@since` and `@unstable`");
        }
        if (!since && !unstable && gates.stream().anyMatch(g -> g instanceof Gate.Deprecated)) {
            throw new WitException(gates.getFirst().span(),
                    "`@deprecated` must be paired with `@since` or `@unstable`");
        }
        return new Attrs(docs.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", docs)), gates);
    }

    private void gateField(String field) {
        Token t = peek();
        if (!isKeyword(t, field) && !(t.kind() == Kind.ID && t.text().equals(field))) {
            throw unexpected("`" + field + "`");
        }
        next();
        expect(Kind.EQ, "`=`");
    }

    /** {@code name} or {@code ns:pkg/name[@version]}. */
    private UsePath usePath() {
        Ident first = ident();
        if (peek().kind() != Kind.COLON) {
            return new UsePath.Local(first);
        }
        next();
        Ident pkg = ident();
        if (peek().kind() == Kind.COLON) {
            throw new WitException(peek().span(), "nested namespaces and packages (🪺) are not supported");
        }
        expect(Kind.SLASH, "`/` and an interface name");
        Ident name = ident();
        if (peek().kind() == Kind.SLASH) {
            throw new WitException(peek().span(), "nested packages (🪺) are not supported");
        }
        Optional<SemVer> version = eat(Kind.AT) ? Optional.of(version()) : Optional.empty();
        return new UsePath.Foreign(new PackageName(first.name(), pkg.name(), version), name, first.span());
    }

    // ---- interfaces

    private List<InterfaceItem> interfaceBody() {
        expect(Kind.LBRACE, "`{`");
        List<InterfaceItem> items = new ArrayList<>();
        while (!eat(Kind.RBRACE)) {
            if (peek().kind() == Kind.EOF) {
                throw unexpected("`}`");
            }
            items.add(interfaceItem());
        }
        return items;
    }

    /** A keyword where a name is expected ({@code record: func();}) gets a message that says how to escape it. */
    private void rejectKeywordName() {
        Token t = peek();
        if (t.kind() == Kind.ID && !t.escaped() && KEYWORDS.contains(t.text()) && peek(1).kind() == Kind.COLON) {
            throw new WitException(t.span(), "`" + t.text() + "` is a keyword; write `%" + t.text()
                    + "` to use it as a name");
        }
    }

    private InterfaceItem interfaceItem() {
        Attrs attrs = attrs();
        rejectKeywordName();
        if (atKeyword("use")) {
            return use(attrs);
        }
        Optional<TypeDecl> type = typeDecl(attrs);
        if (type.isPresent()) {
            return type.get();
        }
        if (peek().kind() == Kind.ID) {
            Ident name = ident();
            expect(Kind.COLON, "`:`");
            FuncSig sig = funcSig();
            expect(Kind.SEMI, "`;`");
            return new FuncDecl(attrs, name, sig);
        }
        throw unexpected("a type, function or `use`");
    }

    private Use use(Attrs attrs) {
        expectKeyword("use");
        UsePath path = usePath();
        expect(Kind.DOT, "`.{`");
        expect(Kind.LBRACE, "`{`");
        List<UseName> names = new ArrayList<>();
        do {
            if (peek().kind() == Kind.RBRACE && !names.isEmpty()) {
                break;
            }
            Ident n = ident();
            names.add(new UseName(n, eatKeyword("as") ? Optional.of(ident()) : Optional.empty()));
        } while (eat(Kind.COMMA));
        expect(Kind.RBRACE, "`,` or `}`");
        expect(Kind.SEMI, "`;`");
        return new Use(attrs, path, names);
    }

    private Optional<TypeDecl> typeDecl(Attrs attrs) {
        if (eatKeyword("type")) {
            Ident name = ident();
            expect(Kind.EQ, "`=`");
            TypeExpr ty = type(0);
            expect(Kind.SEMI, "`;`");
            return Optional.of(new AliasDecl(attrs, name, ty));
        }
        if (eatKeyword("record")) {
            Ident name = ident();
            List<Field> fields = list(() -> {
                Optional<String> docs = peek().docs();
                Ident f = ident();
                expect(Kind.COLON, "`:`");
                return new Field(docs, f, type(0));
            }, "record", "field");
            return Optional.of(new RecordDecl(attrs, name, fields));
        }
        if (eatKeyword("variant")) {
            Ident name = ident();
            List<Case> cases = list(() -> {
                Optional<String> docs = peek().docs();
                Ident c = ident();
                Optional<TypeExpr> payload = Optional.empty();
                if (eat(Kind.LPAREN)) {
                    payload = Optional.of(type(0));
                    expect(Kind.RPAREN, "`)`");
                }
                return new Case(docs, c, payload);
            }, "variant", "case");
            return Optional.of(new VariantDecl(attrs, name, cases));
        }
        if (eatKeyword("enum")) {
            Ident name = ident();
            return Optional.of(new EnumDecl(attrs, name, list(this::label, "enum", "case")));
        }
        if (eatKeyword("flags")) {
            Ident name = ident();
            return Optional.of(new FlagsDecl(attrs, name, list(this::label, "flags", "flag")));
        }
        if (eatKeyword("resource")) {
            Ident name = ident();
            List<ResourceFunc> funcs = new ArrayList<>();
            if (!eat(Kind.SEMI)) {
                expect(Kind.LBRACE, "`;` or `{`");
                while (!eat(Kind.RBRACE)) {
                    if (peek().kind() == Kind.EOF) {
                        throw unexpected("`}`");
                    }
                    funcs.add(resourceFunc());
                }
            }
            return Optional.of(new ResourceDecl(attrs, name, funcs));
        }
        return Optional.empty();
    }

    private Label label() {
        Optional<String> docs = peek().docs();
        return new Label(docs, ident());
    }

    /** {@code { item (, item)* ,? }} with at least one item ({@code what} names the item for the error). */
    private <T> List<T> list(java.util.function.Supplier<T> item, String keyword, String what) {
        Token open = expect(Kind.LBRACE, "`{`");
        List<T> out = new ArrayList<>();
        while (peek().kind() != Kind.RBRACE) {
            out.add(item.get());
            if (!eat(Kind.COMMA)) {
                break;
            }
        }
        expect(Kind.RBRACE, "`,` or `}`");
        if (out.isEmpty()) {
            throw new WitException(open.span(), "`" + keyword + "` needs at least one " + what);
        }
        return out;
    }

    private ResourceFunc resourceFunc() {
        Attrs attrs = attrs();
        if (atKeyword("constructor")) {
            Token t = next();
            Span span = peek().span();
            List<Param> params = params();
            Optional<TypeExpr> result = eat(Kind.ARROW) ? Optional.of(type(0)) : Optional.empty();
            expect(Kind.SEMI, "`;`");
            return new ResourceFunc(attrs, ResourceFuncKind.CONSTRUCTOR, new Ident("constructor", t.span()),
                    new FuncSig(false, params, result, span));
        }
        Ident name = ident();
        expect(Kind.COLON, "`:`");
        boolean isStatic = eatKeyword("static");
        FuncSig sig = funcSig();
        expect(Kind.SEMI, "`;`");
        return new ResourceFunc(attrs, isStatic ? ResourceFuncKind.STATIC : ResourceFuncKind.METHOD, name, sig);
    }

    private FuncSig funcSig() {
        Span span = peek().span();
        boolean async = eatKeyword("async");
        expectKeyword("func");
        List<Param> params = params();
        Optional<TypeExpr> result = eat(Kind.ARROW) ? Optional.of(type(0)) : Optional.empty();
        return new FuncSig(async, params, result, span);
    }

    private List<Param> params() {
        expect(Kind.LPAREN, "`(`");
        List<Param> params = new ArrayList<>();
        while (peek().kind() != Kind.RPAREN) {
            Ident n = ident();
            expect(Kind.COLON, "`:`");
            params.add(new Param(n, type(0)));
            if (!eat(Kind.COMMA)) {
                break;
            }
        }
        expect(Kind.RPAREN, "`,` or `)`");
        return params;
    }

    // ---- types

    private TypeExpr type(int depth) {
        Token t = peek();
        if (depth > MAX_DEPTH) {
            throw new WitException(t.span(), "type nested too deeply (more than " + MAX_DEPTH + " levels)");
        }
        if (t.kind() != Kind.ID) {
            throw unexpected("a type");
        }
        Span span = t.span();
        if (!t.escaped()) {
            Optional<WitType.Primitive> prim = WitType.Primitive.of(t.text());
            if (prim.isPresent()) {
                next();
                return new TypeExpr.Prim(prim.get(), span);
            }
            switch (t.text()) {
                case "list" -> {
                    next();
                    expect(Kind.LT, "`<`");
                    TypeExpr elem = type(depth + 1);
                    if (eat(Kind.COMMA)) {
                        Token n = expect(Kind.INTEGER, "a list length");
                        int len;
                        try {
                            len = Integer.parseInt(n.text());
                        } catch (NumberFormatException e) {
                            throw new WitException(n.span(), "list length `" + n.text() + "` is too large");
                        }
                        if (len == 0 || n.text().startsWith("0")) {
                            throw new WitException(n.span(), "list length must be a positive integer without leading zeros");
                        }
                        expect(Kind.GT, "`>`");
                        return new TypeExpr.FixedListOf(elem, len, span);
                    }
                    expect(Kind.GT, "`,` or `>`");
                    return new TypeExpr.ListOf(elem, span);
                }
                case "option" -> {
                    next();
                    expect(Kind.LT, "`<`");
                    TypeExpr inner = type(depth + 1);
                    expect(Kind.GT, "`>`");
                    return new TypeExpr.OptionOf(inner, span);
                }
                case "result" -> {
                    next();
                    if (!eat(Kind.LT)) {
                        return new TypeExpr.ResultOf(Optional.empty(), Optional.empty(), span);
                    }
                    Optional<TypeExpr> ok;
                    if (peek().kind() == Kind.UNDERSCORE) {
                        next();
                        expect(Kind.COMMA, "`,` after `_`");
                        ok = Optional.empty();
                        TypeExpr err = type(depth + 1);
                        expect(Kind.GT, "`>`");
                        return new TypeExpr.ResultOf(ok, Optional.of(err), span);
                    }
                    ok = Optional.of(type(depth + 1));
                    Optional<TypeExpr> err = eat(Kind.COMMA) ? Optional.of(type(depth + 1)) : Optional.empty();
                    expect(Kind.GT, "`,` or `>`");
                    return new TypeExpr.ResultOf(ok, err, span);
                }
                case "tuple" -> {
                    next();
                    expect(Kind.LT, "`<`");
                    List<TypeExpr> types = new ArrayList<>();
                    do {
                        if (peek().kind() == Kind.GT && !types.isEmpty()) {
                            break;
                        }
                        types.add(type(depth + 1));
                    } while (eat(Kind.COMMA));
                    expect(Kind.GT, "`,` or `>`");
                    return new TypeExpr.TupleOf(types, span);
                }
                case "map" -> {
                    next();
                    expect(Kind.LT, "`<`");
                    TypeExpr key = type(depth + 1);
                    expect(Kind.COMMA, "`,`");
                    TypeExpr value = type(depth + 1);
                    expect(Kind.GT, "`>`");
                    return new TypeExpr.MapOf(key, value, span);
                }
                case "own", "borrow" -> {
                    next();
                    expect(Kind.LT, "`<`");
                    Ident r = ident();
                    expect(Kind.GT, "`>`");
                    return new TypeExpr.Handle(t.text().equals("borrow"), r, span);
                }
                case "future", "stream" -> {
                    next();
                    Optional<TypeExpr> payload = Optional.empty();
                    if (eat(Kind.LT)) {
                        payload = Optional.of(type(depth + 1));
                        expect(Kind.GT, "`>`");
                    }
                    return t.text().equals("future") ? new TypeExpr.FutureOf(payload, span)
                            : new TypeExpr.StreamOf(payload, span);
                }
                default -> {
                    // an identifier or a keyword that is not a type: ident() reports the latter
                }
            }
        }
        return new TypeExpr.Named(ident());
    }

    // ---- worlds

    private List<WorldItem> worldBody() {
        expect(Kind.LBRACE, "`{`");
        List<WorldItem> items = new ArrayList<>();
        while (!eat(Kind.RBRACE)) {
            if (peek().kind() == Kind.EOF) {
                throw unexpected("`}`");
            }
            items.add(worldItem());
        }
        return items;
    }

    private WorldItem worldItem() {
        Attrs attrs = attrs();
        if (atKeyword("use")) {
            return use(attrs);
        }
        if (atKeyword("import") || atKeyword("export")) {
            Token kw = next();
            return new ImportExport(attrs, kw.text().equals("import"), extern(), kw.span());
        }
        if (eatKeyword("include")) {
            UsePath path = usePath();
            List<IncludeName> with = new ArrayList<>();
            if (eatKeyword("with")) {
                expect(Kind.LBRACE, "`{`");
                do {
                    if (peek().kind() == Kind.RBRACE && !with.isEmpty()) {
                        break;
                    }
                    Ident from = ident();
                    expectKeyword("as");
                    with.add(new IncludeName(from, ident()));
                } while (eat(Kind.COMMA));
                expect(Kind.RBRACE, "`,` or `}`");
                eat(Kind.SEMI);
            } else {
                expect(Kind.SEMI, "`;` or `with`");
            }
            return new Include(attrs, path, with);
        }
        Optional<TypeDecl> type = typeDecl(attrs);
        if (type.isPresent()) {
            return type.get();
        }
        throw unexpected("`import`, `export`, `include`, `use` or a type definition");
    }

    /** What follows {@code import}/{@code export}. */
    private Extern extern() {
        // `name: func`, `name: interface {`, `name: path;` versus the path forms `name;` and `ns:pkg/name;`
        rejectKeywordName();
        if (peek(1).kind() == Kind.COLON) {
            Token third = peek(2);
            if (!peek(1).spaceBefore() && !third.spaceBefore() && third.kind() == Kind.ID
                    && peek(3).kind() != Kind.SLASH) {
                throw new WitException(peek().span(), "`" + peek().text() + ":" + third.text()
                        + "` names a package, not an interface: write `" + peek().text() + ":" + third.text()
                        + "/name` for one of its interfaces, or `" + peek().text() + ": " + third.text()
                        + "` for a plain name");
            }
            boolean foreignPath = peek(3).kind() == Kind.SLASH && third.kind() == Kind.ID;
            if (!foreignPath) {
                Ident name = ident();
                next();
                if (atKeyword("func") || atKeyword("async")) {
                    FuncSig sig = funcSig();
                    expect(Kind.SEMI, "`;`");
                    return new Extern.Func(name, sig);
                }
                if (eatKeyword("interface")) {
                    return new Extern.Inline(name, interfaceBody());
                }
                UsePath path = usePath();
                expect(Kind.SEMI, "`;`");
                return new Extern.NamedPath(name, path);
            }
        }
        UsePath path = usePath();
        expect(Kind.SEMI, "`;`");
        return new Extern.Path(path);
    }
}
