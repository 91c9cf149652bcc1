package dev.basalt.wasm;

import java.util.List;

/**
 * The shape of a defined type: a function, struct or array type.
 *
 * <p>See <a href="https://webassembly.github.io/spec/core/syntax/types.html#composite-types">Composite Types</a>.
 */
public sealed interface CompositeType permits CompositeType.Func, CompositeType.Struct, CompositeType.Array {

    /** {@code (func (param ...) (result ...))}. */
    record Func(List<ValType> params, List<ValType> results) implements CompositeType {
        public Func {
            params = List.copyOf(params);
            results = List.copyOf(results);
        }

        @Override
        public String toString() {
            return params + " -> " + results;
        }
    }

    /** {@code (struct (field ...)*)}. */
    record Struct(List<FieldType> fields) implements CompositeType {
        public Struct {
            fields = List.copyOf(fields);
        }
    }

    /** {@code (array (field ...))}. */
    record Array(FieldType element) implements CompositeType {
        public Array {
            java.util.Objects.requireNonNull(element, "element");
        }
    }
}
