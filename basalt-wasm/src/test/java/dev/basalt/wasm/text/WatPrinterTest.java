package dev.basalt.wasm.text;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.basalt.wasm.WasmModule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class WatPrinterTest {
    private static final SubType I32_TO_I32 = SubType.of(new CompositeType.Func(List.of(NumType.I32), List.of(NumType.I32)));

    private static WasmModule module(List<RecGroup> types, List<Import> imports, List<Function> functions,
                                     List<Table> tables, List<MemoryType> memories, List<TagType> tags,
                                     List<Global> globals, List<Export> exports, List<ElementSegment> elems,
                                     List<DataSegment> data, List<CustomSection> custom, Optional<NameSection> names) {
        return new WasmModule(types, imports, functions, tables, memories, tags, globals, exports, OptionalInt.empty(),
                elems, OptionalInt.empty(), data, custom, names);
    }

    @Test
    void printsTypesIncludingRecGroupsSubtypesAndGcTypes() {
        SubType struct = new SubType(false, List.of(), new CompositeType.Struct(List.of(
                new FieldType(PackedType.I8, true), new FieldType(RefType.nullable(HeapType.concrete(1)), false))));
        SubType array = new SubType(true, List.of(0), new CompositeType.Array(new FieldType(NumType.F64, true)));
        WasmModule m = module(List.of(new RecGroup(List.of(struct, array)), RecGroup.single(I32_TO_I32)),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), Optional.empty());
        assertThat(WatPrinter.print(m)).isEqualTo("""
                (module
                  (rec
                    (type (sub (struct (field (mut i8)) (field (ref null 1)))))
                    (type (sub final 0 (array (mut f64))))
                  )
                  (type (func (param i32) (result i32)))
                )
                """);
    }

    @Test
    void printsImportsAndDefinitionsOfEveryKind() {
        WasmModule m = module(List.of(RecGroup.single(I32_TO_I32)),
                List.of(new Import("env", "f", new ImportDesc.Func(0)),
                        new Import("env", "t", new ImportDesc.Table(new TableType(RefType.FUNCREF, Limits.of(1, 2), true))),
                        new Import("env", "m", new ImportDesc.Memory(new MemoryType(Limits.of(1), true, true, 0))),
                        new Import("env", "g", new ImportDesc.Global(new GlobalType(RefType.nonNull(AbsHeapType.EXTERN), true))),
                        new Import("env", "e", new ImportDesc.Tag(new TagType(0)))),
                List.of(), List.of(new Table(new TableType(RefType.nonNull(AbsHeapType.FUNC), Limits.of(3), false),
                        Optional.of(Expression.of(new Instruction.Index(Opcode.REF_FUNC, 0))))),
                List.of(new MemoryType(Limits.of(0, 65536))), List.of(new TagType(0)),
                List.of(new Global(new GlobalType(NumType.I64, false), Expression.of(new Instruction.I64Const(-5),
                        new Instruction.I64Const(2), new Instruction.Simple(Opcode.I64_MUL)))),
                List.of(new Export("f\"\u00e9", ExternKind.FUNC, 0)),
                List.of(new ElementSegment(RefType.FUNCREF, List.of(Expression.of(new Instruction.Index(Opcode.REF_FUNC, 0))),
                                new ElementSegment.Active(0, Expression.of(new Instruction.I32Const(1)))),
                        new ElementSegment(RefType.FUNCREF, List.of(), new ElementSegment.Declarative()),
                        new ElementSegment(RefType.nonNull(AbsHeapType.FUNC), List.of(), new ElementSegment.Passive())),
                List.of(new DataSegment(new byte[] {'h', 'i', 0, '\\'}, new DataSegment.Active(0,
                        Expression.of(new Instruction.I32Const(8)))), new DataSegment(new byte[0], new DataSegment.Passive())),
                List.of(new CustomSection("c", new byte[] {1}, 0)), Optional.empty());
        assertThat(WatPrinter.print(m)).isEqualTo("""
                (module
                  (@custom "c" (before first) "\\01")
                  (type (func (param i32) (result i32)))
                  (import "env" "f" (func (type 0)))
                  (import "env" "t" (table i64 1 2 funcref))
                  (import "env" "m" (memory i64 1 shared (pagesize 1)))
                  (import "env" "g" (global (mut (ref extern))))
                  (import "env" "e" (tag (type 0)))
                  (table 3 (ref func) (ref.func 0))
                  (memory 0 65536)
                  (tag (type 0))
                  (global i64 (i64.const -5) (i64.const 2) (i64.mul))
                  (export "f\\22\\c3\\a9" (func 0))
                  (elem (table 0) (offset (i32.const 1)) funcref (item (ref.func 0)))
                  (elem declare funcref)
                  (elem (ref func))
                  (data (memory 0) (offset (i32.const 8)) "hi\\00\\5c")
                  (data "")
                )
                """);
    }

    @Test
    void printsBodiesFlatWithBlocksIndented() {
        Function f = new Function(0, List.of(new Locals(2, NumType.F32)), Expression.of(
                new Instruction.Block(Opcode.BLOCK, new BlockType.Value(NumType.I32)),
                new Instruction.Index(Opcode.LOCAL_GET, 0),
                new Instruction.Block(Opcode.IF, BlockType.EMPTY),
                new Instruction.Branch(Opcode.BR, 1),
                new Instruction.Simple(Opcode.ELSE),
                new Instruction.BranchTable(List.of(0, 1), 1),
                new Instruction.Simple(Opcode.END),
                new Instruction.Memory(Opcode.I32_LOAD, new MemArg(2, 16, 0)),
                new Instruction.Simple(Opcode.END),
                new Instruction.IndexPair(Opcode.CALL_INDIRECT, 0, 1),
                new Instruction.IndexPair(Opcode.MEMORY_INIT, 3, 1),
                new Instruction.HeapTypeInstr(Opcode.REF_CAST_NULL, AbsHeapType.I31),
                new Instruction.HeapTypeInstr(Opcode.REF_NULL, HeapType.concrete(0)),
                new Instruction.TryTable(new BlockType.TypeIndex(0), List.of(
                        new Instruction.Catch(Instruction.CatchKind.CATCH, 2, 0),
                        new Instruction.Catch(Instruction.CatchKind.CATCH_ALL_REF, -1, 1))),
                new Instruction.Simple(Opcode.END)));
        WasmModule m = module(List.of(RecGroup.single(I32_TO_I32)), List.of(), List.of(f), List.of(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), Optional.empty());
        assertThat(WatPrinter.print(m)).isEqualTo("""
                (module
                  (type (func (param i32) (result i32)))
                  (func (type 0) (param i32) (result i32) (local f32) (local f32)
                    block (result i32)
                      local.get 0
                      if
                        br 1
                      else
                        br_table 0 1 1
                      end
                      i32.load offset=16 align=4
                    end
                    call_indirect 1 (type 0)
                    memory.init 1 3
                    ref.cast i31ref
                    ref.null 0
                    try_table (type 0) (catch 2 0) (catch_all_ref 1)
                    end
                  )
                )
                """);
    }

    @Test
    void floatsPrintExactly() {
        assertThat(WatPrinter.f32(Float.floatToRawIntBits(1.5f))).isEqualTo("0x1.8p0");
        assertThat(WatPrinter.f32(0x8000_0000)).isEqualTo("-0x0.0p0");
        assertThat(WatPrinter.f32(0x7fc0_0000)).isEqualTo("nan:0x400000");
        assertThat(WatPrinter.f32(0xff80_0001)).isEqualTo("-nan:0x1");
        assertThat(WatPrinter.f32(0xff80_0000)).isEqualTo("-inf");
        assertThat(WatPrinter.f32(1)).isEqualTo("0x0.000002p-126");
        assertThat(WatPrinter.f64(Double.doubleToRawLongBits(-0.1))).isEqualTo("-0x1.999999999999ap-4");
        assertThat(WatPrinter.f64(0x7ff0_0000_0000_0001L)).isEqualTo("nan:0x1");
        for (int bits : new int[] {1, 0x0080_0000, 0x3f80_0001, 0x7f7f_ffff, 0x8000_0001}) {
            // Java's hex float reads back to the same bits
            assertThat(Float.floatToRawIntBits(Float.parseFloat(WatPrinter.f32(bits)))).isEqualTo(bits);
        }
    }

    @Test
    void namesBecomeIdentifiersWhereValidAndUnique() {
        Function f = new Function(0, List.of(new Locals(1, NumType.I32)), Expression.of(
                new Instruction.Index(Opcode.LOCAL_GET, 1), new Instruction.Index(Opcode.CALL, 0),
                new Instruction.Index(Opcode.GLOBAL_GET, 0), new Instruction.Index(Opcode.GLOBAL_GET, 1)));
        NameSection names = new NameSection(Optional.of("mod"),
                Map.of(NameSection.FUNCTIONS, Map.of(0, "fac"), NameSection.GLOBALS, Map.of(0, "has space", 1, "g1"),
                        NameSection.TYPES, Map.of(0, "t")),
                Map.of(NameSection.LOCALS, Map.of(0, Map.of(0, "n", 1, "acc"))));
        Global g = new Global(new GlobalType(NumType.I32, false), Expression.of(new Instruction.I32Const(0)));
        WasmModule m = module(List.of(RecGroup.single(I32_TO_I32)), List.of(), List.of(f), List.of(), List.of(),
                List.of(), List.of(g, g), List.of(new Export("fac", ExternKind.FUNC, 0)), List.of(), List.of(),
                List.of(), Optional.of(names));
        String wat = WatPrinter.print(m);
        assertThat(wat).startsWith("(module $mod\n  (type $t (func (param i32) (result i32)))\n");
        assertThat(wat).contains("(func $fac (type $t) (param $n i32) (result i32) (local $acc i32)\n");
        assertThat(wat).contains("    local.get $acc\n    call $fac\n    global.get 0\n    global.get $g1\n");
        assertThat(wat).contains("(global $g1 i32 (i32.const 0))");
        assertThat(wat).contains("(export \"fac\" (func $fac))");
    }
}
