package dev.basalt.component.model;

/** {@code canonopt}: one canonical ABI option. */
public sealed interface CanonOpt {
    enum StringEncoding implements CanonOpt {
        UTF8, UTF16, LATIN1_UTF16
    }

    record Memory(int memory) implements CanonOpt {
    }

    record Realloc(int func) implements CanonOpt {
    }

    record PostReturn(int func) implements CanonOpt {
    }

    /** {@code async} 🔀. */
    record Async() implements CanonOpt {
    }

    /** {@code (callback f)} 🔀. */
    record Callback(int func) implements CanonOpt {
    }
}
