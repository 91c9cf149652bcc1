package dev.basalt;

import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.memory.MemoryLimitException;
import dev.basalt.wasm.MemoryType;

/**
 * A linear memory of some instance, or created by the host. Accesses are bounds-checked and trap with
 * "out of bounds memory access"; multi-byte values are little-endian.
 */
public final class Memory implements Extern {
    final LinearMemory memory;

    Memory(LinearMemory memory) {
        this.memory = memory;
    }

    /** A new host memory, capped by the store's memory limit. */
    public static Memory create(Store<?> store, MemoryType type) {
        try {
            return new Memory(LinearMemory.create(type, store.state.maxMemoryBytes));
        } catch (MemoryLimitException e) {
            throw new UnlinkableException(e.getMessage());
        }
    }

    public MemoryType type() {
        return memory.type();
    }

    /** Current size in pages. */
    public long pages() {
        return memory.size();
    }

    public long byteSize() {
        return memory.byteSize();
    }

    /** Grows by {@code deltaPages}; returns the old size in pages or -1. */
    public long grow(long deltaPages) {
        return memory.grow(deltaPages);
    }

    public byte[] read(long address, int length) {
        return memory.read(address, length);
    }

    public void write(long address, byte[] bytes) {
        memory.write(address, bytes);
    }

    public byte readByte(long address) {
        return (byte) memory.i32Load8U(address, 0);
    }

    public short readShort(long address) {
        return (short) memory.i32Load16U(address, 0);
    }

    public void writeByte(long address, byte value) {
        memory.i32Store8(address, 0, value);
    }

    public void writeShort(long address, short value) {
        memory.i32Store16(address, 0, value);
    }

    public int readInt(long address) {
        return memory.i32Load(address, 0);
    }

    public long readLong(long address) {
        return memory.i64Load(address, 0);
    }

    public void writeInt(long address, int value) {
        memory.i32Store(address, 0, value);
    }

    public void writeLong(long address, long value) {
        memory.i64Store(address, 0, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Memory m && m.memory == memory;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(memory);
    }
}
