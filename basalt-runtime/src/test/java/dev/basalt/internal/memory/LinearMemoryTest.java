package dev.basalt.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.V128;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LinearMemoryTest {
    private static final long PAGE = 65536;

    private static LinearMemory memory(long min, long max) {
        return LinearMemory.create(new MemoryType(Limits.of(min, max)));
    }

    private static LinearMemory shared(long min, long max) {
        return LinearMemory.create(new MemoryType(Limits.of(min, max), true, false, 16));
    }

    private static void assertTrap(Runnable action, TrapKind kind) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(kind));
    }

    // ------------------------------------------------------------------ loads and stores

    @Test
    void storesAreLittleEndianAndLoadsExtendCorrectly() {
        LinearMemory m = memory(1, 1);
        m.i64Store(0, 0, 0x8877_6655_4433_2211L);
        assertThat(m.read(0, 8)).containsExactly(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88);
        assertThat(m.i32Load(0, 4)).isEqualTo(0x8877_6655);
        assertThat(m.i32Load8S(7, 0)).isEqualTo(-0x78);
        assertThat(m.i32Load8U(0, 7)).isEqualTo(0x88);
        assertThat(m.i32Load16S(6, 0)).isEqualTo((int) (short) 0x8877);
        assertThat(m.i32Load16U(3, 3)).isEqualTo(0x8877);
        assertThat(m.i64Load32S(4, 0)).isEqualTo(0xFFFF_FFFF_8877_6655L);
        assertThat(m.i64Load32U(4, 0)).isEqualTo(0x8877_6655L);
        assertThat(m.i64Load16U(1, 0)).isEqualTo(0x3322L);
        assertThat(m.i64Load8S(7, 0)).isEqualTo(-0x78L);
        m.i32Store16(100, 0, 0xABCD_1234);
        m.i32Store8(102, 0, 0x1FF);
        assertThat(m.i32Load(100, 0)).isEqualTo(0x00FF_1234);
        m.i64Store32(200, 0, 0x1_2345_6789L);
        m.i64Store16(204, 0, -1L);
        m.i64Store8(206, 0, 0x7FL);
        assertThat(m.i64Load(200, 0)).isEqualTo(0x007F_FFFF_2345_6789L);
        int snan = 0x7FA0_0001;
        m.f32Store(300, 0, Float.intBitsToFloat(snan));
        assertThat(Float.floatToRawIntBits(m.f32Load(300, 0))).isEqualTo(snan);
        m.f64Store(304, 0, -0d);
        assertThat(m.i64Load(304, 0)).isEqualTo(Long.MIN_VALUE);
        m.v128Store(400, 1, new V128(0x0706_0504_0302_0100L, 0x0F0E_0D0C_0B0A_0908L));
        assertThat(m.i32Load8U(401 + 9, 0)).isEqualTo(9);
        assertThat(m.v128Load(0, 401)).isEqualTo(new V128(0x0706_0504_0302_0100L, 0x0F0E_0D0C_0B0A_0908L));
    }

    static Stream<Arguments> outOfBoundsAccesses() {
        long end = PAGE;
        return Stream.of(
                oob("i32.load at size-3", m -> m.i32Load(end - 3, 0)),
                oob("i32.load offset pushes past end", m -> m.i32Load(end - 4, 1)),
                oob("i64.load at size-7", m -> m.i64Load(0, end - 7)),
                oob("i32.load8_u at size", m -> m.i32Load8U(end, 0)),
                oob("v128.load at size-15", m -> m.v128Load(end - 15, 0)),
                oob("i32.store at size-2", m -> m.i32Store(end - 2, 0, 1)),
                oob("i64.store16 at size-1", m -> m.i64Store16(end - 1, 0, 1)),
                oob("i32 address 0xffffffff + offset 1 (no 32-bit wrap)", m -> m.i32Load(0xFFFF_FFFFL, 1)),
                oob("address 2^64-1 + offset 1 (no 64-bit wrap to 0)", m -> m.i32Load8U(-1L, 1)),
                oob("offset 2^64-1 + address 4 (wraps to 3)", m -> m.i32Load(4, -1L)),
                oob("address 2^63 + offset 2^63 (wraps to 0)", m -> m.i64Load(Long.MIN_VALUE, Long.MIN_VALUE)),
                oob("address 2^62 + offset 2^62 (sum 2^63)", m -> m.i32Store8(1L << 62, 1L << 62, 0)),
                oob("atomic load past end", m -> m.atomicLoad32(end, 0)),
                oob("fill one past end", m -> m.fill(end - 10, 0, 11)),
                oob("fill zero bytes beyond end", m -> m.fill(end + 1, 0, 0)),
                oob("copy source beyond end", m -> m.copy(0, end - 1, 2)),
                oob("copy destination beyond end", m -> m.copy(end - 1, 0, 2)),
                oob("copy with 64-bit length wrap", m -> m.copy(1, 0, -1L)),
                oob("init destination beyond end", m -> m.init(end - 1, new byte[4], 0, 2)),
                oob("init source beyond segment", m -> m.init(0, new byte[4], 3, 2)),
                oob("init from dropped segment", m -> m.init(0, new byte[0], 0, 1)),
                oob("host read past end", m -> m.read(end - 1, 2)),
                oob("host read of a negative length", m -> m.read(0, -1)));
    }

    private static Arguments oob(String name, Consumer<LinearMemory> action) {
        return Arguments.of(named(name, action));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfBoundsAccesses")
    void outOfBoundsAccessTrapsWithoutSideEffects(Consumer<LinearMemory> access) {
        LinearMemory m = memory(1, 2);
        m.fill(0, 0x5A, PAGE);
        assertTrap(() -> access.accept(m), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        byte[] all = m.read(0, (int) PAGE);
        for (byte b : all) {
            if (b != 0x5A) {
                throw new AssertionError("memory modified by a trapping access");
            }
        }
    }

    @Test
    void lastBytesAndZeroLengthAtTheEndAreInBounds() {
        LinearMemory m = memory(1, 1);
        m.i64Store(PAGE - 8, 0, -1L);
        assertThat(m.i64Load(0, PAGE - 8)).isEqualTo(-1L);
        assertThat(m.v128Load(PAGE - 16, 0)).isEqualTo(new V128(0, -1L));
        m.fill(PAGE, 1, 0);
        m.copy(PAGE, PAGE, 0);
        m.init(PAGE, new byte[3], 3, 0);
        m.init(0, new byte[0], 0, 0); // a dropped segment with length 0 is fine
    }

    @Test
    void everyVectorMemoryInstructionHasAMethod() {
        // the Opcode table's SIMD memory instructions, by name, against LinearMemory's public methods
        java.util.Set<String> methods = new java.util.HashSet<>();
        for (java.lang.reflect.Method method : LinearMemory.class.getMethods()) {
            methods.add(method.getName());
        }
        List<String> missing = new ArrayList<>();
        for (dev.basalt.wasm.Opcode op : dev.basalt.wasm.Opcode.values()) {
            if (op.prefix() == 0xFD && (op.imm() == dev.basalt.wasm.Opcode.Imm.MEMARG
                    || op.imm() == dev.basalt.wasm.Opcode.Imm.MEMARG_LANE)) {
                String name = dev.basalt.internal.ops.SpecConformanceTestAccess.methodName(op.mnemonic());
                if (!methods.contains(name)) {
                    missing.add(op.mnemonic() + " -> " + name);
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void vectorLoadsAndStores() {
        LinearMemory m = memory(1, 1);
        m.write(0, new byte[] {(byte) 0x80, 0x7F, 1, (byte) 0xFF, 2, 3, 4, 5, 6, 7});
        assertThat(m.v128Load8x8S(0, 0)).isEqualTo(new V128(0xFFFF_0001_007F_FF80L, 0x0005_0004_0003_0002L));
        assertThat(m.v128Load8x8U(0, 0)).isEqualTo(new V128(0x00FF_0001_007F_0080L, 0x0005_0004_0003_0002L));
        assertThat(m.v128Load16x4S(0, 0)).isEqualTo(new V128(0xFFFF_FF01_0000_7F80L, 0x0000_0504_0000_0302L));
        assertThat(m.v128Load32x2U(4, 0)).isEqualTo(new V128(0x0504_0302L, 0x0706L));
        assertThat(m.v128Load8Splat(0, 3)).isEqualTo(new V128(-1L, -1L));
        assertThat(m.v128Load16Splat(1, 0)).isEqualTo(new V128(0x017F_017F_017F_017FL, 0x017F_017F_017F_017FL));
        assertThat(m.v128Load32Zero(0, 4)).isEqualTo(new V128(0x0504_0302L, 0));
        assertThat(m.v128Load64Zero(0, 0)).isEqualTo(new V128(0x0504_0302_FF01_7F80L, 0));
        assertThat(m.v128Load64Splat(0, 0)).isEqualTo(new V128(0x0504_0302_FF01_7F80L, 0x0504_0302_FF01_7F80L));
        assertThat(m.v128Load32Splat(0, 0)).isEqualTo(new V128(0xFF01_7F80_FF01_7F80L, 0xFF01_7F80_FF01_7F80L));
        V128 v = m.v128Load8Lane(3, 0, V128.ZERO, 9);
        assertThat(v).isEqualTo(new V128(0, 0xFF00));
        assertThat(m.v128Load16Lane(0, 0, v, 0)).isEqualTo(new V128(0x7F80, 0xFF00));
        assertThat(m.v128Load32Lane(0, 4, V128.ZERO, 3)).isEqualTo(new V128(0, 0x0504_0302L << 32));
        assertThat(m.v128Load64Lane(0, 0, V128.ZERO, 1)).isEqualTo(new V128(0, 0x0504_0302_FF01_7F80L));
        V128 pattern = new V128(0x0706_0504_0302_0100L, 0x0F0E_0D0C_0B0A_0908L);
        m.v128Store8Lane(100, 0, pattern, 13);
        m.v128Store16Lane(101, 0, pattern, 1);
        m.v128Store32Lane(103, 0, pattern, 2);
        m.v128Store64Lane(107, 0, pattern, 0);
        assertThat(m.read(100, 15)).containsExactly(13, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7);
        assertTrap(() -> m.v128Load8x8S(PAGE - 7, 0), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        assertTrap(() -> m.v128Store64Lane(PAGE - 4, 0, pattern, 1), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        assertTrap(() -> m.v128Load32Lane(-4L, 0, pattern, 1), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
    }

    // ------------------------------------------------------------------ grow and limits

    @Test
    void growReturnsOldSizeZeroesNewPagesAndKeepsData() {
        LinearMemory m = memory(1, 3);
        m.i32Store(PAGE - 4, 0, 0xCAFE_BABE);
        assertThat(m.grow(1)).isEqualTo(1);
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.byteSize()).isEqualTo(2 * PAGE);
        assertThat(m.i32Load(PAGE - 4, 0)).isEqualTo(0xCAFE_BABE);
        assertThat(m.i64Load(2 * PAGE - 8, 0)).isZero();
        assertThat(m.grow(2)).as("beyond the type maximum").isEqualTo(-1);
        assertThat(m.grow(1)).isEqualTo(2);
        assertThat(m.grow(0)).as("growing by 0 at the maximum succeeds").isEqualTo(3);
        assertThat(m.grow(-1L)).as("unsigned huge delta").isEqualTo(-1);
        assertThat(m.size()).isEqualTo(3);
    }

    @Test
    void pageByPageGrowthKeepsDataAndTrapsJustPastTheLogicalSize() {
        // The backing array grows ahead of the memory (geometrically); what a guest can reach must not.
        LinearMemory m = LinearMemory.create(new MemoryType(Limits.of(1, 200)));
        for (int page = 1; page < 100; page++) {
            m.i32Store((long) page * PAGE - 4, 0, page);
            assertThat(m.grow(1)).isEqualTo(page);
            long size = m.byteSize();
            assertThat(size).isEqualTo((page + 1L) * PAGE);
            assertThat(m.i32Load(size - 4, 0)).as("new page is zeroed").isZero();
            assertThatThrownBy(() -> m.i32Load(size - 3, 0)).isInstanceOf(Trap.class);
            assertThatThrownBy(() -> m.i32Load8U(size, 0)).isInstanceOf(Trap.class);
        }
        for (int page = 1; page < 100; page++) {
            assertThat(m.i32Load((long) page * PAGE - 4, 0)).isEqualTo(page);
        }
        assertThat(m.grow(101)).as("beyond the type maximum").isEqualTo(-1);
        assertThat(m.grow(100)).isEqualTo(100);
    }

    @Test
    void growHonoursTheByteCapAndTheArrayLimit() {
        LinearMemory m = LinearMemory.create(new MemoryType(Limits.of(1)));
        assertThat(m.grow(1, 2 * PAGE)).isEqualTo(1);
        assertThat(m.grow(1, 2 * PAGE)).as("store cap reached").isEqualTo(-1);
        assertThat(m.grow(1, 0)).as("cap below current size").isEqualTo(-1);
        assertThat(m.maxPages()).isEqualTo(LinearMemory.MAX_BYTES / PAGE);
        assertThat(m.grow(32768)).as("2 GiB does not fit one Java array").isEqualTo(-1);
        assertThat(m.size()).isEqualTo(2);
    }

    @Test
    void creationFailsWhenTheMinimumExceedsTheLimits() {
        assertThatThrownBy(() -> LinearMemory.create(new MemoryType(Limits.of(3)), 2 * PAGE))
                .isInstanceOf(MemoryLimitException.class).hasMessageContaining("exceeds memory limits");
        assertThatThrownBy(() -> LinearMemory.create(new MemoryType(Limits.of(65536))))
                .isInstanceOf(MemoryLimitException.class);
        assertThatThrownBy(() -> LinearMemory.create(new MemoryType(Limits.of(1L << 40), false, true, 16)))
                .isInstanceOf(MemoryLimitException.class);
    }

    @Test
    void onesBytePagesAddressEachByte() {
        LinearMemory m = LinearMemory.create(new MemoryType(Limits.of(5, 20), false, false, 0));
        assertThat(m.pageSize()).isEqualTo(1);
        assertThat(m.size()).isEqualTo(5);
        m.i32Store(1, 0, 0x0403_0201);
        assertTrap(() -> m.i32Load(2, 0), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        assertThat(m.grow(3)).isEqualTo(5);
        assertThat(m.byteSize()).isEqualTo(8);
        assertThat(m.i32Load(4, 0)).isEqualTo(0x04);
        assertThat(m.grow(13)).isEqualTo(-1);
        assertThat(m.grow(12)).isEqualTo(8);
        // 8-bit atomic on the last byte of an odd-sized memory uses a word that extends past the end
        LinearMemory odd = LinearMemory.create(new MemoryType(Limits.of(5, 5), true, false, 0));
        assertThat(odd.atomicRmw8(LinearMemory.RMW_ADD, 4, 0, 7)).isZero();
        assertThat(odd.atomicLoad8(4, 0)).isEqualTo(7);
    }

    @Test
    void memory64AddressesAboveFourGibAreOutOfBoundsNotWrapped() {
        LinearMemory m = LinearMemory.create(new MemoryType(Limits.of(1, 1L << 40), false, true, 16));
        assertThat(m.is64()).isTrue();
        assertTrap(() -> m.i32Load(1L << 32, 0), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        assertTrap(() -> m.i32Load(0, 1L << 32), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        m.i32Store(0, 16, 3);
        assertThat(m.i32Load(16, 0)).isEqualTo(3);
    }

    // ------------------------------------------------------------------ bulk

    @Test
    void bulkOperations() {
        LinearMemory m = memory(1, 1);
        m.fill(10, 0x1AB, 4);
        assertThat(m.read(9, 6)).containsExactly(0, 0xAB - 256, 0xAB - 256, 0xAB - 256, 0xAB - 256, 0);
        m.write(0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        m.copy(2, 0, 6); // overlapping, forward
        assertThat(m.read(0, 8)).containsExactly(1, 2, 1, 2, 3, 4, 5, 6);
        m.copy(0, 2, 6); // overlapping, backward
        assertThat(m.read(0, 8)).containsExactly(1, 2, 3, 4, 5, 6, 5, 6);
        m.init(100, new byte[] {9, 8, 7, 6}, 1, 2);
        assertThat(m.read(99, 4)).containsExactly(0, 8, 7, 0);
        LinearMemory other = memory(1, 1);
        other.copyFrom(m, 50, 0, 4);
        assertThat(other.read(50, 4)).containsExactly(1, 2, 3, 4);
    }

    // ------------------------------------------------------------------ atomics

    @Test
    void atomicsCheckAlignmentBeforeBounds() {
        LinearMemory m = shared(1, 1);
        assertTrap(() -> m.atomicLoad32(1, 0), TrapKind.UNALIGNED_ATOMIC);
        assertTrap(() -> m.atomicLoad64(4, 0), TrapKind.UNALIGNED_ATOMIC);
        assertTrap(() -> m.atomicStore16(0, 3, 0), TrapKind.UNALIGNED_ATOMIC);
        assertTrap(() -> m.atomicRmw32(LinearMemory.RMW_ADD, 2, 0, 1), TrapKind.UNALIGNED_ATOMIC);
        assertTrap(() -> m.atomicCmpxchg16(1, 0, 0, 0), TrapKind.UNALIGNED_ATOMIC);
        assertTrap(() -> m.notify(1, 0, 1), TrapKind.UNALIGNED_ATOMIC);
        assertTrap(() -> m.wait64(4, 0, 0, 0), TrapKind.UNALIGNED_ATOMIC);
        assertTrap(() -> m.atomicLoad32(PAGE, 0), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        assertTrap(() -> m.atomicLoad8(PAGE - 1, 1), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        assertThat(m.atomicLoad8(PAGE - 1, 0)).isZero();
    }

    @Test
    void atomicReadModifyWriteReturnsOldValues() {
        LinearMemory m = shared(1, 1);
        m.i64Store(0, 0, 0x1111_1111_1111_1111L);
        assertThat(m.atomicRmw8(LinearMemory.RMW_ADD, 1, 0, 0xF0)).isEqualTo(0x11);
        assertThat(m.atomicLoad8(1, 0)).isEqualTo(0x01); // wrapped
        assertThat(m.atomicLoad8(0, 0)).as("neighbour byte untouched").isEqualTo(0x11);
        assertThat(m.atomicRmw16(LinearMemory.RMW_SUB, 2, 0, 0x1112)).isEqualTo(0x1111);
        assertThat(m.atomicLoad16(2, 0)).isEqualTo(0xFFFF);
        assertThat(m.atomicRmw32(LinearMemory.RMW_AND, 4, 0, 0x0F0F_0F0F)).isEqualTo(0x1111_1111);
        assertThat(m.atomicRmw32(LinearMemory.RMW_OR, 4, 0, 0x2000_0000)).isEqualTo(0x0101_0101);
        assertThat(m.atomicRmw32(LinearMemory.RMW_XOR, 4, 0, -1)).isEqualTo(0x2101_0101);
        assertThat(m.atomicRmw32(LinearMemory.RMW_XCHG, 4, 0, 7)).isEqualTo(~0x2101_0101);
        assertThat(m.atomicLoad32(4, 0)).isEqualTo(7);
        assertThat(m.atomicRmw64(LinearMemory.RMW_ADD, 8, 0, -1L)).isZero();
        assertThat(m.atomicRmw64(LinearMemory.RMW_XCHG, 8, 0, 5L)).isEqualTo(-1L);
        assertThat(m.atomicLoad64(8, 0)).isEqualTo(5L);
        m.atomicStore8(16, 0, 0x1FF);
        m.atomicStore16(18, 0, 0xABCDE);
        m.atomicStore32(20, 0, -2);
        assertThat(m.atomicLoad64(16, 0)).isEqualTo(0xFFFF_FFFE_BCDE_00FFL);
        m.atomicStore64(16, 0, 0);
        assertThat(m.i64Load(16, 0)).isZero();
    }

    @Test
    void compareExchangeWrapsTheExpectedValue() {
        LinearMemory m = shared(1, 1);
        m.i64Store(0, 0, 0x1111_1111_1111_1111L);
        assertThat(m.atomicCmpxchg8(0, 0, 0x1_0011, 0xCDCD_CDCD)).as("expected wrapped to 8 bits: match").isEqualTo(0x11);
        assertThat(m.atomicLoad8(0, 0)).isEqualTo(0xCD);
        assertThat(m.atomicCmpxchg16(2, 0, 0, 0xCAFE)).as("mismatch").isEqualTo(0x1111);
        assertThat(m.atomicLoad16(2, 0)).isEqualTo(0x1111);
        assertThat(m.atomicCmpxchg32(4, 0, 0x1111_1111, 0x1234_5678)).isEqualTo(0x1111_1111);
        assertThat(m.atomicLoad32(4, 0)).isEqualTo(0x1234_5678);
        assertThat(m.atomicCmpxchg64(8, 0, 1L, 2L)).isZero();
        assertThat(m.atomicLoad64(8, 0)).isZero();
        assertThat(m.atomicCmpxchg64(8, 0, 0L, 2L)).isZero();
        assertThat(m.atomicLoad64(8, 0)).isEqualTo(2L);
    }

    @Test
    @Timeout(30)
    void concurrentNarrowAndWideRmwsDoNotLoseUpdates() throws Exception {
        LinearMemory m = shared(1, 1);
        int threads = 4;
        int rounds = 20_000;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int lane = t;
            workers.add(new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    m.atomicRmw8(LinearMemory.RMW_ADD, lane, 0, 1); // four threads, four bytes of one word
                    m.atomicRmw16(LinearMemory.RMW_ADD, 8, 0, 1);
                    m.atomicRmw32(LinearMemory.RMW_ADD, 12, 0, 1);
                    m.atomicRmw64(LinearMemory.RMW_SUB, 16, 0, 1);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread w : workers) {
            w.join(20_000);
            assertThat(w.isAlive()).isFalse();
        }
        for (int t = 0; t < threads; t++) {
            assertThat(m.atomicLoad8(t, 0)).isEqualTo(rounds & 0xFF);
        }
        assertThat(m.atomicLoad16(8, 0)).isEqualTo((threads * rounds) & 0xFFFF);
        assertThat(m.atomicLoad32(12, 0)).isEqualTo(threads * rounds);
        assertThat(m.atomicLoad64(16, 0)).isEqualTo(-(long) threads * rounds);
    }

    // ------------------------------------------------------------------ wait / notify

    @Test
    void waitNeedsASharedMemoryAndNotifyOnUnsharedWakesNobody() {
        LinearMemory m = memory(1, 1);
        assertTrap(() -> m.wait32(0, 0, 0, 0), TrapKind.EXPECTED_SHARED_MEMORY);
        assertTrap(() -> m.wait64(0, 0, 0, -1), TrapKind.EXPECTED_SHARED_MEMORY);
        assertThat(m.notify(0, 0, 10)).isZero();
    }

    @Test
    @Timeout(10)
    void waitReturnsNotEqualOrTimesOut() {
        LinearMemory m = shared(1, 1);
        m.i64Store(0, 0, 0xFFFF_FFFF_FFFFL);
        assertThat(m.wait32(0, 0, 0, 0)).isEqualTo(LinearMemory.WAIT_NOT_EQUAL);
        assertThat(m.wait64(0, 0, 0, -1)).isEqualTo(LinearMemory.WAIT_NOT_EQUAL);
        long start = System.nanoTime();
        assertThat(m.wait32(8, 0, 0, TimeUnit.MILLISECONDS.toNanos(20))).isEqualTo(LinearMemory.WAIT_TIMED_OUT);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
        assertThat(m.wait64(8, 0, 0, 0)).isEqualTo(LinearMemory.WAIT_TIMED_OUT);
        assertThat(m.notify(0, 0, 1)).isZero();
        assertThat(m.waiterCount(8)).isZero();
    }

    @Test
    @Timeout(20)
    void notifyWakesTheRequestedNumberOfRealThreads() throws Exception {
        LinearMemory m = shared(1, 1);
        int n = 5;
        AtomicInteger okResults = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                try {
                    if (m.wait32(64, 0, 0, TimeUnit.SECONDS.toNanos(15)) == LinearMemory.WAIT_OK) {
                        okResults.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            waiters.add(t);
        }
        awaitWaiters(m, 64, n);
        assertThat(m.notify(64, 0, 2)).isEqualTo(2);
        assertThat(m.notify(68, 0, 10)).as("other address: nobody").isZero();
        awaitWaiters(m, 64, n - 2);
        assertThat(m.notify(0, 64, -1)).as("count is unsigned: wake all").isEqualTo(n - 2);
        for (Thread t : waiters) {
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(failure.get()).isNull();
        assertThat(okResults.get()).isEqualTo(n);
        assertThat(m.notify(64, 0, 1)).isZero();
    }

    @Test
    @Timeout(20)
    void storeThenNotifyReleasesAWait64Loop() throws Exception {
        // the classic futex pattern: wait while the value is 0; the other thread stores 1 and notifies
        LinearMemory m = shared(1, 1);
        CountDownLatch done = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            while (m.atomicLoad64(8, 0) == 0) {
                m.wait64(8, 0, 0, -1);
            }
            done.countDown();
        });
        waiter.start();
        awaitWaiters(m, 8, 1);
        m.atomicStore64(8, 0, 1);
        assertThat(m.notify(8, 0, 1)).isEqualTo(1);
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @Timeout(20)
    void interruptingAWaitingThreadTraps() throws Exception {
        LinearMemory m = shared(1, 1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                m.wait32(0, 0, 0, -1);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        awaitWaiters(m, 0, 1);
        t.interrupt();
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOfSatisfying(Trap.class,
                trap -> assertThat(trap.kind()).isEqualTo(TrapKind.INTERRUPTED));
        assertThat(m.waiterCount(0)).isZero();
    }

    @Test
    @Timeout(20)
    void aPollHookCanStopAnEndlessWait() throws Exception {
        LinearMemory m = shared(1, 1);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Runnable poll = () -> {
            if (stop.get()) {
                throw new Trap(TrapKind.INTERRUPTED);
            }
        };
        Thread t = new Thread(() -> {
            try {
                m.wait64(8, 0, 0L, -1, poll);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        awaitWaiters(m, 8, 1);
        long start = System.nanoTime();
        stop.set(true);
        t.join(10_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(System.nanoTime() - start).as("stopped promptly").isLessThan(TimeUnit.SECONDS.toNanos(2));
        assertThat(thrown.get()).isInstanceOfSatisfying(Trap.class,
                trap -> assertThat(trap.kind()).isEqualTo(TrapKind.INTERRUPTED));
        assertThat(m.waiterCount(8)).isZero();
        // a poll that never fires does not disturb timeouts or notification
        assertThat(m.wait32(0, 0, 0, TimeUnit.MILLISECONDS.toNanos(30), () -> { })).isEqualTo(LinearMemory.WAIT_TIMED_OUT);
    }

    @Test
    @Timeout(20)
    void growthOfASharedMemoryIsVisibleToOtherThreads() throws Exception {
        LinearMemory m = shared(1, 4);
        assertThat(m.grow(2)).isEqualTo(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                m.i32Store(3 * PAGE - 4, 0, 42);
                if (m.atomicLoad32(3 * PAGE - 4, 0) != 42 || m.size() != 3) {
                    throw new AssertionError("grown memory not visible");
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(10_000);
        assertThat(failure.get()).isNull();
        assertThat(m.i32Load(3 * PAGE - 4, 0)).isEqualTo(42);
        assertTrap(() -> m.i32Load(3 * PAGE, 0), TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        assertThat(m.grow(2)).as("reservation is the maximum").isEqualTo(-1);
        assertThat(m.grow(1)).isEqualTo(3);
    }

    private static void awaitWaiters(LinearMemory m, long address, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (m.waiterCount(address) != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " waiters, have " + m.waiterCount(address));
            }
            Thread.sleep(1);
        }
    }
}
