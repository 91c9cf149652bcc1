package dev.basalt.testkit;

import dev.basalt.wasm.NumType;
import dev.basalt.wasm.V128;
import dev.basalt.wasm.wast.WastResult;
import dev.basalt.wasm.wast.WastValue;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Matches the values an action produced against {@code assert_return}'s expected results, as the spec interpreter
 * does: floats bit for bit, {@code nan:canonical}/{@code nan:arithmetic} for f32, f64 and per v128 lane,
 * {@code (either ...)}, and reference patterns by kind ({@code (ref.eq)} matches i31, struct and array references,
 * {@code (ref.any)} any non-null internal reference, {@code (ref.null)} every null).
 */
public final class ResultMatcher {
    private static final int F32_CANONICAL_NAN = 0x7fc0_0000;
    private static final long F64_CANONICAL_NAN = 0x7ff8_0000_0000_0000L;

    private ResultMatcher() {
    }

    /** Why {@code actual} does not match {@code expected}, or empty if it does. */
    public static Optional<String> mismatch(List<WastResult> expected, List<Value> actual) {
        if (expected.size() == 1 && expected.get(0) instanceof WastResult.Either either && actual.size() != 1) {
            // an either over whole result lists
            for (List<WastResult> alternative : either.alternatives()) {
                if (mismatch(alternative, actual).isEmpty()) {
                    return Optional.empty();
                }
            }
            return Optional.of("expected " + describeResults(expected) + ", got " + describeValues(actual));
        }
        if (expected.size() != actual.size()) {
            return Optional.of("expected " + expected.size() + " result(s) " + describeResults(expected) + ", got "
                    + actual.size() + " " + describeValues(actual));
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!matches(expected.get(i), actual.get(i))) {
                return Optional.of("result " + i + ": expected " + describe(expected.get(i)) + ", got "
                        + describe(actual.get(i)) + (expected.size() > 1
                        ? " (all: expected " + describeResults(expected) + ", got " + describeValues(actual) + ")"
                        : ""));
            }
        }
        return Optional.empty();
    }

    /** Whether one value matches one expected result. */
    public static boolean matches(WastResult expected, Value actual) {
        return switch (expected) {
            case WastResult.Exact e -> matchesExact(e.value(), actual);
            case WastResult.Nan n -> switch (n.type()) {
                case F32 -> actual instanceof Value.F32 f && isNan32(f.bits(), n.canonical());
                case F64 -> actual instanceof Value.F64 f && isNan64(f.bits(), n.canonical());
                default -> false;
            };
            case WastResult.VecLanes v -> actual instanceof Value.Vec vec && matchesLanes(v, vec.value());
            case WastResult.RefNull ignored -> actual instanceof Value.Null;
            case WastResult.RefKind k -> actual instanceof Value.Ref r && kindsMatchedBy(k.kind()).contains(r.kind());
            case WastResult.RefHostId h -> actual instanceof Value.Ref r
                    && r.kind() == hostKind(h.kind())
                    && r.hostId().isPresent() && r.hostId().getAsLong() == h.id();
            case WastResult.Either either -> either.alternatives().stream()
                    .anyMatch(alt -> alt.size() == 1 && matches(alt.get(0), actual));
        };
    }

    private static boolean matchesExact(WastValue expected, Value actual) {
        return switch (expected) {
            case WastValue.I32 i -> actual instanceof Value.I32 a && a.value() == i.value();
            case WastValue.I64 i -> actual instanceof Value.I64 a && a.value() == i.value();
            case WastValue.F32 f -> actual instanceof Value.F32 a && a.bits() == f.bits();
            case WastValue.F64 f -> actual instanceof Value.F64 a && a.bits() == f.bits();
            case WastValue.Vec v -> actual instanceof Value.Vec a && a.value().equals(v.value());
            case WastValue.RefNull ignored -> actual instanceof Value.Null;
            case WastValue.RefExtern e -> actual instanceof Value.Ref r && r.kind() == Value.RefKind.EXTERN
                    && r.hostId().isPresent() && r.hostId().getAsLong() == e.id();
            case WastValue.RefHost h -> actual instanceof Value.Ref r && r.kind() == Value.RefKind.HOST
                    && r.hostId().isPresent() && r.hostId().getAsLong() == h.id();
            // component values are never results of a core module
            default -> false;
        };
    }

    /** The concrete reference kinds a {@code (ref.KIND)} pattern accepts, following the abstract heap types' subtyping. */
    static Set<Value.RefKind> kindsMatchedBy(String kind) {
        return switch (kind) {
            case "func" -> EnumSet.of(Value.RefKind.FUNC);
            case "extern" -> EnumSet.of(Value.RefKind.EXTERN);
            case "exn" -> EnumSet.of(Value.RefKind.EXN);
            case "struct" -> EnumSet.of(Value.RefKind.STRUCT);
            case "array" -> EnumSet.of(Value.RefKind.ARRAY);
            case "i31" -> EnumSet.of(Value.RefKind.I31);
            case "host" -> EnumSet.of(Value.RefKind.HOST);
            case "eq" -> EnumSet.of(Value.RefKind.I31, Value.RefKind.STRUCT, Value.RefKind.ARRAY);
            case "any" -> EnumSet.of(Value.RefKind.I31, Value.RefKind.STRUCT, Value.RefKind.ARRAY, Value.RefKind.HOST);
            default -> EnumSet.noneOf(Value.RefKind.class);
        };
    }

    private static Value.RefKind hostKind(String kind) {
        return "host".equals(kind) ? Value.RefKind.HOST : Value.RefKind.EXTERN;
    }

    static boolean isNan32(int bits, boolean canonical) {
        int magnitude = bits & 0x7fff_ffff;
        return canonical ? magnitude == F32_CANONICAL_NAN : (magnitude & F32_CANONICAL_NAN) == F32_CANONICAL_NAN;
    }

    static boolean isNan64(long bits, boolean canonical) {
        long magnitude = bits & 0x7fff_ffff_ffff_ffffL;
        return canonical ? magnitude == F64_CANONICAL_NAN : (magnitude & F64_CANONICAL_NAN) == F64_CANONICAL_NAN;
    }

    private static boolean matchesLanes(WastResult.VecLanes expected, V128 actual) {
        int laneBytes = laneBytes(expected.shape());
        if (laneBytes == 0 || expected.lanes().size() * laneBytes != 16) {
            return false;
        }
        for (int lane = 0; lane < expected.lanes().size(); lane++) {
            long bits = laneBits(actual, lane, laneBytes);
            if (!matchesLane(expected.lanes().get(lane), bits, laneBytes)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesLane(WastResult expected, long bits, int laneBytes) {
        long mask = laneBytes == 8 ? -1L : (1L << (laneBytes * 8)) - 1;
        return switch (expected) {
            case WastResult.Nan n -> n.type() == NumType.F32 ? laneBytes == 4 && isNan32((int) bits, n.canonical())
                    : laneBytes == 8 && isNan64(bits, n.canonical());
            case WastResult.Exact e -> switch (e.value()) {
                case WastValue.I32 i -> (i.value() & mask) == bits;
                case WastValue.I64 i -> (i.value() & mask) == bits;
                case WastValue.F32 f -> (f.bits() & mask) == bits;
                case WastValue.F64 f -> (f.bits() & mask) == bits;
                default -> false;
            };
            case WastResult.Either either -> either.alternatives().stream()
                    .anyMatch(alt -> alt.size() == 1 && matchesLane(alt.get(0), bits, laneBytes));
            default -> false;
        };
    }

    private static int laneBytes(String shape) {
        return switch (shape) {
            case "i8x16" -> 1;
            case "i16x8" -> 2;
            case "i32x4", "f32x4" -> 4;
            case "i64x2", "f64x2" -> 8;
            default -> 0;
        };
    }

    /** Lane {@code lane} of {@code v}, {@code laneBytes} wide, zero-extended. */
    private static long laneBits(V128 v, int lane, int laneBytes) {
        long bits = 0;
        for (int b = laneBytes - 1; b >= 0; b--) {
            bits = (bits << 8) | v.byteAt(lane * laneBytes + b);
        }
        return bits;
    }

    // ---- descriptions for failure messages ----

    static String describeValues(List<Value> values) {
        return values.stream().map(ResultMatcher::describe).collect(Collectors.joining(" ", "[", "]"));
    }

    static String describeResults(List<WastResult> results) {
        return results.stream().map(ResultMatcher::describe).collect(Collectors.joining(" ", "[", "]"));
    }

    public static String describe(Value v) {
        return switch (v) {
            case Value.I32 i -> "(i32.const " + i.value() + ")";
            case Value.I64 i -> "(i64.const " + i.value() + ")";
            case Value.F32 f -> "(f32.const " + floatText(f.bits()) + ")";
            case Value.F64 f -> "(f64.const " + doubleText(f.bits()) + ")";
            case Value.Vec vec -> "(v128.const i32x4 " + hexLanes(vec.value()) + ")";
            case Value.Null ignored -> "(ref.null)";
            case Value.Ref r -> "(ref." + r.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + (r.hostId().isPresent() ? " " + r.hostId().getAsLong() : "") + ")";
        };
    }

    static String describe(WastResult r) {
        return switch (r) {
            case WastResult.Exact e -> describe(e.value());
            case WastResult.Nan n -> "(" + n.type().text() + ".const nan:" + (n.canonical() ? "canonical" : "arithmetic") + ")";
            case WastResult.VecLanes v -> "(v128.const " + v.shape() + " "
                    + v.lanes().stream().map(ResultMatcher::describeLane).collect(Collectors.joining(" ")) + ")";
            case WastResult.RefNull n -> "(ref.null " + n.heapType() + ")";
            case WastResult.RefKind k -> "(ref." + k.kind() + ")";
            case WastResult.RefHostId h -> "(ref." + h.kind() + " " + h.id() + ")";
            case WastResult.Either e -> e.alternatives().stream().map(ResultMatcher::describeResults)
                    .collect(Collectors.joining(" ", "(either ", ")"));
        };
    }

    private static String describeLane(WastResult lane) {
        String s = describe(lane);
        // "(f32.const 1.5)" -> "1.5" inside a v128.const
        int space = s.indexOf(' ');
        return s.startsWith("(") && space > 0 && s.endsWith(")") ? s.substring(space + 1, s.length() - 1) : s;
    }

    static String describe(WastValue v) {
        return switch (v) {
            case WastValue.I32 i -> "(i32.const " + i.value() + ")";
            case WastValue.I64 i -> "(i64.const " + i.value() + ")";
            case WastValue.F32 f -> "(f32.const " + floatText(f.bits()) + ")";
            case WastValue.F64 f -> "(f64.const " + doubleText(f.bits()) + ")";
            case WastValue.Vec vec -> "(v128.const i32x4 " + hexLanes(vec.value()) + ")";
            case WastValue.RefNull n -> "(ref.null " + n.heapType() + ")";
            case WastValue.RefExtern e -> "(ref.extern " + e.id() + ")";
            case WastValue.RefHost h -> "(ref.host " + h.id() + ")";
            case WastValue.Bool b -> "(bool.const " + b.value() + ")";
            case WastValue.Int i -> "(" + i.type().text() + ".const " + (i.type() == WastValue.IntType.U64
                    ? Long.toUnsignedString(i.value()) : Long.toString(i.value())) + ")";
            case WastValue.Char c -> "(char.const \"" + Character.toString(c.codePoint()) + "\")";
            case WastValue.Str str -> "(str.const \"" + str.value() + "\")";
            case WastValue.ListOf l -> "(list.const" + describeAll(l.elements()) + ")";
            case WastValue.TupleOf t -> "(tuple.const" + describeAll(t.elements()) + ")";
            case WastValue.RecordOf r -> "(record.const" + r.fields().stream()
                    .map(fd -> " (field \"" + fd.name() + "\" " + describe(fd.value()) + ")")
                    .collect(java.util.stream.Collectors.joining()) + ")";
            case WastValue.VariantOf vr -> "(variant.const \"" + vr.caseName() + "\""
                    + vr.payload().map(x -> " " + describe(x)).orElse("") + ")";
            case WastValue.EnumOf e -> "(enum.const \"" + e.caseName() + "\")";
            case WastValue.OptionOf o -> o.value().map(x -> "(option.some " + describe(x) + ")")
                    .orElse("(option.none)");
            case WastValue.ResultOf r -> "(result." + (r.ok() ? "ok" : "err")
                    + r.payload().map(x -> " " + describe(x)).orElse("") + ")";
            case WastValue.FlagsOf fl -> "(flags.const" + fl.labels().stream().map(x -> " \"" + x + "\"")
                    .collect(java.util.stream.Collectors.joining()) + ")";
        };
    }

    private static String describeAll(List<WastValue> values) {
        return values.stream().map(x -> " " + describe(x)).collect(java.util.stream.Collectors.joining());
    }

    private static String floatText(int bits) {
        float f = Float.intBitsToFloat(bits);
        return Float.isNaN(f) ? String.format("nan:0x%x (bits 0x%08x)", bits & 0x7f_ffff, bits)
                : f + " (bits 0x" + String.format("%08x", bits) + ")";
    }

    private static String doubleText(long bits) {
        double d = Double.longBitsToDouble(bits);
        return Double.isNaN(d) ? String.format("nan:0x%x (bits 0x%016x)", bits & 0xf_ffff_ffff_ffffL, bits)
                : d + " (bits 0x" + String.format("%016x", bits) + ")";
    }

    private static String hexLanes(V128 v) {
        return String.format("0x%08x 0x%08x 0x%08x 0x%08x", (int) v.lo(), (int) (v.lo() >>> 32), (int) v.hi(),
                (int) (v.hi() >>> 32));
    }
}
