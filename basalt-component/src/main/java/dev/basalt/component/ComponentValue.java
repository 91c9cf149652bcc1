package dev.basalt.component;

import dev.basalt.component.internal.runtime.ScalarList;
import dev.basalt.component.model.PrimValType;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A component-level value for the dynamic API: arguments and results of {@code ComponentFunc.call}, host functions
 * and WAST literals. Values do not carry their type; they are checked against a {@link ValueType} when lowered
 * (a mismatch is a {@link ComponentException} naming both). Unsigned integers are held in the next wider Java
 * type ({@code u8}/{@code u16} as int, {@code u32} as long) and checked for range on construction, except
 * {@code u64}, which is a long read as unsigned. Floats compare by bits (records' equality), so two NaNs with
 * the same payload are equal; lifting canonicalises NaNs (CanonicalABI.md {@code canonicalize_nan32}).
 * Lists of numeric types can be made from and read as primitive arrays ({@link #u8List(byte[])},
 * {@link ListValue#toByteArray()}, ...): the runtime moves those with one bulk copy.
 */
public sealed interface ComponentValue {
    record Bool(boolean value) implements ComponentValue {
    }

    record S8(byte value) implements ComponentValue {
    }

    record U8(int value) implements ComponentValue {
        public U8 {
            checkRange("u8", value, 0, 0xff);
        }
    }

    record S16(short value) implements ComponentValue {
    }

    record U16(int value) implements ComponentValue {
        public U16 {
            checkRange("u16", value, 0, 0xffff);
        }
    }

    record S32(int value) implements ComponentValue {
    }

    record U32(long value) implements ComponentValue {
        public U32 {
            checkRange("u32", value, 0, 0xffff_ffffL);
        }
    }

    record S64(long value) implements ComponentValue {
    }

    /** A {@code u64}; {@code value} holds the 64 bits (read with {@link Long#toUnsignedString(long)}). */
    record U64(long value) implements ComponentValue {
        @Override
        public String toString() {
            return "U64[value=" + Long.toUnsignedString(value) + "]";
        }
    }

    record F32(float value) implements ComponentValue {
    }

    record F64(double value) implements ComponentValue {
    }

    /** A Unicode scalar value (a code point that is not a surrogate). */
    record Char(int codePoint) implements ComponentValue {
        public Char {
            if (codePoint < 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
                throw new ComponentException("char out of range: 0x" + Integer.toHexString(codePoint)
                        + " is not a Unicode scalar value");
            }
        }
    }

    /** A {@code string}; must be valid Unicode (no unpaired surrogates), checked when lowered. */
    record Str(String value) implements ComponentValue {
        public Str {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A {@code list<T>} or fixed-size {@code list<T, n>}. Lists of a numeric type ({@code u8}..{@code s64},
     * {@code f32}, {@code f64}) made by the runtime or by the bulk factories ({@link #u8List(byte[])} and the
     * others) are held in one primitive array: {@link #elements()} then makes each element value on demand, and
     * the {@code to...Array} methods and {@link #asByteBuffer()} copy (or view) the array without per-element
     * objects. Such a list equals a list of the same element values made any other way.
     */
    record ListValue(List<ComponentValue> elements) implements ComponentValue {
        public ListValue {
            elements = elements instanceof ScalarList ? elements : List.copyOf(elements);
        }

        /**
         * The elements of a {@code list<u8>} or {@code list<s8>} as bytes (a copy); a {@link ComponentException} if an
         * element is anything else.
         */
        public byte[] toByteArray() {
            if (elements instanceof ScalarList s && s.array() instanceof byte[] a) {
                return a.clone();
            }
            byte[] out = new byte[elements.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (elements.get(i)) {
                    case U8 u -> (byte) u.value();
                    case S8 b -> b.value();
                    case ComponentValue other -> throw notAnElementOf("u8 or s8", other);
                };
            }
            return out;
        }

        /**
         * The elements of a {@code list<u8>} or {@code list<s8>} as a read-only buffer: a view without a copy for a
         * list held in a byte array (what lifting makes), a copy otherwise.
         */
        public java.nio.ByteBuffer asByteBuffer() {
            byte[] a = elements instanceof ScalarList s && s.array() instanceof byte[] b ? b : toByteArray();
            return java.nio.ByteBuffer.wrap(a).asReadOnlyBuffer();
        }

        /** The elements of a {@code list<u16>} (their bits) or {@code list<s16>} (a copy). */
        public short[] toShortArray() {
            if (elements instanceof ScalarList s && s.array() instanceof short[] a) {
                return a.clone();
            }
            short[] out = new short[elements.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (elements.get(i)) {
                    case U16 u -> (short) u.value();
                    case S16 b -> b.value();
                    case ComponentValue other -> throw notAnElementOf("u16 or s16", other);
                };
            }
            return out;
        }

        /** The elements of a {@code list<u32>} (their bits) or {@code list<s32>} (a copy). */
        public int[] toIntArray() {
            if (elements instanceof ScalarList s && s.array() instanceof int[] a) {
                return a.clone();
            }
            int[] out = new int[elements.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (elements.get(i)) {
                    case U32 u -> (int) u.value();
                    case S32 b -> b.value();
                    case ComponentValue other -> throw notAnElementOf("u32 or s32", other);
                };
            }
            return out;
        }

        /** The elements of a {@code list<u64>} (their bits) or {@code list<s64>} (a copy). */
        public long[] toLongArray() {
            if (elements instanceof ScalarList s && s.array() instanceof long[] a) {
                return a.clone();
            }
            long[] out = new long[elements.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (elements.get(i)) {
                    case U64 u -> u.value();
                    case S64 b -> b.value();
                    case ComponentValue other -> throw notAnElementOf("u64 or s64", other);
                };
            }
            return out;
        }

        /** The elements of a {@code list<f32>} (a copy). */
        public float[] toFloatArray() {
            if (elements instanceof ScalarList s && s.array() instanceof float[] a) {
                return a.clone();
            }
            float[] out = new float[elements.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(elements.get(i) instanceof F32 f)) {
                    throw notAnElementOf("f32", elements.get(i));
                }
                out[i] = f.value();
            }
            return out;
        }

        /** The elements of a {@code list<f64>} (a copy). */
        public double[] toDoubleArray() {
            if (elements instanceof ScalarList s && s.array() instanceof double[] a) {
                return a.clone();
            }
            double[] out = new double[elements.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(elements.get(i) instanceof F64 f)) {
                    throw notAnElementOf("f64", elements.get(i));
                }
                out[i] = f.value();
            }
            return out;
        }

        private static ComponentException notAnElementOf(String expected, ComponentValue found) {
            return new ComponentException("expected a list of " + expected + ", found an element " + found);
        }
    }

    /** A {@code record}: fields in declaration order with their labels. */
    record RecordValue(List<Field> fields) implements ComponentValue {
        public RecordValue {
            fields = List.copyOf(fields);
        }

        /** The value of field {@code name}. */
        public Optional<ComponentValue> get(String name) {
            return fields.stream().filter(f -> f.name().equals(name)).map(Field::value).findFirst();
        }
    }

    record Field(String name, ComponentValue value) {
        public Field {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    record TupleValue(List<ComponentValue> elements) implements ComponentValue {
        public TupleValue {
            elements = List.copyOf(elements);
        }
    }

    /** A {@code variant} case by label, with its payload if the case has one. */
    record VariantValue(String caseName, Optional<ComponentValue> payload) implements ComponentValue {
        public VariantValue {
            Objects.requireNonNull(caseName, "caseName");
            Objects.requireNonNull(payload, "payload");
        }
    }

    record EnumValue(String label) implements ComponentValue {
        public EnumValue {
            Objects.requireNonNull(label, "label");
        }
    }

    /** {@code option<T>}: {@code some(v)} or {@code none} (empty). */
    record OptionValue(Optional<ComponentValue> value) implements ComponentValue {
        public OptionValue {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code result<T, E>}: {@code ok} tells the case; {@code payload} is empty where that side has no type. */
    record ResultValue(boolean ok, Optional<ComponentValue> payload) implements ComponentValue {
        public ResultValue {
            Objects.requireNonNull(payload, "payload");
        }
    }

    /** {@code flags}: the set labels (order is irrelevant for equality). */
    record FlagsValue(Set<String> labels) implements ComponentValue {
        public FlagsValue {
            labels = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(labels));
        }
    }

    /** An owned handle ({@code own<R>}). */
    record Own(ResourceHandle handle) implements ComponentValue {
        public Own {
            Objects.requireNonNull(handle, "handle");
        }
    }

    /** A borrowed handle ({@code borrow<R>}). */
    record Borrow(ResourceHandle handle) implements ComponentValue {
        public Borrow {
            Objects.requireNonNull(handle, "handle");
        }
    }

    /**
     * The readable end of a stream or future passed between components ({@code stream<T>}, {@code future<T>}): an
     * opaque reference to the shared state that both ends use; it moves into the instance it is lowered into.
     */
    record AsyncEnd(Object shared) implements ComponentValue {
        public AsyncEnd {
            Objects.requireNonNull(shared, "shared");
        }
    }

    /**
     * An {@code error-context}: an immutable value carrying a debug message, made by a guest's
     * {@code error-context.new} or by the host, passed by copy (each component instance it is lowered into gets its
     * own handle to it, which {@code error-context.drop} removes). Code must not depend on the message for its
     * behaviour (the canonical ABI lets a host drop or change it); Basalt keeps it as the guest wrote it.
     */
    record ErrorContext(String debugMessage) implements ComponentValue {
        public ErrorContext {
            Objects.requireNonNull(debugMessage, "debugMessage");
        }
    }

    static Bool bool(boolean v) {
        return new Bool(v);
    }

    static S8 s8(int v) {
        checkRange("s8", v, Byte.MIN_VALUE, Byte.MAX_VALUE);
        return new S8((byte) v);
    }

    static U8 u8(int v) {
        return new U8(v);
    }

    static S16 s16(int v) {
        checkRange("s16", v, Short.MIN_VALUE, Short.MAX_VALUE);
        return new S16((short) v);
    }

    static U16 u16(int v) {
        return new U16(v);
    }

    static S32 s32(int v) {
        return new S32(v);
    }

    static U32 u32(long v) {
        return new U32(v);
    }

    static S64 s64(long v) {
        return new S64(v);
    }

    static U64 u64(long bits) {
        return new U64(bits);
    }

    static F32 f32(float v) {
        return new F32(v);
    }

    static F64 f64(double v) {
        return new F64(v);
    }

    static Char character(int codePoint) {
        return new Char(codePoint);
    }

    static Str string(String v) {
        return new Str(v);
    }

    static ListValue list(ComponentValue... elements) {
        return new ListValue(Arrays.asList(elements));
    }

    static ListValue list(List<? extends ComponentValue> elements) {
        return new ListValue(List.copyOf(elements));
    }

    /** A {@code list<u8>} of {@code bytes} (copied), held in one byte array. */
    static ListValue u8List(byte[] bytes) {
        return new ListValue(ScalarList.wrap(PrimValType.U8, bytes.clone()));
    }

    /** A {@code list<u8>} of {@code length} bytes of {@code bytes} from {@code offset} (copied). */
    static ListValue u8List(byte[] bytes, int offset, int length) {
        return new ListValue(ScalarList.wrap(PrimValType.U8, Arrays.copyOfRange(bytes, offset,
                Math.addExact(offset, length))));
    }

    /** A {@code list<u8>} of the remaining bytes of {@code buffer} (copied; the buffer's position is unchanged). */
    static ListValue u8List(java.nio.ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return new ListValue(ScalarList.wrap(PrimValType.U8, bytes));
    }

    /** A {@code list<s8>} of {@code bytes} (copied). */
    static ListValue s8List(byte[] bytes) {
        return new ListValue(ScalarList.wrap(PrimValType.S8, bytes.clone()));
    }

    /** A {@code list<u16>} of the bits in {@code values} (copied). */
    static ListValue u16List(short[] values) {
        return new ListValue(ScalarList.wrap(PrimValType.U16, values.clone()));
    }

    static ListValue s16List(short[] values) {
        return new ListValue(ScalarList.wrap(PrimValType.S16, values.clone()));
    }

    /** A {@code list<u32>} of the bits in {@code values} (copied). */
    static ListValue u32List(int[] values) {
        return new ListValue(ScalarList.wrap(PrimValType.U32, values.clone()));
    }

    static ListValue s32List(int[] values) {
        return new ListValue(ScalarList.wrap(PrimValType.S32, values.clone()));
    }

    /** A {@code list<u64>} of the bits in {@code values} (copied). */
    static ListValue u64List(long[] values) {
        return new ListValue(ScalarList.wrap(PrimValType.U64, values.clone()));
    }

    static ListValue s64List(long[] values) {
        return new ListValue(ScalarList.wrap(PrimValType.S64, values.clone()));
    }

    static ListValue f32List(float[] values) {
        return new ListValue(ScalarList.wrap(PrimValType.F32, values.clone()));
    }

    static ListValue f64List(double[] values) {
        return new ListValue(ScalarList.wrap(PrimValType.F64, values.clone()));
    }

    static RecordValue record(Field... fields) {
        return new RecordValue(List.of(fields));
    }

    static Field field(String name, ComponentValue value) {
        return new Field(name, value);
    }

    static TupleValue tuple(ComponentValue... elements) {
        return new TupleValue(Arrays.asList(elements));
    }

    static VariantValue variant(String caseName, ComponentValue payload) {
        return new VariantValue(caseName, Optional.ofNullable(payload));
    }

    static VariantValue variant(String caseName) {
        return new VariantValue(caseName, Optional.empty());
    }

    static EnumValue enumValue(String label) {
        return new EnumValue(label);
    }

    static OptionValue some(ComponentValue v) {
        return new OptionValue(Optional.of(v));
    }

    static OptionValue none() {
        return new OptionValue(Optional.empty());
    }

    static ResultValue ok(ComponentValue v) {
        return new ResultValue(true, Optional.ofNullable(v));
    }

    static ResultValue ok() {
        return new ResultValue(true, Optional.empty());
    }

    static ResultValue err(ComponentValue v) {
        return new ResultValue(false, Optional.ofNullable(v));
    }

    static ResultValue err() {
        return new ResultValue(false, Optional.empty());
    }

    static FlagsValue flags(String... labels) {
        return new FlagsValue(new LinkedHashSet<>(Arrays.asList(labels)));
    }

    static Own own(ResourceHandle handle) {
        return new Own(handle);
    }

    static Borrow borrow(ResourceHandle handle) {
        return new Borrow(handle);
    }

    private static void checkRange(String type, long v, long min, long max) {
        if (v < min || v > max) {
            throw new ComponentException(type + " out of range: " + v);
        }
    }
}
