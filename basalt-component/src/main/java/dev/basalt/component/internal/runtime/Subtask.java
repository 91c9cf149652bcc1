package dev.basalt.component.internal.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The caller side of a synchronous call (CanonicalABI.md {@code Subtask}): the caller's handles lent as borrows,
 * whose lend counts are given back when the call returns.
 */
public final class Subtask {
    private final List<HandleEntry> lenders = new ArrayList<>();

    void addLender(HandleEntry h) {
        h.numLends++;
        lenders.add(h);
    }

    void deliverResolve() {
        for (HandleEntry h : lenders) {
            h.numLends--;
        }
        lenders.clear();
    }
}
