package dev.basalt.component.internal.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The caller side of a call (CanonicalABI.md {@code Subtask}): its state, the caller's handles lent as borrows
 * (whose lend counts are given back when the resolution is delivered), the callee's cancellation hook and, for
 * a synchronous lower, the flat results.
 */
public final class Subtask extends Waitable {
    static final int STARTING = 0, STARTED = 1, RETURNED = 2, CANCELLED_BEFORE_STARTED = 3,
            CANCELLED_BEFORE_RETURNED = 4;

    int state = STARTING;
    FuncInst.OnCancel onCancel;
    private List<HandleEntry> lenders = new ArrayList<>();
    boolean cancellationRequested;
    long[] flatResults;

    boolean resolved() {
        return state >= RETURNED;
    }

    void addLender(HandleEntry h) {
        h.numLends++;
        lenders.add(h);
    }

    void resolve(int newState, long[] results) {
        state = newState;
        flatResults = results;
    }

    void deliverResolve() {
        for (HandleEntry h : lenders) {
            h.numLends--;
        }
        lenders = null;
    }

    boolean resolveDelivered() {
        return lenders == null;
    }

    @Override
    void drop() {
        Traps.trapIf(!resolveDelivered(), "cannot drop a subtask which has not yet resolved");
        super.drop();
    }
}
