package dev.basalt.component;

import dev.basalt.Store;
import dev.basalt.component.internal.runtime.HostAsync;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The writable end of a {@code future<T>} held by the host; its readable end ({@link #readableEnd()}) goes to a
 * guest. {@link #write} delivers the value when the guest reads it (completing with true), or completes with false
 * when the guest dropped its end first. Closing a writer without writing drops the future: the guest's read reports
 * {@code DROPPED}. Threading as for {@link StreamWriter}.
 */
public final class FutureWriter implements AutoCloseable {
    private final HostAsync.HostEnd end;

    private FutureWriter(HostAsync.HostEnd end) {
        this.end = end;
    }

    /** A new {@code future<element>} ({@code Optional.empty()}: {@code future} without payload) in {@code store}. */
    public static FutureWriter create(Store<?> store, Optional<ValueType> element) {
        return new FutureWriter(HostAsync.newWriter(store, true, element));
    }

    public Optional<ValueType> elementType() {
        return end.elementType();
    }

    /** The readable end, to give to a guest (once). */
    public ComponentValue readableEnd() {
        return end.readableValue();
    }

    /**
     * Writes the value ({@code future} without payload: any value, e.g. {@code ComponentValue.tuple()}); completes
     * with true once the reader took it, false if the reader dropped its end. The end is done afterwards (close it).
     */
    public CompletableFuture<Boolean> write(ComponentValue value) {
        return end.write(List.of(value)).thenApply(c -> c.status() == HostAsync.COMPLETED);
    }

    /**
     * Completes as soon as the reader drops its end (during the guest's own turn that drops it, needing no later
     * event-loop turn), or at once if it did already; also when this end is closed. A write after the reader
     * dropped completes at once with false.
     */
    public CompletableFuture<Void> readerDropped() {
        return end.otherEndDropped();
    }

    /** Drops the writable end (if nothing was written, the reader sees {@code DROPPED}). */
    @Override
    public void close() {
        end.close();
    }
}
