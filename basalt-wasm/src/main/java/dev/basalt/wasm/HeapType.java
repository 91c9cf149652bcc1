package dev.basalt.wasm;

/**
 * A heap type: one of the abstract heap types, or a concrete type given by its index in the module's type space.
 *
 * <p>See <a href="https://webassembly.github.io/spec/core/syntax/types.html#heap-types">Heap Types</a>.
 */
public sealed interface HeapType permits AbsHeapType, HeapType.Concrete {

    /** A reference to a defined type, by its index in the module's (flattened) type space. */
    record Concrete(int typeIndex) implements HeapType {
        public Concrete {
            if (typeIndex < 0) {
                throw new IllegalArgumentException("negative type index " + typeIndex);
            }
        }

        @Override
        public String toString() {
            return Integer.toString(typeIndex);
        }
    }

    static HeapType concrete(int typeIndex) {
        return new Concrete(typeIndex);
    }
}
