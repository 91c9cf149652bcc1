package dev.basalt.component.internal.runtime;

import dev.basalt.component.ResourceType;
import dev.basalt.component.ValueType;
import dev.basalt.component.internal.runtime.CanonicalAbi.CoreType;
import dev.basalt.component.model.PrimValType;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * A value type with what the canonical ABI needs of it on every value worked out once (CanonicalABI.md
 * {@code alignment}, {@code elem_size}, {@code despecialize}, the field offsets {@code load}/{@code store} walk to,
 * {@code discriminant_type}, and a variant's joined {@code flatten_variant}), so that lifting and lowering a value
 * follows precomputed layouts instead of recomputing them per value. Made per function type by {@link CallPlan}
 * (once per lifted or lowered function of an instantiation plan); immutable, so shared across stores and threads.
 * A type reused inside a type ({@code tuple<t, t>}) gets one layout (memoised by identity while building).
 */
final class Layout {
    enum Kind {
        PRIMITIVE, LIST, FIXED_LIST, FLAGS, OWN, BORROW, RECORD, VARIANT, STREAM, FUTURE
    }

    final ValueType type;
    final Kind kind;
    final int alignment;
    final long size;
    /** {@link Kind#PRIMITIVE}: which. */
    final PrimValType primitive;
    /** Lists: the element's layout; its {@link #primitive} is the bulk-copied element type when {@link #bulk}. */
    final Layout element;
    /** {@link Kind#FIXED_LIST}: the length. */
    final int fixedLength;
    /** Lists: the element type when the list is held in a primitive array ({@link ScalarList}), else null. */
    final PrimValType bulk;
    /** {@link Kind#FLAGS}: the labels, and the byte size of the packed bits. */
    final List<String> labels;
    /** {@link Kind#OWN}/{@link Kind#BORROW}: the resource type. */
    final ResourceType resource;
    /** {@link Kind#RECORD} (records and tuples): the fields' layouts, offsets from the start, and names (records only). */
    final Layout[] fields;
    final long[] offsets;
    final String[] names;
    /** {@link Kind#VARIANT} (variants, enums, options, results): the despecialised cases, their payloads' layouts
     * (null where a case has none), the discriminant's byte size and the payload's offset. */
    final List<ValueType.Case> cases;
    final Layout[] payloads;
    final int discriminantSize;
    final long payloadOffset;
    /**
     * {@link Kind#VARIANT}: the joined flat types of the payloads (after the i32 discriminant), or null when they
     * exceed {@link CanonicalAbi#MAX_FLAT_PARAMS} (such a variant is never passed flat).
     */
    final CoreType[] payloadFlat;

    private Layout(ValueType type, Kind kind, int alignment, long size, PrimValType primitive, Layout element,
            int fixedLength, List<String> labels, ResourceType resource, Layout[] fields, long[] offsets,
            String[] names, List<ValueType.Case> cases, Layout[] payloads, int discriminantSize, long payloadOffset,
            CoreType[] payloadFlat) {
        this.type = type;
        this.kind = kind;
        this.alignment = alignment;
        this.size = size;
        this.primitive = primitive;
        this.element = element;
        this.fixedLength = fixedLength;
        this.bulk = element != null ? BulkLists.scalarType(element.type) : null;
        this.labels = labels;
        this.resource = resource;
        this.fields = fields;
        this.offsets = offsets;
        this.names = names;
        this.cases = cases;
        this.payloads = payloads;
        this.discriminantSize = discriminantSize;
        this.payloadOffset = payloadOffset;
        this.payloadFlat = payloadFlat;
    }

    static Layout of(ValueType t) {
        return of(t, new IdentityHashMap<>());
    }

    /** The layouts of {@code types} as the fields of one tuple (a function's parameters or results). */
    static Layout tupleOf(List<ValueType> types) {
        return of(new ValueType.TupleType(types));
    }

    private static Layout of(ValueType t, IdentityHashMap<ValueType, Layout> memo) {
        Layout known = memo.get(t);
        if (known != null) {
            return known;
        }
        Layout l = make(t, memo);
        memo.put(t, l);
        return l;
    }

    private static Layout make(ValueType t, IdentityHashMap<ValueType, Layout> memo) {
        switch (t) {
            case ValueType.Primitive p -> {
                int size = switch (p.type()) {
                    case BOOL, S8, U8 -> 1;
                    case S16, U16 -> 2;
                    case S32, U32, F32, CHAR, ERROR_CONTEXT -> 4;
                    case S64, U64, F64, STRING -> 8;
                };
                int alignment = p.type() == PrimValType.STRING ? 4 : size;
                return new Layout(t, Kind.PRIMITIVE, alignment, size, p.type(), null, 0, null, null, null, null, null,
                        null, null, 0, 0, null);
            }
            case ValueType.ListType l -> {
                Layout e = of(l.element(), memo);
                if (l.length().isPresent()) {
                    int n = l.length().getAsInt();
                    return new Layout(t, Kind.FIXED_LIST, e.alignment, n * e.size, null, e, n, null, null, null, null,
                            null, null, null, 0, 0, null);
                }
                return new Layout(t, Kind.LIST, 4, 8, null, e, 0, null, null, null, null, null, null, null, 0, 0, null);
            }
            case ValueType.FlagsType f -> {
                int size = CanonicalAbi.flagsSize(f.labels().size());
                return new Layout(t, Kind.FLAGS, size, size, null, null, 0, f.labels(), null, null, null, null, null,
                        null, 0, 0, null);
            }
            case ValueType.OwnType o -> {
                return new Layout(t, Kind.OWN, 4, 4, null, null, 0, null, o.resource(), null, null, null, null, null,
                        0, 0, null);
            }
            case ValueType.StreamType st -> {
                return new Layout(t, Kind.STREAM, 4, 4, null, null, 0, null, null, null, null, null, null, null,
                        0, 0, null);
            }
            case ValueType.FutureType ft -> {
                return new Layout(t, Kind.FUTURE, 4, 4, null, null, 0, null, null, null, null, null, null, null,
                        0, 0, null);
            }
            case ValueType.BorrowType b -> {
                return new Layout(t, Kind.BORROW, 4, 4, null, null, 0, null, b.resource(), null, null, null, null,
                        null, 0, 0, null);
            }
            default -> {
                List<ValueType> fieldTypes = CanonicalAbi.fieldTypes(t);
                if (fieldTypes != null) {
                    Layout[] fields = new Layout[fieldTypes.size()];
                    long[] offsets = new long[fields.length];
                    int alignment = 1;
                    long s = 0;
                    for (int i = 0; i < fields.length; i++) {
                        Layout f = of(fieldTypes.get(i), memo);
                        fields[i] = f;
                        s = CanonicalAbi.alignTo(s, f.alignment);
                        offsets[i] = s;
                        s += f.size;
                        alignment = Math.max(alignment, f.alignment);
                    }
                    String[] names = null;
                    if (t instanceof ValueType.RecordType r) {
                        names = new String[fields.length];
                        for (int i = 0; i < names.length; i++) {
                            names[i] = r.fields().get(i).name();
                        }
                    }
                    return new Layout(t, Kind.RECORD, alignment, CanonicalAbi.alignTo(s, alignment), null, null, 0, null,
                            null, fields, offsets, names, null, null, 0, 0, null);
                }
                List<ValueType.Case> cases = CanonicalAbi.cases(t);
                Layout[] payloads = new Layout[cases.size()];
                int caseAlignment = 1;
                long caseSize = 0;
                for (int i = 0; i < payloads.length; i++) {
                    if (cases.get(i).type().isPresent()) {
                        Layout p = of(cases.get(i).type().get(), memo);
                        payloads[i] = p;
                        caseAlignment = Math.max(caseAlignment, p.alignment);
                        caseSize = Math.max(caseSize, p.size);
                    }
                }
                int discriminantSize = CanonicalAbi.discriminantSize(cases.size());
                int alignment = Math.max(discriminantSize, caseAlignment);
                long payloadOffset = CanonicalAbi.alignTo(discriminantSize, caseAlignment);
                List<CoreType> flat = CanonicalAbi.flattenVariantOrNull(cases, CanonicalAbi.MAX_FLAT_PARAMS + 1);
                CoreType[] payloadFlat = flat == null ? null : flat.subList(1, flat.size()).toArray(CoreType[]::new);
                return new Layout(t, Kind.VARIANT, alignment, CanonicalAbi.alignTo(payloadOffset + caseSize, alignment),
                        null, null, 0, null, null, null, null, null, cases, payloads, discriminantSize, payloadOffset,
                        payloadFlat);
            }
        }
    }
}
