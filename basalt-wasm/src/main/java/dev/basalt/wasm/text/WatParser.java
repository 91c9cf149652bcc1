package dev.basalt.wasm.text;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.DataSegment;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.Global;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Features;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NameSection;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.StorageType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.Table;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.TagType;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Parses a WebAssembly text module ({@code (module ...)}, or a bare sequence of module fields) into a
 * {@link WasmModule}, expanding every abbreviation of the
 * <a href="https://webassembly.github.io/spec/core/text/index.html">text format</a> of Wasm 3.0.
 *
 * <p>It works in three passes over the module fields: the first binds every symbolic identifier (so fields may
 * refer forward), the second parses all type definitions, the third everything else in textual order, appending
 * the implicit function types that inline type uses need at the end of the type section, as the spec says.
 * Numeric indices are not range checked here (that is the validator's job); unbound symbolic identifiers,
 * duplicates, out-of-range constants and syntax errors throw {@link dev.basalt.wasm.MalformedException} with the reference
 * interpreter's wording and the {@code line:column}.
 *
 * {@snippet :
 * WasmModule m = WatParser.parseModule("(module (func (export \"one\") (result i32) (i32.const 1)))");
 * }
 */
public final class WatParser {
    private final TokenCursor c;
    private final Features features;
    private final List<Lexer.Annotation> annotations;

    // ---- index spaces ----
    private final Space types = new Space("type");
    private final Space funcs = new Space("function");
    private final Space tables = new Space("table");
    private final Space memories = new Space("memory");
    private final Space globals = new Space("global");
    private final Space tags = new Space("tag");
    private final Space elems = new Space("elem segment");
    private final Space datas = new Space("data segment");
    private final Map<Integer, Map<String, Integer>> fieldNames = new HashMap<>();

    // ---- results ----
    private final List<RecGroup> recGroups = new ArrayList<>();
    /** All types in index order with the size of their rec group, for implicit type matching. */
    private final List<SubType> allTypes = new ArrayList<>();
    private final List<Integer> allTypeGroupSizes = new ArrayList<>();
    private final List<Import> imports = new ArrayList<>();
    private final List<Function> functions = new ArrayList<>();
    private final List<Table> tableDefs = new ArrayList<>();
    private final List<MemoryType> memoryDefs = new ArrayList<>();
    private final List<TagType> tagDefs = new ArrayList<>();
    private final List<Global> globalDefs = new ArrayList<>();
    private final List<Export> exports = new ArrayList<>();
    private OptionalInt start = OptionalInt.empty();
    private final List<ElementSegment> elementSegments = new ArrayList<>();
    private final List<DataSegment> dataSegments = new ArrayList<>();
    private final List<CustomSection> customSections = new ArrayList<>();
    private final Map<Integer, Map<Integer, String>> localNames = new TreeMap<>();
    private final Map<Integer, Map<Integer, String>> labelNames = new TreeMap<>();
    private String moduleName;
    /** 1 when parsing the inner module of {@code (module (module ...))}, as quote modules may give. */
    private int trailingParens;


    private WatParser(Lexer.Result lexed, Features features) {
        this.c = new TokenCursor(lexed.source(), lexed.tokens());
        this.annotations = lexed.annotations();
        this.features = features;
    }

    /** Parses a module from source text. */
    public static WasmModule parseModule(String text) {
        return parseModule(text, Features.wasm3());
    }

    /** Parses a module from source text, accepting only the given features. */
    public static WasmModule parseModule(String text, Features features) {
        return new WatParser(Lexer.lex(text), features).module();
    }

    /** Parses a module from source bytes (UTF-8; bytes that are not are reported where they occur). */
    public static WasmModule parseModule(byte[] text) {
        return parseModule(Lexer.decode(text));
    }

    // =====================================================================================================
    // Module structure
    // =====================================================================================================

    private WasmModule module() {
        int fieldsEnd;
        if (c.atForm("module")) {
            int open = c.p;
            c.p += 2;
            if (c.atKeyword("definition")) {
                c.p++;
            }
            moduleName = c.optionalId();
            if (c.atKeyword("binary")) {
                c.p++;
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                while (c.at(Token.Kind.STRING)) {
                    bytes.writeBytes(c.string());
                }
                c.expect(Token.Kind.RPAR);
                c.expect(Token.Kind.EOF);
                return dev.basalt.wasm.binary.BinaryReader.read(bytes.toByteArray());
            }
            if (c.atKeyword("quote")) {
                c.p++;
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                while (c.at(Token.Kind.STRING)) {
                    text.writeBytes(c.string());
                }
                c.expect(Token.Kind.RPAR);
                c.expect(Token.Kind.EOF);
                return parseModule("(module " + Lexer.decode(text.toByteArray()) + ")");
            }
            fieldsEnd = c.matching[open];
            if (!c.tokens.get(fieldsEnd).is(Token.Kind.RPAR)) {
                throw c.error(c.tokens.get(fieldsEnd), "unexpected end of input");
            }
            if (c.atForm("module") && c.matching[c.p] + 1 == fieldsEnd && trailingParens == 0) {
                // (module quote "(module ...)") gives a complete module as its text: parse the inner one
                moduleName = null;
                trailingParens = 1;
                return module();
            }
            for (int i = 1; i <= trailingParens; i++) {
                if (!c.tokens.get(fieldsEnd + i).is(Token.Kind.RPAR)) {
                    throw c.unexpected(c.tokens.get(fieldsEnd + i));
                }
            }
            if (!c.tokens.get(fieldsEnd + 1 + trailingParens).is(Token.Kind.EOF)) {
                throw c.unexpected(c.tokens.get(fieldsEnd + 1 + trailingParens));
            }
        } else {
            fieldsEnd = c.tokens.size() - 1;
        }
        int bodyStart = c.p;
        List<Integer> fields = new ArrayList<>();
        for (int i = c.p; i < fieldsEnd; ) {
            Token t = c.tokens.get(i);
            if (!t.is(Token.Kind.LPAR) || !c.tokens.get(i + 1).is(Token.Kind.KEYWORD)) {
                throw c.unexpected(t.is(Token.Kind.LPAR) ? c.tokens.get(i + 1) : t);
            }
            if (!c.tokens.get(c.matching[i]).is(Token.Kind.RPAR)) {
                throw c.error(c.tokens.get(c.matching[i]), "unexpected end of input");
            }
            fields.add(i);
            i = c.matching[i] + 1;
        }
        bindNames(fields);
        for (int f : fields) {
            String kw = c.tokens.get(f + 1).text();
            if (kw.equals("type") || kw.equals("rec")) {
                c.p = f;
                typeField();
            }
        }
        for (int f : fields) {
            c.p = f;
            String kw = c.tokens.get(f + 1).text();
            switch (kw) {
                case "type", "rec" -> c.p = c.matching[f] + 1;
                case "import" -> importField();
                case "func" -> funcField();
                case "table" -> tableField();
                case "memory" -> memoryField();
                case "global" -> globalField();
                case "tag" -> tagField();
                case "export" -> exportField();
                case "start" -> startField();
                case "elem" -> elemField();
                case "data" -> dataField();
                default -> throw c.unexpected(c.tokens.get(f + 1));
            }
            if (c.p != c.matching[f] + 1) {
                throw c.unexpected(c.peek());
            }
        }
        customAnnotations(fields, fieldsEnd);
        otherAnnotations(bodyStart, fields);
        placeAfterLast();
        // Implicit types are appended after all explicit definitions, each a rec group of its own.
        int explicitCount = 0;
        for (RecGroup g : recGroups) {
            explicitCount += g.types().size();
        }
        List<RecGroup> groups = new ArrayList<>(recGroups);
        for (int i = explicitCount; i < allTypes.size(); i++) {
            groups.add(RecGroup.single(allTypes.get(i)));
        }
        return new WasmModule(groups, imports, functions, tableDefs, memoryDefs, tagDefs, globalDefs, exports, start,
                elementSegments, OptionalInt.of(dataSegments.size()), dataSegments, customSections, names());
    }

    private Optional<NameSection> names() {
        Map<Integer, Map<Integer, String>> maps = new HashMap<>();
        putNames(maps, NameSection.FUNCTIONS, funcs);
        putNames(maps, NameSection.TYPES, types);
        putNames(maps, NameSection.TABLES, tables);
        putNames(maps, NameSection.MEMORIES, memories);
        putNames(maps, NameSection.GLOBALS, globals);
        putNames(maps, NameSection.ELEMS, elems);
        putNames(maps, NameSection.DATAS, datas);
        putNames(maps, NameSection.TAGS, tags);
        Map<Integer, Map<Integer, Map<Integer, String>>> indirect = new HashMap<>();
        if (!localNames.isEmpty()) {
            indirect.put(NameSection.LOCALS, localNames);
        }
        if (!labelNames.isEmpty()) {
            indirect.put(NameSection.LABELS, labelNames);
        }
        Map<Integer, Map<Integer, String>> fields = new TreeMap<>();
        for (var e : fieldNames.entrySet()) {
            if (!e.getValue().isEmpty()) {
                Map<Integer, String> byIndex = new TreeMap<>();
                e.getValue().forEach((name, idx) -> byIndex.put(idx, name));
                fields.put(e.getKey(), byIndex);
            }
        }
        if (!fields.isEmpty()) {
            indirect.put(NameSection.FIELDS, fields);
        }
        if (moduleName == null && maps.isEmpty() && indirect.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NameSection(Optional.ofNullable(moduleName), maps, indirect));
    }

    private static void putNames(Map<Integer, Map<Integer, String>> maps, int id, Space space) {
        if (!space.names.isEmpty() || !space.annotatedNames.isEmpty()) {
            Map<Integer, String> byIndex = new TreeMap<>();
            space.names.forEach((name, idx) -> byIndex.put(idx, name));
            byIndex.putAll(space.annotatedNames);
            maps.put(id, byIndex);
        }
    }

    // ---- pass 1: names ----

    private void bindNames(List<Integer> fields) {
        String firstDefinition = null;
        for (int f : fields) {
            c.p = f + 2;
            String kw = c.tokens.get(f + 1).text();
            switch (kw) {
                case "type" -> bindType(f);
                case "rec" -> {
                    int end = c.matching[f];
                    int i = f + 2;
                    while (i < end) {
                        if (!c.tokens.get(i).is(Token.Kind.LPAR) || !c.tokens.get(i + 1).isKeyword("type")) {
                            throw c.unexpected(c.tokens.get(i));
                        }
                        bindType(i);
                        i = c.matching[i] + 1;
                    }
                }
                case "import" -> {
                    if (firstDefinition != null) {
                        throw c.error(c.tokens.get(f + 1), "import after " + firstDefinition);
                    }
                    c.name();
                    c.name();
                    Token lpar = c.peek();
                    if (!lpar.is(Token.Kind.LPAR) || !c.peek(1).is(Token.Kind.KEYWORD)) {
                        throw c.unexpected(lpar.is(Token.Kind.LPAR) ? c.peek(1) : lpar);
                    }
                    Token kind = c.peek(1);
                    c.p += 2;
                    Space s = spaceOfKind(kind);
                    s.bind(c, c.peek().is(Token.Kind.ID) ? c.peek() : null);
                }
                case "func", "table", "memory", "global", "tag" -> {
                    Token idTok = c.peek().is(Token.Kind.ID) ? c.next() : null;
                    int end = c.matching[f];
                    boolean imported = false;
                    boolean inlineSegment = false;
                    for (int i = c.p; i < end; ) {
                        Token t = c.tokens.get(i);
                        if (!t.is(Token.Kind.LPAR)) {
                            i++;
                            continue;
                        }
                        Token k = c.tokens.get(i + 1);
                        if (k.isKeyword("import")) {
                            imported = true;
                        } else if (k.isKeyword("elem") && kw.equals("table")
                                || k.isKeyword("data") && kw.equals("memory")) {
                            inlineSegment = true;
                        }
                        i = c.matching[i] + 1;
                    }
                    if (imported) {
                        if (firstDefinition != null) {
                            throw c.error(c.tokens.get(f + 1), "import after " + firstDefinition);
                        }
                    } else if (firstDefinition == null) {
                        firstDefinition = kw.equals("func") ? "function" : kw;
                    }
                    Space space = spaceOfKind(c.tokens.get(f + 1));
                    nameTargets.put(idTok == null ? f + 2 : f + 3, new NameTarget(space, space.count));
                    space.bind(c, idTok);
                    if (inlineSegment) {
                        (kw.equals("table") ? elems : datas).bind(c, null);
                    }
                }
                case "elem" -> elems.bind(c, c.peek().is(Token.Kind.ID) ? c.peek() : null);
                case "data" -> datas.bind(c, c.peek().is(Token.Kind.ID) ? c.peek() : null);
                case "export", "start" -> {
                }
                default -> throw c.unexpected(c.tokens.get(f + 1));
            }
        }
    }

    private void bindType(int at) {
        Token id = c.tokens.get(at + 2);
        nameTargets.put(id.is(Token.Kind.ID) ? at + 3 : at + 2, new NameTarget(types, types.count));
        types.bind(c, id.is(Token.Kind.ID) ? id : null);
    }

    /** What an {@code (@name "...")} annotation standing at a token index names. */
    private record NameTarget(Space space, int index) {
    }

    private final Map<Integer, NameTarget> nameTargets = new HashMap<>();

    private Space spaceOfKind(Token kind) {
        return switch (kind.text()) {
            case "func" -> funcs;
            case "table" -> tables;
            case "memory" -> memories;
            case "global" -> globals;
            case "tag" -> tags;
            default -> throw c.unexpected(kind);
        };
    }

    // ---- pass 2: types ----

    private void typeField() {
        if (c.atForm("rec")) {
            c.p += 2;
            List<SubType> group = new ArrayList<>();
            int first = allTypes.size();
            while (c.atForm("type")) {
                group.add(typeDef(first + group.size()));
            }
            c.expect(Token.Kind.RPAR);
            addGroup(group);
        } else {
            addGroup(List.of(typeDef(allTypes.size())));
        }
    }

    private void addGroup(List<SubType> group) {
        recGroups.add(new RecGroup(group));
        for (SubType t : group) {
            allTypes.add(t);
            allTypeGroupSizes.add(group.size());
        }
    }

    private SubType typeDef(int index) {
        c.enterForm("type");
        c.optionalId();
        SubType st;
        if (c.atForm("sub")) {
            c.p += 2;
            boolean fin = false;
            if (c.atKeyword("final")) {
                c.p++;
                fin = true;
            }
            List<Integer> supers = new ArrayList<>();
            while (c.at(Token.Kind.NAT) || c.at(Token.Kind.ID)) {
                supers.add(typeIndex());
            }
            CompositeType ct = compositeType(index);
            c.expect(Token.Kind.RPAR);
            st = new SubType(fin, supers, ct);
        } else {
            st = SubType.of(compositeType(index));
        }
        c.expect(Token.Kind.RPAR);
        return st;
    }

    private CompositeType compositeType(int index) {
        Token t = c.peek(1);
        if (!c.at(Token.Kind.LPAR)) {
            throw c.unexpected(c.peek());
        }
        switch (t.text()) {
            case "func" -> {
                c.p += 2;
                List<ValType> params = new ArrayList<>();
                List<ValType> results = new ArrayList<>();
                while (c.atForm("param")) {
                    c.p += 2;
                    if (c.at(Token.Kind.ID)) {
                        c.p++;
                        params.add(valType());
                    } else {
                        while (!c.at(Token.Kind.RPAR)) {
                            params.add(valType());
                        }
                    }
                    c.expect(Token.Kind.RPAR);
                }
                while (c.atForm("result")) {
                    c.p += 2;
                    while (!c.at(Token.Kind.RPAR)) {
                        results.add(valType());
                    }
                    c.expect(Token.Kind.RPAR);
                }
                c.expect(Token.Kind.RPAR);
                return new CompositeType.Func(params, results);
            }
            case "struct" -> {
                c.p += 2;
                List<FieldType> fields = new ArrayList<>();
                Map<String, Integer> names = new HashMap<>();
                while (c.atForm("field")) {
                    c.p += 2;
                    if (c.at(Token.Kind.ID)) {
                        Token id = c.next();
                        if (names.put(id.idName(), fields.size()) != null) {
                            throw c.error(id, "duplicate field $" + id.idName());
                        }
                        fields.add(fieldType());
                    } else {
                        while (!c.at(Token.Kind.RPAR)) {
                            fields.add(fieldType());
                        }
                    }
                    c.expect(Token.Kind.RPAR);
                }
                c.expect(Token.Kind.RPAR);
                fieldNames.put(index, names);
                return new CompositeType.Struct(fields);
            }
            case "array" -> {
                c.p += 2;
                FieldType ft = fieldType();
                c.expect(Token.Kind.RPAR);
                return new CompositeType.Array(ft);
            }
            default -> throw c.unexpected(t);
        }
    }

    private FieldType fieldType() {
        if (c.atForm("mut")) {
            c.p += 2;
            StorageType st = storageType();
            c.expect(Token.Kind.RPAR);
            return new FieldType(st, true);
        }
        return new FieldType(storageType(), false);
    }

    private StorageType storageType() {
        if (c.atKeyword("i8")) {
            c.p++;
            return PackedType.I8;
        }
        if (c.atKeyword("i16")) {
            c.p++;
            return PackedType.I16;
        }
        return valType();
    }

    // ---- value, reference and heap types ----

    private static final Map<String, AbsHeapType> ABS_HEAP = new HashMap<>();
    private static final Map<String, RefType> REF_SHORTHAND = new HashMap<>();

    static {
        for (AbsHeapType a : AbsHeapType.values()) {
            ABS_HEAP.put(a.text(), a);
            REF_SHORTHAND.put(a.refShorthand(), RefType.nullable(a));
        }
    }

    boolean atValType() {
        Token t = c.peek();
        if (t.is(Token.Kind.KEYWORD)) {
            return switch (t.text()) {
                case "i32", "i64", "f32", "f64", "v128" -> true;
                default -> REF_SHORTHAND.containsKey(t.text());
            };
        }
        return c.atForm("ref");
    }

    ValType valType() {
        Token t = c.peek();
        if (t.is(Token.Kind.KEYWORD)) {
            switch (t.text()) {
                case "i32" -> {
                    c.p++;
                    return NumType.I32;
                }
                case "i64" -> {
                    c.p++;
                    return NumType.I64;
                }
                case "f32" -> {
                    c.p++;
                    return NumType.F32;
                }
                case "f64" -> {
                    c.p++;
                    return NumType.F64;
                }
                case "v128" -> {
                    c.p++;
                    return NumType.V128;
                }
                default -> {
                }
            }
        }
        return refType();
    }

    RefType refType() {
        Token t = c.peek();
        if (t.is(Token.Kind.KEYWORD)) {
            RefType r = REF_SHORTHAND.get(t.text());
            if (r == null) {
                throw c.unexpected(t);
            }
            c.p++;
            return r;
        }
        c.enterForm("ref");
        boolean nullable = false;
        if (c.atKeyword("null")) {
            c.p++;
            nullable = true;
        }
        HeapType ht = heapType();
        c.expect(Token.Kind.RPAR);
        return new RefType(nullable, ht);
    }

    HeapType heapType() {
        Token t = c.peek();
        if (t.is(Token.Kind.KEYWORD)) {
            AbsHeapType a = ABS_HEAP.get(t.text());
            if (a == null) {
                throw c.unexpected(t);
            }
            c.p++;
            return a;
        }
        int index = typeIndex();
        // As in the binary reader: a u32 index beyond int range stays out of range for any real module.
        return HeapType.concrete(index < 0 ? Integer.MAX_VALUE : index);
    }

    int typeIndex() {
        return types.resolve(c, c.next());
    }

    // ---- type uses ----

    /** A resolved type use: the type index, and the id tokens of the params written inline (null if anonymous). */
    private record TypeUse(int index, List<Token> paramNames, int paramCount) {
    }

    /**
     * {@code (type x)? (param ...)* (result ...)*}. With no explicit index the function type is looked up among the
     * types defined so far (alone in its rec group, final, no supertypes) or appended.
     */
    private TypeUse typeUse(boolean namedParams) {
        Token start = c.peek();
        Integer explicit = null;
        if (c.atForm("type")) {
            c.p += 2;
            explicit = typeIndex();
            c.expect(Token.Kind.RPAR);
        }
        List<ValType> params = new ArrayList<>();
        List<Token> names = new ArrayList<>();
        List<ValType> results = new ArrayList<>();
        while (c.atForm("param")) {
            c.p += 2;
            if (c.at(Token.Kind.ID)) {
                if (!namedParams) {
                    throw c.unexpected(c.peek());
                }
                names.add(c.next());
                params.add(valType());
            } else {
                while (!c.at(Token.Kind.RPAR)) {
                    params.add(valType());
                    names.add(null);
                }
            }
            c.expect(Token.Kind.RPAR);
        }
        while (c.atForm("result")) {
            c.p += 2;
            while (!c.at(Token.Kind.RPAR)) {
                results.add(valType());
            }
            c.expect(Token.Kind.RPAR);
        }
        if (c.atForm("param") || c.atForm("type")) {
            throw c.unexpected(c.peek(1));
        }
        if (explicit != null) {
            CompositeType.Func ft = funcTypeAt(explicit);
            if (params.isEmpty() && results.isEmpty()) {
                int n = ft == null ? 0 : ft.params().size();
                List<Token> anon = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    anon.add(null);
                }
                return new TypeUse(explicit, anon, n);
            }
            if (explicit < 0 || explicit >= allTypes.size()) {
                throw c.error(start, "unknown type " + Integer.toUnsignedString(explicit));
            }
            if (ft == null || !ft.params().equals(params) || !ft.results().equals(results)) {
                throw c.error(start, "inline function type does not match explicit type");
            }
            return new TypeUse(explicit, names, params.size());
        }
        return new TypeUse(implicitType(params, results), names, params.size());
    }

    private CompositeType.Func funcTypeAt(int index) {
        if (index >= 0 && index < allTypes.size() && allTypes.get(index).composite() instanceof CompositeType.Func f) {
            return f;
        }
        return null;
    }

    private int implicitType(List<ValType> params, List<ValType> results) {
        CompositeType.Func ft = new CompositeType.Func(params, results);
        for (int i = 0; i < allTypes.size(); i++) {
            SubType st = allTypes.get(i);
            if (allTypeGroupSizes.get(i) == 1 && st.isFinal() && st.supertypes().isEmpty()
                    && st.composite().equals(ft)) {
                return i;
            }
        }
        allTypes.add(SubType.of(ft));
        allTypeGroupSizes.add(1);
        return allTypes.size() - 1;
    }

    // ---- pass 3: the other fields ----

    /** Skips {@code (export "name")} forms and records them as exports of the given kind and index. */
    private void inlineExports(ExternKind kind, int index) {
        while (c.atForm("export")) {
            c.p += 2;
            String name = c.name();
            c.expect(Token.Kind.RPAR);
            exports.add(new Export(name, kind, index));
        }
    }

    /** {@code (import "m" "n")} inside a definition, or null. */
    private String[] inlineImport() {
        if (!c.atForm("import")) {
            return null;
        }
        c.p += 2;
        String m = c.name();
        String n = c.name();
        c.expect(Token.Kind.RPAR);
        return new String[] {m, n};
    }

    private void importField() {
        c.enterForm("import");
        String module = c.name();
        String name = c.name();
        c.expect(Token.Kind.LPAR);
        Token kind = c.next();
        c.optionalId();
        ImportDesc desc = switch (kind.text()) {
            case "func" -> {
                funcCounter++;
                yield new ImportDesc.Func(typeUse(true).index());
            }
            case "table" -> {
                tableCounter++;
                yield new ImportDesc.Table(tableType());
            }
            case "memory" -> {
                memoryCounter++;
                yield new ImportDesc.Memory(memoryType());
            }
            case "global" -> {
                globalCounter++;
                yield new ImportDesc.Global(globalType());
            }
            case "tag" -> {
                tagCounter++;
                yield new ImportDesc.Tag(new TagType(typeUse(true).index()));
            }
            default -> throw c.unexpected(kind);
        };
        c.expect(Token.Kind.RPAR);
        c.expect(Token.Kind.RPAR);
        imports.add(new Import(module, name, desc));
    }

    private void funcField() {
        c.enterForm("func");
        c.optionalId();
        int index = funcCounter++;
        inlineExports(ExternKind.FUNC, index);
        String[] imp = inlineImport();
        TypeUse tu = typeUse(true);
        if (imp != null) {
            c.expect(Token.Kind.RPAR);
            imports.add(new Import(imp[0], imp[1], new ImportDesc.Func(tu.index())));
            return;
        }
        FunctionContext fc = new FunctionContext();
        for (Token pn : tu.paramNames()) {
            fc.addLocal(c, pn);
        }
        for (int i = tu.paramNames().size(); i < tu.paramCount(); i++) {
            fc.addLocal(c, null);
        }
        List<Locals> locals = new ArrayList<>();
        while (c.atForm("local")) {
            c.p += 2;
            if (c.at(Token.Kind.ID)) {
                fc.addLocal(c, c.next());
                addLocals(locals, valType());
            } else {
                while (!c.at(Token.Kind.RPAR)) {
                    addLocals(locals, valType());
                    fc.addLocal(c, null);
                }
            }
            c.expect(Token.Kind.RPAR);
        }
        InstructionParser instructions = new InstructionParser(this, c, fc);
        Expression body = instructions.expression(-1);
        c.expect(Token.Kind.RPAR);
        if (!instructions.labelNames().isEmpty()) {
            labelNames.put(index, instructions.labelNames());
        }
        if (!fc.names.isEmpty()) {
            Map<Integer, String> byIndex = new TreeMap<>();
            fc.names.forEach((n, i) -> byIndex.put(i, n));
            localNames.put(index, byIndex);
        }
        functions.add(new Function(tu.index(), locals, body));
    }

    private static void addLocals(List<Locals> locals, ValType t) {
        if (!locals.isEmpty() && locals.get(locals.size() - 1).type().equals(t)
                && locals.get(locals.size() - 1).count() < Integer.MAX_VALUE) {
            Locals last = locals.remove(locals.size() - 1);
            locals.add(new Locals(last.count() + 1, t));
        } else {
            locals.add(new Locals(1, t));
        }
    }

    // Running indices; all imports precede all definitions (checked in bindNames), so textual order is index order.
    private int funcCounter;
    private int tableCounter;
    private int memoryCounter;
    private int globalCounter;
    private int tagCounter;

    private void tableField() {
        c.enterForm("table");
        c.optionalId();
        int index = tableCounter++;
        inlineExports(ExternKind.TABLE, index);
        String[] imp = inlineImport();
        if (imp != null) {
            TableType tt = tableType();
            c.expect(Token.Kind.RPAR);
            imports.add(new Import(imp[0], imp[1], new ImportDesc.Table(tt)));
            return;
        }
        boolean is64 = addressType();
        if (atValType() && !c.at(Token.Kind.NAT)) {
            // (table reftype (elem ...)): size from the element count
            RefType rt = refType();
            c.enterForm("elem");
            List<Expression> items = new ArrayList<>();
            if (c.at(Token.Kind.LPAR)) {
                while (c.at(Token.Kind.LPAR)) {
                    items.add(elemExpr());
                }
            } else {
                while (c.at(Token.Kind.NAT) || c.at(Token.Kind.ID)) {
                    items.add(refFunc(funcs.resolve(c, c.next())));
                }
            }
            c.expect(Token.Kind.RPAR);
            c.expect(Token.Kind.RPAR);
            long n = items.size();
            tableDefs.add(new Table(new TableType(rt, Limits.of(n, n), is64), Optional.empty()));
            Expression offset = is64 ? Expression.of(new Instruction.I64Const(0))
                    : Expression.of(new Instruction.I32Const(0));
            elementSegments.add(new ElementSegment(rt, items, new ElementSegment.Active(index, offset)));
            return;
        }
        Limits limits = limits(is64);
        RefType rt = refType();
        Optional<Expression> init = Optional.empty();
        if (!c.at(Token.Kind.RPAR)) {
            init = Optional.of(new InstructionParser(this, c, new FunctionContext()).expression(-1));
        }
        c.expect(Token.Kind.RPAR);
        tableDefs.add(new Table(new TableType(rt, limits, is64), init));
    }

    private boolean addressType() {
        if (c.atKeyword("i64")) {
            c.p++;
            return true;
        }
        if (c.atKeyword("i32")) {
            c.p++;
        }
        return false;
    }

    /**
     * Limits are read as u64 whatever the address type: the validator reports sizes out of range. Without
     * memory64 the text grammar has only u32 limits, so a larger number is malformed.
     */
    private Limits limits(boolean is64) {
        long min = limit();
        if (c.at(Token.Kind.NAT)) {
            return Limits.of(min, limit());
        }
        return Limits.of(min);
    }

    private long limit() {
        Token t = c.peek();
        long value = c.u64();
        if (!features.has(Features.Feature.MEMORY64) && Long.compareUnsigned(value, 0xFFFF_FFFFL) > 0) {
            throw c.error(t, "i32 constant out of range");
        }
        return value;
    }

    private TableType tableType() {
        boolean is64 = addressType();
        Limits l = limits(is64);
        return new TableType(refType(), l, is64);
    }

    private MemoryType memoryType() {
        boolean is64 = addressType();
        Limits l = limits(is64);
        boolean shared = false;
        if (c.atKeyword("shared")) {
            c.p++;
            shared = true;
        } else if (c.atKeyword("unshared")) {
            c.p++;
        }
        int pageSizeLog2 = MemoryType.DEFAULT_PAGE_SIZE_LOG2;
        if (c.atForm("pagesize")) {
            pageSizeLog2 = pageSize();
        }
        return new MemoryType(l, shared, is64, pageSizeLog2);
    }

    private int pageSize() {
        c.p += 2;
        Token t = c.peek();
        long size = c.u64();
        c.expect(Token.Kind.RPAR);
        if (size == 0 || (size & (size - 1)) != 0) {
            throw c.error(t, "invalid custom page size");
        }
        return Long.numberOfTrailingZeros(size);
    }

    private void memoryField() {
        c.enterForm("memory");
        c.optionalId();
        int index = memoryCounter++;
        inlineExports(ExternKind.MEMORY, index);
        String[] imp = inlineImport();
        if (imp != null) {
            MemoryType mt = memoryType();
            c.expect(Token.Kind.RPAR);
            imports.add(new Import(imp[0], imp[1], new ImportDesc.Memory(mt)));
            return;
        }
        int save = c.p;
        boolean is64 = addressType();
        int pageSizeLog2 = MemoryType.DEFAULT_PAGE_SIZE_LOG2;
        if (c.atForm("pagesize")) {
            pageSizeLog2 = pageSize();
        }
        if (c.atForm("data")) {
            c.p += 2;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            while (c.at(Token.Kind.STRING)) {
                bytes.writeBytes(c.string());
            }
            c.expect(Token.Kind.RPAR);
            c.expect(Token.Kind.RPAR);
            long pageSize = 1L << pageSizeLog2;
            long pages = (bytes.size() + pageSize - 1) / pageSize;
            memoryDefs.add(new MemoryType(Limits.of(pages, pages), false, is64, pageSizeLog2));
            Expression offset = is64 ? Expression.of(new Instruction.I64Const(0))
                    : Expression.of(new Instruction.I32Const(0));
            dataSegments.add(new DataSegment(bytes.toByteArray(), new DataSegment.Active(index, offset)));
            return;
        }
        c.p = save;
        MemoryType mt = memoryType();
        c.expect(Token.Kind.RPAR);
        memoryDefs.add(mt);
    }

    private GlobalType globalType() {
        if (c.atForm("mut")) {
            c.p += 2;
            ValType t = valType();
            c.expect(Token.Kind.RPAR);
            return new GlobalType(t, true);
        }
        return new GlobalType(valType(), false);
    }

    private void globalField() {
        c.enterForm("global");
        c.optionalId();
        int index = globalCounter++;
        inlineExports(ExternKind.GLOBAL, index);
        String[] imp = inlineImport();
        GlobalType gt = globalType();
        if (imp != null) {
            c.expect(Token.Kind.RPAR);
            imports.add(new Import(imp[0], imp[1], new ImportDesc.Global(gt)));
            return;
        }
        Expression init = new InstructionParser(this, c, new FunctionContext()).expression(-1);
        c.expect(Token.Kind.RPAR);
        globalDefs.add(new Global(gt, init));
    }

    private void tagField() {
        c.enterForm("tag");
        c.optionalId();
        int index = tagCounter++;
        inlineExports(ExternKind.TAG, index);
        String[] imp = inlineImport();
        TypeUse tu = typeUse(true);
        c.expect(Token.Kind.RPAR);
        if (imp != null) {
            imports.add(new Import(imp[0], imp[1], new ImportDesc.Tag(new TagType(tu.index()))));
        } else {
            tagDefs.add(new TagType(tu.index()));
        }
    }

    private void exportField() {
        c.enterForm("export");
        String name = c.name();
        c.expect(Token.Kind.LPAR);
        Token kind = c.next();
        ExternKind k;
        Space s;
        switch (kind.text()) {
            case "func" -> {
                k = ExternKind.FUNC;
                s = funcs;
            }
            case "table" -> {
                k = ExternKind.TABLE;
                s = tables;
            }
            case "memory" -> {
                k = ExternKind.MEMORY;
                s = memories;
            }
            case "global" -> {
                k = ExternKind.GLOBAL;
                s = globals;
            }
            case "tag" -> {
                k = ExternKind.TAG;
                s = tags;
            }
            default -> throw c.unexpected(kind);
        }
        int idx = s.resolve(c, c.next());
        c.expect(Token.Kind.RPAR);
        c.expect(Token.Kind.RPAR);
        exports.add(new Export(name, k, idx));
    }

    private void startField() {
        Token t = c.peek();
        c.enterForm("start");
        int idx = funcs.resolve(c, c.next());
        c.expect(Token.Kind.RPAR);
        if (start.isPresent()) {
            throw c.error(t, "multiple start sections");
        }
        start = OptionalInt.of(idx);
    }

    private static Expression refFunc(int funcIndex) {
        return Expression.of(new Instruction.Index(dev.basalt.wasm.Opcode.REF_FUNC, funcIndex));
    }

    /** {@code (item instr*)} or a single folded instruction. */
    private Expression elemExpr() {
        if (c.atForm("item")) {
            c.p += 2;
            Expression e = new InstructionParser(this, c, new FunctionContext()).expression(-1);
            c.expect(Token.Kind.RPAR);
            return e;
        }
        if (!c.at(Token.Kind.LPAR)) {
            throw c.unexpected(c.peek());
        }
        return new InstructionParser(this, c, new FunctionContext()).expression(c.matching[c.p] + 1);
    }

    /** {@code (offset instr*)} or a single folded instruction. */
    private Expression offsetExpr() {
        if (c.atForm("offset")) {
            c.p += 2;
            Expression e = new InstructionParser(this, c, new FunctionContext()).expression(-1);
            c.expect(Token.Kind.RPAR);
            return e;
        }
        if (!c.at(Token.Kind.LPAR)) {
            throw c.unexpected(c.peek());
        }
        return new InstructionParser(this, c, new FunctionContext()).expression(c.matching[c.p] + 1);
    }

    private static final RefType REF_FUNC_NON_NULL = RefType.nonNull(AbsHeapType.FUNC);

    /**
     * {@code (elem id? (declare | (table x)? offset)? elemlist)} where elemlist is {@code func x*} or
     * {@code reftype elemexpr*}; an active segment may also list bare function indices, as in the MVP.
     */
    private void elemField() {
        c.enterForm("elem");
        c.optionalId();
        ElementSegment.Mode mode;
        if (c.atKeyword("declare")) {
            c.p++;
            mode = new ElementSegment.Declarative();
        } else if (c.atForm("table") || c.at(Token.Kind.NAT) || c.at(Token.Kind.ID)) {
            int table;
            if (c.atForm("table")) {
                c.p += 2;
                table = tables.resolve(c, c.next());
                c.expect(Token.Kind.RPAR);
            } else {
                table = tables.resolve(c, c.next()); // MVP syntax: a bare table index
            }
            mode = new ElementSegment.Active(table, offsetExpr());
        } else if (c.at(Token.Kind.LPAR) && !atValType()) {
            mode = new ElementSegment.Active(0, offsetExpr());
        } else {
            mode = new ElementSegment.Passive();
        }
        RefType type;
        List<Expression> items = new ArrayList<>();
        if (atValType()) {
            type = refType();
            while (c.at(Token.Kind.LPAR)) {
                items.add(elemExpr());
            }
        } else {
            if (c.atKeyword("func")) {
                c.p++;
            } else if (!(mode instanceof ElementSegment.Active) && !c.at(Token.Kind.RPAR)) {
                throw c.unexpected(c.peek());
            }
            // 'func x*' (and its MVP abbreviation) denotes non-null function references
            type = REF_FUNC_NON_NULL;
            while (c.at(Token.Kind.NAT) || c.at(Token.Kind.ID)) {
                items.add(refFunc(funcs.resolve(c, c.next())));
            }
        }
        c.expect(Token.Kind.RPAR);
        elementSegments.add(new ElementSegment(type, items, mode));
    }

    private void dataField() {
        c.enterForm("data");
        c.optionalId();
        DataSegment.Mode mode;
        if (c.atForm("memory") || c.at(Token.Kind.NAT) || c.at(Token.Kind.ID)) {
            int mem;
            if (c.atForm("memory")) {
                c.p += 2;
                mem = memories.resolve(c, c.next());
                c.expect(Token.Kind.RPAR);
            } else {
                mem = memories.resolve(c, c.next());
            }
            mode = new DataSegment.Active(mem, offsetExpr());
        } else if (c.at(Token.Kind.LPAR)) {
            mode = new DataSegment.Active(0, offsetExpr());
        } else {
            mode = new DataSegment.Passive();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (c.at(Token.Kind.STRING)) {
            bytes.writeBytes(c.string());
        }
        c.expect(Token.Kind.RPAR);
        dataSegments.add(new DataSegment(bytes.toByteArray(), mode));
    }

    // ---- annotations ----

    /** Turns {@code (@custom "name" (before|after section)? "bytes"*)} annotations at module level into sections. */
    private void customAnnotations(List<Integer> fields, int fieldsEnd) {
        java.util.Set<Integer> fieldStarts = new java.util.HashSet<>(fields);
        fieldStarts.add(fieldsEnd);
        for (Lexer.Annotation a : annotations) {
            if (!a.id().equals("custom")) {
                continue;
            }
            Token at = a.body().isEmpty() ? c.tokens.get(Math.min(a.tokenIndex(), c.tokens.size() - 1))
                    : a.body().get(0);
            if (!fieldStarts.contains(a.tokenIndex())) {
                throw c.error(at, "misplaced @custom annotation");
            }
            List<Token> body = a.body();
            if (body.isEmpty() || !body.get(0).is(Token.Kind.STRING)) {
                throw c.error(at, "@custom annotation: missing section name");
            }
            String name;
            try {
                name = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(body.get(0).bytes())).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw c.error(body.get(0), "@custom annotation: malformed UTF-8 encoding");
            }
            int i = 1;
            int preceding = AFTER_LAST; // the default placement is (after last)
            if (i < body.size() && body.get(i).is(Token.Kind.LPAR)) {
                if (i + 1 >= body.size() || !(body.get(i + 1).isKeyword("before")
                        || body.get(i + 1).isKeyword("after"))) {
                    throw c.error(body.get(i), "@custom annotation: malformed placement");
                }
                boolean after = body.get(i + 1).text().equals("after");
                String sectionName = i + 2 < body.size() && body.get(i + 2).is(Token.Kind.KEYWORD)
                        ? body.get(i + 2).text() : "";
                int position = SECTION_ORDER.indexOf(sectionName);
                boolean edge = after ? sectionName.equals("last") : sectionName.equals("first");
                if (position < 0 && !edge) {
                    throw c.error(body.get(i), "@custom annotation: malformed section kind");
                }
                if (i + 3 >= body.size() || !body.get(i + 3).is(Token.Kind.RPAR)) {
                    throw c.error(body.get(i), "@custom annotation: malformed placement");
                }
                if (edge) {
                    preceding = after ? AFTER_LAST : 0;
                } else if (after) {
                    preceding = SECTION_IDS.get(sectionName);
                } else {
                    preceding = position == 0 ? 0 : SECTION_IDS.get(SECTION_ORDER.get(position - 1));
                }
                i += 4;
            }
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (; i < body.size(); i++) {
                if (!body.get(i).is(Token.Kind.STRING)) {
                    throw c.error(body.get(i), "@custom annotation: unexpected token");
                }
                data.writeBytes(body.get(i).bytes());
            }
            customSections.add(new CustomSection(name, data.toByteArray(), preceding));
        }
    }

    /**
     * Gives {@code (after last)} custom sections the id of the module's last section in binary order, so that the
     * model says where they stand as a decoded binary would: the data count section (always present in a parsed
     * text module), then code, then data.
     */
    private void placeAfterLast() {
        int last = !dataSegments.isEmpty() ? 11 : !functions.isEmpty() ? 10 : 12;
        for (int i = 0; i < customSections.size(); i++) {
            CustomSection cs = customSections.get(i);
            if (cs.precedingSectionId() == AFTER_LAST) {
                customSections.set(i, new CustomSection(cs.name(), cs.data(), last));
            }
        }
    }

    /**
     * {@code (@name "...")} right after a module's or a definition's keyword and id names it in the name section;
     * {@code @metadata.code.branch_hint} must stand in a function body, at most one per instruction. Other
     * annotations are ignored.
     */
    private void otherAnnotations(int moduleBodyStart, List<Integer> fields) {
        boolean moduleNamed = false;
        int lastHint = -1;
        for (Lexer.Annotation a : annotations) {
            Token at = c.tokens.get(Math.min(a.tokenIndex(), c.tokens.size() - 1));
            if (a.id().equals("name")) {
                if (a.body().size() != 1 || !a.body().get(0).is(Token.Kind.STRING)) {
                    throw c.error(at, "@name annotation: string expected");
                }
                String name = new String(a.body().get(0).bytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (a.tokenIndex() == moduleBodyStart) {
                    if (moduleNamed) {
                        throw c.error(at, "@name annotation: multiple module");
                    }
                    moduleNamed = true;
                    moduleName = name;
                    continue;
                }
                NameTarget target = nameTargets.get(a.tokenIndex());
                if (target == null) {
                    throw c.error(at, "misplaced @name annotation");
                }
                target.space().annotatedNames.put(target.index(), name);
            } else if (a.id().equals("metadata.code.branch_hint")) {
                boolean inFunction = false;
                for (int f : fields) {
                    if (a.tokenIndex() > f + 1 && a.tokenIndex() <= c.matching[f]
                            && c.tokens.get(f + 1).isKeyword("func")) {
                        inFunction = true;
                    }
                }
                if (!inFunction) {
                    throw c.error(at, "@metadata.code.branch_hint annotation: not in a function");
                }
                if (a.tokenIndex() == lastHint) {
                    throw c.error(at, "@metadata.code.branch_hint annotation: duplicate annotation");
                }
                lastHint = a.tokenIndex();
                Token target = at.is(Token.Kind.LPAR) ? c.tokens.get(a.tokenIndex() + 1) : at;
                if (!target.isKeyword("if") && !target.isKeyword("br_if")) {
                    // well-formed, but a hint only means something on a branch: a validation error
                    throw new dev.basalt.wasm.InvalidException(
                            "@metadata.code.branch_hint annotation: invalid target at "
                                    + Lexer.position(c.source, at.start()));
                }
            }
        }
    }

    /** Marks {@code (after last)} until the module's last section is known. */
    private static final int AFTER_LAST = -1;

    /** Section ids by text name. */
    private static final Map<String, Integer> SECTION_IDS = Map.ofEntries(Map.entry("type", 1),
            Map.entry("import", 2), Map.entry("func", 3), Map.entry("table", 4), Map.entry("memory", 5),
            Map.entry("global", 6), Map.entry("export", 7), Map.entry("start", 8), Map.entry("elem", 9),
            Map.entry("code", 10), Map.entry("data", 11), Map.entry("datacount", 12), Map.entry("tag", 13));

    /** The order of the known sections in a binary module, which differs from their ids (tag, datacount). */
    private static final List<String> SECTION_ORDER = List.of("type", "import", "func", "table", "memory", "tag",
            "global", "export", "start", "elem", "datacount", "code", "data");

    // =====================================================================================================
    // Shared with the instruction parser
    // =====================================================================================================

    Space types() {
        return types;
    }

    Space funcs() {
        return funcs;
    }

    Space tables() {
        return tables;
    }

    Space memories() {
        return memories;
    }

    Space globals() {
        return globals;
    }

    Space tags() {
        return tags;
    }

    Space elems() {
        return elems;
    }

    Space datas() {
        return datas;
    }

    /** Resolves a struct field by name (per struct type) or number. */
    int fieldIndex(int typeIndex, Token t) {
        if (t.is(Token.Kind.ID)) {
            Map<String, Integer> m = fieldNames.get(typeIndex);
            Integer i = m == null ? null : m.get(t.idName());
            if (i == null) {
                throw c.error(t, "unknown field $" + t.idName());
            }
            return i;
        }
        c.p--;
        return c.u32();
    }

    /** A block type: a type use (which may be a bare single result). */
    dev.basalt.wasm.BlockType blockType() {
        if (!c.atForm("type") && !c.atForm("param")) {
            List<ValType> results = new ArrayList<>();
            int save = c.p;
            while (c.atForm("result")) {
                c.p += 2;
                while (!c.at(Token.Kind.RPAR)) {
                    results.add(valType());
                }
                c.expect(Token.Kind.RPAR);
            }
            if (results.isEmpty()) {
                return dev.basalt.wasm.BlockType.EMPTY;
            }
            if (results.size() == 1) {
                return new dev.basalt.wasm.BlockType.Value(results.get(0));
            }
            c.p = save;
        }
        return new dev.basalt.wasm.BlockType.TypeIndex(typeUse(false).index());
    }

    /** A type use for call_indirect and friends: parameters may not be named. */
    int plainTypeUse() {
        return typeUse(false).index();
    }

    /** An index space: names to indices, and a count. */
    static final class Space {
        final String kind;
        final Map<String, Integer> names = new HashMap<>();
        /** Names given by {@code (@name "...")} annotations, which take precedence over identifiers. */
        final Map<Integer, String> annotatedNames = new HashMap<>();
        int count;

        Space(String kind) {
            this.kind = kind;
        }

        void bind(TokenCursor c, Token id) {
            if (id != null) {
                if (names.containsKey(id.idName())) {
                    throw c.error(id, "duplicate " + (kind.equals("function") ? "func" : kind.split(" ")[0]) + " "
                            + id.text());
                }
                names.put(id.idName(), count);
            }
            count++;
        }

        int resolve(TokenCursor c, Token t) {
            if (t.is(Token.Kind.ID)) {
                Integer i = names.get(t.idName());
                if (i == null) {
                    throw c.error(t, "unknown " + kind + " " + t.text());
                }
                return i;
            }
            if (t.is(Token.Kind.NAT)) {
                try {
                    long v = Numbers.parseU64(t.text());
                    if (Long.compareUnsigned(v, 0xFFFFFFFFL) > 0) {
                        throw c.error(t, "i32 constant out of range");
                    }
                    return (int) v;
                } catch (Numbers.NumberException e) {
                    throw c.error(t, "i32 constant out of range");
                }
            }
            throw c.unexpected(t);
        }
    }

    /** Locals of the function being parsed (params first), and nothing else: labels live in the instruction parser. */
    static final class FunctionContext {
        final Map<String, Integer> names = new HashMap<>();
        int count;

        void addLocal(TokenCursor c, Token id) {
            if (id != null) {
                if (names.containsKey(id.idName())) {
                    throw c.error(id, "duplicate local " + id.text());
                }
                names.put(id.idName(), count);
            }
            count++;
        }
    }
}
