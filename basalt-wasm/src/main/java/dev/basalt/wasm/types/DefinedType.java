package dev.basalt.wasm.types;

import java.util.Optional;

/**
 * The canonical identity of a defined type (a type of a module's type section), independent of any module.
 *
 * <p>Under Wasm's iso-recursive type equivalence two defined types are equal iff their recursion groups are
 * structurally identical (internal references compared by position inside the group, external ones by canonical
 * identity) and they sit at the same position in their group. Basalt interns every recursion group in one
 * process-wide table ({@link TypeSpace}), so equal types are represented by <em>the same object</em> (for as long
 * as any of them is reachable; the table holds groups weakly): compare
 * {@code DefinedType}s with {@code ==} (or {@link #equals}, which is identity). This holds across modules, which is
 * what {@code call_indirect}, {@code ref.cast}/{@code ref.test} and import type checks need.
 *
 * <p>Subtyping between defined types is declared: {@code a <: b} iff {@code a == b} or the declared supertype of
 * {@code a} is a subtype of {@code b} ({@link #isSubtypeOf}). The check walks the supertype chain and costs
 * O(depth difference).
 *
 * <p>Instances are immutable and thread-safe.
 *
 * <p>See <a href="https://webassembly.github.io/spec/core/valid/conventions.html#rolling-and-unrolling">
 * Rolling and Unrolling</a> and <a href="https://webassembly.github.io/spec/core/valid/matching.html">Matching</a>.
 */
public final class DefinedType {
    /** The shape of a defined type. */
    public enum Kind {
        FUNC, STRUCT, ARRAY
    }

    /** Strong reference on purpose: it keeps the group interned while this type is reachable. */
    private final TypeCanonicalizer.CanonicalGroup group;
    private final int indexInGroup;
    private final Kind kind;
    private final boolean isFinal;
    private final DefinedType supertype;
    private final int depth;
    private final long serial;

    DefinedType(TypeCanonicalizer.CanonicalGroup group, int indexInGroup, Kind kind, boolean isFinal, DefinedType supertype, long serial) {
        this.group = group;
        this.indexInGroup = indexInGroup;
        this.kind = kind;
        this.isFinal = isFinal;
        this.supertype = supertype;
        this.depth = supertype == null ? 0 : supertype.depth + 1;
        this.serial = serial;
    }

    /** Whether this is a function, struct or array type. */
    public Kind kind() {
        return kind;
    }

    /** Whether the type was declared final (no type may declare it as supertype). */
    public boolean isFinal() {
        return isFinal;
    }

    /** The declared supertype, if any. */
    public Optional<DefinedType> supertype() {
        return Optional.ofNullable(supertype);
    }

    /** The length of the declared supertype chain above this type (0 for a type without supertype). */
    public int depth() {
        return depth;
    }

    /** The position of this type inside its recursion group. */
    public int indexInGroup() {
        return indexInGroup;
    }

    /** Whether this and {@code other} belong to the same canonical recursion group. */
    public boolean sameGroup(DefinedType other) {
        return group == other.group;
    }

    /** Declared subtyping: {@code this == other} or this type's supertype chain contains {@code other}. */
    public boolean isSubtypeOf(DefinedType other) {
        if (other.depth > depth) {
            return false;
        }
        DefinedType t = this;
        for (int i = depth - other.depth; i > 0; i--) {
            t = t.supertype;
        }
        return t == other;
    }

    @Override
    public String toString() {
        return "deftype#" + serial + "." + indexInGroup + "(" + kind.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
