package dev.basalt.testkit;

import dev.basalt.component.ComponentValue;
import dev.basalt.wasm.wast.WastValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Converts between the component values of WAST scripts ({@link WastValue}: {@code (u32.const 1)},
 * {@code (str.const "s")}, {@code (record.const ...)}, ...) and the runtime's dynamic {@link ComponentValue}s.
 */
final class ComponentValues {
    private ComponentValues() {
    }

    /** A script literal as a runtime value; core-only literals (i32.const, refs) are rejected. */
    static ComponentValue toRuntime(WastValue v) {
        return switch (v) {
            case WastValue.Bool b -> ComponentValue.bool(b.value());
            case WastValue.Int i -> switch (i.type()) {
                case S8 -> ComponentValue.s8((int) i.value());
                case U8 -> ComponentValue.u8((int) i.value());
                case S16 -> ComponentValue.s16((int) i.value());
                case U16 -> ComponentValue.u16((int) i.value());
                case S32 -> ComponentValue.s32((int) i.value());
                case U32 -> ComponentValue.u32(i.value());
                case S64 -> ComponentValue.s64(i.value());
                case U64 -> ComponentValue.u64(i.value());
            };
            case WastValue.F32 f -> ComponentValue.f32(Float.intBitsToFloat(f.bits()));
            case WastValue.F64 f -> ComponentValue.f64(Double.longBitsToDouble(f.bits()));
            case WastValue.Char c -> ComponentValue.character(c.codePoint());
            case WastValue.Str s -> ComponentValue.string(s.value());
            case WastValue.ListOf l -> ComponentValue.list(l.elements().stream().map(ComponentValues::toRuntime)
                    .toList());
            case WastValue.TupleOf t -> ComponentValue.tuple(t.elements().stream().map(ComponentValues::toRuntime)
                    .toArray(ComponentValue[]::new));
            case WastValue.RecordOf r -> ComponentValue.record(r.fields().stream()
                    .map(f -> ComponentValue.field(f.name(), toRuntime(f.value())))
                    .toArray(ComponentValue.Field[]::new));
            case WastValue.VariantOf vr -> vr.payload().isPresent()
                    ? ComponentValue.variant(vr.caseName(), toRuntime(vr.payload().get()))
                    : ComponentValue.variant(vr.caseName());
            case WastValue.EnumOf e -> ComponentValue.enumValue(e.caseName());
            case WastValue.OptionOf o -> o.value().isPresent() ? ComponentValue.some(toRuntime(o.value().get()))
                    : ComponentValue.none();
            case WastValue.ResultOf r -> r.ok()
                    ? (r.payload().isPresent() ? ComponentValue.ok(toRuntime(r.payload().get())) : ComponentValue.ok())
                    : (r.payload().isPresent() ? ComponentValue.err(toRuntime(r.payload().get()))
                    : ComponentValue.err());
            case WastValue.FlagsOf fl -> ComponentValue.flags(fl.labels().toArray(String[]::new));
            default -> throw new IllegalArgumentException("not a component value: " + ResultMatcher.describe(v));
        };
    }

    /** A runtime value as a script literal, for comparison with expected results. */
    static WastValue fromRuntime(ComponentValue v) {
        return switch (v) {
            case ComponentValue.Bool b -> new WastValue.Bool(b.value());
            case ComponentValue.S8 i -> new WastValue.Int(WastValue.IntType.S8, i.value());
            case ComponentValue.U8 i -> new WastValue.Int(WastValue.IntType.U8, i.value());
            case ComponentValue.S16 i -> new WastValue.Int(WastValue.IntType.S16, i.value());
            case ComponentValue.U16 i -> new WastValue.Int(WastValue.IntType.U16, i.value());
            case ComponentValue.S32 i -> new WastValue.Int(WastValue.IntType.S32, i.value());
            case ComponentValue.U32 i -> new WastValue.Int(WastValue.IntType.U32, i.value());
            case ComponentValue.S64 i -> new WastValue.Int(WastValue.IntType.S64, i.value());
            case ComponentValue.U64 i -> new WastValue.Int(WastValue.IntType.U64, i.value());
            case ComponentValue.F32 f -> new WastValue.F32(Float.floatToRawIntBits(f.value()));
            case ComponentValue.F64 f -> new WastValue.F64(Double.doubleToRawLongBits(f.value()));
            case ComponentValue.Char c -> new WastValue.Char(c.codePoint());
            case ComponentValue.Str s -> new WastValue.Str(s.value());
            case ComponentValue.ListValue l -> new WastValue.ListOf(all(l.elements()));
            case ComponentValue.TupleValue t -> new WastValue.TupleOf(all(t.elements()));
            case ComponentValue.RecordValue r -> new WastValue.RecordOf(r.fields().stream()
                    .map(f -> new WastValue.Field(f.name(), fromRuntime(f.value()))).toList());
            case ComponentValue.VariantValue vr -> new WastValue.VariantOf(vr.caseName(),
                    vr.payload().map(ComponentValues::fromRuntime));
            case ComponentValue.EnumValue e -> new WastValue.EnumOf(e.label());
            case ComponentValue.OptionValue o -> new WastValue.OptionOf(o.value().map(ComponentValues::fromRuntime));
            case ComponentValue.ResultValue r -> new WastValue.ResultOf(r.ok(),
                    r.payload().map(ComponentValues::fromRuntime));
            case ComponentValue.FlagsValue f -> new WastValue.FlagsOf(List.copyOf(f.labels()));
            case ComponentValue.Own o -> throw new IllegalArgumentException("an own handle has no WAST literal: " + o);
            case ComponentValue.Borrow b -> throw new IllegalArgumentException("a borrow handle has no WAST literal: "
                    + b);
            case ComponentValue.AsyncEnd e -> throw new IllegalArgumentException("a stream or future has no WAST "
                    + "literal: " + e);
            case ComponentValue.ErrorContext e -> throw new IllegalArgumentException("an error-context has no WAST "
                    + "literal: " + e);
        };
    }

    private static List<WastValue> all(List<ComponentValue> values) {
        List<WastValue> out = new ArrayList<>(values.size());
        for (ComponentValue v : values) {
            out.add(fromRuntime(v));
        }
        return out;
    }

    /**
     * Whether an actual value is the expected one: structurally equal, with flags compared as sets and floats by
     * bits (any NaN matches a NaN, since lifting canonicalises NaNs).
     */
    static boolean matches(WastValue expected, WastValue actual) {
        return switch (expected) {
            case WastValue.FlagsOf e -> actual instanceof WastValue.FlagsOf a
                    && new LinkedHashSet<>(e.labels()).equals(new LinkedHashSet<>(a.labels()));
            case WastValue.F32 e -> actual instanceof WastValue.F32 a && (e.bits() == a.bits()
                    || Float.isNaN(Float.intBitsToFloat(e.bits())) && Float.isNaN(Float.intBitsToFloat(a.bits())));
            case WastValue.F64 e -> actual instanceof WastValue.F64 a && (e.bits() == a.bits()
                    || Double.isNaN(Double.longBitsToDouble(e.bits())) && Double.isNaN(Double.longBitsToDouble(a.bits())));
            case WastValue.ListOf e -> actual instanceof WastValue.ListOf a && allMatch(e.elements(), a.elements());
            case WastValue.TupleOf e -> actual instanceof WastValue.TupleOf a && allMatch(e.elements(), a.elements());
            case WastValue.RecordOf e -> actual instanceof WastValue.RecordOf a && e.fields().size() == a.fields().size()
                    && java.util.stream.IntStream.range(0, e.fields().size()).allMatch(i ->
                    e.fields().get(i).name().equals(a.fields().get(i).name())
                            && matches(e.fields().get(i).value(), a.fields().get(i).value()));
            case WastValue.VariantOf e -> actual instanceof WastValue.VariantOf a && e.caseName().equals(a.caseName())
                    && optionalMatch(e.payload(), a.payload());
            case WastValue.OptionOf e -> actual instanceof WastValue.OptionOf a && optionalMatch(e.value(), a.value());
            case WastValue.ResultOf e -> actual instanceof WastValue.ResultOf a && e.ok() == a.ok()
                    && optionalMatch(e.payload(), a.payload());
            default -> expected.equals(actual);
        };
    }

    private static boolean allMatch(List<WastValue> expected, List<WastValue> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!matches(expected.get(i), actual.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean optionalMatch(java.util.Optional<WastValue> expected, java.util.Optional<WastValue> actual) {
        return expected.isPresent() == actual.isPresent() && (expected.isEmpty()
                || matches(expected.get(), actual.get()));
    }
}
