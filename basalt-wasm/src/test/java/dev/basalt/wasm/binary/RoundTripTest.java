package dev.basalt.wasm.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.WasmModule;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundTripTest {

    @Test
    void kitchenSinkSurvivesWriteAndRead() {
        WasmModule module = SampleModules.kitchenSink();
        byte[] bytes = BinaryWriter.write(module);
        WasmModule back = BinaryReader.read(bytes);
        assertThat(back.recGroups()).isEqualTo(module.recGroups());
        assertThat(back.imports()).isEqualTo(module.imports());
        assertThat(back.functions()).isEqualTo(module.functions());
        assertThat(back.elements()).isEqualTo(module.elements());
        assertThat(back.customSections()).isEqualTo(module.customSections());
        assertThat(back.names()).isEqualTo(module.names());
        assertThat(back).isEqualTo(module);
        // canonical: writing the decoded module again gives the same bytes
        assertThat(BinaryWriter.write(back)).isEqualTo(bytes);
    }

    @Test
    void theSampleBodyCoversEveryOpcodeAndEveryImmediateKind() {
        Expression body = SampleModules.everyOpcode();
        Set<Opcode> seen = EnumSet.noneOf(Opcode.class);
        Set<Opcode.Imm> kinds = EnumSet.noneOf(Opcode.Imm.class);
        for (Instruction i : body.instructions()) {
            seen.add(i.opcode());
            kinds.add(i.opcode().imm());
        }
        assertThat(seen).containsExactlyInAnyOrder(Opcode.values());
        assertThat(kinds).containsExactlyInAnyOrder(Opcode.Imm.values());
    }

    @Test
    void decodedOffsetsPointAtTheOpcodeBytes() {
        byte[] bytes = BinaryWriter.write(SampleModules.kitchenSink());
        Expression body = BinaryReader.read(bytes).functions().get(1).body();
        for (int i = 0; i < body.instructions().size(); i++) {
            Opcode op = body.instructions().get(i).opcode();
            int at = body.offsetOf(i);
            assertThat(bytes[at] & 0xFF).as("instruction %d (%s)", i, op)
                    .isEqualTo(op.prefix() == 0 ? op.code() : op.prefix());
        }
    }

    @Test
    void customSectionsWithAnUnknownPlaceGoLast() {
        WasmModule m = new WasmModule(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), OptionalInt.empty(), List.of(), OptionalInt.empty(), List.of(),
                List.of(new CustomSection("end", new byte[] {7}, 127), new CustomSection("start", new byte[0], 0)),
                Optional.empty());
        byte[] bytes = BinaryWriter.write(m);
        assertThat(BinaryReader.read(bytes).customSections()).extracting(CustomSection::name)
                .containsExactly("start", "end");
    }

    @Test
    void unencodableImmediatesAreRejected() {
        assertThatThrownBy(() -> BinaryWriter.instruction(new ByteWriter(),
                new Instruction.Lane(Opcode.I8X16_EXTRACT_LANE_S, 256)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lane");
        assertThatThrownBy(() -> BinaryWriter.instruction(new ByteWriter(),
                new Instruction.Memory(Opcode.I32_LOAD, new MemArg(64, 0, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alignment");
    }

    @Test
    void emptySectionsThatAnchorCustomSectionsAreKept() {
        byte[] bytes = Bytes.module(Bytes.section(3, "00"), Bytes.section(0, "01 78"));
        WasmModule m = BinaryReader.read(bytes);
        assertThat(m.customSections().get(0).precedingSectionId()).isEqualTo(3);
        assertThat(BinaryWriter.write(m)).isEqualTo(bytes);
    }
}
