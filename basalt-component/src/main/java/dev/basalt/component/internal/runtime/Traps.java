package dev.basalt.component.internal.runtime;

import dev.basalt.Trap;
import dev.basalt.TrapKind;

/** Component-model traps, worded as wasmtime words them (the component testsuite expects those as prefixes). */
public final class Traps {
    private Traps() {
    }

    public static Trap trap(String message) {
        return Trap.withMessage(TrapKind.COMPONENT, message);
    }

    public static void trapIf(boolean condition, String message) {
        if (condition) {
            throw trap(message);
        }
    }

    public static final String CANNOT_ENTER = "cannot enter component instance";
    public static final String CANNOT_LEAVE = "cannot leave component instance";
    public static final String UNALIGNED = "unaligned pointer";
    public static final String BORROWS_REMAIN = "borrow handles still remain at the end of the call";
    public static final String LENT = "cannot remove owned resource while borrowed";
}
