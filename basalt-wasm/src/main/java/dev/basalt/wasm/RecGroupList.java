package dev.basalt.wasm;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.RandomAccess;

/**
 * A module's recursion groups as an unmodifiable list that also holds the flat type index space, computed once:
 * {@link WasmModule#types()} is asked per function and per instruction by the validator, translators and compilers,
 * and flattening the groups on each call would make them quadratic in the number of types.
 */
final class RecGroupList extends AbstractList<RecGroup> implements RandomAccess {
    private final RecGroup[] groups;
    private final List<SubType> types;

    private RecGroupList(List<RecGroup> groups) {
        this.groups = groups.toArray(new RecGroup[0]);
        List<SubType> all = new ArrayList<>();
        for (RecGroup g : this.groups) {
            all.addAll(g.types());
        }
        this.types = Collections.unmodifiableList(all);
    }

    /** {@code groups} itself if it is a {@code RecGroupList} already (immutable), else an immutable copy. */
    static RecGroupList of(List<RecGroup> groups) {
        return groups instanceof RecGroupList list ? list : new RecGroupList(List.copyOf(groups));
    }

    /** All types of all groups in index order (unmodifiable; no copy). */
    List<SubType> types() {
        return types;
    }

    @Override
    public RecGroup get(int index) {
        return groups[index];
    }

    @Override
    public int size() {
        return groups.length;
    }
}
