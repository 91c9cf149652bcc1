package dev.basalt.wasm.wast;

import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.V128;
import java.util.List;
import java.util.Optional;

/**
 * A constant argument of an {@code invoke}: {@code (i32.const 1)}, {@code (ref.null func)}, {@code (ref.extern 7)},
 * ... and the component-model values of the component test scripts ({@code (u8.const 1)}, {@code (str.const "s")},
 * {@code (list.const ...)}, {@code (record.const (field "a" ...))}, ...). Component floats use {@link F32}/{@link F64}.
 */
public sealed interface WastValue {
    record I32(int value) implements WastValue {
    }

    record I64(long value) implements WastValue {
    }

    /** Raw bits, so NaN payloads are exact. */
    record F32(int bits) implements WastValue {
    }

    /** Raw bits, so NaN payloads are exact. */
    record F64(long bits) implements WastValue {
    }

    record Vec(V128 value) implements WastValue {
    }

    /** {@code (ref.null ht)}. */
    record RefNull(HeapType heapType) implements WastValue {
    }

    /** {@code (ref.extern n)}: a host reference the harness makes, equal to any other with the same n. */
    record RefExtern(long id) implements WastValue {
    }

    /** {@code (ref.host n)}: like ref.extern, a host reference identified by n. */
    record RefHost(long id) implements WastValue {
    }

    /** {@code (bool.const true|false)}. */
    record Bool(boolean value) implements WastValue {
    }

    /** The component integer types. */
    enum IntType {
        S8, U8, S16, U16, S32, U32, S64, U64;

        /** The text keyword prefix, e.g. "u8". */
        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * {@code (u8.const n)} .. {@code (s64.const n)}: {@code value} is the number, sign-extended for signed types and
     * zero-extended for unsigned ones except {@code u64}, whose value is its 64 bits.
     */
    record Int(IntType type, long value) implements WastValue {
    }

    /** {@code (char.const "c")}: one Unicode scalar value. */
    record Char(int codePoint) implements WastValue {
    }

    /** {@code (str.const "...")}. */
    record Str(String value) implements WastValue {
    }

    /** {@code (list.const v*)}. */
    record ListOf(List<WastValue> elements) implements WastValue {
        public ListOf {
            elements = List.copyOf(elements);
        }
    }

    /** {@code (tuple.const v*)}. */
    record TupleOf(List<WastValue> elements) implements WastValue {
        public TupleOf {
            elements = List.copyOf(elements);
        }
    }

    /** {@code (record.const (field "name" v)*)}. */
    record RecordOf(List<Field> fields) implements WastValue {
        public RecordOf {
            fields = List.copyOf(fields);
        }
    }

    record Field(String name, WastValue value) {
    }

    /** {@code (variant.const "case" v?)}. */
    record VariantOf(String caseName, Optional<WastValue> payload) implements WastValue {
    }

    /** {@code (enum.const "case")}. */
    record EnumOf(String caseName) implements WastValue {
    }

    /** {@code (option.none)} or {@code (option.some v)}. */
    record OptionOf(Optional<WastValue> value) implements WastValue {
    }

    /** {@code (result.ok v?)} or {@code (result.err v?)}. */
    record ResultOf(boolean ok, Optional<WastValue> payload) implements WastValue {
    }

    /** {@code (flags.const "a"*)}. */
    record FlagsOf(List<String> labels) implements WastValue {
        public FlagsOf {
            labels = List.copyOf(labels);
        }
    }
}
