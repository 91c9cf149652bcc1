package dev.basalt.wasm.text;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.DataSegment;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.Global;
import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NameSection;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.StorageType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.Table;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.TagType;
import dev.basalt.wasm.V128;
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a {@link WasmModule} as WebAssembly text (WAT), such that the WAT parser reads it back to an equal module.
 *
 * <p>Function bodies are printed flat (one instruction a line, indented by block depth); constant expressions as
 * a row of parenthesised plain instructions. Where the name section gives a name that is a valid, unique
 * identifier it is printed as {@code $id} on the definition and at its uses; everything else is numeric.
 *
 * <p>What the text format cannot say, and so does not survive a print/parse round trip:
 * <ul>
 *   <li>the name section itself beyond the identifiers printed (labels, field names and names that are not valid
 *       identifiers or not unique are dropped);</li>
 *   <li>how the binary grouped locals (the text lists locals one by one; a parser merges adjacent runs of one
 *       type);</li>
 *   <li>whether a data count section was present (a text module has one exactly when a parser decides);</li>
 *   <li>the list order of custom sections placed at different spots: the printer writes them in binary order,
 *       where a module parsed from text lists them in the order the text gave them;</li>
 *   <li>byte offsets of instructions (they take no part in equality anyway).</li>
 * </ul>
 * Custom sections are printed as {@code (@custom "name" (after section) "bytes")} annotations.
 *
 * <p>Stateless and thread-safe.
 *
 * {@snippet :
 * String wat = WatPrinter.print(module);
 * }
 */
public final class WatPrinter {
    private static final String INDENT = "  ";

    private final WasmModule module;
    private final StringBuilder out = new StringBuilder();
    /** Printable identifiers per name-section subsection: index -> "$name". */
    private final Map<Integer, Map<Integer, String>> ids = new HashMap<>();
    /** Printable local identifiers: function index -> local index -> "$name". */
    private final Map<Integer, Map<Integer, String>> localIds = new HashMap<>();
    private final List<SubType> types;
    /** The function whose body is being printed (for local names), -1 outside bodies. */
    private int currentFunction = -1;

    private WatPrinter(WasmModule module) {
        this.module = module;
        this.types = module.types();
        module.names().ifPresent(this::collectIds);
    }

    /** The module as WAT text, ending with a newline. */
    public static String print(WasmModule module) {
        WatPrinter p = new WatPrinter(module);
        p.module();
        return p.out.toString();
    }

    /** One defined type as text, e.g. {@code (func (param i32) (result i32))} or {@code (sub $0 (struct))}. */
    public static String printType(WasmModule module, SubType type) {
        WatPrinter p = new WatPrinter(module);
        p.subType(type);
        return p.out.toString();
    }

    /** A value type as text, e.g. {@code i32}, {@code funcref}, {@code (ref null 3)}. */
    public static String printValType(ValType type) {
        WatPrinter p = new WatPrinter(WasmModule.empty());
        p.valType(type);
        return p.out.toString();
    }

    // ---- names ----

    private void collectIds(NameSection names) {
        names.nameMaps().forEach((subsection, map) -> ids.put(subsection, printableIds(map)));
        Map<Integer, Map<Integer, String>> locals = names.indirectNameMaps().get(NameSection.LOCALS);
        if (locals != null) {
            locals.forEach((function, map) -> localIds.put(function, printableIds(map)));
        }
    }

    /** The names of one index space that can be printed as {@code $id}: valid identifiers that no other entry has. */
    private static Map<Integer, String> printableIds(Map<Integer, String> names) {
        Map<String, Integer> uses = new HashMap<>();
        names.values().forEach(n -> uses.merge(n, 1, Integer::sum));
        Map<Integer, String> printable = new HashMap<>();
        names.forEach((index, name) -> {
            if (isIdentifier(name) && uses.get(name) == 1) {
                printable.put(index, "$" + name);
            }
        });
        return printable;
    }

    /** Whether {@code $name} is a plain identifier token: printable ASCII without spaces and delimiters. */
    static boolean isIdentifier(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || "\"(),;[]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The reference to entry {@code index} of a name-section index space: its $id or the number. */
    private String ref(int subsection, long index) {
        Map<Integer, String> m = ids.get(subsection);
        String id = m == null || index < 0 || index > Integer.MAX_VALUE ? null : m.get((int) index);
        return id != null ? id : Long.toString(index);
    }

    /** " $id" for the definition of entry {@code index}, or "". */
    private String defId(int subsection, int index) {
        Map<Integer, String> m = ids.get(subsection);
        String id = m == null ? null : m.get(index);
        return id != null ? " " + id : "";
    }

    private String localRef(int index) {
        Map<Integer, String> m = localIds.get(currentFunction);
        String id = m == null ? null : m.get(index);
        return id != null ? id : Integer.toUnsignedString(index);
    }

    // ---- module structure ----

    private void module() {
        out.append("(module");
        module.names().flatMap(NameSection::moduleName).filter(WatPrinter::isIdentifier)
                .ifPresent(n -> out.append(" $").append(n));
        out.append('\n');
        customSections(0);
        int typeIndex = 0;
        for (RecGroup g : module.recGroups()) {
            typeIndex = recGroup(g, typeIndex);
        }
        customSections(1);
        int[] counters = new int[5];
        for (Import i : module.imports()) {
            importDecl(i, counters);
        }
        customSections(2);
        customSections(3);
        int funcIndex = module.importCount(dev.basalt.wasm.ExternKind.FUNC);
        for (Function f : module.functions()) {
            function(f, funcIndex++);
        }
        int tableIndex = module.importCount(dev.basalt.wasm.ExternKind.TABLE);
        for (Table t : module.tables()) {
            line().append("(table").append(defId(NameSection.TABLES, tableIndex++)).append(' ');
            tableType(t.type());
            t.init().ifPresent(e -> constExpr(e));
            out.append(")\n");
        }
        customSections(4);
        int memIndex = module.importCount(dev.basalt.wasm.ExternKind.MEMORY);
        for (MemoryType m : module.memories()) {
            line().append("(memory").append(defId(NameSection.MEMORIES, memIndex++)).append(' ');
            memoryType(m);
            out.append(")\n");
        }
        customSections(5);
        int tagIndex = module.importCount(dev.basalt.wasm.ExternKind.TAG);
        for (TagType t : module.tags()) {
            line().append("(tag").append(defId(NameSection.TAGS, tagIndex++)).append(' ');
            typeUse(t.typeIndex());
            out.append(")\n");
        }
        customSections(13);
        int globalIndex = module.importCount(dev.basalt.wasm.ExternKind.GLOBAL);
        for (Global g : module.globals()) {
            line().append("(global").append(defId(NameSection.GLOBALS, globalIndex++)).append(' ');
            globalType(g.type());
            constExpr(g.init());
            out.append(")\n");
        }
        customSections(6);
        for (Export e : module.exports()) {
            line().append("(export ");
            string(e.name().getBytes(StandardCharsets.UTF_8));
            out.append(" (").append(e.kind().text()).append(' ').append(ref(space(e.kind()), e.index())).append("))\n");
        }
        customSections(7);
        module.start().ifPresent(s -> line().append("(start ").append(ref(NameSection.FUNCTIONS, s)).append(")\n"));
        customSections(8);
        int elemIndex = 0;
        for (ElementSegment e : module.elements()) {
            elem(e, elemIndex++);
        }
        customSections(9);
        customSections(12);
        customSections(10);
        int dataIndex = 0;
        for (DataSegment d : module.data()) {
            data(d, dataIndex++);
        }
        customSections(11);
        out.append(")\n");
    }

    private static int space(dev.basalt.wasm.ExternKind kind) {
        return switch (kind) {
            case FUNC -> NameSection.FUNCTIONS;
            case TABLE -> NameSection.TABLES;
            case MEMORY -> NameSection.MEMORIES;
            case GLOBAL -> NameSection.GLOBALS;
            case TAG -> NameSection.TAGS;
        };
    }

    /** The custom sections that followed the section with id {@code after} in the binary (0: before all). */
    private void customSections(int after) {
        for (CustomSection c : module.customSections()) {
            if (c.precedingSectionId() == after) {
                line().append("(@custom ");
                string(c.name().getBytes(StandardCharsets.UTF_8));
                out.append(' ').append(placement(after)).append(' ');
                string(c.data());
                out.append(")\n");
            }
        }
    }

    private static String placement(int precedingSectionId) {
        return switch (precedingSectionId) {
            case 0 -> "(before first)";
            case 1 -> "(after type)";
            case 2 -> "(after import)";
            case 3 -> "(after func)";
            case 4 -> "(after table)";
            case 5 -> "(after memory)";
            case 6 -> "(after global)";
            case 7 -> "(after export)";
            case 8 -> "(after start)";
            case 9 -> "(after elem)";
            case 10 -> "(after code)";
            case 11 -> "(after data)";
            case 12 -> "(after datacount)";
            case 13 -> "(after tag)";
            default -> "(after last)";
        };
    }

    private int recGroup(RecGroup g, int typeIndex) {
        boolean explicit = g.types().size() != 1;
        if (explicit) {
            line().append("(rec");
            if (g.types().isEmpty()) {
                out.append(")\n");
                return typeIndex;
            }
            out.append('\n');
        }
        for (SubType t : g.types()) {
            line().append(explicit ? INDENT : "").append("(type").append(defId(NameSection.TYPES, typeIndex++))
                    .append(' ');
            subType(t);
            out.append(")\n");
        }
        if (explicit) {
            line().append(")\n");
        }
        return typeIndex;
    }

    private void subType(SubType t) {
        boolean plain = t.isFinal() && t.supertypes().isEmpty();
        if (!plain) {
            out.append("(sub");
            if (t.isFinal()) {
                out.append(" final");
            }
            for (int s : t.supertypes()) {
                out.append(' ').append(ref(NameSection.TYPES, Integer.toUnsignedLong(s)));
            }
            out.append(' ');
        }
        switch (t.composite()) {
            case CompositeType.Func f -> {
                out.append("(func");
                params(f.params());
                results(f.results());
                out.append(')');
            }
            case CompositeType.Struct s -> {
                out.append("(struct");
                for (FieldType field : s.fields()) {
                    out.append(" (field ");
                    fieldType(field);
                    out.append(')');
                }
                out.append(')');
            }
            case CompositeType.Array a -> {
                out.append("(array ");
                fieldType(a.element());
                out.append(')');
            }
        }
        if (!plain) {
            out.append(')');
        }
    }

    private void params(List<ValType> params) {
        if (!params.isEmpty()) {
            out.append(" (param");
            for (ValType v : params) {
                out.append(' ');
                valType(v);
            }
            out.append(')');
        }
    }

    private void results(List<ValType> results) {
        if (!results.isEmpty()) {
            out.append(" (result");
            for (ValType v : results) {
                out.append(' ');
                valType(v);
            }
            out.append(')');
        }
    }

    private void fieldType(FieldType f) {
        if (f.mutable()) {
            out.append("(mut ");
        }
        storageType(f.storageType());
        if (f.mutable()) {
            out.append(')');
        }
    }

    private void storageType(StorageType s) {
        switch (s) {
            case PackedType p -> out.append(p.text());
            case ValType v -> valType(v);
        }
    }

    private void valType(ValType v) {
        switch (v) {
            case NumType n -> out.append(n.text());
            case RefType r -> refType(r);
        }
    }

    private void refType(RefType r) {
        if (r.nullable() && r.heapType() instanceof AbsHeapType a) {
            out.append(a.refShorthand());
            return;
        }
        out.append(r.nullable() ? "(ref null " : "(ref ");
        heapType(r.heapType());
        out.append(')');
    }

    private void heapType(HeapType h) {
        switch (h) {
            case AbsHeapType a -> out.append(a.text());
            case HeapType.Concrete c -> out.append(ref(NameSection.TYPES, c.typeIndex()));
        }
    }

    private void typeUse(int typeIndex) {
        out.append("(type ").append(ref(NameSection.TYPES, Integer.toUnsignedLong(typeIndex))).append(')');
    }

    private void importDecl(Import i, int[] counters) {
        line().append("(import ");
        string(i.module().getBytes(StandardCharsets.UTF_8));
        out.append(' ');
        string(i.name().getBytes(StandardCharsets.UTF_8));
        out.append(" (");
        int index = counters[i.desc().kind().ordinal()]++;
        out.append(i.desc().kind().text()).append(defId(space(i.desc().kind()), index)).append(' ');
        switch (i.desc()) {
            case ImportDesc.Func f -> typeUse(f.typeIndex());
            case ImportDesc.Table t -> tableType(t.type());
            case ImportDesc.Memory m -> memoryType(m.type());
            case ImportDesc.Global g -> globalType(g.type());
            case ImportDesc.Tag t -> typeUse(t.type().typeIndex());
        }
        out.append("))\n");
    }

    private void limits(Limits l) {
        out.append(Long.toUnsignedString(l.min()));
        l.max().ifPresent(m -> out.append(' ').append(Long.toUnsignedString(m)));
    }

    private void tableType(TableType t) {
        if (t.is64()) {
            out.append("i64 ");
        }
        limits(t.limits());
        out.append(' ');
        refType(t.elementType());
    }

    private void memoryType(MemoryType m) {
        if (m.is64()) {
            out.append("i64 ");
        }
        limits(m.limits());
        if (m.shared()) {
            out.append(" shared");
        }
        if (m.pageSizeLog2() != MemoryType.DEFAULT_PAGE_SIZE_LOG2) {
            out.append(" (pagesize ").append(BigInteger.ONE.shiftLeft(m.pageSizeLog2())).append(')');
        }
    }

    private void globalType(GlobalType g) {
        if (g.mutable()) {
            out.append("(mut ");
        }
        valType(g.type());
        if (g.mutable()) {
            out.append(')');
        }
    }

    private void function(Function f, int index) {
        currentFunction = index;
        line().append("(func").append(defId(NameSection.FUNCTIONS, index)).append(' ');
        typeUse(f.typeIndex());
        Map<Integer, String> names = localIds.get(index);
        int local = 0;
        if (f.typeIndex() >= 0 && f.typeIndex() < types.size()
                && types.get(f.typeIndex()).composite() instanceof CompositeType.Func ft) {
            // the signature again, inline, so that parameters can carry their names
            for (ValType p : ft.params()) {
                out.append(" (param ");
                String id = names == null ? null : names.get(local);
                if (id != null) {
                    out.append(id).append(' ');
                }
                valType(p);
                out.append(')');
                local++;
            }
            results(ft.results());
        }
        for (Locals l : f.locals()) {
            for (int i = 0; i < l.count(); i++, local++) {
                String id = names == null ? null : names.get(local);
                out.append(" (local ");
                if (id != null) {
                    out.append(id).append(' ');
                }
                valType(l.type());
                out.append(')');
            }
        }
        out.append('\n');
        body(f.body(), 2);
        line().append(")\n");
        currentFunction = -1;
    }

    private void elem(ElementSegment e, int index) {
        line().append("(elem").append(defId(NameSection.ELEMS, index));
        switch (e.mode()) {
            case ElementSegment.Passive p -> {
            }
            case ElementSegment.Declarative d -> out.append(" declare");
            case ElementSegment.Active a -> {
                out.append(" (table ").append(ref(NameSection.TABLES, Integer.toUnsignedLong(a.table())))
                        .append(") (offset");
                constExpr(a.offset());
                out.append(')');
            }
        }
        out.append(' ');
        refType(e.type());
        for (Expression item : e.init()) {
            out.append(" (item");
            constExpr(item);
            out.append(')');
        }
        out.append(")\n");
    }

    private void data(DataSegment d, int index) {
        line().append("(data").append(defId(NameSection.DATAS, index));
        if (d.mode() instanceof DataSegment.Active a) {
            out.append(" (memory ").append(ref(NameSection.MEMORIES, Integer.toUnsignedLong(a.memory())))
                    .append(") (offset");
            constExpr(a.offset());
            out.append(')');
        }
        out.append(' ');
        string(d.init());
        out.append(")\n");
    }

    /** A constant expression: its instructions, each parenthesised, after a space. */
    private void constExpr(Expression e) {
        for (Instruction i : e.instructions()) {
            out.append(" (");
            instruction(i);
            out.append(')');
        }
    }

    /** A function body, flat, one instruction a line, indented by nesting depth. */
    private void body(Expression e, int depth) {
        for (Instruction i : e.instructions()) {
            Opcode op = i.opcode();
            boolean closes = op == Opcode.END || op == Opcode.DELEGATE;
            boolean middle = op == Opcode.ELSE || op == Opcode.CATCH || op == Opcode.CATCH_ALL;
            if ((closes || middle) && depth > 2) {
                depth--;
            }
            line(depth);
            instruction(i);
            out.append('\n');
            if (middle || i instanceof Instruction.Block || i instanceof Instruction.TryTable) {
                depth++;
            }
        }
    }

    private StringBuilder line() {
        return out.append(INDENT);
    }

    private void line(int depth) {
        out.append(INDENT.repeat(depth));
    }

    // ---- instructions ----

    private void instruction(Instruction i) {
        Opcode op = i.opcode();
        out.append(op.mnemonic());
        switch (i) {
            case Instruction.Simple s -> {
            }
            case Instruction.Block b -> blockType(b.type());
            case Instruction.Branch b -> out.append(' ').append(Integer.toUnsignedString(b.label()));
            case Instruction.BranchTable t -> {
                for (int l : t.labels()) {
                    out.append(' ').append(Integer.toUnsignedString(l));
                }
                out.append(' ').append(Integer.toUnsignedString(t.defaultLabel()));
            }
            case Instruction.Index x -> out.append(' ').append(indexRef(op, x.index()));
            case Instruction.IndexPair p -> indexPair(p);
            case Instruction.Memory m -> memArg(m.memArg());
            case Instruction.MemoryLane m -> {
                memArg(m.memArg());
                out.append(' ').append(Integer.toUnsignedString(m.lane()));
            }
            case Instruction.Lane l -> out.append(' ').append(Integer.toUnsignedString(l.lane()));
            case Instruction.Shuffle s -> {
                for (int b = 0; b < 16; b++) {
                    out.append(' ').append(s.lanes().byteAt(b));
                }
            }
            case Instruction.I32Const c -> out.append(' ').append(c.value());
            case Instruction.I64Const c -> out.append(' ').append(c.value());
            case Instruction.F32Const c -> out.append(' ').append(f32(c.bits()));
            case Instruction.F64Const c -> out.append(' ').append(f64(c.bits()));
            case Instruction.V128Const c -> v128(c.value());
            case Instruction.SelectTyped s -> {
                out.append(" (result");
                for (ValType t : s.types()) {
                    out.append(' ');
                    valType(t);
                }
                out.append(')');
            }
            case Instruction.HeapTypeInstr h -> {
                out.append(' ');
                if (op == Opcode.REF_NULL) {
                    heapType(h.heapType());
                } else {
                    // ref.test / ref.cast take a reference type; the *_NULL opcodes are its nullable form
                    refType(new RefType(op == Opcode.REF_TEST_NULL || op == Opcode.REF_CAST_NULL, h.heapType()));
                }
            }
            case Instruction.BrOnCast b -> {
                out.append(' ').append(Integer.toUnsignedString(b.label())).append(' ');
                refType(b.from());
                out.append(' ');
                refType(b.to());
            }
            case Instruction.TryTable t -> {
                blockType(t.type());
                for (Instruction.Catch c : t.catches()) {
                    out.append(" (").append(c.kind().text());
                    if (c.kind().hasTag()) {
                        out.append(' ').append(ref(NameSection.TAGS, Integer.toUnsignedLong(c.tag())));
                    }
                    out.append(' ').append(Integer.toUnsignedString(c.label())).append(')');
                }
            }
        }
    }

    private void blockType(BlockType t) {
        switch (t) {
            case BlockType.Empty e -> {
            }
            case BlockType.Value v -> {
                out.append(" (result ");
                valType(v.type());
                out.append(')');
            }
            case BlockType.TypeIndex x -> {
                out.append(' ');
                typeUse(x.typeIndex());
            }
        }
    }

    /** A single index immediate, by the index space the opcode refers to. */
    private String indexRef(Opcode op, int index) {
        long unsigned = Integer.toUnsignedLong(index);
        String m = op.mnemonic();
        if (m.startsWith("local.")) {
            return localRef(index);
        }
        if (m.startsWith("global.")) {
            return ref(NameSection.GLOBALS, unsigned);
        }
        if (m.equals("call") || m.equals("return_call") || m.equals("ref.func")) {
            return ref(NameSection.FUNCTIONS, unsigned);
        }
        if (m.startsWith("table.")) {
            return ref(NameSection.TABLES, unsigned);
        }
        if (m.startsWith("memory.")) {
            return ref(NameSection.MEMORIES, unsigned);
        }
        if (m.equals("throw") || m.equals("catch")) {
            return ref(NameSection.TAGS, unsigned);
        }
        if (m.equals("data.drop")) {
            return ref(NameSection.DATAS, unsigned);
        }
        if (m.equals("elem.drop")) {
            return ref(NameSection.ELEMS, unsigned);
        }
        if (m.startsWith("struct.") || m.startsWith("array.") || m.equals("call_ref") || m.equals("return_call_ref")) {
            return ref(NameSection.TYPES, unsigned);
        }
        return Long.toString(unsigned);
    }

    /** Two index immediates: the model keeps binary order, the text sometimes puts the second first. */
    private void indexPair(Instruction.IndexPair p) {
        long first = Integer.toUnsignedLong(p.first());
        long second = Integer.toUnsignedLong(p.second());
        switch (p.opcode()) {
            case CALL_INDIRECT, RETURN_CALL_INDIRECT -> {
                out.append(' ').append(ref(NameSection.TABLES, second)).append(' ');
                typeUse(p.first());
            }
            case TABLE_INIT -> out.append(' ').append(ref(NameSection.TABLES, second)).append(' ')
                    .append(ref(NameSection.ELEMS, first));
            case TABLE_COPY -> out.append(' ').append(ref(NameSection.TABLES, first)).append(' ')
                    .append(ref(NameSection.TABLES, second));
            case MEMORY_INIT -> out.append(' ').append(ref(NameSection.MEMORIES, second)).append(' ')
                    .append(ref(NameSection.DATAS, first));
            case MEMORY_COPY -> out.append(' ').append(ref(NameSection.MEMORIES, first)).append(' ')
                    .append(ref(NameSection.MEMORIES, second));
            case ARRAY_NEW_DATA, ARRAY_INIT_DATA -> out.append(' ').append(ref(NameSection.TYPES, first)).append(' ')
                    .append(ref(NameSection.DATAS, second));
            case ARRAY_NEW_ELEM, ARRAY_INIT_ELEM -> out.append(' ').append(ref(NameSection.TYPES, first)).append(' ')
                    .append(ref(NameSection.ELEMS, second));
            case ARRAY_COPY -> out.append(' ').append(ref(NameSection.TYPES, first)).append(' ')
                    .append(ref(NameSection.TYPES, second));
            // struct.get/set: type and field; array.new_fixed: type and count
            default -> out.append(' ').append(ref(NameSection.TYPES, first)).append(' ').append(second);
        }
    }

    private void memArg(MemArg m) {
        if (m.memory() != 0) {
            out.append(' ').append(ref(NameSection.MEMORIES, Integer.toUnsignedLong(m.memory())));
        }
        if (m.offset() != 0) {
            out.append(" offset=").append(Long.toUnsignedString(m.offset()));
        }
        out.append(" align=").append(BigInteger.ONE.shiftLeft(Math.max(0, m.alignLog2())));
    }

    /** An f32 as exact text: hex float, {@code inf}, or {@code nan:0x...} with its payload. */
    static String f32(int bits) {
        float f = Float.intBitsToFloat(bits);
        String sign = bits < 0 ? "-" : "";
        if (Float.isNaN(f)) {
            return sign + "nan:0x" + Integer.toHexString(bits & 0x7f_ffff);
        }
        if (Float.isInfinite(f)) {
            return sign + "inf";
        }
        return Float.toHexString(f); // Java's hex float ("0x1.8p1", "-0x0.0p0") is WAT syntax
    }

    /** An f64 as exact text, like {@link #f32}. */
    static String f64(long bits) {
        double d = Double.longBitsToDouble(bits);
        String sign = bits < 0 ? "-" : "";
        if (Double.isNaN(d)) {
            return sign + "nan:0x" + Long.toHexString(bits & 0xf_ffff_ffff_ffffL);
        }
        if (Double.isInfinite(d)) {
            return sign + "inf";
        }
        return Double.toHexString(d);
    }

    private void v128(V128 v) {
        out.append(" i32x4");
        for (int lane = 0; lane < 4; lane++) {
            long word = lane < 2 ? v.lo() : v.hi();
            int bits = (int) (word >>> ((lane & 1) * 32));
            out.append(" 0x").append(String.format("%08x", bits));
        }
    }

    /** A string literal: printable ASCII as is, everything else as {@code \hh} bytes. */
    private void string(byte[] bytes) {
        out.append('"');
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append((char) c);
            } else {
                out.append('\\').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        out.append('"');
    }
}
