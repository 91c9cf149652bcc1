package dev.basalt.wasm.binary;

import static dev.basalt.wasm.binary.Bytes.code;
import static dev.basalt.wasm.binary.Bytes.module;
import static dev.basalt.wasm.binary.Bytes.section;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.basalt.wasm.AbsHeapType;
import dev.basalt.wasm.BlockType;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.DataSegment;
import dev.basalt.wasm.ElementSegment;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.NameSection;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.PackedType;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.TableType;
import dev.basalt.wasm.WasmModule;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class BinaryReaderTest {
    private static final String TYPE_VOID = section(1, "01 60 00 00");
    private static final String ONE_FUNC = section(3, "01 00");

    @Test
    void emptyModule() {
        assertThat(BinaryReader.read(module())).isEqualTo(WasmModule.empty());
    }

    @Test
    void typeSectionWithRecGroupsSubtypesAndAllValueTypes() {
        WasmModule m = BinaryReader.read(module(section(1,
                "03"
                        + " 60 02 7f 7b 01 63 00" // (func (param i32 v128) (result (ref null 0)))
                        + " 4e 02 50 00 5f 02 78 01 64 6e 00 4f 01 01 5e 77 00" // rec: sub struct, sub final array
                        + " 60 00 05 70 6f 69 74 6a")));
        assertThat(m.recGroups()).hasSize(3);
        assertThat(m.types()).hasSize(4);
        assertThat(m.types().get(0).composite()).isEqualTo(new CompositeType.Func(
                List.of(NumType.I32, NumType.V128), List.of(RefType.nullable(HeapType.concrete(0)))));
        SubType struct = m.types().get(1);
        assertThat(struct.isFinal()).isFalse();
        assertThat(struct.composite()).isEqualTo(new CompositeType.Struct(List.of(
                new FieldType(PackedType.I8, true), new FieldType(RefType.nonNull(AbsHeapType.ANY), false))));
        SubType array = m.types().get(2);
        assertThat(array.isFinal()).isTrue();
        assertThat(array.supertypes()).containsExactly(1);
        assertThat(m.types().get(3).composite()).isEqualTo(new CompositeType.Func(List.of(),
                List.of(RefType.FUNCREF, RefType.EXTERNREF, RefType.EXNREF, RefType.NULLEXNREF, RefType.ARRAYREF)));
    }

    @Test
    void importsOfEveryKind() {
        WasmModule m = BinaryReader.read(module(TYPE_VOID, section(2, "05"
                + " 01 6d 01 66 00 00"          // func type 0
                + " 01 6d 01 74 01 70 05 01 02" // table funcref i64 min 1 max 2
                + " 01 6d 01 6d 02 0b 01 02 00" // memory shared + max + custom page size 2^0
                + " 01 6d 01 67 03 7e 01"       // global mut i64
                + " 01 6d 01 65 04 00 00")));   // tag type 0
        assertThat(m.imports()).extracting(i -> i.desc().kind()).containsExactly(ExternKind.FUNC, ExternKind.TABLE,
                ExternKind.MEMORY, ExternKind.GLOBAL, ExternKind.TAG);
        assertThat(((ImportDesc.Table) m.imports().get(1).desc()).type())
                .isEqualTo(new TableType(RefType.FUNCREF, Limits.of(1, 2), true));
        assertThat(((ImportDesc.Memory) m.imports().get(2).desc()).type())
                .isEqualTo(new MemoryType(Limits.of(1, 2), true, false, 0));
    }

    @Test
    void tableWithInitExpressionAndMemory64() {
        WasmModule m = BinaryReader.read(module(section(4, "02 70 00 01 40 00 64 70 00 03 d0 70 0b"),
                section(5, "01 05 00 80 80 04")));
        assertThat(m.tables().get(0).init()).isEmpty();
        assertThat(m.tables().get(1).type().elementType()).isEqualTo(RefType.nonNull(AbsHeapType.FUNC));
        assertThat(m.tables().get(1).init().orElseThrow().instructions())
                .containsExactly(new Instruction.HeapTypeInstr(Opcode.REF_NULL, AbsHeapType.FUNC));
        assertThat(m.memories().get(0)).isEqualTo(new MemoryType(Limits.of(0, 65536), false, true, 16));
    }

    @Test
    void allEightElementSegmentEncodings() {
        WasmModule m = BinaryReader.read(module(TYPE_VOID, ONE_FUNC, section(4, "02 70 00 00 70 00 00"),
                section(9, "08"
                        + " 00 41 00 0b 01 00"          // active table 0, func indices
                        + " 01 00 01 00"                // passive, elemkind, func indices
                        + " 02 01 41 00 0b 00 01 00"    // active table 1, elemkind
                        + " 03 00 01 00"                // declarative
                        + " 04 41 00 0b 01 d2 00 0b"    // active table 0, expressions
                        + " 05 70 01 d0 70 0b"          // passive, reftype, expressions
                        + " 06 01 41 00 0b 70 00"       // active table 1, reftype, no expressions
                        + " 07 70 01 d2 00 0b"),        // declarative, expressions
                code("00 0b")));
        List<ElementSegment> e = m.elements();
        RefType refFunc = RefType.nonNull(AbsHeapType.FUNC);
        assertThat(e).extracting(ElementSegment::type).containsExactly(refFunc, refFunc, refFunc, refFunc,
                RefType.FUNCREF, RefType.FUNCREF, RefType.FUNCREF, RefType.FUNCREF);
        assertThat(e.get(0).mode()).isInstanceOf(ElementSegment.Active.class);
        assertThat(e.get(1).mode()).isInstanceOf(ElementSegment.Passive.class);
        assertThat(((ElementSegment.Active) e.get(2).mode()).table()).isEqualTo(1);
        assertThat(e.get(3).mode()).isInstanceOf(ElementSegment.Declarative.class);
        assertThat(e.get(0).init()).isEqualTo(e.get(4).init());
        assertThat(e.get(0).init().get(0).instructions()).containsExactly(new Instruction.Index(Opcode.REF_FUNC, 0));
        assertThat(e.get(6).init()).isEmpty();
    }

    @Test
    void threeDataSegmentEncodingsAndDataCount() {
        WasmModule m = BinaryReader.read(module(section(5, "02 00 01 00 01"), section(12, "03"),
                section(11, "03 00 41 01 0b 02 61 62  01 01 63  02 01 41 02 0b 00")));
        assertThat(m.dataCount()).hasValue(3);
        assertThat(m.data().get(0)).isEqualTo(new DataSegment("ab".getBytes(),
                new DataSegment.Active(0, dev.basalt.wasm.Expression.of(new Instruction.I32Const(1)))));
        assertThat(m.data().get(1).mode()).isInstanceOf(DataSegment.Passive.class);
        assertThat(((DataSegment.Active) m.data().get(2).mode()).memory()).isEqualTo(1);
    }

    @Test
    void functionBodiesLocalsAndInstructionOffsets() {
        byte[] bytes = module(TYPE_VOID, ONE_FUNC,
                code("02 02 7f 01 7e 41 7f 02 40 0c 00 0b 1a fd 0c 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 1a 0b"));
        WasmModule m = BinaryReader.read(bytes);
        var f = m.functions().get(0);
        assertThat(f.localCount()).isEqualTo(3);
        assertThat(f.body().instructions()).extracting(Instruction::opcode).containsExactly(Opcode.I32_CONST,
                Opcode.BLOCK, Opcode.BR, Opcode.END, Opcode.DROP, Opcode.V128_CONST, Opcode.DROP);
        assertThat(f.body().instructions().get(0)).isEqualTo(new Instruction.I32Const(-1));
        int firstInstruction = bytes.length - 28;
        assertThat(bytes[firstInstruction]).isEqualTo((byte) 0x41);
        assertThat(f.body().offsetOf(0)).isEqualTo(firstInstruction);
        assertThat(f.body().offsetOf(1)).isEqualTo(firstInstruction + 2);
        assertThat(f.body().offsetOf(5)).isEqualTo(firstInstruction + 8);
    }

    @Test
    void prefixedOpcodesImmediatesAndMultiMemoryMemArgs() {
        WasmModule m = BinaryReader.read(module(TYPE_VOID, ONE_FUNC, code("00"
                + " fc 8b 80 00 01"             // memory.fill 1, opcode with a padded LEB
                + " 28 42 03 10"                // i32.load memory 3, align 2, offset 16
                + " fd 54 00 00 05"             // v128.load8_lane align 0 offset 0 lane 5
                + " fe 03 00"                   // atomic.fence
                + " fb 18 03 00 6e 01"          // br_on_cast 0 (ref null any) (ref null 1)
                + " 1f 40 02 00 00 00 03 01"    // try_table (catch 0 0) (catch_all_ref 1)
                + " 0b 0b")));
        List<Instruction> body = m.functions().get(0).body().instructions();
        assertThat(body.get(0)).isEqualTo(new Instruction.Index(Opcode.MEMORY_FILL, 1));
        assertThat(body.get(1)).isEqualTo(new Instruction.Memory(Opcode.I32_LOAD, new MemArg(2, 16, 3)));
        assertThat(body.get(2)).isEqualTo(new Instruction.MemoryLane(Opcode.V128_LOAD8_LANE, new MemArg(0, 0, 0), 5));
        assertThat(body.get(3)).isEqualTo(new Instruction.Simple(Opcode.ATOMIC_FENCE));
        assertThat(body.get(4)).isEqualTo(new Instruction.BrOnCast(Opcode.BR_ON_CAST, 0, RefType.ANYREF,
                RefType.nullable(HeapType.concrete(1))));
        assertThat(body.get(5)).isEqualTo(new Instruction.TryTable(BlockType.EMPTY, List.of(
                new Instruction.Catch(Instruction.CatchKind.CATCH, 0, 0),
                new Instruction.Catch(Instruction.CatchKind.CATCH_ALL_REF, -1, 1))));
    }

    @Test
    void legacyExceptionHandlingStructure() {
        WasmModule m = BinaryReader.read(module(TYPE_VOID, ONE_FUNC, code("00"
                + " 06 40 07 00 19 0b"          // try catch 0 catch_all end
                + " 06 40 06 40 18 00 0b"       // try (try delegate 0) end
                + " 0b")));
        assertThat(m.functions().get(0).body().instructions()).extracting(Instruction::opcode).containsExactly(
                Opcode.TRY, Opcode.CATCH, Opcode.CATCH_ALL, Opcode.END, Opcode.TRY, Opcode.TRY, Opcode.DELEGATE,
                Opcode.END);
    }

    @Test
    void outOfRangeIndicesAreNotMalformed() {
        WasmModule m = BinaryReader.read(module(TYPE_VOID, ONE_FUNC, code("00 10 e3 00 20 ff ff ff ff 0f 0b")));
        assertThat(m.functions().get(0).body().instructions()).containsExactly(
                new Instruction.Index(Opcode.CALL, 99), new Instruction.Index(Opcode.LOCAL_GET, -1));
    }

    @Test
    void customSectionsRememberTheirPlace() {
        WasmModule m = BinaryReader.read(module(section(0, "01 61 01 02"), TYPE_VOID, section(0, "01 62"),
                section(13, "00"), section(0, "01 63 ff")));
        assertThat(m.customSections()).containsExactly(new CustomSection("a", new byte[] {1, 2}, 0),
                new CustomSection("b", new byte[0], 1), new CustomSection("c", new byte[] {(byte) 0xFF}, 13));
    }

    @Test
    void nameSectionIsDecoded() {
        String names = "04 6e 61 6d 65"
                + " 00 04 03 6d 6f 64"                      // module "mod"
                + " 01 05 01 00 02 66 30"                   // function 0 "f0"
                + " 02 09 01 00 02 00 01 61 01 01 62"          // locals of function 0: 0 "a", 1 "b"
                + " 0b 04 01 02 01 74";                     // tag 2 "t"
        WasmModule m = BinaryReader.read(module(section(0, names)));
        NameSection n = m.names().orElseThrow();
        assertThat(n.moduleName()).hasValue("mod");
        assertThat(n.functionName(0)).hasValue("f0");
        assertThat(n.localName(0, 1)).hasValue("b");
        assertThat(n.name(NameSection.TAGS, 2)).hasValue("t");
        assertThat(m.customSections()).isEmpty();
    }

    @Test
    void malformedNameSectionsAreKeptRaw() {
        for (String payload : List.of(
                "01 04 01 00 02 66",          // truncated name
                "01 03 01 00 01 80",          // bad UTF-8
                "01 02 00 00 00 01 00",       // subsections out of order
                "0c 01 00",                   // unknown subsection
                "01 07 02 01 01 61 01 01 62", // duplicate index
                "01 05 01 00 01 61 00")) {    // subsection size mismatch
            byte[] bytes = module(section(0, "04 6e 61 6d 65 " + payload));
            WasmModule m = BinaryReader.read(bytes);
            assertThat(m.names()).as(payload).isEmpty();
            assertThat(m.customSections()).as(payload).singleElement()
                    .satisfies(c -> assertThat(c.name()).isEqualTo("name"));
        }
    }

    record Bad(String name, byte[] bytes, String reason) {
    }

    static Stream<Bad> malformedCases() {
        return Stream.of(
                new Bad("empty input", new byte[0], "unexpected end"),
                new Bad("truncated magic", Bytes.of("00 61 73"), "unexpected end"),
                new Bad("wrong magic", Bytes.of("00 61 73 6e 01 00 00 00"), "magic header not detected"),
                new Bad("truncated version", Bytes.of("00 61 73 6d 01 00"), "unexpected end"),
                new Bad("wrong version", Bytes.of("00 61 73 6d 02 00 00 00"), "unknown binary version"),
                new Bad("section id 14", module("0e 00"), "malformed section id"),
                new Bad("section larger than input", module("01 05 00"), "length out of bounds"),
                new Bad("section size mismatch", module("01 02 00 00"), "section size mismatch"),
                new Bad("sections out of order", module(ONE_FUNC, TYPE_VOID), "unexpected content after last section"),
                new Bad("duplicate section", module(TYPE_VOID, TYPE_VOID), "unexpected content after last section"),
                new Bad("functions without code", module(TYPE_VOID, ONE_FUNC),
                        "function and code section have inconsistent lengths"),
                new Bad("data count mismatch", module(section(12, "01")),
                        "data count and data section have inconsistent lengths"),
                new Bad("data.drop without data count", module(TYPE_VOID, ONE_FUNC, code("00 fc 09 00 0b"),
                        section(11, "01 01 00")), "data count section required"),
                new Bad("too many locals", module(TYPE_VOID, ONE_FUNC, code("02 ff ff ff ff 0f 7f 01 7e 0b")),
                        "too many locals"),
                new Bad("bad UTF-8 in import", module(section(2, "01 01 80 00 00 00")), "malformed UTF-8 encoding"),
                new Bad("import kind 5", module(section(2, "01 00 00 05 00")), "malformed import kind"),
                new Bad("export kind 5", module(section(7, "01 00 05 00")), "malformed export kind"),
                new Bad("illegal opcode", module(TYPE_VOID, ONE_FUNC, code("00 27 0b")), "illegal opcode 27"),
                new Bad("illegal SIMD opcode", module(TYPE_VOID, ONE_FUNC, code("00 fd 9a 01 0b")), "illegal opcode fd 9a"),
                new Bad("numeric type as table element", module(section(4, "01 7f 00 00")), "malformed reference type"),
                new Bad("unknown value type", module(section(1, "01 60 01 7a 00")), "malformed value type"),
                new Bad("over-long value type", module(section(1, "01 60 01 ff 00")), "integer representation too long"),
                new Bad("unknown heap type", module(TYPE_VOID, ONE_FUNC, code("00 d0 5f 0b")), "malformed heap type"),
                new Bad("unknown composite type", module(section(1, "01 5d")), "malformed composite type"),
                new Bad("else outside if", module(TYPE_VOID, ONE_FUNC, code("00 05 0b")), "END opcode expected"),
                new Bad("catch outside try", module(TYPE_VOID, ONE_FUNC, code("00 02 40 07 00 0b 0b")),
                        "END opcode expected"),
                new Bad("catch after catch_all", module(TYPE_VOID, ONE_FUNC, code("00 06 40 19 07 00 0b 0b")),
                        "END opcode expected"),
                new Bad("missing end", module(TYPE_VOID, ONE_FUNC, code("00 01")), ByteReader.UNEXPECTED_END),
                new Bad("atomic.fence without zero byte", module(TYPE_VOID, ONE_FUNC, code("00 fe 03 01 0b")),
                        "zero byte expected"),
                new Bad("table limits flags", module(section(4, "01 70 02 00")), "malformed limits flags"),
                new Bad("memory limits flags", module(section(5, "01 10 00")), "malformed limits flags"),
                new Bad("mutability 2", module(section(6, "01 7f 02 41 00 0b")), "malformed mutability"),
                new Bad("memarg flags", module(TYPE_VOID, ONE_FUNC, code("00 28 80 01 00 0b")), "malformed memop flags"),
                new Bad("memarg offset beyond u64", module(TYPE_VOID, ONE_FUNC,
                        code("00 28 02 ff ff ff ff ff ff ff ff ff 02 0b")), "integer too large"),
                new Bad("i32.const too large", module(TYPE_VOID, ONE_FUNC, code("00 41 80 80 80 80 10 0b")),
                        "integer too large"),
                new Bad("element segment kind 8", module(section(9, "01 08")), "malformed elements segment kind"),
                new Bad("element kind 1", module(section(9, "01 01 01 00")), "malformed element kind"),
                new Bad("data segment kind 3", module(section(11, "01 03")), "malformed data segment kind"),
                new Bad("cast flags 4", module(TYPE_VOID, ONE_FUNC, code("00 fb 18 04 00 6e 6e 0b")),
                        "malformed cast flags"),
                new Bad("catch kind 4", module(TYPE_VOID, ONE_FUNC, code("00 1f 40 01 04 00 0b 0b")),
                        "malformed catch clause"),
                new Bad("tag attribute 1", module(TYPE_VOID, section(13, "01 01 00")), "malformed tag attribute"),
                new Bad("page size 2^65", module(section(5, "01 08 00 41")), "invalid custom page size"),
                new Bad("table init without zero byte", module(section(4, "01 40 01 70 00 0b")), "zero byte expected"),
                new Bad("custom section name beyond section", module("00 01 05 61 62 63 64 65"), "unexpected end"),
                new Bad("vector count beyond input", module(section(1, "ff ff 03")), "length out of bounds"));
    }

    @TestFactory
    Stream<DynamicTest> malformedInputsReportTheSpecWording() {
        return malformedCases().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Throwable t = catchThrowable(() -> BinaryReader.read(c.bytes()));
            assertThat(t).isInstanceOf(MalformedException.class);
            MalformedException e = (MalformedException) t;
            assertThat(e.reason()).startsWith(c.reason());
            assertThat(e.offset()).isBetween(0L, (long) c.bytes().length);
        }));
    }

    @Test
    void errorOffsetPointsAtTheProblem() {
        byte[] bytes = module(TYPE_VOID, ONE_FUNC, code("00 01 27 0b"));
        MalformedException e = (MalformedException) catchThrowable(() -> BinaryReader.read(bytes));
        assertThat(bytes[(int) e.offset()]).isEqualTo((byte) 0x27);
        assertThat(e.getMessage()).contains("at offset " + e.offset());
    }

    @Test
    void nameSubsectionIdsAreTheDocumentedOnes() {
        assertThat(Map.of(NameSection.LOCALS, 2, NameSection.FIELDS, 10, NameSection.TAGS, 11))
                .allSatisfy((k, v) -> assertThat(k).isEqualTo(v));
    }
}
