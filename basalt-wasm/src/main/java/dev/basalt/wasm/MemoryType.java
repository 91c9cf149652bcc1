package dev.basalt.wasm;

/**
 * A linear memory type: limits in pages, whether it is shared (threads), whether it is indexed by i64 (memory64),
 * and the page size as a power of two (custom page sizes: 16 for 64 KiB, the default, or 0 for one byte).
 */
public record MemoryType(Limits limits, boolean shared, boolean is64, int pageSizeLog2) {
    public static final int DEFAULT_PAGE_SIZE_LOG2 = 16;

    public MemoryType {
        java.util.Objects.requireNonNull(limits, "limits");
    }

    public MemoryType(Limits limits) {
        this(limits, false, false, DEFAULT_PAGE_SIZE_LOG2);
    }

    /** The address value type: i64 for memory64, else i32. */
    public NumType addressType() {
        return is64 ? NumType.I64 : NumType.I32;
    }

    public long pageSize() {
        return 1L << pageSizeLog2;
    }
}
