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
 * {@link Module}, so that instantiating copies one array per memory instead of zeroing it and then copying each
 * segment (a pre-initialised JS engine has ~10,000 segments spread over ~10 MiB).
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
    /** The image of each defined memory (index minus the imported memories), trimmed of trailing zeros; may be null. */
    private final byte[][] images;

    private MemoryImage(byte[][] images) {
        this.images = images;
    }

    /** The image of defined memory {@code definedIndex}: what it holds after the data segments, up to its last non-zero byte. */
    byte[] image(int definedIndex) {
        return images[definedIndex];
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
        for (int m = 0; m < images.length; m++) {
            byte[] img = images[m];
            if (img != null) {
                int end = img.length;
                while (end > 0 && img[end - 1] == 0) {
                    end--;
                }
                images[m] = end == 0 ? null : end == img.length ? img : java.util.Arrays.copyOf(img, end);
            }
        }
        return new MemoryImage(images);
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
