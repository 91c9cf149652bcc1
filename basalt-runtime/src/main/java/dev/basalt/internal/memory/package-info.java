/**
 * Linear memory: {@link dev.basalt.internal.memory.LinearMemory} holds one Wasm memory in a Java {@code byte[]}
 * with bounds-checked little-endian loads and stores, {@code memory.grow}, the bulk operations, and the threads
 * proposal's atomics and wait/notify for shared memories. {@link dev.basalt.internal.memory.MemoryLimitException}
 * reports a memory that cannot be created within its limits.
 *
 * {@snippet :
 * LinearMemory mem = LinearMemory.create(new MemoryType(Limits.of(1, 4)), storeByteCap);
 * mem.i32Store(Integer.toUnsignedLong(addr), 8, 42);   // address unsigned, static offset 8
 * int v = mem.i32Load(Integer.toUnsignedLong(addr), 8);
 * long old = mem.grow(1, storeByteCap);                // old size in pages, or -1
 * }
 */
package dev.basalt.internal.memory;
