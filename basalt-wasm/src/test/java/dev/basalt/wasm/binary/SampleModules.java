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
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NameSection;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.Table;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.TagType;
import dev.basalt.wasm.V128;
import dev.basalt.wasm.WasmModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Test helper: hand-built modules that exercise every part of the model (not necessarily valid ones). */
final class SampleModules {
    private SampleModules() {
    }

    private static final BlockType[] BLOCK_TYPES = {
        BlockType.EMPTY, new BlockType.Value(NumType.F64), new BlockType.TypeIndex(1),
        new BlockType.Value(RefType.nonNull(HeapType.concrete(70))), new BlockType.TypeIndex(200),
        new BlockType.TypeIndex(-2) // u32 0xFFFFFFFE as an int bit pattern
    };

    /** One instruction of the given opcode with non-trivial immediates of its kind. */
    static Instruction sample(Opcode op, int variant) {
        return switch (op.imm()) {
            case NONE, ZERO_BYTE -> new Instruction.Simple(op);
            case BLOCK_TYPE -> new Instruction.Block(op, BLOCK_TYPES[variant % BLOCK_TYPES.length]);
            case LABEL -> new Instruction.Branch(op, variant % 300);
            case BR_TABLE -> new Instruction.BranchTable(List.of(0, 1, 128), 2);
            case INDEX -> new Instruction.Index(op, 127 + variant);
            case INDEX_PAIR -> new Instruction.IndexPair(op, variant, -1 - variant); // second index >= 2^31
            case MEMARG -> new Instruction.Memory(op, new MemArg(variant % 4, variant % 2 == 0 ? 0 : -1L, variant % 3));
            case MEMARG_LANE -> new Instruction.MemoryLane(op, new MemArg(1, 1L << 40, variant % 2), 15);
            case LANE -> new Instruction.Lane(op, variant % 16);
            case SHUFFLE -> new Instruction.Shuffle(new V128(0x0706050403020100L, 0x1f1e1d1c1b1a1918L));
            case I32 -> new Instruction.I32Const(variant % 2 == 0 ? Integer.MIN_VALUE : 64);
            case I64 -> new Instruction.I64Const(variant % 2 == 0 ? Long.MIN_VALUE : -65);
            case F32 -> new Instruction.F32Const(0x7FA0_0001); // a NaN with payload
            case F64 -> new Instruction.F64Const(0xFFF0_0000_0000_0001L);
            case V128 -> new Instruction.V128Const(new V128(-1L, 0x0123_4567_89AB_CDEFL));
            case SELECT_TYPES -> new Instruction.SelectTyped(List.of(NumType.I32, RefType.nullable(HeapType.concrete(3))));
            case HEAP_TYPE -> new Instruction.HeapTypeInstr(op,
                    variant % 2 == 0 ? AbsHeapType.values()[variant % AbsHeapType.values().length] : HeapType.concrete(100));
            case BR_ON_CAST -> new Instruction.BrOnCast(op, 1, RefType.ANYREF, RefType.nonNull(HeapType.concrete(2)));
            case TRY_TABLE -> new Instruction.TryTable(BLOCK_TYPES[variant % BLOCK_TYPES.length], List.of(
                    new Instruction.Catch(Instruction.CatchKind.CATCH, 0, 0),
                    new Instruction.Catch(Instruction.CatchKind.CATCH_REF, 5, 1),
                    new Instruction.Catch(Instruction.CatchKind.CATCH_ALL, -1, 2),
                    new Instruction.Catch(Instruction.CatchKind.CATCH_ALL_REF, -1, 3)));
        };
    }

    /**
     * A body that holds every opcode at least once, with the structured ones properly nested so that the reader
     * accepts the flat form: block/loop/try_table ... end, if ... else ... end, try ... catch ... catch_all ... end,
     * try ... delegate.
     */
    static Expression everyOpcode() {
        List<Instruction> body = new ArrayList<>();
        int variant = 0;
        for (Opcode op : Opcode.values()) {
            variant++;
            switch (op) {
                case ELSE, END, CATCH, CATCH_ALL, DELEGATE -> {
                }
                case IF -> {
                    body.add(sample(op, variant));
                    body.add(new Instruction.Simple(Opcode.NOP));
                    body.add(new Instruction.Simple(Opcode.ELSE));
                    body.add(new Instruction.Simple(Opcode.END));
                }
                case TRY -> {
                    body.add(sample(op, variant));
                    body.add(new Instruction.Index(Opcode.CATCH, 3));
                    body.add(new Instruction.Simple(Opcode.CATCH_ALL));
                    body.add(new Instruction.Simple(Opcode.END));
                    body.add(sample(op, variant + 1));
                    body.add(new Instruction.Branch(Opcode.DELEGATE, 0));
                }
                case BLOCK, LOOP, TRY_TABLE -> {
                    body.add(sample(op, variant));
                    body.add(new Instruction.Simple(Opcode.UNREACHABLE));
                    body.add(new Instruction.Simple(Opcode.END));
                }
                default -> body.add(sample(op, variant));
            }
        }
        return new Expression(body);
    }

    static Expression i32(int value) {
        return Expression.of(new Instruction.I32Const(value));
    }

    /** A module with every section, every import/export kind and segment mode, names and anchored customs. */
    static WasmModule kitchenSink() {
        List<RecGroup> types = List.of(
                RecGroup.single(SubType.of(new CompositeType.Func(List.of(), List.of()))),
                RecGroup.single(SubType.of(new CompositeType.Func(List.of(NumType.I32, NumType.V128),
                        List.of(RefType.EXNREF, RefType.nonNull(AbsHeapType.I31))))),
                new RecGroup(List.of(
                        new SubType(false, List.of(), new CompositeType.Struct(List.of(
                                new FieldType(PackedType.I8, true), new FieldType(PackedType.I16, false),
                                new FieldType(RefType.nullable(HeapType.concrete(3)), true)))),
                        new SubType(true, List.of(2), new CompositeType.Array(new FieldType(NumType.F32, true))))),
                new RecGroup(List.of()));
        List<Import> imports = List.of(
                new Import("env", "f", new ImportDesc.Func(0)),
                new Import("env", "t", new ImportDesc.Table(new TableType(RefType.EXTERNREF, Limits.of(1), true))),
                new Import("env", "m", new ImportDesc.Memory(new MemoryType(Limits.of(1, 10), true, false, 16))),
                new Import("env", "g", new ImportDesc.Global(new GlobalType(RefType.ANYREF, true))),
                new Import("\u00e9\u4e2d", "tag", new ImportDesc.Tag(new TagType(0))));
        List<Function> functions = List.of(
                new Function(0, List.of(), Expression.of()),
                new Function(1, List.of(new Locals(3, NumType.I64), new Locals(1, RefType.FUNCREF)), everyOpcode()));
        List<Table> tables = List.of(
                new Table(new TableType(RefType.FUNCREF, Limits.of(0, 100), false), Optional.empty()),
                new Table(new TableType(RefType.nonNull(HeapType.concrete(0)), Limits.of(1L << 40), true),
                        Optional.of(Expression.of(new Instruction.Index(Opcode.REF_FUNC, 1)))));
        List<MemoryType> memories = List.of(
                new MemoryType(Limits.of(0)),
                new MemoryType(Limits.of(2, -1L), false, true, 16),
                new MemoryType(Limits.of(1, 1), true, false, 0));
        List<Global> globals = List.of(
                new Global(new GlobalType(NumType.I32, false), i32(-1)),
                new Global(new GlobalType(NumType.V128, true),
                        Expression.of(new Instruction.V128Const(V128.ZERO))));
        List<Export> exports = List.of(new Export("f", ExternKind.FUNC, 1), new Export("t", ExternKind.TABLE, 0),
                new Export("m", ExternKind.MEMORY, 2), new Export("g", ExternKind.GLOBAL, 0),
                new Export("", ExternKind.TAG, 0));
        RefType refFunc = RefType.nonNull(AbsHeapType.FUNC);
        Expression f0 = Expression.of(new Instruction.Index(Opcode.REF_FUNC, 0));
        Expression f1 = Expression.of(new Instruction.Index(Opcode.REF_FUNC, 1));
        Expression nullFunc = Expression.of(new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.FUNC));
        List<ElementSegment> elements = List.of(
                new ElementSegment(refFunc, List.of(f0, f1), new ElementSegment.Active(0, i32(0))),
                new ElementSegment(refFunc, List.of(f1), new ElementSegment.Passive()),
                new ElementSegment(refFunc, List.of(f0), new ElementSegment.Active(1, i32(2))),
                new ElementSegment(refFunc, List.of(f0), new ElementSegment.Declarative()),
                new ElementSegment(RefType.FUNCREF, List.of(nullFunc, f0), new ElementSegment.Active(0, i32(4))),
                new ElementSegment(RefType.FUNCREF, List.of(nullFunc), new ElementSegment.Passive()),
                new ElementSegment(RefType.EXTERNREF, List.of(), new ElementSegment.Active(0, i32(0))),
                new ElementSegment(RefType.FUNCREF, List.of(nullFunc), new ElementSegment.Active(1, i32(0))),
                new ElementSegment(refFunc, List.of(), new ElementSegment.Declarative()),
                new ElementSegment(RefType.nullable(HeapType.concrete(0)), List.of(f1), new ElementSegment.Declarative()));
        List<DataSegment> data = List.of(
                new DataSegment(new byte[] {1, 2, 3}, new DataSegment.Active(0, i32(8))),
                new DataSegment(new byte[0], new DataSegment.Passive()),
                new DataSegment(new byte[200], new DataSegment.Active(2,
                        Expression.of(new Instruction.I64Const(1L << 33)))));
        List<CustomSection> customs = List.of(
                new CustomSection("first", new byte[] {0}, 0),
                new CustomSection("after types", new byte[] {1, 2}, 1),
                new CustomSection("after tags", new byte[0], 13),
                new CustomSection("after start", new byte[0], 8),
                new CustomSection("after data count", new byte[0], 12),
                new CustomSection("last", new byte[] {(byte) 0xFF}, 11));
        NameSection names = new NameSection(Optional.of("kitchen sink"),
                Map.of(NameSection.FUNCTIONS, Map.of(0, "imported", 2, "every opcode"),
                        NameSection.TAGS, Map.of(0, "tag")),
                Map.of(NameSection.LOCALS, Map.of(2, Map.of(0, "x", 3, "y")),
                        NameSection.FIELDS, Map.of(2, Map.of(0, "byte"))));
        return new WasmModule(types, imports, functions, tables, memories, List.of(new TagType(1)), globals,
                exports, OptionalInt.of(1), elements, OptionalInt.of(data.size()), data, customs, Optional.of(names));
    }

    /** Small modules whose binaries seed the hostile-input test. */
    static List<WasmModule> seeds() {
        WasmModule sink = kitchenSink();
        WasmModule onlyCode = new WasmModule(sink.recGroups(), List.of(), sink.functions(), List.of(), List.of(),
                List.of(), List.of(), List.of(), OptionalInt.empty(), List.of(), OptionalInt.empty(), List.of(),
                List.of(), Optional.empty());
        WasmModule noCode = new WasmModule(sink.recGroups(), sink.imports(), List.of(), sink.tables(),
                sink.memories(), sink.tags(), sink.globals(), sink.exports(), OptionalInt.empty(), List.of(),
                sink.dataCount(), sink.data(), sink.customSections(), sink.names());
        return List.of(sink, onlyCode, noCode);
    }
}
