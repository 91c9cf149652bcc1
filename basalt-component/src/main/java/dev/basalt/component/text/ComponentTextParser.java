package dev.basalt.component.text;

import dev.basalt.component.binary.ComponentBinaryReader;
import dev.basalt.component.model.Alias;
import dev.basalt.component.model.Canon;
import dev.basalt.component.model.CanonOpt;
import dev.basalt.component.model.Component;
import dev.basalt.component.model.CoreInstance;
import dev.basalt.component.model.CoreModule;
import dev.basalt.component.model.CoreType;
import dev.basalt.component.model.Decl;
import dev.basalt.component.model.Export;
import dev.basalt.component.model.ExternName;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.Import;
import dev.basalt.component.model.Instance;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Section;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.Start;
import dev.basalt.component.model.TypeDef;
import dev.basalt.component.model.ValType;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.binary.BinaryReader;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.Lexer;
import dev.basalt.wasm.text.Numbers;
import dev.basalt.wasm.text.Token;
import dev.basalt.wasm.text.TokenCursor;
import dev.basalt.wasm.text.WatParser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Parses the component text format (Explainer.md, as the component-model test scripts write it) into the
 * {@link Component} model, so that {@code ComponentBinaryWriter} can encode it.
 *
 * <p>Like wasm-tools, every abbreviation is expanded into the definitions it stands for, in order, just before the
 * definition that uses it: inline value types and function/component/instance types become {@code type}
 * definitions, {@code (func $i "name")} projections become {@code alias export}s, inline {@code (export "n")} on a
 * definition becomes an {@code export} after it, inline {@code (import "n")} an {@code import}, inline instances in
 * {@code with} arguments become instances, and an identifier that names a type, core type, core module or component
 * of an enclosing scope becomes an {@code alias outer} in the scope that uses it. Identifiers are resolved in one
 * pass, in order, since a component's index spaces are built incrementally.
 *
 * <p>Nested core modules are parsed with the core {@link WatParser} and kept as their binary encoding; core types
 * and module-type descriptors are encoded the same way. Errors are {@link MalformedException}s (syntax, unknown
 * identifiers) in wasm-tools' wording where the test scripts check it; validation is separate.
 *
 * {@snippet :
 * Component c = ComponentTextParser.parse("(component (import \"f\" (func)))");
 * }
 */
public final class ComponentTextParser extends TokenCursor {
    /** How deep components, types and inline forms may nest before we refuse (hostile input). */
    private static final int MAX_DEPTH = 100;

    private Scope scope;
    private int depth;

    private ComponentTextParser(String source) {
        super(source, lex(source));
    }

    private static List<Token> lex(String source) {
        try {
            return Lexer.lex(source).tokens();
        } catch (MalformedException e) {
            throw lexError(e);
        }
    }

    private static MalformedException lexError(MalformedException e) {
        // wasm-tools says "invalid string escape" where the core lexer says "illegal escape"
        String reason = e.reason().startsWith("illegal escape") ? "invalid string escape (" + e.reason() + ")"
                : e.reason();
        return new MalformedException(reason, e.offset());
    }

    /** Parses one {@code (component definition? $id? field*)} form. */
    public static Component parse(String text) {
        ComponentTextParser parser = new ComponentTextParser(text);
        try {
            Component c = parser.topLevel();
            return c;
        } catch (StackOverflowError e) {
            throw new MalformedException("nesting too deep");
        }
    }

    private Component topLevel() {
        expect(Token.Kind.LPAR);
        expectKeyword("component");
        if (peek().isKeyword("definition")) {
            p++;
        }
        Optional<String> id = maybeId();
        if (peek().isKeyword("binary")) {
            p++;
            byte[] bytes = strings();
            expect(Token.Kind.RPAR);
            expectEnd();
            return ComponentBinaryReader.read(bytes);
        }
        Component c = componentBody(id);
        expect(Token.Kind.RPAR);
        expectEnd();
        return c;
    }

    private void expectEnd() {
        if (!peek().is(Token.Kind.EOF)) {
            throw unexpected(peek());
        }
    }

    // ---- scopes and index spaces ----

    private enum ScopeKind { COMPONENT, COMPONENT_TYPE, INSTANCE_TYPE, MODULE_TYPE }

    /** One entry of a component in order: the section id it goes in and the item. */
    private record Entry(int section, Object item) {
    }

    private static final class Scope {
        final Scope parent;
        final ScopeKind kind;
        final Optional<String> id;
        final int[] counts = new int[Sort.values().length];
        final Map<Sort, Map<String, Integer>> names = new EnumMap<>(Sort.class);
        final List<Object> items = new ArrayList<>();

        Scope(Scope parent, ScopeKind kind, Optional<String> id) {
            this.parent = parent;
            this.kind = kind;
            this.id = id;
        }

        Map<String, Integer> names(Sort sort) {
            return names.computeIfAbsent(sort, s -> new HashMap<>());
        }
    }

    private void push(ScopeKind kind, Optional<String> id) {
        if (++depth > MAX_DEPTH) {
            throw new MalformedException("nesting too deep");
        }
        scope = new Scope(scope, kind, id);
    }

    private Scope pop() {
        Scope s = scope;
        scope = s.parent;
        depth--;
        return s;
    }

    /** Adds an index to {@code sort}'s space of the current scope, naming it {@code id}. */
    private int define(Sort sort, Optional<String> id) {
        int index = scope.counts[sort.ordinal()]++;
        if (id.isPresent()) {
            // a later definition with the same identifier shadows the earlier one (as in wasm-tools)
            scope.names(sort).put(id.get(), index);
        }
        return index;
    }

    private static String sortName(Sort sort) {
        return switch (sort) {
            case CORE_FUNC -> "core func";
            case CORE_TABLE -> "core table";
            case CORE_MEMORY -> "core memory";
            case CORE_GLOBAL -> "core global";
            case CORE_TAG -> "core tag";
            case CORE_TYPE -> "core type";
            case CORE_MODULE -> "core module";
            case CORE_INSTANCE -> "core instance";
            case FUNC -> "func";
            case VALUE -> "value";
            case TYPE -> "type";
            case COMPONENT -> "component";
            case INSTANCE -> "instance";
        };
    }

    private void addEntry(int section, Object item) {
        if (scope.kind != ScopeKind.COMPONENT) {
            throw new IllegalStateException("not a component scope");
        }
        scope.items.add(new Entry(section, item));
    }

    /** Emits a component type definition into the current scope and returns its index. */
    private int emitType(TypeDef def, Optional<String> id) {
        switch (scope.kind) {
            case COMPONENT -> addEntry(7, def);
            case COMPONENT_TYPE, INSTANCE_TYPE -> scope.items.add(new Decl.TypeDecl(def));
            case MODULE_TYPE -> throw new MalformedException("component types are not allowed in a core module type");
        }
        return define(Sort.TYPE, id);
    }

    private int emitCoreType(CoreType def, Optional<String> id) {
        switch (scope.kind) {
            case COMPONENT -> addEntry(3, def);
            case COMPONENT_TYPE, INSTANCE_TYPE -> scope.items.add(new Decl.CoreTypeDecl(def));
            case MODULE_TYPE -> scope.items.add(new CoreType.TypeDecl(def));
        }
        return define(Sort.CORE_TYPE, id);
    }

    private int emitAlias(Alias alias, Optional<String> id) {
        switch (scope.kind) {
            case COMPONENT -> addEntry(6, alias);
            case COMPONENT_TYPE, INSTANCE_TYPE -> scope.items.add(new Decl.AliasDecl(alias));
            case MODULE_TYPE -> {
                if (!(alias instanceof Alias.Outer o) || o.sort() != Sort.CORE_TYPE) {
                    throw new MalformedException("only outer type aliases are allowed in a core module type");
                }
                scope.items.add(new CoreType.OuterTypeAlias(o.count(), o.index()));
            }
        }
        return define(alias.sort(), id);
    }

    /**
     * Resolves an index token for {@code sort}: a number as is, an identifier in the current scope, or one of an
     * enclosing scope through an injected {@code alias outer} (only for types, core types, core modules and
     * components, the sorts an outer alias may name).
     */
    private int resolve(Sort sort, Token t) {
        if (t.is(Token.Kind.NAT)) {
            return u32(t);
        }
        if (!t.is(Token.Kind.ID)) {
            throw unexpected(t);
        }
        String name = t.idName();
        Integer own = scope.names(sort).get(name);
        if (own != null) {
            return own;
        }
        int count = 0;
        for (Scope s = scope.parent; s != null; s = s.parent) {
            count++;
            Integer outer = s.names(sort).get(name);
            if (outer != null) {
                if (sort != Sort.TYPE && sort != Sort.CORE_TYPE && sort != Sort.CORE_MODULE
                        && sort != Sort.COMPONENT) {
                    throw error(t, "outer item `" + name + "` is not a module, type, or component");
                }
                if (scope.kind == ScopeKind.MODULE_TYPE && sort != Sort.CORE_TYPE) {
                    throw error(t, "unknown " + sortName(sort) + ": failed to find name `$" + name + "`");
                }
                return emitAlias(new Alias.Outer(sort, count, outer), Optional.of(name));
            }
        }
        throw error(t, "unknown " + sortName(sort) + ": failed to find name `$" + name + "`");
    }

    private int index(Sort sort) {
        return resolve(sort, next());
    }

    // ---- component bodies ----

    private Component componentBody(Optional<String> id) {
        push(ScopeKind.COMPONENT, id);
        while (peek().is(Token.Kind.LPAR)) {
            componentField();
        }
        Scope s = pop();
        return new Component(sections(s.items));
    }

    private static List<Section> sections(List<Object> items) {
        List<Section> out = new ArrayList<>();
        int i = 0;
        while (i < items.size()) {
            Entry e = (Entry) items.get(i);
            int j = i;
            List<Object> group = new ArrayList<>();
            while (j < items.size() && ((Entry) items.get(j)).section() == e.section()) {
                group.add(((Entry) items.get(j)).item());
                j++;
                if (e.section() == 1 || e.section() == 4 || e.section() == 9 || e.section() == 0) {
                    break;
                }
            }
            out.add(section(e.section(), group));
            i = j;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Section section(int id, List<Object> group) {
        return switch (id) {
            case 1 -> new Section.CoreModuleSection((CoreModule) group.getFirst());
            case 2 -> new Section.CoreInstances((List<CoreInstance>) (List<?>) group);
            case 3 -> new Section.CoreTypes((List<CoreType>) (List<?>) group);
            case 4 -> new Section.Components((Component) group.getFirst());
            case 5 -> new Section.Instances((List<Instance>) (List<?>) group);
            case 6 -> new Section.Aliases((List<Alias>) (List<?>) group);
            case 7 -> new Section.Types((List<TypeDef>) (List<?>) group);
            case 8 -> new Section.Canons((List<Canon>) (List<?>) group);
            case 9 -> new Section.StartSection((Start) group.getFirst());
            case 10 -> new Section.Imports((List<Import>) (List<?>) group);
            case 11 -> new Section.Exports((List<Export>) (List<?>) group);
            default -> throw new IllegalStateException("section " + id);
        };
    }

    private void componentField() {
        Token open = peek();
        Token kw = peek(1);
        if (!kw.is(Token.Kind.KEYWORD)) {
            throw unexpected(kw);
        }
        if (kw.text().equals("core")) {
            Token what = peek(2);
            p += 3;
            switch (what.text()) {
                case "module" -> coreModuleField();
                case "instance" -> coreInstanceField();
                case "type" -> coreTypeField();
                case "rec" -> {
                    p -= 1;
                    coreRecField(open);
                }
                case "func" -> coreFuncField();
                case "table", "memory", "global", "tag" -> coreAliasField(coreSort(what));
                default -> throw unexpected(what);
            }
            return;
        }
        p += 2;
        switch (kw.text()) {
            case "component" -> componentField2();
            case "instance" -> instanceField();
            case "alias" -> aliasField();
            case "type" -> typeField();
            case "canon" -> canonField();
            case "start" -> startField();
            case "import" -> importField();
            case "export" -> exportField();
            case "func" -> funcField();
            case "value" -> throw error(kw, "value definitions are not supported");
            default -> throw unexpected(kw);
        }
    }

    // ---- core definitions ----

    private void coreModuleField() {
        Token idTok = peek();
        Optional<String> id = maybeId();
        List<ExternName> exports = inlineExports();
        if (isInlineName("import")) {
            p += 2;
            ExternName name = externName();
            expect(Token.Kind.RPAR);
            int type = coreModuleTypeUse();
            expect(Token.Kind.RPAR);
            addEntry(10, new Import(name, new ExternType.CoreModule(type)));
            define(Sort.CORE_MODULE, id);
            return;
        }
        if (atForm("alias")) {
            p += 2;
            Alias a = aliasTarget(Sort.CORE_MODULE);
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
            int index = emitAlias(a, id);
            exportAll(exports, Sort.CORE_MODULE, index);
            return;
        }
        CoreModule module;
        if (peek().isKeyword("binary")) {
            p++;
            byte[] bytes = strings();
            expect(Token.Kind.RPAR);
            module = ComponentBinaryReader.coreModule(bytes);
        } else {
            int start = id.isPresent() ? idTok.start() : peek().start();
            int close = closeOf(p);
            String text = "(module " + (exports.isEmpty() ? source.substring(start, tokens.get(close).end())
                    : (id.isPresent() ? idTok.text() + " " : "") + source.substring(peek().start(),
                    tokens.get(close).end()));
            p = close + 1;
            WasmModule parsed = WatParser.parseModule(text);
            module = ComponentBinaryReader.coreModule(BinaryWriter.write(parsed));
        }
        addEntry(1, module);
        int index = define(Sort.CORE_MODULE, id);
        exportAll(exports, Sort.CORE_MODULE, index);
    }

    /** The index of the token closing the form whose contents start at token {@code at}. */
    private int closeOf(int at) {
        int depthHere = 0;
        for (int i = at; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.is(Token.Kind.LPAR)) {
                i = closeIndex(i);
                if (i < 0) {
                    throw error(t, "unexpected end of input");
                }
            } else if (t.is(Token.Kind.RPAR)) {
                return i;
            } else if (t.is(Token.Kind.EOF)) {
                throw error(t, "unexpected end of input");
            }
        }
        throw new MalformedException("unexpected end of input" + depthHere);
    }

    private void coreInstanceField() {
        Optional<String> id = maybeId();
        CoreInstance instance;
        if (atForm("instantiate")) {
            p += 2;
            int module = coreSortRef(Sort.CORE_MODULE);
            List<CoreInstance.Arg> args = new ArrayList<>();
            while (atForm("with")) {
                p += 2;
                String name = name();
                int inst;
                if (atForm("instance") && (peek(2).is(Token.Kind.LPAR) || peek(2).is(Token.Kind.RPAR))) {
                    p += 2;
                    inst = emitCoreInstanceFromExports(Optional.empty());
                } else if (atForm("instance")) {
                    p += 2;
                    inst = index(Sort.CORE_INSTANCE);
                    expect(Token.Kind.RPAR);
                } else {
                    throw unexpected(peek(1));
                }
                expect(Token.Kind.RPAR);
                args.add(new CoreInstance.Arg(name, inst));
            }
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
            addEntry(2, new CoreInstance.Instantiate(module, args));
            define(Sort.CORE_INSTANCE, id);
            return;
        }
        emitCoreInstanceFromExports(id);
    }

    /** {@code (export "n" (core-sort idx))*)}: the contents up to and including the closing parenthesis. */
    private int emitCoreInstanceFromExports(Optional<String> id) {
        List<CoreInstance.InlineExport> exports = new ArrayList<>();
        while (atForm("export")) {
            p += 2;
            String name = name();
            expect(Token.Kind.LPAR);
            Token kw = next();
            Sort sort = coreSort(kw);
            int index = coreItemIndex(sort);
            exports.add(new CoreInstance.InlineExport(name, sort, index));
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
        }
        expect(Token.Kind.RPAR);
        addEntry(2, new CoreInstance.FromExports(exports));
        return define(Sort.CORE_INSTANCE, id);
    }

    /** After {@code (core-sort}: an index, or an instance and export name (an inline alias); not the ')'. */
    private int coreItemIndex(Sort sort) {
        if (sort == Sort.CORE_MODULE) {
            // core modules are exported by component instances
            return itemIndex(sort);
        }
        Token t = next();
        if (peek().is(Token.Kind.STRING)) {
            int instance = resolve(Sort.CORE_INSTANCE, t);
            String name = name();
            return emitAlias(new Alias.CoreInstanceExport(sort, instance, name), Optional.empty());
        }
        return resolve(sort, t);
    }

    private static Sort coreSort(Token kw) {
        if (!kw.is(Token.Kind.KEYWORD)) {
            throw unexpectedStatic(kw);
        }
        return switch (kw.text()) {
            case "func" -> Sort.CORE_FUNC;
            case "table" -> Sort.CORE_TABLE;
            case "memory" -> Sort.CORE_MEMORY;
            case "global" -> Sort.CORE_GLOBAL;
            case "tag" -> Sort.CORE_TAG;
            case "type" -> Sort.CORE_TYPE;
            case "module" -> Sort.CORE_MODULE;
            case "instance" -> Sort.CORE_INSTANCE;
            default -> throw unexpectedStatic(kw);
        };
    }

    /**
     * A reference to a core item of {@code sort}: an index or {@code (core sort idx)} or
     * {@code (core sort $inst "name")}.
     */
    private int coreSortRef(Sort sort) {
        if (!peek().is(Token.Kind.LPAR)) {
            return index(sort);
        }
        expect(Token.Kind.LPAR);
        if (sort == Sort.CORE_MODULE && peek().isKeyword("module")) {
            // (module $i "name"): a core module exported by a component instance
            p++;
            int index = itemIndex(sort);
            expect(Token.Kind.RPAR);
            return index;
        }
        expectKeyword("core");
        Sort s = coreSort(next());
        if (s != sort) {
            throw unexpected(tokens.get(p - 1));
        }
        int index = coreItemIndex(sort);
        expect(Token.Kind.RPAR);
        return index;
    }

    private void coreAliasField(Sort sort) {
        Optional<String> id = maybeId();
        if (!atForm("alias")) {
            throw unexpected(peek());
        }
        p += 2;
        Alias alias = aliasTarget(sort);
        expect(Token.Kind.RPAR);
        expect(Token.Kind.RPAR);
        emitAlias(alias, id);
    }

    private void coreFuncField() {
        Optional<String> id = maybeId();
        if (atForm("alias")) {
            p += 2;
            Alias alias = aliasTarget(Sort.CORE_FUNC);
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
            emitAlias(alias, id);
            return;
        }
        if (atForm("canon")) {
            p += 2;
            Canon canon = canonBody(true, OptionalInt.empty());
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
            addEntry(8, canon);
            define(Sort.CORE_FUNC, id);
            return;
        }
        throw unexpected(peek());
    }

    private void coreTypeField() {
        Token idTok = peek();
        Optional<String> id = maybeId();
        CoreType type = coreTypeDef(id.isPresent() ? idTok.text() : "");
        expect(Token.Kind.RPAR);
        emitCoreType(type, id);
    }

    private void coreRecField(Token open) {
        int close = closeIndex(p - 2);
        if (close < 0) {
            throw error(open, "unexpected end of input");
        }
        String text = source.substring(open.start(), tokens.get(close).end()).replaceFirst("^\\(\\s*core\\s+", "(");
        p = close + 1;
        CoreType.Rec rec = recFromText(text);
        emitCoreType(rec, Optional.empty());
    }

    /** A core type definition at the cursor: {@code (module decl*)} or a core deftype (func/struct/array/sub). */
    private CoreType coreTypeDef(String idText) {
        if (atForm("module")) {
            p += 2;
            push(ScopeKind.MODULE_TYPE, Optional.empty());
            while (peek().is(Token.Kind.LPAR)) {
                moduleDecl();
            }
            expect(Token.Kind.RPAR);
            Scope s = pop();
            List<CoreType.ModuleDecl> decls = new ArrayList<>();
            for (Object o : s.items) {
                decls.add((CoreType.ModuleDecl) o);
            }
            return new CoreType.ModuleType(decls);
        }
        if (!peek().is(Token.Kind.LPAR)) {
            throw unexpected(peek());
        }
        int close = closeIndex(p);
        if (close < 0) {
            throw error(peek(), "unexpected end of input");
        }
        String def = source.substring(peek().start(), tokens.get(close).end());
        p = close + 1;
        return recFromText("(type " + idText + " " + def + ")");
    }

    /**
     * Encodes one core rec group given as core text ({@code (type ...)} or {@code (rec ...)}) through a synthetic
     * module, in the component encoding (a non-final top-level {@code sub} gets the {@code 0x00} prefix).
     */
    private static CoreType.Rec recFromText(String typeText) {
        WasmModule m = WatParser.parseModule("(module " + typeText + ")");
        byte[] bin = BinaryWriter.write(m);
        byte[] payload = sectionPayload(bin, 1);
        ByteBuffer in = ByteBuffer.wrap(payload);
        readU32(in);
        byte[] encoding = new byte[in.remaining()];
        in.get(encoding);
        if (encoding.length > 0 && (encoding[0] & 0xff) == 0x50) {
            byte[] prefixed = new byte[encoding.length + 1];
            System.arraycopy(encoding, 0, prefixed, 1, encoding.length);
            encoding = prefixed;
        }
        List<RecGroup> groups = BinaryReader.read(bin).recGroups();
        if (groups.size() != 1) {
            throw new MalformedException("expected one core type");
        }
        return new CoreType.Rec(groups.getFirst(), encoding);
    }

    private static byte[] sectionPayload(byte[] module, int id) {
        ByteBuffer in = ByteBuffer.wrap(module);
        in.position(8);
        while (in.hasRemaining()) {
            int sid = in.get() & 0xff;
            int size = readU32(in);
            if (sid == id) {
                byte[] out = new byte[size];
                in.get(out);
                return out;
            }
            in.position(in.position() + size);
        }
        throw new MalformedException("no section " + id);
    }

    private static int readU32(ByteBuffer in) {
        int result = 0;
        int shift = 0;
        while (true) {
            int b = in.get() & 0xff;
            result |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
            shift += 7;
        }
    }

    private void moduleDecl() {
        Token kw = peek(1);
        p += 2;
        switch (kw.text()) {
            case "type" -> {
                Token idTok = peek();
                Optional<String> id = maybeId();
                CoreType t = coreTypeDef(id.isPresent() ? idTok.text() : "");
                expect(Token.Kind.RPAR);
                emitCoreType(t, id);
            }
            case "import" -> {
                String module = name();
                String name = name();
                CoreType.CoreExternType t = coreExternDesc();
                expect(Token.Kind.RPAR);
                scope.items.add(new CoreType.ImportDecl(module, name, t));
            }
            case "export" -> {
                String name = name();
                CoreType.CoreExternType t = coreExternDesc();
                expect(Token.Kind.RPAR);
                scope.items.add(new CoreType.ExportDecl(name, t));
            }
            case "alias" -> {
                if (!peek().isKeyword("outer")) {
                    throw unexpected(peek());
                }
                Alias a = aliasTarget(Sort.CORE_TYPE);
                expect(Token.Kind.LPAR);
                expectKeyword("type");
                Optional<String> id = maybeId();
                expect(Token.Kind.RPAR);
                expect(Token.Kind.RPAR);
                if (!(a instanceof Alias.Outer o)) {
                    throw unexpected(kw);
                }
                emitAlias(new Alias.Outer(Sort.CORE_TYPE, o.count(), o.index()), id);
            }
            default -> throw unexpected(kw);
        }
    }

    /** A core import/export descriptor in a module type: {@code (func ...)}, {@code (memory ...)}, ... */
    private CoreType.CoreExternType coreExternDesc() {
        if (!peek().is(Token.Kind.LPAR) || !peek(1).is(Token.Kind.KEYWORD)) {
            throw unexpected(peek());
        }
        Token open = peek();
        Token kw = peek(1);
        switch (kw.text()) {
            case "func", "tag" -> {
                p += 2;
                maybeId();
                int type;
                if (atForm("type")) {
                    p += 2;
                    type = index(Sort.CORE_TYPE);
                    expect(Token.Kind.RPAR);
                    skipForms("param", "result");
                } else {
                    int start = peek().start();
                    int close = closeOf(p);
                    String sig = source.substring(start, tokens.get(close).start());
                    p = close;
                    type = emitCoreType(recFromText("(type (func " + sig + "))"), Optional.empty());
                }
                expect(Token.Kind.RPAR);
                ByteArrayOutputStream d = new ByteArrayOutputStream();
                if (kw.text().equals("tag")) {
                    d.write(0);
                }
                writeU32(d, type);
                return new CoreType.CoreExternType(kw.text().equals("tag") ? 4 : 0, d.toByteArray());
            }
            case "table", "memory", "global" -> {
                int close = closeIndex(p);
                if (close < 0) {
                    throw error(open, "unexpected end of input");
                }
                String desc = source.substring(open.start(), tokens.get(close).end());
                p = close + 1;
                byte[] bin = BinaryWriter.write(WatParser.parseModule("(module (import \"\" \"\" " + desc + "))"));
                ByteBuffer in = ByteBuffer.wrap(sectionPayload(bin, 2));
                readU32(in);
                for (int i = 0; i < 2; i++) {
                    int len = readU32(in);
                    in.position(in.position() + len);
                }
                int k = in.get() & 0xff;
                byte[] rest = new byte[in.remaining()];
                in.get(rest);
                return new CoreType.CoreExternType(k, rest);
            }
            default -> throw unexpected(kw);
        }
    }

    private void skipForms(String... keywords) {
        while (peek().is(Token.Kind.LPAR) && Set.of(keywords).contains(peek(1).text())) {
            int close = closeIndex(p);
            if (close < 0) {
                throw error(peek(), "unexpected end of input");
            }
            p = close + 1;
        }
    }

    private static void writeU32(ByteArrayOutputStream out, int v) {
        long value = v & 0xffffffffL;
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }

    // ---- component-level definitions ----

    /** {@code (component $id? (export "n")* (import "n")? ...)}: a nested component, or a component import. */
    private void componentField2() {
        Optional<String> id = maybeId();
        List<ExternName> exports = inlineExports();
        if (isInlineName("import")) {
            p += 2;
            ExternName name = externName();
            expect(Token.Kind.RPAR);
            int type = componentTypeUse(ScopeKind.COMPONENT_TYPE);
            expect(Token.Kind.RPAR);
            addEntry(10, new Import(name, new ExternType.ComponentT(type)));
            int index = define(Sort.COMPONENT, id);
            exportAll(exports, Sort.COMPONENT, index);
            return;
        }
        Component c;
        if (peek().isKeyword("binary")) {
            p++;
            c = ComponentBinaryReader.read(strings());
        } else {
            c = componentBody(id);
        }
        expect(Token.Kind.RPAR);
        addEntry(4, c);
        int index = define(Sort.COMPONENT, id);
        exportAll(exports, Sort.COMPONENT, index);
    }

    private void instanceField() {
        Optional<String> id = maybeId();
        List<ExternName> exports = inlineExports();
        int index;
        if (isInlineName("import")) {
            p += 2;
            ExternName name = externName();
            expect(Token.Kind.RPAR);
            int type = componentTypeUse(ScopeKind.INSTANCE_TYPE);
            expect(Token.Kind.RPAR);
            addEntry(10, new Import(name, new ExternType.InstanceT(type)));
            index = define(Sort.INSTANCE, id);
        } else if (atForm("instantiate")) {
            p += 2;
            int component = sortRef(Sort.COMPONENT);
            List<Instance.Arg> args = new ArrayList<>();
            while (atForm("with")) {
                p += 2;
                String name = name();
                Instance.Arg arg;
                if (atForm("instance") && (peek(2).is(Token.Kind.LPAR) && peek(3).isKeyword("export")
                        || peek(2).is(Token.Kind.RPAR))) {
                    p += 2;
                    arg = new Instance.Arg(name, Sort.INSTANCE, instanceFromExports(Optional.empty()));
                } else {
                    SortIdx si = sortIdx();
                    arg = new Instance.Arg(name, si.sort, si.index);
                }
                expect(Token.Kind.RPAR);
                args.add(arg);
            }
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
            addEntry(5, new Instance.Instantiate(component, args));
            index = define(Sort.INSTANCE, id);
        } else {
            index = instanceFromExports(id);
        }
        exportAll(exports, Sort.INSTANCE, index);
    }

    /** {@code (export "n" sortidx)* )}: a bag-of-exports instance; consumes the closing parenthesis. */
    private int instanceFromExports(Optional<String> id) {
        List<Instance.InlineExport> exports = new ArrayList<>();
        while (atForm("export")) {
            p += 2;
            ExternName name = externName();
            SortIdx si = sortIdx();
            expect(Token.Kind.RPAR);
            exports.add(new Instance.InlineExport(name, si.sort, si.index));
        }
        expect(Token.Kind.RPAR);
        addEntry(5, new Instance.FromExports(exports));
        return define(Sort.INSTANCE, id);
    }

    private record SortIdx(Sort sort, int index) {
    }

    /** {@code (sort idx)}, {@code (sort $inst "name"...)}, {@code (core sort idx)}: a reference to any item. */
    private SortIdx sortIdx() {
        expect(Token.Kind.LPAR);
        Sort sort = sortKeyword();
        int index = sort.isCore() ? coreItemIndex(sort) : itemIndex(sort);
        expect(Token.Kind.RPAR);
        return new SortIdx(sort, index);
    }

    /** After {@code (sort}: an index, or an instance and export names (inline aliases); not the ')'. */
    private int itemIndex(Sort sort) {
        Token t = next();
        if (!peek().is(Token.Kind.STRING)) {
            return resolve(sort, t);
        }
        int instance = resolve(Sort.INSTANCE, t);
        while (true) {
            String name = name();
            if (peek().is(Token.Kind.STRING)) {
                instance = emitAlias(new Alias.InstanceExport(Sort.INSTANCE, instance, name), Optional.empty());
            } else {
                return emitAlias(new Alias.InstanceExport(sort, instance, name), Optional.empty());
            }
        }
    }

    /** A reference to a component-level item of {@code sort}: an index or {@code (sort ...)}. */
    private int sortRef(Sort sort) {
        if (!peek().is(Token.Kind.LPAR)) {
            return index(sort);
        }
        SortIdx si = sortIdx();
        if (si.sort != sort) {
            throw unexpected(tokens.get(p - 1));
        }
        return si.index;
    }

    /** A sort keyword ({@code func}, {@code core func}, ...) at the cursor. */
    private Sort sortKeyword() {
        Token kw = next();
        if (kw.isKeyword("core")) {
            return coreSort(next());
        }
        if (!kw.is(Token.Kind.KEYWORD)) {
            throw unexpected(kw);
        }
        return switch (kw.text()) {
            case "func" -> Sort.FUNC;
            case "value" -> Sort.VALUE;
            case "type" -> Sort.TYPE;
            case "component" -> Sort.COMPONENT;
            case "instance" -> Sort.INSTANCE;
            default -> throw unexpected(kw);
        };
    }

    private void aliasField() {
        Alias alias = aliasTarget(null);
        expect(Token.Kind.LPAR);
        Sort sort = sortKeyword();
        Optional<String> id = maybeId();
        expect(Token.Kind.RPAR);
        expect(Token.Kind.RPAR);
        emitAlias(withSort(alias, sort), id);
    }

    private static Alias withSort(Alias a, Sort sort) {
        return switch (a) {
            case Alias.InstanceExport e -> {
                if (sort.isCore() && sort != Sort.CORE_MODULE) {
                    throw new MalformedException("unexpected token: a core sort in a component alias");
                }
                yield new Alias.InstanceExport(sort, e.instance(), e.name());
            }
            case Alias.CoreInstanceExport e -> {
                if (!sort.isCore()) {
                    throw new MalformedException("unexpected token: a component sort in a core alias");
                }
                yield new Alias.CoreInstanceExport(sort, e.instance(), e.name());
            }
            case Alias.Outer o -> new Alias.Outer(sort, o.count(), o.index());
        };
    }

    /**
     * After {@code (alias}: {@code export i "n"}, {@code core export i "n"} or {@code outer ct idx}, for an item
     * of {@code sort} (null when the sort follows, as in the {@code alias} field, in which case outer indices are
     * resolved once it is known).
     */
    private Alias aliasTarget(Sort sort) {
        Token kw = next();
        if (kw.isKeyword("export")) {
            int instance = index(Sort.INSTANCE);
            String name = name();
            return new Alias.InstanceExport(sort == null ? Sort.FUNC : sort, instance, name);
        }
        if (kw.isKeyword("core")) {
            expectKeyword("export");
            int instance = index(Sort.CORE_INSTANCE);
            String name = name();
            return new Alias.CoreInstanceExport(sort == null ? Sort.CORE_FUNC : sort, instance, name);
        }
        if (kw.isKeyword("outer")) {
            Token ct = next();
            Token idx = next();
            int count;
            Scope target;
            if (ct.is(Token.Kind.NAT)) {
                count = u32(ct);
                target = scope;
                for (int i = 0; i < count && target != null; i++) {
                    target = target.parent;
                }
                // an out-of-range count is the validator's to reject ("invalid outer alias count")
            } else if (ct.is(Token.Kind.ID)) {
                count = 0;
                target = scope;
                while (target != null && !(target.id.isPresent() && target.id.get().equals(ct.idName()))) {
                    target = target.parent;
                    count++;
                }
                if (target == null) {
                    throw error(ct, "outer component `" + ct.text() + "` not found");
                }
            } else {
                throw unexpected(ct);
            }
            Sort s = sort;
            if (s == null) {
                // the sort follows: peek at it to resolve the index in the right space
                int save = p;
                expect(Token.Kind.LPAR);
                s = sortKeyword();
                p = save;
            }
            int index;
            if (idx.is(Token.Kind.NAT)) {
                index = u32(idx);
            } else if (idx.is(Token.Kind.ID)) {
                if (target == null) {
                    throw error(ct, "invalid outer alias count of " + count);
                }
                Integer found = target.names(s).get(idx.idName());
                if (found == null) {
                    throw error(idx, "unknown " + sortName(s) + ": failed to find name `" + idx.text() + "`");
                }
                index = found;
            } else {
                throw unexpected(idx);
            }
            return new Alias.Outer(s, count, index);
        }
        throw unexpected(kw);
    }

    private void typeField() {
        Optional<String> id = maybeId();
        List<ExternName> exports = inlineExports();
        int index;
        if (atForm("alias")) {
            p += 2;
            Alias a = aliasTarget(Sort.TYPE);
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
            index = emitAlias(a, id);
        } else {
            TypeDef def = defType();
            expect(Token.Kind.RPAR);
            index = emitType(def, id);
        }
        exportAll(exports, Sort.TYPE, index);
    }

    private void funcField() {
        Optional<String> id = maybeId();
        List<ExternName> exports = inlineExports();
        int index;
        if (atForm("alias")) {
            p += 2;
            Alias a = aliasTarget(Sort.FUNC);
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
            index = emitAlias(a, id);
        } else if (isInlineName("import")) {
            p += 2;
            ExternName name = externName();
            expect(Token.Kind.RPAR);
            int type = funcTypeUse();
            expect(Token.Kind.RPAR);
            addEntry(10, new Import(name, new ExternType.Func(type)));
            index = define(Sort.FUNC, id);
        } else {
            int type = funcTypeUse();
            if (!atForm("canon")) {
                throw unexpected(peek());
            }
            p += 2;
            Canon canon = canonBody(true, OptionalInt.of(type));
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
            addEntry(8, canon);
            index = define(Sort.FUNC, id);
        }
        exportAll(exports, Sort.FUNC, index);
    }

    /** {@code (type idx)} or an inline function type (params and result), up to the next other form. */
    private int funcTypeUse() {
        if (atForm("type") && (peek(2).is(Token.Kind.NAT) || peek(2).is(Token.Kind.ID))
                && peek(3).is(Token.Kind.RPAR)) {
            p += 2;
            int t = index(Sort.TYPE);
            expect(Token.Kind.RPAR);
            return t;
        }
        TypeDef.Func f = funcTypeBody();
        return emitType(f, Optional.empty());
    }

    /** {@code async? (param "n" t)* (result t)?} of a function type. */
    private TypeDef.Func funcTypeBody() {
        boolean async = false;
        if (peek().isKeyword("async")) {
            p++;
            async = true;
        }
        List<TypeDef.Param> params = new ArrayList<>();
        while (atForm("param")) {
            p += 2;
            String name = name();
            ValType t = valType();
            expect(Token.Kind.RPAR);
            params.add(new TypeDef.Param(name, t));
        }
        Optional<ValType> result = Optional.empty();
        if (atForm("result")) {
            p += 2;
            result = Optional.of(valType());
            expect(Token.Kind.RPAR);
        }
        return new TypeDef.Func(async, params, result);
    }

    private void canonField() {
        canonBody(false, OptionalInt.empty());
        expect(Token.Kind.RPAR);
    }

    private static final Map<String, Integer> BUILTINS = Map.ofEntries(
            Map.entry("task.cancel", 0x05), Map.entry("subtask.cancel", 0x06), Map.entry("task.return", 0x09),
            Map.entry("context.get", 0x0a), Map.entry("context.set", 0x0b), Map.entry("thread.yield", 0x0c),
            Map.entry("subtask.drop", 0x0d), Map.entry("stream.new", 0x0e), Map.entry("stream.read", 0x0f),
            Map.entry("stream.write", 0x10), Map.entry("stream.cancel-read", 0x11),
            Map.entry("stream.cancel-write", 0x12), Map.entry("stream.drop-readable", 0x13),
            Map.entry("stream.drop-writable", 0x14), Map.entry("future.new", 0x15), Map.entry("future.read", 0x16),
            Map.entry("future.write", 0x17), Map.entry("future.cancel-read", 0x18),
            Map.entry("future.cancel-write", 0x19), Map.entry("future.drop-readable", 0x1a),
            Map.entry("future.drop-writable", 0x1b), Map.entry("error-context.new", 0x1c),
            Map.entry("error-context.debug-message", 0x1d), Map.entry("error-context.drop", 0x1e),
            Map.entry("waitable-set.new", 0x1f), Map.entry("waitable-set.wait", 0x20),
            Map.entry("waitable-set.poll", 0x21), Map.entry("waitable-set.drop", 0x22),
            Map.entry("waitable.join", 0x23), Map.entry("backpressure.inc", 0x24),
            Map.entry("backpressure.dec", 0x25), Map.entry("thread.index", 0x26),
            Map.entry("thread.new-indirect", 0x27), Map.entry("thread.resume-later", 0x28),
            Map.entry("thread.suspend", 0x29), Map.entry("thread.suspend-then-resume", 0x2a),
            Map.entry("thread.yield-then-resume", 0x2b), Map.entry("thread.suspend-then-promote", 0x2c),
            Map.entry("thread.yield-then-promote", 0x2d), Map.entry("thread.spawn-ref", 0x40),
            Map.entry("thread.spawn-indirect", 0x41), Map.entry("thread.available-parallelism", 0x42));

    /**
     * After {@code (canon}: the operation, its immediates and options, and (when not {@code inline}) the binder
     * {@code (func $id? type)} or {@code (core func $id?)}, which defines the index. Inline forms (inside
     * {@code (func ...)}/{@code (core func ...)}) leave the definition to the caller; {@code liftType} is the type
     * given there. Does not consume the closing parenthesis.
     */
    private Canon canonBody(boolean inline, OptionalInt liftType) {
        Token op = next();
        if (!op.is(Token.Kind.KEYWORD)) {
            throw unexpected(op);
        }
        Canon canon;
        Sort defines = Sort.CORE_FUNC;
        switch (op.text()) {
            case "lift" -> {
                int core = coreSortRef(Sort.CORE_FUNC);
                List<CanonOpt> opts = canonOpts();
                int type;
                Optional<String> id = Optional.empty();
                List<ExternName> exports = List.of();
                if (inline) {
                    type = liftType.orElseThrow();
                } else {
                    expect(Token.Kind.LPAR);
                    expectKeyword("func");
                    id = maybeId();
                    exports = inlineExports();
                    type = funcTypeUse();
                    expect(Token.Kind.RPAR);
                }
                canon = new Canon.Lift(core, opts, type);
                if (!inline) {
                    addEntry(8, canon);
                    int index = define(Sort.FUNC, id);
                    exportAll(exports, Sort.FUNC, index);
                }
                return canon;
            }
            case "lower" -> {
                int func = sortRef(Sort.FUNC);
                canon = new Canon.Lower(func, canonOpts());
            }
            case "resource.new" -> canon = new Canon.ResourceNew(typeRef());
            case "resource.drop" -> canon = new Canon.ResourceDrop(typeRef());
            case "resource.rep" -> canon = new Canon.ResourceRep(typeRef());
            default -> {
                Integer code = BUILTINS.get(op.text());
                if (code == null) {
                    throw unexpected(op);
                }
                canon = builtin(code);
            }
        }
        if (!inline) {
            expect(Token.Kind.LPAR);
            expectKeyword("core");
            expectKeyword("func");
            Optional<String> id = maybeId();
            expect(Token.Kind.RPAR);
            addEntry(8, canon);
            define(defines, id);
        }
        return canon;
    }

    private int typeRef() {
        if (atForm("type")) {
            p += 2;
            int t = itemIndex(Sort.TYPE);
            expect(Token.Kind.RPAR);
            return t;
        }
        return index(Sort.TYPE);
    }

    private Canon builtin(int code) {
        List<Integer> imm = new ArrayList<>();
        List<CanonOpt> opts = List.of();
        switch (code) {
            case 0x05, 0x0d, 0x1e, 0x1f, 0x22, 0x23, 0x24, 0x25, 0x26, 0x28 -> {
            }
            case 0x0e, 0x13, 0x14, 0x15, 0x1a, 0x1b -> imm.add(typeRef());
            case 0x0f, 0x10, 0x16, 0x17 -> {
                imm.add(typeRef());
                opts = canonOpts();
            }
            case 0x11, 0x12, 0x18, 0x19 -> {
                imm.add(typeRef());
                imm.add(flag("async"));
            }
            case 0x06, 0x0c -> imm.add(flag("async") | flag("cancellable"));
            case 0x29, 0x2a, 0x2b, 0x2c, 0x2d -> imm.add(flag("cancellable"));
            case 0x20, 0x21 -> {
                int cancel = flag("cancellable");
                List<CanonOpt> mem = canonOpts();
                if (mem.size() != 1 || !(mem.getFirst() instanceof CanonOpt.Memory m)) {
                    throw unexpected(peek());
                }
                imm.add(cancel);
                imm.add(m.memory());
            }
            case 0x09 -> {
                if (atForm("result")) {
                    p += 2;
                    imm.add(0x00);
                    ValType t = valType();
                    imm.add(switch (t) {
                        case ValType.Indexed i -> i.index();
                        case ValType.Primitive pr -> pr.type().code() - 0x80;
                    });
                    expect(Token.Kind.RPAR);
                } else {
                    imm.add(0x01);
                }
                opts = canonOpts();
            }
            case 0x0a, 0x0b -> {
                Token t = next();
                int vt = switch (t.text()) {
                    case "i32" -> 0x7f;
                    case "i64" -> 0x7e;
                    default -> throw unexpected(t);
                };
                imm.add(vt);
                imm.add(u32(next()));
            }
            case 0x1c, 0x1d -> opts = canonOpts();
            case 0x27 -> {
                imm.add(coreSortRef(Sort.CORE_TYPE));
                imm.add(coreSortRef(Sort.CORE_TABLE));
            }
            case 0x40 -> {
                imm.add(flag("shared"));
                imm.add(coreSortRef(Sort.CORE_TYPE));
            }
            case 0x41 -> {
                imm.add(flag("shared"));
                imm.add(coreSortRef(Sort.CORE_TYPE));
                imm.add(coreSortRef(Sort.CORE_TABLE));
            }
            case 0x42 -> imm.add(flag("shared"));
            default -> throw new IllegalStateException("builtin " + code);
        }
        return new Canon.Builtin(code, imm, opts);
    }

    private int flag(String keyword) {
        if (peek().isKeyword(keyword)) {
            p++;
            return 1;
        }
        return 0;
    }

    private List<CanonOpt> canonOpts() {
        List<CanonOpt> opts = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.is(Token.Kind.KEYWORD)) {
                switch (t.text()) {
                    case "string-encoding=utf8" -> opts.add(CanonOpt.StringEncoding.UTF8);
                    case "string-encoding=utf16" -> opts.add(CanonOpt.StringEncoding.UTF16);
                    case "string-encoding=latin1+utf16" -> opts.add(CanonOpt.StringEncoding.LATIN1_UTF16);
                    case "async" -> opts.add(new CanonOpt.Async());
                    default -> {
                        return opts;
                    }
                }
                p++;
                continue;
            }
            if (!t.is(Token.Kind.LPAR)) {
                return opts;
            }
            Token kw = peek(1);
            switch (kw.text()) {
                case "memory" -> {
                    p += 2;
                    opts.add(new CanonOpt.Memory(coreSortRef(Sort.CORE_MEMORY)));
                }
                case "realloc" -> {
                    p += 2;
                    opts.add(new CanonOpt.Realloc(coreSortRef(Sort.CORE_FUNC)));
                }
                case "post-return" -> {
                    p += 2;
                    opts.add(new CanonOpt.PostReturn(coreSortRef(Sort.CORE_FUNC)));
                }
                case "callback" -> {
                    p += 2;
                    opts.add(new CanonOpt.Callback(coreSortRef(Sort.CORE_FUNC)));
                }
                default -> {
                    return opts;
                }
            }
            expect(Token.Kind.RPAR);
        }
    }

    private void startField() {
        int func = sortRef(Sort.FUNC);
        List<Integer> args = new ArrayList<>();
        while (atForm("value")) {
            p += 2;
            args.add(index(Sort.VALUE));
            expect(Token.Kind.RPAR);
        }
        List<Optional<String>> results = new ArrayList<>();
        while (atForm("result")) {
            p += 2;
            expect(Token.Kind.LPAR);
            expectKeyword("value");
            results.add(maybeId());
            expect(Token.Kind.RPAR);
            expect(Token.Kind.RPAR);
        }
        expect(Token.Kind.RPAR);
        addEntry(9, new Start(func, args, results.size()));
        for (Optional<String> r : results) {
            define(Sort.VALUE, r);
        }
    }

    private void importField() {
        ExternName name = externName();
        ExternDesc desc = externDesc();
        expect(Token.Kind.RPAR);
        addEntry(10, new Import(name, desc.type));
        define(desc.sort, desc.id);
    }

    private void exportField() {
        Optional<String> id = maybeId();
        ExternName name = externName();
        SortIdx si = sortIdx();
        Optional<ExternType> ascribed = Optional.empty();
        if (peek().is(Token.Kind.LPAR)) {
            ExternDesc d = externDesc();
            if (d.sort != si.sort) {
                throw unexpected(peek());
            }
            ascribed = Optional.of(d.type);
        }
        expect(Token.Kind.RPAR);
        addEntry(11, new Export(name, si.sort, si.index, ascribed));
        define(si.sort, id);
    }

    /** Inline {@code (export "name" attrs*)} forms on a definition. */
    private List<ExternName> inlineExports() {
        List<ExternName> out = new ArrayList<>();
        while (isInlineExport()) {
            p += 2;
            out.add(externName());
            expect(Token.Kind.RPAR);
        }
        return out;
    }

    private static final Set<String> ATTRIBUTES = Set.of("implements", "versionsuffix", "external-id", "interface");

    private boolean isInlineExport() {
        return isInlineName("export");
    }

    /** Whether the cursor is at {@code (export "n" attrs*)} / {@code (import "n" attrs*)} with nothing after. */
    private boolean isInlineName(String keyword) {
        if (!atForm(keyword) || !peek(2).is(Token.Kind.STRING)) {
            return false;
        }
        int i = p + 3;
        while (tokens.get(i).is(Token.Kind.LPAR) && ATTRIBUTES.contains(tokens.get(i + 1).text())
                && closeIndex(i) > 0) {
            i = closeIndex(i) + 1;
        }
        return tokens.get(i).is(Token.Kind.RPAR);
    }

    private void exportAll(List<ExternName> names, Sort sort, int index) {
        for (ExternName n : names) {
            if (scope.kind != ScopeKind.COMPONENT) {
                throw new MalformedException("inline exports are only allowed in components");
            }
            addEntry(11, new Export(n, sort, index, Optional.empty()));
            define(sort, Optional.empty());
        }
    }

    /** {@code "name" (implements "..")? (versionsuffix "..")? (external-id "..")?}. */
    private ExternName externName() {
        String name;
        List<ExternName.Attribute> attrs = new ArrayList<>();
        if (atForm("interface")) {
            p += 2;
            name = name();
            expect(Token.Kind.RPAR);
        } else {
            name = name();
        }
        Set<ExternName.AttributeKind> seen = java.util.EnumSet.noneOf(ExternName.AttributeKind.class);
        while (peek().is(Token.Kind.LPAR)) {
            Token kw = peek(1);
            ExternName.AttributeKind kind = null;
            for (ExternName.AttributeKind k : ExternName.AttributeKind.values()) {
                if (kw.isKeyword(k.text())) {
                    kind = k;
                }
            }
            if (kind == null) {
                break;
            }
            if (!seen.add(kind)) {
                throw unexpected(kw);
            }
            p += 2;
            attrs.add(new ExternName.Attribute(kind, name()));
            expect(Token.Kind.RPAR);
        }
        // keep the binary's canonical order: implements, versionsuffix, external-id
        attrs.sort(java.util.Comparator.comparing(ExternName.Attribute::kind));
        return new ExternName(name, attrs.isEmpty() ? 0x00 : 0x02, attrs);
    }

    private record ExternDesc(Sort sort, Optional<String> id, ExternType type) {
    }

    /** An extern type with its binder: {@code (func $id? typeuse)}, {@code (instance $id? ...)}, ... */
    private ExternDesc externDesc() {
        expect(Token.Kind.LPAR);
        Token kw = next();
        if (kw.isKeyword("core")) {
            expectKeyword("module");
            Optional<String> id = maybeId();
            int type = coreModuleTypeUse();
            expect(Token.Kind.RPAR);
            return new ExternDesc(Sort.CORE_MODULE, id, new ExternType.CoreModule(type));
        }
        if (!kw.is(Token.Kind.KEYWORD)) {
            throw unexpected(kw);
        }
        Optional<String> id = maybeId();
        ExternDesc d = switch (kw.text()) {
            case "func" -> new ExternDesc(Sort.FUNC, id, new ExternType.Func(funcTypeUse()));
            case "component" -> new ExternDesc(Sort.COMPONENT, id,
                    new ExternType.ComponentT(componentTypeUse(ScopeKind.COMPONENT_TYPE)));
            case "instance" -> new ExternDesc(Sort.INSTANCE, id,
                    new ExternType.InstanceT(componentTypeUse(ScopeKind.INSTANCE_TYPE)));
            case "value" -> {
                if (atForm("eq")) {
                    p += 2;
                    int v = index(Sort.VALUE);
                    expect(Token.Kind.RPAR);
                    yield new ExternDesc(Sort.VALUE, id, new ExternType.ValueEq(v));
                }
                yield new ExternDesc(Sort.VALUE, id, new ExternType.Value(valType()));
            }
            case "type" -> {
                if (atForm("eq")) {
                    p += 2;
                    int t = index(Sort.TYPE);
                    expect(Token.Kind.RPAR);
                    yield new ExternDesc(Sort.TYPE, id, new ExternType.Type(false, t));
                }
                if (atForm("sub")) {
                    p += 2;
                    expectKeyword("resource");
                    expect(Token.Kind.RPAR);
                    yield new ExternDesc(Sort.TYPE, id, new ExternType.Type(true, 0));
                }
                // (type $id deftype): a definition followed by an eq bound on it
                TypeDef def = defType();
                int t = emitType(def, Optional.empty());
                yield new ExternDesc(Sort.TYPE, id, new ExternType.Type(false, t));
            }
            default -> throw unexpected(kw);
        };
        expect(Token.Kind.RPAR);
        return d;
    }

    /** {@code (type idx)} or inline module declarators, up to but not including the ')'. */
    private int coreModuleTypeUse() {
        if (atForm("type") && (peek(2).is(Token.Kind.NAT) || peek(2).is(Token.Kind.ID))
                && peek(3).is(Token.Kind.RPAR)) {
            p += 2;
            int t = index(Sort.CORE_TYPE);
            expect(Token.Kind.RPAR);
            return t;
        }
        push(ScopeKind.MODULE_TYPE, Optional.empty());
        while (peek().is(Token.Kind.LPAR)) {
            moduleDecl();
        }
        Scope s = pop();
        List<CoreType.ModuleDecl> decls = new ArrayList<>();
        for (Object o : s.items) {
            decls.add((CoreType.ModuleDecl) o);
        }
        return emitCoreType(new CoreType.ModuleType(decls), Optional.empty());
    }

    /**
     * {@code (type idx)} or inline component/instance declarators, up to but not including the ')'; inline ones
     * are emitted as a type definition.
     */
    private int componentTypeUse(ScopeKind kind) {
        if (atForm("type") && (peek(2).is(Token.Kind.NAT) || peek(2).is(Token.Kind.ID))
                && peek(3).is(Token.Kind.RPAR)) {
            p += 2;
            int t = index(Sort.TYPE);
            expect(Token.Kind.RPAR);
            return t;
        }
        TypeDef def = declsBody(kind);
        return emitType(def, Optional.empty());
    }

    /** The declarators of a component or instance type, up to but not including the ')'. */
    private TypeDef declsBody(ScopeKind kind) {
        push(kind, Optional.empty());
        while (peek().is(Token.Kind.LPAR)) {
            decl(kind);
        }
        Scope s = pop();
        List<Decl> decls = new ArrayList<>();
        for (Object o : s.items) {
            decls.add((Decl) o);
        }
        return kind == ScopeKind.COMPONENT_TYPE ? new TypeDef.ComponentType(decls) : new TypeDef.InstanceType(decls);
    }

    private void decl(ScopeKind kind) {
        Token kw = peek(1);
        if (kw.isKeyword("core")) {
            if (!peek(2).isKeyword("type")) {
                throw unexpected(peek(2));
            }
            p += 3;
            coreTypeField();
            return;
        }
        p += 2;
        switch (kw.text()) {
            case "type" -> typeField();
            case "alias" -> aliasField();
            case "import" -> {
                if (kind != ScopeKind.COMPONENT_TYPE) {
                    throw unexpected(kw);
                }
                ExternName name = externName();
                ExternDesc d = externDesc();
                expect(Token.Kind.RPAR);
                scope.items.add(new Decl.ImportDecl(name, d.type));
                define(d.sort, d.id);
            }
            case "export" -> {
                ExternName name = externName();
                ExternDesc d = externDesc();
                expect(Token.Kind.RPAR);
                scope.items.add(new Decl.ExportDecl(name, d.type));
                define(d.sort, d.id);
            }
            default -> throw unexpected(kw);
        }
    }

    // ---- types ----

    private static final Map<String, PrimValType> PRIMS = new HashMap<>();

    static {
        for (PrimValType pt : PrimValType.values()) {
            PRIMS.put(pt.text(), pt);
        }
    }

    /** A type definition at the cursor (a primitive keyword or a parenthesized form). */
    private TypeDef defType() {
        Token t = peek();
        if (t.is(Token.Kind.KEYWORD) && PRIMS.containsKey(t.text())) {
            p++;
            return new TypeDef.Prim(PRIMS.get(t.text()));
        }
        expect(Token.Kind.LPAR);
        Token kw = next();
        if (!kw.is(Token.Kind.KEYWORD)) {
            throw unexpected(kw);
        }
        if (++depth > MAX_DEPTH) {
            throw new MalformedException("nesting too deep");
        }
        TypeDef def = switch (kw.text()) {
            case "record" -> {
                List<TypeDef.Field> fields = new ArrayList<>();
                while (atForm("field")) {
                    p += 2;
                    String name = name();
                    ValType vt = valType();
                    expect(Token.Kind.RPAR);
                    fields.add(new TypeDef.Field(name, vt));
                }
                yield new TypeDef.Record(fields);
            }
            case "variant" -> {
                List<TypeDef.Case> cases = new ArrayList<>();
                while (atForm("case")) {
                    p += 2;
                    maybeId();
                    String name = name();
                    Optional<ValType> vt = Optional.empty();
                    if (!peek().is(Token.Kind.RPAR) && !atForm("refines")) {
                        vt = Optional.of(valType());
                    }
                    if (atForm("refines")) {
                        throw error(peek(1), "variant case `refines` is not supported");
                    }
                    expect(Token.Kind.RPAR);
                    cases.add(new TypeDef.Case(name, vt));
                }
                yield new TypeDef.Variant(cases);
            }
            case "list" -> {
                ValType vt = valType();
                OptionalInt len = OptionalInt.empty();
                if (peek().is(Token.Kind.NAT)) {
                    len = OptionalInt.of(u32(next()));
                }
                yield new TypeDef.ListOf(vt, len);
            }
            case "tuple" -> {
                List<ValType> types = new ArrayList<>();
                while (!peek().is(Token.Kind.RPAR)) {
                    types.add(valType());
                }
                yield new TypeDef.Tuple(types);
            }
            case "flags" -> {
                List<String> labels = new ArrayList<>();
                while (peek().is(Token.Kind.STRING)) {
                    labels.add(name());
                }
                yield new TypeDef.Flags(labels);
            }
            case "enum" -> {
                List<String> labels = new ArrayList<>();
                while (peek().is(Token.Kind.STRING)) {
                    labels.add(name());
                }
                yield new TypeDef.Enum(labels);
            }
            case "option" -> new TypeDef.OptionOf(valType());
            case "result" -> {
                Optional<ValType> ok = Optional.empty();
                if (!peek().is(Token.Kind.RPAR) && !atForm("error")) {
                    ok = Optional.of(valType());
                }
                Optional<ValType> err = Optional.empty();
                if (atForm("error")) {
                    p += 2;
                    err = Optional.of(valType());
                    expect(Token.Kind.RPAR);
                }
                yield new TypeDef.ResultOf(ok, err);
            }
            case "own" -> new TypeDef.Own(index(Sort.TYPE));
            case "borrow" -> new TypeDef.Borrow(index(Sort.TYPE));
            case "stream" -> new TypeDef.StreamOf(peek().is(Token.Kind.RPAR) ? Optional.empty()
                    : Optional.of(valType()));
            case "future" -> new TypeDef.FutureOf(peek().is(Token.Kind.RPAR) ? Optional.empty()
                    : Optional.of(valType()));
            case "map" -> {
                ValType k = valType();
                yield new TypeDef.MapOf(k, valType());
            }
            case "func" -> funcTypeBody();
            case "component" -> declsBody(ScopeKind.COMPONENT_TYPE);
            case "instance" -> declsBody(ScopeKind.INSTANCE_TYPE);
            case "resource" -> {
                expect(Token.Kind.LPAR);
                expectKeyword("rep");
                Token rep = next();
                if (!rep.isKeyword("i32")) {
                    throw unexpected(rep);
                }
                expect(Token.Kind.RPAR);
                OptionalInt dtor = OptionalInt.empty();
                if (atForm("dtor")) {
                    p += 2;
                    dtor = OptionalInt.of(coreSortRef(Sort.CORE_FUNC));
                    expect(Token.Kind.RPAR);
                }
                yield new TypeDef.Resource(0x7f, dtor);
            }
            default -> {
                if (PRIMS.containsKey(kw.text())) {
                    yield new TypeDef.Prim(PRIMS.get(kw.text()));
                }
                throw unexpected(kw);
            }
        };
        depth--;
        expect(Token.Kind.RPAR);
        return def;
    }

    /** A value type: a primitive, a type index, or an inline defined value type (emitted as a definition). */
    private ValType valType() {
        Token t = peek();
        if (t.is(Token.Kind.KEYWORD) && PRIMS.containsKey(t.text())) {
            p++;
            return new ValType.Primitive(PRIMS.get(t.text()));
        }
        if (t.is(Token.Kind.NAT) || t.is(Token.Kind.ID)) {
            p++;
            return new ValType.Indexed(resolve(Sort.TYPE, t));
        }
        if (t.is(Token.Kind.LPAR)) {
            Token kw = peek(1);
            if (kw.isKeyword("func") || kw.isKeyword("component") || kw.isKeyword("instance")
                    || kw.isKeyword("resource")) {
                throw unexpected(kw);
            }
            TypeDef def = defType();
            return new ValType.Indexed(emitType(def, Optional.empty()));
        }
        throw unexpected(t);
    }

    // ---- tokens (TokenCursor, with wasm-tools' wording for unexpected tokens) ----

    private Optional<String> maybeId() {
        return Optional.ofNullable(optionalId());
    }

    private byte[] strings() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (peek().is(Token.Kind.STRING)) {
            out.writeBytes(next().bytes());
        }
        return out.toByteArray();
    }

    private int u32(Token t) {
        if (!t.is(Token.Kind.NAT)) {
            throw unexpected(t);
        }
        try {
            long v = Numbers.parseU64(t.text());
            if (v < 0 || v > 0xffffffffL) {
                throw error(t, "integer too large");
            }
            return (int) v;
        } catch (Numbers.NumberException e) {
            throw error(t, e.getMessage());
        }
    }

    @Override
    protected MalformedException unexpected(Token t) {
        return error(t, t.is(Token.Kind.EOF) ? "unexpected end of input" : "unexpected token `" + t.text() + "`");
    }

    private static MalformedException unexpectedStatic(Token t) {
        return new MalformedException("unexpected token `" + t.text() + "`", t.start());
    }
}
