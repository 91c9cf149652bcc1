package dev.basalt.wasm.types;

import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.FieldType;
import dev.basalt.wasm.RecGroup;
import dev.basalt.wasm.RefType;
import dev.basalt.wasm.StorageType;
import dev.basalt.wasm.SubType;
import dev.basalt.wasm.ValType;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The process-wide table of canonical recursion groups (package-private; {@link TypeSpace} is the API).
 *
 * <p>A recursion group is turned into a flat token list ({@link GroupKey}) in which every reference to a type of the
 * same group is an {@link Internal} position and every reference to an earlier type is that type's canonical
 * {@link DefinedType} object (identity-compared). Two groups are iso-recursively equivalent exactly when their token
 * lists are equal, so a {@link ConcurrentHashMap} keyed by the token list interns them.
 *
 * <p>The table holds groups weakly: every {@link DefinedType} points to its {@link CanonicalGroup}, so a group stays
 * interned exactly as long as some type of it is reachable (from a module, an engine, a runtime value, or a later
 * group that refers to it through its key). A server that loads many different modules over time therefore does not
 * accumulate their types. Cleared entries are expunged on the next interning.
 */
final class TypeCanonicalizer {
    private static final ConcurrentHashMap<GroupKey, GroupRef> GROUPS = new ConcurrentHashMap<>();
    private static final ReferenceQueue<CanonicalGroup> CLEARED = new ReferenceQueue<>();
    private static final AtomicLong SERIAL = new AtomicLong();

    /** One interned recursion group: the object all its types keep alive. */
    static final class CanonicalGroup {
        final GroupKey key;
        final DefinedType[] types;

        CanonicalGroup(GroupKey key, int size) {
            this.key = key;
            this.types = new DefinedType[size];
        }
    }

    /** The table's weak reference to a group, remembering its key so that the entry can be removed. */
    private static final class GroupRef extends WeakReference<CanonicalGroup> {
        final GroupKey key;

        GroupRef(CanonicalGroup group) {
            super(group, CLEARED);
            this.key = group.key;
        }
    }

    /** The number of groups currently interned (for tests and diagnostics). */
    static int internedGroups() {
        expunge();
        return GROUPS.size();
    }

    private static void expunge() {
        for (Reference<? extends CanonicalGroup> r; (r = CLEARED.poll()) != null; ) {
            GroupRef g = (GroupRef) r;
            GROUPS.remove(g.key, g);
        }
    }

    private TypeCanonicalizer() {
    }

    /** A reference to the type at this position inside the group being canonicalized. */
    record Internal(int index) {
    }

    /** A reference type in token form; {@code heap} is an AbsHeapType, a DefinedType or an Internal. */
    record RefToken(boolean nullable, Object heap) {
    }

    /** The structure of a whole recursion group, with references resolved as described in the class comment. */
    record GroupKey(List<Object> tokens) {
    }

    /**
     * The canonical types of {@code group}, whose first type has module type index {@code base}.
     * {@code earlier} resolves the canonical type of an index below {@code base}. Throws
     * {@link IllegalArgumentException} with the offending index for a reference past the group's end or a supertype
     * that does not precede its subtype.
     */
    static DefinedType[] canonicalize(RecGroup group, int base, IntFunction<DefinedType> earlier) {
        List<SubType> types = group.types();
        int n = types.size();
        List<Object> tokens = new ArrayList<>();
        tokens.add(n);
        for (int i = 0; i < n; i++) {
            SubType st = types.get(i);
            tokens.add(st.isFinal());
            tokens.add(st.supertypes().size());
            for (int sup : st.supertypes()) {
                if (sup >= base + i || sup < 0) {
                    throw new TypeIndexException(sup, true);
                }
                tokens.add(ref(sup, base, n, earlier));
            }
            switch (st.composite()) {
                case CompositeType.Func f -> {
                    tokens.add(DefinedType.Kind.FUNC);
                    tokens.add(f.params().size());
                    for (ValType t : f.params()) {
                        tokens.add(valToken(t, base, n, earlier));
                    }
                    tokens.add(f.results().size());
                    for (ValType t : f.results()) {
                        tokens.add(valToken(t, base, n, earlier));
                    }
                }
                case CompositeType.Struct s -> {
                    tokens.add(DefinedType.Kind.STRUCT);
                    tokens.add(s.fields().size());
                    for (FieldType ft : s.fields()) {
                        tokens.add(ft.mutable());
                        tokens.add(storageToken(ft.storageType(), base, n, earlier));
                    }
                }
                case CompositeType.Array a -> {
                    tokens.add(DefinedType.Kind.ARRAY);
                    tokens.add(a.element().mutable());
                    tokens.add(storageToken(a.element().storageType(), base, n, earlier));
                }
            }
        }
        GroupKey key = new GroupKey(List.copyOf(tokens));
        expunge();
        while (true) {
            GroupRef ref = GROUPS.get(key);
            CanonicalGroup existing = ref == null ? null : ref.get();
            if (existing != null) {
                return existing.types;
            }
            CanonicalGroup created = build(key, types, base, earlier);
            GroupRef createdRef = new GroupRef(created);
            boolean won = ref == null ? GROUPS.putIfAbsent(key, createdRef) == null
                    : GROUPS.replace(key, ref, createdRef);
            if (won) {
                return created.types;
            }
            // Another thread interned the group meanwhile (or replaced a cleared entry): use its types.
        }
    }

    private static CanonicalGroup build(GroupKey key, List<SubType> types, int base, IntFunction<DefinedType> earlier) {
        long serial = SERIAL.incrementAndGet();
        CanonicalGroup group = new CanonicalGroup(key, types.size());
        DefinedType[] out = group.types;
        for (int i = 0; i < out.length; i++) {
            SubType st = types.get(i);
            DefinedType sup = null;
            if (!st.supertypes().isEmpty()) {
                int s = st.supertypes().get(0);
                sup = s >= base ? out[s - base] : earlier.apply(s);
            }
            DefinedType.Kind kind = switch (st.composite()) {
                case CompositeType.Func f -> DefinedType.Kind.FUNC;
                case CompositeType.Struct s -> DefinedType.Kind.STRUCT;
                case CompositeType.Array a -> DefinedType.Kind.ARRAY;
            };
            out[i] = new DefinedType(group, i, kind, st.isFinal(), sup, serial);
        }
        return group;
    }

    private static Object storageToken(StorageType t, int base, int n, IntFunction<DefinedType> earlier) {
        return t instanceof ValType v ? valToken(v, base, n, earlier) : t;
    }

    private static Object valToken(ValType t, int base, int n, IntFunction<DefinedType> earlier) {
        if (t instanceof RefType r) {
            Object heap = r.heapType() instanceof dev.basalt.wasm.HeapType.Concrete c
                    ? ref(c.typeIndex(), base, n, earlier)
                    : r.heapType();
            return new RefToken(r.nullable(), heap);
        }
        return t;
    }

    private static Object ref(int index, int base, int n, IntFunction<DefinedType> earlier) {
        if (index < base) {
            return earlier.apply(index);
        }
        if (index < base + n) {
            return new Internal(index - base);
        }
        throw new TypeIndexException(index, false);
    }

    /** A type reference that does not resolve (unknown index, or a supertype that does not precede its subtype). */
    static final class TypeIndexException extends RuntimeException {
        final int index;
        final boolean supertype;

        TypeIndexException(int index, boolean supertype) {
            super("unknown type " + index, null, false, false);
            this.index = index;
            this.supertype = supertype;
        }
    }
}
