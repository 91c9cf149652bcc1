package dev.basalt.wasm;

import java.util.List;

/**
 * A defined type with its place in the subtype hierarchy: {@code (sub final? supertype* comptype)}.
 * A type written without {@code sub} is final and has no supertypes.
 */
public record SubType(boolean isFinal, List<Integer> supertypes, CompositeType composite) {
    public SubType {
        supertypes = List.copyOf(supertypes);
        java.util.Objects.requireNonNull(composite, "composite");
    }

    /** A final type without supertypes, the MVP kind of type definition. */
    public static SubType of(CompositeType composite) {
        return new SubType(true, List.of(), composite);
    }
}
