package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.Limits;
import dev.basalt.wasm.MemoryType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Instantiation from a module's memory image ({@link MemoryImage}), and the cases that must not use one. */
class MemoryImageTest {
    private final Engine engine = Engine.create();

    private static String text(Memory m, long address, int length) {
        return new String(m.read(address, length), StandardCharsets.ISO_8859_1);
    }

    @Test
    void overlappingSegmentsApplyInOrder() {
        Module module = Module.fromWat(engine, """
                (module (memory (export "m") 1)
                  (data (i32.const 0) "abcdef")
                  (data (i32.const 2) "XY")
                  (data (i32.const 5) "Z\\00\\00"))
                """);
        assertThat(module.memoryImage()).isNotNull();
        // trailing zeros of the last segment are not part of the image, but the zeroed tail reads the same
        assertThat(module.memoryImage().offsets(0)).containsExactly(0);
        assertThat(module.memoryImage().runs(0)[0]).containsExactly("abXYeZ".getBytes(StandardCharsets.ISO_8859_1));
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), module);
        Memory m = inst.getMemory("m").orElseThrow();
        assertThat(text(m, 0, 8)).isEqualTo("abXYeZ\0\0");
        assertThat(m.byteSize()).isEqualTo(65536);
    }

    @Test
    void emptySegmentsMakeNoImageButInstantiate() {
        Module module = Module.fromWat(engine, """
                (module (memory (export "m") 0) (data (i32.const 0)) (memory $two 1) (data (memory $two) (i32.const 65536)))
                """);
        assertThat(module.memoryImage()).isNotNull();
        assertThat(module.memoryImage().offsets(0)).isNull();
        assertThat(module.memoryImage().offsets(1)).isNull();
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), module);
        assertThat(inst.getMemory("m").orElseThrow().byteSize()).isZero();
    }

    @Test
    void longZeroGapsSplitTheImageIntoRuns() {
        int far = 100 + 6 + MemoryImage.MERGE_GAP + 1;
        int near = far + 1 + MemoryImage.MERGE_GAP;
        Module module = Module.fromWat(engine, """
                (module (memory (export "m") 1)
                  (data (i32.const 100) "run\\00\\00\\00")
                  (data (i32.const %d) "a")
                  (data (i32.const %d) "b"))
                """.formatted(far, near));
        MemoryImage image = module.memoryImage();
        assertThat(image.offsets(0)).containsExactly(100, far);
        assertThat(image.runs(0)[0]).containsExactly('r', 'u', 'n');
        assertThat(image.runs(0)[1]).hasSize(near - far + 1).startsWith('a').endsWith('b');
        Memory m = Linker.<Void>create(engine).instantiate(Store.create(engine), module).getMemory("m").orElseThrow();
        assertThat(text(m, 100, 3)).isEqualTo("run");
        assertThat(m.readByte(far)).isEqualTo((byte) 'a');
        assertThat(m.readByte(near)).isEqualTo((byte) 'b');
        assertThat(m.read(103, far - 103)).containsOnly(0);
    }

    @Test
    void instancesDoNotShareTheirMemories() {
        Module module = Module.fromWat(engine, """
                (module (memory (export "m") 1 3)
                  (data (i32.const 100) "hello")
                  (func (export "poke") (i32.store8 (i32.const 100) (i32.const 72)) (i32.store8 (i32.const 5) (i32.const 1)))
                  (func (export "grow") (result i32) (memory.grow (i32.const 1))))
                """);
        InstancePre<Void> pre = Linker.<Void>create(engine).instantiatePre(module);
        Store<Void> store = Store.create(engine);
        Instance a = pre.instantiate(store);
        Instance b = pre.instantiate(store);
        Instance c = pre.instantiate(Store.create(engine));
        a.getFunc("poke").orElseThrow().call();
        assertThat(a.getFunc("grow").orElseThrow().callI32()).isEqualTo(1);
        assertThat(text(a.getMemory("m").orElseThrow(), 100, 5)).isEqualTo("Hello");
        for (Instance other : new Instance[] {b, c, pre.instantiate(store)}) {
            Memory m = other.getMemory("m").orElseThrow();
            assertThat(text(m, 100, 5)).isEqualTo("hello");
            assertThat(m.readByte(5)).isZero();
            assertThat(m.pages()).isEqualTo(1);
        }
    }

    @Test
    void activeSegmentsAreDroppedAndPassiveOnesKept() {
        Module module = Module.fromWat(engine, """
                (module (memory (export "m") 1)
                  (data (i32.const 0) "act")
                  (data "pass")
                  (func (export "initPassive") (memory.init 1 (i32.const 10) (i32.const 0) (i32.const 4)))
                  (func (export "initActive") (param i32) (memory.init 0 (i32.const 20) (i32.const 0) (local.get 0))))
                """);
        assertThat(module.memoryImage()).isNotNull();
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), module);
        inst.getFunc("initPassive").orElseThrow().call();
        Memory m = inst.getMemory("m").orElseThrow();
        assertThat(text(m, 0, 3)).isEqualTo("act");
        assertThat(text(m, 10, 4)).isEqualTo("pass");
        Func initActive = inst.getFunc("initActive").orElseThrow();
        initActive.call(Val.i32(0));
        assertThatThrownBy(() -> initActive.call(Val.i32(1))).isInstanceOf(Trap.class)
                .hasMessageContaining("out of bounds memory access");
    }

    @Test
    void dataDropInOneInstanceLeavesTheOthersSegments() {
        Module module = Module.fromWat(engine, """
                (module (memory (export "m") 1)
                  (data (i32.const 0) "act")
                  (data "pass")
                  (func (export "drop") (data.drop 1))
                  (func (export "init") (memory.init 1 (i32.const 10) (i32.const 0) (i32.const 4))))
                """);
        InstancePre<Void> pre = Linker.<Void>create(engine).instantiatePre(module);
        Instance a = pre.instantiate(Store.create(engine));
        Instance b = pre.instantiate(Store.create(engine));
        a.getFunc("drop").orElseThrow().call();
        assertThatThrownBy(() -> a.getFunc("init").orElseThrow().call()).isInstanceOf(Trap.class);
        b.getFunc("init").orElseThrow().call();
        assertThat(text(b.getMemory("m").orElseThrow(), 10, 4)).isEqualTo("pass");
        pre.instantiate(Store.create(engine)).getFunc("init").orElseThrow().call();
    }

    @Test
    void anImportedMemoryGetsTheSegmentsOneByOneWithPartialWritesBeforeATrap() {
        Store<Void> store = Store.create(engine);
        Memory shared = Memory.create(store, new MemoryType(Limits.of(1)));
        Linker<Void> linker = Linker.<Void>create(engine).define("env", "m", shared);
        Module module = Module.fromWat(engine, """
                (module (import "env" "m" (memory 1))
                  (data (i32.const 0) "first")
                  (data (i32.const 65534) "too long"))
                """);
        assertThat(module.memoryImage()).isNull();
        assertThatThrownBy(() -> linker.instantiate(store, module)).isInstanceOf(Trap.class)
                .hasMessageContaining("out of bounds memory access");
        assertThat(text(shared, 0, 5)).isEqualTo("first");
    }

    @Test
    void aSegmentThatCanFailDisablesTheImage() {
        Module outOfBounds = Module.fromWat(engine, """
                (module (memory 1) (data (i32.const 65535) "ab"))
                """);
        assertThat(outOfBounds.memoryImage()).isNull();
        assertThatThrownBy(() -> Linker.<Void>create(engine).instantiate(Store.create(engine), outOfBounds))
                .isInstanceOf(Trap.class).hasMessageContaining("out of bounds memory access");
        Module globalOffset = Module.fromWat(engine, """
                (module (global $g i32 (i32.const 8)) (memory (export "m") 1) (data (global.get $g) "ab"))
                """);
        assertThat(globalOffset.memoryImage()).isNull();
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), globalOffset);
        assertThat(text(inst.getMemory("m").orElseThrow(), 8, 2)).isEqualTo("ab");
    }

    @Test
    void aTrappingElementSegmentStillFailsInstantiation() {
        Module module = Module.fromWat(engine, """
                (module (memory 1) (table 1 funcref) (func $f)
                  (elem (i32.const 1) $f)
                  (data (i32.const 0) "ab"))
                """);
        assertThat(module.memoryImage()).isNotNull();
        assertThatThrownBy(() -> Linker.<Void>create(engine).instantiate(Store.create(engine), module))
                .isInstanceOf(Trap.class).hasMessageContaining("out of bounds table access");
    }

    @Test
    void theStoreMemoryLimitStillApplies() {
        Module module = Module.fromWat(engine, """
                (module (memory 4) (data (i32.const 0) "ab"))
                """);
        Store<Void> store = Store.<Void>create(engine, null, new Store.Limits(2 * 65536, 10_000, 10));
        assertThatThrownBy(() -> Linker.<Void>create(engine).instantiate(store, module))
                .isInstanceOf(UnlinkableException.class).hasMessageContaining("memory limit");
    }
}
