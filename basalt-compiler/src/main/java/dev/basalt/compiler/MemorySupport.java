package dev.basalt.compiler;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Run-time pieces of the memory accesses that {@link MemoryCodegen} inlines into generated code: little-endian views
 * of a memory's backing {@code byte[]} (static finals, so HotSpot treats them as constants and intrinsifies the
 * accesses), and the out-of-bounds trap. Public because generated classes live in their own class loader; not API.
 */
public final class MemorySupport {
    public static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    public static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    public static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private MemorySupport() {
    }

    /**
     * The trap of an access outside the memory. Generated code throws what this returns right at the access, so the
     * JVM line number of the throwing frame (the Wasm byte offset, see {@link OffsetLines}) is the access's.
     */
    public static Trap outOfBounds() {
        return new Trap(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
    }
}
