package dev.basalt.component;

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

    /** A {@code list<T>} or fixed-size {@code list<T, n>}. */
    record ListValue(List<ComponentValue> elements) implements ComponentValue {
        public ListValue {
            elements = List.copyOf(elements);
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
