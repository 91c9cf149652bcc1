package dev.basalt.component;

import dev.basalt.Store;
import dev.basalt.component.internal.runtime.HostAsync;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;

/**
 * Drives a store's component event loop: guest tasks that blocked (waiting for a subtask, a stream or future copy,
 * a yield) and the host's asynchronous work (async host functions' results, host stream and future operations)
 * take turns on the calling thread until the awaited future completes. {@link ComponentFunc#call} runs it for the
 * call it makes; run it directly to wait for something else, e.g. a stream the guest goes on writing after its
 * export returned, or calls started with {@link ComponentFunc#callAsync}.
 *
 * <p>One thread at a time drives a store. When nothing can run and the host holds no open stream or future end and
 * has no async call in flight, the loop traps ({@code deadlock detected}); while the host does, it waits for it.
 */
public final class ComponentEventLoop {
    private ComponentEventLoop() {
    }

    /** Runs {@code store}'s event loop until {@code future} is done. */
    public static void runUntil(Store<?> store, Future<?> future) {
        HostAsync.runUntil(store, future::isDone);
    }

    /**
     * Runs {@code store}'s event loop while something can run at once (a guest thread that is ready, host work
     * already posted), without waiting for the host: e.g. to let a guest finish what its export left to do.
     */
    public static void runUntilIdle(Store<?> store) {
        HostAsync.runUntilIdle(store);
    }

    /**
     * Runs {@code store}'s event loop until {@code future} is done and returns its value; a failure is rethrown
     * (unwrapped from {@link CompletionException}), a cancellation as {@link CancellationException}.
     */
    public static <V> V join(Store<?> store, CompletableFuture<V> future) {
        runUntil(store, future);
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
