package dev.basalt.component;

import dev.basalt.Store;
import dev.basalt.component.internal.runtime.HostAsync;
import dev.basalt.component.internal.runtime.ScalarList;
import dev.basalt.component.model.PrimValType;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The writable end of a {@code stream<T>} held by the host; its readable end ({@link #readableEnd()}) goes to a
 * guest as an argument or result of type {@code stream<T>}. A write completes when the guest reader took some of
 * the values (backpressure: nothing moves while the guest does not read; one write at a time), with the count
 * taken; {@link #writeAll} writes on until all are taken. When the guest drops its readable end, the write in
 * progress and later ones complete as {@link CopyResult.Status#DROPPED}. {@link #close()} drops this end: the
 * guest's reads then report that the stream ended.
 *
 * <p>The methods may be called from any thread; the copies happen on the thread that drives the store's event loop
 * ({@link ComponentEventLoop}), where the futures complete. Create writers on that thread (e.g. in a host
 * function). Close every writer: while one is open the event loop waits for the host rather than reporting a
 * deadlock.
 */
public final class StreamWriter implements AutoCloseable {
    private final HostAsync.HostEnd end;

    private StreamWriter(HostAsync.HostEnd end) {
        this.end = end;
    }

    /** A new {@code stream<element>} ({@code Optional.empty()}: {@code stream} without payload) in {@code store}. */
    public static StreamWriter create(Store<?> store, Optional<ValueType> element) {
        return new StreamWriter(HostAsync.newWriter(store, false, element));
    }

    /** A new {@code stream<u8>} in {@code store}. */
    public static StreamWriter bytes(Store<?> store) {
        return create(store, Optional.of(ValueType.U8));
    }

    public Optional<ValueType> elementType() {
        return end.elementType();
    }

    /**
     * The readable end, to give to a guest (as a {@code stream<T>} argument or result). It can be given once; a
     * second lowering fails with a {@link ComponentException}.
     */
    public ComponentValue readableEnd() {
        return end.readableValue();
    }

    /** Writes {@code values}; completes once the reader took some of them (see {@link CopyResult#count()}). */
    public CompletableFuture<CopyResult> write(List<ComponentValue> values) {
        return end.write(values).thenApply(StreamReader::result);
    }

    /** Writes bytes to a {@code stream<u8>} (copied), moved to the guest with one bulk copy. */
    public CompletableFuture<CopyResult> write(byte[] bytes) {
        return write(ScalarList.wrap(PrimValType.U8, bytes.clone()));
    }

    /**
     * Writes all of {@code values}, in as many copies as the reader needs; completes with the total count and
     * {@code COMPLETED}, or with what moved before the reader dropped its end ({@code DROPPED}) or a
     * {@link #cancel()} ({@code CANCELLED}).
     */
    public CompletableFuture<CopyResult> writeAll(List<ComponentValue> values) {
        List<ComponentValue> all = values instanceof ScalarList ? values : List.copyOf(values);
        return writeFrom(all, 0);
    }

    /** {@link #writeAll(List)} of bytes to a {@code stream<u8>} (copied). */
    public CompletableFuture<CopyResult> writeAll(byte[] bytes) {
        return writeAll(ScalarList.wrap(PrimValType.U8, bytes.clone()));
    }

    private CompletableFuture<CopyResult> writeFrom(List<ComponentValue> all, int from) {
        List<ComponentValue> rest = from == 0 ? all : rest(all, from);
        return write(rest).thenCompose(r -> {
            int done = from + r.count();
            if (r.status() != CopyResult.Status.COMPLETED || done >= all.size()) {
                return CompletableFuture.completedFuture(new CopyResult(List.of(), done, r.status()));
            }
            return writeFrom(all, done);
        });
    }

    private static List<ComponentValue> rest(List<ComponentValue> all, int from) {
        if (all instanceof ScalarList s && s.array() instanceof byte[] b) {
            return ScalarList.wrap(s.elementType(), java.util.Arrays.copyOfRange(b, from, b.length));
        }
        return all.subList(from, all.size());
    }

    /**
     * Completes as soon as the reader drops its end -- during the guest's own turn that drops it, on the thread
     * driving the store, so it needs no later event-loop turn (none may come: the guest's call may have returned)
     * -- or at once if it did already; also when this end is closed. A host that is waiting for something else to
     * write (a socket, a request body) can stop there. Writes after the drop complete at once as
     * {@link CopyResult.Status#DROPPED}, also while nothing drives the event loop.
     */
    public CompletableFuture<Void> readerDropped() {
        return end.otherEndDropped();
    }

    /** Cancels the write in progress, if any: it completes with what moved and {@code CANCELLED}. */
    public void cancel() {
        end.cancel();
    }

    /** Drops the writable end (cancelling a write in progress): the guest reader sees the stream end. */
    @Override
    public void close() {
        end.close();
    }
}
