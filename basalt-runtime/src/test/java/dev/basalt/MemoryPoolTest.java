package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Store#release()}: a released store's memories are reset to the module's image and reused by the next
 * instantiation; nothing the previous instance wrote is visible, and stale references to the released memory trap.
 */
class MemoryPoolTest {
    private final Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());

    /** Data at 16 and 40,000; {@code scribble} writes 0xEE over the first {@code n} bytes, {@code grow} grows. */
    private final Module module = Module.fromWat(engine, """
            (module (memory (export "m") 1 4)
              (data (i32.const 16) "initial data")
              (data (i32.const 40000) "far")
              (func (export "scribble") (param $n i32)
                (memory.fill (i32.const 0) (i32.const 0xEE) (local.get $n)))
              (func (export "grow") (param $pages i32) (result i32)
                (memory.grow (local.get $pages)))
              (func (export "trap") (unreachable)))
            """);

    private Instance instantiate(Store<Void> store) {
        return Linker.<Void>create(engine).instantiate(store, module);
    }

    /** What a fresh instance holds: the two segments, zeros elsewhere. */
    private static byte[] initialPage() {
        byte[] page = new byte[65536];
        byte[] data = "initial data".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(data, 0, page, 16, data.length);
        System.arraycopy("far".getBytes(StandardCharsets.ISO_8859_1), 0, page, 40000, 3);
        return page;
    }

    @Test
    void theNextInstanceReusesTheArrayAndSeesNothingOfThePreviousOne() {
        MemoryImage image = module.memoryImage();
        assertThat(image).isNotNull();
        Store<Void> first = Store.create(engine);
        Instance a = instantiate(first);
        // dirty the image, the zeros after it, and a grown page
        assertThat(a.getFunc("grow").orElseThrow().callI32(1)).isEqualTo(1);
        a.getFunc("scribble").orElseThrow().callRaw(2 * 65536);
        Memory stale = a.getMemory("m").orElseThrow();
        assertThat(stale.readByte(131071)).isEqualTo((byte) 0xEE);
        first.release();
        assertThat(image.pooled(0)).isEqualTo(1);

        Store<Void> second = Store.create(engine);
        Instance b = instantiate(second);
        assertThat(image.pooled(0)).isZero();
        Memory m = b.getMemory("m").orElseThrow();
        assertThat(m.pages()).isEqualTo(1);
        assertThat(m.read(0, 65536)).isEqualTo(initialPage());
        // the page the previous instance grew and wrote is zero when this one grows
        assertThat(b.getFunc("grow").orElseThrow().callI32(1)).isEqualTo(1);
        assertThat(m.read(65536, 65536)).isEqualTo(new byte[65536]);

        // the released memory is empty for good: a stale handle can neither read the reused array nor grow
        assertThat(stale.byteSize()).isZero();
        assertThatThrownBy(() -> stale.readByte(16)).isInstanceOf(Trap.class)
                .hasMessageContaining("out of bounds memory access");
        assertThatThrownBy(() -> stale.writeByte(16, (byte) 1)).isInstanceOf(Trap.class);
        assertThat(stale.grow(1)).isEqualTo(-1);
        assertThatThrownBy(() -> a.getFunc("scribble").orElseThrow().callRaw(1)).isInstanceOf(Trap.class)
                .hasMessageContaining("out of bounds memory access");
        assertThat(m.read(0, 65536)).isEqualTo(initialPage());
    }

    @Test
    void aStoreReleasedAfterATrapIsRecycledAndReleaseIsIdempotent() {
        Store<Void> store = Store.create(engine);
        Instance a = instantiate(store);
        a.getFunc("scribble").orElseThrow().callRaw(100);
        assertThatThrownBy(() -> a.getFunc("trap").orElseThrow().callRaw()).isInstanceOf(Trap.class);
        store.release();
        store.release();
        assertThat(module.memoryImage().pooled(0)).isEqualTo(1);
        assertThat(instantiate(Store.create(engine)).getMemory("m").orElseThrow().read(0, 65536))
                .isEqualTo(initialPage());
    }

    @Test
    void nothingIsRecycledWhileWasmCodeOfTheStoreRuns() {
        Module calling = Module.fromWat(engine, """
                (module (import "host" "release" (func $release))
                  (memory (export "m") 1) (data (i32.const 0) "kept")
                  (func (export "run") (result i32)
                    (i32.store8 (i32.const 0) (i32.const 75))
                    (call $release)
                    (i32.load8_u (i32.const 0))))
                """);
        AtomicInteger calls = new AtomicInteger();
        Linker<Void> linker = Linker.create(engine);
        linker.defineHostFunction("host", "release", FuncType.of(List.of(), List.of()), (caller, args) -> {
            calls.incrementAndGet();
            caller.store().release();
            return new Val[0];
        });
        Store<Void> store = Store.create(engine);
        Instance inst = linker.instantiate(store, calling);
        // the guest still reads its own memory after the host's release, which did nothing
        assertThat(inst.getFunc("run").orElseThrow().callI32()).isEqualTo(75);
        assertThat(calls).hasValue(1);
        assertThat(calling.memoryImage().pooled(0)).isZero();
        assertThat(inst.getMemory("m").orElseThrow().readByte(0)).isEqualTo((byte) 75);
    }

    @Test
    void importedAndSharedMemoriesAreNeverRecycled() {
        Module shared = Module.fromWat(engine, """
                (module (memory (export "m") 1 1 shared) (memory $own 1) (data $d (memory $own) (i32.const 0) "x"))
                """);
        Store<Void> store = Store.create(engine);
        Instance inst = Linker.<Void>create(engine).instantiate(store, shared);
        Memory m = inst.getMemory("m").orElseThrow();
        m.writeByte(0, (byte) 9);
        store.release();
        assertThat(shared.memoryImage().pooled(0)).isZero();
        assertThat(shared.memoryImage().pooled(1)).isEqualTo(1);
        // the shared memory stays usable: other threads may still hold it
        assertThat(m.readByte(0)).isEqualTo((byte) 9);
    }

    @Test
    void thePoolKeepsAtMostItsLimit() {
        List<Store<Void>> stores = new java.util.ArrayList<>();
        for (int i = 0; i < MemoryImage.POOL_LIMIT + 3; i++) {
            Store<Void> s = Store.create(engine);
            instantiate(s);
            stores.add(s);
        }
        stores.forEach(Store::release);
        assertThat(module.memoryImage().pooled(0)).isEqualTo(MemoryImage.POOL_LIMIT);
    }
}
