package dev.basalt;

import dev.basalt.internal.runtime.TableInstance;
import dev.basalt.wasm.TableType;

/** A table of references of some instance, or created by the host. */
public final class Table implements Extern {
    final TableInstance table;
    final Store<?> store;

    Table(TableInstance table, Store<?> store) {
        this.table = table;
        this.store = store;
    }

    /** A new host table of an abstract reference type, filled with {@code init}. */
    public static Table create(Store<?> store, TableType type, Val init) {
        return new Table(new TableInstance(type, Values.toRef(init), store.state), store);
    }

    public TableType type() {
        return table.type;
    }

    public long size() {
        return table.size;
    }

    public Val get(long index) {
        return Values.fromRef(table.type.elementType(), table.get(index), store, table.ownerTypes);
    }

    public void set(long index, Val value) {
        table.set(index, Values.toRef(value));
    }

    /** Grows by {@code delta}; returns the old size or -1 when a limit forbids it. */
    public long grow(long delta, Val init) {
        return table.grow(delta, Values.toRef(init));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Table t && t.table == table;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(table);
    }
}
