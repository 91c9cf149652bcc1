package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.component.internal.runtime.ScalarList;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.text.ComponentTextParser;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lists of numeric element types are lifted into one primitive array and lowered from one with a bulk copy:
 * round trips of every such type (flat and inside a spilled record), lists made element by element, NaN
 * canonicalisation, and the edges a guest controls: empty lists at the end of memory, misaligned pointers,
 * pointer/length pairs out of bounds, byte lengths that overflow 32 bits.
 */
class BulkListTest {
    final Engine engine = newEngine();

    /** The engine the core modules run on; the compiler variant of this test overrides it. */
    Engine newEngine() {
        return Engine.create();
    }

    static final List<String> TYPES = List.of("u8", "s8", "u16", "s16", "u32", "s32", "u64", "s64", "f32", "f64");

    /**
     * Per element type T: {@code echo-T: func(l: list<T>) -> list<T>} hands back the list its argument was lowered
     * into; {@code raw-T: func(p: u32, n: u32) -> list<T>} returns whatever pointer and length it is given (the same
     * core function: both receive two i32s and return a pointer to them); {@code echo-pair: func(r: record { a: list<u16>,
     * b: list<f64> }, 16 x u64) -> record} spills its parameters, so the lists are stored and loaded inside a record
     * in memory; {@code f32-bits}/{@code f64-bits} show what lowering wrote as integers. The memory is one page (64 KiB).
     */
    ComponentInstance instance() {
        StringBuilder funcs = new StringBuilder();
        for (String t : TYPES) {
            funcs.append("""
                    (func (export "echo-%1$s") (param "l" (list %1$s)) (result (list %1$s))
                      (canon lift (core func $i "echo") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))
                        (post-return (core func $i "reset"))))
                    (func (export "raw-%1$s") (param "p" u32) (param "n" u32) (result (list %1$s))
                      (canon lift (core func $i "echo") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))))
                    """.formatted(t));
        }
        String text = """
                (component
                  (core module $m
                    (memory (export "mem") 1)
                    (global $bump (mut i32) (i32.const 1024))
                    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
                      (local $p i32)
                      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
                                             (i32.sub (i32.const 0) (local.get 2))))
                      (global.set $bump (i32.add (local.get $p) (local.get 3)))
                      (local.get $p))
                    (func (export "echo") (param i32 i32) (result i32)
                      (i32.store (i32.const 0) (local.get 0))
                      (i32.store (i32.const 4) (local.get 1))
                      (i32.const 0))
                    (func (export "ptr") (param i32) (result i32) (local.get 0))
                    (func (export "reset") (param i32) (global.set $bump (i32.const 1024))))
                  (core instance $i (instantiate $m))
                  (func (export "f32-bits") (param "l" (list f32)) (result (list u32))
                    (canon lift (core func $i "echo") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))
                      (post-return (core func $i "reset"))))
                  (func (export "f64-bits") (param "l" (list f64)) (result (list u64))
                    (canon lift (core func $i "echo") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))
                      (post-return (core func $i "reset"))))
                  (type $pair (record (field "a" (list u16)) (field "b" (list f64))))
                  (export $pair-t "pair" (type $pair))
                  (func (export "echo-pair")
                    (param "r" $pair-t)
                    (param "p0" u64) (param "p1" u64) (param "p2" u64) (param "p3" u64) (param "p4" u64)
                    (param "p5" u64) (param "p6" u64) (param "p7" u64) (param "p8" u64) (param "p9" u64)
                    (param "p10" u64) (param "p11" u64) (param "p12" u64) (param "p13" u64) (param "p14" u64)
                    (param "p15" u64)
                    (result $pair-t)
                    (canon lift (core func $i "ptr") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))
                      (post-return (core func $i "reset"))))
                  %s)
                """.formatted(funcs);
        return ComponentLinker.<Void>create(engine).instantiate(Store.create(engine),
                Component.fromModel(engine, ComponentTextParser.parse(text)));
    }

    static ComponentValue.ListValue call(ComponentInstance inst, String name, ComponentValue... args) {
        return (ComponentValue.ListValue) inst.getFunc(name).orElseThrow().call(args).getFirst();
    }

    /** A list of type {@code t} held in an array, with edge values of the type. */
    static ComponentValue.ListValue sample(String t) {
        return switch (t) {
            case "u8" -> ComponentValue.u8List(new byte[] {0, 1, (byte) 0x80, (byte) 0xff, 42});
            case "s8" -> ComponentValue.s8List(new byte[] {0, -1, Byte.MIN_VALUE, Byte.MAX_VALUE});
            case "u16" -> ComponentValue.u16List(new short[] {0, 1, (short) 0xffff, (short) 0x8000});
            case "s16" -> ComponentValue.s16List(new short[] {0, -1, Short.MIN_VALUE, Short.MAX_VALUE});
            case "u32" -> ComponentValue.u32List(new int[] {0, 1, -1, Integer.MIN_VALUE});
            case "s32" -> ComponentValue.s32List(new int[] {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE});
            case "u64" -> ComponentValue.u64List(new long[] {0, 1, -1L, Long.MIN_VALUE, 0x0123_4567_89ab_cdefL});
            case "s64" -> ComponentValue.s64List(new long[] {0, -1L, Long.MIN_VALUE, Long.MAX_VALUE});
            case "f32" -> ComponentValue.f32List(new float[] {0f, -0f, 1.5f, Float.NEGATIVE_INFINITY, Float.MIN_VALUE});
            case "f64" -> ComponentValue.f64List(new double[] {0d, -0d, -2.25, Double.POSITIVE_INFINITY, Double.MIN_VALUE});
            default -> throw new IllegalArgumentException(t);
        };
    }

    @Test
    void everyNumericTypeRoundTripsAsOneArray() {
        ComponentInstance inst = instance();
        for (String t : TYPES) {
            ComponentValue.ListValue v = sample(t);
            ComponentValue.ListValue back = call(inst, "echo-" + t, v);
            assertThat(back).as(t).isEqualTo(v);
            assertThat(back.elements()).as(t).isInstanceOf(ScalarList.class);
            assertThat(((ScalarList) back.elements()).elementType()).isEqualTo(PrimValType.valueOf(t.toUpperCase()));
            // the same values made element by element go the per-element way in and come back equal
            ComponentValue.ListValue byElement = ComponentValue.list(new ArrayList<>(v.elements()));
            assertThat(byElement.elements()).isNotInstanceOf(ScalarList.class);
            assertThat(call(inst, "echo-" + t, byElement)).as(t).isEqualTo(v);
        }
    }

    @Test
    void arraysReadBackUnchangedAndValuesAreTheElementRecords() {
        ComponentInstance inst = instance();
        byte[] bytes = new byte[70_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7);
        }
        // larger than the 64 KiB memory: the bump allocator's realloc result is out of bounds
        assertThatThrownBy(() -> call(inst, "echo-u8", ComponentValue.u8List(bytes))).isInstanceOf(Trap.class)
                .hasMessageContaining("realloc return: beyond end of memory");
        ComponentInstance fresh = instance();
        byte[] fits = java.util.Arrays.copyOf(bytes, 60_000);
        ComponentValue.ListValue back = call(fresh, "echo-u8", ComponentValue.u8List(fits));
        assertThat(back.toByteArray()).isEqualTo(fits);
        assertThat(back.elements().get(1)).isEqualTo(ComponentValue.u8(7));
        ByteBuffer view = back.asByteBuffer();
        assertThat(view.isReadOnly()).isTrue();
        assertThat(view.remaining()).isEqualTo(60_000);
        assertThat(view.get(59_999)).isEqualTo(fits[59_999]);
        long[] longs = {-1L, Long.MIN_VALUE, 7};
        ComponentValue.ListValue u64 = call(fresh, "echo-u64", ComponentValue.u64List(longs));
        assertThat(u64.toLongArray()).containsExactly(longs);
        assertThat(u64.elements()).containsExactly(ComponentValue.u64(-1L), ComponentValue.u64(Long.MIN_VALUE),
                ComponentValue.u64(7));
        double[] doubles = {-0d, 1e300, Double.NEGATIVE_INFINITY};
        assertThat(call(fresh, "echo-f64", ComponentValue.f64List(doubles)).toDoubleArray()).containsExactly(doubles);
        assertThat(call(fresh, "echo-u32", ComponentValue.u32List(new int[] {-1})).elements())
                .containsExactly(ComponentValue.u32(0xffff_ffffL));
    }

    @Test
    void nansAreCanonicalisedInBothDirections() {
        ComponentInstance inst = instance();
        float payloadNan32 = Float.intBitsToFloat(0x7fa0_0001);
        double payloadNan64 = Double.longBitsToDouble(0xfff0_0000_0000_0001L);
        float[] f32 = call(inst, "echo-f32", ComponentValue.f32List(new float[] {payloadNan32, 1f})).toFloatArray();
        assertThat(Float.floatToRawIntBits(f32[0])).isEqualTo(0x7fc0_0000);
        assertThat(f32[1]).isEqualTo(1f);
        double[] f64 = call(inst, "echo-f64", ComponentValue.f64List(new double[] {payloadNan64})).toDoubleArray();
        assertThat(Double.doubleToRawLongBits(f64[0])).isEqualTo(0x7ff8_0000_0000_0000L);
        // what lowering wrote into memory, read back as integers
        assertThat(call(inst, "f32-bits", ComponentValue.f32List(new float[] {payloadNan32, -0f})).toIntArray())
                .containsExactly(0x7fc0_0000, 0x8000_0000);
        assertThat(call(inst, "f64-bits", ComponentValue.f64List(new double[] {payloadNan64, 2.0})).toLongArray())
                .containsExactly(0x7ff8_0000_0000_0000L, Double.doubleToRawLongBits(2.0));
    }

    @Test
    void listsInsideASpilledRecordGoThroughMemoryInBulk() {
        ComponentInstance inst = instance();
        ComponentValue r = ComponentValue.record(ComponentValue.field("a", ComponentValue.u16List(new short[] {1, -1, 3})),
                ComponentValue.field("b", ComponentValue.f64List(new double[] {0.5, -0d})));
        List<ComponentValue> args = new ArrayList<>();
        args.add(r);
        for (int i = 0; i < 16; i++) {
            args.add(ComponentValue.u64(i));
        }
        ComponentValue back = inst.getFunc("echo-pair").orElseThrow().call(args).getFirst();
        assertThat(back).isEqualTo(r);
        var a = (ComponentValue.ListValue) ((ComponentValue.RecordValue) back).get("a").orElseThrow();
        assertThat(a.elements()).isInstanceOf(ScalarList.class);
        assertThat(a.toShortArray()).containsExactly((short) 1, (short) -1, (short) 3);
    }

    @Test
    void emptyListsLiftAnywhereInBoundsIncludingTheEndOfMemory() {
        ComponentInstance inst = instance();
        for (String t : TYPES) {
            assertThat(call(inst, "echo-" + t, ComponentValue.list()).elements()).as(t).isEmpty();
        }
        assertThat(call(inst, "raw-u8", ComponentValue.u32(0x10000), ComponentValue.u32(0)).toByteArray()).isEmpty();
        assertThat(call(inst, "raw-u64", ComponentValue.u32(0x10000), ComponentValue.u32(0)).toLongArray()).isEmpty();
        assertRawTrap("raw-u8", 0x10001, 0, "list pointer/length out of bounds of memory");
        // an empty list's pointer must still be aligned
        assertRawTrap("raw-u32", 2, 0, "unaligned pointer");
    }

    @Test
    void misalignedPointersTrapForEveryWiderType() {
        ComponentInstance inst = instance();
        assertRawTrap("raw-u16", 1, 1, "unaligned pointer");
        assertRawTrap("raw-s32", 2, 1, "unaligned pointer");
        assertRawTrap("raw-f32", 6, 1, "unaligned pointer");
        assertRawTrap("raw-u64", 4, 1, "unaligned pointer");
        assertRawTrap("raw-f64", 12, 2, "unaligned pointer");
        // bytes have no alignment
        assertThat(call(inst, "raw-u8", ComponentValue.u32(3), ComponentValue.u32(2)).toByteArray()).hasSize(2);
    }

    @Test
    void pointersAndLengthsOutOfBoundsTrap() {
        ComponentInstance inst = instance();
        assertRawTrap("raw-u8", 0xffff, 2, "list pointer/length out of bounds of memory");
        assertThat(call(inst, "raw-u8", ComponentValue.u32(0xffff), ComponentValue.u32(1)).toByteArray()).hasSize(1);
        assertRawTrap("raw-u64", 0xfff8, 2, "list pointer/length out of bounds of memory");
        assertThat(call(inst, "raw-u64", ComponentValue.u32(0xfff8), ComponentValue.u32(1)).toLongArray()).hasSize(1);
        assertRawTrap("raw-f32", 0xfffc, 2, "list pointer/length out of bounds of memory");
        assertRawTrap("raw-u8", 0xffff_ffffL, 1, "list pointer/length out of bounds of memory");
    }

    @Test
    void byteLengthsBeyond32BitsTrapWithoutAllocating() {
        ComponentInstance inst = instance();
        // 2^29 eight-byte elements are 2^32 bytes: wraps to 0 in 32 bits; 2^32-1 elements of any width overflow
        assertRawTrap("raw-u64", 8, 0x2000_0000L, "list pointer/length out of bounds of memory");
        assertRawTrap("raw-f64", 8, 0xffff_ffffL, "list pointer/length out of bounds of memory");
        assertRawTrap("raw-u32", 8, 0x4000_0000L, "list pointer/length out of bounds of memory");
        assertRawTrap("raw-u16", 8, 0x8000_0000L, "list pointer/length out of bounds of memory");
        assertRawTrap("raw-u8", 8, 0xffff_ffffL, "list pointer/length out of bounds of memory");
    }

    @Test
    void aListOfTheWrongElementTypeIsAMismatchAndTheInstanceStaysUsable() {
        ComponentInstance inst = instance();
        assertThatThrownBy(() -> call(inst, "echo-u8", ComponentValue.s8List(new byte[] {1})))
                .isInstanceOf(ComponentException.class).hasMessageContaining("type mismatch");
        assertThatThrownBy(() -> call(inst, "echo-f32", ComponentValue.f64List(new double[] {1})))
                .isInstanceOf(ComponentException.class).hasMessageContaining("type mismatch");
        assertThat(call(inst, "echo-u8", ComponentValue.u8List(new byte[] {9})).toByteArray()).containsExactly(9);
    }

    @Test
    void arrayAccessorsConvertListsMadeElementByElementAndRefuseOtherElements() {
        ComponentValue.ListValue l = ComponentValue.list(ComponentValue.u8(255), ComponentValue.u8(1));
        assertThat(l.toByteArray()).containsExactly((byte) -1, (byte) 1);
        assertThat(l.asByteBuffer().get(0)).isEqualTo((byte) -1);
        assertThat(ComponentValue.list(ComponentValue.u32(0xffff_ffffL)).toIntArray()).containsExactly(-1);
        assertThatThrownBy(() -> ComponentValue.list(ComponentValue.string("x")).toByteArray())
                .isInstanceOf(ComponentException.class).hasMessageContaining("expected a list of u8 or s8");
        assertThatThrownBy(() -> ComponentValue.list(ComponentValue.f32(1)).toDoubleArray())
                .isInstanceOf(ComponentException.class).hasMessageContaining("expected a list of f64");
        // factories copy: changing the caller's array afterwards changes nothing
        byte[] source = {1, 2, 3};
        ComponentValue.ListValue copied = ComponentValue.u8List(source);
        source[0] = 9;
        assertThat(copied.toByteArray()).containsExactly(1, 2, 3);
        assertThat(ComponentValue.u8List(new byte[] {5, 6, 7, 8}, 1, 2).toByteArray()).containsExactly(6, 7);
        ByteBuffer buffer = ByteBuffer.wrap(new byte[] {1, 2, 3});
        buffer.position(1);
        assertThat(ComponentValue.u8List(buffer).toByteArray()).containsExactly(2, 3);
        assertThat(buffer.position()).isEqualTo(1);
        // equal to the same values held element by element, both ways, with equal hash codes
        assertThat(ComponentValue.u8List(new byte[] {(byte) 255, 1})).isEqualTo(l);
        assertThat(l).isEqualTo(ComponentValue.u8List(new byte[] {(byte) 255, 1}));
        assertThat(ComponentValue.u8List(new byte[] {(byte) 255, 1}).hashCode()).isEqualTo(l.hashCode());
        assertThat(ComponentValue.u8List(new byte[] {1})).isNotEqualTo(ComponentValue.s8List(new byte[] {1}));
        assertThatThrownBy(() -> ComponentValue.u8List(new byte[] {1}).elements().add(ComponentValue.u8(1)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    /** A trap leaves an instance unenterable: each trap is provoked in a fresh one. */
    void assertRawTrap(String name, long ptr, long length, String message) {
        ComponentInstance inst = instance();
        assertThatThrownBy(() -> inst.getFunc(name).orElseThrow().call(ComponentValue.u32(ptr), ComponentValue.u32(length)))
                .isInstanceOf(Trap.class).hasMessageStartingWith(message)
                .satisfies(e -> assertThat(((Trap) e).kind()).isEqualTo(TrapKind.COMPONENT));
    }
}
