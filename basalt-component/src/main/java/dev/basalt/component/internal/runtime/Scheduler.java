package dev.basalt.component.internal.runtime;

import dev.basalt.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The component-model side of a {@link Store} (CanonicalABI.md {@code Store}): the threads waiting for something
 * ({@code waiting}), the thread running now ({@code current_thread()}), and {@code tick}, one step of the host's
 * event loop. One per store, shared by all component instances in it.
 *
 * <p>Only one component thread runs at a time. Threads of async-typed tasks (which may block) run on their own Java
 * virtual thread and take turns with their resumer through {@link CmThread#resume}; each gets its own Wasm
 * execution stack in the store ({@link Store#swapExecutionStack}), swapped in by the resumer while it waits. Virtual
 * threads rather than platform threads because a suspended task then holds no OS thread and costs a few KB, and
 * handing control over is a park/unpark; the JVM has no continuations an embedder may use directly.
 */
final class Scheduler {
    private static final Map<Store<?>, Scheduler> SCHEDULERS = new WeakHashMap<>();

    final Store<?> store;
    final List<CmThread> waiting = new ArrayList<>();
    /** The running thread ({@code current_thread()}); null while the host runs. */
    CmThread current;

    private Scheduler(Store<?> store) {
        this.store = store;
    }

    static Scheduler of(Store<?> store) {
        synchronized (SCHEDULERS) {
            return SCHEDULERS.computeIfAbsent(store, Scheduler::new);
        }
    }

    CmThread current() {
        CmThread t = current;
        if (t == null) {
            throw new IllegalStateException("no component thread is running");
        }
        return t;
    }

    /**
     * {@code Store.tick}: resumes one waiting thread that is ready (the longest waiting first), entering its instance
     * from the host. Returns false when no thread is ready: the event loop cannot make progress.
     */
    boolean tick() {
        for (CmThread t : waiting) {
            if (t.ready()) {
                List<RuntimeInstance> entered = t.task.inst.enter(null);
                t.resume(false);
                RuntimeInstance.leave(entered);
                return true;
            }
        }
        return false;
    }

    static final String DEADLOCK = "deadlock detected: event loop cannot make further progress";

    /** Runs the event loop until {@code done} holds; traps when nothing can run before that. */
    void runUntil(java.util.function.BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            Traps.trapIf(!tick(), DEADLOCK);
        }
    }
}
