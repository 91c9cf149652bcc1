package dev.basalt.component;

import dev.basalt.Store;
import dev.basalt.component.internal.runtime.FuncInst;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A call of a component export started by {@link ComponentFunc#callAsync}: it has run until it returned or blocked,
 * and goes on while the store's event loop runs ({@link #join}, {@link ComponentEventLoop}). Its {@link #result()}
 * completes when the callee returns its value ({@code task.return}), which may be before the callee's task ends,
 * or with a {@link java.util.concurrent.CancellationException} when the callee acknowledged a {@link #cancel()}.
 * Use it on the thread that drives the store.
 */
public final class ComponentCall {
    private final Store<?> store;
    private final CompletableFuture<List<ComponentValue>> result;
    private final FuncInst.OnCancel onCancel;
    private boolean cancelRequested;

    ComponentCall(Store<?> store, CompletableFuture<List<ComponentValue>> result, FuncInst.OnCancel onCancel) {
        this.store = store;
        this.result = result;
        this.onCancel = onCancel;
    }

    /** The results (empty, or the one result) once the callee returned. */
    public CompletableFuture<List<ComponentValue>> result() {
        return result;
    }

    public boolean isDone() {
        return result.isDone();
    }

    /**
     * Requests the callee's cancellation (CanonicalABI.md {@code subtask.cancel}): the callee is told when it next
     * waits cancellably, and either acknowledges ({@code task.cancel}: the result completes cancelled) or returns
     * a value anyway. Does nothing once the call returned; at most once.
     */
    public void cancel() {
        if (result.isDone() || cancelRequested) {
            return;
        }
        cancelRequested = true;
        dev.basalt.component.internal.runtime.HostAsync.fromHost(store, () -> {
            onCancel.cancel(null);
            return null;
        });
    }

    /** Runs the store's event loop until the call returned, and returns its results. */
    public List<ComponentValue> join() {
        return ComponentEventLoop.join(store, result);
    }
}
