package dev.basalt.component.internal.runtime;

import java.util.ArrayList;

/**
 * CanonicalABI.md {@code Table}: a component instance's handles. Index 0 is reserved; freed indices are reused
 * last-freed-first (the free list order is normative, tests assert exact indices); at most 2^28 - 1 entries.
 */
public final class HandleTable {
    static final int MAX_LENGTH = (1 << 28) - 1;

    private final ArrayList<Object> array = new ArrayList<>();
    private int[] free = new int[8];
    private int freeCount;

    public HandleTable() {
        array.add(null);
    }

    /** The resource handle at {@code index} (an unsigned i32). */
    public HandleEntry get(int index) {
        if (getAny(index) instanceof HandleEntry h) {
            return h;
        }
        throw Traps.trap("handle index " + Integer.toUnsignedString(index) + " is not a resource handle");
    }

    /** The element at {@code index} (a resource handle, waitable, waitable set, error context or thread). */
    public Object getAny(int index) {
        long i = Integer.toUnsignedLong(index);
        if (i >= array.size() || array.get((int) i) == null) {
            throw Traps.trap("unknown handle index " + Integer.toUnsignedString(index));
        }
        return array.get((int) i);
    }

    public int add(Object e) {
        if (freeCount > 0) {
            int i = free[--freeCount];
            array.set(i, e);
            return i;
        }
        int i = array.size();
        Traps.trapIf(i > MAX_LENGTH, "handle table full");
        array.add(e);
        return i;
    }

    public HandleEntry remove(int index) {
        get(index);
        return (HandleEntry) removeAny(index);
    }

    public Object removeAny(int index) {
        Object e = getAny(index);
        array.set(index, null);
        if (freeCount == free.length) {
            free = java.util.Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = index;
        return e;
    }

    /** Number of live entries (for tests and diagnostics). */
    public int size() {
        return array.size() - 1 - freeCount;
    }
}
