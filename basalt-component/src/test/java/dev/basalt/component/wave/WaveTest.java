package dev.basalt.component.wave;

import static dev.basalt.component.ComponentValue.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.component.ComponentValue;
import dev.basalt.component.ValueType;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WaveTest {
    static final ValueType.RecordType BASIC = ValueType.record(ValueType.field("required", ValueType.U8),
            ValueType.field("optional", ValueType.option(ValueType.U8)));
    static final ValueType.FlagsType PERMISSIONS = ValueType.flags("read", "write");
    static final ValueType.VariantType DURATION = ValueType.variant(ValueType.caseOf("days", ValueType.U32),
            ValueType.caseOf("forever", null), ValueType.caseOf("none", null));

    @Test
    void primitives() {
        assertThat(Wave.parse("true", ValueType.BOOL)).isEqualTo(ComponentValue.bool(true));
        assertThat(Wave.parse(" -128 ", ValueType.S8)).isEqualTo(ComponentValue.s8(-128));
        assertThat(Wave.parse("18446744073709551615", ValueType.U64)).isEqualTo(ComponentValue.u64(-1L));
        assertThat(Wave.parse("6.022e+23", ValueType.F64)).isEqualTo(ComponentValue.f64(6.022e23));
        assertThat(Wave.parse("-inf", ValueType.F32)).isEqualTo(ComponentValue.f32(Float.NEGATIVE_INFINITY));
        assertThat(Wave.parse("nan", ValueType.F64)).isEqualTo(ComponentValue.f64(Double.NaN));
        assertThat(Wave.parse("'\\u{1F44B}'", ValueType.CHAR)).isEqualTo(ComponentValue.character(0x1F44B));
        assertThat(Wave.parse("'\\''", ValueType.CHAR)).isEqualTo(ComponentValue.character('\''));
        assertThat(Wave.parse("\"abc\\t123 \\\"q\\\" ☃\"", ValueType.STRING))
                .isEqualTo(ComponentValue.string("abc\t123 \"q\" ☃"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "256|u8|expected u8 in range 0..255, got 256 at offset 0",
        "-1|u32|expected u32 in range 0..4294967295, got -1",
        "1.5|s32|expected an integer (s32), got 1.5",
        "1e39|f32|expected an f32 in range, got 1e39",
        "\"x\"|bool|expected a value of type bool, got a string at offset 0",
        "'ab'|char|a char literal holds exactly one character at offset 0",
        "\"abc|string|unterminated string at offset 0",
        "'\\u{d800}'|char|\\u{d800} is not a Unicode scalar value",
        "'\\q'|char|unknown escape \\q",
        "1 2|u8|unexpected '2' after the value at offset 2",
        "|u8|unexpected end of input, expected a value",
    })
    void badPrimitives(String text, String type, String message) {
        ValueType t = switch (type) {
            case "u8" -> ValueType.U8;
            case "u32" -> ValueType.U32;
            case "s32" -> ValueType.S32;
            case "f32" -> ValueType.F32;
            case "bool" -> ValueType.BOOL;
            case "char" -> ValueType.CHAR;
            default -> ValueType.STRING;
        };
        assertThatThrownBy(() -> Wave.parse(text == null ? "" : text, t)).isInstanceOf(WaveException.class)
                .hasMessageContaining(message);
    }

    @Test
    void compoundValuesAndTheirFlatForms() {
        ValueType opts = ValueType.list(ValueType.option(ValueType.STRING));
        assertThat(Wave.parse("[some(\"a\"), none, \"flat some\",]", opts)).isEqualTo(ComponentValue.list(
                ComponentValue.some(ComponentValue.string("a")), ComponentValue.none(),
                ComponentValue.some(ComponentValue.string("flat some"))));

        ValueType result = ValueType.result(ValueType.STRING, ValueType.U8);
        assertThat(Wave.parse("\"flat ok\"", result)).isEqualTo(ComponentValue.ok(ComponentValue.string("flat ok")));
        assertThat(Wave.parse("err(7)", result)).isEqualTo(ComponentValue.err(ComponentValue.u8(7)));
        assertThat(Wave.parse("ok", ValueType.result(null, null))).isEqualTo(ComponentValue.ok());

        assertThat(Wave.parse("(\"abc\", 123)", ValueType.tuple(ValueType.STRING, ValueType.S32)))
                .isEqualTo(ComponentValue.tuple(ComponentValue.string("abc"), ComponentValue.s32(123)));

        assertThat(Wave.parse("{ optional: some(2), required: 1, }", BASIC)).isEqualTo(ComponentValue.record(
                field("required", ComponentValue.u8(1)), field("optional", ComponentValue.some(ComponentValue.u8(2)))));
        assertThat(Wave.parse("{required: 1}", BASIC)).isEqualTo(ComponentValue.record(
                field("required", ComponentValue.u8(1)), field("optional", ComponentValue.none())));
        ValueType allOptional = ValueType.record(ValueType.field("a", ValueType.option(ValueType.U8)));
        assertThat(Wave.parse("{ : }", allOptional)).isEqualTo(ComponentValue.record(
                field("a", ComponentValue.none())));

        assertThat(Wave.parse("days(30)", DURATION)).isEqualTo(ComponentValue.variant("days", ComponentValue.u32(30)));
        assertThat(Wave.parse("forever", DURATION)).isEqualTo(ComponentValue.variant("forever"));
        assertThat(Wave.parse("%none", DURATION)).isEqualTo(ComponentValue.variant("none"));
        assertThat(Wave.parse("{write, read}", PERMISSIONS)).isEqualTo(ComponentValue.flags("read", "write"));
        assertThat(Wave.parse("{}", PERMISSIONS)).isEqualTo(ComponentValue.flags());
        assertThat(Wave.parse("south", ValueType.enumOf("north", "south"))).isEqualTo(ComponentValue.enumValue("south"));

        ValueType fixed = new ValueType.ListType(ValueType.U8, OptionalInt.of(2));
        assertThat(Wave.parse("[1, 2]", fixed)).isEqualTo(ComponentValue.list(ComponentValue.u8(1), ComponentValue.u8(2)));
        assertThatThrownBy(() -> Wave.parse("[1]", fixed)).hasMessageContaining("exactly 2 elements, got 1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{required: 1, required: 2}|duplicate field required",
        "{required: 1, extra: 2}|unknown field extra",
        "{optional: none}|expected a value for the field required",
        "{}|expected a record",
    })
    void badRecords(String text, String message) {
        assertThatThrownBy(() -> Wave.parse(text, BASIC)).isInstanceOf(WaveException.class)
                .hasMessageContaining(message);
    }

    @Test
    void badCompoundValues() {
        assertThatThrownBy(() -> Wave.parse("{read, read}", PERMISSIONS)).hasMessageContaining("duplicate flag read");
        assertThatThrownBy(() -> Wave.parse("{execute}", PERMISSIONS)).hasMessageContaining("unknown flag execute");
        assertThatThrownBy(() -> Wave.parse("weeks(2)", DURATION)).hasMessageContaining("unknown case weeks");
        assertThatThrownBy(() -> Wave.parse("days", DURATION)).hasMessageContaining("case days needs a payload");
        assertThatThrownBy(() -> Wave.parse("1", ValueType.option(ValueType.option(ValueType.U8))))
                .hasMessageContaining("a nested option or result cannot be written flat");
        assertThatThrownBy(() -> Wave.parse("(1, 2", ValueType.tuple(ValueType.U8, ValueType.U8)))
                .hasMessageContaining("expected ',' or ')'");
        assertThatThrownBy(() -> Wave.parse("[1, 2]", ValueType.tuple(ValueType.U8, ValueType.U8)))
                .hasMessageContaining("expected a value of type tuple, got a list");
    }

    @Test
    void hostileNestingIsAnErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000);
        assertThatThrownBy(() -> Wave.parse(deep, ValueType.U8)).isInstanceOf(WaveException.class)
                .hasMessageContaining("nested deeper than");
    }

    @Test
    void commentsAndMultilineStrings() {
        assertThat(Wave.parse("[1, // one\n 2]", ValueType.list(ValueType.U8)))
                .isEqualTo(ComponentValue.list(ComponentValue.u8(1), ComponentValue.u8(2)));
        String text = "\"\"\"\n    first\n      second \\u{41}\n    \"\"\"";
        assertThat(Wave.parse(text, ValueType.STRING)).isEqualTo(ComponentValue.string("first\n  second A"));
        assertThatThrownBy(() -> Wave.parse("\"\"\"x\"\"\"", ValueType.STRING))
                .hasMessageContaining("must start with a line break");
    }

    @Test
    void printingReadsBackToTheSameValue() {
        ValueType type = ValueType.tuple(BASIC, PERMISSIONS, DURATION, ValueType.list(ValueType.F32),
                ValueType.option(ValueType.STRING), ValueType.result(ValueType.CHAR, null), ValueType.U64);
        ComponentValue value = ComponentValue.tuple(
                ComponentValue.record(field("required", ComponentValue.u8(1)), field("optional", ComponentValue.none())),
                ComponentValue.flags("write"), ComponentValue.variant("none"),
                ComponentValue.list(ComponentValue.f32(1.5f), ComponentValue.f32(Float.NaN),
                        ComponentValue.f32(-0.0f), ComponentValue.f32(1e10f), ComponentValue.f32(Float.POSITIVE_INFINITY)),
                ComponentValue.some(ComponentValue.string("tab\there \"quoted\" \u0001")),
                ComponentValue.err(), ComponentValue.u64(-1L));
        String text = Wave.print(value, type);
        assertThat(text).isEqualTo("({required: 1, optional: none}, {write}, %none, [1.5, nan, -0, 10000000000, inf], "
                + "some(\"tab\\there \\\"quoted\\\" \\u{1}\"), err, 18446744073709551615)");
        assertThat(Wave.parse(text, type)).isEqualTo(value);
    }

    @Test
    void calls() {
        Wave.Call call = Wave.parseCall("  greet(\"Basalt\", [1, 2], ) ");
        assertThat(call.name()).isEqualTo("greet");
        assertThat(call.arguments(List.of(ValueType.STRING, ValueType.list(ValueType.U16))))
                .containsExactly(ComponentValue.string("Basalt"),
                        ComponentValue.list(ComponentValue.u16(1), ComponentValue.u16(2)));
        assertThat(Wave.parseCall("wasi:cli/run@0.2.0#run()").name()).isEqualTo("wasi:cli/run@0.2.0#run");
        assertThatThrownBy(() -> Wave.parseCall("greet(1)").arguments(List.of()))
                .hasMessageContaining("greet takes 0 arguments, 1 given");
        assertThatThrownBy(() -> Wave.parseCall("greet")).hasMessageContaining("expected '(' after the function name");
        assertThatThrownBy(() -> Wave.parseCall("greet() x")).hasMessageContaining("unexpected 'x'");
    }
}
