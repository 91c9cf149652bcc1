package dev.basalt.wasm.binary;

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
import dev.basalt.wasm.ValType;
import dev.basalt.wasm.WasmModule;
import java.util.List;

/**
 * Encodes a {@link WasmModule} as a module binary.
 *
 * <p>The output is canonical: shortest LEB128 encodings, sections in the required order, empty sections omitted
 * (except an empty section that a custom section is anchored to),
 * the most compact element and data segment encodings, and the {@code name} section generated from
 * {@link WasmModule#names()}. Custom sections are put back after the section they followed when decoded
 * ({@link CustomSection#precedingSectionId()}). For any module {@code m} decoded by {@link BinaryReader},
 * {@code BinaryReader.read(BinaryWriter.write(m)).equals(m)}.
 *
 * <p>The writer does not validate; it encodes whatever the model holds, and throws
 * {@link IllegalArgumentException} only for a value the binary format cannot express at all (a lane index above
 * 255, an alignment exponent above 63, a negative page size exponent). It is stateless and thread-safe.
 *
 * {@snippet :
 * byte[] bytes = BinaryWriter.write(module);
 * }
 */
public final class BinaryWriter {
    private final WasmModule module;
    private final ByteWriter out = new ByteWriter();

    private BinaryWriter(WasmModule module) {
        this.module = module;
    }

    public static byte[] write(WasmModule module) {
        java.util.Objects.requireNonNull(module, "module");
        return new BinaryWriter(module).encode();
    }

    private byte[] encode() {
        out.fixed32(BinaryReader.MAGIC);
        out.fixed32(BinaryReader.VERSION);
        customSectionsAfter(0);
        for (int id : BinaryReader.SECTION_ORDER) {
            ByteWriter content = section(id);
            if (content == null && isVectorSection(id) && hasCustomSectionAfter(id)) {
                // Keep the anchor of a custom section that followed an empty section in the original binary.
                content = new ByteWriter();
                content.u32(0);
            }
            if (content != null) {
                out.u8(id);
                out.sized(content);
            }
            if (id == 11 && module.names().isPresent()) {
                ByteWriter custom = new ByteWriter();
                custom.name("name");
                custom.bytes(NameSectionCodec.encode(module.names().get()));
                out.u8(0);
                out.sized(custom);
            }
            customSectionsAfter(id);
        }
        // A place that names no known section (e.g. a text-format "after last") means the end of the module.
        for (CustomSection c : module.customSections()) {
            if (!isKnownPlace(c.precedingSectionId())) {
                writeCustomSection(c);
            }
        }
        return out.toByteArray();
    }

    private static boolean isKnownPlace(int precedingSectionId) {
        return precedingSectionId >= 0 && precedingSectionId <= 13;
    }

    private static boolean isVectorSection(int id) {
        return id != 8 && id != 12;
    }

    private boolean hasCustomSectionAfter(int id) {
        return module.customSections().stream().anyMatch(c -> c.precedingSectionId() == id);
    }

    private void customSectionsAfter(int id) {
        for (CustomSection c : module.customSections()) {
            if (c.precedingSectionId() == id) {
                writeCustomSection(c);
            }
        }
    }

    private void writeCustomSection(CustomSection c) {
        ByteWriter content = new ByteWriter();
        content.name(c.name());
        content.bytes(c.data());
        out.u8(0);
        out.sized(content);
    }

    /** The content of section {@code id}, or null when the section is omitted. */
    private ByteWriter section(int id) {
        ByteWriter w = new ByteWriter();
        switch (id) {
            case 1 -> {
                if (module.recGroups().isEmpty()) {
                    return null;
                }
                w.u32(module.recGroups().size());
                for (RecGroup g : module.recGroups()) {
                    if (g.types().size() == 1) {
                        subType(w, g.types().get(0));
                    } else {
                        w.u8(0x4E);
                        w.u32(g.types().size());
                        for (SubType t : g.types()) {
                            subType(w, t);
                        }
                    }
                }
            }
            case 2 -> {
                if (module.imports().isEmpty()) {
                    return null;
                }
                w.u32(module.imports().size());
                for (Import i : module.imports()) {
                    w.name(i.module());
                    w.name(i.name());
                    w.u8(i.desc().kind().code());
                    switch (i.desc()) {
                        case ImportDesc.Func f -> w.u32(f.typeIndex());
                        case ImportDesc.Table t -> tableType(w, t.type());
                        case ImportDesc.Memory m -> memoryType(w, m.type());
                        case ImportDesc.Global g -> globalType(w, g.type());
                        case ImportDesc.Tag t -> tagType(w, t.type());
                    }
                }
            }
            case 3 -> {
                if (module.functions().isEmpty()) {
                    return null;
                }
                w.u32(module.functions().size());
                for (Function f : module.functions()) {
                    w.u32(f.typeIndex());
                }
            }
            case 4 -> {
                if (module.tables().isEmpty()) {
                    return null;
                }
                w.u32(module.tables().size());
                for (Table t : module.tables()) {
                    if (t.init().isPresent()) {
                        w.u8(0x40);
                        w.u8(0x00);
                        tableType(w, t.type());
                        expression(w, t.init().get());
                    } else {
                        tableType(w, t.type());
                    }
                }
            }
            case 5 -> {
                if (module.memories().isEmpty()) {
                    return null;
                }
                w.u32(module.memories().size());
                for (MemoryType m : module.memories()) {
                    memoryType(w, m);
                }
            }
            case 13 -> {
                if (module.tags().isEmpty()) {
                    return null;
                }
                w.u32(module.tags().size());
                for (TagType t : module.tags()) {
                    tagType(w, t);
                }
            }
            case 6 -> {
                if (module.globals().isEmpty()) {
                    return null;
                }
                w.u32(module.globals().size());
                for (Global g : module.globals()) {
                    globalType(w, g.type());
                    expression(w, g.init());
                }
            }
            case 7 -> {
                if (module.exports().isEmpty()) {
                    return null;
                }
                w.u32(module.exports().size());
                for (Export e : module.exports()) {
                    w.name(e.name());
                    w.u8(e.kind().code());
                    w.u32(e.index());
                }
            }
            case 8 -> {
                if (module.start().isEmpty()) {
                    return null;
                }
                w.u32(module.start().getAsInt());
            }
            case 9 -> {
                if (module.elements().isEmpty()) {
                    return null;
                }
                w.u32(module.elements().size());
                for (ElementSegment e : module.elements()) {
                    elementSegment(w, e);
                }
            }
            case 12 -> {
                if (module.dataCount().isEmpty()) {
                    return null;
                }
                w.u32(module.dataCount().getAsInt());
            }
            case 10 -> {
                if (module.functions().isEmpty()) {
                    return null;
                }
                w.u32(module.functions().size());
                for (Function f : module.functions()) {
                    ByteWriter body = new ByteWriter();
                    body.u32(f.locals().size());
                    for (Locals l : f.locals()) {
                        body.u32(l.count());
                        valType(body, l.type());
                    }
                    expression(body, f.body());
                    w.sized(body);
                }
            }
            case 11 -> {
                if (module.data().isEmpty()) {
                    return null;
                }
                w.u32(module.data().size());
                for (DataSegment d : module.data()) {
                    switch (d.mode()) {
                        case DataSegment.Passive p -> w.u8(1);
                        case DataSegment.Active a when a.memory() == 0 -> {
                            w.u8(0);
                            expression(w, a.offset());
                        }
                        case DataSegment.Active a -> {
                            w.u8(2);
                            w.u32(a.memory());
                            expression(w, a.offset());
                        }
                    }
                    w.u32(d.init().length);
                    w.bytes(d.init());
                }
            }
            default -> throw new IllegalStateException("unknown section id " + id);
        }
        return w;
    }

    // ---- types ----

    private static void subType(ByteWriter w, SubType t) {
        if (!t.isFinal() || !t.supertypes().isEmpty()) {
            w.u8(t.isFinal() ? 0x4F : 0x50);
            w.u32(t.supertypes().size());
            for (int s : t.supertypes()) {
                w.u32(s);
            }
        }
        switch (t.composite()) {
            case CompositeType.Func f -> {
                w.u8(0x60);
                resultType(w, f.params());
                resultType(w, f.results());
            }
            case CompositeType.Struct s -> {
                w.u8(0x5F);
                w.u32(s.fields().size());
                for (FieldType field : s.fields()) {
                    fieldType(w, field);
                }
            }
            case CompositeType.Array a -> {
                w.u8(0x5E);
                fieldType(w, a.element());
            }
        }
    }

    private static void resultType(ByteWriter w, List<ValType> types) {
        w.u32(types.size());
        for (ValType t : types) {
            valType(w, t);
        }
    }

    private static void fieldType(ByteWriter w, FieldType f) {
        StorageType s = f.storageType();
        switch (s) {
            case PackedType p -> w.u8(p.code());
            case ValType v -> valType(w, v);
        }
        w.u8(f.mutable() ? 1 : 0);
    }

    static void valType(ByteWriter w, ValType t) {
        switch (t) {
            case NumType n -> w.u8(n.code());
            case RefType r -> refType(w, r);
        }
    }

    static void refType(ByteWriter w, RefType r) {
        if (r.nullable() && r.heapType() instanceof AbsHeapType a) {
            w.u8(a.code());
            return;
        }
        w.u8(r.nullable() ? 0x63 : 0x64);
        heapType(w, r.heapType());
    }

    static void heapType(ByteWriter w, HeapType h) {
        switch (h) {
            case AbsHeapType a -> w.u8(a.code());
            case HeapType.Concrete c -> w.signed(c.typeIndex()); // s33, non-negative
        }
    }

    private static void limits(ByteWriter w, int flags, Limits limits) {
        int allFlags = flags | (limits.max().isPresent() ? 0x01 : 0);
        w.u8(allFlags);
        w.unsigned(limits.min());
        if (limits.max().isPresent()) {
            w.unsigned(limits.max().getAsLong());
        }
    }

    private static void tableType(ByteWriter w, TableType t) {
        refType(w, t.elementType());
        limits(w, t.is64() ? 0x04 : 0, t.limits());
    }

    private static void memoryType(ByteWriter w, MemoryType m) {
        boolean customPageSize = m.pageSizeLog2() != MemoryType.DEFAULT_PAGE_SIZE_LOG2;
        int flags = (m.shared() ? 0x02 : 0) | (m.is64() ? 0x04 : 0) | (customPageSize ? 0x08 : 0);
        limits(w, flags, m.limits());
        if (customPageSize) {
            if (m.pageSizeLog2() < 0) {
                throw new IllegalArgumentException("page size exponent not encodable: " + m.pageSizeLog2());
            }
            w.u32(m.pageSizeLog2());
        }
    }

    private static void globalType(ByteWriter w, GlobalType g) {
        valType(w, g.type());
        w.u8(g.mutable() ? 1 : 0);
    }

    private static void tagType(ByteWriter w, TagType t) {
        w.u8(0x00);
        w.u32(t.typeIndex());
    }

    // ---- segments ----

    private static final RefType REF_FUNC = RefType.nonNull(AbsHeapType.FUNC);

    private static void elementSegment(ByteWriter w, ElementSegment e) {
        boolean indexForm = e.type().equals(REF_FUNC) && e.init().stream().allMatch(BinaryWriter::isPlainRefFunc);
        int flags;
        switch (e.mode()) {
            case ElementSegment.Passive p -> flags = 1;
            case ElementSegment.Declarative d -> flags = 3;
            case ElementSegment.Active a -> {
                boolean implicitType = indexForm || e.type().equals(RefType.FUNCREF);
                flags = (a.table() == 0 && implicitType) ? 0 : 2;
            }
        }
        if (!indexForm) {
            flags |= 4;
        }
        w.u8(flags);
        if (e.mode() instanceof ElementSegment.Active a) {
            if ((flags & 0x02) != 0) {
                w.u32(a.table());
            }
            expression(w, a.offset());
        }
        if (flags != 0 && flags != 4) {
            if (indexForm) {
                w.u8(0x00);
            } else {
                refType(w, e.type());
            }
        }
        w.u32(e.init().size());
        for (Expression x : e.init()) {
            if (indexForm) {
                w.u32(((Instruction.Index) x.instructions().get(0)).index());
            } else {
                expression(w, x);
            }
        }
    }

    private static boolean isPlainRefFunc(Expression e) {
        return e.instructions().size() == 1 && e.instructions().get(0) instanceof Instruction.Index i
                && i.opcode() == Opcode.REF_FUNC;
    }

    // ---- instructions ----

    /** Writes the instructions and the closing {@code end}. */
    static void expression(ByteWriter w, Expression e) {
        for (Instruction i : e.instructions()) {
            instruction(w, i);
        }
        w.u8(0x0B);
    }

    static void instruction(ByteWriter w, Instruction insn) {
        Opcode op = insn.opcode();
        if (op.prefix() != 0) {
            w.u8(op.prefix());
            w.u32(op.code());
        } else {
            w.u8(op.code());
        }
        switch (insn) {
            case Instruction.Simple s -> {
                if (op.imm() == Opcode.Imm.ZERO_BYTE) {
                    w.u8(0x00);
                }
            }
            case Instruction.Block b -> blockType(w, b.type());
            case Instruction.Branch b -> w.u32(b.label());
            case Instruction.BranchTable t -> {
                w.u32(t.labels().size());
                for (int l : t.labels()) {
                    w.u32(l);
                }
                w.u32(t.defaultLabel());
            }
            case Instruction.Index i -> w.u32(i.index());
            case Instruction.IndexPair p -> {
                w.u32(p.first());
                w.u32(p.second());
            }
            case Instruction.Memory m -> memArg(w, m.memArg());
            case Instruction.MemoryLane m -> {
                memArg(w, m.memArg());
                w.u8(lane(m.lane()));
            }
            case Instruction.Lane l -> w.u8(lane(l.lane()));
            case Instruction.Shuffle s -> w.bytes(s.lanes().toBytes());
            case Instruction.I32Const c -> w.signed(c.value());
            case Instruction.I64Const c -> w.signed(c.value());
            case Instruction.F32Const c -> w.fixed32(c.bits());
            case Instruction.F64Const c -> w.fixed64(c.bits());
            case Instruction.V128Const c -> w.bytes(c.value().toBytes());
            case Instruction.SelectTyped s -> resultType(w, s.types());
            case Instruction.HeapTypeInstr h -> heapType(w, h.heapType());
            case Instruction.BrOnCast b -> {
                w.u8((b.from().nullable() ? 0x01 : 0) | (b.to().nullable() ? 0x02 : 0));
                w.u32(b.label());
                heapType(w, b.from().heapType());
                heapType(w, b.to().heapType());
            }
            case Instruction.TryTable t -> {
                blockType(w, t.type());
                w.u32(t.catches().size());
                for (Instruction.Catch c : t.catches()) {
                    w.u8(c.kind().code());
                    if (c.kind().hasTag()) {
                        w.u32(c.tag());
                    }
                    w.u32(c.label());
                }
            }
        }
    }

    private static int lane(int lane) {
        if (lane < 0 || lane > 255) {
            throw new IllegalArgumentException("lane index not encodable in a byte: " + lane);
        }
        return lane;
    }

    private static void blockType(ByteWriter w, BlockType t) {
        switch (t) {
            case BlockType.Empty e -> w.u8(0x40);
            case BlockType.Value v -> valType(w, v.type());
            case BlockType.TypeIndex i -> w.signed(Integer.toUnsignedLong(i.typeIndex())); // s33, non-negative
        }
    }

    private static void memArg(ByteWriter w, MemArg m) {
        if (m.alignLog2() < 0 || m.alignLog2() > 63) {
            throw new IllegalArgumentException("alignment exponent not encodable: " + m.alignLog2());
        }
        if (m.memory() != 0) {
            w.u32(m.alignLog2() | 0x40);
            w.u32(m.memory());
        } else {
            w.u32(m.alignLog2());
        }
        w.unsigned(m.offset());
    }
}
