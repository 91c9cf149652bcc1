package dev.basalt.component;

import dev.basalt.Store;
import dev.basalt.component.internal.runtime.HostAsync;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * The host reading a {@code future<T>} whose readable end it received from a guest (or created:
 * {@link FutureWriter#readableEnd()}). {@link #read()} completes with the value once the writer wrote it, empty if
 * the writer dropped its end without writing. Threading as for {@link StreamReader}.
 */
public final class FutureReader implements AutoCloseable {
    private final HostAsync.HostEnd end;

    private FutureReader(HostAsync.HostEnd end) {
        this.end = end;
    }

    /**
     * A reader of the future whose readable end is {@code readableEnd} (a {@code future<T>} value), which cannot be
     * given to a guest afterwards. Call it on the thread that drives the store.
     */
    public static FutureReader of(Store<?> store, ComponentValue readableEnd) {
        return new FutureReader(HostAsync.reader(store, readableEnd, true));
    }

    public Optional<ValueType> elementType() {
        return end.elementType();
    }

    /**
     * The value, once written (empty: the writer dropped its end first); a {@link #cancel()} completes it with a
     * {@link CancellationException}.
     */
    public CompletableFuture<Optional<ComponentValue>> read() {
        return end.read(1).thenApply(c -> switch (c.status()) {
            case HostAsync.COMPLETED -> Optional.of(c.values().getFirst());
            case HostAsync.DROPPED -> Optional.<ComponentValue>empty();
            default -> throw new CancellationException("the read of the future was cancelled");
        });
    }

    /** Cancels the read in progress, if any. */
    public void cancel() {
        end.cancel();
    }

    /** Drops the readable end (a writer then sees the reader gone). */
    @Override
    public void close() {
        end.close();
    }
}
