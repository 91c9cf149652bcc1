package dev.basalt.component.internal.runtime;

import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * CanonicalABI.md {@code Thread}: a component-model thread of a {@link Task}, with its {@code ready_func} while it
 * waits, whether it may be cancelled where it blocked, its index in the instance's thread table and its two
 * {@code context.get/set} slots.
 *
 * <p>Stack switching ({@code cont_new}, {@code resume}, {@code block}) is done as CanonicalABI.md's Python does it,
 * with one Java (virtual) thread per continuation and a semaphore hand-off so that exactly one of them runs; see
 * {@link Scheduler}. An <em>inline</em> thread (the implicit thread of a task whose function type is not async,
 * whose call must come back to it before it returns) runs directly on its caller's Java thread; when it blocks it
 * runs the threads that may run meanwhile nested on that Java thread ({@link #blockInline}).
 */
final class CmThread {
    final Scheduler sched;
    final Task task;
    private final Runnable body;
    private final boolean inline;
    BooleanSupplier readyFunc;
    boolean cancellable;
    int index = -1;
    final long[] storage = new long[2];

    private enum State { SUSPENDED, RUNNING, DONE }

    private State state = State.SUSPENDED;
    private Thread javaThread;
    private final Semaphore wake;
    /** The resumer's semaphore of the current {@code resume} (the Python {@code Handler.lock}). */
    private Semaphore handler;
    private boolean blockResult;
    private CmThread switchTo;
    private Throwable failure;
    /** This thread's Wasm execution stack while it is suspended (null: not started yet). */
    private Object execStack;

    CmThread(Scheduler sched, Task task, Runnable body, boolean inline) {
        this.sched = sched;
        this.task = task;
        this.body = body;
        this.inline = inline;
        this.wake = inline ? null : new Semaphore(0);
    }

    boolean running() {
        return state == State.RUNNING;
    }

    boolean suspended() {
        return state == State.SUSPENDED && readyFunc == null;
    }

    boolean waiting() {
        return state == State.SUSPENDED && readyFunc != null;
    }

    boolean ready() {
        return waiting() && readyFunc.getAsBoolean();
    }

    boolean done() {
        return state == State.DONE;
    }

    private void startWaitingInternal(BooleanSupplier ready) {
        readyFunc = ready;
        sched.waiting.add(this);
    }

    private void stopWaitingInternal() {
        readyFunc = null;
        sched.waiting.remove(this);
    }

    void resumeLater() {
        startWaitingInternal(() -> true);
    }

    /** {@code Thread.resume}: runs this thread (and the threads it switches to) until they block or end. */
    void resume(boolean cancelled) {
        if (waiting()) {
            stopWaitingInternal();
        }
        CmThread t = this;
        while (t != null) {
            t = t.resumeOnce(cancelled);
            cancelled = false;
        }
    }

    /** The monomorphised {@code resume} of one continuation: returns the thread it asked to switch to, if any. */
    private CmThread resumeOnce(boolean cancelled) {
        CmThread prev = sched.current;
        sched.current = this;
        state = State.RUNNING;
        if (inline) {
            try {
                body.run();
            } finally {
                state = State.DONE;
                sched.current = prev;
            }
            return null;
        }
        Semaphore back = new Semaphore(0);
        handler = back;
        blockResult = cancelled;
        switchTo = null;
        Object mine = sched.store.swapExecutionStack(execStack);
        if (javaThread == null) {
            javaThread = sched.startThread(this);
        } else {
            wake.release();
        }
        back.acquireUninterruptibly();
        execStack = sched.store.swapExecutionStack(mine);
        sched.current = prev;
        if (failure != null) {
            Throwable f = failure;
            failure = null;
            state = State.DONE;
            if (f instanceof RuntimeException r) {
                throw r;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
        return switchTo;
    }

    /** What this thread's Java thread runs (see {@link Scheduler#startThread}). */
    void base() {
        try {
            body.run();
        } catch (Throwable t) {
            failure = t;
        }
        state = State.DONE;
        sched.started.remove(this);
        handler.release();
    }

    /** The monomorphised {@code block}: hands control back to the resumer until resumed again. */
    private boolean block(CmThread to) {
        if (inline) {
            return blockInline(to);
        }
        switchTo = to;
        state = State.SUSPENDED;
        handler.release();
        wake.acquireUninterruptibly();
        if (ending) {
            throw new Ended();
        }
        return blockResult;
    }

    /** Set by {@link #end}: the next wake-up unwinds this thread instead of continuing the guest. */
    private boolean ending;

    /** Unwinds the guest code of a thread {@link #end} wakes up. */
    private static final class Ended extends RuntimeException {
        Ended() {
            super("component instance trapped: its waiting thread ends", null, false, false);
        }
    }

    /**
     * Ends this thread because its component instance trapped (it can never be resumed for the guest again): a
     * suspended thread is resumed once, the usual way, and its {@code block} throws, which unwinds the guest's frames
     * on its own execution stack until its Java thread ends; a thread never started just ends. Called by the host
     * side with no guest code running ({@link Scheduler#endThreadsOfTrappedInstances}).
     */
    void end() {
        if (inline || state == State.DONE) {
            return;
        }
        if (waiting()) {
            stopWaitingInternal();
        }
        if (javaThread == null) {
            state = State.DONE;
            return;
        }
        if (state != State.SUSPENDED) {
            return;
        }
        ending = true;
        try {
            resume(false);
        } catch (RuntimeException | Error unwound) {
            // the guest's frames turned Ended into a trap on their way out: expected, nothing to report
        }
        try {
            javaThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static final String CANNOT_BLOCK_SYNC = "cannot block a synchronous task before returning";

    boolean blockInternal(boolean cancellable) {
        Traps.trapIf(!task.mayBlock(), CANNOT_BLOCK_SYNC);
        this.cancellable = cancellable;
        return block(null);
    }

    boolean inline() {
        return inline;
    }

    /**
     * Registers the inline implicit thread of a synchronous task in its task and instance once the guest can name
     * it ({@code thread.index}) or gives the task another thread ({@code thread.new-indirect}), so that the other
     * thread can switch back to it and the task does not end with that thread. The synchronous call unregisters it
     * ({@link #unregisterInline}).
     */
    void registerInline() {
        if (inline && index < 0) {
            task.registerThread(this);
        }
    }

    void unregisterInline() {
        if (index >= 0) {
            task.threads.remove(this);
            task.inst.threads.removeAny(index);
            index = -1;
        }
    }

    /**
     * The {@code block} of an inline thread: the implicit thread of a synchronous task, which runs on its caller's
     * Java thread and so cannot hand control back to a resumer. It blocks the way CanonicalABI.md's {@code
     * canon_lift} drives a non-async-typed call whose thread blocked before returning: on this same Java thread it
     * runs {@code to} (a thread it switches to) and then, one at a time, the ready threads that may run during the
     * call ({@link #mayRunDuring}), until this thread is resumed (made ready, or switched to). The caller's stack
     * serves as this thread's stack because control must come back here before the call can return. When nothing
     * may run and this thread is not ready, the call can never finish: a deadlock trap.
     */
    private boolean blockInline(CmThread to) {
        state = State.SUSPENDED;
        try {
            CmThread next = to;
            while (next != this) {
                if (next == null) {
                    next = nextToRunDuringCall();
                    Traps.trapIf(next == null, Scheduler.DEADLOCK);
                    next.stopWaitingInternal();
                    continue;
                }
                // only this call's loop resumes this inline thread; another inline thread is lower on this Java
                // thread's stack and cannot be switched to from here
                Traps.trapIf(next.inline, Scheduler.DEADLOCK);
                next = next.resumeOnce(false);
            }
        } finally {
            if (waiting()) {
                stopWaitingInternal();
            }
            state = State.RUNNING;
            sched.current = this;
        }
        // a synchronous task cannot be cancelled: its blocked thread is never resumed with a cancellation
        return false;
    }

    /**
     * The first waiting thread (in waiting order) that is ready and may run while this inline thread's synchronous
     * call is in progress: this thread itself, or a thread of the same component instance that can use the stack.
     */
    private CmThread nextToRunDuringCall() {
        for (CmThread t : sched.waiting) {
            if (t.ready() && (t == this || mayRunDuring(t))) {
                return t;
            }
        }
        return null;
    }

    /**
     * Whether {@code t} may run while this inline thread's synchronous call is in progress (the suite's
     * during-sync-call-* scripts): only threads of the call's own component instance (a sibling's would be an
     * unexpected reentrance), and not the implicit thread of an async-typed task that needs the instance to itself
     * ({@link Task#needsExclusive}: a callback-lifted or synchronously lifted async task, which would share the
     * linear-memory shadow stack the synchronous call is using). Explicit threads and stackful tasks' implicit
     * threads have stacks of their own. Other inline threads resume only inside their own call.
     */
    private boolean mayRunDuring(CmThread t) {
        if (t.inline || t.task.inst != task.inst) {
            return false;
        }
        Task other = t.task;
        return !(t == other.implicitThread && other.ft != null && other.ft.async() && other.needsExclusive());
    }

    boolean switchToInternal(boolean cancellable, CmThread other) {
        // a switch is not a block: a synchronous task's thread may switch to any thread of its instance (when that
        // thread blocks, blockInline decides what runs next)
        this.cancellable = cancellable;
        return block(other);
    }

    boolean suspend(boolean cancellable) {
        if (task.deliverPendingCancel(cancellable)) {
            return true;
        }
        return blockInternal(cancellable);
    }

    /**
     * {@code Thread.wait_until} as the deterministic profile does it: always blocks, even when {@code ready} already
     * holds, so that the threads waiting before this one run first (yield, backpressure queues).
     */
    boolean waitUntil(BooleanSupplier ready, boolean cancellable) {
        if (task.deliverPendingCancel(cancellable)) {
            return true;
        }
        Traps.trapIf(!task.mayBlock(), CANNOT_BLOCK_SYNC);
        startWaitingInternal(ready);
        return blockInternal(cancellable);
    }

    /**
     * {@code Thread.wait_until} where the embedder chooses to keep running: a condition that already holds returns
     * at once. Used for waiting for events (the spec leaves the choice to the embedder; wasmtime continues the
     * thread, and the suite's scripts expect an async callee whose event is already pending to finish within the
     * call instead of returning STARTED).
     */
    boolean waitUntilOrContinue(BooleanSupplier ready, boolean cancellable) {
        if (task.deliverPendingCancel(cancellable)) {
            return true;
        }
        if (ready.getAsBoolean()) {
            return false;
        }
        return waitUntil(ready, cancellable);
    }

    /** {@code Thread.yield_}; a thread that may not block (a synchronous task's, see {@link Task#mayBlock}) goes on. */
    boolean yield_(boolean cancellable) {
        if (!task.mayBlock()) {
            return task.deliverPendingCancel(cancellable);
        }
        return waitUntil(() -> true, cancellable);
    }

    boolean suspendThenResume(boolean cancellable, CmThread other) {
        if (task.deliverPendingCancel(cancellable)) {
            return true;
        }
        return switchToInternal(cancellable, other);
    }

    boolean yieldThenResume(boolean cancellable, CmThread other) {
        if (task.deliverPendingCancel(cancellable)) {
            return true;
        }
        startWaitingInternal(() -> true);
        return switchToInternal(cancellable, other);
    }

    boolean suspendThenPromote(boolean cancellable, CmThread other) {
        if (task.deliverPendingCancel(cancellable)) {
            return true;
        }
        if (other.ready()) {
            other.stopWaitingInternal();
            return suspendThenResume(cancellable, other);
        }
        return suspend(cancellable);
    }

    boolean yieldThenPromote(boolean cancellable, CmThread other) {
        if (task.deliverPendingCancel(cancellable)) {
            return true;
        }
        if (other.ready()) {
            other.stopWaitingInternal();
            return yieldThenResume(cancellable, other);
        }
        return yield_(cancellable);
    }
}
