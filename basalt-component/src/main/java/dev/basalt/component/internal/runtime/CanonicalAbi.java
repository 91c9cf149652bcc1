package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceHandle;
import dev.basalt.component.ResourceType;
import dev.basalt.component.ValueType;
import dev.basalt.component.internal.runtime.AbiOptions.StringEncoding;
import dev.basalt.component.model.PrimValType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The canonical ABI's value rules (CanonicalABI.md "Alignment" to "Lifting and Lowering Values"), written to follow
 * the Python definitions function by function: {@code load}, {@code store}, {@code flatten_type},
 * {@code lift_flat}, {@code lower_flat}, {@code lift_flat_values}, {@code lower_flat_values}. What those need of a
 * type on every value ({@code alignment}, {@code elem_size}, field offsets, the despecialised cases of tuple, enum,
 * option and result from {@link #cases} and {@link #fieldTypes}, a variant's joined flattening) is worked out once
 * per function type into {@link Layout}s, which the value functions walk. Lists of numeric types are copied in
 * bulk ({@link BulkLists}). Core values are passed as longs: i32 and f32 zero-extended in the low 32 bits (f32 as its
 * bits), i64 and f64 as 64 bits — the representation of {@code Func.callRaw}, which makes the {@code join}
 * coercions of variants plain masks.
 */
final class CanonicalAbi {
    static final int MAX_FLAT_PARAMS = 16;
    static final int MAX_FLAT_RESULTS = 1;
    static final long MAX_STRING_BYTE_LENGTH = (1L << 28) - 1;
    static final long MAX_LIST_BYTE_LENGTH = (1L << 28) - 1;
    static final long UTF16_TAG = 1L << 31;
    static final int CANONICAL_FLOAT32_NAN = 0x7fc00000;
    static final long CANONICAL_FLOAT64_NAN = 0x7ff8000000000000L;

    enum CoreType {
        I32, I64, F32, F64
    }

    private CanonicalAbi() {
    }

    // ---- despecialisation -------------------------------------------------------------------------------------

    /** The cases of a variant-like type (variant, enum, option, result), or null. */
    static List<ValueType.Case> cases(ValueType t) {
        return switch (t) {
            case ValueType.VariantType v -> v.cases();
            case ValueType.EnumType e -> e.labels().stream().map(l -> new ValueType.Case(l, Optional.empty())).toList();
            case ValueType.OptionType o -> List.of(new ValueType.Case("none", Optional.empty()),
                    new ValueType.Case("some", Optional.of(o.type())));
            case ValueType.ResultType r -> List.of(new ValueType.Case("ok", r.ok()), new ValueType.Case("error", r.error()));
            default -> null;
        };
    }

    /** The field types of a record-like type (record, tuple), or null. */
    static List<ValueType> fieldTypes(ValueType t) {
        return switch (t) {
            case ValueType.RecordType r -> {
                // per value on every call: a loop, not a stream
                List<ValueType.Field> fields = r.fields();
                ValueType[] types = new ValueType[fields.size()];
                for (int i = 0; i < types.length; i++) {
                    types[i] = fields.get(i).type();
                }
                yield java.util.Arrays.asList(types);
            }
            case ValueType.TupleType tt -> tt.types();
            default -> null;
        };
    }

    // ---- alignment and size (the per-type results are kept in Layout) ------------------------------------------

    static int discriminantSize(int n) {
        if (n <= 0x100) {
            return 1;
        }
        return n <= 0x10000 ? 2 : 4;
    }

    static int flagsSize(int n) {
        if (n <= 8) {
            return 1;
        }
        return n <= 16 ? 2 : 4;
    }

    static long alignTo(long ptr, int alignment) {
        return (ptr + alignment - 1) / alignment * alignment;
    }

    // ---- loading ----------------------------------------------------------------------------------------------

    static ComponentValue load(AbiContext cx, long ptr, Layout t) {
        switch (t.kind) {
            case PRIMITIVE -> {
                return switch (t.primitive) {
                    case BOOL -> ComponentValue.bool(cx.loadByte(ptr) != 0);
                    case U8 -> new ComponentValue.U8(cx.loadByte(ptr));
                    case U16 -> new ComponentValue.U16(cx.loadShort(ptr));
                    case U32 -> new ComponentValue.U32(cx.loadInt(ptr, 4));
                    case U64 -> new ComponentValue.U64(cx.loadInt(ptr, 8));
                    case S8 -> new ComponentValue.S8((byte) cx.loadByte(ptr));
                    case S16 -> new ComponentValue.S16((short) cx.loadShort(ptr));
                    case S32 -> new ComponentValue.S32((int) cx.loadInt(ptr, 4));
                    case S64 -> new ComponentValue.S64(cx.loadInt(ptr, 8));
                    case F32 -> f32FromBits((int) cx.loadInt(ptr, 4));
                    case F64 -> f64FromBits(cx.loadInt(ptr, 8));
                    case CHAR -> convertI32ToChar(cx.loadInt(ptr, 4));
                    case STRING -> loadString(cx, ptr);
                    case ERROR_CONTEXT -> ErrorContexts.lift(cx, cx.loadInt(ptr, 4));
                };
            }
            case FIXED_LIST -> {
                return new ComponentValue.ListValue(loadListFromValidRange(cx, ptr, t.fixedLength, t.element));
            }
            case LIST -> {
                long begin = cx.loadInt(ptr, 4);
                long length = cx.loadInt(ptr + 4, 4);
                return new ComponentValue.ListValue(loadListFromRange(cx, begin, length, t.element));
            }
            case FLAGS -> {
                return unpackFlags(cx.loadInt(ptr, flagsSize(t.labels.size())), t.labels);
            }
            case OWN -> {
                return liftOwn(cx, (int) cx.loadInt(ptr, 4), t.resource);
            }
            case STREAM, FUTURE -> {
                return Streams.lift(cx, (int) cx.loadInt(ptr, 4), t);
            }
            case BORROW -> {
                return liftBorrow(cx, (int) cx.loadInt(ptr, 4), t.resource);
            }
            case RECORD -> {
                return makeRecord(t, loadFields(cx, ptr, t));
            }
            case VARIANT -> {
                long caseIndex = cx.loadInt(ptr, t.discriminantSize);
                Traps.trapIf(caseIndex >= t.cases.size(), "invalid variant discriminant");
                Layout payload = t.payloads[(int) caseIndex];
                return makeCase(t, (int) caseIndex, payload == null ? null : load(cx, ptr + t.payloadOffset, payload));
            }
        }
        throw new IllegalStateException(t.kind.name());
    }

    /** The fields of a record or tuple at {@code ptr}, in order. */
    static List<ComponentValue> loadFields(AbiContext cx, long ptr, Layout t) {
        Layout[] fields = t.fields;
        ComponentValue[] values = new ComponentValue[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = load(cx, ptr + t.offsets[i], fields[i]);
        }
        return java.util.Arrays.asList(values);
    }

    static ComponentValue.F32 f32FromBits(int bits) {
        float f = Float.intBitsToFloat(bits);
        return new ComponentValue.F32(Float.isNaN(f) ? Float.intBitsToFloat(CANONICAL_FLOAT32_NAN) : f);
    }

    static ComponentValue.F64 f64FromBits(long bits) {
        double d = Double.longBitsToDouble(bits);
        return new ComponentValue.F64(Double.isNaN(d) ? Double.longBitsToDouble(CANONICAL_FLOAT64_NAN) : d);
    }

    static ComponentValue.Char convertI32ToChar(long i) {
        Traps.trapIf(i >= 0x110000 || (i >= 0xD800 && i <= 0xDFFF), "invalid `char` bit pattern");
        return new ComponentValue.Char((int) i);
    }

    static ComponentValue loadString(AbiContext cx, long ptr) {
        long begin = cx.loadInt(ptr, 4);
        long taggedCodeUnits = cx.loadInt(ptr + 4, 4);
        return loadStringFromRange(cx, begin, taggedCodeUnits);
    }

    static ComponentValue loadStringFromRange(AbiContext cx, long ptr, long taggedCodeUnits) {
        int alignment;
        long byteLength;
        StringEncoding encoding;
        switch (cx.opts.encoding()) {
            case UTF8 -> {
                alignment = 1;
                byteLength = taggedCodeUnits;
                encoding = StringEncoding.UTF8;
            }
            case UTF16 -> {
                alignment = 2;
                byteLength = 2 * taggedCodeUnits;
                encoding = StringEncoding.UTF16;
            }
            default -> {
                alignment = 2;
                if ((taggedCodeUnits & UTF16_TAG) != 0) {
                    byteLength = 2 * (taggedCodeUnits ^ UTF16_TAG);
                    encoding = StringEncoding.UTF16;
                } else {
                    byteLength = taggedCodeUnits;
                    encoding = StringEncoding.LATIN1_UTF16;
                }
            }
        }
        if (byteLength > MAX_STRING_BYTE_LENGTH) {
            throw Traps.trap(cx.hostPeer ? "string pointer/length out of bounds of memory" : "string content out-of-bounds");
        }
        cx.checkRange(ptr, alignment, byteLength, "string");
        cx.charge(byteLength / 8);
        byte[] bytes = cx.read(ptr, byteLength);
        String s = switch (encoding) {
            case UTF8 -> decodeUtf8(bytes);
            case UTF16 -> decodeUtf16(bytes);
            case LATIN1_UTF16 -> new String(bytes, StandardCharsets.ISO_8859_1);
        };
        ComponentValue.Str v = new ComponentValue.Str(s);
        cx.putHint(v, new StringHint(cx.opts.encoding(), taggedCodeUnits));
        return v;
    }

    /** Strict UTF-8 (no surrogates, no overlong forms), with Rust's error wording, as wasmtime reports it. */
    static String decodeUtf8(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        int n = b.length;
        while (i < n) {
            int b0 = b[i] & 0xff;
            if (b0 < 0x80) {
                sb.append((char) b0);
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xbf;
            int cp;
            if (b0 >= 0xc2 && b0 <= 0xdf) {
                need = 1;
                cp = b0 & 0x1f;
            } else if (b0 >= 0xe0 && b0 <= 0xef) {
                need = 2;
                cp = b0 & 0x0f;
                if (b0 == 0xe0) {
                    lo = 0xa0;
                } else if (b0 == 0xed) {
                    hi = 0x9f;
                }
            } else if (b0 >= 0xf0 && b0 <= 0xf4) {
                need = 3;
                cp = b0 & 0x07;
                if (b0 == 0xf0) {
                    lo = 0x90;
                } else if (b0 == 0xf4) {
                    hi = 0x8f;
                }
            } else {
                throw Traps.trap("invalid utf-8 sequence of 1 bytes from index " + i);
            }
            for (int k = 1; k <= need; k++) {
                if (i + k >= n) {
                    throw Traps.trap("incomplete utf-8 byte sequence from index " + i);
                }
                int bk = b[i + k] & 0xff;
                int min = k == 1 ? lo : 0x80;
                int max = k == 1 ? hi : 0xbf;
                if (bk < min || bk > max) {
                    throw Traps.trap("invalid utf-8 sequence of " + k + " bytes from index " + i);
                }
                cp = cp << 6 | (bk & 0x3f);
            }
            sb.appendCodePoint(cp);
            i += need + 1;
        }
        return sb.toString();
    }

    static String decodeUtf16(byte[] b) {
        int n = b.length / 2;
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            chars[i] = (char) ((b[2 * i] & 0xff) | (b[2 * i + 1] & 0xff) << 8);
        }
        for (int i = 0; i < n; i++) {
            char c = chars[i];
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
                    i++;
                    continue;
                }
                throw Traps.trap("invalid utf-16: lone surrogate found");
            }
            if (Character.isLowSurrogate(c)) {
                throw Traps.trap("invalid utf-16: lone surrogate found");
            }
        }
        return new String(chars);
    }

    static List<ComponentValue> loadListFromRange(AbiContext cx, long ptr, long length, Layout elem) {
        long size = elem.size;
        if (length * size > MAX_LIST_BYTE_LENGTH) {
            throw Traps.trap(cx.hostPeer ? "list pointer/length out of bounds of memory" : "list content out-of-bounds");
        }
        cx.checkRange(ptr, elem.alignment, length * size, "list");
        return loadListFromValidRange(cx, ptr, (int) length, elem);
    }

    static List<ComponentValue> loadListFromValidRange(AbiContext cx, long ptr, int length, Layout elem) {
        PrimValType bulk = BulkLists.scalarType(elem.type);
        if (bulk != null) {
            // one array, no object per element: charged by bytes as strings are
            cx.charge((long) length * elem.size / 8);
            return BulkLists.load(cx, ptr, length, bulk);
        }
        cx.charge(length);
        long size = elem.size;
        List<ComponentValue> a = new ArrayList<>(Math.min(length, 1 << 16));
        for (int i = 0; i < length; i++) {
            a.add(load(cx, ptr + i * size, elem));
        }
        return a;
    }

    static ComponentValue.FlagsValue unpackFlags(long i, List<String> labels) {
        Set<String> set = new LinkedHashSet<>();
        for (String l : labels) {
            if ((i & 1) != 0) {
                set.add(l);
            }
            i >>>= 1;
        }
        return new ComponentValue.FlagsValue(set);
    }

    static ComponentValue liftOwn(AbiContext cx, int i, ResourceType rt) {
        HandleEntry h = cx.inst.handles.remove(i);
        checkHandleType(i, h, rt);
        Traps.trapIf(h.numLends != 0, Traps.LENT);
        Traps.trapIf(!h.own, "handle index " + Integer.toUnsignedString(i) + " is a borrow where an own handle was expected");
        return new ComponentValue.Own(ResourceHandle.own(rt, h.rep));
    }

    static ComponentValue liftBorrow(AbiContext cx, int i, ResourceType rt) {
        HandleEntry h = cx.inst.handles.get(i);
        checkHandleType(i, h, rt);
        if (cx.subtask != null) {
            cx.subtask.addLender(h);
        }
        return new ComponentValue.Borrow(ResourceHandle.lent(rt, h.rep));
    }

    static void checkHandleType(int i, HandleEntry h, ResourceType expected) {
        if (h.type != expected) {
            String e = describe(expected);
            String f = describe(h.type);
            throw Traps.trap("handle index " + Integer.toUnsignedString(i) + " used with the wrong type, expected " + e
                    + " but found " + (e.equals(f) ? "a different " + f : f));
        }
    }

    private static String describe(ResourceType t) {
        return t.isHost() ? "host-defined resource" : "guest-defined resource";
    }

    // ---- storing ----------------------------------------------------------------------------------------------

    static void store(AbiContext cx, ComponentValue v, Layout layout, long ptr) {
        ValueType t = layout.type;
        switch (layout.kind) {
            case PRIMITIVE -> {
                switch (layout.primitive) {
                    case BOOL -> cx.storeByte(ptr, expect(v, ComponentValue.Bool.class, t).value() ? 1 : 0);
                    case U8 -> cx.storeByte(ptr, expect(v, ComponentValue.U8.class, t).value());
                    case U16 -> cx.storeShort(ptr, expect(v, ComponentValue.U16.class, t).value());
                    case U32 -> cx.storeInt(ptr, expect(v, ComponentValue.U32.class, t).value(), 4);
                    case U64 -> cx.storeInt(ptr, expect(v, ComponentValue.U64.class, t).value(), 8);
                    case S8 -> cx.storeByte(ptr, expect(v, ComponentValue.S8.class, t).value());
                    case S16 -> cx.storeShort(ptr, expect(v, ComponentValue.S16.class, t).value());
                    case S32 -> cx.storeInt(ptr, expect(v, ComponentValue.S32.class, t).value(), 4);
                    case S64 -> cx.storeInt(ptr, expect(v, ComponentValue.S64.class, t).value(), 8);
                    case F32 -> cx.storeInt(ptr, f32Bits(expect(v, ComponentValue.F32.class, t).value()), 4);
                    case F64 -> cx.storeInt(ptr, f64Bits(expect(v, ComponentValue.F64.class, t).value()), 8);
                    case CHAR -> cx.storeInt(ptr, expect(v, ComponentValue.Char.class, t).codePoint(), 4);
                    case STRING -> {
                        long[] r = storeStringIntoRange(cx, expect(v, ComponentValue.Str.class, t));
                        cx.storeInt(ptr, r[0], 4);
                        cx.storeInt(ptr + 4, r[1], 4);
                    }
                    case ERROR_CONTEXT -> cx.storeInt(ptr, ErrorContexts.lower(cx, v, t), 4);
                }
            }
            case FIXED_LIST -> storeListIntoValidRange(cx, listElements(v, layout), ptr, layout.element);
            case LIST -> {
                long[] r = storeListIntoRange(cx, listElements(v, layout), layout.element);
                cx.storeInt(ptr, r[0], 4);
                cx.storeInt(ptr + 4, r[1], 4);
            }
            case FLAGS -> cx.storeInt(ptr, packFlags(v, (ValueType.FlagsType) t), flagsSize(layout.labels.size()));
            case OWN -> cx.storeInt(ptr, lowerOwn(cx, v, (ValueType.OwnType) t), 4);
            case STREAM, FUTURE -> cx.storeInt(ptr, Streams.lower(cx, v, layout), 4);
            case BORROW -> cx.storeInt(ptr, lowerBorrow(cx, v, (ValueType.BorrowType) t), 4);
            case RECORD -> storeFields(cx, recordValues(v, layout), layout, ptr);
            case VARIANT -> {
                CaseValue cv = matchCase(v, t, layout.cases);
                cx.storeInt(ptr, cv.index, layout.discriminantSize);
                Layout payload = layout.payloads[cv.index];
                if (payload != null) {
                    store(cx, cv.payload, payload, ptr + layout.payloadOffset);
                }
            }
        }
    }

    /** Stores {@code values} as the fields of record or tuple {@code layout} at {@code ptr}. */
    static void storeFields(AbiContext cx, List<ComponentValue> values, Layout layout, long ptr) {
        Layout[] fields = layout.fields;
        for (int i = 0; i < fields.length; i++) {
            store(cx, values.get(i), fields[i], ptr + layout.offsets[i]);
        }
    }

    /** NaNs are lowered as the canonical NaN (allowed by CanonicalABI.md, and deterministic). */
    static long f32Bits(float f) {
        return Integer.toUnsignedLong(Float.isNaN(f) ? CANONICAL_FLOAT32_NAN : Float.floatToRawIntBits(f));
    }

    static long f64Bits(double d) {
        return Double.isNaN(d) ? CANONICAL_FLOAT64_NAN : Double.doubleToRawLongBits(d);
    }

    static long[] storeListIntoRange(AbiContext cx, List<ComponentValue> v, Layout elem) {
        long byteLength = v.size() * elem.size;
        if (byteLength > MAX_LIST_BYTE_LENGTH) {
            throw Traps.trap("list too long to lower: " + byteLength + " bytes, more than the canonical ABI's "
                    + MAX_LIST_BYTE_LENGTH);
        }
        int alignment = elem.alignment;
        long ptr = cx.allocate(alignment, byteLength);
        cx.checkAllocation(ptr, alignment, byteLength, "list");
        storeListIntoValidRange(cx, v, ptr, elem);
        return new long[] {ptr, v.size()};
    }

    static void storeListIntoValidRange(AbiContext cx, List<ComponentValue> v, long ptr, Layout elem) {
        PrimValType scalar = BulkLists.scalarType(elem.type);
        if (scalar != null) {
            BulkLists.store(cx, v instanceof ScalarList bulk && bulk.elementType() == scalar ? bulk
                    : BulkLists.gather(v, scalar, new ValueType.ListType(elem.type)), ptr);
            return;
        }
        long size = elem.size;
        for (int i = 0; i < v.size(); i++) {
            store(cx, v.get(i), elem, ptr + i * size);
        }
    }

    static long packFlags(ComponentValue v, ValueType.FlagsType t) {
        ComponentValue.FlagsValue f = expect(v, ComponentValue.FlagsValue.class, t);
        long i = 0;
        int shift = 0;
        for (String l : t.labels()) {
            if (f.labels().contains(l)) {
                i |= 1L << shift;
            }
            shift++;
        }
        for (String l : f.labels()) {
            if (!t.labels().contains(l)) {
                throw new ComponentException("type mismatch: flag `" + l + "` is not a label of " + t);
            }
        }
        return i;
    }

    static long lowerOwn(AbiContext cx, ComponentValue v, ValueType.OwnType t) {
        ResourceHandle handle = expect(v, ComponentValue.Own.class, t).handle();
        checkResource(handle, t.resource());
        handle.consume();
        return Integer.toUnsignedLong(cx.inst.handles.add(new HandleEntry(t.resource(), handle.rep(), true, null)));
    }

    static long lowerBorrow(AbiContext cx, ComponentValue v, ValueType.BorrowType t) {
        ResourceHandle handle = switch (v) {
            case ComponentValue.Borrow b -> b.handle();
            case ComponentValue.Own o -> o.handle();
            default -> throw mismatch(t, v);
        };
        checkResource(handle, t.resource());
        handle.checkLive();
        if (t.resource().owner() == cx.inst) {
            return Integer.toUnsignedLong(handle.rep());
        }
        HandleEntry h = new HandleEntry(t.resource(), handle.rep(), false, cx.task);
        cx.task.numBorrows++;
        return Integer.toUnsignedLong(cx.inst.handles.add(h));
    }

    private static void checkResource(ResourceHandle handle, ResourceType expected) {
        if (handle.type() != expected) {
            throw new ComponentException("type mismatch: a handle of " + handle.type() + " where " + expected
                    + " was expected");
        }
    }

    // ---- strings ----------------------------------------------------------------------------------------------

    /** {@code store_string_into_range}: returns {ptr, tagged code units}. */
    static long[] storeStringIntoRange(AbiContext cx, ComponentValue.Str v) {
        String src = v.value();
        StringHint hint = cx.hint(v);
        if (hint == null) {
            checkUnicode(src);
            hint = new StringHint(StringEncoding.UTF8, utf8Length(src));
        }
        StringEncoding srcEncoding = hint.encoding();
        long srcTagged = hint.taggedCodeUnits();
        // 'utf8', 'utf16' or 'latin1' (the latin1+utf16 source split by its tag)
        String srcSimple;
        long srcCodeUnits;
        if (srcEncoding == StringEncoding.LATIN1_UTF16) {
            if ((srcTagged & UTF16_TAG) != 0) {
                srcSimple = "utf16";
                srcCodeUnits = srcTagged ^ UTF16_TAG;
            } else {
                srcSimple = "latin1";
                srcCodeUnits = srcTagged;
            }
        } else {
            srcSimple = srcEncoding == StringEncoding.UTF8 ? "utf8" : "utf16";
            srcCodeUnits = srcTagged;
        }
        return switch (cx.opts.encoding()) {
            case UTF8 -> switch (srcSimple) {
                case "utf8" -> storeStringCopy(cx, src.getBytes(StandardCharsets.UTF_8), srcCodeUnits, 1, 1);
                case "utf16" -> storeStringToUtf8(cx, src, srcCodeUnits, srcCodeUnits * 3);
                default -> storeStringToUtf8(cx, src, srcCodeUnits, srcCodeUnits * 2);
            };
            case UTF16 -> switch (srcSimple) {
                case "utf8" -> storeUtf8ToUtf16(cx, src, srcCodeUnits);
                default -> storeStringCopy(cx, src.getBytes(StandardCharsets.UTF_16LE), srcCodeUnits, 2, 2);
            };
            case LATIN1_UTF16 -> {
                if (srcEncoding != StringEncoding.LATIN1_UTF16) {
                    yield storeStringToLatin1OrUtf16(cx, src, srcCodeUnits);
                }
                if (srcSimple.equals("latin1")) {
                    yield storeStringCopy(cx, src.getBytes(StandardCharsets.ISO_8859_1), srcCodeUnits, 1, 2);
                }
                yield storeProbablyUtf16ToLatin1OrUtf16(cx, src, srcCodeUnits);
            }
        };
    }

    private static void checkUnicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new ComponentException("string is not valid Unicode: unpaired surrogate at index " + i);
            }
        }
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            i += Character.charCount(cp);
        }
        return n;
    }

    private static long[] storeStringCopy(AbiContext cx, byte[] encoded, long srcCodeUnits, int dstCodeUnitSize,
            int dstAlignment) {
        long dstByteLength = dstCodeUnitSize * srcCodeUnits;
        long ptr = cx.allocate(dstAlignment, dstByteLength);
        cx.checkAllocation(ptr, dstAlignment, dstByteLength, "string");
        cx.write(ptr, encoded);
        return new long[] {ptr, srcCodeUnits};
    }

    private static long[] storeStringToUtf8(AbiContext cx, String src, long srcCodeUnits, long worstCaseSize) {
        long ptr = cx.allocate(1, srcCodeUnits);
        cx.checkAllocation(ptr, 1, srcCodeUnits, "string");
        int i = 0;
        for (int k = 0; k < src.length(); ) {
            int cp = src.codePointAt(k);
            k += Character.charCount(cp);
            if (cp < 0x80) {
                cx.write(ptr + i, new byte[] {(byte) cp});
                i++;
                continue;
            }
            ptr = cx.reallocate(ptr, srcCodeUnits, 1, worstCaseSize);
            cx.checkAllocation(ptr, 1, worstCaseSize, "string");
            byte[] encoded = src.getBytes(StandardCharsets.UTF_8);
            cx.write(ptr + i, java.util.Arrays.copyOfRange(encoded, i, encoded.length));
            if (worstCaseSize > encoded.length) {
                ptr = cx.reallocate(ptr, worstCaseSize, 1, encoded.length);
                cx.checkAllocation(ptr, 1, encoded.length, "string");
            }
            return new long[] {ptr, encoded.length};
        }
        return new long[] {ptr, srcCodeUnits};
    }

    private static long[] storeUtf8ToUtf16(AbiContext cx, String src, long srcCodeUnits) {
        long worstCaseSize = 2 * srcCodeUnits;
        long ptr = cx.allocate(2, worstCaseSize);
        cx.checkAllocation(ptr, 2, worstCaseSize, "string");
        byte[] encoded = src.getBytes(StandardCharsets.UTF_16LE);
        cx.write(ptr, encoded);
        if (encoded.length < worstCaseSize) {
            ptr = cx.reallocate(ptr, worstCaseSize, 2, encoded.length);
            cx.checkAllocation(ptr, 2, encoded.length, "string");
        }
        return new long[] {ptr, encoded.length / 2};
    }

    private static long[] storeStringToLatin1OrUtf16(AbiContext cx, String src, long srcCodeUnits) {
        long ptr = cx.allocate(2, srcCodeUnits);
        cx.checkAllocation(ptr, 2, srcCodeUnits, "string");
        int dstByteLength = 0;
        for (int k = 0; k < src.length(); ) {
            int cp = src.codePointAt(k);
            k += Character.charCount(cp);
            if (cp < 0x100) {
                cx.write(ptr + dstByteLength, new byte[] {(byte) cp});
                dstByteLength++;
                continue;
            }
            long worstCaseSize = 2 * srcCodeUnits;
            ptr = cx.reallocate(ptr, srcCodeUnits, 2, worstCaseSize);
            cx.checkAllocation(ptr, 2, worstCaseSize, "string");
            byte[] latin1 = cx.read(ptr, dstByteLength);
            byte[] inflated = new byte[2 * dstByteLength];
            for (int j = 0; j < dstByteLength; j++) {
                inflated[2 * j] = latin1[j];
            }
            cx.write(ptr, inflated);
            byte[] encoded = src.getBytes(StandardCharsets.UTF_16LE);
            cx.write(ptr + 2L * dstByteLength, java.util.Arrays.copyOfRange(encoded, 2 * dstByteLength, encoded.length));
            if (worstCaseSize > encoded.length) {
                ptr = cx.reallocate(ptr, worstCaseSize, 2, encoded.length);
                cx.checkAllocation(ptr, 2, encoded.length, "string");
            }
            return new long[] {ptr, (encoded.length / 2) | UTF16_TAG};
        }
        if (dstByteLength < srcCodeUnits) {
            ptr = cx.reallocate(ptr, srcCodeUnits, 2, dstByteLength);
            cx.checkAllocation(ptr, 2, dstByteLength, "string");
        }
        return new long[] {ptr, dstByteLength};
    }

    private static long[] storeProbablyUtf16ToLatin1OrUtf16(AbiContext cx, String src, long srcCodeUnits) {
        long srcByteLength = 2 * srcCodeUnits;
        long ptr = cx.allocate(2, srcByteLength);
        cx.checkAllocation(ptr, 2, srcByteLength, "string");
        byte[] encoded = src.getBytes(StandardCharsets.UTF_16LE);
        cx.write(ptr, encoded);
        if (src.codePoints().anyMatch(c -> c >= 0x100)) {
            return new long[] {ptr, (encoded.length / 2) | UTF16_TAG};
        }
        int latin1Size = encoded.length / 2;
        byte[] latin1 = new byte[latin1Size];
        for (int i = 0; i < latin1Size; i++) {
            latin1[i] = encoded[2 * i];
        }
        cx.write(ptr, latin1);
        ptr = cx.reallocate(ptr, srcByteLength, 1, latin1Size);
        cx.checkAllocation(ptr, 1, latin1Size, "string");
        return new long[] {ptr, latin1Size};
    }

    // ---- flattening -------------------------------------------------------------------------------------------

    /** Thrown (preallocated, without stack trace) when a flattening exceeds its cap. */
    private static final RuntimeException FLAT_OVERFLOW = new RuntimeException("flat overflow", null, false, false) {
    };

    /**
     * {@code flatten_types}, or null when the values flatten to more than {@code cap} core values (then only the
     * fact matters: they are spilled to memory). The cap keeps hostile types such as {@code list<u8, 100000000>}
     * from being expanded.
     */
    static List<CoreType> flattenTypes(List<ValueType> ts, int cap) {
        List<CoreType> flat = new ArrayList<>();
        try {
            for (ValueType t : ts) {
                flattenType(t, flat, cap);
            }
        } catch (RuntimeException e) {
            if (e == FLAT_OVERFLOW) {
                return null;
            }
            throw e;
        }
        return flat;
    }

    /** {@code flatten_type} of a type known to flatten to at most MAX_FLAT_PARAMS values. */
    static List<CoreType> flattenType(ValueType t) {
        List<CoreType> flat = new ArrayList<>();
        flattenType(t, flat, Integer.MAX_VALUE);
        return flat;
    }

    private static void add(List<CoreType> out, CoreType t, int cap) {
        if (out.size() >= cap) {
            throw FLAT_OVERFLOW;
        }
        out.add(t);
    }

    static void flattenType(ValueType t, List<CoreType> out, int cap) {
        switch (t) {
            case ValueType.Primitive p -> {
                switch (p.type()) {
                    case S64, U64 -> add(out, CoreType.I64, cap);
                    case F32 -> add(out, CoreType.F32, cap);
                    case F64 -> add(out, CoreType.F64, cap);
                    case STRING -> {
                        add(out, CoreType.I32, cap);
                        add(out, CoreType.I32, cap);
                    }
                    default -> add(out, CoreType.I32, cap);
                }
            }
            case ValueType.ListType l -> {
                if (l.length().isPresent()) {
                    for (int i = 0; i < l.length().getAsInt(); i++) {
                        flattenType(l.element(), out, cap);
                    }
                } else {
                    add(out, CoreType.I32, cap);
                    add(out, CoreType.I32, cap);
                }
            }
            case ValueType.FlagsType f -> add(out, CoreType.I32, cap);
            case ValueType.OwnType o -> add(out, CoreType.I32, cap);
            case ValueType.StreamType st -> add(out, CoreType.I32, cap);
            case ValueType.FutureType ft -> add(out, CoreType.I32, cap);
            case ValueType.BorrowType b -> add(out, CoreType.I32, cap);
            default -> {
                List<ValueType> fields = fieldTypes(t);
                if (fields != null) {
                    for (ValueType f : fields) {
                        flattenType(f, out, cap);
                    }
                    return;
                }
                List<CoreType> v = flattenVariant(cases(t), cap);
                for (CoreType c : v) {
                    add(out, c, cap);
                }
            }
        }
    }

    static List<CoreType> flattenVariant(List<ValueType.Case> cases) {
        return flattenVariant(cases, Integer.MAX_VALUE);
    }

    static List<CoreType> flattenVariant(List<ValueType.Case> cases, int cap) {
        List<CoreType> flat = new ArrayList<>();
        for (ValueType.Case c : cases) {
            if (c.type().isPresent()) {
                List<CoreType> ft = new ArrayList<>();
                flattenType(c.type().get(), ft, cap);
                for (int i = 0; i < ft.size(); i++) {
                    if (i < flat.size()) {
                        flat.set(i, join(flat.get(i), ft.get(i)));
                    } else {
                        flat.add(ft.get(i));
                    }
                }
            }
        }
        List<CoreType> result = new ArrayList<>(flat.size() + 1);
        result.add(CoreType.I32);
        result.addAll(flat);
        return result;
    }

    /** {@code flatten_variant} capped at {@code cap} flat values, or null beyond. */
    static List<CoreType> flattenVariantOrNull(List<ValueType.Case> cases, int cap) {
        try {
            return flattenVariant(cases, cap);
        } catch (RuntimeException e) {
            if (e == FLAT_OVERFLOW) {
                return null;
            }
            throw e;
        }
    }

    static CoreType join(CoreType a, CoreType b) {
        if (a == b) {
            return a;
        }
        if ((a == CoreType.I32 && b == CoreType.F32) || (a == CoreType.F32 && b == CoreType.I32)) {
            return CoreType.I32;
        }
        return CoreType.I64;
    }

    // ---- flat lifting -----------------------------------------------------------------------------------------

    /** CanonicalABI.md {@code CoreValueIter} over core values in the long representation. */
    static final class CoreValueIter {
        private final long[] values;
        private int i;

        CoreValueIter(long[] values) {
            this.values = values;
        }

        long next(CoreType t) {
            if (i >= values.length) {
                throw new IllegalStateException("canonical ABI: fewer core values than the flattened type needs");
            }
            long v = values[i++];
            return t == CoreType.I32 || t == CoreType.F32 ? v & 0xffff_ffffL : v;
        }
    }

    /** Where a flat lift reads its next core value from: the plain iterator, or a variant's coercing view. */
    interface FlatSource {
        long next(CoreType want);
    }

    static ComponentValue liftFlat(AbiContext cx, FlatSource vi, Layout t) {
        switch (t.kind) {
            case PRIMITIVE -> {
                return switch (t.primitive) {
                    case BOOL -> ComponentValue.bool(vi.next(CoreType.I32) != 0);
                    case U8 -> new ComponentValue.U8((int) (vi.next(CoreType.I32) & 0xff));
                    case U16 -> new ComponentValue.U16((int) (vi.next(CoreType.I32) & 0xffff));
                    case U32 -> new ComponentValue.U32(vi.next(CoreType.I32));
                    case U64 -> new ComponentValue.U64(vi.next(CoreType.I64));
                    case S8 -> new ComponentValue.S8((byte) vi.next(CoreType.I32));
                    case S16 -> new ComponentValue.S16((short) vi.next(CoreType.I32));
                    case S32 -> new ComponentValue.S32((int) vi.next(CoreType.I32));
                    case S64 -> new ComponentValue.S64(vi.next(CoreType.I64));
                    case F32 -> f32FromBits((int) vi.next(CoreType.F32));
                    case F64 -> f64FromBits(vi.next(CoreType.F64));
                    case CHAR -> convertI32ToChar(vi.next(CoreType.I32));
                    case STRING -> {
                        long ptr = vi.next(CoreType.I32);
                        long packedLength = vi.next(CoreType.I32);
                        yield loadStringFromRange(cx, ptr, packedLength);
                    }
                    case ERROR_CONTEXT -> ErrorContexts.lift(cx, vi.next(CoreType.I32));
                };
            }
            case FIXED_LIST -> {
                cx.charge(t.fixedLength);
                List<ComponentValue> a = new ArrayList<>(t.fixedLength);
                for (int i = 0; i < t.fixedLength; i++) {
                    a.add(liftFlat(cx, vi, t.element));
                }
                return new ComponentValue.ListValue(a);
            }
            case LIST -> {
                long ptr = vi.next(CoreType.I32);
                long length = vi.next(CoreType.I32);
                return new ComponentValue.ListValue(loadListFromRange(cx, ptr, length, t.element));
            }
            case FLAGS -> {
                return unpackFlags(vi.next(CoreType.I32), t.labels);
            }
            case OWN -> {
                return liftOwn(cx, (int) vi.next(CoreType.I32), t.resource);
            }
            case STREAM, FUTURE -> {
                return Streams.lift(cx, (int) vi.next(CoreType.I32), t);
            }
            case BORROW -> {
                return liftBorrow(cx, (int) vi.next(CoreType.I32), t.resource);
            }
            case RECORD -> {
                ComponentValue[] values = new ComponentValue[t.fields.length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = liftFlat(cx, vi, t.fields[i]);
                }
                return makeRecord(t, java.util.Arrays.asList(values));
            }
            case VARIANT -> {
                CoreType[] flatTypes = t.payloadFlat;
                long caseIndex = vi.next(CoreType.I32);
                Traps.trapIf(caseIndex >= t.cases.size(), "invalid variant discriminant");
                int[] pos = {0};
                FlatSource coerce = want -> {
                    CoreType have = flatTypes[pos[0]++];
                    long x = vi.next(have);
                    // bits are kept as bits, so every join coercion is at most a wrap to the low 32 bits
                    return want == CoreType.I32 || want == CoreType.F32 ? x & 0xffff_ffffL : x;
                };
                Layout payload = t.payloads[(int) caseIndex];
                ComponentValue value = payload == null ? null : liftFlat(cx, coerce, payload);
                while (pos[0] < flatTypes.length) {
                    vi.next(flatTypes[pos[0]++]);
                }
                return makeCase(t, (int) caseIndex, value);
            }
        }
        throw new IllegalStateException(t.kind.name());
    }

    // ---- flat lowering ----------------------------------------------------------------------------------------

    /** Flat core values being produced by lowering: a growable array of longs (no boxing). */
    static final class FlatValues {
        private long[] values = new long[8];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }

    static void lowerFlat(AbiContext cx, ComponentValue v, Layout layout, FlatValues out) {
        ValueType t = layout.type;
        switch (layout.kind) {
            case PRIMITIVE -> {
                switch (layout.primitive) {
                    case BOOL -> out.add(expect(v, ComponentValue.Bool.class, t).value() ? 1L : 0L);
                    case U8 -> out.add(expect(v, ComponentValue.U8.class, t).value());
                    case U16 -> out.add(expect(v, ComponentValue.U16.class, t).value());
                    case U32 -> out.add(expect(v, ComponentValue.U32.class, t).value());
                    case U64 -> out.add(expect(v, ComponentValue.U64.class, t).value());
                    case S8 -> out.add(Integer.toUnsignedLong(expect(v, ComponentValue.S8.class, t).value()));
                    case S16 -> out.add(Integer.toUnsignedLong(expect(v, ComponentValue.S16.class, t).value()));
                    case S32 -> out.add(Integer.toUnsignedLong(expect(v, ComponentValue.S32.class, t).value()));
                    case S64 -> out.add(expect(v, ComponentValue.S64.class, t).value());
                    case F32 -> out.add(f32Bits(expect(v, ComponentValue.F32.class, t).value()));
                    case F64 -> out.add(f64Bits(expect(v, ComponentValue.F64.class, t).value()));
                    case CHAR -> out.add(expect(v, ComponentValue.Char.class, t).codePoint());
                    case STRING -> {
                        long[] r = storeStringIntoRange(cx, expect(v, ComponentValue.Str.class, t));
                        out.add(r[0]);
                        out.add(r[1]);
                    }
                    case ERROR_CONTEXT -> out.add(ErrorContexts.lower(cx, v, t));
                }
            }
            case FIXED_LIST -> {
                for (ComponentValue e : listElements(v, layout)) {
                    lowerFlat(cx, e, layout.element, out);
                }
            }
            case LIST -> {
                long[] r = storeListIntoRange(cx, listElements(v, layout), layout.element);
                out.add(r[0]);
                out.add(r[1]);
            }
            case FLAGS -> out.add(packFlags(v, (ValueType.FlagsType) t));
            case OWN -> out.add(lowerOwn(cx, v, (ValueType.OwnType) t));
            case STREAM, FUTURE -> out.add(Streams.lower(cx, v, layout));
            case BORROW -> out.add(lowerBorrow(cx, v, (ValueType.BorrowType) t));
            case RECORD -> {
                List<ComponentValue> values = recordValues(v, layout);
                for (int i = 0; i < layout.fields.length; i++) {
                    lowerFlat(cx, values.get(i), layout.fields[i], out);
                }
            }
            case VARIANT -> {
                CaseValue cv = matchCase(v, t, layout.cases);
                out.add(cv.index);
                int payloadCount = 0;
                Layout payload = layout.payloads[cv.index];
                if (payload != null) {
                    int before = out.size();
                    lowerFlat(cx, cv.payload, payload, out);
                    // the join coercions (f32->i32, i32->i64, f32->i64, f64->i64) are identities on bits
                    payloadCount = out.size() - before;
                }
                for (int i = payloadCount; i < layout.payloadFlat.length; i++) {
                    out.add(0L);
                }
            }
        }
    }

    // ---- lifting and lowering values --------------------------------------------------------------------------

    /** {@code lift_flat_values} for types without a call plan (the async built-ins): layouts made on the spot. */
    static List<ComponentValue> liftFlatValues(AbiContext cx, int maxFlat, CoreValueIter vi, List<ValueType> ts) {
        return liftFlatValues(cx, flattenTypes(ts, maxFlat) != null, Layout.tupleOf(ts), vi);
    }

    /** {@code lift_flat_values} with the flattening decided already ({@code flat}; else spilled as {@code tuple}). */
    static List<ComponentValue> liftFlatValues(AbiContext cx, boolean flat, Layout tuple, CoreValueIter vi) {
        if (!flat) {
            long ptr = vi.next(CoreType.I32);
            checkSpillPointer(cx, ptr, tuple);
            return loadFields(cx, ptr, tuple);
        }
        ComponentValue[] result = new ComponentValue[tuple.fields.length];
        for (int i = 0; i < result.length; i++) {
            result[i] = liftFlat(cx, vi::next, tuple.fields[i]);
        }
        return java.util.Arrays.asList(result);
    }

    /** {@code lower_flat_values} for types without a call plan (the async built-ins): layouts made on the spot. */
    static long[] lowerFlatValues(AbiContext cx, int maxFlat, List<ComponentValue> vs, List<ValueType> ts,
            CoreValueIter outParam) {
        if (vs.size() != ts.size()) {
            throw new ComponentException("type mismatch: expected " + ts.size() + " values, found " + vs.size());
        }
        return lowerFlatValues(cx, flattenTypes(ts, maxFlat) != null, Layout.tupleOf(ts), vs, outParam);
    }

    /** {@code lower_flat_values} with the flattening decided already ({@code flatOk}; else spilled as {@code tuple}). */
    static long[] lowerFlatValues(AbiContext cx, boolean flatOk, Layout tuple, List<ComponentValue> vs,
            CoreValueIter outParam) {
        if (vs.size() != tuple.fields.length) {
            throw new ComponentException("type mismatch: expected " + tuple.fields.length + " values, found " + vs.size());
        }
        if (!flatOk) {
            long ptr;
            if (outParam == null) {
                ptr = cx.allocate(tuple.alignment, tuple.size);
                cx.checkAllocation(ptr, tuple.alignment, tuple.size, "list");
            } else {
                ptr = outParam.next(CoreType.I32);
                checkSpillPointer(cx, ptr, tuple);
            }
            storeFields(cx, vs, tuple, ptr);
            return outParam == null ? new long[] {ptr} : new long[0];
        }
        FlatValues flat = new FlatValues();
        for (int i = 0; i < vs.size(); i++) {
            lowerFlat(cx, vs.get(i), tuple.fields[i], flat);
        }
        return flat.toArray();
    }

    private static void checkSpillPointer(AbiContext cx, long ptr, Layout tuple) {
        Traps.trapIf(ptr % tuple.alignment != 0, Traps.UNALIGNED);
        Traps.trapIf(ptr + tuple.size > cx.memLength(), "pointer out of bounds of memory");
    }

    // ---- values by type ---------------------------------------------------------------------------------------

    record CaseValue(int index, ComponentValue payload) {
    }

    static ComponentValue makeRecord(Layout t, List<ComponentValue> values) {
        if (t.names != null) {
            ComponentValue.Field[] fields = new ComponentValue.Field[values.size()];
            for (int i = 0; i < fields.length; i++) {
                fields[i] = new ComponentValue.Field(t.names[i], values.get(i));
            }
            return new ComponentValue.RecordValue(java.util.Arrays.asList(fields));
        }
        return new ComponentValue.TupleValue(values);
    }

    static ComponentValue makeCase(Layout t, int index, ComponentValue payload) {
        Optional<ComponentValue> p = Optional.ofNullable(payload);
        return switch (t.type) {
            case ValueType.EnumType e -> new ComponentValue.EnumValue(t.cases.get(index).name());
            case ValueType.OptionType o -> new ComponentValue.OptionValue(p);
            case ValueType.ResultType r -> new ComponentValue.ResultValue(index == 0, p);
            default -> new ComponentValue.VariantValue(t.cases.get(index).name(), p);
        };
    }

    /** The field values of a record or tuple value in the order of type {@code layout}. */
    static List<ComponentValue> recordValues(ComponentValue v, Layout layout) {
        ValueType t = layout.type;
        if (layout.names != null && v instanceof ComponentValue.RecordValue rv) {
            List<ComponentValue.Field> fields = rv.fields();
            if (fields.size() != layout.names.length) {
                throw mismatch(t, v);
            }
            ComponentValue[] values = new ComponentValue[fields.size()];
            for (int i = 0; i < values.length; i++) {
                // fields usually come in declaration order; otherwise look the name up
                String name = layout.names[i];
                ComponentValue.Field f = fields.get(i);
                values[i] = f.name().equals(name) ? f.value() : rv.get(name).orElseThrow(() -> new ComponentException(
                        "type mismatch: record value has no field `" + name + "`"));
            }
            return java.util.Arrays.asList(values);
        }
        if (layout.names == null && t instanceof ValueType.TupleType && v instanceof ComponentValue.TupleValue tv
                && tv.elements().size() == layout.fields.length) {
            return tv.elements();
        }
        throw mismatch(t, v);
    }

    static List<ComponentValue> listElements(ComponentValue v, Layout t) {
        if (!(v instanceof ComponentValue.ListValue l)) {
            throw mismatch(t.type, v);
        }
        if (t.kind == Layout.Kind.FIXED_LIST && l.elements().size() != t.fixedLength) {
            throw new ComponentException("type mismatch: expected a list of " + t.fixedLength
                    + " elements, found " + l.elements().size());
        }
        return l.elements();
    }

    /** {@code match_case}; options and results also accept variant values with their case names. */
    static CaseValue matchCase(ComponentValue v, ValueType t, List<ValueType.Case> cases) {
        int index;
        Optional<ComponentValue> payload;
        switch (v) {
            case ComponentValue.VariantValue vv -> {
                index = indexOf(cases, vv.caseName());
                payload = vv.payload();
            }
            case ComponentValue.EnumValue ev when t instanceof ValueType.EnumType -> {
                index = indexOf(cases, ev.label());
                payload = Optional.empty();
            }
            case ComponentValue.OptionValue ov when t instanceof ValueType.OptionType -> {
                index = ov.value().isPresent() ? 1 : 0;
                payload = ov.value();
            }
            case ComponentValue.ResultValue rv when t instanceof ValueType.ResultType -> {
                index = rv.ok() ? 0 : 1;
                payload = rv.payload();
            }
            default -> throw mismatch(t, v);
        }
        if (index < 0) {
            throw new ComponentException("type mismatch: " + v + " is not a case of " + t);
        }
        if (cases.get(index).type().isPresent() != payload.isPresent()) {
            throw new ComponentException("type mismatch: case `" + cases.get(index).name() + "` of " + t
                    + (payload.isPresent() ? " has no payload" : " needs a payload"));
        }
        return new CaseValue(index, payload.orElse(null));
    }

    private static int indexOf(List<ValueType.Case> cases, String name) {
        for (int i = 0; i < cases.size(); i++) {
            if (cases.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    static <V extends ComponentValue> V expect(ComponentValue v, Class<V> c, ValueType t) {
        if (!c.isInstance(v)) {
            throw mismatch(t, v);
        }
        return c.cast(v);
    }

    static ComponentException mismatch(ValueType t, ComponentValue v) {
        return new ComponentException("type mismatch: expected " + t + ", found " + v);
    }
}
