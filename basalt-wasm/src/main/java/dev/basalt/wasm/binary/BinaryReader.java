package dev.basalt.wasm.binary;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.BlockType;
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
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.MalformedException;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Decodes a WebAssembly module binary into a {@link WasmModule}.
 *
 * <p>Covers WebAssembly 3.0 (GC types, typed function references, exception handling, tail calls, multi-memory,
 * memory64, SIMD, bulk memory) plus threads, relaxed SIMD, wide arithmetic, custom page sizes and legacy
 * exception handling. Decoding checks only well-formedness: an out-of-range index or a type error is left to
 * the validator. Every failure is a {@link MalformedException} whose {@link MalformedException#reason() reason}
 * is the spec testsuite's wording and whose offset is the byte position of the problem.
 *
 * <p>Decoding is iterative (no recursion that grows with the input) and never allocates from an untrusted count
 * before the bytes to back it have been seen. The reader is stateless and thread-safe.
 *
 * {@snippet :
 * WasmModule module = BinaryReader.read(Files.readAllBytes(path));
 * }
 *
 * @see <a href="https://webassembly.github.io/spec/core/binary/index.html">Binary Format</a>
 */
public final class BinaryReader {
    static final int MAGIC = 0x6D736100;
    static final int VERSION = 1;

    /** Section ids in the order the binary format requires them (custom sections aside). */
    static final int[] SECTION_ORDER = {1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11};

    private final ByteReader in;

    private final List<RecGroup> recGroups = new ArrayList<>();
    private final List<Import> imports = new ArrayList<>();
    private final List<Integer> functionTypes = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private final List<MemoryType> memories = new ArrayList<>();
    private final List<TagType> tags = new ArrayList<>();
    private final List<Global> globals = new ArrayList<>();
    private final List<Export> exports = new ArrayList<>();
    private OptionalInt start = OptionalInt.empty();
    private final List<ElementSegment> elements = new ArrayList<>();
    private OptionalInt dataCount = OptionalInt.empty();
    private final List<Function> functions = new ArrayList<>();
    private boolean codeSectionSeen;
    private final List<DataSegment> data = new ArrayList<>();
    private final List<CustomSection> customSections = new ArrayList<>();
    private NameSection names;
    /** Whether a function body uses a data index (memory.init, data.drop, array.new_data, array.init_data). */
    private boolean codeUsesDataIndex;

    private BinaryReader(byte[] bytes) {
        this.in = new ByteReader(bytes);
    }

    /** Decodes a module binary. */
    public static WasmModule read(byte[] bytes) {
        java.util.Objects.requireNonNull(bytes, "bytes");
        return new BinaryReader(bytes).module();
    }

    private WasmModule module() {
        readHeader();
        int lastRank = -1;
        int lastId = 0;
        while (!in.atEnd()) {
            int sectionStart = in.pos();
            int id = in.u8();
            if (id > 13) {
                throw in.errorAt(sectionStart, "malformed section id");
            }
            int size = in.length();
            int contentStart = in.pos();
            int end = contentStart + size;
            if (id == 0) {
                customSection(end, lastId);
                continue;
            }
            int rank = rankOf(id);
            if (rank <= lastRank) {
                throw in.errorAt(sectionStart, "unexpected content after last section");
            }
            lastRank = rank;
            lastId = id;
            section(id);
            if (in.pos() != end) {
                throw in.errorAt(contentStart, "section size mismatch");
            }
        }
        if (functionTypes.size() != functions.size()) {
            throw in.error("function and code section have inconsistent lengths");
        }
        if (dataCount.isPresent() && dataCount.getAsInt() != data.size()) {
            throw in.error("data count and data section have inconsistent lengths");
        }
        if (dataCount.isEmpty() && codeUsesDataIndex) {
            throw in.error("data count section required");
        }
        return new WasmModule(recGroups, imports, functions, tables, memories, tags, globals, exports, start,
                elements, dataCount, data, customSections, Optional.ofNullable(names));
    }

    private void readHeader() {
        if (in.remaining() < 4) {
            throw in.errorAt(in.pos() + in.remaining(), "unexpected end");
        }
        if (in.fixed32() != MAGIC) {
            throw in.errorAt(0, "magic header not detected");
        }
        if (in.remaining() < 4) {
            throw in.errorAt(in.pos() + in.remaining(), "unexpected end");
        }
        if (in.fixed32() != VERSION) {
            throw in.errorAt(4, "unknown binary version");
        }
    }

    static int rankOf(int id) {
        for (int i = 0; i < SECTION_ORDER.length; i++) {
            if (SECTION_ORDER[i] == id) {
                return i;
            }
        }
        throw new IllegalArgumentException("not a known section id: " + id);
    }

    private void section(int id) {
        switch (id) {
            case 1 -> typeSection();
            case 2 -> importSection();
            case 3 -> functionSection();
            case 4 -> tableSection();
            case 5 -> memorySection();
            case 6 -> globalSection();
            case 7 -> exportSection();
            case 8 -> start = OptionalInt.of(in.index());
            case 9 -> elementSection();
            case 10 -> codeSection();
            case 11 -> dataSection();
            case 12 -> dataCount = OptionalInt.of(in.index());
            case 13 -> tagSection();
            default -> throw new IllegalStateException("unreachable section id " + id);
        }
    }

    // ---- custom sections ----

    private void customSection(int end, int precedingSectionId) {
        int nameStart = in.pos();
        String name = in.name();
        if (in.pos() > end) {
            throw in.errorAt(nameStart, "unexpected end");
        }
        int payloadStart = in.pos();
        byte[] payload = in.bytes(end - payloadStart);
        if (name.equals("name") && names == null) {
            Optional<NameSection> parsed = NameSectionCodec.parse(payload, in.offsetOf(payloadStart));
            if (parsed.isPresent()) {
                names = parsed.get();
                return;
            }
        }
        customSections.add(new CustomSection(name, payload, precedingSectionId));
    }

    // ---- types ----

    private void typeSection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            if (in.peek() == 0x4E) {
                in.u8();
                int count = in.length();
                List<SubType> group = new ArrayList<>(ByteReader.capacity(count));
                for (int j = 0; j < count; j++) {
                    group.add(subType());
                }
                recGroups.add(new RecGroup(group));
            } else {
                recGroups.add(RecGroup.single(subType()));
            }
        }
    }

    private SubType subType() {
        int b = in.peek();
        if (b == 0x50 || b == 0x4F) {
            in.u8();
            int count = in.length();
            List<Integer> supers = new ArrayList<>(ByteReader.capacity(count));
            for (int i = 0; i < count; i++) {
                supers.add(in.index());
            }
            return new SubType(b == 0x4F, supers, compositeType());
        }
        return SubType.of(compositeType());
    }

    private CompositeType compositeType() {
        int at = in.pos();
        int b = typeByte();
        return switch (b) {
            case 0x60 -> new CompositeType.Func(resultType(), resultType());
            case 0x5F -> {
                int count = in.length();
                List<FieldType> fields = new ArrayList<>(ByteReader.capacity(count));
                for (int i = 0; i < count; i++) {
                    fields.add(fieldType());
                }
                yield new CompositeType.Struct(fields);
            }
            case 0x5E -> new CompositeType.Array(fieldType());
            default -> throw in.errorAt(at, "malformed composite type");
        };
    }

    private List<ValType> resultType() {
        int count = in.length();
        List<ValType> types = new ArrayList<>(ByteReader.capacity(count));
        for (int i = 0; i < count; i++) {
            types.add(valType());
        }
        return types;
    }

    private FieldType fieldType() {
        StorageType storage;
        int b = in.peek();
        if (b == PackedType.I8.code()) {
            in.u8();
            storage = PackedType.I8;
        } else if (b == PackedType.I16.code()) {
            in.u8();
            storage = PackedType.I16;
        } else {
            storage = valType();
        }
        return new FieldType(storage, mutability());
    }

    private boolean mutability() {
        int at = in.pos();
        int b = in.u8();
        if (b > 1) {
            throw in.errorAt(at, "malformed mutability");
        }
        return b == 1;
    }

    ValType valType() {
        int at = in.pos();
        int b = in.peek();
        if ((b & 0x80) != 0) {
            typeByte();
        }
        NumType num = numType(b);
        if (num != null) {
            in.u8();
            return num;
        }
        if (b == 0x63 || b == 0x64 || AbsHeapType.fromCode(b) != null) {
            return refType();
        }
        throw in.errorAt(at, "malformed value type");
    }

    /**
     * A type constructor byte. The binary format defines these as negative s7 integers, so a byte with the
     * continuation bit set is an over-long integer rather than an unknown type.
     */
    private int typeByte() {
        int b = in.u8();
        if ((b & 0x80) != 0) {
            throw in.errorAt(in.pos(), "integer representation too long");
        }
        return b;
    }

    private static NumType numType(int b) {
        for (NumType t : NumType.values()) {
            if (t.code() == b) {
                return t;
            }
        }
        return null;
    }

    RefType refType() {
        int at = in.pos();
        int b = typeByte();
        if (b == 0x63 || b == 0x64) {
            return new RefType(b == 0x63, heapType());
        }
        AbsHeapType abs = AbsHeapType.fromCode(b);
        if (abs == null) {
            throw in.errorAt(at, "malformed reference type");
        }
        return RefType.nullable(abs);
    }

    HeapType heapType() {
        int at = in.pos();
        long v = in.s33();
        if (v >= 0) {
            // HeapType.Concrete needs a non-negative int; beyond 2^31 the index is out of range either way.
            return HeapType.concrete(ByteReader.clamp(v));
        }
        AbsHeapType abs = v >= -64 ? AbsHeapType.fromCode((int) v & 0x7F) : null;
        if (abs == null) {
            throw in.errorAt(at, "malformed heap type");
        }
        return abs;
    }

    /**
     * Limits are u64 in the binary whatever the address type (as in the reference interpreter); that a 32-bit
     * memory or table stays within 32 bits is a validation rule.
     */
    private Limits limits(boolean hasMax) {
        long min = in.u64();
        if (!hasMax) {
            return new Limits(min, OptionalLong.empty());
        }
        return new Limits(min, OptionalLong.of(in.u64()));
    }

    private TableType tableType() {
        RefType element = refType();
        int at = in.pos();
        int flags = in.u8();
        if ((flags & ~0x05) != 0) {
            throw in.errorAt(at, "malformed limits flags");
        }
        boolean is64 = (flags & 0x04) != 0;
        return new TableType(element, limits((flags & 0x01) != 0), is64);
    }

    private MemoryType memoryType() {
        int at = in.pos();
        int flags = in.u8();
        if ((flags & ~0x0F) != 0) {
            throw in.errorAt(at, "malformed limits flags");
        }
        boolean is64 = (flags & 0x04) != 0;
        Limits limits = limits((flags & 0x01) != 0);
        int pageSizeLog2 = MemoryType.DEFAULT_PAGE_SIZE_LOG2;
        if ((flags & 0x08) != 0) {
            int pageAt = in.pos();
            long log2 = in.u32();
            if (log2 > 64) {
                throw in.errorAt(pageAt, "invalid custom page size");
            }
            pageSizeLog2 = (int) log2;
        }
        return new MemoryType(limits, (flags & 0x02) != 0, is64, pageSizeLog2);
    }

    private GlobalType globalType() {
        ValType type = valType();
        return new GlobalType(type, mutability());
    }

    private TagType tagType() {
        int at = in.pos();
        if (in.u8() != 0x00) {
            throw in.errorAt(at, "malformed tag attribute");
        }
        return new TagType(in.index());
    }

    // ---- sections ----

    private void importSection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            String module = in.name();
            String name = in.name();
            int at = in.pos();
            int kind = in.u8();
            ImportDesc desc = switch (kind) {
                case 0x00 -> new ImportDesc.Func(in.index());
                case 0x01 -> new ImportDesc.Table(tableType());
                case 0x02 -> new ImportDesc.Memory(memoryType());
                case 0x03 -> new ImportDesc.Global(globalType());
                case 0x04 -> new ImportDesc.Tag(tagType());
                default -> throw in.errorAt(at, "malformed import kind");
            };
            imports.add(new Import(module, name, desc));
        }
    }

    private void functionSection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            functionTypes.add(in.index());
        }
    }

    private void tableSection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            if (in.peek() == 0x40) {
                in.u8();
                int at = in.pos();
                if (in.u8() != 0x00) {
                    throw in.errorAt(at, "zero byte expected");
                }
                TableType type = tableType();
                tables.add(new Table(type, Optional.of(constExpr())));
            } else {
                tables.add(new Table(tableType(), Optional.empty()));
            }
        }
    }

    private void memorySection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            memories.add(memoryType());
        }
    }

    private void tagSection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            tags.add(tagType());
        }
    }

    private void globalSection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            GlobalType type = globalType();
            globals.add(new Global(type, constExpr()));
        }
    }

    private void exportSection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            String name = in.name();
            int at = in.pos();
            ExternKind kind = ExternKind.fromCode(in.u8());
            if (kind == null) {
                throw in.errorAt(at, "malformed export kind");
            }
            exports.add(new Export(name, kind, in.index()));
        }
    }

    private void elementSection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            elements.add(elementSegment());
        }
    }

    private ElementSegment elementSegment() {
        int at = in.pos();
        long flags = in.u32();
        if (flags > 7) {
            throw in.errorAt(at, "malformed elements segment kind");
        }
        boolean passiveOrDeclarative = (flags & 0x01) != 0;
        boolean explicitTable = (flags & 0x02) != 0;
        boolean usesExpressions = (flags & 0x04) != 0;
        ElementSegment.Mode mode;
        if (!passiveOrDeclarative) {
            int table = explicitTable ? in.index() : 0;
            mode = new ElementSegment.Active(table, constExpr());
        } else if (explicitTable) {
            mode = new ElementSegment.Declarative();
        } else {
            mode = new ElementSegment.Passive();
        }
        // Flags 0 and 4 have an implicit type; the others an element kind (index forms) or a reference type.
        RefType type;
        if (usesExpressions) {
            type = (flags == 4) ? RefType.FUNCREF : refType();
        } else {
            if (flags != 0) {
                int kindAt = in.pos();
                if (in.u8() != 0x00) {
                    throw in.errorAt(kindAt, "malformed element kind");
                }
            }
            type = RefType.nonNull(AbsHeapType.FUNC);
        }
        int count = in.length();
        List<Expression> init = new ArrayList<>(ByteReader.capacity(count));
        for (int i = 0; i < count; i++) {
            if (usesExpressions) {
                init.add(constExpr());
            } else {
                int offset = in.offset();
                Instruction refFunc = new Instruction.Index(Opcode.REF_FUNC, in.index());
                init.add(new Expression(List.of(refFunc), new int[] {offset}));
            }
        }
        return new ElementSegment(type, init, mode);
    }

    private void codeSection() {
        codeSectionSeen = true;
        int n = in.length();
        for (int i = 0; i < n; i++) {
            int size = in.length();
            int bodyStart = in.pos();
            int typeIndex = i < functionTypes.size() ? functionTypes.get(i) : 0;
            functions.add(functionBody(typeIndex));
            if (in.pos() != bodyStart + size) {
                throw in.errorAt(bodyStart, "section size mismatch");
            }
        }
    }

    private Function functionBody(int typeIndex) {
        int localsAt = in.pos();
        int groups = in.length();
        List<Locals> locals = new ArrayList<>(ByteReader.capacity(groups));
        long total = 0;
        for (int i = 0; i < groups; i++) {
            long count = in.u32();
            total += count;
            // The spec caps the total at 2^32-1; Basalt also needs it to fit an int (no engine could run more).
            if (total > Integer.MAX_VALUE) {
                throw in.errorAt(localsAt, "too many locals");
            }
            locals.add(new Locals((int) count, valType()));
        }
        return new Function(typeIndex, locals, expression(true));
    }

    private void dataSection() {
        int n = in.length();
        for (int i = 0; i < n; i++) {
            int at = in.pos();
            long flags = in.u32();
            DataSegment.Mode mode = switch ((int) Math.min(flags, 3)) {
                case 0 -> new DataSegment.Active(0, constExpr());
                case 1 -> new DataSegment.Passive();
                case 2 -> {
                    int memory = in.index();
                    yield new DataSegment.Active(memory, constExpr());
                }
                default -> throw in.errorAt(at, "malformed data segment kind");
            };
            int length = in.length();
            data.add(new DataSegment(in.bytes(length), mode));
        }
    }

    // ---- instructions ----

    private Expression constExpr() {
        return expression(false);
    }

    /**
     * Decodes instructions up to and including the {@code end} that closes the expression (not kept). The nesting
     * of block instructions is tracked on an explicit stack, so deeply nested input costs heap, not Java stack.
     */
    private Expression expression(boolean functionBody) {
        List<Instruction> instructions = new ArrayList<>();
        int[] offsets = new int[16];
        BlockStack blocks = new BlockStack();
        while (true) {
            int at = in.pos();
            int offset = in.offset();
            int b = in.u8();
            if (b == 0x0B) {
                if (blocks.isEmpty()) {
                    break;
                }
                blocks.pop();
            }
            Instruction insn = instruction(b, at);
            switch (insn.opcode()) {
                case BLOCK, LOOP -> blocks.push(BlockStack.PLAIN);
                case IF -> blocks.push(BlockStack.IF);
                case TRY_TABLE -> blocks.push(BlockStack.PLAIN);
                case TRY -> blocks.push(BlockStack.TRY);
                case ELSE -> {
                    if (blocks.isEmpty() || blocks.top() != BlockStack.IF) {
                        throw in.errorAt(at, "END opcode expected");
                    }
                    blocks.replaceTop(BlockStack.IF_ELSE);
                }
                case CATCH -> {
                    if (blocks.isEmpty() || (blocks.top() != BlockStack.TRY && blocks.top() != BlockStack.TRY_CATCH)) {
                        throw in.errorAt(at, "END opcode expected");
                    }
                    blocks.replaceTop(BlockStack.TRY_CATCH);
                }
                case CATCH_ALL -> {
                    if (blocks.isEmpty() || (blocks.top() != BlockStack.TRY && blocks.top() != BlockStack.TRY_CATCH)) {
                        throw in.errorAt(at, "END opcode expected");
                    }
                    blocks.replaceTop(BlockStack.TRY_CATCH_ALL);
                }
                case DELEGATE -> {
                    if (blocks.isEmpty() || blocks.top() != BlockStack.TRY) {
                        throw in.errorAt(at, "END opcode expected");
                    }
                    blocks.pop();
                }
                case MEMORY_INIT, DATA_DROP, ARRAY_NEW_DATA, ARRAY_INIT_DATA -> {
                    if (functionBody) {
                        codeUsesDataIndex = true;
                    }
                }
                default -> {
                }
            }
            if (instructions.size() == offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[instructions.size()] = offset;
            instructions.add(insn);
        }
        return new Expression(instructions, Arrays.copyOf(offsets, instructions.size()));
    }

    /** The kinds of open blocks that matter for which of else/catch/catch_all/delegate may come next. */
    private static final class BlockStack {
        static final byte PLAIN = 0;
        static final byte IF = 1;
        static final byte IF_ELSE = 2;
        static final byte TRY = 3;
        static final byte TRY_CATCH = 4;
        static final byte TRY_CATCH_ALL = 5;

        private byte[] kinds = new byte[16];
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        void push(byte kind) {
            if (size == kinds.length) {
                kinds = Arrays.copyOf(kinds, size * 2);
            }
            kinds[size++] = kind;
        }

        void pop() {
            size--;
        }

        byte top() {
            return kinds[size - 1];
        }

        void replaceTop(byte kind) {
            kinds[size - 1] = kind;
        }
    }

    /** Immediate-free instructions are values, so one shared instance per opcode saves most allocations. */
    private static final Instruction.Simple[] SIMPLE = new Instruction.Simple[Opcode.values().length];

    static {
        for (Opcode op : Opcode.values()) {
            SIMPLE[op.ordinal()] = new Instruction.Simple(op);
        }
    }

    private Instruction instruction(int b, int at) {
        Opcode op;
        if (b == 0xFB || b == 0xFC || b == 0xFD || b == 0xFE) {
            long code = in.u32();
            op = code <= Integer.MAX_VALUE ? Opcode.ofPrefixed(b, (int) code) : null;
            if (op == null) {
                throw in.errorAt(at, String.format("illegal opcode %02x %02x", b, code));
            }
        } else {
            op = Opcode.ofByte(b);
            if (op == null) {
                throw in.errorAt(at, String.format("illegal opcode %02x", b));
            }
        }
        return switch (op.imm()) {
            case NONE -> SIMPLE[op.ordinal()];
            case ZERO_BYTE -> {
                int zeroAt = in.pos();
                if (in.u8() != 0) {
                    throw in.errorAt(zeroAt, "zero byte expected");
                }
                yield SIMPLE[op.ordinal()];
            }
            case BLOCK_TYPE -> new Instruction.Block(op, blockType());
            case LABEL -> new Instruction.Branch(op, in.index());
            case BR_TABLE -> {
                int count = in.length();
                List<Integer> labels = new ArrayList<>(ByteReader.capacity(count));
                for (int i = 0; i < count; i++) {
                    labels.add(in.index());
                }
                yield new Instruction.BranchTable(labels, in.index());
            }
            case INDEX -> new Instruction.Index(op, in.index());
            case INDEX_PAIR -> {
                int first = in.index();
                yield new Instruction.IndexPair(op, first, in.index());
            }
            case MEMARG -> new Instruction.Memory(op, memArg());
            case MEMARG_LANE -> {
                MemArg memArg = memArg();
                yield new Instruction.MemoryLane(op, memArg, in.u8());
            }
            case LANE -> new Instruction.Lane(op, in.u8());
            case SHUFFLE -> new Instruction.Shuffle(V128.ofBytes(in.bytes(16)));
            case I32 -> new Instruction.I32Const(in.s32());
            case I64 -> new Instruction.I64Const(in.s64());
            case F32 -> new Instruction.F32Const(in.fixed32());
            case F64 -> new Instruction.F64Const(in.fixed64());
            case V128 -> new Instruction.V128Const(V128.ofBytes(in.bytes(16)));
            case SELECT_TYPES -> new Instruction.SelectTyped(resultType());
            case HEAP_TYPE -> new Instruction.HeapTypeInstr(op, heapType());
            case BR_ON_CAST -> {
                int flagsAt = in.pos();
                int flags = in.u8();
                if ((flags & ~0x03) != 0) {
                    throw in.errorAt(flagsAt, "malformed cast flags");
                }
                int label = in.index();
                RefType from = new RefType((flags & 0x01) != 0, heapType());
                RefType to = new RefType((flags & 0x02) != 0, heapType());
                yield new Instruction.BrOnCast(op, label, from, to);
            }
            case TRY_TABLE -> {
                BlockType type = blockType();
                int count = in.length();
                List<Instruction.Catch> catches = new ArrayList<>(ByteReader.capacity(count));
                for (int i = 0; i < count; i++) {
                    int kindAt = in.pos();
                    int kindCode = in.u8();
                    if (kindCode > 3) {
                        throw in.errorAt(kindAt, "malformed catch clause");
                    }
                    Instruction.CatchKind kind = Instruction.CatchKind.values()[kindCode];
                    int tag = kind.hasTag() ? in.index() : -1;
                    catches.add(new Instruction.Catch(kind, tag, in.index()));
                }
                yield new Instruction.TryTable(type, catches);
            }
        };
    }

    private BlockType blockType() {
        int b = in.peek();
        if (b == 0x40) {
            in.u8();
            return BlockType.EMPTY;
        }
        // A single byte 0x40..0x7F is a negative s33, i.e. a value type; anything else is a type index.
        if ((b & 0xC0) == 0x40 || b == 0x63 || b == 0x64) {
            return new BlockType.Value(valType());
        }
        int at = in.pos();
        long index = in.s33();
        if (index < 0) {
            throw in.errorAt(at, "malformed block type");
        }
        return new BlockType.TypeIndex((int) index);
    }

    private MemArg memArg() {
        int at = in.pos();
        long flags = in.u32();
        if (flags >= 128) {
            throw in.errorAt(at, "malformed memop flags");
        }
        int memory = 0;
        boolean hasMemory = (flags & 0x40) != 0;
        int align = (int) (flags & 0x3F);
        if (hasMemory) {
            memory = in.index();
        }
        return new MemArg(align, in.u64(), memory);
    }
}
