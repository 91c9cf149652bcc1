package dev.basalt.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.text.WatParser;
import dev.basalt.wasm.validate.Validator;
import org.junit.jupiter.api.Test;

/** Switching a feature off makes the parser or validator reject exactly what the feature adds. */
class FeaturesTest {
    private static final Features BASELINE = Features.threadsProposalBaseline();

    @Test
    void wasm3HasEveryFeature() {
        for (Features.Feature f : Features.Feature.values()) {
            assertThat(Features.wasm3().has(f)).as(f.name()).isTrue();
        }
        assertThat(BASELINE.has(Features.Feature.MULTI_MEMORY)).isFalse();
    }

    @Test
    void multipleMemoriesNeedMultiMemory() {
        WasmModule m = WatParser.parseModule("(module (memory 1) (memory 1))");
        assertThatCode(() -> Validator.validate(m)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Validator.validate(m, BASELINE))
                .isInstanceOfSatisfying(InvalidException.class, e -> assertThat(e.reason()).startsWith("multiple memories"));
        WasmModule imported = WatParser.parseModule("(module (import \"a\" \"m\" (memory 1)) (memory 1))");
        assertThatThrownBy(() -> Validator.validate(imported, BASELINE)).isInstanceOf(InvalidException.class);
    }

    @Test
    void multipleTablesNeedMultiTable() {
        WasmModule m = WatParser.parseModule("(module (import \"a\" \"t\" (table 1 funcref)) (table 1 funcref))");
        assertThatCode(() -> Validator.validate(m)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Validator.validate(m, BASELINE))
                .isInstanceOfSatisfying(InvalidException.class, e -> assertThat(e.reason()).startsWith("multiple tables"));
    }

    @Test
    void memory64GovernsAddressTypesAndTextLimits() {
        WasmModule m = WatParser.parseModule("(module (memory i64 1))");
        assertThatCode(() -> Validator.validate(m)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Validator.validate(m, BASELINE)).isInstanceOf(InvalidException.class);
        // Wasm 3.0 parses u64 limits and leaves the size check to the validator; before memory64 they are malformed.
        assertThatCode(() -> WatParser.parseModule("(module (memory 0x1_0000_0000))")).doesNotThrowAnyException();
        assertThatThrownBy(() -> WatParser.parseModule("(module (memory 0 0x1_0000_0000))", BASELINE))
                .isInstanceOfSatisfying(MalformedException.class,
                        e -> assertThat(e.reason()).startsWith("i32 constant out of range"));
    }
}
