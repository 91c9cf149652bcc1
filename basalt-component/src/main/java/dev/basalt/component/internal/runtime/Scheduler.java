package dev.basalt.component.internal.runtime;

import dev.basalt.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

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
    final Store<?> store;
    final List<CmThread> waiting = new ArrayList<>();
    /** The running thread ({@code current_thread()}); null while the host runs. */
    CmThread current;
    /**
     * Work the host posts from any Java thread (completions of async host calls, host-side stream and future
     * operations; see {@link HostAsync}); the event loop runs it between guest turns, on the thread that drives
     * the store.
     */
    private final LinkedBlockingQueue<Runnable> hostWork = new LinkedBlockingQueue<>();
    /**
     * Host-side activity that may still post work: async host calls in flight and stream/future ends the host
     * holds. While it is positive, an event loop with nothing ready waits for posted work instead of reporting
     * a deadlock.
     */
    final AtomicInteger hostActivity = new AtomicInteger();

    private Scheduler(Store<?> store) {
        this.store = store;
    }

    /** The store's scheduler, kept in the store (and so collected with it). */
    static Scheduler of(Store<?> store) {
        return store.extension(Scheduler.class, Scheduler::new);
    }

    /**
     * Threads whose Java thread has started and not ended. Each runs on a virtual thread of {@link #threadStarter}:
     * a virtual thread started on its own is tracked by the JVM's root thread container, so a parked one would keep
     * its stack, its store and every instance in it alive forever; threads of an executor are tracked by that
     * executor, which the store alone refers to, so a store no longer used is collected with its parked threads.
     */
    final java.util.Set<CmThread> started = new java.util.LinkedHashSet<>();
    private java.util.concurrent.ExecutorService threadStarter;
    /** Host entries into this store's component code in progress ({@link #fromHost}). */
    private int hostDepth;

    Thread startThread(CmThread thread) {
        if (threadStarter == null) {
            threadStarter = java.util.concurrent.Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("basalt-component-thread").factory());
        }
        started.add(thread);
        java.util.concurrent.CompletableFuture<Thread> javaThread = new java.util.concurrent.CompletableFuture<>();
        threadStarter.execute(() -> {
            javaThread.complete(Thread.currentThread());
            thread.base();
        });
        return javaThread.join();
    }

    /** How many component threads have a live Java thread (for tests and diagnostics). */
    int liveThreads() {
        int n = 0;
        for (CmThread t : started) {
            if (!t.done()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Runs a host entry into this store's components ({@code ComponentFunc.call}, the event loop). When a trap
     * leaves the outermost one, no guest code is running, so every instance that cannot be entered has trapped:
     * the threads of its tasks still waiting would wait forever, parked, so they are ended.
     */
    <R> R fromHost(java.util.function.Supplier<R> body) {
        hostDepth++;
        boolean trapped = true;
        try {
            R r = body.get();
            trapped = false;
            return r;
        } finally {
            hostDepth--;
            if (trapped && hostDepth == 0) {
                endThreadsOfTrappedInstances();
            }
        }
    }

    private void endThreadsOfTrappedInstances() {
        for (CmThread t : List.copyOf(started)) {
            if (!t.task.inst.mayEnterFrom(null)) {
                t.end();
            }
        }
        for (CmThread t : List.copyOf(waiting)) {
            if (!t.task.inst.mayEnterFrom(null)) {
                t.end();
            }
        }
    }

    /**
     * Whether a thread of the component instance tree under {@code root} waits (ready or not): something in that
     * component could still run. See {@link Task#mayBlock}.
     */
    boolean anyWaitingUnder(RuntimeInstance root) {
        for (CmThread t : waiting) {
            if (t.task.inst.root() == root) {
                return true;
            }
        }
        return false;
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
        Runnable work = hostWork.poll();
        if (work != null) {
            work.run();
            return true;
        }
        for (CmThread t : waiting) {
            // an inline thread waits only inside its own synchronous call (CmThread.blockInline)
            if (t.ready() && !t.inline()) {
                List<RuntimeInstance> entered = t.task.inst.enter(null);
                t.resume(false);
                RuntimeInstance.leave(entered);
                return true;
            }
        }
        return false;
    }

    /**
     * Runs a core instance's instantiation (its start function) in {@code inst} as a synchronous task: the start
     * function runs on an implicit thread that may not block (CanonicalABI.md: core instantiation is a
     * synchronous call), so built-ins it calls find a current thread and blocking traps with "cannot block a
     * synchronous task before returning".
     */
    static <T> T runStart(RuntimeInstance inst, java.util.function.Supplier<T> instantiate) {
        Scheduler sched = inst.sched;
        CmThread outer = sched.current;
        sched.current = new CmThread(sched, new Task(inst), null, true);
        try {
            return instantiate.get();
        } finally {
            sched.current = outer;
        }
    }

    static final String DEADLOCK = "deadlock detected: event loop cannot make further progress";

    /** Queues host work for the event loop (any thread). */
    void post(Runnable work) {
        hostWork.add(work);
    }

    /**
     * Runs the event loop until {@code done} holds; traps when nothing can run before that and the host holds
     * nothing that could post work, else waits for the host's work.
     */
    void runUntil(java.util.function.BooleanSupplier done) {
        while (!done.getAsBoolean()) {
            if (!tick()) {
                Traps.trapIf(hostActivity.get() <= 0, DEADLOCK);
                // a wait for the host on the guest's behalf: the store's interrupt and deadline end it (a trap)
                Runnable work;
                try (Store.BlockingCall call = store.enterBlockingCall()) {
                    try {
                        work = hostWork.take();
                    } catch (InterruptedException e) {
                        throw call.interrupted();
                    }
                }
                work.run();
            }
        }
    }
}
