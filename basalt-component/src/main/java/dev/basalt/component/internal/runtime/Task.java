package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentFuncType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The callee side of a call (CanonicalABI.md {@code Task}): the borrows lowered into it and, for calls that go
 * through the concurrency machinery, its function type, options, instance, the caller's {@code on_start} /
 * {@code on_resolve}, its state and its threads. A plain synchronous call ({@link LiftedFunc}) uses only the
 * borrow count and {@link #state}.
 */
public final class Task {
    enum State { INITIAL, STARTED, PENDING_CANCEL, CANCEL_DELIVERED, RESOLVED }

    int numBorrows;
    final ComponentFuncType ft;
    final AbiOptions opts;
    /** {@code opts.async_} and {@code opts.callback} of the lift. */
    final boolean asyncOpts;
    final dev.basalt.Func callback;
    final RuntimeInstance inst;
    private final Supplier<Lifted> onStart;
    private final Consumer<Lifted> onResolve;
    State state = State.INITIAL;
    CmThread implicitThread;
    final List<CmThread> threads = new ArrayList<>(1);

    /** The task of a synchronous call into {@code inst} (of a function type that is not async: it never blocks). */
    Task(RuntimeInstance inst) {
        this(null, null, false, null, inst, null, null);
    }

    Task(ComponentFuncType ft, AbiOptions opts, boolean asyncOpts, dev.basalt.Func callback, RuntimeInstance inst,
            Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
        this.ft = ft;
        this.opts = opts;
        this.asyncOpts = asyncOpts;
        this.callback = callback;
        this.inst = inst;
        this.onStart = onStart;
        this.onResolve = onResolve;
    }

    /**
     * Whether this task's threads may block (or call an async-typed function synchronously): tasks of async function
     * types, any task once it has returned its value, and a synchronous task while some other thread of its
     * component waits (CanonicalABI.md's {@code canon_lift}: a non-async-typed call whose thread blocks lets the
     * ready threads of its instance run until it is resumed; see {@link CmThread#blockInline}). With no thread of
     * its component waiting, nothing could run in its place: the task would wait for itself, which traps at once
     * with wasmtime's "cannot block a synchronous task before returning" (the suite's trap-if-block-and-sync.wast);
     * a block that finds only threads that may not run during the call traps with "deadlock detected" (the
     * during-sync-call-* scripts).
     */
    boolean mayBlock() {
        return (ft != null && ft.async()) || state == State.RESOLVED || inst.sched.anyWaitingUnder(inst.root());
    }

    boolean needsExclusive() {
        return !asyncOpts || callback != null;
    }

    private boolean hasBackpressure() {
        return inst.backpressure > 0 || (needsExclusive() && inst.exclusiveThread != null);
    }

    boolean enterImplicitThread(CmThread thread) {
        implicitThread = thread;
        if (ft.async()) {
            if (hasBackpressure() || inst.numWaitingToEnter > 0) {
                inst.numWaitingToEnter++;
                boolean cancelled = thread.waitUntil(() -> !hasBackpressure(), true);
                inst.numWaitingToEnter--;
                if (cancelled) {
                    cancel();
                    return false;
                }
            }
            if (needsExclusive()) {
                inst.exclusiveThread = thread;
            }
        }
        registerThread(thread);
        return true;
    }

    void registerThread(CmThread thread) {
        threads.add(thread);
        thread.index = inst.threads.add(thread);
    }

    void exitImplicitThread() {
        unregisterThread(implicitThread);
        if (ft.async() && needsExclusive()) {
            inst.exclusiveThread = null;
        }
    }

    void unregisterThread(CmThread thread) {
        threads.remove(thread);
        if (threads.isEmpty()) {
            Traps.trapIf(state != State.RESOLVED, "async-lifted export failed to produce a result");
        }
        inst.threads.removeAny(thread.index);
    }

    /** {@code Task.request_cancellation}: the caller's {@code subtask.cancel}. */
    void requestCancellation(RuntimeInstance caller) {
        if (state == State.INITIAL) {
            state = State.CANCEL_DELIVERED;
            implicitThread.resume(true);
            return;
        }
        CmThread candidate = null;
        for (CmThread t : threads) {
            if (t.cancellable && !t.running()
                    && !(t == implicitThread && needsExclusive() && inst.exclusiveThread != null
                            && inst.exclusiveThread != implicitThread)) {
                candidate = t;
                break;
            }
        }
        if (candidate != null && inst.mayEnterFrom(caller)) {
            state = State.CANCEL_DELIVERED;
            List<RuntimeInstance> entered = inst.enter(caller);
            candidate.resume(true);
            RuntimeInstance.leave(entered);
        } else {
            state = State.PENDING_CANCEL;
        }
    }

    boolean deliverPendingCancel(boolean cancellable) {
        if (cancellable && state == State.PENDING_CANCEL) {
            state = State.CANCEL_DELIVERED;
            return true;
        }
        return false;
    }

    Lifted start() {
        state = State.STARTED;
        return onStart.get();
    }

    void returnValue(Lifted result) {
        Traps.trapIf(state == State.RESOLVED, "task.return called more than once by the current task");
        Traps.trapIf(numBorrows > 0, Traps.BORROWS_REMAIN);
        onResolve.accept(result);
        state = State.RESOLVED;
    }

    void cancel() {
        Traps.trapIf(state != State.CANCEL_DELIVERED, "`task.cancel` called without a cancellation request delivered");
        Traps.trapIf(numBorrows > 0, Traps.BORROWS_REMAIN);
        onResolve.accept(null);
        state = State.RESOLVED;
    }
}
