package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentFuncType;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A component-level function (CanonicalABI.md {@code FuncInst}): a lifted core function, a host function, or one
 * of those reached through imports and aliases. {@code onStart} lifts the arguments from the caller when the callee
 * is ready for them; {@code onResolve} lowers the results into the caller before the callee's post-return runs.
 * {@code caller} is the calling component instance, null when the host calls.
 */
public interface FuncInst {
    ComponentFuncType type();

    void call(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve);
}
