package dev.basalt;

import dev.basalt.wasm.DataSegment;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.WasmModule;
import dev.basalt.internal.memory.LinearMemory;
import java.util.List;

/**
 * The initial contents of a module's defined memories with every active data segment applied, computed once per
 * {@link Module} and kept as the memory's non-zero runs: instantiating copies those into the freshly zeroed array,
 * without evaluating each segment's offset, checking its bounds or copying bytes that a later segment overwrites
 * (a Wizer-pre-initialised JS engine has 10,000 segments over 10 MiB; its runs are fewer and cover less). Copying
 * one full-size image instead was measured slower: it reads and writes every byte, zero or not, where zeroing a
 * new array is cheaper than copying zeros.
 *
 * <p>Only used when applying the segments one by one could not be told apart from starting with the image:
 * every active segment writes a memory the module defines (not imports: writes to an imported memory are visible
 * to others, also those of earlier segments when a later one traps), an unshared one, at a constant offset
 * ({@code i32.const}/{@code i64.const}), and lies within the memory's minimum size, so no segment can trap. A
 * defined memory is unreachable when instantiation fails, so writing it before the element segments run (which
 * may trap) is not observable; constant expressions cannot read memory. Otherwise {@link #of} returns null and
 * instantiation applies the segments in order as the spec says.
 */
final class MemoryImage {
    /**
     * Zero bytes between two non-zero runs up to which the runs are copied as one: copying a few zeros is cheaper
     * than another copy call, copying long zero gaps over the already zeroed array only costs bandwidth.
     */
    static final int MERGE_GAP = 64;

    /** Per defined memory (index minus the imported memories): where each non-zero run starts; null if none. */
    private final int[][] offsets;
    /** Per defined memory: the non-zero runs, parallel to {@link #offsets}. */
    private final byte[][][] runs;

    /**
     * The instance's data segments after instantiation: active ones dropped (empty), passive ones their bytes;
     * never written (memory.init reads it, data.drop replaces an instance's copy's element).
     */
    private final byte[][] datasAfterInstantiation;

    /**
     * Most arrays kept per defined memory for reuse: about as many as requests run at once on this machine; more
     * released at the same time are dropped (the garbage collector takes them).
     */
    static final int POOL_LIMIT = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    /** Per defined memory: arrays released by stores ({@link Store#release()}), each reset to this image. */
    private final Pool[] pools;

    /** Reset arrays of one defined memory, and its initial contents as one array (made on the first release). */
    private static final class Pool {
        final Bounded arrays = new Bounded();
        /** Written-page maps of released tracked memories, cleared ({@link LinearMemory#trackWrites}). */
        final Bounded maps = new Bounded();
        /** The memory's bytes up to the end of its last non-zero run, as instantiation leaves them. */
        volatile byte[] initial;
    }

    /** A queue of arrays for reuse that holds at most {@link #POOL_LIMIT}; further offers are dropped. */
    private static final class Bounded {
        private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> queue =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger size = new java.util.concurrent.atomic.AtomicInteger();

        /** A pooled array, or null if none is. */
        byte[] poll() {
            byte[] a = queue.poll();
            if (a != null) {
                size.decrementAndGet();
            }
            return a;
        }

        /** Pools {@code a} unless the pool is full. */
        void offer(byte[] a) {
            if (size.incrementAndGet() > POOL_LIMIT) {
                size.decrementAndGet();
                return;
            }
            queue.offer(a);
        }

        boolean full() {
            return size.get() >= POOL_LIMIT;
        }

        int size() {
            return size.get();
        }
    }

    private MemoryImage(int[][] offsets, byte[][][] runs, byte[][] datasAfterInstantiation) {
        this.offsets = offsets;
        this.runs = runs;
        this.datasAfterInstantiation = datasAfterInstantiation;
        this.pools = new Pool[offsets.length];
        for (int m = 0; m < pools.length; m++) {
            pools[m] = new Pool();
        }
    }

    /**
     * A released array of defined memory {@code definedIndex}, holding exactly what a fresh instantiation puts
     * there (zeros past the image), or null if none is pooled.
     */
    byte[] take(int definedIndex) {
        return pools[definedIndex].arrays.poll();
    }

    /**
     * A cleared written-page map for a tracked memory of defined memory {@code definedIndex} (a released one, or
     * a new one).
     */
    byte[] takeMap(int definedIndex) {
        byte[] map = pools[definedIndex].maps.poll();
        return map != null ? map : new byte[LinearMemory.WRITTEN_MAP_LENGTH];
    }

    /**
     * Resets {@code array} (a detached memory of defined memory {@code definedIndex} whose first {@code usedBytes}
     * bytes were reachable, all later ones zero) to the image and pools it, unless the pool is full or the array
     * grew far beyond the minimum size (keeping it would hold that much heap for the module's lifetime).
     *
     * <p>With a written-page map ({@code written}, non-null when every write to the memory was tracked since it
     * held the image: {@link LinearMemory#trackWrites}), only the pages marked in it are restored, each with the
     * bytes a store starting in it may have spilled into the next ({@link LinearMemory#WRITTEN_SPILL}); the map is
     * then cleared and pooled. A request of a large guest writes a few hundred KiB of a 10 MiB memory.
     *
     * <p>Without one, the reset writes every byte that a guest could have changed -- the image's extent from the
     * image, the rest of the used size with zeros -- rather than only the pages that differ: finding those means
     * reading both the array and the image, which was measured no cheaper than copying (the copy streams, the JVM
     * zeroes a new array no faster).
     */
    void recycle(int definedIndex, byte[] array, byte[] written, long usedBytes, long minBytes) {
        Pool pool = pools[definedIndex];
        boolean keep = array.length <= Math.max(2 * minBytes, minBytes + (16 << 20)) && !pool.arrays.full();
        byte[] initial = null;
        if (keep) {
            initial = pool.initial;
            if (initial == null) {
                initial = initialContents(definedIndex);
                pool.initial = initial;
            }
        }
        if (written != null) {
            int used = (int) usedBytes;
            int pages = (int) ((usedBytes + (1 << LinearMemory.WRITTEN_PAGE_LOG2) - 1) >>> LinearMemory.WRITTEN_PAGE_LOG2);
            for (int p = 0; p < pages; p++) {
                if (written[p] != 0) {
                    written[p] = 0;
                    if (keep) {
                        int from = p << LinearMemory.WRITTEN_PAGE_LOG2;
                        restore(array, initial, from,
                                Math.min(used, from + (1 << LinearMemory.WRITTEN_PAGE_LOG2) + LinearMemory.WRITTEN_SPILL));
                    }
                }
            }
            pool.maps.offer(written);
        } else if (keep) {
            restore(array, initial, 0, (int) usedBytes);
        }
        if (keep) {
            pool.arrays.offer(array);
        }
    }

    /** Writes {@code array[from, to)} as instantiation leaves it: from {@code initial}, zeros past its end. */
    private static void restore(byte[] array, byte[] initial, int from, int to) {
        int copyEnd = Math.min(to, initial.length);
        if (copyEnd > from) {
            System.arraycopy(initial, from, array, from, copyEnd - from);
        }
        int zeroFrom = Math.max(from, initial.length);
        if (to > zeroFrom) {
            java.util.Arrays.fill(array, zeroFrom, to, (byte) 0);
        }
    }

    /** How many reset arrays of defined memory {@code definedIndex} are pooled now. */
    int pooled(int definedIndex) {
        return pools[definedIndex].arrays.size();
    }

    /** The non-zero runs of defined memory {@code m} written into one array that ends where the last run ends. */
    private byte[] initialContents(int m) {
        int[] at = offsets[m];
        if (at == null) {
            return new byte[0];
        }
        byte[][] r = runs[m];
        byte[] initial = new byte[at[at.length - 1] + r[r.length - 1].length];
        for (int k = 0; k < at.length; k++) {
            System.arraycopy(r[k], 0, initial, at[k], r[k].length);
        }
        return initial;
    }

    /** A fresh copy of an instance's data segments after instantiation (see {@link #datasAfterInstantiation}). */
    byte[][] datasAfterInstantiation() {
        return datasAfterInstantiation.clone();
    }

    /** Start addresses of defined memory {@code definedIndex}'s non-zero runs, ascending; null if it has none. */
    int[] offsets(int definedIndex) {
        return offsets[definedIndex];
    }

    /** The runs whose start addresses {@link #offsets} gives. */
    byte[][] runs(int definedIndex) {
        return runs[definedIndex];
    }

    /** The image of {@code wasm}'s defined memories, or null when segments must be applied one by one (see class comment). */
    static MemoryImage of(WasmModule wasm) {
        List<DataSegment> data = wasm.data();
        int importedMemories = wasm.importCount(ExternKind.MEMORY);
        List<MemoryType> memories = wasm.memories();
        if (memories.isEmpty()) {
            return null;
        }
        long[] ends = new long[memories.size()];
        boolean any = false;
        for (DataSegment seg : data) {
            if (!(seg.mode() instanceof DataSegment.Active a)) {
                continue;
            }
            int defined = a.memory() - importedMemories;
            if (defined < 0) {
                return null;
            }
            MemoryType mt = memories.get(defined);
            if (mt.shared()) {
                return null;
            }
            long offset = constantOffset(a, mt);
            long minBytes = mt.limits().min() << mt.pageSizeLog2();
            if (offset < 0 || mt.limits().min() > (LinearMemory.MAX_BYTES >>> mt.pageSizeLog2())
                    || offset > minBytes - seg.init().length) {
                return null;
            }
            ends[defined] = Math.max(ends[defined], offset + seg.init().length);
            any = true;
        }
        if (!any) {
            return null;
        }
        byte[][] images = new byte[memories.size()][];
        for (int m = 0; m < images.length; m++) {
            if (ends[m] > 0) {
                images[m] = new byte[(int) ends[m]];
            }
        }
        // in segment order, so that a later segment overwrites an earlier one where they overlap
        for (DataSegment seg : data) {
            if (seg.mode() instanceof DataSegment.Active a && seg.init().length > 0) {
                int defined = a.memory() - importedMemories;
                long offset = constantOffset(a, memories.get(defined));
                System.arraycopy(seg.init(), 0, images[defined], (int) offset, seg.init().length);
            }
        }
        int[][] offsets = new int[images.length][];
        byte[][][] runs = new byte[images.length][][];
        for (int m = 0; m < images.length; m++) {
            if (images[m] != null) {
                splitRuns(images[m], m, offsets, runs);
            }
        }
        byte[][] datas = new byte[data.size()][];
        for (int i = 0; i < datas.length; i++) {
            datas[i] = data.get(i).mode() instanceof DataSegment.Active ? Instantiator.DROPPED_DATA : data.get(i).init();
        }
        return new MemoryImage(offsets, runs, datas);
    }

    /** Cuts {@code image} into its non-zero runs (gaps of at most {@link #MERGE_GAP} zeros kept inside a run). */
    private static void splitRuns(byte[] image, int m, int[][] offsets, byte[][][] runs) {
        List<int[]> spans = new java.util.ArrayList<>();
        int i = 0;
        int n = image.length;
        while (i < n) {
            while (i < n && image[i] == 0) {
                i++;
            }
            if (i == n) {
                break;
            }
            int start = i;
            int end = i;
            // extend over non-zero bytes and short zero gaps
            while (i < n) {
                if (image[i] != 0) {
                    end = ++i;
                } else if (i - end < MERGE_GAP) {
                    i++;
                } else {
                    break;
                }
            }
            spans.add(new int[] {start, end});
            i = end;
        }
        if (spans.isEmpty()) {
            return;
        }
        offsets[m] = new int[spans.size()];
        runs[m] = new byte[spans.size()][];
        for (int k = 0; k < spans.size(); k++) {
            int[] span = spans.get(k);
            offsets[m][k] = span[0];
            runs[m][k] = java.util.Arrays.copyOfRange(image, span[0], span[1]);
        }
    }

    /** The segment's offset when it is one constant instruction of the memory's address type; -1 otherwise. */
    private static long constantOffset(DataSegment.Active a, MemoryType mt) {
        List<Instruction> ins = a.offset().instructions();
        if (ins.size() != 1) {
            return -1;
        }
        return switch (ins.get(0)) {
            case Instruction.I32Const c when !mt.is64() -> c.value() & 0xFFFF_FFFFL;
            case Instruction.I64Const c when mt.is64() -> c.value();
            default -> -1;
        };
    }
}
