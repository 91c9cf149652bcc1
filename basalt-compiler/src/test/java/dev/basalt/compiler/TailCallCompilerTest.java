package dev.basalt.compiler;

import static dev.basalt.compiler.CompilerTest.COMPILER;
import static dev.basalt.compiler.CompilerTest.instantiate;
import static dev.basalt.compiler.RefTableCompilerTest.assertTrap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.FuncType;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.WasmException;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.WatParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** Tail calls under the compiler: deep chains in constant JVM stack, results, traps and fuel as the interpreter. */
class TailCallCompilerTest {
    static final String TAIL = """
            (module
              (type $i64-i32 (func (param i64) (result i32)))
              (type $pair (func (param i64 i64) (result i64 i64)))
              (table $t 2 funcref)
              (elem (table $t) (i32.const 0) func $even-indirect $odd-indirect)
              (func $even (export "even") (param i64) (result i32)
                (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
                  (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
              (func $odd (export "odd") (param i64) (result i32)
                (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
                  (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))
              (func $even-indirect (type $i64-i32)
                (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
                  (else (return_call_indirect $t (type $i64-i32) (i64.sub (local.get 0) (i64.const 1)) (i32.const 1)))))
              (func $odd-indirect (type $i64-i32)
                (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
                  (else (return_call_indirect $t (type $i64-i32) (i64.sub (local.get 0) (i64.const 1)) (i32.const 0)))))
              (func (export "even-indirect") (param i64) (result i32) (call $even-indirect (local.get 0)))
              (elem declare func $even-ref $odd-ref)
              (func $even-ref (type $i64-i32)
                (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
                  (else (return_call_ref $i64-i32 (i64.sub (local.get 0) (i64.const 1)) (ref.func $odd-ref)))))
              (func $odd-ref (type $i64-i32)
                (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
                  (else (return_call_ref $i64-i32 (i64.sub (local.get 0) (i64.const 1)) (ref.func $even-ref)))))
              (func (export "odd-ref") (param i64) (result i32) (call $odd-ref (local.get 0)))
              (func $count (export "count") (param i64 i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
                  (else (return_call $count (i64.sub (local.get 0) (i64.const 1))
                                            (i64.add (local.get 1) (i64.const 2))))))
              (func $fib-pair (export "fib-pair") (type $pair) (local $n i64)
                ;; (n, k): several results through a tail-call chain, with a value left under the arguments.
                (i32.const 99)
                (if (i64.eqz (local.get 1)) (then (return (local.get 0) (i64.const 0))))
                (return_call $fib-pair2 (i64.add (local.get 0) (i64.const 1)) (i64.sub (local.get 1) (i64.const 1))))
              (func $fib-pair2 (type $pair)
                (return_call $fib-pair (local.get 0) (local.get 1)))
              (func $leaf (param i64) (result i64) (i64.mul (local.get 0) (i64.const 3)))
              (func (export "to-leaf") (param i64) (result i64) (return_call $leaf (local.get 0)))
              (func $null-ref (export "null-ref") (result i32)
                (return_call_ref $i64-i32 (i64.const 0) (ref.null $i64-i32)))
              (func (export "bad-index") (result i32)
                (return_call_indirect $t (type $i64-i32) (i64.const 0) (i32.const 7))))
            """;

    /**
     * Runs {@code body} on a thread with a 512 KB stack (the tests' JVM runs with 16 MB stacks, where a long chain
     * of JVM frames might still fit): a chain of a million calls that each kept a frame would overflow it.
     */
    static void onSmallStack(Runnable body) throws InterruptedException {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "small-stack", 512 * 1024);
        t.start();
        t.join();
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
    }

    @Test
    void aMillionMutualTailCallsRunInConstantStack() throws InterruptedException {
        // A depth limit above the chain's length: only the JVM stack can run out.
        Engine unlimited = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER)
                .maxCallDepth(2_000_000).build());
        Instance compiled = instantiate(unlimited, TAIL);
        Instance deep = instantiate(unlimited, DEEP);
        onSmallStack(() -> {
            // The same depth of non-tail calls does overflow this thread's stack ...
            assertTrap(() -> deep.getFunc("deep").orElseThrow().callI32(1_000_000), TrapKind.CALL_STACK_EXHAUSTED);
            // ... tail calls do not.
            assertThat(compiled.getFunc("even").orElseThrow().callI32(1_000_000)).isEqualTo(1);
            assertThat(compiled.getFunc("odd-ref").orElseThrow().callI32(1_000_000)).isEqualTo(0);
            assertThat(compiled.getFunc("count").orElseThrow().callI64(1_000_000, 0)).isEqualTo(2_000_000L);
        });
        for (Instance inst : List.of(compiled, instantiate(Engine.create(), TAIL))) {
            assertThat(inst.getFunc("even").orElseThrow().callI32(100_000)).isEqualTo(1);
            assertThat(inst.getFunc("odd").orElseThrow().callI32(100_001)).isEqualTo(1);
            assertThat(inst.getFunc("even-indirect").orElseThrow().callI32(100_001)).isEqualTo(0);
            assertThat(inst.getFunc("odd-ref").orElseThrow().callI32(100_000)).isEqualTo(0);
            assertThat(inst.getFunc("count").orElseThrow().callI64(100_000, 7)).isEqualTo(200_007L);
            assertThat(inst.getFunc("to-leaf").orElseThrow().callI64(14)).isEqualTo(42L);
        }
    }

    @Test
    void severalResultsAndTrapsThroughTailCalls() {
        for (Instance inst : List.of(instantiate(COMPILER, TAIL), instantiate(Engine.create(), TAIL))) {
            assertThat(inst.getFunc("fib-pair").orElseThrow().call(Val.i64(5), Val.i64(100_000)))
                    .containsExactly(Val.i64(100_005), Val.i64(0));
            assertTrap(() -> inst.getFunc("null-ref").orElseThrow().call(), TrapKind.NULL_FUNCTION_REFERENCE);
            assertTrap(() -> inst.getFunc("bad-index").orElseThrow().call(), TrapKind.UNDEFINED_ELEMENT);
        }
    }

    @Test
    void tailCallsCostTheInterpretersFuel() {
        long[] left = new long[2];
        List<Engine> engines = List.of(COMPILER, Engine.create());
        for (int e = 0; e < 2; e++) {
            Engine engine = engines.get(e);
            Store<Void> store = Store.create(engine);
            store.setFuel(10_000_000);
            Instance inst = Linker.<Void>create(engine).instantiate(store, Module.fromWat(engine, TAIL));
            assertThat(inst.getFunc("even").orElseThrow().callI32(1000)).isEqualTo(1);
            assertThat(inst.getFunc("count").orElseThrow().callI64(1000, 0)).isEqualTo(2000L);
            assertThat(inst.getFunc("even-indirect").orElseThrow().callI32(1000)).isEqualTo(1);
            left[e] = store.getFuel().orElseThrow();
        }
        assertThat(left[0]).isEqualTo(left[1]).isLessThan(10_000_000);
    }

    static final String DEEP = """
            (module (func $deep (export "deep") (param i32) (result i32)
              (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
                (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1))))))))
            """;

    @Test
    void tailCallChainsAcrossModulesAndIntoHostFunctions() throws InterruptedException {
        String first = """
                (module
                  (type $t (func (param i64) (result i32)))
                  (import "env" "ping" (func $ping (type $t)))
                  (table $tab (export "tab") 1 funcref)
                  (func $down (export "down") (type $t)
                    (if (result i32) (i64.eqz (local.get 0)) (then (return_call $ping (i64.const 42)))
                      (else (return_call_indirect $tab (type $t) (i64.sub (local.get 0) (i64.const 1)) (i32.const 0))))))
                """;
        String second = """
                (module
                  (type $t (func (param i64) (result i32)))
                  (import "a" "down" (func $down (type $t)))
                  (import "a" "tab" (table $tab 1 funcref))
                  (func $back (export "back") (type $t) (return_call $down (local.get 0)))
                  (elem (table $tab) (i32.const 0) func $back))
                """;
        for (Engine engine : List.of(COMPILER, Engine.create())) {
            Store<Void> store = Store.create(engine);
            Linker<Void> linker = Linker.create(engine);
            linker.defineHostFunction("env", "ping", FuncType.of(List.of(NumType.I64), List.of(NumType.I32)),
                    (c, args) -> new Val[] {Val.i32((int) ((Val.I64) args[0]).value() + 1)});
            Instance a = linker.instantiate(store, Module.fromWat(engine, first));
            linker.defineInstance("a", a);
            Instance b = linker.instantiate(store, Module.fromWat(engine, second));
            assertThat(a.getFunc("down").orElseThrow().callI32(0)).isEqualTo(43);
            // Each step alternates between the two modules' classes: a million of them on one JVM frame.
            int steps = engine == COMPILER ? 1_000_000 : 100_000; // the interpreter's are slower, and not at issue
            onSmallStack(() -> assertThat(a.getFunc("down").orElseThrow().callI32(steps)).isEqualTo(43));
            assertThat(b.getFunc("back").orElseThrow().callI32(99_999)).isEqualTo(43);
        }
    }

    @Test
    void aTailCalleeIsOutsideTheCallersTryBlocks() {
        String wat = """
                (module
                  (tag $e)
                  (func $throw (throw $e))
                  (func $self (param i32)
                    (if (local.get 0) (then (throw $e)))
                    (block $h (try_table (catch $e $h) (return_call $self (i32.const 1)))))
                  (func (export "leaf")
                    (block $h (try_table (catch $e $h) (return_call $throw))))
                  (func (export "self") (call $self (i32.const 0))))
                """;
        for (Instance inst : List.of(instantiate(COMPILER, wat), instantiate(Engine.create(), wat))) {
            assertThatThrownBy(() -> inst.getFunc("leaf").orElseThrow().call()).isInstanceOf(WasmException.class);
            assertThatThrownBy(() -> inst.getFunc("self").orElseThrow().call()).isInstanceOf(WasmException.class);
        }
    }

    @Test
    void backtracesThroughTailCallBodiesMatchTheInterpreter() {
        // $a and $b tail-call each other through the trampoline; $outer calls $a twice (recursively through
        // $again), so the stack holds two activations of the same tail-call body.
        String wat = """
                (module
                  (memory 1)
                  (func $a (param i32 i32) (result i32)
                    (if (result i32) (i32.eqz (local.get 0))
                      (then (i32.load (local.get 1)))
                      (else (return_call $b (i32.sub (local.get 0) (i32.const 1)) (local.get 1)))))
                  (func $b (param i32 i32) (result i32)
                    (nop)
                    (return_call $a (local.get 0) (local.get 1)))
                  (func $again (param i32) (result i32)
                    (i32.add (i32.const 1) (call $a (i32.const 3) (local.get 0))))
                  (func (export "outer") (param i32) (result i32)
                    (call $a (i32.const 4) (i32.const 0))
                    (drop)
                    (call $b (i32.const 5) (i32.const 0))
                    (call $again (local.get 0))
                    (i32.add)))
                """;
        byte[] wasm = BinaryWriter.write(WatParser.parseModule(wat)); // byte offsets need a binary
        List<List<Trap.Frame>> traces = new java.util.ArrayList<>();
        for (Engine engine : List.of(Engine.create(), COMPILER)) {
            Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), Module.compile(engine, wasm));
            traces.add(catchThrowableOfType(Trap.class, () -> inst.getFunc("outer").orElseThrow().callI32(70_000))
                    .backtrace());
        }
        assertThat(traces.get(0)).hasSize(3).allSatisfy(f -> assertThat(f.offset()).isPositive());
        assertThat(traces.get(1)).isEqualTo(traces.get(0));
    }

    @Test
    void tailCallBodiesPassTheVerifier() {
        byte[] bytes = JvmCompiler.generate(WatParser.parseModule(TAIL));
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), getClass().getClassLoader(), false, new PrintWriter(out));
        assertThat(out.toString()).isEmpty();
    }
}
