package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.validate.ComponentValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The async canonical ABI where a call completes without suspending: {@code canon lift ... async} (no callback)
 * returning through {@code task.return}, and {@code canon lower ... async} of callees that resolve before the
 * lowered call returns ({@code RETURNED}, results in memory); the traps of CanonicalABI.md around them; a callback
 * lift that yields; a task that waits for nothing (a deadlock); synchronous exports waiting for cooperative threads
 * of their instance, and trapping when they would only wait for themselves.
 */
class AsyncAbiTest {
    final Engine engine = newEngine();

    /** The engine the core modules run on; the compiler variant of this test overrides it. */
    Engine newEngine() {
        return Engine.create();
    }

    ComponentInstance instantiate(String text) {
        var model = ComponentTextParser.parse(text);
        ComponentValidator.validate(model);
        return ComponentLinker.<Void>create(engine).instantiate(Store.create(engine), Component.fromModel(engine, model));
    }

    /**
     * A callee component C with async-lifted exports (a string through memory, a pair of u32 flat, and traps), and
     * D calling them (and a sync export of C) through async lowers.
     */
    static final String COMPONENT = """
            (component
              (component $C
                (core module $M
                  (import "" "ret-str" (func $ret-str (param i32 i32)))
                  (import "" "ret-pair" (func $ret-pair (param i32 i32)))
                  (import "" "mem" (memory 1))
                  (data (i32.const 100) "hello")
                  (func (export "greet") (call $ret-str (i32.const 100) (i32.const 5)))
                  (func (export "pair") (param i32) (call $ret-pair (local.get 0) (i32.add (local.get 0) (i32.const 1))))
                  (func (export "twice") (call $ret-str (i32.const 100) (i32.const 5))
                                          (call $ret-str (i32.const 100) (i32.const 5)))
                  (func (export "never"))
                  (func (export "wrong-type") (call $ret-pair (i32.const 1) (i32.const 2)))
                  (func (export "sync-return") (result i32) (call $ret-str (i32.const 100) (i32.const 5)) (i32.const 0))
                  (func (export "sum") (param i32 i32 i32 i32 i32) (result i32)
                    (i32.add (local.get 0) (i32.add (local.get 1) (i32.add (local.get 2)
                      (i32.add (local.get 3) (local.get 4))))))
                )
                (core module $Mem (memory (export "mem") 1))
                (core instance $mem (instantiate $Mem))
                (type $pair (tuple u32 u32))
                (core func $ret-str (canon task.return (result string) (memory (core memory $mem "mem"))))
                (core func $ret-pair (canon task.return (result $pair)))
                (core instance $m (instantiate $M (with "" (instance
                  (export "mem" (memory $mem "mem"))
                  (export "ret-str" (func $ret-str))
                  (export "ret-pair" (func $ret-pair))))))
                (func (export "greet") async (result string)
                  (canon lift (core func $m "greet") async (memory (core memory $mem "mem"))))
                (func (export "pair") async (param "x" u32) (result $pair)
                  (canon lift (core func $m "pair") async))
                (func (export "twice") async (result string)
                  (canon lift (core func $m "twice") async (memory (core memory $mem "mem"))))
                (func (export "never") async (result string)
                  (canon lift (core func $m "never") async (memory (core memory $mem "mem"))))
                (func (export "wrong-type") async (result string)
                  (canon lift (core func $m "wrong-type") async (memory (core memory $mem "mem"))))
                (func (export "sync-return") (result u32) (canon lift (core func $m "sync-return")))
                (func (export "sum") async (param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32)
                  (result u32) (canon lift (core func $m "sum")))
              )
              (instance $c (instantiate $C))
              (component $D
                (import "c" (instance $c
                  (type $pair (tuple u32 u32))
                  (export "pair" (func async (param "x" u32) (result $pair)))
                  (export "greet" (func async (result string)))
                  (export "sum" (func async (param "a" u32) (param "b" u32) (param "c" u32) (param "d" u32) (param "e" u32)
                    (result u32)))))
                (core module $Memory
                  (memory (export "mem") 1)
                  (global $bump (mut i32) (i32.const 1024))
                  (func (export "realloc") (param i32 i32 i32 i32) (result i32)
                    (global.get $bump) (global.set $bump (i32.add (global.get $bump) (local.get 3)))))
                (core instance $memory (instantiate $Memory))
                (core func $pair (canon lower (func $c "pair") async (memory (core memory $memory "mem"))))
                (core func $greet (canon lower (func $c "greet") async (memory (core memory $memory "mem"))
                  (realloc (core func $memory "realloc"))))
                (core func $sum (canon lower (func $c "sum") async (memory (core memory $memory "mem"))))
                (core module $Main
                  (import "" "mem" (memory 1))
                  (import "" "pair" (func $pair (param i32 i32) (result i32)))
                  (import "" "greet" (func $greet (param i32) (result i32)))
                  (import "" "sum" (func $sum (param i32 i32) (result i32)))
                  ;; (x, x + 1) written at 16: returns x + (x + 1) if the call RETURNED, else -1
                  (func (export "pair-sum") (param $x i32) (result i32)
                    (if (i32.ne (call $pair (local.get $x) (i32.const 16)) (i32.const 2)) (then (return (i32.const -1))))
                    (i32.add (i32.load (i32.const 16)) (i32.load (i32.const 20))))
                  ;; the string's (ptr, len) at 32: returns its length
                  (func (export "greet-len") (result i32)
                    (if (i32.ne (call $greet (i32.const 32)) (i32.const 2)) (then (return (i32.const -1))))
                    (i32.load (i32.const 36)))
                  ;; five params do not fit MAX_FLAT_ASYNC_PARAMS = 4: they go through memory at 64, the result to 96
                  (func (export "sum5") (result i32)
                    (i32.store (i32.const 64) (i32.const 1)) (i32.store (i32.const 68) (i32.const 2))
                    (i32.store (i32.const 72) (i32.const 3)) (i32.store (i32.const 76) (i32.const 4))
                    (i32.store (i32.const 80) (i32.const 5))
                    (if (i32.ne (call $sum (i32.const 64) (i32.const 96)) (i32.const 2)) (then (return (i32.const -1))))
                    (i32.load (i32.const 96)))
                )
                (core instance $main (instantiate $Main (with "" (instance
                  (export "mem" (memory $memory "mem"))
                  (export "pair" (func $pair))
                  (export "greet" (func $greet))
                  (export "sum" (func $sum))))))
                (func (export "pair-sum") (param "x" u32) (result u32) (canon lift (core func $main "pair-sum")))
                (func (export "greet-len") (result u32) (canon lift (core func $main "greet-len")))
                (func (export "sum5") (result u32) (canon lift (core func $main "sum5")))
              )
              (instance $d (instantiate $D (with "c" (instance $c))))
              (export "c" (instance $c))
              (export "d" (instance $d))
            )
            """;

    private static ComponentFunc func(ComponentInstance i, String instance, String name) {
        return i.getFunc(instance, name).orElseThrow();
    }

    @Test
    void asyncLiftedExportsReturnThroughTaskReturn() {
        ComponentInstance i = instantiate(COMPONENT);
        assertThat(func(i, "c", "greet").call()).containsExactly(ComponentValue.string("hello"));
        assertThat(func(i, "c", "pair").call(ComponentValue.u32(7))).containsExactly(
                new ComponentValue.TupleValue(List.of(ComponentValue.u32(7), ComponentValue.u32(8))));
    }

    @Test
    void asyncLowersOfCalleesThatResolveReturnReturnedWithResultsInMemory() {
        ComponentInstance i = instantiate(COMPONENT);
        // an async-lifted callee, flat result tuple stored at the result pointer
        assertThat(func(i, "d", "pair-sum").call(ComponentValue.u32(20))).containsExactly(ComponentValue.u32(41));
        // a string result: copied into the caller's memory through its realloc
        assertThat(func(i, "d", "greet-len").call()).containsExactly(ComponentValue.u32(5));
        // a sync lift of an async type (only async types may be lowered async); parameters through memory
        assertThat(func(i, "d", "sum5").call()).containsExactly(ComponentValue.u32(15));
    }

    @Test
    void taskReturnTrapsAsCanonicalAbiSays() {
        assertThatThrownBy(() -> func(instantiate(COMPONENT), "c", "twice").call()).isInstanceOf(Trap.class)
                .hasMessageContaining("task.return called more than once");
        assertThatThrownBy(() -> func(instantiate(COMPONENT), "c", "never").call()).isInstanceOf(Trap.class)
                .hasMessageContaining("async-lifted export failed to produce a result");
        assertThatThrownBy(() -> func(instantiate(COMPONENT), "c", "wrong-type").call()).isInstanceOf(Trap.class)
                .hasMessageContaining("invalid `task.return` signature and/or options for current task");
        assertThatThrownBy(() -> func(instantiate(COMPONENT), "c", "sync-return").call()).isInstanceOf(Trap.class)
                .hasMessageContaining("task.return called outside an async-lifted function");
    }

    @Test
    void callbackLiftsYieldUntilTheyReturnAndWaitingForNothingIsADeadlock() {
        ComponentInstance i = instantiate("""
                (component
                  (core module $M
                    (import "" "task.return" (func $ret (param i32)))
                    (import "" "waitable-set.new" (func $ws (result i32)))
                    (import "" "waitable-set.wait" (func $wait (param i32 i32) (result i32)))
                    (memory (export "mem") 1)
                    (global $n (mut i32) (i32.const 0))
                    (func (export "cb-entry") (result i32) (i32.const 1 (; YIELD ;)))
                    (func (export "cb") (param i32 i32 i32) (result i32)
                      (global.set $n (i32.add (global.get $n) (i32.const 1)))
                      (if (result i32) (i32.lt_u (global.get $n) (i32.const 3))
                        (then (i32.const 1))
                        (else (call $ret (global.get $n)) (i32.const 0 (; EXIT ;)))))
                    (func (export "wait") (drop (call $wait (call $ws) (i32.const 0)))))
                  (core module $Mem (memory (export "mem") 1))
                  (core instance $mem (instantiate $Mem))
                  (core func $ret (canon task.return (result u32)))
                  (core func $ws (canon waitable-set.new))
                  (core func $wait (canon waitable-set.wait (memory (core memory $mem "mem"))))
                  (core instance $m (instantiate $M (with "" (instance (export "task.return" (func $ret))
                    (export "waitable-set.new" (func $ws)) (export "waitable-set.wait" (func $wait))))))
                  (func (export "count") async (result u32)
                    (canon lift (core func $m "cb-entry") async (callback (core func $m "cb"))))
                  (func (export "wait") async (canon lift (core func $m "wait") async)))
                """);
        assertThat(i.getFunc("count").orElseThrow().call()).containsExactly(ComponentValue.u32(3));
        assertThatThrownBy(() -> i.getFunc("wait").orElseThrow().call()).isInstanceOf(Trap.class)
                .hasMessageContaining("deadlock detected: event loop cannot make further progress");
    }

    /**
     * A synchronous export may block while another thread of its instance can run (CanonicalABI.md's
     * {@code canon_lift} loop for non-async-typed calls): it starts a cooperative worker thread, suspends until the
     * worker (which yields in between) has summed 1..n and resumed it, then returns the sum. A worker that suspends
     * without resuming it leaves no thread of the component waiting: the synchronous task would wait for itself,
     * which traps at once.
     */
    @Test
    void synchronousExportsMayWaitForCooperativeThreadsOfTheirInstance() {
        ComponentInstance i = instantiate("""
                (component
                  (core module $Table (table (export "table") 2 funcref))
                  (core instance $table (instantiate $Table))
                  (core module $M
                    (import "" "thread.new-indirect" (func $new (param i32 i32) (result i32)))
                    (import "" "thread.resume-later" (func $resume-later (param i32)))
                    (import "" "thread.suspend" (func $suspend (result i32)))
                    (import "" "thread.yield" (func $yield (result i32)))
                    (import "" "thread.index" (func $index (result i32)))
                    (import "" "table" (table 2 funcref))
                    (global $caller (mut i32) (i32.const 0))
                    (global $sum (mut i32) (i32.const 0))
                    ;; sums 1..n, yielding after each step, then makes the caller ready again
                    (func $worker (param $n i32)
                      (block $done (loop $next
                        (br_if $done (i32.eqz (local.get $n)))
                        (global.set $sum (i32.add (global.get $sum) (local.get $n)))
                        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                        (drop (call $yield))
                        (br $next)))
                      (call $resume-later (global.get $caller)))
                    ;; never resumes the caller
                    (func $stuck (param i32) (drop (call $suspend)))
                    (elem (i32.const 0) func $worker $stuck)
                    (func (export "sum") (param $n i32) (result i32)
                      (global.set $sum (i32.const 0))
                      (global.set $caller (call $index))
                      (call $resume-later (call $new (i32.const 0) (local.get $n)))
                      (drop (call $suspend))
                      (global.get $sum))
                    (func (export "stuck")
                      (call $resume-later (call $new (i32.const 1) (i32.const 0)))
                      (drop (call $suspend))))
                  (core type $start (func (param i32)))
                  (core func $new (canon thread.new-indirect $start (core table $table "table")))
                  (core func $resume-later (canon thread.resume-later))
                  (core func $suspend (canon thread.suspend))
                  (core func $yield (canon thread.yield))
                  (core func $index (canon thread.index))
                  (core instance $m (instantiate $M (with "" (instance
                    (export "thread.new-indirect" (func $new)) (export "thread.resume-later" (func $resume-later))
                    (export "thread.suspend" (func $suspend)) (export "thread.yield" (func $yield))
                    (export "thread.index" (func $index)) (export "table" (table $table "table"))))))
                  (func (export "sum") (param "n" u32) (result u32) (canon lift (core func $m "sum")))
                  (func (export "stuck") (canon lift (core func $m "stuck"))))
                """);
        assertThat(i.getFunc("sum").orElseThrow().call(ComponentValue.u32(10))).containsExactly(ComponentValue.u32(55));
        assertThat(i.getFunc("sum").orElseThrow().call(ComponentValue.u32(3))).containsExactly(ComponentValue.u32(6));
        assertThatThrownBy(() -> i.getFunc("stuck").orElseThrow().call()).isInstanceOf(Trap.class)
                .hasMessageContaining("cannot block a synchronous task before returning");
    }

    @Test
    void aSynchronousExportThatWouldOnlyWaitForItselfTraps() {
        ComponentInstance i = instantiate("""
                (component
                  (core module $M
                    (import "" "thread.suspend" (func $suspend (result i32)))
                    (func (export "alone") (drop (call $suspend))))
                  (core func $suspend (canon thread.suspend))
                  (core instance $m (instantiate $M (with "" (instance (export "thread.suspend" (func $suspend))))))
                  (func (export "alone") (canon lift (core func $m "alone"))))
                """);
        assertThatThrownBy(() -> i.getFunc("alone").orElseThrow().call()).isInstanceOf(Trap.class)
                .hasMessageContaining("cannot block a synchronous task before returning");
    }
}
