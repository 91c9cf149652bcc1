package dev.basalt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.GlobalType;
import dev.basalt.wasm.NumType;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuntimeApiTest {
    private final Engine engine = Engine.create();

    private Instance instantiate(Store<Void> store, String wat) {
        return Linker.<Void>create(engine).instantiate(store, Module.fromWat(engine, wat));
    }

    @Test
    void callsAnExportWithValsAndRawLongs() {
        Store<Void> store = Store.create(engine);
        Instance inst = instantiate(store, """
                (module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
                        (func (export "fma") (param f64 f64 f64) (result f64) (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2))))
                """);
        Func add = inst.getFunc("add").orElseThrow();
        assertThat(add.call(Val.i32(40), Val.i32(2))).containsExactly(Val.i32(42));
        assertThat(add.callI32(-1, 1)).isZero();
        Val[] r = inst.getFunc("fma").orElseThrow().call(Val.f64(2), Val.f64(3), Val.f64(0.5));
        assertThat(((Val.F64) r[0]).value()).isEqualTo(6.5);
        assertThat(add.type()).isEqualTo(FuncType.of(List.of(NumType.I32, NumType.I32), List.of(NumType.I32)));
    }

    @Test
    void hostFunctionsSeeCallerMemoryAndStoreData() {
        Store<StringBuilder> store = Store.create(engine, new StringBuilder());
        Linker<StringBuilder> linker = Linker.create(engine);
        linker.defineHostFunction("env", "log", FuncType.of(List.of(NumType.I32, NumType.I32), List.of(NumType.I32)),
                (caller, args) -> {
                    int ptr = ((Val.I32) args[0]).value();
                    int len = ((Val.I32) args[1]).value();
                    byte[] bytes = caller.getMemory("memory").orElseThrow().read(ptr, len);
                    caller.data().append(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
                    return new Val[] {Val.i32(len)};
                });
        Instance inst = linker.instantiate(store, Module.fromWat(engine, """
                (module (import "env" "log" (func $log (param i32 i32) (result i32)))
                        (memory (export "memory") 1) (data (i32.const 8) "hello")
                        (func (export "run") (result i32) (call $log (i32.const 8) (i32.const 5))))
                """));
        assertThat(inst.getFunc("run").orElseThrow().callI32()).isEqualTo(5);
        assertThat(store.data()).hasToString("hello");
    }

    @Test
    void instancePreInstantiatesRepeatedlyWithSeparateState() {
        Module module = Module.fromWat(engine, """
                (module (global $g (mut i32) (i32.const 0))
                        (func (export "inc") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
                """);
        InstancePre<Void> pre = Linker.<Void>create(engine).instantiatePre(module);
        Store<Void> store = Store.create(engine);
        Instance a = pre.instantiate(store);
        Instance b = pre.instantiate(store);
        assertThat(a.getFunc("inc").orElseThrow().callI32()).isEqualTo(1);
        assertThat(a.getFunc("inc").orElseThrow().callI32()).isEqualTo(2);
        assertThat(b.getFunc("inc").orElseThrow().callI32()).isEqualTo(1);
    }

    @Test
    void linksInstancesThroughSharedMemoryAndGlobals() {
        Store<Void> store = Store.create(engine);
        Linker<Void> linker = Linker.create(engine);
        Instance provider = linker.instantiate(store, Module.fromWat(engine, """
                (module (memory (export "mem") 1) (global (export "g") (mut i32) (i32.const 7))
                        (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))
                """));
        linker.defineInstance("p", provider);
        Instance user = linker.instantiate(store, Module.fromWat(engine, """
                (module (import "p" "mem" (memory 1)) (import "p" "g" (global $g (mut i32)))
                        (import "p" "peek" (func $peek (param i32) (result i32)))
                        (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)) (global.set $g (local.get 1)))
                        (func (export "viaPeek") (param i32) (result i32) (call $peek (local.get 0))))
                """));
        user.getFunc("poke").orElseThrow().callRaw(16, 1234);
        assertThat(provider.getMemory("mem").orElseThrow().readInt(16)).isEqualTo(1234);
        assertThat(provider.getGlobal("g").orElseThrow().get()).isEqualTo(Val.i32(1234));
        assertThat(user.getFunc("viaPeek").orElseThrow().callI32(16)).isEqualTo(1234);
    }

    @Test
    void unlinkableImportsUseTheSpecWording() {
        Store<Void> store = Store.create(engine);
        Linker<Void> linker = Linker.create(engine);
        Module m = Module.fromWat(engine, "(module (import \"env\" \"f\" (func (param i32))))");
        assertThatThrownBy(() -> linker.instantiate(store, m))
                .isInstanceOf(UnlinkableException.class).hasMessageStartingWith("unknown import");
        linker.defineHostFunction("env", "f", FuncType.of(List.of(NumType.I64), List.of()), (c, a) -> new Val[0]);
        assertThatThrownBy(() -> linker.instantiate(store, m))
                .isInstanceOf(UnlinkableException.class).hasMessageStartingWith("incompatible import type");
    }

    @Test
    void trapsCarryAWasmBacktraceWithNames() {
        Store<Void> store = Store.create(engine);
        Instance inst = instantiate(store, """
                (module (func $inner (unreachable)) (func $outer (call $inner)) (func (export "run") (call $outer)))
                """);
        assertThatThrownBy(() -> inst.getFunc("run").orElseThrow().call())
                .isInstanceOfSatisfying(Trap.class, t -> {
                    assertThat(t.kind()).isEqualTo(TrapKind.UNREACHABLE);
                    assertThat(t.backtrace()).extracting(Trap.Frame::functionIndex).containsExactly(0, 1, 2);
                    assertThat(t.describe()).contains("wasm backtrace");
                });
    }

    @Test
    void uncaughtWasmExceptionsReachTheEmbedderWithTheirPayload() {
        Store<Void> store = Store.create(engine);
        Instance inst = instantiate(store, """
                (module (tag $e (export "e") (param i32 i64))
                        (func (export "throw") (throw $e (i32.const 3) (i64.const 4)))
                        (func (export "catch") (result i32)
                          (block $h (result i32 i64) (try_table (catch $e $h) (call 0)) (return (i32.const -1)))
                          (drop)))
                """);
        assertThatThrownBy(() -> inst.getFunc("throw").orElseThrow().call())
                .isInstanceOfSatisfying(WasmException.class, e -> {
                    assertThat(e.payload()).containsExactly(Val.i32(3), Val.i64(4));
                    assertThat(e.tag()).isEqualTo(inst.getTag("e").orElseThrow());
                });
        assertThat(inst.getFunc("catch").orElseThrow().callI32()).isEqualTo(3);
    }

    @Test
    void tailCallsDoNotGrowTheStack() {
        Store<Void> store = Store.create(engine);
        Instance inst = instantiate(store, """
                (module (func $count (export "count") (param i64) (result i64)
                  (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 42))
                    (else (return_call $count (i64.sub (local.get 0) (i64.const 1)))))))
                """);
        assertThat(inst.getFunc("count").orElseThrow().callI64(1_000_000)).isEqualTo(42);
    }

    @Test
    void globalsAndTablesAreAccessibleFromTheHost() {
        Store<Void> store = Store.create(engine);
        Instance inst = instantiate(store, """
                (module (global (export "g") (mut i64) (i64.const 5)) (table (export "t") 2 funcref)
                        (func $f (export "f") (result i32) (i32.const 9)) (elem (i32.const 1) $f))
                """);
        Global g = inst.getGlobal("g").orElseThrow();
        g.set(Val.i64(77));
        assertThat(g.get()).isEqualTo(Val.i64(77));
        assertThat(g.type()).isEqualTo(new GlobalType(NumType.I64, true));
        Table t = inst.getTable("t").orElseThrow();
        assertThat(t.size()).isEqualTo(2);
        assertThat(((Val.FuncRef) t.get(0)).isNull()).isTrue();
        assertThat(((Val.FuncRef) t.get(1)).func()).isEqualTo(inst.getFunc("f").orElseThrow());
        assertThat(t.grow(3, new Val.FuncRef(null))).isEqualTo(2);
        assertThat(t.size()).isEqualTo(5);
    }

    @Test
    void wasmExceptionsPassThroughHostFunctionsAndReentrantCalls() {
        Store<Void> store = Store.create(engine);
        Linker<Void> linker = Linker.create(engine);
        Instance[] self = new Instance[1];
        // The host function calls back into Wasm, which throws; the exception crosses the host frame.
        linker.defineHostFunction("env", "callback", FuncType.of(List.of(), List.of()), (caller, args) -> {
            self[0].getFunc("thrower").orElseThrow().call();
            return new Val[0];
        });
        linker.defineHostFunction("env", "fail", FuncType.of(List.of(), List.of()), (caller, args) -> {
            throw new IllegalStateException("host bug");
        });
        self[0] = linker.instantiate(store, Module.fromWat(engine, """
                (module (import "env" "callback" (func $cb)) (import "env" "fail" (func $fail))
                        (tag $e (param i32))
                        (func (export "thrower") (throw $e (i32.const 7)))
                        (func (export "run") (result i32)
                          (block $h (result i32) (try_table (catch $e $h) (call $cb)) (i32.const -1)))
                        (func (export "failing") (call $fail)))
                """));
        assertThat(self[0].getFunc("run").orElseThrow().callI32()).isEqualTo(7);
        assertThatThrownBy(() -> self[0].getFunc("failing").orElseThrow().call())
                .isInstanceOfSatisfying(Trap.class, t -> {
                    assertThat(t.kind()).isEqualTo(TrapKind.HOST_ERROR);
                    assertThat(t.getCause()).hasMessage("host bug");
                    assertThat(t.backtrace()).extracting(Trap.Frame::functionIndex).containsExactly(4);
                });
    }

    @Test
    void referencesComeBackInTheirHierarchy() {
        Store<Void> store = Store.create(engine);
        Instance inst = instantiate(store, """
                (module (type $f (func)) (type $s (struct (field i32)))
                        (func $g (export "g"))
                        (func (export "nullTyped") (result (ref null $f)) (ref.null $f))
                        (func (export "someFunc") (result (ref null $f)) (ref.func $g))
                        (func (export "struct") (result anyref) (struct.new $s (i32.const 1)))
                        (func (export "i31") (result i31ref) (ref.i31 (i32.const -5)))
                        (func (export "ext") (param externref) (result anyref) (any.convert_extern (local.get 0)))
                        (elem declare func $g))
                """);
        assertThat(inst.getFunc("nullTyped").orElseThrow().call()).containsExactly(new Val.FuncRef(null));
        assertThat(inst.getFunc("someFunc").orElseThrow().call())
                .containsExactly(new Val.FuncRef(inst.getFunc("g").orElseThrow()));
        Val.AnyRef s = (Val.AnyRef) inst.getFunc("struct").orElseThrow().call()[0];
        assertThat(s.kind()).hasValue(Val.AnyRef.Kind.STRUCT);
        Val.AnyRef i = (Val.AnyRef) inst.getFunc("i31").orElseThrow().call()[0];
        assertThat(i.i31()).hasValue(-5);
        Object host = new Object();
        Val.AnyRef h = (Val.AnyRef) inst.getFunc("ext").orElseThrow().call(Val.externRef(host))[0];
        assertThat(h.host()).containsSame(host);
    }

    @Test
    void backtracesOfBinaryModulesCarryByteOffsets() {
        byte[] wasm = dev.basalt.wasm.binary.BinaryWriter.write(dev.basalt.wasm.text.WatParser.parseModule("""
                (module (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
                        (func (export "run") (result i32) (call $inner (i32.const 0))))
                """));
        Store<Void> store = Store.create(engine);
        Instance inst = Linker.<Void>create(engine).instantiate(store, Module.compile(engine, wasm));
        assertThatThrownBy(() -> inst.getFunc("run").orElseThrow().call())
                .isInstanceOfSatisfying(Trap.class, t -> {
                    assertThat(t.kind()).isEqualTo(TrapKind.INTEGER_DIVIDE_BY_ZERO);
                    assertThat(t.backtrace()).hasSize(2);
                    long inner = t.backtrace().get(0).offset();
                    long outer = t.backtrace().get(1).offset();
                    assertThat(inner).isPositive().isLessThan(wasm.length);
                    assertThat(outer).isGreaterThan(inner).isLessThan(wasm.length);
                    // The offsets point at the trapping instruction and at the call.
                    assertThat(wasm[(int) inner] & 0xFF).isEqualTo(0x6E);
                    assertThat(wasm[(int) outer] & 0xFF).isEqualTo(0x10);
                });
    }

    /** State kept per store by type: made once, on first use, and a store that is no longer used is collected. */
    @Test
    void extensionsAreMadeOncePerStoreAndDoNotKeepTheStoreAlive() throws InterruptedException {
        record Counter(Store<?> store) {
        }
        Engine engine = Engine.create();
        int[] made = new int[1];
        java.util.function.Function<Store<Void>, Counter> make = s -> {
            made[0]++;
            return new Counter(s);
        };
        Store<Void> store = Store.create(engine);
        Counter a = store.extension(Counter.class, make);
        assertThat(store.extension(Counter.class, make)).isSameAs(a);
        assertThat(made[0]).isEqualTo(1);
        assertThat(Store.create(engine).extension(Counter.class, make)).isNotSameAs(a);
        assertThat(made[0]).isEqualTo(2);
        java.lang.ref.WeakReference<Store<Void>> ref = new java.lang.ref.WeakReference<>(store);
        store = null;
        a = null;
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(ref.get()).as("the store, referred to by its own extension").isNull();
    }
}
