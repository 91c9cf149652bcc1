package dev.basalt.component;

import dev.basalt.Store;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A component function of an {@code async} type implemented in Java that completes later: it receives the lifted
 * arguments and returns a future of the results (an empty list, or the one result). The calling guest task waits
 * for the future while the store's other tasks keep running; the results are lowered into the caller on the
 * thread that drives the store's event loop (see {@link ComponentEventLoop}), whichever thread completes the
 * future. A guest's {@code subtask.cancel} cancels the returned future (observe it with
 * {@link CompletableFuture#isCancelled()} or a completion handler); the call then resolves as cancelled unless the
 * future had already completed.
 *
 * <p>The function itself runs on the event loop's thread, with the store: it may read its arguments, create
 * {@link StreamWriter}s and the like, and must not block. Work that blocks goes off that thread
 * ({@link #blocking}); such work must not touch the store or component values' streams except through their
 * thread-safe operations ({@link StreamWriter}, {@link StreamReader}, {@link FutureWriter}, {@link FutureReader}).
 * A future that fails traps the store's event loop with the failure as the cause ({@link dev.basalt.Trap} of kind
 * {@code HOST_ERROR}; Basalt's own exceptions pass as they are).
 */
@FunctionalInterface
public interface ComponentAsyncHostFunction<T> {
    CompletionStage<List<ComponentValue>> call(Store<T> store, List<ComponentValue> args);

    /**
     * An async host function that runs the blocking {@code body} on a new virtual thread, off the guest's turn.
     * {@code body} receives the arguments only (not the store: it runs concurrently with the guests).
     */
    static <T> ComponentAsyncHostFunction<T> blocking(BlockingBody body) {
        return blocking(work -> Thread.ofVirtual().name("basalt-host-async").start(work), body);
    }

    /** {@link #blocking(BlockingBody)} on {@code executor}. */
    static <T> ComponentAsyncHostFunction<T> blocking(Executor executor, BlockingBody body) {
        return (store, args) -> CompletableFuture.supplyAsync(() -> {
            try {
                return body.call(args);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
    }

    /** Blocking work of a {@link #blocking} host function: the arguments to the results. */
    @FunctionalInterface
    interface BlockingBody {
        List<ComponentValue> call(List<ComponentValue> args) throws Exception;
    }
}
