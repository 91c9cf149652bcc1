package dev.basalt.component.internal.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * CanonicalABI.md {@code Waitable}: something a thread can wait for (a subtask, a stream or future end), with at
 * most one pending event (computed when it is delivered), the waitable set it joined, and whether a thread waits
 * for it synchronously.
 */
abstract class Waitable {
    /** Event codes ({@code EventCode}). */
    static final int NONE = 0, SUBTASK = 1, STREAM_READ = 2, STREAM_WRITE = 3, FUTURE_READ = 4, FUTURE_WRITE = 5,
            TASK_CANCELLED = 6;

    record Event(int code, int p1, int p2) {
    }

    private Supplier<Event> pendingEvent;
    Set wset;
    boolean hasSyncWaiter;

    void setPendingEvent(Supplier<Event> e) {
        pendingEvent = e;
    }

    boolean hasPendingEvent() {
        return pendingEvent != null;
    }

    boolean inWaitableSet() {
        return wset != null;
    }

    void waitForPendingEvent(CmThread thread) {
        hasSyncWaiter = true;
        thread.waitUntil(this::hasPendingEvent, false);
        hasSyncWaiter = false;
    }

    Event getPendingEvent() {
        Supplier<Event> e = pendingEvent;
        pendingEvent = null;
        return e.get();
    }

    void join(Set set) {
        if (wset != null) {
            wset.elems.remove(this);
        }
        wset = set;
        if (set != null) {
            set.elems.add(this);
        }
    }

    void drop() {
        join(null);
    }

    /** CanonicalABI.md {@code WaitableSet}. */
    static final class Set {
        final List<Waitable> elems = new ArrayList<>();
        int numWaiting;

        boolean hasPendingEvent() {
            for (Waitable w : elems) {
                if (w.hasPendingEvent()) {
                    return true;
                }
            }
            return false;
        }

        Event getPendingEvent() {
            for (Waitable w : elems) {
                if (w.hasPendingEvent()) {
                    return w.getPendingEvent();
                }
            }
            throw new IllegalStateException("no pending event");
        }

        Event waitForEventAnd(CmThread thread, java.util.function.BooleanSupplier ready, boolean cancellable) {
            numWaiting++;
            boolean cancelled;
            try {
                cancelled = thread.waitUntilOrContinue(() -> ready.getAsBoolean() && hasPendingEvent(), cancellable);
            } finally {
                numWaiting--;
            }
            return cancelled ? new Event(TASK_CANCELLED, 0, 0) : getPendingEvent();
        }

        Event poll(CmThread thread, boolean cancellable) {
            if (thread.task.deliverPendingCancel(cancellable)) {
                return new Event(TASK_CANCELLED, 0, 0);
            }
            return hasPendingEvent() ? getPendingEvent() : new Event(NONE, 0, 0);
        }

        void drop() {
            Traps.trapIf(!elems.isEmpty(), "cannot drop waitable set with waitables in it");
            Traps.trapIf(numWaiting > 0, "cannot drop waitable set with waiters");
        }
    }
}
