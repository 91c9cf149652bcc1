package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Memory;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.Val;
import dev.basalt.wasm.Limits;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.text.WatParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** Atomics and wide arithmetic in compiled code: results, traps, and wait/notify between two threads. */
class AtomicsCompilerTest {
    private static final Engine COMPILER = CompilerTest.COMPILER;

    /** Imports its memory, so that two stores (one per thread) can share it. */
    private static final String SHARED = """
            (module
              (import "env" "mem" (memory 1 1 shared))
              (func (export "wait") (param i32 i64) (result i32)
                (memory.atomic.wait32 (i32.const 64) (local.get 0) (local.get 1)))
              (func (export "notify") (param i32) (result i32)
                (memory.atomic.notify (i32.const 64) (local.get 0)))
              (func (export "store") (param i32) (i32.atomic.store (i32.const 64) (local.get 0)))
              (func (export "add") (param i32) (result i32) (i32.atomic.rmw.add (i32.const 0) (local.get 0)))
              (func (export "load") (result i32) (i32.atomic.load (i32.const 0))))
            """;

    private static final String ATOMICS = """
            (module
              (memory 1 1)
              (func (export "rmw8") (param i64) (result i64)
                (i64.store (i32.const 8) (i64.const 0x1234_5678_9abc_def0))
                (i64.atomic.rmw8.add_u (i32.const 8) (local.get 0)))
              (func (export "rmw32") (result i64)
                (i64.store (i32.const 8) (i64.const -1))
                (i64.atomic.rmw32.xchg_u (i32.const 8) (i64.const 5)))
              (func (export "cmpxchg") (param i64 i64) (result i64)
                (drop (i64.atomic.rmw.cmpxchg (i32.const 16) (local.get 0) (local.get 1)))
                (atomic.fence)
                (i64.atomic.load (i32.const 16)))
              (func (export "load16") (result i32)
                (i32.store (i32.const 24) (i32.const 0xfffe))
                (i32.atomic.load16_u (i32.const 24)))
              (func (export "unaligned") (result i32) (i32.atomic.load (i32.const 1)))
              (func (export "waitUnshared") (result i32)
                (memory.atomic.wait64 (i32.const 0) (i64.const 0) (i64.const 0)))
              (func (export "mulHigh") (param i64 i64) (result i64)
                (i64.mul_wide_u (local.get 0) (local.get 1)) (local.set 0) (drop) (local.get 0))
              (func (export "addCarry") (param i64 i64) (result i64)
                (i64.add128 (local.get 0) (i64.const 0) (local.get 1) (i64.const 0)) (local.set 0) (drop)
                (local.get 0)))
            """;

    @Test
    void atomicInstructionsComputeLikeTheInterpreter() {
        for (Engine engine : new Engine[] {COMPILER, Engine.create()}) {
            Instance inst = CompilerTest.instantiate(engine, ATOMICS);
            assertThat(inst.getFunc("rmw8").orElseThrow().callI64(0x20)).isEqualTo(0xf0L);
            assertThat(inst.getFunc("rmw32").orElseThrow().callI64()).isEqualTo(0xFFFF_FFFFL);
            assertThat(inst.getFunc("cmpxchg").orElseThrow().callI64(0, 77)).isEqualTo(77L);
            assertThat(inst.getFunc("cmpxchg").orElseThrow().callI64(0, 99)).isEqualTo(77L);
            assertThat(inst.getFunc("load16").orElseThrow().callI32()).isEqualTo(0xfffe);
            assertThat(inst.getFunc("mulHigh").orElseThrow().callI64(-1L, 2L)).isEqualTo(1L);
            assertThat(inst.getFunc("addCarry").orElseThrow().callI64(-1L, 1L)).isEqualTo(1L);
            assertThatThrownBy(() -> inst.getFunc("unaligned").orElseThrow().callI32())
                    .isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(TrapKind.UNALIGNED_ATOMIC));
            assertThatThrownBy(() -> inst.getFunc("waitUnshared").orElseThrow().callI32())
                    .isInstanceOfSatisfying(Trap.class,
                            t -> assertThat(t.kind()).isEqualTo(TrapKind.EXPECTED_SHARED_MEMORY));
        }
    }

    @Test
    void waitInOneThreadIsWokenByNotifyFromAnother() throws Exception {
        Store<Void> first = Store.create(COMPILER);
        Memory mem = Memory.create(first, new MemoryType(new Limits(1, java.util.OptionalLong.of(1)), true, false,
                MemoryType.DEFAULT_PAGE_SIZE_LOG2));
        Module module = Module.fromWat(COMPILER, SHARED);
        Linker<Void> linker = Linker.<Void>create(COMPILER).define("env", "mem", mem);
        Instance waiter = linker.instantiate(first, module);
        Instance waker = linker.instantiate(Store.create(COMPILER), module);

        // Value 1 at the address: a wait expecting 0 returns "not-equal" (1) at once.
        waker.getFunc("store").orElseThrow().call(Val.i32(1));
        assertThat(waiter.getFunc("wait").orElseThrow().callI32(0, 1_000_000_000L)).isEqualTo(1);
        // Expecting 1 with a short timeout: "timed-out" (2).
        assertThat(waiter.getFunc("wait").orElseThrow().callI32(1, 1_000_000L)).isEqualTo(2);

        CompletableFuture<Integer> woken = CompletableFuture.supplyAsync(
                () -> waiter.getFunc("wait").orElseThrow().callI32(1, -1L));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int notified = 0;
        while (notified == 0 && System.nanoTime() < deadline) {
            notified = waker.getFunc("notify").orElseThrow().callI32(10);
            Thread.onSpinWait();
        }
        assertThat(notified).as("threads woken").isEqualTo(1);
        assertThat(woken.get(20, TimeUnit.SECONDS)).as("wait result: ok").isZero();
    }

    @Test
    void concurrentRmwAddsAreNotLost() throws Exception {
        Store<Void> first = Store.create(COMPILER);
        Memory mem = Memory.create(first, new MemoryType(new Limits(1, java.util.OptionalLong.of(1)), true, false,
                MemoryType.DEFAULT_PAGE_SIZE_LOG2));
        Module module = Module.fromWat(COMPILER, SHARED);
        Linker<Void> linker = Linker.<Void>create(COMPILER).define("env", "mem", mem);
        Instance a = linker.instantiate(first, module);
        Instance b = linker.instantiate(Store.create(COMPILER), module);
        Runnable adds = () -> {
            for (int i = 0; i < 20_000; i++) {
                a.getFunc("add").orElseThrow().callI32(1);
            }
        };
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 20_000; i++) {
                b.getFunc("add").orElseThrow().callI32(1);
            }
        });
        adds.run();
        other.get(60, TimeUnit.SECONDS);
        assertThat(a.getFunc("load").orElseThrow().callI32()).isEqualTo(40_000);
    }

    @Test
    void generatedClassPassesTheVerifier() {
        for (String wat : new String[] {ATOMICS, SHARED}) {
            byte[] bytes = JvmCompiler.generate(WatParser.parseModule(wat));
            StringWriter out = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(bytes), getClass().getClassLoader(), false, new PrintWriter(out));
            assertThat(out.toString()).isEmpty();
        }
    }
}
