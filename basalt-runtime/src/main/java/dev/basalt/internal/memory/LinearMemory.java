package dev.basalt.internal.memory;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.ops.SimdOps;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.V128;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One WebAssembly linear memory: a byte array addressed from 0, sized in pages of 64 KiB or (custom page sizes)
 * 1 byte, optionally shared between threads and optionally 64-bit addressed.
 *
 * <h2>Addresses</h2>
 * Every access takes the dynamic address and the instruction's static offset as <em>unsigned</em> longs: an engine
 * passes {@code Integer.toUnsignedLong(addr)} for 32-bit memories and the raw i64 for 64-bit ones. The effective
 * address {@code address + offset} is computed without wrapping (a sum beyond 2^64 is out of bounds, never a small
 * address), and the access traps with {@link TrapKind#OUT_OF_BOUNDS_MEMORY_ACCESS} unless all its bytes lie below
 * the current size. Values are little-endian. The plain loads and stores are tiny so that HotSpot inlines them
 * into the interpreter loop and into compiled code.
 *
 * <h2>Size limits</h2>
 * A memory is one Java {@code byte[]}, so no memory holds more than {@link #MAX_BYTES} (just under 2 GiB), whatever
 * its type allows; {@code memory.grow} beyond that returns -1, as it does beyond the type's maximum and beyond the
 * byte cap the runtime passes in (the store's memory limit).
 *
 * <h2>Threads</h2>
 * A non-shared memory belongs to one store and is used by one thread at a time; it grows by copying into a larger
 * array. A shared memory may be used by many threads at once, so its array must never be replaced: it is
 * allocated at its <em>reservation</em> — the smallest of its maximum, the byte cap given at creation and
 * {@link #MAX_BYTES} — when created, and growing only moves the size. Plain loads and stores are unordered (Wasm
 * allows that for non-atomic accesses). Atomics are sequentially consistent: each runs inside the monitor of the
 * 8-byte word it touches (64 striped monitors per memory; an aligned atomic never crosses such a word, so
 * overlapping atomics always share a monitor, and monitor order gives a single total order). Monitors rather than
 * {@link VarHandle} atomic modes, because since JDK 22 byte-array views no longer support atomic access modes
 * (heap byte arrays are not guaranteed to be aligned), and {@code java.lang.foreign} is a preview API in Java 21.
 * {@link #wait32}/{@link #wait64}/{@link #notify} block and wake real Java threads through a per-memory wait queue.
 * A thread interrupted while waiting stops with {@link TrapKind#INTERRUPTED} (its interrupt flag stays set).
 *
 * @see <a href="https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances">Memory instances</a>
 */
public final class LinearMemory {
    /** The most bytes one memory can hold: its backing array must be a valid Java array (just under 2 GiB). */
    public static final long MAX_BYTES = 0x7FFF_FFF0L;

    /** Return value of {@code memory.atomic.wait*}: woken by notify. */
    public static final int WAIT_OK = 0;
    /** Return value of {@code memory.atomic.wait*}: the value did not match the expected one. */
    public static final int WAIT_NOT_EQUAL = 1;
    /** Return value of {@code memory.atomic.wait*}: the timeout elapsed. */
    public static final int WAIT_TIMED_OUT = 2;

    /** Read-modify-write operations of {@code *.atomic.rmw*}; {@code cmpxchg} has its own methods. */
    public static final int RMW_ADD = 0;
    public static final int RMW_SUB = 1;
    public static final int RMW_AND = 2;
    public static final int RMW_OR = 3;
    public static final int RMW_XOR = 4;
    public static final int RMW_XCHG = 5;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BYTE_SIZE;
    private static final int ATOMIC_STRIPES = 64;

    static {
        try {
            BYTE_SIZE = MethodHandles.lookup().findVarHandle(LinearMemory.class, "byteSize", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemoryType type;
    private final int pageSizeLog2;
    private final boolean shared;
    /** The largest size in pages this memory can ever reach (type maximum, creation cap, array limit). */
    private final long maxPages;
    /** The backing array, exactly the current size (unshared; replaced on grow) or the reservation (shared). */
    private byte[] bytes;
    /** Current size in bytes. Shared memories publish growth with release and re-read it with acquire on a miss. */
    private long byteSize;
    /** Wait queues of a shared memory, by effective address; guarded by {@link #waitLock}. */
    private final Map<Long, ArrayDeque<Waiter>> waiters;
    private final ReentrantLock waitLock;
    /**
     * Locks that make the atomics of a shared memory atomic: an aligned atomic access never crosses an 8-byte
     * boundary, so all atomics that overlap use the lock of the same 8-byte word ({@code ea >>> 3}, striped).
     */
    private final Object[] atomicStripes;
    /**
     * Set by {@link #detach()}: the array went back to a pool and may hold another instance's data; this memory
     * stays empty (every access traps, {@code memory.grow} fails).
     */
    private boolean detached;
    /**
     * The written-page map of a memory whose writes are tracked ({@link #trackWrites}), else null: entry {@code p}
     * becomes non-zero when a write touches page {@code p} ({@link #WRITTEN_PAGE_LOG2}-byte pages).
     */
    private byte[] written;

    /** Log2 of the pages the written-page map tracks: 4 KiB, small enough that a request's writes cover few. */
    public static final int WRITTEN_PAGE_LOG2 = 12;
    /**
     * Bytes past its page's end that a write marked in a page may have touched: one store of up to 16 bytes marks
     * only the page of its first byte, so whoever resets page {@code p} restores
     * {@code [p << WRITTEN_PAGE_LOG2, ((p + 1) << WRITTEN_PAGE_LOG2) + WRITTEN_SPILL)}.
     */
    public static final int WRITTEN_SPILL = 15;
    /**
     * Length of a written-page map: an entry for every {@code index >>> WRITTEN_PAGE_LOG2} of any {@code int}, so
     * compiled code's marking store needs no range check of its own (the JIT compiler sees that the unsigned
     * shift of an int is below this length).
     */
    public static final int WRITTEN_MAP_LENGTH = 1 << (32 - WRITTEN_PAGE_LOG2);

    private LinearMemory(MemoryType type, long maxPages, byte[] bytes, long byteSize) {
        this.type = type;
        this.pageSizeLog2 = type.pageSizeLog2();
        this.shared = type.shared();
        this.maxPages = maxPages;
        this.bytes = bytes;
        this.byteSize = byteSize;
        this.waiters = shared ? new HashMap<>() : null;
        this.waitLock = shared ? new ReentrantLock() : null;
        this.atomicStripes = shared ? new Object[ATOMIC_STRIPES] : null;
        if (shared) {
            for (int i = 0; i < ATOMIC_STRIPES; i++) {
                atomicStripes[i] = new Object();
            }
        }
    }

    /**
     * Creates a memory of the type's minimum size.
     *
     * @param type the memory type (limits in pages, shared, 64-bit, page size)
     * @param byteCap the most bytes this memory may ever hold (the store's limit); {@code Long.MAX_VALUE} for none
     * @throws MemoryLimitException if the minimum exceeds the cap or {@link #MAX_BYTES}, or the JVM cannot allocate it
     */
    public static LinearMemory create(MemoryType type, long byteCap) {
        int log2 = type.pageSizeLog2();
        long maxPages = maxPages(type, byteCap);
        long byteSize = type.limits().min() << log2;
        long capacityBytes = type.shared() ? maxPages << log2 : byteSize;
        byte[] array;
        try {
            array = new byte[arrayLength(capacityBytes)];
        } catch (OutOfMemoryError e) {
            throw new MemoryLimitException("cannot allocate a memory of " + capacityBytes + " bytes: " + e.getMessage());
        }
        return new LinearMemory(type, maxPages, array, byteSize);
    }

    /**
     * The most pages a memory of {@code type} may grow to under the store's cap {@code byteCap} (and the
     * implementation's); checks the page size, and that the minimum size fits.
     *
     * @throws MemoryLimitException if the minimum size exceeds that
     */
    private static long maxPages(MemoryType type, long byteCap) {
        int log2 = type.pageSizeLog2();
        if (log2 != 0 && log2 != 16) {
            throw new IllegalArgumentException("page size must be 1 or 65536, got 2^" + log2);
        }
        long maxPages = Math.min(Math.max(0, byteCap), MAX_BYTES) >>> log2;
        if (type.limits().max().isPresent() && Long.compareUnsigned(type.limits().max().getAsLong(), maxPages) < 0) {
            maxPages = type.limits().max().getAsLong();
        }
        long minPages = type.limits().min();
        if (Long.compareUnsigned(minPages, maxPages) > 0) {
            throw new MemoryLimitException("memory minimum size of " + Long.toUnsignedString(minPages)
                    + " pages exceeds memory limits (at most " + maxPages + " pages of " + (1L << log2) + " bytes)");
        }
        return maxPages;
    }

    /**
     * Creates a memory of the type's minimum size holding {@code runs[k]} at {@code offsets[k]} (a module's data
     * segments applied once, see {@code dev.basalt.MemoryImage}) and zeros elsewhere. The type must be unshared
     * and every run inside the minimum size; the runs are copied, not kept.
     *
     * @throws MemoryLimitException as {@link #create(MemoryType, long)}
     */
    public static LinearMemory create(MemoryType type, long byteCap, int[] offsets, byte[][] runs) {
        LinearMemory memory = create(type, byteCap);
        if (offsets != null) {
            if (memory.shared) {
                throw new IllegalArgumentException("initial contents for a shared memory");
            }
            byte[] array = memory.bytes;
            for (int k = 0; k < offsets.length; k++) {
                System.arraycopy(runs[k], 0, array, offsets[k], runs[k].length);
            }
        }
        return memory;
    }

    /**
     * Creates an unshared memory of the type's minimum size over {@code array}, which already holds its initial
     * contents (a pooled array reset to the module's memory image): its first {@code min} bytes are the memory,
     * everything after them must be zero (it becomes reachable by {@code memory.grow}).
     *
     * @throws MemoryLimitException as {@link #create(MemoryType, long)}
     * @throws IllegalArgumentException if the type is shared or the array shorter than the minimum size
     */
    public static LinearMemory createOver(MemoryType type, long byteCap, byte[] array) {
        if (type.shared()) {
            throw new IllegalArgumentException("a pooled array for a shared memory");
        }
        int log2 = type.pageSizeLog2();
        long maxPages = maxPages(type, byteCap);
        long byteSize = type.limits().min() << log2;
        if (array.length < byteSize) {
            throw new IllegalArgumentException("a pooled array of " + array.length + " bytes for " + byteSize);
        }
        return new LinearMemory(type, maxPages, array, byteSize);
    }

    /**
     * Takes the backing array away from this unshared memory, to be reset and reused by another instance (a
     * store's {@code release}): from now on the memory is empty, every access traps out of bounds and
     * {@code memory.grow} returns -1, so a stale reference can neither read nor write what the array holds next.
     * The caller must know that no code is running on this memory (compiled code keeps the array in locals).
     * Bytes of the array past the size returned by {@link #byteSize()} just before are zero.
     *
     * @return the array, or null if the memory is shared or was detached before
     */
    public byte[] detach() {
        synchronized (this) {
            if (shared || detached) {
                return null;
            }
            byte[] array = bytes;
            detached = true;
            bytes = new byte[0];
            byteSize = 0;
            return array;
        }
    }

    /**
     * Starts tracking which pages this unshared memory's writes touch, in {@code map} (all zero, of
     * {@link #WRITTEN_MAP_LENGTH} bytes), so that a reset can restore only those ({@code Store.release}). Every
     * write through this class marks its pages; code that writes {@link #array()} itself must mark them in
     * {@link #writtenPages()} (the page of a store's first byte; see {@link #WRITTEN_SPILL}).
     */
    public void trackWrites(byte[] map) {
        if (shared || map.length != WRITTEN_MAP_LENGTH) {
            throw new IllegalArgumentException("written-page map for a shared memory or of the wrong length");
        }
        written = map;
    }

    /**
     * The map in which code that writes {@link #array()} directly marks the pages it writes: the tracked map, or
     * when this memory is not tracked a shared map nobody reads (so such code needs no test).
     */
    public byte[] writtenPages() {
        byte[] w = written;
        return w != null ? w : UntrackedPages.MAP;
    }

    /** The tracked written-page map, or null if this memory's writes are not tracked. */
    public byte[] writtenMap() {
        return written;
    }

    /** Where writes to untracked memories are marked: written by any thread, never read. */
    private static final class UntrackedPages {
        static final byte[] MAP = new byte[WRITTEN_MAP_LENGTH];
    }

    /** Creates a memory with no cap beyond the type and {@link #MAX_BYTES}. */
    public static LinearMemory create(MemoryType type) {
        return create(type, Long.MAX_VALUE);
    }

    private static int arrayLength(long bytes) {
        return (int) bytes;
    }

    // ================================================================== properties

    public MemoryType type() {
        return type;
    }

    public boolean isShared() {
        return shared;
    }

    public boolean is64() {
        return type.is64();
    }

    /** Page size in bytes (1 or 65536). */
    public long pageSize() {
        return 1L << pageSizeLog2;
    }

    /** {@code memory.size}: the current size in pages. */
    public long size() {
        return currentByteSize() >>> pageSizeLog2;
    }

    /** The current size in bytes. */
    public long byteSize() {
        return currentByteSize();
    }

    /** The most pages this memory can reach (type maximum, creation cap and {@link #MAX_BYTES} applied). */
    public long maxPages() {
        return maxPages;
    }

    /**
     * The backing array, for engines that access an <em>unshared</em> memory directly (the compiler keeps it and
     * {@link #byteSize()} in JVM locals). Only its first {@link #byteSize()} bytes are the memory: it can be longer
     * (growth is geometric), so bounds checks must use the size, never the array's length. {@link #grow} may replace
     * it, so a caller must read it again after anything that can grow the memory (any call into Wasm or the host).
     */
    public byte[] array() {
        return bytes;
    }

    private long currentByteSize() {
        return shared ? (long) BYTE_SIZE.getAcquire(this) : byteSize;
    }

    // ================================================================== growth

    /**
     * {@code memory.grow}: adds {@code deltaPages} (unsigned) zeroed pages. Returns the old size in pages, or -1 if
     * the new size would exceed the type's maximum, {@code byteCap}, {@link #MAX_BYTES} (or the reservation of a
     * shared memory), or the JVM cannot allocate it. Growing by 0 always succeeds.
     *
     * @param byteCap the most bytes the memory may hold after growing (the store's remaining budget plus the
     *     current size); {@code Long.MAX_VALUE} for no cap
     */
    public long grow(long deltaPages, long byteCap) {
        synchronized (this) {
            long oldBytes = byteSize;
            long oldPages = oldBytes >>> pageSizeLog2;
            if (deltaPages == 0) {
                return oldPages;
            }
            if (detached) {
                return -1;
            }
            long limitPages = Math.min(maxPages, Math.max(0, byteCap) >>> pageSizeLog2);
            if (limitPages < oldPages || Long.compareUnsigned(deltaPages, limitPages - oldPages) > 0) {
                return -1;
            }
            long newBytes = (oldPages + deltaPages) << pageSizeLog2;
            if (shared) {
                // the reservation already holds zeros past the old size; publish the new size to other threads
                BYTE_SIZE.setRelease(this, newBytes);
            } else {
                if (newBytes > bytes.length) {
                    // Grow the backing array geometrically: programs that grow a page at a time would otherwise
                    // copy the whole memory on every memory.grow (quadratic). Bytes past byteSize stay zero and
                    // out of reach, since every bounds check uses byteSize, never the array's length.
                    long ceiling = Math.min(limitPages << pageSizeLog2, MAX_BYTES);
                    long capacity = Math.max(newBytes, Math.min(ceiling, bytes.length + (bytes.length >> 1)));
                    try {
                        bytes = Arrays.copyOf(bytes, arrayLength(capacity));
                    } catch (OutOfMemoryError e) {
                        try {
                            bytes = Arrays.copyOf(bytes, arrayLength(newBytes));
                        } catch (OutOfMemoryError again) {
                            return -1;
                        }
                    }
                }
                byteSize = newBytes;
            }
            return oldPages;
        }
    }

    /** {@code memory.grow} with no cap beyond the type and {@link #MAX_BYTES}. */
    public long grow(long deltaPages) {
        return grow(deltaPages, Long.MAX_VALUE);
    }

    // ================================================================== bounds checks

    /**
     * The array index of an access of {@code width} bytes at {@code address + offset} (both unsigned), or a trap.
     * Any operand or sum with the sign bit set is at least 2^63, hence out of bounds.
     */
    private int index(long address, long offset, int width) {
        long ea = address + offset;
        if ((address | offset | ea) < 0 || ea > byteSize - width) {
            return slowIndex(address, offset, width);
        }
        return (int) ea;
    }

    /** {@link #index} of a store: also marks the page of its first byte written (see {@link #writtenPages()}). */
    private int storeIndex(long address, long offset, int width) {
        return markPage(index(address, offset, width));
    }

    /** Marks the page of index {@code i} written if this memory is tracked; returns {@code i}. */
    private int markPage(int i) {
        byte[] w = written;
        if (w != null) {
            w[i >>> WRITTEN_PAGE_LOG2] = 1;
        }
        return i;
    }

    /** Marks every page of {@code [from, from + length)} written (a bulk write; the range was checked). */
    private void markWritten(int from, long length) {
        byte[] w = written;
        if (w != null && length > 0) {
            Arrays.fill(w, from >>> WRITTEN_PAGE_LOG2, (int) ((from + length - 1) >>> WRITTEN_PAGE_LOG2) + 1, (byte) 1);
        }
    }

    /** Miss path: a shared memory may have been grown by another thread since this thread last read its size. */
    private int slowIndex(long address, long offset, int width) {
        long ea = address + offset;
        if (shared && (address | offset | ea) >= 0 && ea <= (long) BYTE_SIZE.getAcquire(this) - width) {
            return (int) ea;
        }
        throw outOfBounds();
    }

    private static Trap outOfBounds() {
        return new Trap(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
    }

    /** Checks that {@code [start, start + length)} (unsigned) lies within the memory; returns the array index. */
    private int rangeIndex(long start, long length) {
        long size = currentByteSize();
        if (Long.compareUnsigned(start, size) > 0 || Long.compareUnsigned(length, size - start) > 0) {
            throw outOfBounds();
        }
        return (int) start;
    }

    // ================================================================== plain loads

    /** {@code i32.load}. */
    public int i32Load(long address, long offset) {
        return (int) INT.get(bytes, index(address, offset, 4));
    }

    /** {@code i32.load8_s} (also {@code i64.load8_s} after widening). */
    public int i32Load8S(long address, long offset) {
        return bytes[index(address, offset, 1)];
    }

    /** {@code i32.load8_u}. */
    public int i32Load8U(long address, long offset) {
        return bytes[index(address, offset, 1)] & 0xFF;
    }

    /** {@code i32.load16_s}. */
    public int i32Load16S(long address, long offset) {
        return (short) SHORT.get(bytes, index(address, offset, 2));
    }

    /** {@code i32.load16_u}. */
    public int i32Load16U(long address, long offset) {
        return (short) SHORT.get(bytes, index(address, offset, 2)) & 0xFFFF;
    }

    /** {@code i64.load}. */
    public long i64Load(long address, long offset) {
        return (long) LONG.get(bytes, index(address, offset, 8));
    }

    /** {@code i64.load8_s}. */
    public long i64Load8S(long address, long offset) {
        return bytes[index(address, offset, 1)];
    }

    /** {@code i64.load8_u}. */
    public long i64Load8U(long address, long offset) {
        return bytes[index(address, offset, 1)] & 0xFFL;
    }

    /** {@code i64.load16_s}. */
    public long i64Load16S(long address, long offset) {
        return (short) SHORT.get(bytes, index(address, offset, 2));
    }

    /** {@code i64.load16_u}. */
    public long i64Load16U(long address, long offset) {
        return (short) SHORT.get(bytes, index(address, offset, 2)) & 0xFFFFL;
    }

    /** {@code i64.load32_s}. */
    public long i64Load32S(long address, long offset) {
        return (int) INT.get(bytes, index(address, offset, 4));
    }

    /** {@code i64.load32_u}. */
    public long i64Load32U(long address, long offset) {
        return (int) INT.get(bytes, index(address, offset, 4)) & 0xFFFF_FFFFL;
    }

    /** {@code f32.load} (raw bits kept). */
    public float f32Load(long address, long offset) {
        return Float.intBitsToFloat(i32Load(address, offset));
    }

    /** {@code f64.load} (raw bits kept). */
    public double f64Load(long address, long offset) {
        return Double.longBitsToDouble(i64Load(address, offset));
    }

    /** {@code v128.load}. */
    public V128 v128Load(long address, long offset) {
        int i = index(address, offset, 16);
        byte[] b = bytes;
        return new V128((long) LONG.get(b, i), (long) LONG.get(b, i + 8));
    }

    // ================================================================== plain stores

    /** {@code i32.store}. */
    public void i32Store(long address, long offset, int value) {
        INT.set(bytes, storeIndex(address, offset, 4), value);
    }

    /** {@code i32.store8} / {@code i64.store8}: the low 8 bits. */
    public void i32Store8(long address, long offset, int value) {
        bytes[storeIndex(address, offset, 1)] = (byte) value;
    }

    /** {@code i32.store16} / {@code i64.store16}: the low 16 bits. */
    public void i32Store16(long address, long offset, int value) {
        SHORT.set(bytes, storeIndex(address, offset, 2), (short) value);
    }

    /** {@code i64.store}. */
    public void i64Store(long address, long offset, long value) {
        LONG.set(bytes, storeIndex(address, offset, 8), value);
    }

    /** {@code i64.store8}. */
    public void i64Store8(long address, long offset, long value) {
        bytes[storeIndex(address, offset, 1)] = (byte) value;
    }

    /** {@code i64.store16}. */
    public void i64Store16(long address, long offset, long value) {
        SHORT.set(bytes, storeIndex(address, offset, 2), (short) value);
    }

    /** {@code i64.store32}. */
    public void i64Store32(long address, long offset, long value) {
        INT.set(bytes, storeIndex(address, offset, 4), (int) value);
    }

    /** {@code f32.store} (raw bits kept). */
    public void f32Store(long address, long offset, float value) {
        i32Store(address, offset, Float.floatToRawIntBits(value));
    }

    /** {@code f64.store} (raw bits kept). */
    public void f64Store(long address, long offset, double value) {
        i64Store(address, offset, Double.doubleToRawLongBits(value));
    }

    /** {@code v128.store}. */
    public void v128Store(long address, long offset, V128 value) {
        int i = storeIndex(address, offset, 16);
        byte[] b = bytes;
        LONG.set(b, i, value.lo());
        LONG.set(b, i + 8, value.hi());
    }

    // ================================================================== SIMD loads and stores
    // The vector memory instructions in one place: a bounds-checked scalar access plus the SimdOps lane helper.

    /** {@code v128.load8x8_s}. */
    public V128 v128Load8x8S(long address, long offset) {
        return SimdOps.load8x8S(i64Load(address, offset));
    }

    /** {@code v128.load8x8_u}. */
    public V128 v128Load8x8U(long address, long offset) {
        return SimdOps.load8x8U(i64Load(address, offset));
    }

    /** {@code v128.load16x4_s}. */
    public V128 v128Load16x4S(long address, long offset) {
        return SimdOps.load16x4S(i64Load(address, offset));
    }

    /** {@code v128.load16x4_u}. */
    public V128 v128Load16x4U(long address, long offset) {
        return SimdOps.load16x4U(i64Load(address, offset));
    }

    /** {@code v128.load32x2_s}. */
    public V128 v128Load32x2S(long address, long offset) {
        return SimdOps.load32x2S(i64Load(address, offset));
    }

    /** {@code v128.load32x2_u}. */
    public V128 v128Load32x2U(long address, long offset) {
        return SimdOps.load32x2U(i64Load(address, offset));
    }

    /** {@code v128.load8_splat}. */
    public V128 v128Load8Splat(long address, long offset) {
        return SimdOps.load8Splat(i32Load8U(address, offset));
    }

    /** {@code v128.load16_splat}. */
    public V128 v128Load16Splat(long address, long offset) {
        return SimdOps.load16Splat(i32Load16U(address, offset));
    }

    /** {@code v128.load32_splat}. */
    public V128 v128Load32Splat(long address, long offset) {
        return SimdOps.load32Splat(i32Load(address, offset));
    }

    /** {@code v128.load64_splat}. */
    public V128 v128Load64Splat(long address, long offset) {
        return SimdOps.load64Splat(i64Load(address, offset));
    }

    /** {@code v128.load32_zero}. */
    public V128 v128Load32Zero(long address, long offset) {
        return SimdOps.load32Zero(i32Load(address, offset));
    }

    /** {@code v128.load64_zero}. */
    public V128 v128Load64Zero(long address, long offset) {
        return SimdOps.load64Zero(i64Load(address, offset));
    }

    /** {@code v128.load8_lane}: {@code vector} with lane {@code lane} replaced by the loaded byte. */
    public V128 v128Load8Lane(long address, long offset, V128 vector, int lane) {
        return SimdOps.i8x16ReplaceLane(vector, lane, i32Load8U(address, offset));
    }

    /** {@code v128.load16_lane}. */
    public V128 v128Load16Lane(long address, long offset, V128 vector, int lane) {
        return SimdOps.i16x8ReplaceLane(vector, lane, i32Load16U(address, offset));
    }

    /** {@code v128.load32_lane}. */
    public V128 v128Load32Lane(long address, long offset, V128 vector, int lane) {
        return SimdOps.i32x4ReplaceLane(vector, lane, i32Load(address, offset));
    }

    /** {@code v128.load64_lane}. */
    public V128 v128Load64Lane(long address, long offset, V128 vector, int lane) {
        return SimdOps.i64x2ReplaceLane(vector, lane, i64Load(address, offset));
    }

    /** {@code v128.store8_lane}: stores byte lane {@code lane} of {@code vector}. */
    public void v128Store8Lane(long address, long offset, V128 vector, int lane) {
        i32Store8(address, offset, SimdOps.i8x16ExtractLaneU(vector, lane));
    }

    /** {@code v128.store16_lane}. */
    public void v128Store16Lane(long address, long offset, V128 vector, int lane) {
        i32Store16(address, offset, SimdOps.i16x8ExtractLaneU(vector, lane));
    }

    /** {@code v128.store32_lane}. */
    public void v128Store32Lane(long address, long offset, V128 vector, int lane) {
        i32Store(address, offset, SimdOps.i32x4ExtractLane(vector, lane));
    }

    /** {@code v128.store64_lane}. */
    public void v128Store64Lane(long address, long offset, V128 vector, int lane) {
        i64Store(address, offset, SimdOps.i64x2ExtractLane(vector, lane));
    }

    // ================================================================== bulk memory

    /** {@code memory.fill}: traps before writing anything if {@code [dst, dst + length)} is out of bounds. */
    public void fill(long dst, int value, long length) {
        int from = rangeIndex(dst, length);
        markWritten(from, length);
        Arrays.fill(bytes, from, from + (int) length, (byte) value);
    }

    /** {@code memory.copy} within this memory; overlapping ranges copy as if through a temporary buffer. */
    public void copy(long dst, long src, long length) {
        int from = rangeIndex(src, length);
        int to = rangeIndex(dst, length);
        markWritten(to, length);
        System.arraycopy(bytes, from, bytes, to, (int) length);
    }

    /** {@code memory.copy} from another memory (multi-memory) into this one. */
    public void copyFrom(LinearMemory source, long dst, long src, long length) {
        int from = source.rangeIndex(src, length);
        int to = rangeIndex(dst, length);
        markWritten(to, length);
        System.arraycopy(source.bytes, from, bytes, to, (int) length);
    }

    /**
     * {@code memory.init} (and active data segments): copies {@code data[srcOffset, srcOffset + length)} to
     * {@code dst}. A dropped segment is passed as an empty array. Traps before writing if either range is out of
     * bounds.
     */
    public void init(long dst, byte[] data, long srcOffset, long length) {
        if (Long.compareUnsigned(srcOffset, data.length) > 0
                || Long.compareUnsigned(length, data.length - srcOffset) > 0) {
            throw outOfBounds();
        }
        int to = rangeIndex(dst, length);
        markWritten(to, length);
        System.arraycopy(data, (int) srcOffset, bytes, to, (int) length);
    }

    /** Host access: copies {@code length} bytes at {@code address} into {@code dst[dstOffset...]}. */
    public void read(long address, byte[] dst, int dstOffset, int length) {
        int from = rangeIndex(address, length);
        System.arraycopy(bytes, from, dst, dstOffset, length);
    }

    /** Host access: the {@code length} bytes at {@code address} as a new array. */
    public byte[] read(long address, int length) {
        rangeIndex(address, Integer.toUnsignedLong(length)); // check before allocating: length is host-chosen
        byte[] out = new byte[length];
        read(address, out, 0, length);
        return out;
    }

    /** Host access: copies {@code src[srcOffset, srcOffset + length)} to {@code address}. */
    public void write(long address, byte[] src, int srcOffset, int length) {
        int to = rangeIndex(address, length);
        markWritten(to, length);
        System.arraycopy(src, srcOffset, bytes, to, length);
    }

    /** Host access: copies all of {@code src} to {@code address}. */
    public void write(long address, byte[] src) {
        write(address, src, 0, src.length);
    }

    // ================================================================== atomics

    /** {@link #atomicIndex} of an access that writes: also marks its page written (see {@link #writtenPages()}). */
    private int atomicStoreIndex(long address, long offset, int width) {
        return markPage(atomicIndex(address, offset, width));
    }

    /** Index of an atomic access: alignment is checked first ("unaligned atomic"), then bounds. */
    private int atomicIndex(long address, long offset, int width) {
        if (((address + offset) & (width - 1)) != 0) {
            throw new Trap(TrapKind.UNALIGNED_ATOMIC);
        }
        return index(address, offset, width);
    }

    /** The lock guarding atomics on the 8-byte word holding array index {@code i} (shared memories only). */
    private Object stripe(int i) {
        return atomicStripes[(i >>> 3) & (ATOMIC_STRIPES - 1)];
    }

    /** {@code i32.atomic.load8_u} / {@code i64.atomic.load8_u}: zero-extended. */
    public int atomicLoad8(long address, long offset) {
        int i = atomicIndex(address, offset, 1);
        if (!shared) {
            return bytes[i] & 0xFF;
        }
        synchronized (stripe(i)) {
            return bytes[i] & 0xFF;
        }
    }

    /** {@code i32.atomic.load16_u} / {@code i64.atomic.load16_u}: zero-extended. */
    public int atomicLoad16(long address, long offset) {
        int i = atomicIndex(address, offset, 2);
        if (!shared) {
            return (short) SHORT.get(bytes, i) & 0xFFFF;
        }
        synchronized (stripe(i)) {
            return (short) SHORT.get(bytes, i) & 0xFFFF;
        }
    }

    /** {@code i32.atomic.load} / {@code i64.atomic.load32_u} (zero-extend for the latter). */
    public int atomicLoad32(long address, long offset) {
        int i = atomicIndex(address, offset, 4);
        if (!shared) {
            return (int) INT.get(bytes, i);
        }
        synchronized (stripe(i)) {
            return (int) INT.get(bytes, i);
        }
    }

    /** {@code i64.atomic.load}. */
    public long atomicLoad64(long address, long offset) {
        int i = atomicIndex(address, offset, 8);
        if (!shared) {
            return (long) LONG.get(bytes, i);
        }
        synchronized (stripe(i)) {
            return (long) LONG.get(bytes, i);
        }
    }

    /** {@code i32.atomic.store8} / {@code i64.atomic.store8}: the low 8 bits. */
    public void atomicStore8(long address, long offset, int value) {
        int i = atomicStoreIndex(address, offset, 1);
        if (!shared) {
            bytes[i] = (byte) value;
            return;
        }
        synchronized (stripe(i)) {
            bytes[i] = (byte) value;
        }
    }

    /** {@code i32.atomic.store16} / {@code i64.atomic.store16}: the low 16 bits. */
    public void atomicStore16(long address, long offset, int value) {
        int i = atomicStoreIndex(address, offset, 2);
        if (!shared) {
            SHORT.set(bytes, i, (short) value);
            return;
        }
        synchronized (stripe(i)) {
            SHORT.set(bytes, i, (short) value);
        }
    }

    /** {@code i32.atomic.store} / {@code i64.atomic.store32}. */
    public void atomicStore32(long address, long offset, int value) {
        int i = atomicStoreIndex(address, offset, 4);
        if (!shared) {
            INT.set(bytes, i, value);
            return;
        }
        synchronized (stripe(i)) {
            INT.set(bytes, i, value);
        }
    }

    /** {@code i64.atomic.store}. */
    public void atomicStore64(long address, long offset, long value) {
        int i = atomicStoreIndex(address, offset, 8);
        if (!shared) {
            LONG.set(bytes, i, value);
            return;
        }
        synchronized (stripe(i)) {
            LONG.set(bytes, i, value);
        }
    }

    private static int applyRmw(int op, int old, int operand) {
        return switch (op) {
            case RMW_ADD -> old + operand;
            case RMW_SUB -> old - operand;
            case RMW_AND -> old & operand;
            case RMW_OR -> old | operand;
            case RMW_XOR -> old ^ operand;
            case RMW_XCHG -> operand;
            default -> throw new IllegalArgumentException("rmw op " + op);
        };
    }

    private static long applyRmw(int op, long old, long operand) {
        return switch (op) {
            case RMW_ADD -> old + operand;
            case RMW_SUB -> old - operand;
            case RMW_AND -> old & operand;
            case RMW_OR -> old | operand;
            case RMW_XOR -> old ^ operand;
            case RMW_XCHG -> operand;
            default -> throw new IllegalArgumentException("rmw op " + op);
        };
    }

    // The read-modify-writes below do the read, the operation and the write inside the word's lock (shared) or
    // directly (unshared: one thread at a time).

    private int rmw8(int i, int op, int operand) {
        int old = bytes[i] & 0xFF;
        bytes[i] = (byte) applyRmw(op, old, operand);
        return old;
    }

    private int rmw16(int i, int op, int operand) {
        int old = (short) SHORT.get(bytes, i) & 0xFFFF;
        SHORT.set(bytes, i, (short) applyRmw(op, old, operand));
        return old;
    }

    private int rmw32(int i, int op, int operand) {
        int old = (int) INT.get(bytes, i);
        INT.set(bytes, i, applyRmw(op, old, operand));
        return old;
    }

    private long rmw64(int i, int op, long operand) {
        long old = (long) LONG.get(bytes, i);
        LONG.set(bytes, i, applyRmw(op, old, operand));
        return old;
    }

    /** {@code i32.atomic.rmw8.<op>_u} / {@code i64.atomic.rmw8.<op>_u}: returns the old byte, zero-extended. */
    public int atomicRmw8(int op, long address, long offset, int operand) {
        int i = atomicStoreIndex(address, offset, 1);
        if (!shared) {
            return rmw8(i, op, operand);
        }
        synchronized (stripe(i)) {
            return rmw8(i, op, operand);
        }
    }

    /** {@code i32.atomic.rmw16.<op>_u} / {@code i64.atomic.rmw16.<op>_u}: returns the old value, zero-extended. */
    public int atomicRmw16(int op, long address, long offset, int operand) {
        int i = atomicStoreIndex(address, offset, 2);
        if (!shared) {
            return rmw16(i, op, operand);
        }
        synchronized (stripe(i)) {
            return rmw16(i, op, operand);
        }
    }

    /** {@code i32.atomic.rmw.<op>} / {@code i64.atomic.rmw32.<op>_u}: returns the old value. */
    public int atomicRmw32(int op, long address, long offset, int operand) {
        int i = atomicStoreIndex(address, offset, 4);
        if (!shared) {
            return rmw32(i, op, operand);
        }
        synchronized (stripe(i)) {
            return rmw32(i, op, operand);
        }
    }

    /** {@code i64.atomic.rmw.<op>}: returns the old value. */
    public long atomicRmw64(int op, long address, long offset, long operand) {
        int i = atomicStoreIndex(address, offset, 8);
        if (!shared) {
            return rmw64(i, op, operand);
        }
        synchronized (stripe(i)) {
            return rmw64(i, op, operand);
        }
    }

    /**
     * {@code i32.atomic.rmw8.cmpxchg_u} / {@code i64.atomic.rmw8.cmpxchg_u}: the expected value is wrapped to 8
     * bits; the replacement is stored (low 8 bits) if the byte equals it. Returns the old byte, zero-extended.
     */
    public int atomicCmpxchg8(long address, long offset, int expected, int replacement) {
        int i = atomicStoreIndex(address, offset, 1);
        if (!shared) {
            return cmpxchg8(i, expected, replacement);
        }
        synchronized (stripe(i)) {
            return cmpxchg8(i, expected, replacement);
        }
    }

    private int cmpxchg8(int i, int expected, int replacement) {
        int old = bytes[i] & 0xFF;
        if (old == (expected & 0xFF)) {
            bytes[i] = (byte) replacement;
        }
        return old;
    }

    /** {@code i32.atomic.rmw16.cmpxchg_u} / {@code i64.atomic.rmw16.cmpxchg_u}: expected wrapped to 16 bits. */
    public int atomicCmpxchg16(long address, long offset, int expected, int replacement) {
        int i = atomicStoreIndex(address, offset, 2);
        if (!shared) {
            return cmpxchg16(i, expected, replacement);
        }
        synchronized (stripe(i)) {
            return cmpxchg16(i, expected, replacement);
        }
    }

    private int cmpxchg16(int i, int expected, int replacement) {
        int old = (short) SHORT.get(bytes, i) & 0xFFFF;
        if (old == (expected & 0xFFFF)) {
            SHORT.set(bytes, i, (short) replacement);
        }
        return old;
    }

    /** {@code i32.atomic.rmw.cmpxchg} / {@code i64.atomic.rmw32.cmpxchg_u}. */
    public int atomicCmpxchg32(long address, long offset, int expected, int replacement) {
        int i = atomicStoreIndex(address, offset, 4);
        if (!shared) {
            return cmpxchg32(i, expected, replacement);
        }
        synchronized (stripe(i)) {
            return cmpxchg32(i, expected, replacement);
        }
    }

    private int cmpxchg32(int i, int expected, int replacement) {
        int old = (int) INT.get(bytes, i);
        if (old == expected) {
            INT.set(bytes, i, replacement);
        }
        return old;
    }

    /** {@code i64.atomic.rmw.cmpxchg}. */
    public long atomicCmpxchg64(long address, long offset, long expected, long replacement) {
        int i = atomicStoreIndex(address, offset, 8);
        if (!shared) {
            return cmpxchg64(i, expected, replacement);
        }
        synchronized (stripe(i)) {
            return cmpxchg64(i, expected, replacement);
        }
    }

    private long cmpxchg64(int i, long expected, long replacement) {
        long old = (long) LONG.get(bytes, i);
        if (old == expected) {
            LONG.set(bytes, i, replacement);
        }
        return old;
    }

    // ================================================================== wait / notify

    /** A thread blocked in wait; {@code notified} and the queue are guarded by {@link #waitLock}. */
    private static final class Waiter {
        final Condition condition;
        boolean notified;

        Waiter(Condition condition) {
            this.condition = condition;
        }
    }

    /**
     * {@code memory.atomic.wait32}: if the i32 at the address equals {@code expected}, blocks until notified
     * ({@link #WAIT_OK}) or until {@code timeoutNanos} elapse ({@link #WAIT_TIMED_OUT}; negative waits forever);
     * otherwise returns {@link #WAIT_NOT_EQUAL} at once. Traps on misalignment, out of bounds, and with "expected
     * shared memory" on a non-shared memory.
     */
    public int wait32(long address, long offset, int expected, long timeoutNanos) {
        return wait32(address, offset, expected, timeoutNanos, null);
    }

    /**
     * {@link #wait32} that runs {@code poll} about every {@value #POLL_INTERVAL_MILLIS} ms while blocked, so that an
     * engine can stop a waiting thread (store interruption, deadline) by throwing from it; the thread leaves the
     * queue before the exception propagates.
     */
    public int wait32(long address, long offset, int expected, long timeoutNanos, Runnable poll) {
        atomicIndex(address, offset, 4);
        requireShared();
        waitLock.lock();
        try {
            if (atomicLoad32(address, offset) != expected) {
                return WAIT_NOT_EQUAL;
            }
            return block(address + offset, timeoutNanos, poll);
        } finally {
            waitLock.unlock();
        }
    }

    /** {@code memory.atomic.wait64}: as {@link #wait32} for an i64. */
    public int wait64(long address, long offset, long expected, long timeoutNanos) {
        return wait64(address, offset, expected, timeoutNanos, null);
    }

    /** {@link #wait64} with a {@code poll} hook, as {@link #wait32(long, long, int, long, Runnable)}. */
    public int wait64(long address, long offset, long expected, long timeoutNanos, Runnable poll) {
        atomicIndex(address, offset, 8);
        requireShared();
        waitLock.lock();
        try {
            if (atomicLoad64(address, offset) != expected) {
                return WAIT_NOT_EQUAL;
            }
            return block(address + offset, timeoutNanos, poll);
        } finally {
            waitLock.unlock();
        }
    }

    private void requireShared() {
        if (!shared) {
            throw new Trap(TrapKind.EXPECTED_SHARED_MEMORY);
        }
    }

    /** How often a blocked wait runs its poll hook. */
    public static final long POLL_INTERVAL_MILLIS = 10;

    /** Enqueues the current thread at {@code ea} and waits; called with {@link #waitLock} held. */
    private int block(long ea, long timeoutNanos, Runnable poll) {
        Waiter self = new Waiter(waitLock.newCondition());
        ArrayDeque<Waiter> queue = waiters.computeIfAbsent(ea, k -> new ArrayDeque<>());
        queue.addLast(self);
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        long slice = poll == null ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(POLL_INTERVAL_MILLIS);
        try {
            while (!self.notified) {
                long wait = slice;
                if (timeoutNanos >= 0) {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        dequeue(ea, self);
                        return WAIT_TIMED_OUT;
                    }
                    wait = Math.min(wait, remaining);
                }
                if (wait == Long.MAX_VALUE) {
                    self.condition.await();
                } else {
                    self.condition.awaitNanos(wait);
                }
                if (!self.notified && poll != null) {
                    poll.run();
                }
            }
            return WAIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (self.notified) {
                return WAIT_OK;
            }
            dequeue(ea, self);
            throw new Trap(TrapKind.INTERRUPTED, "while waiting in memory.atomic.wait");
        } catch (RuntimeException | Error e) {
            if (!self.notified) {
                dequeue(ea, self);
            }
            throw e;
        }
    }

    private void dequeue(long ea, Waiter waiter) {
        ArrayDeque<Waiter> queue = waiters.get(ea);
        if (queue != null) {
            queue.remove(waiter);
            if (queue.isEmpty()) {
                waiters.remove(ea);
            }
        }
    }

    /**
     * {@code memory.atomic.notify}: wakes up to {@code count} (unsigned) threads waiting at the address, oldest
     * first, and returns how many it woke. On a non-shared memory nobody can wait, so it returns 0 (after the
     * alignment and bounds checks).
     */
    public int notify(long address, long offset, int count) {
        atomicIndex(address, offset, 4);
        if (!shared) {
            return 0;
        }
        long limit = Integer.toUnsignedLong(count);
        long ea = address + offset;
        waitLock.lock();
        try {
            ArrayDeque<Waiter> queue = waiters.get(ea);
            int woken = 0;
            while (queue != null && woken < limit && !queue.isEmpty()) {
                Waiter w = queue.pollFirst();
                w.notified = true;
                w.condition.signal();
                woken++;
            }
            if (queue != null && queue.isEmpty()) {
                waiters.remove(ea);
            }
            return woken;
        } finally {
            waitLock.unlock();
        }
    }

    /** Number of threads currently waiting at {@code address} (for tests and diagnostics). */
    public int waiterCount(long address) {
        if (!shared) {
            return 0;
        }
        waitLock.lock();
        try {
            ArrayDeque<Waiter> queue = waiters.get(address);
            return queue == null ? 0 : queue.size();
        } finally {
            waitLock.unlock();
        }
    }
}
