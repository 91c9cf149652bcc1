package dev.basalt.wasm.wast;

import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.V128;

/** A constant argument of an {@code invoke}: {@code (i32.const 1)}, {@code (ref.null func)}, {@code (ref.extern 7)}, ... */
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
}
