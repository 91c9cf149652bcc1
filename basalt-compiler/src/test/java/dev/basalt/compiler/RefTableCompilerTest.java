package dev.basalt.compiler;

import static dev.basalt.compiler.CompilerTest.COMPILER;
import static dev.basalt.compiler.CompilerTest.instantiate;
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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** Functions with several results, reference values and tables under the compiler, against the interpreter. */
class RefTableCompilerTest {
    static final String MULTI = """
            (module
              (func $swap (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
              (func $three (param f64) (result f64 externref f32)
                (local.get 0) (ref.null extern) (f32.const 1.5))
              (func $early (param i32) (result i32 i32)
                (i32.const 7) (i32.const 8)
                (if (local.get 0) (then (i32.const 1) (i32.const 2) (return)))
                (i32.const 99) (drop))
              (func (export "swap") (param i32 i64) (result i64 i32) (call $swap (local.get 0) (local.get 1)))
              (func (export "sum-swapped") (param i32 i64) (result i64)
                (local $a i64) (local $b i32)
                (call $swap (local.get 0) (local.get 1))
                (local.set $b) (local.set $a)
                (i64.add (local.get $a) (i64.extend_i32_s (local.get $b))))
              (func (export "three") (param f64) (result f64 externref f32) (call $three (local.get 0)))
              (func (export "early") (param i32) (result i32 i32) (call $early (local.get 0)))
              (func (export "early-diff") (param i32) (result i32) (call $early (local.get 0)) (i32.sub))
              (func (export "deep") (param i32) (result i32 i32 i32 i32)
                (local.get 0) (i32.const 1) (i32.const 2) (i32.const 3)))
            """;

    @Test
    void severalResultsThroughTheInvokerAndBetweenFunctions() {
        for (Instance inst : List.of(instantiate(COMPILER, MULTI), instantiate(Engine.create(), MULTI))) {
            assertThat(inst.getFunc("swap").orElseThrow().call(Val.i32(5), Val.i64(-9)))
                    .containsExactly(Val.i64(-9), Val.i32(5));
            assertThat(inst.getFunc("sum-swapped").orElseThrow().callI64(5, 40)).isEqualTo(45L);
            Val[] three = inst.getFunc("three").orElseThrow().call(Val.f64(2.25));
            assertThat(three).hasSize(3);
            assertThat(three[0]).isEqualTo(Val.f64(2.25));
            assertThat(((Val.ExternRef) three[1]).isNull()).isTrue();
            assertThat(three[2]).isEqualTo(Val.f32(1.5f));
            assertThat(inst.getFunc("early").orElseThrow().call(Val.i32(1))).containsExactly(Val.i32(1), Val.i32(2));
            assertThat(inst.getFunc("early").orElseThrow().call(Val.i32(0))).containsExactly(Val.i32(7), Val.i32(8));
            assertThat(inst.getFunc("early-diff").orElseThrow().callI32(0)).isEqualTo(-1);
            assertThat(inst.getFunc("deep").orElseThrow().call(Val.i32(0)))
                    .containsExactly(Val.i32(0), Val.i32(1), Val.i32(2), Val.i32(3));
        }
    }

    static final String REFS = """
            (module
              (type $ii (func (param i32) (result i32)))
              (table $t 4 funcref)
              (table $ext 2 externref)
              (global $g (mut externref) (ref.null extern))
              (global $gf (mut (ref null $ii)) (ref.func $inc))
              (elem declare func $inc $dbl)
              (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
              (func $dbl (type $ii) (i32.mul (local.get 0) (i32.const 2)))
              (func (export "id") (param externref) (result externref) (local.get 0))
              (func (export "is-null") (param externref) (result i32) (ref.is_null (local.get 0)))
              (func (export "set-g") (param externref) (global.set $g (local.get 0)))
              (func (export "get-g") (result externref) (global.get $g))
              (func (export "same") (param i32) (result i32)
                (ref.eq (ref.null none) (if (result eqref) (local.get 0) (then (ref.null eq)) (else (ref.null none)))))
              (func (export "pick") (param externref externref i32) (result externref)
                (select (result externref) (local.get 0) (local.get 1) (local.get 2)))
              (func (export "apply") (param i32 i32) (result i32)
                (call_ref $ii (local.get 1)
                  (if (result (ref null $ii)) (local.get 0) (then (ref.func $inc)) (else (ref.null $ii)))))
              (func (export "apply-global") (param i32) (result i32)
                (call_ref $ii (local.get 0) (global.get $gf)))
              (func (export "non-null") (param externref) (result externref) (ref.as_non_null (local.get 0)))
              (func (export "or-default") (param externref) (result i32)
                (block $null
                  (drop (br_on_null $null (local.get 0)))
                  (return (i32.const 1)))
                (i32.const 0))
              (func (export "non-null-or") (param funcref) (result i32)
                (block $some (result funcref)
                  (br_on_non_null $some (local.get 0))
                  (return (i32.const -1)))
                (ref.is_null))
              (func (export "table-put") (param i32 i32)
                (table.set $t (local.get 0) (select (result funcref) (ref.func $inc) (ref.func $dbl) (local.get 1))))
              (func (export "table-call") (param i32 i32) (result i32)
                (call_indirect $t (type $ii) (local.get 1) (local.get 0)))
              (func (export "table-get-null") (param i32) (result i32) (ref.is_null (table.get $t (local.get 0))))
              (func (export "table-grow") (param i32) (result i32) (table.grow $t (ref.func $dbl) (local.get 0)))
              (func (export "table-size") (result i32) (table.size $t))
              (func (export "table-fill") (param i32 i32) (table.fill $t (local.get 0) (ref.null func) (local.get 1)))
              (func (export "ext-set") (param i32 externref) (table.set $ext (local.get 0) (local.get 1)))
              (func (export "ext-get") (param i32) (result externref) (table.get $ext (local.get 0))))
            """;

    @Test
    void referenceValuesAsTheInterpreterKeepsThem() {
        Object host = new Object();
        for (Instance inst : List.of(instantiate(COMPILER, REFS), instantiate(Engine.create(), REFS))) {
            assertThat(((Val.ExternRef) inst.getFunc("id").orElseThrow().call(Val.externRef(host))[0]).value())
                    .isSameAs(host);
            assertThat(inst.getFunc("is-null").orElseThrow().call(Val.externRef(null))).containsExactly(Val.i32(1));
            assertThat(inst.getFunc("is-null").orElseThrow().call(Val.externRef(host))).containsExactly(Val.i32(0));
            inst.getFunc("set-g").orElseThrow().call(Val.externRef(host));
            assertThat(((Val.ExternRef) inst.getFunc("get-g").orElseThrow().call()[0]).value()).isSameAs(host);
            assertThat(inst.getFunc("same").orElseThrow().callI32(1)).isEqualTo(1);
            Func pick = inst.getFunc("pick").orElseThrow();
            assertThat(((Val.ExternRef) pick.call(Val.externRef(host), Val.externRef("b"), Val.i32(0))[0]).value())
                    .isEqualTo("b");
            assertThat(inst.getFunc("apply").orElseThrow().callI32(1, 41)).isEqualTo(42);
            assertThat(inst.getFunc("apply-global").orElseThrow().callI32(9)).isEqualTo(10);
            assertTrap(() -> inst.getFunc("apply").orElseThrow().callI32(0, 41), TrapKind.NULL_FUNCTION_REFERENCE);
            assertTrap(() -> inst.getFunc("non-null").orElseThrow().call(Val.externRef(null)), TrapKind.NULL_REFERENCE);
            assertThat(inst.getFunc("or-default").orElseThrow().call(Val.externRef(host))).containsExactly(Val.i32(1));
            assertThat(inst.getFunc("or-default").orElseThrow().call(Val.externRef(null))).containsExactly(Val.i32(0));
            Func nonNullOr = inst.getFunc("non-null-or").orElseThrow();
            assertThat(nonNullOr.call(new Val.FuncRef(null))).containsExactly(Val.i32(-1));
            assertThat(nonNullOr.call(new Val.FuncRef(inst.getFunc("id").orElseThrow()))).containsExactly(Val.i32(0));
        }
    }

    @Test
    void tablesUseTheInterpretersChecks() {
        for (Instance inst : List.of(instantiate(COMPILER, REFS), instantiate(Engine.create(), REFS))) {
            Func put = inst.getFunc("table-put").orElseThrow();
            Func call = inst.getFunc("table-call").orElseThrow();
            put.call(Val.i32(0), Val.i32(1));
            put.call(Val.i32(1), Val.i32(0));
            assertThat(call.callI32(0, 10)).isEqualTo(11);
            assertThat(call.callI32(1, 10)).isEqualTo(20);
            assertTrap(() -> call.callI32(2, 10), TrapKind.UNINITIALIZED_ELEMENT);
            assertTrap(() -> call.callI32(4, 10), TrapKind.UNDEFINED_ELEMENT);
            assertTrap(() -> put.call(Val.i32(-1), Val.i32(1)), TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
            assertThat(inst.getFunc("table-get-null").orElseThrow().callI32(3)).isEqualTo(1);
            assertThat(inst.getFunc("table-grow").orElseThrow().callI32(2)).isEqualTo(4);
            assertThat(inst.getFunc("table-size").orElseThrow().callI32()).isEqualTo(6);
            assertThat(call.callI32(5, 10)).isEqualTo(20);
            assertThat(inst.getFunc("table-grow").orElseThrow().callI32(-1)).isEqualTo(-1);
            inst.getFunc("table-fill").orElseThrow().call(Val.i32(0), Val.i32(2));
            assertTrap(() -> call.callI32(0, 10), TrapKind.UNINITIALIZED_ELEMENT);
            assertTrap(() -> inst.getFunc("table-fill").orElseThrow().call(Val.i32(5), Val.i32(2)),
                    TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
            inst.getFunc("ext-set").orElseThrow().call(Val.i32(1), Val.externRef("x"));
            assertThat(((Val.ExternRef) inst.getFunc("ext-get").orElseThrow().call(Val.i32(1))[0]).value())
                    .isEqualTo("x");
            assertTrap(() -> inst.getFunc("ext-get").orElseThrow().call(Val.i32(2)),
                    TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
    }

    static final String SEGMENTS = """
            (module
              (table $t64 i64 3 funcref)
              (table $t 3 funcref)
              (elem $e func $a $b)
              (func $a (result i32) (i32.const 1))
              (func $b (result i32) (i32.const 2))
              (func (export "init") (param i32 i32 i32) (table.init $t $e (local.get 0) (local.get 1) (local.get 2)))
              (func (export "init64") (param i64 i32 i32) (table.init $t64 $e (local.get 0) (local.get 1) (local.get 2)))
              (func (export "drop") (elem.drop $e))
              (func (export "copy") (param i64 i32 i32) (table.copy $t64 $t (local.get 0) (local.get 1) (local.get 2)))
              (func (export "size64") (result i64) (table.size $t64))
              (func (export "call64") (param i64) (result i32) (call_indirect $t64 (result i32) (local.get 0))))
            """;

    @Test
    void tableInitCopyAndElemDropIncludingTable64() {
        for (Instance inst : List.of(instantiate(COMPILER, SEGMENTS), instantiate(Engine.create(), SEGMENTS))) {
            Func init = inst.getFunc("init").orElseThrow();
            Func call64 = inst.getFunc("call64").orElseThrow();
            init.call(Val.i32(1), Val.i32(0), Val.i32(2));
            inst.getFunc("copy").orElseThrow().call(Val.i64(0), Val.i32(1), Val.i32(2));
            assertThat(call64.callI32(0)).isEqualTo(1);
            assertThat(call64.callI32(1)).isEqualTo(2);
            assertThat(inst.getFunc("size64").orElseThrow().callI64()).isEqualTo(3L);
            assertTrap(() -> inst.getFunc("init64").orElseThrow().call(Val.i64(-1), Val.i32(0), Val.i32(1)),
                    TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
            assertTrap(() -> inst.getFunc("copy").orElseThrow().call(Val.i64(2), Val.i32(0), Val.i32(2)),
                    TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
            assertTrap(() -> init.call(Val.i32(0), Val.i32(1), Val.i32(2)), TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
            inst.getFunc("drop").orElseThrow().call();
            init.call(Val.i32(0), Val.i32(0), Val.i32(0));
            assertTrap(() -> init.call(Val.i32(0), Val.i32(0), Val.i32(1)), TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
    }

    @Test
    void generatedClassesPassTheVerifier() {
        for (String wat : List.of(MULTI, REFS, SEGMENTS)) {
            byte[] bytes = JvmCompiler.generate(WatParser.parseModule(wat));
            StringWriter out = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(bytes), getClass().getClassLoader(), false, new PrintWriter(out));
            assertThat(out.toString()).isEmpty();
        }
    }

    static void assertTrap(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, TrapKind kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(kind));
    }
}
