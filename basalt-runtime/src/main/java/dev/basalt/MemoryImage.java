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

    private MemoryImage(int[][] offsets, byte[][][] runs, byte[][] datasAfterInstantiation) {
        this.offsets = offsets;
        this.runs = runs;
        this.datasAfterInstantiation = datasAfterInstantiation;
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
