package dev.basalt.internal.runtime;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.wasm.TableType;
import java.util.Arrays;

/**
 * The mutable state of one table: its elements (references in the runtime representation described in
 * {@link Refs}) and limits. Element storage is allocated for the current size only and grown on demand, so a
 * table declared with a huge maximum costs nothing until it grows.
 *
 * <p>Function entries are made on first use, like {@link ModuleInstance#func}'s functions: an active element
 * segment of function indices ({@link #initLazily}) records the segment as a {@link LazyRun} instead of making a
 * function object per entry (StarlingMonkey's JS runtime fills a 7,775-entry table, of which a request calls a
 * few dozen). A null in {@link #elements} inside a run stands for the run's function, made by whoever reads it
 * ({@link #get}, {@link #elementOrLazy}, {@code call_indirect}'s null path) and then stored in place. Writes keep
 * the runs exact: a non-null value in {@link #elements} hides the run's entry, and a write that may store a null
 * first removes the written range from the runs, so a null left in a run's range always means "not made yet".
 * Like the store, a table is used by one thread at a time.
 */
public final class TableInstance {
    /** Types of the defining module, to interpret concrete heap types in {@link #type}; null for host objects. */
    public DefinedType[] ownerTypes;
    public final TableType type;
    /** Maximum number of elements, from the type and the store's limit. */
    public final long max;
    /**
     * The entries; a null inside one of {@link #lazyRuns}' ranges is that run's function, not made yet (read such
     * entries through {@link #get} or {@link #elementOrLazy}).
     */
    public Object[] elements;
    public int size;
    private final StoreState store;
    /** Ranges of entries still to be made from an element segment's function indices; null when there are none. */
    private LazyRun[] lazyRuns;

    /**
     * Entries {@code [start, start + length)} of the table are functions {@code functions[from ...]} of
     * {@code owner} (a negative index: null), to be made on first read. {@code functions} is the module's shared,
     * precomputed segment ({@code Module.Defined.elementFunctions}), never written.
     */
    private record LazyRun(int start, int length, int[] functions, int from, ModuleInstance owner) {
        int end() {
            return start + length;
        }
    }

    /**
     * Past this many runs (writes of nulls split them), the table makes every pending entry and drops the runs, so
     * the lookup on a null entry stays a short scan.
     */
    private static final int MAX_LAZY_RUNS = 8;

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
        Object value = elements[(int) index];
        return value != null ? value : elementOrLazy((int) index);
    }

    /**
     * The entry at {@code index} (in bounds) when {@link #elements} holds null there: the pending function of a
     * lazy run, made now and stored in place, or null. The slow path of every reader of {@link #elements}.
     */
    public Object elementOrLazy(int index) {
        Object value = elements[index];
        if (value != null || lazyRuns == null) {
            return value;
        }
        for (LazyRun run : lazyRuns) {
            if (index >= run.start && index < run.end()) {
                int function = run.functions[run.from + index - run.start];
                if (function < 0) {
                    return null;
                }
                FunctionInstance made = run.owner.func(function);
                elements[index] = made;
                return made;
            }
        }
        return null;
    }

    public void set(long index, Object value) {
        if (index < 0 || index >= size) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
        if (value == null && lazyRuns != null) {
            forgetLazy((int) index, 1);
        }
        elements[(int) index] = value;
    }

    /**
     * An active element segment of function indices ({@code functions[j]} is a function of {@code owner}, negative
     * for a null entry) written at {@code d}: the entries become a lazy run, made on first read. The caller checked
     * the bounds. Entries already in the range are overwritten as the segment would overwrite them.
     */
    public void initLazily(int d, int[] functions, ModuleInstance owner) {
        int n = functions.length;
        if (n == 0) {
            return;
        }
        forgetLazy(d, n);
        Arrays.fill(elements, d, d + n, null);
        LazyRun run = new LazyRun(d, n, functions, 0, owner);
        if (lazyRuns == null) {
            lazyRuns = new LazyRun[] {run};
        } else if (lazyRuns.length >= MAX_LAZY_RUNS) {
            makeAllLazy();
            lazyRuns = new LazyRun[] {run};
        } else {
            lazyRuns = Arrays.copyOf(lazyRuns, lazyRuns.length + 1);
            lazyRuns[lazyRuns.length - 1] = run;
        }
    }

    /** Makes the pending entries of {@code [from, from + n)} (in bounds), before they are read in bulk. */
    private void makeLazy(int from, int n) {
        if (lazyRuns == null) {
            return;
        }
        for (int i = from; i < from + n; i++) {
            if (elements[i] == null) {
                elementOrLazy(i);
            }
        }
    }

    /** Makes every pending entry and drops the runs. */
    private void makeAllLazy() {
        for (LazyRun run : lazyRuns) {
            makeLazy(run.start, run.length);
        }
        lazyRuns = null;
    }

    /**
     * Removes {@code [from, from + n)} from the lazy runs before a write that may store nulls there: a null written
     * must read as null, not as the run's function. Runs split around the range; past {@link #MAX_LAZY_RUNS} every
     * pending entry is made instead.
     */
    private void forgetLazy(int from, int n) {
        if (lazyRuns == null || n == 0) {
            return;
        }
        int to = from + n;
        // runs are disjoint, so at most one run is split in two: one more run than before at most
        LazyRun[] kept = new LazyRun[lazyRuns.length + 1];
        int count = 0;
        for (LazyRun run : lazyRuns) {
            if (run.end() <= from || run.start >= to) {
                kept[count++] = run;
                continue;
            }
            if (run.start < from) {
                kept[count++] = new LazyRun(run.start, from - run.start, run.functions, run.from, run.owner);
            }
            if (run.end() > to) {
                kept[count++] = new LazyRun(to, run.end() - to, run.functions, run.from + to - run.start, run.owner);
            }
        }
        if (count > MAX_LAZY_RUNS) {
            lazyRuns = Arrays.copyOf(kept, count);
            makeAllLazy();
            return;
        }
        lazyRuns = count == 0 ? null : Arrays.copyOf(kept, count);
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
        if (value == null) {
            forgetLazy((int) dst, (int) len);
        }
        Arrays.fill(elements, (int) dst, (int) (dst + len), value);
    }

    public static void copy(TableInstance dst, long d, TableInstance src, long s, long len) {
        if (d < 0 || s < 0 || len < 0 || d > dst.size - len || s > src.size - len) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
        src.makeLazy((int) s, (int) len);
        dst.forgetLazy((int) d, (int) len);
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
        forgetLazy((int) d, (int) n);
        System.arraycopy(seg, (int) s, elements, (int) d, (int) n);
    }
}
