package dev.basalt.wasm;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A module's imports as an unmodifiable list that also holds the imports of each kind, computed once: index-space
 * questions ({@link WasmModule#importCount}, {@link WasmModule#functionCount()}, ...) are asked per function by the
 * translators and compilers, and a scan of the imports on each would make them quadratic in the module's size.
 */
final class ImportList extends AbstractList<Import> implements RandomAccess {
    private final Import[] all;
    /** The imports of each kind in order, indexed by {@link ExternKind#ordinal()}. */
    private final List<List<Import>> byKind;

    private ImportList(List<Import> imports) {
        this.all = imports.toArray(new Import[0]);
        List<List<Import>> kinds = new ArrayList<>();
        for (ExternKind kind : ExternKind.values()) {
            List<Import> ofKind = new ArrayList<>();
            for (Import i : all) {
                if (i.desc().kind() == kind) {
                    ofKind.add(i);
                }
            }
            kinds.add(List.copyOf(ofKind));
        }
        this.byKind = List.copyOf(kinds);
    }

    /** {@code imports} itself if it is an {@code ImportList} already (immutable), else an immutable copy. */
    static ImportList of(List<Import> imports) {
        return imports instanceof ImportList list ? list : new ImportList(List.copyOf(imports));
    }

    /** The imports of {@code kind} in order (unmodifiable; no copy). */
    List<Import> ofKind(ExternKind kind) {
        return byKind.get(kind.ordinal());
    }

    @Override
    public Import get(int index) {
        return all[index];
    }

    @Override
    public int size() {
        return all.length;
    }
}
