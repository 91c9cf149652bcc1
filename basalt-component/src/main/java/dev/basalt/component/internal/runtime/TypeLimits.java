package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentException;
import dev.basalt.component.ValueType;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Bounds on the value types a component defines, so that the recursive canonical-ABI functions stay shallow and
 * linear: at most {@link #MAX_DEPTH} levels of nesting, and at most {@link #MAX_NODES} nodes when the type is
 * written out as a tree (a type that reuses another twice, {@code tuple<t, t>}, counts it twice; doubling it a
 * hundred times would otherwise make {@code elem_size} run forever). A fixed-size list counts its element once:
 * the functions that would walk its length are bounded elsewhere (flattening is capped, lifting is budgeted).
 * Depths and sizes are remembered per type object, so checking a type whose parts were checked is constant work
 * per part.
 */
final class TypeLimits {
    static final int MAX_DEPTH = 100;
    static final long MAX_NODES = 100_000;

    private final IdentityHashMap<ValueType, long[]> memo = new IdentityHashMap<>();

    void check(ValueType t) {
        long[] m = measure(t);
        if (m[0] > MAX_DEPTH) {
            throw new ComponentException("type nesting is too deep: more than " + MAX_DEPTH + " levels");
        }
        if (m[1] > MAX_NODES) {
            throw new ComponentException("type is too large: more than " + MAX_NODES + " parts when written out");
        }
    }

    /** {depth, tree size}, saturating. */
    private long[] measure(ValueType t) {
        long[] known = memo.get(t);
        if (known != null) {
            return known;
        }
        long depth = 0;
        long size = 0;
        List<ValueType> children = children(t);
        for (ValueType c : children) {
            long[] m = measure(c);
            depth = Math.max(depth, m[0]);
            size = Math.min(Long.MAX_VALUE / 2, size + m[1]);
        }
        long[] result = {depth + 1, size + 1};
        memo.put(t, result);
        return result;
    }

    private static List<ValueType> children(ValueType t) {
        return switch (t) {
            case ValueType.Primitive p -> List.of();
            case ValueType.ListType l -> List.of(l.element());
            case ValueType.RecordType r -> r.fields().stream().map(ValueType.Field::type).toList();
            case ValueType.TupleType tt -> tt.types();
            case ValueType.VariantType v -> v.cases().stream().flatMap(c -> c.type().stream()).toList();
            case ValueType.EnumType e -> List.of();
            case ValueType.OptionType o -> List.of(o.type());
            case ValueType.ResultType r -> java.util.stream.Stream.concat(r.ok().stream(), r.error().stream()).toList();
            case ValueType.FlagsType f -> List.of();
            case ValueType.OwnType o -> List.of();
            case ValueType.BorrowType b -> List.of();
            case ValueType.StreamType st -> List.of();
            case ValueType.FutureType ft -> List.of();
        };
    }
}
