package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.runtime.StoreState;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interruption of compiled code: loop headers read the store's interrupt flag only while some store has an
 * interrupt pending (a JIT constant, see {@link StoreState#anyInterruptPending}), and then as a plain field, so these
 * tests check that an interrupt or deadline still stops a loop that has been running (and JIT-compiled) for a while,
 * again and again, also while another store has one pending, and that stores do not see each other's interrupts.
 */
// A loop that never sees its interrupt must fail the test, not hang the build: a thread interrupt does not stop
// a spinning compiled loop, so the timeout runs the test on a thread of its own and abandons it.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class InterruptCompilerTest {
    // A loop whose body loads from memory and a global: the loads HotSpot may hoist once no barrier is in the way.
    private static final String SPIN = """
            (module
              (memory 1)
              (global $g (mut i32) (i32.const 0))
              (func (export "spin")
                (loop $l
                  (global.set $g (i32.add (global.get $g) (i32.load (i32.const 16))))
                  (br $l)))
              (func (export "countdown") (param $n i32) (result i32)
                (loop $top
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $top (local.get $n)))
                (local.get $n))
              (func (export "sum") (param $n i32) (result i32) (local $acc i32)
                (block $out (loop $top
                  (br_if $out (i32.eqz (local.get $n)))
                  (local.set $acc (i32.add (local.get $acc) (local.get $n)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br $top)))
                (local.get $acc)))
            """;

    private static final Module MODULE = Module.fromWat(CompilerTest.COMPILER, SPIN);

    private static Instance instantiate(Store<Void> store) {
        return Linker.<Void>create(CompilerTest.COMPILER).instantiate(store, MODULE);
    }

    private static void assertTrap(Runnable r, TrapKind kind) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(Trap.class, t -> assertThat(t.kind()).isEqualTo(kind));
    }

    @Test
    void interruptStopsALongRunningCompiledLoopEveryTime() {
        Store<Void> store = Store.create(CompilerTest.COMPILER);
        Instance inst = instantiate(store);
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
        try {
            // Several rounds: the loop runs long enough to be JIT-compiled with no interrupt pending anywhere, then
            // the flag flips (deoptimising it), the trap clears it again, and the next round must still stop.
            for (int round = 0; round < 4; round++) {
                exec.schedule(store::interrupt, 300, TimeUnit.MILLISECONDS);
                long start = System.nanoTime();
                assertTrap(() -> inst.getFunc("spin").orElseThrow().call(), TrapKind.INTERRUPTED);
                assertThat((System.nanoTime() - start) / 1_000_000).as("round %d, ms", round).isLessThan(10_000);
                assertThat(inst.getFunc("sum").orElseThrow().callI32(100)).isEqualTo(5050);
            }
        } finally {
            exec.shutdownNow();
        }
    }

    /**
     * While another store has an interrupt pending, checkpoints read the store's flag as a plain field, which HotSpot
     * hoists out of a loop whose check has never fired. A request must still stop that loop: it re-targets the
     * pending flag, deoptimising the loop. The loop is warmed up in the pending state without ever seeing an
     * interrupt, then counts down from 2^32 - 1 (seconds of work): a loop that missed the interrupt returns instead
     * of trapping (without the re-targeting it did).
     */
    @Test
    void interruptStopsACompiledLoopWhileAnotherStoreHasOnePending() {
        Store<Void> idle = Store.create(CompilerTest.COMPILER);
        idle.interrupt(); // never runs: keeps the flag up for the whole test
        Store<Void> store = Store.create(CompilerTest.COMPILER);
        Instance inst = instantiate(store);
        ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 1_000; i++) {
                    assertThat(inst.getFunc("countdown").orElseThrow().callI32(100_000)).isZero();
                }
                assertThat(StoreState.anyInterruptPending()).isTrue();
                exec.schedule(store::interrupt, 100, TimeUnit.MILLISECONDS);
                assertTrap(() -> inst.getFunc("countdown").orElseThrow().callI32(-1), TrapKind.INTERRUPTED);
            }
            // The idle store's interrupt is still pending: its next call traps.
            assertTrap(() -> instantiate(idle).getFunc("sum").orElseThrow().callI32(1), TrapKind.INTERRUPTED);
        } finally {
            exec.shutdownNow();
            idle.clearInterrupt();
        }
    }

    @Test
    void deadlineStopsACompiledLoop() {
        Store<Void> store = Store.create(CompilerTest.COMPILER);
        Instance inst = instantiate(store);
        for (int round = 0; round < 2; round++) {
            store.setDeadline(Duration.ofMillis(200));
            assertTrap(() -> inst.getFunc("spin").orElseThrow().call(), TrapKind.DEADLINE_EXCEEDED);
        }
        assertThat(inst.getFunc("sum").orElseThrow().callI32(3)).isEqualTo(6);
    }

    @Test
    void aPendingInterruptTrapsTheNextCallOnlyOnItsOwnStore() {
        Store<Void> interrupted = Store.create(CompilerTest.COMPILER);
        Store<Void> other = Store.create(CompilerTest.COMPILER);
        Instance a = instantiate(interrupted);
        Instance b = instantiate(other);
        interrupted.interrupt();
        assertThat(StoreState.anyInterruptPending()).isTrue();
        // The flag is global, the interrupt is not: the other store runs to completion.
        assertThat(b.getFunc("sum").orElseThrow().callI32(10)).isEqualTo(55);
        assertTrap(() -> a.getFunc("sum").orElseThrow().callI32(10), TrapKind.INTERRUPTED);
        // The trap consumed it.
        assertThat(a.getFunc("sum").orElseThrow().callI32(10)).isEqualTo(55);

        interrupted.interrupt();
        interrupted.clearInterrupt();
        assertThat(a.getFunc("sum").orElseThrow().callI32(4)).isEqualTo(10);
    }

    // Counts to $n; at iteration $at it calls the host, which turns fuel on for the calling store.
    private static final String FUEL_LATER = """
            (module
              (import "env" "fuelOn" (func $fuelOn))
              (func (export "count") (param $n i32) (param $at i32) (result i32) (local $i i32)
                (loop $top
                  (if (i32.eq (local.get $i) (local.get $at)) (then (call $fuelOn)))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $top (i32.lt_u (local.get $i) (local.get $n))))
                (local.get $i)))
            """;

    /**
     * Until some store turns fuel on, compiled checkpoints do not count fuel (see
     * {@link StoreState#checkpointsArmed}). A host function turning it on in the middle of a long, JIT-compiled loop
     * must make that very loop count from then on and run out. (When another test of this JVM turned fuel on first,
     * the checkpoints are armed already and this checks plain fuel counting.)
     */
    @Test
    void fuelTurnedOnByAHostFunctionMidLoopRunsOut() {
        Module module = Module.fromWat(CompilerTest.COMPILER, FUEL_LATER);
        for (int round = 0; round < 3; round++) {
            Store<Void> store = Store.create(CompilerTest.COMPILER);
            Linker<Void> linker = Linker.create(CompilerTest.COMPILER);
            linker.defineHostFunction("env", "fuelOn", dev.basalt.FuncType.of(java.util.List.of(), java.util.List.of()),
                    (caller, args) -> {
                        store.setFuel(1_000);
                        return new dev.basalt.Val[0];
                    });
            Instance inst = linker.instantiate(store, module);
            // Warm the loop up without reaching the call (it runs with whatever the flag was), then turn fuel on
            // halfway through a long run.
            assertThat(inst.getFunc("count").orElseThrow().callI32(20_000_000, -1)).isEqualTo(20_000_000);
            assertThat(store.getFuel()).isEmpty();
            assertTrap(() -> inst.getFunc("count").orElseThrow().callI32(2_000_000_000, 10_000_000),
                    TrapKind.OUT_OF_FUEL);
            assertThat(store.getFuel()).hasValue(0);
            assertThat(StoreState.checkpointsArmed()).isTrue();
        }
    }

    @Test
    void fuelStillRunsOutWithNoInterruptPending() {
        Store<Void> store = Store.create(CompilerTest.COMPILER);
        Instance inst = instantiate(store);
        store.setFuel(1_000_000);
        assertTrap(() -> inst.getFunc("spin").orElseThrow().call(), TrapKind.OUT_OF_FUEL);
        assertThat(store.getFuel()).hasValue(0);
    }
}
