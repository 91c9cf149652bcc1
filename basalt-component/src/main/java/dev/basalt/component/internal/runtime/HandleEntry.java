package dev.basalt.component.internal.runtime;

import dev.basalt.component.ResourceType;

/**
 * CanonicalABI.md {@code ResourceHandle}: an element of a handle table. {@code borrowScope} is the task that
 * received a borrow (whose {@code numBorrows} it counts); {@code numLends} counts live borrows lent from an own
 * handle during calls.
 */
public final class HandleEntry {
    final ResourceType type;
    final int rep;
    final boolean own;
    final Task borrowScope;
    int numLends;

    HandleEntry(ResourceType type, int rep, boolean own, Task borrowScope) {
        this.type = type;
        this.rep = rep;
        this.own = own;
        this.borrowScope = borrowScope;
    }

    public ResourceType type() {
        return type;
    }

    public int rep() {
        return rep;
    }

    public boolean own() {
        return own;
    }
}
