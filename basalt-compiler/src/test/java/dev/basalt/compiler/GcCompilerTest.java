package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasm.text.WatParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** GC structs, arrays, i31 and casts in compiled code, against the interpreter. */
class GcCompilerTest {
    private static final Engine COMPILER = CompilerTest.COMPILER;
    private static final Engine INTERPRETER = Engine.create();

    private static final String GC = """
            (module
              (type $point (sub (struct (field $x (mut i32)) (field $y (mut f64)))))
              (type $point3 (sub $point (struct (field $x (mut i32)) (field $y (mut f64)) (field $z i8))))
              (type $bytes (array (mut i8)))
              (type $refs (array (mut anyref)))
              (type $longs (array (mut i64)))
              (data $d "\\01\\02\\ff\\04")
              (func (export "point") (param i32 f64) (result f64) (local $p (ref null $point))
                (local.set $p (struct.new $point (local.get 0) (local.get 1)))
                (struct.set $point $x (local.get $p) (i32.add (struct.get $point $x (local.get $p)) (i32.const 1)))
                (f64.add (f64.convert_i32_s (struct.get $point $x (local.get $p))) (struct.get $point $y (local.get $p))))
              (func (export "packed") (param i32) (result i32) (local $p (ref $point3))
                (local.set $p (struct.new $point3 (i32.const 0) (f64.const 0) (local.get 0)))
                ;; signed read minus unsigned read: 0 for 0..127, -256 for 128..255 (low 8 bits)
                (i32.sub (struct.get_s $point3 $z (local.get $p)) (struct.get_u $point3 $z (local.get $p))))
              (func (export "subtype") (result i32)
                ;; a $point3 read through its supertype $point, and tested/cast down again
                (local $p (ref null $point))
                (local.set $p (struct.new $point3 (i32.const 5) (f64.const 1) (i32.const 9)))
                (i32.add (struct.get $point $x (local.get $p))
                  (i32.add (ref.test (ref $point3) (local.get $p))
                           (struct.get_u $point3 $z (ref.cast (ref $point3) (local.get $p))))))
              (func (export "arrays") (param i32) (result i64) (local $a (ref $longs)) (local $b (ref $longs))
                (local.set $a (array.new $longs (i64.const 3) (local.get 0)))
                (array.set $longs (local.get $a) (i32.const 0) (i64.const 100))
                (local.set $b (array.new_default $longs (local.get 0)))
                (array.copy $longs $longs (local.get $b) (i32.const 0) (local.get $a) (i32.const 0) (local.get 0))
                (array.fill $longs (local.get $b) (i32.const 1) (i64.const 7) (i32.const 1))
                (i64.add (i64.add (array.get $longs (local.get $b) (i32.const 0)) (array.get $longs (local.get $b) (i32.const 1)))
                         (i64.extend_i32_u (array.len (local.get $b)))))
              (func (export "data") (param i32) (result i32) (local $a (ref $bytes))
                (local.set $a (array.new_data $bytes $d (i32.const 0) (i32.const 4)))
                (array.get_s $bytes (local.get $a) (local.get 0)))
              (func (export "fixed") (result i32)
                (array.len (array.new_fixed $refs 3 (ref.i31 (i32.const -1)) (ref.null any) (struct.new_default $point))))
              (func (export "i31") (param i32) (result i32)
                (i32.add (i31.get_s (ref.i31 (local.get 0))) (i31.get_u (ref.i31 (local.get 0)))))
              (func (export "brOnCast") (param anyref) (result i32)
                (block $notStruct (result anyref)
                  (block $isI31 (result (ref i31))
                    (br_on_cast $isI31 anyref (ref i31) (local.get 0))
                    (br_on_cast_fail $notStruct anyref (ref struct))
                    (return (i32.const 3)))
                  (return (i31.get_u)))
                (drop) (i32.const 2))
              (func (export "make") (param i32) (result anyref) (struct.new $point (local.get 0) (f64.const 0)))
              (func (export "x") (param anyref) (result i32) (struct.get $point $x (ref.cast (ref $point) (local.get 0))))
              (func (export "nullStruct") (result i32) (struct.get $point $x (ref.null $point)))
              (func (export "oob") (param i32) (result i64) (array.get $longs (array.new_default $longs (i32.const 2)) (local.get 0)))
              (func (export "huge") (result i32) (array.len (array.new_default $longs (i32.const -1))))
              (func (export "nullI31") (result i32) (i31.get_s (ref.null i31)))
              (func (export "badCast") (result i32) (drop (ref.cast (ref $bytes) (ref.i31 (i32.const 1)))) (i32.const 0))
              (func (export "externRoundTrip") (param externref) (result externref)
                (extern.convert_any (any.convert_extern (local.get 0)))))
            """;

    @Test
    void computesLikeTheInterpreter() {
        for (Engine engine : new Engine[] {COMPILER, INTERPRETER}) {
            Instance inst = CompilerTest.instantiate(engine, GC);
            assertThat(inst.getFunc("point").orElseThrow().call(Val.i32(4), Val.f64(0.5))[0]).isEqualTo(Val.f64(5.5));
            assertThat(inst.getFunc("packed").orElseThrow().callI32(127)).isZero();
            assertThat(inst.getFunc("packed").orElseThrow().callI32(0x180)).isEqualTo(-256);
            assertThat(inst.getFunc("subtype").orElseThrow().callI32()).isEqualTo(5 + 1 + 9);
            assertThat(inst.getFunc("arrays").orElseThrow().callI64(3)).isEqualTo(100 + 7 + 3);
            assertThat(inst.getFunc("data").orElseThrow().callI32(2)).isEqualTo(-1);
            assertThat(inst.getFunc("data").orElseThrow().callI32(3)).isEqualTo(4);
            assertThat(inst.getFunc("fixed").orElseThrow().callI32()).isEqualTo(3);
            assertThat(inst.getFunc("i31").orElseThrow().callI32(-1)).isEqualTo(-1 + 0x7FFF_FFFF);
            Func brOnCast = inst.getFunc("brOnCast").orElseThrow();
            Val point = inst.getFunc("make").orElseThrow().call(Val.i32(42))[0];
            assertThat(brOnCast.call(point)[0]).isEqualTo(Val.i32(3));
            assertThat(inst.getFunc("x").orElseThrow().call(point)[0]).as("the struct survives the host").isEqualTo(Val.i32(42));
            assertThat(brOnCast.call(new Val.AnyRef(null))[0]).isEqualTo(Val.i32(2));
            Object host = new Object();
            assertThat(inst.getFunc("externRoundTrip").orElseThrow().call(Val.externRef(host))[0])
                    .isEqualTo(Val.externRef(host));
        }
    }

    @Test
    void trapsLikeTheInterpreter() {
        for (Engine engine : new Engine[] {COMPILER, INTERPRETER}) {
            Instance inst = CompilerTest.instantiate(engine, GC);
            assertTrap(() -> inst.getFunc("nullStruct").orElseThrow().callI32(), TrapKind.NULL_STRUCTURE_REFERENCE);
            assertTrap(() -> inst.getFunc("oob").orElseThrow().callI64(2), TrapKind.OUT_OF_BOUNDS_ARRAY_ACCESS);
            assertTrap(() -> inst.getFunc("oob").orElseThrow().callI64(-1), TrapKind.OUT_OF_BOUNDS_ARRAY_ACCESS);
            assertTrap(() -> inst.getFunc("huge").orElseThrow().callI32(), TrapKind.ALLOCATION_TOO_LARGE);
            assertTrap(() -> inst.getFunc("nullI31").orElseThrow().callI32(), TrapKind.NULL_I31_REFERENCE);
            assertTrap(() -> inst.getFunc("badCast").orElseThrow().callI32(), TrapKind.CAST_FAILURE);
            assertTrap(() -> inst.getFunc("data").orElseThrow().callI32(4), TrapKind.OUT_OF_BOUNDS_ARRAY_ACCESS);
        }
    }

    private static void assertTrap(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, TrapKind kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(kind));
    }

    @Test
    void v128FieldsElementsAndPayloads() {
        String wat = """
                (module
                  (type $s (struct (field (mut v128)) (field i32)))
                  (type $a (array (mut v128)))
                  (tag $e (param v128 i32))
                  (data $d "\\01\\00\\00\\00\\00\\00\\00\\00\\02\\00\\00\\00\\00\\00\\00\\00\\03\\00\\00\\00\\00\\00\\00\\00\\04\\00\\00\\00\\00\\00\\00\\00")
                  (func (export "field") (result i64) (local $p (ref $s))
                    (local.set $p (struct.new $s (v128.const i64x2 5 6) (i32.const 7)))
                    (struct.set $s 0 (local.get $p) (i64x2.add (struct.get $s 0 (local.get $p)) (v128.const i64x2 10 20)))
                    (i64.add (i64x2.extract_lane 0 (struct.get $s 0 (local.get $p)))
                             (i64x2.extract_lane 1 (struct.get $s 0 (local.get $p)))))
                  (func (export "elements") (result i64) (local $x (ref $a)) (local $y (ref $a))
                    (local.set $x (array.new $a (v128.const i64x2 1 2) (i32.const 3)))
                    (array.fill $a (local.get $x) (i32.const 1) (v128.const i64x2 30 40) (i32.const 2))
                    (local.set $y (array.new_data $a $d (i32.const 0) (i32.const 2)))
                    (array.copy $a $a (local.get $x) (i32.const 0) (local.get $y) (i32.const 1) (i32.const 1))
                    (i64.add (i64.add (i64x2.extract_lane 0 (array.get $a (local.get $x) (i32.const 0)))
                                      (i64x2.extract_lane 1 (array.get $a (local.get $x) (i32.const 0))))
                             (i64x2.extract_lane 1 (array.get $a (local.get $x) (i32.const 2)))))
                  (func (export "payload") (result i64) (local $v v128) (local $n i32)
                    (block $h (result v128 i32)
                      (try_table (catch $e $h) (throw $e (v128.const i64x2 100 200) (i32.const 3)))
                      (unreachable))
                    (local.set $n) (local.set $v)
                    (i64.add (i64x2.extract_lane 1 (local.get $v)) (i64.extend_i32_u (local.get $n)))))
                """;
        for (Engine engine : new Engine[] {COMPILER, INTERPRETER}) {
            Instance inst = CompilerTest.instantiate(engine, wat);
            assertThat(inst.getFunc("field").orElseThrow().callI64()).isEqualTo(15 + 26);
            assertThat(inst.getFunc("elements").orElseThrow().callI64()).isEqualTo(3 + 4 + 40);
            assertThat(inst.getFunc("payload").orElseThrow().callI64()).isEqualTo(203);
        }
    }

    @Test
    void generatedClassPassesTheVerifier() {
        byte[] bytes = JvmCompiler.generate(WatParser.parseModule(GC));
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), getClass().getClassLoader(), false, new PrintWriter(out));
        assertThat(out.toString()).isEmpty();
    }
}
