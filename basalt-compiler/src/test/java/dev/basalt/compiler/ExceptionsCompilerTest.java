package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Tag;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.WasmException;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.text.WatParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Exception handling in compiled code: payloads, nesting, legacy try/delegate/rethrow, and exceptions crossing
 * compiled, interpreted and host frames with their tag identity; traps are never caught.
 */
class ExceptionsCompilerTest {
    private static final Engine COMPILER = CompilerTest.COMPILER;
    private static final Engine INTERPRETER = Engine.create();

    /** Throws and catches inside one module. */
    private static final String LOCAL = """
            (module
              (tag $f (param i32))
              (tag $g)
              (func $throw (param i32) (throw $f (local.get 0)))
              (func (export "nested") (param i32) (result i32)
                ;; the value 100 lies beneath the try blocks on the operand stack and must survive the catch
                (i32.const 100)
                (block $outer (result i32)
                  (block $inner
                    (try_table (result i32) (catch $f $outer)
                      (try_table (result i32) (catch $g $inner)
                        (if (i32.eq (local.get 0) (i32.const 1)) (then (call $throw (i32.const 7))))
                        (if (i32.eq (local.get 0) (i32.const 2)) (then (unreachable)))
                        (if (i32.eq (local.get 0) (i32.const 3)) (then (throw $g)))
                        (i32.const 1)))
                    (br $outer))
                  (i32.const 2))
                (i32.add))
              (func (export "legacy") (param i32) (result i32)
                (try (result i32)
                  (do
                    (try (result i32)
                      (do (call $throw (local.get 0)) (i32.const 0))
                      (catch $f (i32.add (i32.const 1000)))
                      ))
                  (catch_all (i32.const -1))))
              (func (export "rethrow") (param i32) (result i32)
                (try (result i32)
                  (do
                    (try (result i32)
                      (do (call $throw (local.get 0)) (i32.const 0))
                      (catch_all (rethrow 0))))
                  (catch $f)))
              (func (export "delegate") (param i32) (result i32)
                (try $t (result i32)
                  (do
                    (block (result i32)
                      (try (result i32)
                        (do (call $throw (local.get 0)) (i32.const 0))
                        (delegate $t))))
                  (catch $f (i32.const 5000) (i32.add))))
              (func $depth (param i32)
                (if (local.get 0) (then (call $depth (i32.sub (local.get 0) (i32.const 1))) (return)))
                (throw $f (i32.const 1)))
              (func (export "manyCaught") (param i32) (result i32) (local $n i32)
                (loop $l
                  (block $c (try_table (catch_all $c) (call $depth (i32.const 20))))
                  (local.set $n (i32.add (local.get $n) (i32.const 1)))
                  (br_if $l (i32.lt_u (local.get $n) (local.get 0))))
                (local.get $n)))
            """;

    private static final String THROWER = """
            (module
              (tag $e (export "e") (param i32))
              (func (export "throw") (param i32) (throw $e (local.get 0)))
              (func (export "trap") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0))))
            """;

    /** Catches what an imported function throws, knowing only catch-all clauses (tags cannot cross engines). */
    private static final String CATCHER = """
            (module
              (import "t" "throw" (func $throw (param i32)))
              (import "t" "trap" (func $trap (param i32) (result i32)))
              (func (export "caught") (param i32) (result i32)
                (block $h (try_table (catch_all $h) (call $throw (local.get 0))) (return (i32.const 0)))
                (i32.const 1))
              (func (export "rethrown") (param i32)
                (try (do (call $throw (local.get 0))) (catch_all (rethrow 0))))
              (func (export "trapInTry") (param i32) (result i32)
                (block $h (try_table (catch_all $h) (drop (call $trap (local.get 0)))) (return (i32.const 0)))
                (i32.const 1))
              (func (export "legacyTrapInTry") (result i32)
                (try (result i32) (do (unreachable)) (catch_all (i32.const 1)))))
            """;

    static Instance instantiate(Engine engine, String wat) {
        return CompilerTest.instantiate(engine, wat);
    }

    @Test
    void catchesWithinCompiledCode() {
        for (Engine engine : new Engine[] {COMPILER, INTERPRETER}) {
            Instance inst = instantiate(engine, LOCAL);
            Func nested = inst.getFunc("nested").orElseThrow();
            assertThat(nested.callI32(0)).isEqualTo(101);
            assertThat(nested.callI32(1)).as("$f passes the inner block, the outer catches it").isEqualTo(107);
            assertThat(nested.callI32(3)).as("$g is caught by the inner block").isEqualTo(102);
            assertThatThrownBy(() -> nested.callI32(2)).isInstanceOfSatisfying(Trap.class,
                    t -> assertThat(t.kind()).isEqualTo(TrapKind.UNREACHABLE));
            assertThat(inst.getFunc("legacy").orElseThrow().callI32(5)).isEqualTo(1005);
            assertThat(inst.getFunc("rethrow").orElseThrow().callI32(6)).isEqualTo(6);
            assertThat(inst.getFunc("delegate").orElseThrow().callI32(7)).isEqualTo(5007);
            // Each catch must restore the store's call depth, or the loop would exhaust the call stack.
            assertThat(inst.getFunc("manyCaught").orElseThrow().callI32(20_000)).isEqualTo(20_000);
        }
    }

    @Test
    void fuelIsChargedAsTheInterpreterCharges() {
        // Handlers, catch clauses and delegate end blocks in the fuel count exactly as in the interpreter.
        String[][] calls = {{"nested", "0"}, {"nested", "1"}, {"nested", "3"}, {"legacy", "5"}, {"rethrow", "6"},
            {"delegate", "7"}, {"manyCaught", "50"}};
        for (String[] call : calls) {
            long[] used = new long[2];
            Engine[] engines = {COMPILER, INTERPRETER};
            for (int e = 0; e < 2; e++) {
                Store<Void> store = Store.create(engines[e]);
                store.setFuel(1_000_000);
                Instance inst = Linker.<Void>create(engines[e]).instantiate(store, Module.fromWat(engines[e], LOCAL));
                inst.getFunc(call[0]).orElseThrow().callI32(Integer.parseInt(call[1]));
                used[e] = 1_000_000 - store.getFuel().orElseThrow();
            }
            assertThat(used[0]).as("fuel of %s(%s)", call[0], call[1]).isEqualTo(used[1]).isPositive();
        }
    }

    @Test
    void payloadOfEveryNumericType() {
        String wat = """
                (module
                  (tag $e (param i32 i64 f32 f64))
                  (func (export "sum") (result f64) (local $a i32) (local $b i64) (local $c f32) (local $d f64)
                    (block $h (result i32 i64 f32 f64)
                      (try_table (catch $e $h)
                        (throw $e (i32.const 1) (i64.const 20) (f32.const 300.5) (f64.const 4000.25)))
                      (unreachable))
                    (local.set $d) (local.set $c) (local.set $b) (local.set $a)
                    (f64.add (f64.add (f64.convert_i32_s (local.get $a)) (f64.convert_i64_s (local.get $b)))
                             (f64.add (f64.promote_f32 (local.get $c)) (local.get $d)))))
                """;
        for (Engine engine : new Engine[] {COMPILER, INTERPRETER}) {
            Val[] r = instantiate(engine, wat).getFunc("sum").orElseThrow().call();
            assertThat(r[0]).isEqualTo(Val.f64(4321.75));
        }
    }

    @Test
    void compiledThrowCaughtByInterpretedCodeAndTheOtherWayRound() {
        for (Engine[] pair : new Engine[][] {{COMPILER, INTERPRETER}, {INTERPRETER, COMPILER}}) {
            Engine throwerEngine = pair[0];
            Engine catcherEngine = pair[1];
            Store<Void> store = Store.create(catcherEngine);
            Instance thrower = Linker.<Void>create(throwerEngine).instantiate(store,
                    Module.fromWat(throwerEngine, THROWER));
            Instance catcher = Linker.<Void>create(catcherEngine).defineInstance("t", thrower)
                    .instantiate(store, Module.fromWat(catcherEngine, CATCHER));
            assertThat(catcher.getFunc("caught").orElseThrow().callI32(3)).isEqualTo(1);
            // Rethrown by the catcher: the embedder sees the thrower's tag and payload.
            assertThatThrownBy(() -> catcher.getFunc("rethrown").orElseThrow().call(Val.i32(42)))
                    .isInstanceOfSatisfying(WasmException.class, e -> {
                        assertThat(e.tag()).isEqualTo(thrower.getTag("e").orElseThrow());
                        assertThat(e.payload()).containsExactly(Val.i32(42));
                    });
            // Traps pass through catch_all, in both engines' handlers.
            assertThatThrownBy(() -> catcher.getFunc("trapInTry").orElseThrow().callI32(0))
                    .isInstanceOfSatisfying(Trap.class,
                            t -> assertThat(t.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO));
            assertThatThrownBy(() -> catcher.getFunc("legacyTrapInTry").orElseThrow().callI32())
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.UNREACHABLE));
            assertThat(catcher.getFunc("trapInTry").orElseThrow().callI32(1)).isZero();
        }
    }

    @Test
    void exceptionsCrossHostFunctionsBothWays() {
        String wat = """
                (module
                  (import "host" "call" (func $host (param i32)))
                  (tag $e (export "e") (param i32))
                  (func (export "throw") (param i32) (throw $e (local.get 0)))
                  (func (export "viaHost") (param i32) (result i32)
                    (block $h (result i32)
                      (try_table (catch $e $h) (call $host (local.get 0)))
                      (i32.const -1))))
                """;
        AtomicReference<Instance> self = new AtomicReference<>();
        AtomicReference<WasmException> seenByHost = new AtomicReference<>();
        Store<Void> store = Store.create(COMPILER);
        Linker<Void> linker = Linker.<Void>create(COMPILER).defineHostFunction("host", "call",
                new FuncType(List.of(NumType.I32), List.of()), (caller, args) -> {
                    try {
                        self.get().getFunc("throw").orElseThrow().call(args[0]);
                    } catch (WasmException e) {
                        seenByHost.set(e);
                        throw e; // back into the compiled caller, which catches it by tag
                    }
                    return new Val[0];
                });
        Instance inst = linker.instantiate(store, Module.fromWat(COMPILER, wat));
        self.set(inst);
        assertThat(inst.getFunc("viaHost").orElseThrow().callI32(77)).isEqualTo(77);
        Tag tag = inst.getTag("e").orElseThrow();
        assertThat(seenByHost.get().tag()).isEqualTo(tag);
        assertThat(seenByHost.get().payload()).containsExactly(Val.i32(77));
    }

    @Test
    void generatedClassPassesTheVerifier() {
        for (String wat : new String[] {LOCAL, THROWER, CATCHER}) {
            byte[] bytes = JvmCompiler.generate(WatParser.parseModule(wat));
            StringWriter out = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(bytes), getClass().getClassLoader(), false, new PrintWriter(out));
            assertThat(out.toString()).isEmpty();
        }
    }
}
