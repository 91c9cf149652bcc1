package dev.basalt.component.internal.runtime;

import dev.basalt.Memory;
import dev.basalt.component.ComponentValue;
import java.util.IdentityHashMap;

/**
 * CanonicalABI.md {@code LiftLowerContext}: the options, the component instance whose memory and handle table are
 * used, and the borrow scope — the {@link Task} when lowering into a callee, the {@link Subtask} when lifting from
 * a caller. {@code hostPeer} tells whether the other side of the call is the host, which only selects the trap
 * wording (wasmtime words host-side checks differently from component-to-component adapters).
 */
final class AbiContext {
    final AbiOptions opts;
    final RuntimeInstance inst;
    final Task task;
    final Subtask subtask;
    final boolean hostPeer;
    /**
     * Hints of strings lifted in this context (written by lifting) or to be lowered (read by lowering); null until
     * a string is lifted (most calls lift none, and then allocate no map).
     */
    IdentityHashMap<ComponentValue, StringHint> hints;

    StringHint hint(ComponentValue v) {
        return hints == null ? null : hints.get(v);
    }

    void putHint(ComponentValue v, StringHint hint) {
        if (hints == null) {
            hints = new IdentityHashMap<>(4);
        }
        hints.put(v, hint);
    }

    /**
     * How many list elements (and string bytes / 8) one lift may produce: a guest can describe a list of hundreds of
     * millions of elements within its memory; lifting it would exhaust the JVM's heap, so it traps instead.
     */
    static final long LIFT_BUDGET = 1L << 24;
    private long lifted;

    void charge(long n) {
        lifted += n;
        if (lifted > LIFT_BUDGET) {
            throw Traps.trap("component value too large to lift: more than " + LIFT_BUDGET + " list elements");
        }
    }

    AbiContext(AbiOptions opts, RuntimeInstance inst, Task task, Subtask subtask, boolean hostPeer) {
        this.opts = opts;
        this.inst = inst;
        this.task = task;
        this.subtask = subtask;
        this.hostPeer = hostPeer;
    }

    Memory memory() {
        Memory m = opts.memory();
        if (m == null) {
            throw Traps.trap("canonical ABI: this value needs a `memory` option, which is absent");
        }
        return m;
    }

    long memLength() {
        return memory().byteSize();
    }

    /** The unsigned little-endian integer of {@code nbytes} (1, 2, 4 or 8) bytes at {@code ptr}. */
    long loadInt(long ptr, int nbytes) {
        Memory m = memory();
        return switch (nbytes) {
            case 1 -> m.readByte(ptr) & 0xffL;
            case 2 -> m.readShort(ptr) & 0xffffL;
            case 4 -> Integer.toUnsignedLong(m.readInt(ptr));
            case 8 -> m.readLong(ptr);
            default -> throw new IllegalArgumentException("int size " + nbytes);
        };
    }

    int loadByte(long ptr) {
        return memory().readByte(ptr) & 0xff;
    }

    int loadShort(long ptr) {
        return memory().readShort(ptr) & 0xffff;
    }

    void storeInt(long ptr, long v, int nbytes) {
        Memory m = memory();
        switch (nbytes) {
            case 1 -> m.writeByte(ptr, (byte) v);
            case 2 -> m.writeShort(ptr, (short) v);
            case 4 -> m.writeInt(ptr, (int) v);
            case 8 -> m.writeLong(ptr, v);
            default -> throw new IllegalArgumentException("int size " + nbytes);
        }
    }

    void storeByte(long ptr, int v) {
        memory().writeByte(ptr, (byte) v);
    }

    void storeShort(long ptr, int v) {
        memory().writeShort(ptr, (short) v);
    }

    byte[] read(long ptr, long length) {
        return memory().read(ptr, (int) length);
    }

    void write(long ptr, byte[] bytes) {
        memory().write(ptr, bytes);
    }

    /** {@code LiftLowerContext.reallocate}: calls the guest's realloc with {@code may_leave} cleared. */
    long reallocate(long old, long oldLength, int alignment, long newLength) {
        if (opts.realloc() == null) {
            throw Traps.trap("canonical ABI: this value needs a `realloc` option, which is absent");
        }
        inst.mayLeave = false;
        long ptr = opts.realloc().callRaw(old, oldLength, alignment, newLength)[0] & 0xffff_ffffL;
        inst.mayLeave = true;
        return ptr;
    }

    long allocate(int alignment, long byteLength) {
        return reallocate(0, 0, alignment, byteLength);
    }

    /** The checks after each realloc: alignment, then bounds ({@code what} names the value for adapter wording). */
    void checkAllocation(long ptr, int alignment, long byteLength, String what) {
        if (ptr % alignment != 0) {
            throw Traps.trap(hostPeer ? "realloc return: result not aligned" : Traps.UNALIGNED);
        }
        if (ptr + byteLength > memLength()) {
            throw Traps.trap(hostPeer ? "realloc return: beyond end of memory" : what + " content out-of-bounds");
        }
    }

    /** The checks of a pointer/length pair read from the guest. */
    void checkRange(long ptr, int alignment, long byteLength, String what) {
        if (ptr % alignment != 0) {
            throw Traps.trap(Traps.UNALIGNED);
        }
        if (ptr + byteLength > memLength()) {
            throw Traps.trap(hostPeer ? what + " pointer/length out of bounds of memory" : what + " content out-of-bounds");
        }
    }
}
