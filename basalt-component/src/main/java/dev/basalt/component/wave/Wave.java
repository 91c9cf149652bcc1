package dev.basalt.component.wave;

import dev.basalt.component.ComponentValue;
import dev.basalt.component.ValueType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes component values in WAVE text.
 *
 * <pre>{@code
 * ValueType t = ValueType.list(ValueType.option(ValueType.STRING));
 * ComponentValue v = Wave.parse("[some(\"a\"), none, \"flat some\"]", t);
 * String text = Wave.print(v, t);                       // [some("a"), none, some("flat some")]
 * Wave.Call call = Wave.parseCall("greet(\"Basalt\", 3)");
 * List<ComponentValue> args = call.arguments(List.of(ValueType.STRING, ValueType.U8));
 * }</pre>
 *
 * <p>As in wasm-wave: an option may be written as its payload ("flat some") unless the payload is itself an option
 * or a result, a result as its ok payload ("flat ok"); record fields of option type may be left out (they are
 * {@code none}) and {@code {:}} is a record with every field left out; labels that are WAVE keywords ({@code true},
 * {@code false}, {@code nan}, {@code inf}, {@code some}, {@code none}, {@code ok}, {@code err}) are written with a
 * {@code %} prefix. Printing always writes options and results explicitly and every record field.
 */
public final class Wave {
    private static final Set<String> KEYWORDS = Set.of("true", "false", "nan", "inf", "some", "none", "ok", "err");

    private Wave() {
    }

    /** An invocation {@code name(args...)} whose arguments are typed once the function's parameters are known. */
    public static final class Call {
        private final String name;
        private final List<WaveSyntax> args;

        Call(String name, List<WaveSyntax> args) {
            this.name = name;
            this.args = List.copyOf(args);
        }

        /** The function name as written before the parenthesis. */
        public String name() {
            return name;
        }

        public int argumentCount() {
            return args.size();
        }

        /** The arguments read as {@code types}; the count must match. */
        public List<ComponentValue> arguments(List<ValueType> types) {
            if (types.size() != args.size()) {
                throw new WaveException(name + " takes " + types.size() + " argument" + (types.size() == 1 ? "" : "s")
                        + ", " + args.size() + " given");
            }
            List<ComponentValue> out = new ArrayList<>(args.size());
            for (int i = 0; i < args.size(); i++) {
                out.add(toValue(args.get(i), types.get(i)));
            }
            return out;
        }
    }

    /** Parses {@code text} as one value of {@code type}. */
    public static ComponentValue parse(String text, ValueType type) {
        return toValue(new WaveParser(text).parseValueOnly(), type);
    }

    /** Parses an invocation {@code name(arg, ...)}, e.g. the argument of {@code basalt run --invoke}. */
    public static Call parseCall(String text) {
        return new WaveParser(text).parseCall();
    }

    static ComponentValue toValue(WaveSyntax s, ValueType type) {
        return switch (type) {
            case ValueType.Primitive p -> primitive(s, p);
            case ValueType.ListType l -> {
                WaveSyntax.ListOf list = expect(s, WaveSyntax.ListOf.class, type);
                if (l.length().isPresent() && l.length().getAsInt() != list.elements().size()) {
                    throw mismatch(s, "a list of exactly " + l.length().getAsInt() + " elements, got "
                            + list.elements().size());
                }
                List<ComponentValue> out = new ArrayList<>(list.elements().size());
                list.elements().forEach(e -> out.add(toValue(e, l.element())));
                yield ComponentValue.list(out);
            }
            case ValueType.TupleType t -> {
                WaveSyntax.Tuple tuple = expect(s, WaveSyntax.Tuple.class, type);
                if (tuple.elements().size() != t.types().size()) {
                    throw mismatch(s, "a tuple of " + t.types().size() + " values, got " + tuple.elements().size());
                }
                List<ComponentValue> out = new ArrayList<>();
                for (int i = 0; i < t.types().size(); i++) {
                    out.add(toValue(tuple.elements().get(i), t.types().get(i)));
                }
                yield new ComponentValue.TupleValue(out);
            }
            case ValueType.RecordType r -> record(s, r);
            case ValueType.VariantType v -> {
                WaveSyntax.Label label = expect(s, WaveSyntax.Label.class, type);
                int index = v.indexOf(label.name());
                if (index < 0) {
                    throw mismatch(s, "unknown case " + label.name() + " (cases: " + v.cases().stream()
                            .map(ValueType.Case::name).toList() + ")");
                }
                Optional<ValueType> payloadType = v.cases().get(index).type();
                if (payloadType.isPresent() != label.payload().isPresent()) {
                    throw mismatch(s, "case " + label.name() + (payloadType.isPresent() ? " needs a payload"
                            : " has no payload"));
                }
                yield new ComponentValue.VariantValue(label.name(),
                        payloadType.map(pt -> toValue(label.payload().get(), pt)));
            }
            case ValueType.EnumType e -> {
                WaveSyntax.Label label = expect(s, WaveSyntax.Label.class, type);
                if (label.payload().isPresent() || !e.labels().contains(label.name())) {
                    throw mismatch(s, "unknown case " + label.name() + " (cases: " + e.labels() + ")");
                }
                yield ComponentValue.enumValue(label.name());
            }
            case ValueType.OptionType o -> switch (s) {
                case WaveSyntax.None n -> ComponentValue.none();
                case WaveSyntax.Some some -> ComponentValue.some(toValue(some.value(), o.type()));
                default -> {
                    if (o.type() instanceof ValueType.OptionType || o.type() instanceof ValueType.ResultType) {
                        throw mismatch(s, "some(...) or none: a nested option or result cannot be written flat");
                    }
                    yield ComponentValue.some(toValue(s, o.type()));
                }
            };
            case ValueType.ResultType r -> {
                if (s instanceof WaveSyntax.ResultOf res) {
                    Optional<ValueType> side = res.ok() ? r.ok() : r.error();
                    String which = res.ok() ? "ok" : "err";
                    if (side.isPresent() != res.payload().isPresent()) {
                        throw mismatch(s, which + (side.isPresent() ? " needs a payload" : " has no payload"));
                    }
                    Optional<ComponentValue> payload = side.map(t -> toValue(res.payload().get(), t));
                    yield new ComponentValue.ResultValue(res.ok(), payload);
                }
                if (r.ok().isEmpty()) {
                    throw mismatch(s, "ok or err");
                }
                yield ComponentValue.ok(toValue(s, r.ok().get()));
            }
            case ValueType.FlagsType f -> {
                WaveSyntax.Flags flags = expect(s, WaveSyntax.Flags.class, type);
                Set<String> seen = new LinkedHashSet<>();
                for (String label : flags.labels()) {
                    if (!f.labels().contains(label)) {
                        throw mismatch(s, "unknown flag " + label + " (flags: " + f.labels() + ")");
                    }
                    if (!seen.add(label)) {
                        throw mismatch(s, "duplicate flag " + label);
                    }
                }
                yield new ComponentValue.FlagsValue(seen);
            }
            case ValueType.OwnType o -> throw mismatch(s, "a resource handle, which has no WAVE syntax");
            case ValueType.BorrowType b -> throw mismatch(s, "a resource handle, which has no WAVE syntax");
            case ValueType.StreamType st -> throw mismatch(s, "a stream, which has no WAVE syntax");
            case ValueType.FutureType ft -> throw mismatch(s, "a future, which has no WAVE syntax");
        };
    }

    private static ComponentValue record(WaveSyntax s, ValueType.RecordType r) {
        List<WaveSyntax.Field> given = switch (s) {
            case WaveSyntax.RecordOf rec -> rec.fields();
            // `{}` parses as empty flags; a record may not be written that way, only as `{:}`.
            default -> throw mismatch(s, "a record {name: value, ...} (or {:} when every field is an omitted option)");
        };
        Map<String, WaveSyntax.Field> byName = new HashMap<>();
        for (WaveSyntax.Field f : given) {
            if (byName.put(f.name(), f) != null) {
                throw new WaveException("duplicate field " + f.name() + " at offset " + f.offset());
            }
            if (r.fields().stream().noneMatch(t -> t.name().equals(f.name()))) {
                throw new WaveException("unknown field " + f.name() + " at offset " + f.offset());
            }
        }
        List<ComponentValue.Field> out = new ArrayList<>();
        for (ValueType.Field field : r.fields()) {
            WaveSyntax.Field f = byName.get(field.name());
            if (f != null) {
                out.add(ComponentValue.field(field.name(), toValue(f.value(), field.type())));
            } else if (field.type() instanceof ValueType.OptionType) {
                out.add(ComponentValue.field(field.name(), ComponentValue.none()));
            } else {
                throw mismatch(s, "a value for the field " + field.name());
            }
        }
        return new ComponentValue.RecordValue(out);
    }

    private static ComponentValue primitive(WaveSyntax s, ValueType.Primitive p) {
        return switch (p.type()) {
            case BOOL -> ComponentValue.bool(expect(s, WaveSyntax.Bool.class, p).value());
            case S8 -> ComponentValue.s8((int) integer(s, p, -128, 127));
            case U8 -> ComponentValue.u8((int) integer(s, p, 0, 255));
            case S16 -> ComponentValue.s16((int) integer(s, p, Short.MIN_VALUE, Short.MAX_VALUE));
            case U16 -> ComponentValue.u16((int) integer(s, p, 0, 0xffff));
            case S32 -> ComponentValue.s32((int) integer(s, p, Integer.MIN_VALUE, Integer.MAX_VALUE));
            case U32 -> ComponentValue.u32(integer(s, p, 0, 0xffff_ffffL));
            case S64 -> ComponentValue.s64(integer(s, p, Long.MIN_VALUE, Long.MAX_VALUE));
            case U64 -> {
                BigInteger v = bigInteger(s, p);
                if (v.signum() < 0 || v.bitLength() > 64) {
                    throw mismatch(s, "u64 in range 0..18446744073709551615, got " + v);
                }
                yield ComponentValue.u64(v.longValue());
            }
            case F32 -> {
                double d = floating(s, p);
                float f = (float) d;
                if (Float.isInfinite(f) && !Double.isInfinite(d)) {
                    throw mismatch(s, "an f32 in range, got " + ((WaveSyntax.Number) s).text());
                }
                yield ComponentValue.f32(f);
            }
            case F64 -> ComponentValue.f64(floating(s, p));
            case CHAR -> ComponentValue.character(expect(s, WaveSyntax.Char.class, p).codePoint());
            case STRING -> ComponentValue.string(expect(s, WaveSyntax.Str.class, p).value());
            case ERROR_CONTEXT -> throw mismatch(s, "an error-context, which has no WAVE syntax");
        };
    }

    private static long integer(WaveSyntax s, ValueType.Primitive p, long min, long max) {
        BigInteger v = bigInteger(s, p);
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw mismatch(s, p + " in range " + min + ".." + max + ", got " + v);
        }
        return v.longValue();
    }

    private static BigInteger bigInteger(WaveSyntax s, ValueType.Primitive p) {
        String text = expect(s, WaveSyntax.Number.class, p).text();
        if (text.contains(".") || text.contains("e") || text.contains("E") || text.endsWith("inf")
                || text.equals("nan")) {
            throw mismatch(s, "an integer (" + p + "), got " + text);
        }
        if (text.length() > 64) {
            throw mismatch(s, p + ": " + text.length() + " digits is out of range");
        }
        return new BigInteger(text);
    }

    private static double floating(WaveSyntax s, ValueType.Primitive p) {
        String text = expect(s, WaveSyntax.Number.class, p).text();
        return switch (text) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                double d = Double.parseDouble(text);
                if (Double.isInfinite(d)) {
                    throw mismatch(s, "a " + p + " in range, got " + text);
                }
                yield d;
            }
        };
    }

    private static <T extends WaveSyntax> T expect(WaveSyntax s, Class<T> kind, ValueType type) {
        if (!kind.isInstance(s)) {
            throw mismatch(s, "a value of type " + describe(type) + ", got " + describeSyntax(s));
        }
        return kind.cast(s);
    }

    private static WaveException mismatch(WaveSyntax s, String expected) {
        return new WaveException("expected " + expected + " at offset " + s.offset());
    }

    private static String describeSyntax(WaveSyntax s) {
        return switch (s) {
            case WaveSyntax.Bool b -> "a bool";
            case WaveSyntax.Number n -> "the number " + n.text();
            case WaveSyntax.Char c -> "a char";
            case WaveSyntax.Str str -> "a string";
            case WaveSyntax.Tuple t -> "a tuple";
            case WaveSyntax.ListOf l -> "a list";
            case WaveSyntax.RecordOf r -> "a record";
            case WaveSyntax.Flags f -> "flags";
            case WaveSyntax.Label l -> "the label " + l.name();
            case WaveSyntax.Some some -> "some(...)";
            case WaveSyntax.None n -> "none";
            case WaveSyntax.ResultOf r -> r.ok() ? "ok" : "err";
        };
    }

    private static String describe(ValueType type) {
        return switch (type) {
            case ValueType.Primitive p -> p.toString();
            case ValueType.ListType l -> "list<" + describe(l.element()) + ">";
            case ValueType.TupleType t -> "tuple";
            case ValueType.RecordType r -> "record";
            case ValueType.VariantType v -> "variant";
            case ValueType.EnumType e -> "enum";
            case ValueType.OptionType o -> "option<" + describe(o.type()) + ">";
            case ValueType.ResultType r -> "result";
            case ValueType.FlagsType f -> "flags";
            case ValueType.OwnType o -> "own<" + o.resource().name() + ">";
            case ValueType.BorrowType b -> "borrow<" + b.resource().name() + ">";
            case ValueType.StreamType st -> st.toString();
            case ValueType.FutureType ft -> ft.toString();
        };
    }

    /** Prints {@code value} as WAVE text; {@code type} tells how (e.g. which record fields and flags exist). */
    public static String print(ComponentValue value, ValueType type) {
        StringBuilder sb = new StringBuilder();
        print(sb, value, type);
        return sb.toString();
    }

    /** Prints several values as a WAVE argument or result list: {@code (a, b)} is not used for one value. */
    public static String printAll(List<ComponentValue> values, List<ValueType> types) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            print(sb, values.get(i), types.get(i));
        }
        return sb.toString();
    }

    private static void print(StringBuilder sb, ComponentValue value, ValueType type) {
        switch (value) {
            case ComponentValue.Bool b -> sb.append(b.value());
            case ComponentValue.S8 v -> sb.append(v.value());
            case ComponentValue.U8 v -> sb.append(v.value());
            case ComponentValue.S16 v -> sb.append(v.value());
            case ComponentValue.U16 v -> sb.append(v.value());
            case ComponentValue.S32 v -> sb.append(v.value());
            case ComponentValue.U32 v -> sb.append(v.value());
            case ComponentValue.S64 v -> sb.append(v.value());
            case ComponentValue.U64 v -> sb.append(Long.toUnsignedString(v.value()));
            case ComponentValue.F32 v -> sb.append(floatText(v.value(), Float.toString(v.value())));
            case ComponentValue.F64 v -> sb.append(floatText(v.value(), Double.toString(v.value())));
            case ComponentValue.Char c -> quoted(sb, new String(Character.toChars(c.codePoint())), '\'');
            case ComponentValue.Str s -> quoted(sb, s.value(), '"');
            case ComponentValue.ListValue l -> {
                ValueType element = as(type, ValueType.ListType.class, value).element();
                sb.append('[');
                printSequence(sb, l.elements(), i -> element);
                sb.append(']');
            }
            case ComponentValue.TupleValue t -> {
                List<ValueType> types = as(type, ValueType.TupleType.class, value).types();
                sb.append('(');
                printSequence(sb, t.elements(), types::get);
                sb.append(')');
            }
            case ComponentValue.RecordValue r -> {
                ValueType.RecordType rt = as(type, ValueType.RecordType.class, value);
                if (r.fields().isEmpty()) {
                    sb.append("{:}");
                    break;
                }
                sb.append('{');
                for (int i = 0; i < r.fields().size(); i++) {
                    ComponentValue.Field f = r.fields().get(i);
                    sb.append(i > 0 ? ", " : "").append(label(f.name())).append(": ");
                    ValueType ft = rt.fields().stream().filter(x -> x.name().equals(f.name())).findFirst()
                            .orElseThrow(() -> new WaveException("no field " + f.name() + " in the record type"))
                            .type();
                    print(sb, f.value(), ft);
                }
                sb.append('}');
            }
            case ComponentValue.VariantValue v -> {
                ValueType.VariantType vt = as(type, ValueType.VariantType.class, value);
                sb.append(label(v.caseName()));
                if (v.payload().isPresent()) {
                    int index = vt.indexOf(v.caseName());
                    if (index < 0 || vt.cases().get(index).type().isEmpty()) {
                        throw new WaveException("case " + v.caseName() + " has no payload in the variant type");
                    }
                    sb.append('(');
                    print(sb, v.payload().get(), vt.cases().get(index).type().get());
                    sb.append(')');
                }
            }
            case ComponentValue.EnumValue e -> sb.append(label(e.label()));
            case ComponentValue.OptionValue o -> {
                if (o.value().isEmpty()) {
                    sb.append("none");
                } else {
                    sb.append("some(");
                    print(sb, o.value().get(), as(type, ValueType.OptionType.class, value).type());
                    sb.append(')');
                }
            }
            case ComponentValue.ResultValue r -> {
                ValueType.ResultType rt = as(type, ValueType.ResultType.class, value);
                sb.append(r.ok() ? "ok" : "err");
                if (r.payload().isPresent()) {
                    Optional<ValueType> side = r.ok() ? rt.ok() : rt.error();
                    sb.append('(');
                    print(sb, r.payload().get(), side.orElseThrow(
                            () -> new WaveException("the result type has no payload for " + (r.ok() ? "ok" : "err"))));
                    sb.append(')');
                }
            }
            case ComponentValue.FlagsValue f -> {
                List<String> order = as(type, ValueType.FlagsType.class, value).labels();
                sb.append('{');
                boolean first = true;
                for (String label : order) {
                    if (f.labels().contains(label)) {
                        sb.append(first ? "" : ", ").append(label(label));
                        first = false;
                    }
                }
                sb.append('}');
            }
            // Handles have no WAVE syntax; this form is for people reading results, it cannot be parsed back.
            case ComponentValue.Own o -> sb.append("own<").append(o.handle().type().name()).append(">#")
                    .append(o.handle().rep());
            case ComponentValue.Borrow b -> sb.append("borrow<").append(b.handle().type().name()).append(">#")
                    .append(b.handle().rep());
            case ComponentValue.AsyncEnd e -> sb.append(type);
            // nor do error contexts: shown with their debug message as a quoted string
            case ComponentValue.ErrorContext e -> {
                sb.append("error-context(");
                quoted(sb, e.debugMessage(), '"');
                sb.append(')');
            }
        }
    }

    private interface TypeAt {
        ValueType at(int index);
    }

    private static void printSequence(StringBuilder sb, List<ComponentValue> values, TypeAt types) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            print(sb, values.get(i), types.at(i));
        }
    }

    private static <T extends ValueType> T as(ValueType type, Class<T> kind, ComponentValue value) {
        if (!kind.isInstance(type)) {
            throw new WaveException("cannot print " + value + " as " + describe(type));
        }
        return kind.cast(type);
    }

    private static String label(String name) {
        return KEYWORDS.contains(name) ? "%" + name : name;
    }

    /** nan, inf, -inf, or the shortest decimal that reads back as the same float, without an exponent. */
    private static String floatText(double value, String shortest) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0" : "0";
        }
        return new BigDecimal(shortest).stripTrailingZeros().toPlainString();
    }

    private static void quoted(StringBuilder sb, String s, char quote) {
        sb.append(quote);
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (cp == quote) {
                        sb.append('\\').appendCodePoint(cp);
                    } else if (cp < 0x20 || cp == 0x7f) {
                        sb.append("\\u{").append(Integer.toHexString(cp)).append('}');
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        sb.append(quote);
    }
}
