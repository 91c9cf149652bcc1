package dev.basalt.component.wit;

import java.util.List;
import java.util.Optional;

/**
 * A resolved WIT value type. Named types are referenced by {@link Resolve.TypeId}; everything else is structural.
 * A {@link Ref} to a resource type (directly or through aliases and {@code use}) denotes an owned handle, as a
 * bare resource name does in WIT; {@link Handle} is written {@code own<r>} or {@code borrow<r>}.
 */
public sealed interface WitType {
    /** The built-in scalar types, {@code string} and {@code error-context}. */
    enum Primitive implements WitType {
        BOOL("bool"), S8("s8"), U8("u8"), S16("s16"), U16("u16"), S32("s32"), U32("u32"), S64("s64"), U64("u64"),
        F32("f32"), F64("f64"), CHAR("char"), STRING("string"), ERROR_CONTEXT("error-context");

        private final String wit;

        Primitive(String wit) {
            this.wit = wit;
        }

        /** The WIT keyword. */
        public String wit() {
            return wit;
        }

        /** The primitive named by a WIT keyword, if it is one. */
        public static Optional<Primitive> of(String keyword) {
            for (Primitive p : values()) {
                if (p.wit.equals(keyword)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /** A named type (record, variant, enum, flags, resource, alias or {@code use}d type). */
    record Ref(Resolve.TypeId id) implements WitType {}

    record ListOf(WitType element) implements WitType {}

    /** {@code list<T, N>}: a fixed-length list (🔧 gated in the spec). */
    record FixedListOf(WitType element, int length) implements WitType {}

    record OptionOf(WitType inner) implements WitType {}

    /** {@code result}, {@code result<T>}, {@code result<_, E>} or {@code result<T, E>}. */
    record ResultOf(Optional<WitType> ok, Optional<WitType> err) implements WitType {}

    record TupleOf(List<WitType> types) implements WitType {
        public TupleOf {
            types = List.copyOf(types);
        }
    }

    /** {@code map<K, V>} (🗺️ gated in the spec). */
    record MapOf(WitType key, WitType value) implements WitType {}

    /** {@code own<r>} or {@code borrow<r>}; {@code resource} is the resource type (possibly via aliases). */
    record Handle(boolean borrow, Resolve.TypeId resource) implements WitType {}

    /** {@code future} or {@code future<T>} (async; parsed and resolved, not yet executed). */
    record FutureOf(Optional<WitType> payload) implements WitType {}

    /** {@code stream} or {@code stream<T>} (async; parsed and resolved, not yet executed). */
    record StreamOf(Optional<WitType> payload) implements WitType {}
}
