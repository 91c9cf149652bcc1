package dev.basalt.component;

import dev.basalt.Store;
import dev.basalt.component.internal.runtime.FuncInst;
import dev.basalt.component.internal.runtime.HostAsync;
import dev.basalt.component.internal.runtime.Lifted;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An exported component function of a {@link ComponentInstance}, called with dynamic values. Arguments are checked
 * against {@link #type()} while they are lowered ({@link ComponentException} on a mismatch, before any guest code
 * runs for scalar arguments); guest faults are {@link dev.basalt.Trap}s, after which the instance cannot be entered
 * again. Post-return runs before {@link #call} returns.
 */
public final class ComponentFunc {
    private final FuncInst fn;
    private final Store<?> store;
    private final String name;

    ComponentFunc(FuncInst fn, Store<?> store, String name) {
        this.fn = fn;
        this.store = store;
        this.name = name;
    }

    public ComponentFuncType type() {
        return fn.type();
    }

    /** The store of the instance this function belongs to. */
    public Store<?> store() {
        return store;
    }

    public String name() {
        return name;
    }

    /** Calls the function; returns its results (empty, or the one result). */
    public List<ComponentValue> call(ComponentValue... args) {
        return call(Arrays.asList(args));
    }

    public List<ComponentValue> call(List<ComponentValue> args) {
        if (args.size() != fn.type().params().size()) {
            throw new ComponentException("function `" + name + "` takes " + fn.type().params().size()
                    + " arguments, " + args.size() + " given");
        }
        Lifted[] results = new Lifted[1];
        // an async callee may return before it resolves: call() then runs the store's event loop until it does
        HostAsync.fromHost(store, () -> {
            fn.call(null, () -> Lifted.of(List.copyOf(args)), r -> results[0] = r);
            return null;
        });
        return results[0].values();
    }

    /**
     * Starts a call without waiting for it: the callee runs until it returns or blocks (an export of an async type
     * may wait for subtasks, streams, futures), and goes on while the store's event loop runs
     * ({@link ComponentCall#join}, {@link ComponentEventLoop}); several calls may be in progress at once. A callee
     * that is not async-typed has returned when this does.
     */
    public ComponentCall callAsync(ComponentValue... args) {
        return callAsync(Arrays.asList(args));
    }

    public ComponentCall callAsync(List<ComponentValue> args) {
        if (args.size() != fn.type().params().size()) {
            throw new ComponentException("function `" + name + "` takes " + fn.type().params().size()
                    + " arguments, " + args.size() + " given");
        }
        List<ComponentValue> copy = List.copyOf(args);
        java.util.concurrent.CompletableFuture<List<ComponentValue>> result = new java.util.concurrent.CompletableFuture<>();
        FuncInst.OnCancel onCancel = HostAsync.fromHost(store, () -> fn.callAsync(null, () -> Lifted.of(copy), r -> {
            if (r == null) {
                result.completeExceptionally(new java.util.concurrent.CancellationException(
                        "`" + name + "` acknowledged the cancellation before it returned"));
            } else {
                result.complete(r.values());
            }
        }));
        return new ComponentCall(store, result, onCancel);
    }

    /** Calls a function with at most one result and returns it, if any. */
    public Optional<ComponentValue> callOne(ComponentValue... args) {
        List<ComponentValue> r = call(args);
        return r.isEmpty() ? Optional.empty() : Optional.of(r.getFirst());
    }

    @Override
    public String toString() {
        return "ComponentFunc[" + name + ": " + fn.type() + "]";
    }
}
