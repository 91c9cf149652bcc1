package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.component.internal.runtime.HostAsync;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.validate.ComponentValidator;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

/**
 * What happens to a task still waiting after its call returned: its thread stays parked (it may run on when the
 * store's event loop runs again), but it does not keep a store nobody uses alive, and it ends when its component
 * instance traps (that instance can never run again).
 */
class TaskTeardownTest {
    final Engine engine = newEngine();

    /** The engine the core modules run on; the compiler variant of this test overrides it. */
    Engine newEngine() {
        return Engine.create();
    }

    /** {@code linger} returns, then waits for a future nobody writes; {@code boom} traps. */
    static final String GUEST = """
            (component
              (core module $Mem (memory (export "mem") 1))
              (core instance $mem (instantiate $Mem))
              (type $FT (future u32))
              (core func $future.new (canon future.new $FT))
              (core func $future.read (canon future.read $FT (memory (core memory $mem "mem"))))
              (core func $ret (canon task.return))
              (core module $M
                (import "" "future.new" (func $future.new (result i64)))
                (import "" "future.read" (func $future.read (param i32 i32) (result i32)))
                (import "" "ret" (func $ret))
                (func (export "linger")
                  (local $pair i64)
                  (call $ret)
                  (local.set $pair (call $future.new))
                  (drop (call $future.read (i32.wrap_i64 (local.get $pair)) (i32.const 0))))
                (func (export "boom") unreachable))
              (core instance $m (instantiate $M (with "" (instance
                (export "future.new" (func $future.new))
                (export "future.read" (func $future.read))
                (export "ret" (func $ret))))))
              (func (export "linger") async (canon lift (core func $m "linger") async))
              (func (export "boom") (canon lift (core func $m "boom")))
            )
            """;

    final Component component = component();

    Component component() {
        var model = ComponentTextParser.parse(GUEST);
        ComponentValidator.validate(model);
        return Component.fromModel(engine, model);
    }

    ComponentInstance instantiate(Store<Void> store) {
        return ComponentLinker.<Void>create(engine).instantiate(store, component);
    }

    @Test
    void aTaskStillWaitingAfterItsCallReturnedDoesNotKeepItsStoreAlive() throws InterruptedException {
        WeakReference<Store<Void>> store = lingerThreeTimes();
        for (int i = 0; i < 100 && store.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(store.get()).as("the store, only referred to by its parked component threads").isNull();
    }

    private WeakReference<Store<Void>> lingerThreeTimes() {
        Store<Void> store = Store.create(engine);
        ComponentFunc linger = instantiate(store).getFunc("linger").orElseThrow();
        for (int i = 0; i < 3; i++) {
            assertThat(linger.call()).isEmpty();
        }
        assertThat(HostAsync.liveThreads(store)).as("parked lingering tasks").isEqualTo(3);
        return new WeakReference<>(store);
    }

    @Test
    void theWaitingThreadsOfATrappedInstanceEndAndOtherInstancesKeepTheirs() {
        Store<Void> store = Store.create(engine);
        ComponentInstance trapping = instantiate(store);
        ComponentInstance other = instantiate(store);
        trapping.getFunc("linger").orElseThrow().call();
        trapping.getFunc("linger").orElseThrow().call();
        other.getFunc("linger").orElseThrow().call();
        assertThat(HostAsync.liveThreads(store)).isEqualTo(3);

        assertThatThrownBy(() -> trapping.getFunc("boom").orElseThrow().call())
                .isInstanceOf(Trap.class).hasMessageContaining("unreachable");
        assertThat(HostAsync.liveThreads(store)).as("only the other instance's task is left").isEqualTo(1);
        assertThatThrownBy(() -> trapping.getFunc("linger").orElseThrow().call())
                .isInstanceOf(Trap.class).hasMessageContaining("cannot enter component instance");

        // the other instance still runs, and its parked task is still there
        other.getFunc("linger").orElseThrow().call();
        assertThat(HostAsync.liveThreads(store)).isEqualTo(2);
    }
}
