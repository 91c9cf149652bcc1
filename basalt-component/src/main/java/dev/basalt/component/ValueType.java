package dev.basalt.component;

import dev.basalt.component.model.PrimValType;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A component value type with every type index resolved (Explainer.md "Type Definitions", after
 * {@code despecialize} keeps the specialised forms apart so values print as written). This is what
 * {@link ComponentValue}s are checked against when they are lowered, and what a lifted value is decoded by.
 * Primitives reuse the binary model's {@link PrimValType}; resource handles name the {@link ResourceType} they
 * refer to (resource types are generative, compared by identity).
 */
public sealed interface ValueType {
    Primitive BOOL = new Primitive(PrimValType.BOOL);
    Primitive S8 = new Primitive(PrimValType.S8);
    Primitive U8 = new Primitive(PrimValType.U8);
    Primitive S16 = new Primitive(PrimValType.S16);
    Primitive U16 = new Primitive(PrimValType.U16);
    Primitive S32 = new Primitive(PrimValType.S32);
    Primitive U32 = new Primitive(PrimValType.U32);
    Primitive S64 = new Primitive(PrimValType.S64);
    Primitive U64 = new Primitive(PrimValType.U64);
    Primitive F32 = new Primitive(PrimValType.F32);
    Primitive F64 = new Primitive(PrimValType.F64);
    Primitive CHAR = new Primitive(PrimValType.CHAR);
    Primitive STRING = new Primitive(PrimValType.STRING);
    /** {@code error-context}; its values are {@link ComponentValue.ErrorContext}. */
    Primitive ERROR_CONTEXT = new Primitive(PrimValType.ERROR_CONTEXT);

    /** bool, s8..u64, f32, f64, char, string and error-context. */
    record Primitive(PrimValType type) implements ValueType {
        @Override
        public String toString() {
            return type.text();
        }
    }

    /** {@code list<t>}, or with {@code length} the fixed-size {@code list<t, n>}. */
    record ListType(ValueType element, OptionalInt length) implements ValueType {
        public ListType(ValueType element) {
            this(element, OptionalInt.empty());
        }

        @Override
        public String toString() {
            return "list<" + element + (length.isPresent() ? ", " + length.getAsInt() : "") + ">";
        }
    }

    record RecordType(List<Field> fields) implements ValueType {
        public RecordType {
            fields = List.copyOf(fields);
        }

        @Override
        public String toString() {
            return "record { " + String.join(", ", fields.stream().map(f -> f.name() + ": " + f.type()).toList()) + " }";
        }
    }

    record Field(String name, ValueType type) {
    }

    record TupleType(List<ValueType> types) implements ValueType {
        public TupleType {
            types = List.copyOf(types);
        }

        @Override
        public String toString() {
            return "tuple<" + String.join(", ", types.stream().map(Object::toString).toList()) + ">";
        }
    }

    record VariantType(List<Case> cases) implements ValueType {
        public VariantType {
            cases = List.copyOf(cases);
        }

        /** The index of case {@code name}, or -1. */
        public int indexOf(String name) {
            for (int i = 0; i < cases.size(); i++) {
                if (cases.get(i).name().equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return "variant { " + String.join(", ", cases.stream()
                    .map(c -> c.name() + c.type().map(t -> "(" + t + ")").orElse("")).toList()) + " }";
        }
    }

    /** A variant case; {@code type} is empty for a case without payload. */
    record Case(String name, Optional<ValueType> type) {
    }

    record EnumType(List<String> labels) implements ValueType {
        public EnumType {
            labels = List.copyOf(labels);
        }

        @Override
        public String toString() {
            return "enum { " + String.join(", ", labels) + " }";
        }
    }

    record OptionType(ValueType type) implements ValueType {

        @Override
        public String toString() {
            return "option<" + type + ">";
        }
    }

    /** {@code result<ok, error>}; either side may be absent ({@code result}, {@code result<T>}, {@code result<_, E>}). */
    record ResultType(Optional<ValueType> ok, Optional<ValueType> error) implements ValueType {

        @Override
        public String toString() {
            if (ok.isEmpty() && error.isEmpty()) {
                return "result";
            }
            return "result<" + ok.map(Object::toString).orElse("_") + error.map(e -> ", " + e).orElse("") + ">";
        }
    }

    record FlagsType(List<String> labels) implements ValueType {
        public FlagsType {
            labels = List.copyOf(labels);
        }

        @Override
        public String toString() {
            return "flags { " + String.join(", ", labels) + " }";
        }
    }

    /** {@code own<r>}. */
    record OwnType(ResourceType resource) implements ValueType {

        @Override
        public String toString() {
            return "own<" + resource.name() + ">";
        }
    }

    /** {@code borrow<r>}. */
    record BorrowType(ResourceType resource) implements ValueType {

        @Override
        public String toString() {
            return "borrow<" + resource.name() + ">";
        }
    }

    /** {@code stream<T>} ({@code stream} without a payload: {@code element} empty). */
    record StreamType(Optional<ValueType> element) implements ValueType {

        @Override
        public String toString() {
            return element.map(e -> "stream<" + e + ">").orElse("stream");
        }
    }

    /** {@code future<T>} ({@code future} without a payload: {@code element} empty). */
    record FutureType(Optional<ValueType> element) implements ValueType {

        @Override
        public String toString() {
            return element.map(e -> "future<" + e + ">").orElse("future");
        }
    }

    static ListType list(ValueType element) {
        return new ListType(element);
    }

    static OptionType option(ValueType type) {
        return new OptionType(type);
    }

    static ResultType result(ValueType ok, ValueType error) {
        return new ResultType(Optional.ofNullable(ok), Optional.ofNullable(error));
    }

    static TupleType tuple(ValueType... types) {
        return new TupleType(List.of(types));
    }

    static RecordType record(Field... fields) {
        return new RecordType(List.of(fields));
    }

    static Field field(String name, ValueType type) {
        return new Field(name, type);
    }

    static VariantType variant(Case... cases) {
        return new VariantType(List.of(cases));
    }

    static Case caseOf(String name, ValueType type) {
        return new Case(name, Optional.ofNullable(type));
    }

    static EnumType enumOf(String... labels) {
        return new EnumType(List.of(labels));
    }

    static FlagsType flags(String... labels) {
        return new FlagsType(List.of(labels));
    }
}
