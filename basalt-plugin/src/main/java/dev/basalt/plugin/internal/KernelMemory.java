package dev.basalt.plugin.internal;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The memory Extism's kernel hands out: blocks addressed by i64 offsets ("pointers"), separate from the guest's
 * linear memory, so a guest can only reach host data through {@code load}/{@code store} on blocks it was given.
 * Extism implements it as a Wasm module; here it is a Java byte array with a block table.
 *
 * <p>Offset 0 is the null pointer; blocks start 8-aligned. A freed block is reused by a later allocation of at
 * most its capacity. {@link #reset()} drops everything (between calls). Loads and stores must lie inside the
 * allocated region, else they trap: the guest gets no view of anything past it, and a wild pointer never
 * becomes a Java exception.
 */
public final class KernelMemory {
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int FIRST = 8;

    private final long capacityLimit;
    private byte[] bytes = new byte[64 * 1024];
    private int top = FIRST;
    /** Live blocks: offset to [capacity, length]. */
    private final Map<Long, long[]> live = new HashMap<>();
    /** Freed blocks by capacity. */
    private final TreeMap<Long, ArrayDeque<Long>> free = new TreeMap<>();

    /** @param capacityLimit the most bytes this memory may grow to (at most {@code Integer.MAX_VALUE - 8}) */
    public KernelMemory(long capacityLimit) {
        this.capacityLimit = Math.min(capacityLimit, Integer.MAX_VALUE - 8L);
    }

    /** Drops every block. */
    public void reset() {
        live.clear();
        free.clear();
        if (bytes.length > 1 << 20) {
            bytes = new byte[64 * 1024];       // do not keep a large peak allocation for the plug-in's lifetime
        } else {
            Arrays.fill(bytes, 0, top, (byte) 0);    // new blocks must read as zeros; only [0, top) was used
        }
        top = FIRST;
    }

    /** A new block of {@code length} bytes, zeroed; 0 if {@code length} is 0, negative or does not fit. */
    public long alloc(long length) {
        if (length <= 0 || length > capacityLimit) {
            return 0;
        }
        Map.Entry<Long, ArrayDeque<Long>> reuse = free.ceilingEntry(length);
        if (reuse != null && reuse.getKey() <= length * 2) {
            long offset = reuse.getValue().pop();
            if (reuse.getValue().isEmpty()) {
                free.remove(reuse.getKey());
            }
            long capacity = reuse.getKey();
            Arrays.fill(bytes, (int) offset, (int) (offset + capacity), (byte) 0);
            live.put(offset, new long[] {capacity, length});
            return offset;
        }
        long capacity = (length + 7) & ~7L;
        long end = top + capacity;
        if (end > capacityLimit) {
            return 0;
        }
        if (end > bytes.length) {
            long grown = Math.max(end, Math.min(capacityLimit, (long) bytes.length * 2));
            bytes = Arrays.copyOf(bytes, (int) grown);
        }
        long offset = top;
        top = (int) end;
        live.put(offset, new long[] {capacity, length});
        return offset;
    }

    /** Frees a block; freeing 0 or something that is not a live block's start does nothing. */
    public void free(long offset) {
        long[] block = live.remove(offset);
        if (block != null) {
            free.computeIfAbsent(block[0], k -> new ArrayDeque<>()).push(offset);
        }
    }

    /** The length a live block was allocated with, else 0. */
    public long length(long offset) {
        long[] block = live.get(offset);
        return block == null ? 0 : block[1];
    }

    /** The bytes of a live block (a copy); empty for 0; traps for anything else that is not a block. */
    public byte[] read(long offset) {
        if (offset == 0) {
            return new byte[0];
        }
        long[] block = live.get(offset);
        if (block == null) {
            throw new Trap(TrapKind.HOST_ERROR, "extism: " + offset + " is not a pointer to a live block");
        }
        return Arrays.copyOfRange(bytes, (int) offset, (int) (offset + block[1]));
    }

    /** Copies {@code length} bytes at {@code offset}, which must lie inside the allocated region. */
    public byte[] read(long offset, long length) {
        requireInside(offset, length);
        return Arrays.copyOfRange(bytes, (int) offset, (int) (offset + length));
    }

    /** A new block holding {@code data}; 0 if it is empty or does not fit. */
    public long write(byte[] data) {
        long p = alloc(data.length);
        if (p != 0) {
            System.arraycopy(data, 0, bytes, (int) p, data.length);
        }
        return p;
    }

    public int loadU8(long offset) {
        requireInside(offset, 1);
        return bytes[(int) offset] & 0xFF;
    }

    public long loadU64(long offset) {
        requireInside(offset, 8);
        return (long) LONG_LE.get(bytes, (int) offset);
    }

    public void storeU8(long offset, byte value) {
        requireInside(offset, 1);
        bytes[(int) offset] = value;
    }

    public void storeU64(long offset, long value) {
        requireInside(offset, 8);
        LONG_LE.set(bytes, (int) offset, value);
    }

    /** Bytes in use, up to the end of the last block ever allocated since the reset. */
    public long used() {
        return top;
    }

    /** Traps unless {@code [offset, offset + length)} lies inside the allocated region. */
    public void requireInside(long offset, long length) {
        if (offset < FIRST || length < 0 || offset > top - length) {
            throw new Trap(TrapKind.HOST_ERROR, "extism: access of " + length + " bytes at " + offset
                    + " is outside the kernel memory (" + top + " bytes allocated)");
        }
    }
}
