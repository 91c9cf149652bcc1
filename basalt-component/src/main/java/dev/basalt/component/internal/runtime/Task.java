package dev.basalt.component.internal.runtime;

/** The callee side of a synchronous call (CanonicalABI.md {@code Task}): counts borrows lowered into it. */
public final class Task {
    int numBorrows;
}
