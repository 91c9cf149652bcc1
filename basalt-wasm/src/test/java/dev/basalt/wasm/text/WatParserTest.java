package dev.basalt.wasm.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.DataSegment;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Instruction.Block;
import dev.basalt.wasm.Instruction.Branch;
import dev.basalt.wasm.Instruction.I32Const;
import dev.basalt.wasm.Instruction.Index;
import dev.basalt.wasm.Instruction.IndexPair;
import dev.basalt.wasm.Instruction.Simple;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.Locals;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NameSection;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.V128;
import dev.basalt.wasm.WasmModule;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WatParserTest {
    private static final Instruction END = new Simple(Opcode.END);

    private static WasmModule parse(String text) {
        return WatParser.parseModule(text);
    }

    private static List<Instruction> body(String module, int func) {
        return parse(module).functions().get(func).body().instructions();
    }

    private static void malformed(String text, String reason) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(MalformedException.class)
                .hasMessageStartingWith(reason);
    }

    // ---- module structure ----

    @Test
    void emptyModuleAndBareFields() {
        assertThat(parse("(module)").functions()).isEmpty();
        assertThat(parse("(module $m)").names().orElseThrow().moduleName()).contains("m");
        assertThat(parse("(func) (func)").functions()).hasSize(2);
        assertThat(parse("").functions()).isEmpty();
    }

    @Test
    void functionWithNamedParamsAndLocals() {
        WasmModule m = parse("""
                (module
                  (func $add (export "add") (param $a i32) (param $b i32) (result i32) (local $t i64) (local f32 f32)
                    (i32.add (local.get $a) (local.get $b))))
                """);
        assertThat(m.types()).containsExactly(SubType.of(new CompositeType.Func(
                List.of(NumType.I32, NumType.I32), List.of(NumType.I32))));
        assertThat(m.functions().get(0).locals()).containsExactly(new Locals(1, NumType.I64),
                new Locals(2, NumType.F32));
        assertThat(m.functions().get(0).body().instructions()).containsExactly(
                new Index(Opcode.LOCAL_GET, 0), new Index(Opcode.LOCAL_GET, 1), new Simple(Opcode.I32_ADD));
        assertThat(m.exports()).containsExactly(new Export("add", ExternKind.FUNC, 0));
        NameSection names = m.names().orElseThrow();
        assertThat(names.functionName(0)).contains("add");
        assertThat(names.localName(0, 1)).contains("b");
        assertThat(names.localName(0, 2)).contains("t");
    }

    @Test
    void foldedAndFlatFormsAreTheSame() {
        String flat = "(func (param i32) (result i32) local.get 0 i32.const 1 i32.add)";
        String folded = "(func (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))";
        assertThat(parse(folded)).isEqualTo(parse(flat));
    }

    @Test
    void deeplyNestedFoldedInstructionsNeedNoRecursion() {
        int depth = 50_000;
        String text = "(func (result i32) " + "(i32.eqz ".repeat(depth) + "(i32.const 0)" + ")".repeat(depth) + ")";
        List<Instruction> body = body(text, 0);
        assertThat(body).hasSize(depth + 1);
        assertThat(body.get(0)).isEqualTo(new I32Const(0));
        String blocks = "(func " + "(block ".repeat(depth) + ")".repeat(depth) + ")";
        assertThat(body(blocks, 0)).hasSize(2 * depth);
    }

    @Test
    void typeUsesReuseMatchingTypesAndAppendNewOnes() {
        WasmModule m = parse("""
                (module
                  (func (param i32))
                  (type $t (func (param i32)))
                  (rec (type $r (func (param i64))))
                  (type $s (sub (func (param f32))))
                  (func (param i64))
                  (func (param f32))
                  (func (type $t))
                  (func (param f32)))
                """);
        // explicit types first; (rec ...) of one type counts as alone; non-final types do not match
        assertThat(m.functions()).extracting(f -> f.typeIndex()).containsExactly(0, 1, 3, 0, 3);
        assertThat(m.types()).hasSize(4);
        assertThat(m.types().get(3)).isEqualTo(SubType.of(new CompositeType.Func(List.of(NumType.F32), List.of())));
    }

    @Test
    void typeUseWithExplicitIndexMustAgreeWithInlineSignature() {
        assertThat(parse("(type $t (func (param i32))) (func (type $t) (param $x i32) (local.get $x) drop)")
                .functions().get(0).typeIndex()).isZero();
        malformed("(type $t (func)) (func (type $t) (param i32))", "inline function type");
        malformed("(func (type 3) (param i32))", "unknown type");
        // a bare index is not checked here: the validator reports it
        assertThat(parse("(func (type 7))").functions().get(0).typeIndex()).isEqualTo(7);
    }

    @Test
    void localsAfterAnExplicitTypeCountItsParams() {
        List<Instruction> b = body("(type $t (func (param i32 i64))) (func (type $t) (local $x f32) (local.get $x) drop)",
                0);
        assertThat(b.get(0)).isEqualTo(new Index(Opcode.LOCAL_GET, 2));
    }

    @Test
    void inlineImportsComeFirstInTheirIndexSpace() {
        WasmModule m = parse("""
                (module
                  (import "m" "f" (func $f (param i32)))
                  (func $g (import "m" "g") (result i32))
                  (table $t (import "m" "t") 1 funcref)
                  (memory (import "m" "mem") 1 2)
                  (global $gl (import "m" "gl") (mut i32))
                  (tag $e (import "m" "e") (param i32))
                  (func $h (call $g) drop (call $f (i32.const 0)) (global.get $gl) drop (throw $e (i32.const 1))))
                """);
        assertThat(m.imports()).hasSize(6);
        assertThat(m.imports().get(3).desc()).isEqualTo(new ImportDesc.Memory(new MemoryType(Limits.of(1, 2))));
        assertThat(m.functions().get(0).body().instructions()).contains(new Index(Opcode.CALL, 1),
                new Index(Opcode.CALL, 0), new Index(Opcode.GLOBAL_GET, 0), new Index(Opcode.THROW, 0));
        assertThat(m.names().orElseThrow().functionName(2)).contains("h");
    }

    @Test
    void importsMustPrecedeDefinitions() {
        malformed("(func) (import \"\" \"\" (func))", "import after function");
        malformed("(memory 0) (func (import \"\" \"\"))", "import after memory");
        malformed("(global i32 (i32.const 0)) (import \"\" \"\" (table 0 funcref))", "import after global");
    }

    @Test
    void inlineExports() {
        WasmModule m = parse("(table (export \"t\") (export \"t2\") 0 funcref) (memory (export \"m\") 1)"
                + " (global (export \"g\") i32 (i32.const 1)) (tag (export \"e\"))");
        assertThat(m.exports()).containsExactly(new Export("t", ExternKind.TABLE, 0),
                new Export("t2", ExternKind.TABLE, 0), new Export("m", ExternKind.MEMORY, 0),
                new Export("g", ExternKind.GLOBAL, 0), new Export("e", ExternKind.TAG, 0));
    }

    // ---- control ----

    @Test
    void labelsResolveToDepths() {
        List<Instruction> b = body("""
                (func
                  (block $outer
                    (loop $inner
                      (br $outer) (br $inner) (br 0)
                      block $b br $outer br $b end $b)))
                """, 0);
        assertThat(b).containsExactly(new Block(Opcode.BLOCK, BlockType.EMPTY), new Block(Opcode.LOOP, BlockType.EMPTY),
                new Branch(Opcode.BR, 1), new Branch(Opcode.BR, 0), new Branch(Opcode.BR, 0),
                new Block(Opcode.BLOCK, BlockType.EMPTY), new Branch(Opcode.BR, 2), new Branch(Opcode.BR, 0), END,
                END, END);
    }

    @Test
    void labelNamesAreNumberedByBlockInstructionOrder() {
        WasmModule m = parse("(func) (func (block $a (loop (if $c (i32.const 0) (then (block $d))))) block $e end)");
        assertThat(m.names().orElseThrow().indirectNameMaps().get(NameSection.LABELS))
                .isEqualTo(java.util.Map.of(1, java.util.Map.of(0, "a", 2, "c", 3, "d", 4, "e")));
    }

    @Test
    void shadowedLabelsResolveToTheInnermost() {
        List<Instruction> b = body("(func (block $l (block $l (br $l))))", 0);
        assertThat(b.get(2)).isEqualTo(new Branch(Opcode.BR, 0));
    }

    @Test
    void labelErrors() {
        malformed("(func block $a end $b)", "mismatching label");
        malformed("(func block end $b)", "mismatching label");
        malformed("(func (br $nowhere))", "unknown label");
        malformed("(func block)", "unexpected");
        malformed("(func end)", "unexpected token");
    }

    @Test
    void foldedIfWithThenAndElse() {
        List<Instruction> b = body("(func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) "
                + "(else (i32.const 3))))", 0);
        assertThat(b).containsExactly(new I32Const(1), new Block(Opcode.IF, new BlockType.Value(NumType.I32)),
                new I32Const(2), new Simple(Opcode.ELSE), new I32Const(3), END);
        assertThat(body("(func (if (i32.const 0) (then)))", 0)).containsExactly(new I32Const(0),
                new Block(Opcode.IF, BlockType.EMPTY), END);
        malformed("(func (if (i32.const 0)))", "unexpected");
    }

    @Test
    void flatIfElseWithLabels() {
        List<Instruction> b = body("(func i32.const 0 if $l br $l else $l nop end $l)", 0);
        assertThat(b).containsExactly(new I32Const(0), new Block(Opcode.IF, BlockType.EMPTY), new Branch(Opcode.BR, 0),
                new Simple(Opcode.ELSE), new Simple(Opcode.NOP), END);
    }

    @Test
    void blockTypesWithParamsUseTypeIndices() {
        WasmModule m = parse("(func (i32.const 1) (block (param i32) (result i32 i32) (i32.const 2)) drop drop)");
        Block block = (Block) m.functions().get(0).body().instructions().get(1);
        int idx = ((BlockType.TypeIndex) block.type()).typeIndex();
        assertThat(m.types().get(idx).composite()).isEqualTo(new CompositeType.Func(List.of(NumType.I32),
                List.of(NumType.I32, NumType.I32)));
        malformed("(func (block (result i32) (param i32)))", "unexpected token");
        malformed("(func (block (param $x i32)))", "unexpected token");
    }

    @Test
    void brTable() {
        List<Instruction> b = body("(func (block $a (block $b (br_table $a $b 0 (i32.const 0)))))", 0);
        assertThat(b.get(3)).isEqualTo(new Instruction.BranchTable(List.of(1, 0), 0));
    }

    @Test
    void tryTableCatchLabelsAreOutsideTheTryTable() {
        List<Instruction> b = body("""
                (tag $e (param i32))
                (func (result i32)
                  (block $h (result i32)
                    (try_table $t (catch $e $h) (catch_all_ref $h) (br $t))
                    (i32.const 0)))
                """, 0);
        assertThat(b.get(1)).isEqualTo(new Instruction.TryTable(BlockType.EMPTY, List.of(
                new Instruction.Catch(Instruction.CatchKind.CATCH, 0, 0),
                new Instruction.Catch(Instruction.CatchKind.CATCH_ALL_REF, -1, 0))));
        assertThat(b.get(2)).isEqualTo(new Branch(Opcode.BR, 0));
    }

    @Test
    void legacyTryCatchAndDelegate() {
        List<Instruction> folded = body("""
                (tag $e)
                (func
                  (block $outer
                    (try $t (do (throw $e)) (catch $e (rethrow $t)) (catch_all))
                    (try (do nop) (delegate $outer))))
                """, 0);
        assertThat(folded).containsExactly(new Block(Opcode.BLOCK, BlockType.EMPTY),
                new Block(Opcode.TRY, BlockType.EMPTY), new Index(Opcode.THROW, 0), new Index(Opcode.CATCH, 0),
                new Branch(Opcode.RETHROW, 0), new Simple(Opcode.CATCH_ALL), END,
                new Block(Opcode.TRY, BlockType.EMPTY), new Simple(Opcode.NOP), new Branch(Opcode.DELEGATE, 0),
                END);
        List<Instruction> flat = body("(tag $e) (func try $t throw $e catch $e catch_all end try delegate 0)", 0);
        assertThat(flat).containsExactly(new Block(Opcode.TRY, BlockType.EMPTY), new Index(Opcode.THROW, 0),
                new Index(Opcode.CATCH, 0), new Simple(Opcode.CATCH_ALL), END,
                new Block(Opcode.TRY, BlockType.EMPTY), new Branch(Opcode.DELEGATE, 0));
    }

    @Test
    void selectUntypedAndTyped() {
        assertThat(body("(func (select (i32.const 1) (i32.const 2) (i32.const 0)) drop)", 0).get(3))
                .isEqualTo(new Simple(Opcode.SELECT));
        assertThat(body("(func (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)) drop)", 0).get(3))
                .isEqualTo(new Instruction.SelectTyped(List.of(NumType.I32)));
    }

    @Test
    void callIndirectImmediatesInBinaryOrder() {
        WasmModule m = parse("""
                (type $t (func (param i32)))
                (table $a 1 funcref) (table $b 1 funcref)
                (func (call_indirect $b (type $t) (i32.const 0) (i32.const 0))
                      (call_indirect (param i64) (i64.const 0) (i32.const 0)))
                """);
        List<Instruction> b = m.functions().get(0).body().instructions();
        assertThat(b.get(2)).isEqualTo(new IndexPair(Opcode.CALL_INDIRECT, 0, 1));
        assertThat(b.get(5)).isEqualTo(new IndexPair(Opcode.CALL_INDIRECT, 2, 0));
    }

    @Test
    void tableAndMemoryBulkImmediates() {
        WasmModule m = parse("""
                (table $t0 1 funcref) (table $t1 1 funcref) (memory $m0 1) (memory $m1 1)
                (elem $e func) (data $d "")
                (func table.init $t1 $e table.init $e table.copy $t0 $t1 table.copy
                      memory.init $m1 $d memory.init $d memory.copy $m1 $m0 memory.copy
                      memory.size $m1 memory.size table.size $t1 elem.drop $e data.drop $d)
                """);
        assertThat(m.functions().get(0).body().instructions()).containsExactly(
                new IndexPair(Opcode.TABLE_INIT, 0, 1), new IndexPair(Opcode.TABLE_INIT, 0, 0),
                new IndexPair(Opcode.TABLE_COPY, 0, 1), new IndexPair(Opcode.TABLE_COPY, 0, 0),
                new IndexPair(Opcode.MEMORY_INIT, 0, 1), new IndexPair(Opcode.MEMORY_INIT, 0, 0),
                new IndexPair(Opcode.MEMORY_COPY, 1, 0), new IndexPair(Opcode.MEMORY_COPY, 0, 0),
                new Index(Opcode.MEMORY_SIZE, 1), new Index(Opcode.MEMORY_SIZE, 0), new Index(Opcode.TABLE_SIZE, 1),
                new Index(Opcode.ELEM_DROP, 0), new Index(Opcode.DATA_DROP, 0));
    }

    // ---- memory and SIMD immediates ----

    @Test
    void memArgs() {
        List<Instruction> b = body("""
                (memory 1) (memory $m 1)
                (func (i32.const 0) (i64.load16_s) drop
                      (i32.const 0) (i32.load offset=16 align=2) drop
                      (i32.const 0) (v128.load $m offset=0x10) drop
                      (i32.const 0) (i64.atomic.rmw8.add_u 1 (i64.const 1)) drop
                      (i32.const 0) (v128.load8x8_s) drop)
                """, 0);
        assertThat(b.get(1)).isEqualTo(new Instruction.Memory(Opcode.I64_LOAD16_S, new MemArg(1, 0, 0)));
        assertThat(b.get(4)).isEqualTo(new Instruction.Memory(Opcode.I32_LOAD, new MemArg(1, 16, 0)));
        assertThat(b.get(7)).isEqualTo(new Instruction.Memory(Opcode.V128_LOAD, new MemArg(4, 16, 1)));
        assertThat(b.get(11)).isEqualTo(new Instruction.Memory(Opcode.I64_ATOMIC_RMW8_ADD_U, new MemArg(0, 0, 1)));
        assertThat(b.get(14)).isEqualTo(new Instruction.Memory(Opcode.V128_LOAD8X8_S, new MemArg(3, 0, 0)));
        malformed("(memory 1) (func (i32.const 0) (i32.load align=3) drop)", "alignment");
        malformed("(memory 1) (func (i32.const 0) (i32.load offset=-1) drop)", "unknown operator");
    }

    @Test
    void simdImmediates() {
        List<Instruction> b = body("""
                (memory 1)
                (func (v128.const i16x8 1 2 3 4 5 6 7 -1) (i8x16.extract_lane_u 15) drop
                      (v128.const f32x4 1 2 3 4) (v128.const i64x2 0 0)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31) drop
                      (i32.const 0) (v128.const i32x4 0 0 0 0) (v128.load32_lane 2) drop
                      (i32.const 0) (v128.const i32x4 0 0 0 0) (v128.load32_lane 0 1) drop)
                """, 0);
        assertThat(((Instruction.V128Const) b.get(0)).value().byteAt(14)).isEqualTo(0xFF);
        assertThat(b.get(1)).isEqualTo(new Instruction.Lane(Opcode.I8X16_EXTRACT_LANE_U, 15));
        assertThat(((Instruction.Shuffle) b.get(5)).lanes().byteAt(15)).isEqualTo(31);
        assertThat(b.get(9)).isEqualTo(new Instruction.MemoryLane(Opcode.V128_LOAD32_LANE, new MemArg(2, 0, 0), 2));
        assertThat(b.get(13)).isEqualTo(new Instruction.MemoryLane(Opcode.V128_LOAD32_LANE, new MemArg(2, 0, 0), 1));
        malformed("(func (v128.const i32x4 1 2 3) drop)", "wrong number of lane literals");
        malformed("(func (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0) drop)", "constant out of range");
        malformed("(func (i8x16.shuffle 0 1 2) drop)", "invalid lane length");
        malformed("(func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop)", "i8 constant out of range");
    }

    @Test
    void constants() {
        List<Instruction> b = body("(func (i32.const 0xffff_ffff) (i64.const -1) (f32.const -nan:0x1) "
                + "(f64.const 0x1p-1) drop drop drop drop)", 0);
        assertThat(b).startsWith(new I32Const(-1), new Instruction.I64Const(-1),
                new Instruction.F32Const(0xFF800001), new Instruction.F64Const(Double.doubleToRawLongBits(0.5)));
        malformed("(func (i32.const 0x1_0000_0000) drop)", "constant out of range");
        malformed("(func (i64.const 1.5) drop)", "unexpected token");
        malformed("(func (f32.const 1e40) drop)", "constant out of range");
    }

    // ---- types and GC ----

    @Test
    void recursiveAndSubtypedGcTypes() {
        WasmModule m = parse("""
                (rec (type $node (sub (struct (field $val i32) (field $next (ref null $node)))))
                     (type $leaf (sub final $node (struct (field $val i32) (field $next (ref null $node))))))
                (type $bytes (array (mut i8)))
                (func (param $n (ref $node)) (result i32)
                  (struct.get $node $next (local.get $n)) drop
                  (struct.get $leaf $val (ref.cast (ref $leaf) (local.get $n))))
                """);
        assertThat(m.recGroups()).hasSize(3); // the function's implicit type comes last
        assertThat(m.recGroups().get(0).types()).hasSize(2);
        SubType leaf = m.types().get(1);
        assertThat(leaf.isFinal()).isTrue();
        assertThat(leaf.supertypes()).containsExactly(0);
        assertThat(m.types().get(0).isFinal()).isFalse();
        assertThat(((CompositeType.Struct) leaf.composite()).fields().get(1))
                .isEqualTo(new FieldType(RefType.nullable(HeapType.concrete(0)), false));
        assertThat(m.types().get(2).composite()).isEqualTo(new CompositeType.Array(new FieldType(PackedType.I8, true)));
        List<Instruction> b = m.functions().get(0).body().instructions();
        assertThat(b.get(1)).isEqualTo(new IndexPair(Opcode.STRUCT_GET, 0, 1));
        assertThat(b.get(4)).isEqualTo(new Instruction.HeapTypeInstr(Opcode.REF_CAST, HeapType.concrete(1)));
        assertThat(b.get(5)).isEqualTo(new IndexPair(Opcode.STRUCT_GET, 1, 0));
        assertThat(m.names().orElseThrow().indirectNameMaps().get(NameSection.FIELDS).get(0)).containsEntry(1, "next");
        malformed("(type (struct (field $x i32) (field $x i32)))", "duplicate field");
        malformed("(type $s (struct)) (func (struct.get $s $nope (unreachable)) drop)", "unknown field");
    }

    @Test
    void referenceTypesAndHeapTypeInstructions() {
        List<Instruction> b = body("""
                (type $f (func))
                (func (ref.null extern) drop (ref.null $f) drop (ref.null nofunc) drop
                      (ref.test (ref null any) (ref.null none)) drop (ref.cast i31ref (ref.null i31)) drop
                      (block $l (result anyref) (br_on_cast $l anyref (ref i31) (ref.null any)) drop (ref.null any)) drop)
                """, 0);
        assertThat(b.get(0)).isEqualTo(new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.EXTERN));
        assertThat(b.get(2)).isEqualTo(new Instruction.HeapTypeInstr(Opcode.REF_NULL, HeapType.concrete(0)));
        assertThat(b.get(7)).isEqualTo(new Instruction.HeapTypeInstr(Opcode.REF_TEST_NULL, AbsHeapType.ANY));
        assertThat(b.get(10)).isEqualTo(new Instruction.HeapTypeInstr(Opcode.REF_CAST_NULL, AbsHeapType.I31));
        assertThat(b.get(14)).isEqualTo(new Instruction.BrOnCast(Opcode.BR_ON_CAST, 0, RefType.ANYREF,
                RefType.nonNull(AbsHeapType.I31)));
        WasmModule all = parse("(global funcref (ref.null func)) (global externref (ref.null extern))"
                + " (global exnref (ref.null exn)) (global nullexnref (ref.null noexn))"
                + " (global nullfuncref (ref.null nofunc)) (global nullexternref (ref.null noextern))"
                + " (global nullref (ref.null none)) (global eqref (ref.null eq)) (global structref (ref.null struct))"
                + " (global arrayref (ref.null array))");
        assertThat(all.globals()).extracting(g -> g.type().type()).containsExactly(RefType.FUNCREF,
                RefType.EXTERNREF, RefType.EXNREF, RefType.NULLEXNREF, RefType.NULLFUNCREF, RefType.NULLEXTERNREF,
                RefType.NULLREF, RefType.EQREF, RefType.STRUCTREF, RefType.ARRAYREF);
    }

    // ---- tables, memories, segments ----

    @Test
    void tablesWithInlineElementsAndInitialisers() {
        WasmModule m = parse("""
                (func $f) (func $g)
                (table $t funcref (elem $f $g $f))
                (table $u i64 10 20 (ref null func) (ref.func $g))
                (table $v externref (elem (ref.null extern)))
                """);
        assertThat(m.tables().get(0).type().limits()).isEqualTo(Limits.of(3, 3));
        assertThat(m.tables().get(1).type().is64()).isTrue();
        assertThat(m.tables().get(1).init()).contains(Expression.of(new Index(Opcode.REF_FUNC, 1)));
        assertThat(m.elements()).hasSize(2);
        ElementSegment e = m.elements().get(0);
        assertThat(e.type()).isEqualTo(RefType.FUNCREF);
        assertThat(e.mode()).isEqualTo(new ElementSegment.Active(0, Expression.of(new I32Const(0))));
        assertThat(e.init()).hasSize(3);
        assertThat(m.elements().get(1).mode()).isEqualTo(new ElementSegment.Active(2, Expression.of(new I32Const(0))));
    }

    @Test
    void elementSegmentsInEverySyntax() {
        WasmModule m = parse("""
                (table $t 10 funcref) (table $u 10 funcref)
                (func $f)
                (elem (i32.const 1) $f 0)
                (elem $p func $f)
                (elem declare func $f)
                (elem (table $u) (offset (i32.const 2)) funcref (item ref.func $f) (ref.null func))
                (elem 1 (i32.const 3) func $f)
                (elem funcref (item (ref.func $f)))
                """);
        List<ElementSegment> es = m.elements();
        RefType funcNonNull = RefType.nonNull(AbsHeapType.FUNC);
        Expression refF = Expression.of(new Index(Opcode.REF_FUNC, 0));
        assertThat(es.get(0)).isEqualTo(new ElementSegment(funcNonNull, List.of(refF, refF),
                new ElementSegment.Active(0, Expression.of(new I32Const(1)))));
        assertThat(es.get(1)).isEqualTo(new ElementSegment(funcNonNull, List.of(refF), new ElementSegment.Passive()));
        assertThat(es.get(2).mode()).isEqualTo(new ElementSegment.Declarative());
        assertThat(es.get(3)).isEqualTo(new ElementSegment(RefType.FUNCREF, List.of(refF,
                Expression.of(new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.FUNC))),
                new ElementSegment.Active(1, Expression.of(new I32Const(2)))));
        assertThat(es.get(4).mode()).isEqualTo(new ElementSegment.Active(1, Expression.of(new I32Const(3))));
        assertThat(es.get(5).init()).containsExactly(refF);
        assertThat(m.names().orElseThrow().name(NameSection.ELEMS, 1)).contains("p");
    }

    @Test
    void memoriesAndDataSegments() {
        WasmModule m = parse("""
                (memory $a 1)
                (memory $b i64 2 3 shared)
                (memory $c (data "hello" "\\00\\ff"))
                (memory $d 1 (pagesize 1))
                (data (memory $b) (offset (i64.const 8)) "x")
                (data $pass "yz")
                (data (i32.const 4) "w")
                """);
        assertThat(m.memories().get(1)).isEqualTo(new MemoryType(Limits.of(2, 3), true, true, 16));
        assertThat(m.memories().get(2).limits()).isEqualTo(Limits.of(1, 1));
        assertThat(m.memories().get(3).pageSizeLog2()).isZero();
        List<DataSegment> ds = m.data();
        assertThat(ds).hasSize(4);
        assertThat(ds.get(0).init()).containsExactly('h', 'e', 'l', 'l', 'o', 0, 0xFF);
        assertThat(ds.get(0).mode()).isEqualTo(new DataSegment.Active(2, Expression.of(new I32Const(0))));
        assertThat(ds.get(1).mode()).isEqualTo(new DataSegment.Active(1,
                Expression.of(new Instruction.I64Const(8))));
        assertThat(ds.get(2).mode()).isEqualTo(new DataSegment.Passive());
        assertThat(ds.get(3).mode()).isEqualTo(new DataSegment.Active(0, Expression.of(new I32Const(4))));
        assertThat(m.dataCount()).hasValue(4);
        malformed("(memory 1 (pagesize 3))", "invalid custom page size");
    }

    @Test
    void globalsStartAndTags() {
        WasmModule m = parse("""
                (global $g (mut i64) (i64.const 5))
                (global $h i32 (i32.add (i32.const 1) (i32.const 2)))
                (func $main) (start $main)
                (tag $e (param i32 f64))
                """);
        assertThat(m.globals().get(0).type().mutable()).isTrue();
        assertThat(m.globals().get(1).init().instructions()).hasSize(3);
        assertThat(m.start()).hasValue(0);
        assertThat(m.types().get(m.tags().get(0).typeIndex()).composite())
                .isEqualTo(new CompositeType.Func(List.of(NumType.I32, NumType.F64), List.of()));
        malformed("(func $a) (start $a) (start $a)", "multiple start sections");
    }

    // ---- identifiers and errors ----

    @Test
    void numericIndicesAreNotRangeChecked() {
        assertThat(body("(func (call 99))", 0)).containsExactly(new Index(Opcode.CALL, 99));
        assertThat(body("(func (local.get 5) drop)", 0).get(0)).isEqualTo(new Index(Opcode.LOCAL_GET, 5));
    }

    @Test
    void hugeTypeIndicesInHeapTypesStayOutOfRange() {
        assertThat(parse("(global (ref null 4294967295) (ref.null 4294967295))").globals().get(0).type().type())
                .isEqualTo(RefType.nullable(HeapType.concrete(Integer.MAX_VALUE)));
    }

    @Test
    void unboundAndDuplicateIdentifiers() {
        malformed("(func (call $nope))", "unknown function $nope");
        malformed("(func (local.get $x) drop)", "unknown local $x");
        malformed("(func (global.get $g) drop)", "unknown global $g");
        malformed("(func $f) (func $f)", "duplicate func");
        malformed("(global $g i32 (i32.const 0)) (global $g i32 (i32.const 0))", "duplicate global");
        malformed("(memory $m 1) (memory $m 1)", "duplicate memory");
        malformed("(func (param $x i32) (local $x i32))", "duplicate local");
        malformed("(type $t (func)) (type $t (func))", "duplicate type");
        malformed("(export \"x\" (func $nope))", "unknown function");
    }

    @Test
    void syntaxErrors() {
        malformed("(func (i32.frobnicate))", "unknown operator");
        malformed("(func (get_local 0))", "unknown operator");
        malformed("(module (func)", "unexpected end");
        malformed("(module) (func)", "unexpected token");
        malformed("(module (frob))", "unknown operator");
        malformed("(func (export \"\\ff\"))", "malformed UTF-8 encoding");
        malformed("(func 1)", "unexpected token");
    }

    @Test
    void errorsSayWhere() {
        assertThatThrownBy(() -> parse("(module\n  (func\n    (call $nope)))"))
                .hasMessageContaining("at 3:11");
    }

    @Test
    void quoteModulesAreParsedFromTheirText() {
        assertThat(parse("(module quote \"(func\" \" (export \\\"f\\\"))\")").exports()).hasSize(1);
        assertThat(parse("(module (module $inner (func)))").functions()).hasSize(1);
    }

    @Test
    void annotationsAreIgnoredExceptCustomAndName() {
        WasmModule m = parse("""
                (module (@name "Mod")
                  (@custom "meta" (after func) "a" "b")
                  (func (@name "first") (@unknown stuff (nested)) nop)
                  (@custom "before-global" (before global) "")
                  (@custom "first" (before first))
                  (@custom "tail" "z"))
                """);
        assertThat(m.names().orElseThrow().moduleName()).contains("Mod");
        assertThat(m.names().orElseThrow().functionName(0)).contains("first");
        assertThat(m.customSections()).extracting(dev.basalt.wasm.CustomSection::name)
                .containsExactly("meta", "before-global", "first", "tail");
        assertThat(m.customSections().get(0).data()).containsExactly('a', 'b');
        // placements as the id of the section the custom section follows in the binary; tag (13) precedes global,
        // and the last section of a module with functions but no data is code (10)
        assertThat(m.customSections()).extracting(dev.basalt.wasm.CustomSection::precedingSectionId)
                .containsExactly(3, 13, 0, 10);
        malformed("(func (@custom \"x\"))", "misplaced @custom annotation");
        malformed("(func) (@name \"M\")", "misplaced @name annotation");
    }

    // ---- hostile input ----

    @Test
    void deepParenthesesAreMalformedNotStackOverflow() {
        assertThatThrownBy(() -> parse("(".repeat(100_000))).isInstanceOf(MalformedException.class);
        assertThatThrownBy(() -> parse("(module " + "(".repeat(100_000) + ")".repeat(100_000) + ")"))
                .isInstanceOf(MalformedException.class);
        assertThatThrownBy(() -> parse("(func " + "(block ".repeat(100_000)))
                .isInstanceOf(MalformedException.class);
    }

    @Test
    void hugeNumbersAreMalformed() {
        String digits = "1".repeat(200_000);
        malformed("(func (i32.const " + digits + ") drop)", "constant out of range");
        malformed("(func (f32.const 0x" + digits + "p0) drop)", "constant out of range");
        malformed("(memory " + digits + ")", "i64 constant out of range");
        malformed("(func (call " + digits + "))", "i32 constant out of range");
        assertThat(body("(func (f64.const 0." + "0".repeat(100_000) + "1) drop)", 0).get(0))
                .isEqualTo(new Instruction.F64Const(0));
    }

    @Test
    void randomInputOnlyEverRaisesMalformed() {
        Random random = new Random(42);
        String alphabet = "()$\"\\;@ \n0x1.e-+_abcdefijlmnoprstuvwxyz=";
        String[] words = {"(module", "(func", "(param", "(result", "(local", "(block", "(if", "(then", "(else", "end",
            "(i32.const", "i32.add", "(type", "(table", "(memory", "(data", "(elem", "(global", "(export", "(import",
            "\"x\"", "$x", "0", "-1", "1.5", "nan", ")", ")", ")", "(rec", "(struct", "(field", "(ref", "null",
            "funcref", "(br", "(br_table", "(try_table", "(catch", "(@a", ";;", "(;", ";)", "offset=1", "align=4"};
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(60);
            for (int k = 0; k < n; k++) {
                if (random.nextBoolean()) {
                    sb.append(words[random.nextInt(words.length)]).append(' ');
                } else {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String text = sb.toString();
            try {
                parse(text);
            } catch (MalformedException expected) {
                // fine
            } catch (RuntimeException e) {
                throw new AssertionError("input " + text + " raised " + e, e);
            }
        }
        byte[] bytes = new byte[200];
        for (int i = 0; i < 2000; i++) {
            random.nextBytes(bytes);
            try {
                WatParser.parseModule(bytes);
            } catch (MalformedException expected) {
                // fine
            }
        }
    }

    @Test
    void v128ConstantRecord() {
        assertThat(body("(func (v128.const i64x2 1 2) drop)", 0).get(0))
                .isEqualTo(new Instruction.V128Const(new V128(1, 2)));
    }
}
