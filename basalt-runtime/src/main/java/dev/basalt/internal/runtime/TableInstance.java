package dev.basalt.internal.runtime;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.wasm.TableType;
import java.util.Arrays;

/**
 * The mutable state of one table: its elements (references in the runtime representation described in
 * {@link Refs}) and limits. Element storage is allocated for the current size only and grown on demand, so a
 * table declared with a huge maximum costs nothing until it grows.
 */
public final class TableInstance {
    /** Types of the defining module, to interpret concrete heap types in {@link #type}; null for host objects. */
    public DefinedType[] ownerTypes;
    public final TableType type;
    /** Maximum number of elements, from the type and the store's limit. */
    public final long max;
    public Object[] elements;
    public int size;
    private final StoreState store;

    public TableInstance(TableType type, Object init, StoreState store) {
        this.type = type;
        this.store = store;
        long declaredMax = type.limits().max().orElse(type.is64() ? Long.MAX_VALUE : 0xFFFF_FFFFL);
        if (declaredMax < 0) {
            declaredMax = Long.MAX_VALUE; // an unsigned 64-bit maximum beyond 2^63
        }
        this.max = Math.min(declaredMax, Integer.MAX_VALUE - 8);
        long min = type.limits().min();
        if (min < 0 || min > max || min > store.maxTableElements) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS, "table minimum size " + min + " exceeds the store limit");
        }
        try {
            elements = new Object[(int) min];
        } catch (OutOfMemoryError e) {
            throw new Trap(TrapKind.ALLOCATION_TOO_LARGE, "table of " + min + " elements");
        }
        size = (int) min;
        if (init != null) {
            Arrays.fill(elements, init);
        }
    }

    public Object get(long index) {
        if (index < 0 || index >= size) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
        return elements[(int) index];
    }

    public void set(long index, Object value) {
        if (index < 0 || index >= size) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
        elements[(int) index] = value;
    }

    /** Grows by {@code delta} elements filled with {@code init}; returns the old size, or -1 if not allowed. */
    public long grow(long delta, Object init) {
        long old = size;
        if (delta < 0 || delta > max - old || old + delta > store.maxTableElements) {
            return -1;
        }
        int newSize = (int) (old + delta);
        if (newSize > elements.length) {
            try {
                elements = Arrays.copyOf(elements, newSize);
            } catch (OutOfMemoryError e) {
                return -1;
            }
        }
        Arrays.fill(elements, (int) old, newSize, init);
        size = newSize;
        return old;
    }

    public void fill(long dst, Object value, long len) {
        if (dst < 0 || len < 0 || dst > size - len) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
        Arrays.fill(elements, (int) dst, (int) (dst + len), value);
    }

    public static void copy(TableInstance dst, long d, TableInstance src, long s, long len) {
        if (d < 0 || s < 0 || len < 0 || d > dst.size - len || s > src.size - len) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
        System.arraycopy(src.elements, (int) s, dst.elements, (int) d, (int) len);
    }

    /**
     * {@code table.init}: copies {@code n} references of element segment {@code seg} from {@code s} to {@code d};
     * {@code s} and {@code n} are unsigned 32-bit values, {@code d} an index already widened for the table type.
     */
    public void init(long d, Object[] seg, long s, long n) {
        if (s + n > seg.length || d < 0 || d > size - n) { // d may be Long.MAX_VALUE: no d + n
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
        System.arraycopy(seg, (int) s, elements, (int) d, (int) n);
    }
}
