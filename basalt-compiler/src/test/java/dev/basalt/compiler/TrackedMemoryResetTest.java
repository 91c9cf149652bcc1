package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Memory;
import dev.basalt.Module;
import dev.basalt.Store;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Config.Builder#trackMemoryWrites}: code marks the 4 KiB pages it writes and {@link Store#release()} resets
 * only those of a pooled memory. Whatever a previous instance wrote, by whatever path (inline and compact stores of
 * every width, v128 and lane stores, bulk memory instructions, atomics, loops, self-recursion (twins), grown pages, the host's writes,
 * stores that spill over a page boundary), the next instance starts from exactly the module's initial memory.
 */
class TrackedMemoryResetTest {
    /** Calls that make a function's method larger than {@link MethodSplitter#COMPACT_ABOVE}: compact accesses. */
    private static final int COMPACT_PADDING = MethodSplitter.COMPACT_ABOVE / 10;

    /** Two pages of 64 KiB, a dense image over pages 0-3 of 4 KiB, data at the end, a passive segment. */
    private static String module() {
        StringBuilder dense = new StringBuilder();
        for (int i = 0; i < 9000; i++) {
            dense.append(String.format("\\%02x", (i * 31 + 7) % 255 + 1));
        }
        String stores = """
                (i32.store (local.get $a) (i32.wrap_i64 (local.get $v)))
                (i64.store offset=9000 (local.get $a) (local.get $v))
                (f32.store offset=18000 (local.get $a) (f32.reinterpret_i32 (i32.wrap_i64 (local.get $v))))
                (f64.store offset=27000 (local.get $a) (f64.reinterpret_i64 (local.get $v)))
                (i32.store8 offset=36000 (local.get $a) (i32.wrap_i64 (local.get $v)))
                (i32.store16 offset=45000 (local.get $a) (i32.wrap_i64 (local.get $v)))
                (i64.store8 offset=54000 (local.get $a) (local.get $v))
                (i64.store16 offset=63000 (local.get $a) (local.get $v))
                (i64.store32 offset=72000 (local.get $a) (local.get $v))
                """;
        return "(module (memory (export \"m\") 2 8)\n"
                + "(data (i32.const 4000) \"" + dense + "\")\n"
                + "(data (i32.const 131000) \"the end of the initial memory\")\n"
                + "(data $passive \"passive segment bytes\")\n"
                + "(func $nothing)\n"
                + "(func (export \"stores\") (param $a i32) (param $v i64)\n" + stores + ")\n"
                + "(func (export \"compact\") (param $a i32) (param $v i64)\n" + "(call $nothing)".repeat(COMPACT_PADDING)
                + stores + ")\n"
                + """
                (func (export "vector") (param $a i32) (param $v i64)
                  (v128.store (local.get $a) (i64x2.splat (local.get $v)))
                  (v128.store8_lane offset=20 0 (local.get $a) (i64x2.splat (local.get $v)))
                  (v128.store64_lane offset=40 1 (local.get $a) (i64x2.splat (local.get $v))))
                (func (export "bulk") (param $a i32) (param $v i64)
                  (memory.fill (local.get $a) (i32.wrap_i64 (local.get $v)) (i32.const 5000))
                  (memory.copy (i32.add (local.get $a) (i32.const 20000)) (i32.const 4000) (i32.const 3000))
                  (memory.init $passive (i32.add (local.get $a) (i32.const 40000)) (i32.const 0) (i32.const 20)))
                (func (export "atomics") (param $a i32) (param $v i64)
                  (i32.atomic.store (i32.and (local.get $a) (i32.const -8)) (i32.wrap_i64 (local.get $v)))
                  (drop (i64.atomic.rmw.add offset=8192 (i32.and (local.get $a) (i32.const -8)) (local.get $v)))
                  (drop (i32.atomic.rmw.cmpxchg offset=16384 (i32.and (local.get $a) (i32.const -8))
                    (i32.const 0) (i32.wrap_i64 (local.get $v)))))
                (func (export "loop") (param $a i32) (param $v i64) (local $i i32)
                  (loop $l
                    (i32.store8 (i32.add (local.get $a) (i32.mul (local.get $i) (i32.const 97)))
                      (i32.add (i32.wrap_i64 (local.get $v)) (local.get $i)))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br_if $l (i32.lt_u (local.get $i) (i32.const 600)))))
                (func $recursive (export "recursive") (param $a i32) (param $v i64)
                  (i64.store offset=1000 (local.get $a) (local.get $v))
                  (if (i32.lt_u (local.get $a) (i32.const 100000))
                    (then (call $recursive (i32.add (local.get $a) (i32.const 5000)) (local.get $v)))))
                (func (export "grow") (result i32) (memory.grow (i32.const 1)))
                )""";
    }

    private static final String[] WRITERS = {"stores", "compact", "vector", "bulk", "atomics", "loop", "recursive"};

    enum Engines {
        INTERPRETER, COMPILER, AUTO;

        Engine create(boolean track) {
            Config.Builder b = Config.builder().trackMemoryWrites(track);
            return Engine.create(switch (this) {
                case INTERPRETER -> b.strategy(Config.Strategy.INTERPRETER).build();
                case COMPILER -> b.strategy(Config.Strategy.COMPILER).build();
                case AUTO -> b.strategy(Config.Strategy.AUTO).tierUpThreshold(1).compileInBackground(false).build();
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void theNextInstanceStartsFromTheInitialMemoryWhateverThePreviousOneWrote(Engines kind) {
        Engine engine = kind.create(true);
        Module module = Module.fromWat(engine, module());
        assertThat(module.tracksMemoryWrites()).isTrue();
        byte[] initial = null;
        // addresses at page starts and ends (stores spilling into the next page), unaligned, near the memory's end
        int[] addresses = {0, 4092, 4095, 8191 - 3, 12_000, 40_961, 57_340};
        for (int round = 0; round <= addresses.length; round++) {
            Store<Void> store = Store.create(engine);
            Instance inst = Linker.<Void>create(engine).instantiate(store, module);
            Memory memory = inst.getMemory("m").orElseThrow();
            assertThat(memory.pages()).isEqualTo(2);
            byte[] contents = memory.read(0, (int) memory.byteSize());
            if (initial == null) {
                initial = contents;
                assertThat(initial[4000]).isNotZero();
            } else {
                assertThat(firstDifference(contents, initial)).as("round %d, %s", round, kind).isEqualTo(-1);
            }
            if (round == addresses.length) {
                break;
            }
            // what this instance writes differs per round, so a page left unreset shows
            long value = 0x0101_0101_0101_0101L * (round + 2) ^ 0x00FF_00FF_00FF_00FFL;
            int a = addresses[round];
            for (String writer : WRITERS) {
                for (int repeat = 0; repeat < 3; repeat++) { // AUTO: interpreted first, then compiled
                    inst.getFunc(writer).orElseThrow().callRaw(a + repeat * 3, value + repeat);
                }
            }
            memory.write(100_000 + round * 5000L, new byte[] {1, 2, 3, (byte) round});
            memory.writeLong(131_000, value);
            // a grown page starts zero and what is written there is gone for the next instance as well
            assertThat(inst.getFunc("grow").orElseThrow().callI32()).isEqualTo(2);
            assertThat(memory.read(131_072, 65_536)).isEqualTo(new byte[65_536]);
            inst.getFunc("vector").orElseThrow().callRaw(131_072 + a % 4096, value);
            inst.getFunc("loop").orElseThrow().callRaw(131_072 + a % 4096, value);
            assertThat(firstDifference(memory.read(0, 131_072), initial)).isNotEqualTo(-1);
            store.release();
        }
    }

    @ParameterizedTest
    @EnumSource(Engines.class)
    void withoutTrackingNothingIsTracked(Engines kind) {
        assertThat(Module.fromWat(kind.create(false), module()).tracksMemoryWrites()).isFalse();
    }

    private static int firstDifference(byte[] a, byte[] b) {
        return Arrays.mismatch(a, b);
    }
}
