package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentFuncType;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A component-level function (CanonicalABI.md {@code FuncInst}): a lifted core function, a host function, or one
 * of those reached through imports and aliases. {@code onStart} lifts the arguments from the caller when the callee
 * is ready for them; {@code onResolve} lowers the results into the caller before the callee's post-return runs
 * (with null when the call was cancelled before it returned). {@code caller} is the calling component instance,
 * null when the host calls.
 */
public interface FuncInst {
    ComponentFuncType type();

    /** Calls the function; it has resolved by the time this returns (the callee is synchronous). */
    void call(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve);

    /**
     * Calls the function, which may return before it resolves (an async callee that blocked); the result is the
     * hook that requests its cancellation ({@code OnCancel}).
     */
    default OnCancel callAsync(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
        call(caller, onStart, onResolve);
        return c -> {
        };
    }

    /**
     * {@link #call} of a callee that may block, for a caller that cannot wait (the host): starts it with
     * {@link #callAsync} and runs {@code sched}'s event loop until it resolves.
     */
    static void callToResolution(FuncInst f, Scheduler sched, RuntimeInstance caller, Supplier<Lifted> onStart,
                                 Consumer<Lifted> onResolve) {
        boolean[] resolved = new boolean[1];
        f.callAsync(caller, onStart, r -> {
            resolved[0] = true;
            onResolve.accept(r);
        });
        sched.runUntil(() -> resolved[0]);
    }

    /** CanonicalABI.md {@code OnCancel}: requests cancellation on behalf of {@code caller} (null: the host). */
    interface OnCancel {
        void cancel(RuntimeInstance caller);
    }
}
