package dev.basalt.component;

import dev.basalt.Store;
import dev.basalt.component.internal.runtime.HostAsync;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The host reading a {@code stream<T>} whose readable end it received (an argument of a host function, a result of
 * an export) or created ({@link StreamWriter#readableEnd()}). A read completes when the guest writer wrote some
 * values (at most the number asked for) or dropped its end ({@link CopyResult.Status#DROPPED}: the stream ended);
 * nothing is read ahead, so a guest writer waits until the host reads (backpressure). {@link #close()} drops this
 * end: the guest's writes then report that the reader is gone.
 *
 * <p>The methods may be called from any thread; the copies happen on the thread that drives the store's event loop
 * ({@link ComponentEventLoop}), where the futures complete. Close every reader: while one is open the event loop
 * waits for the host rather than reporting a deadlock.
 */
public final class StreamReader implements AutoCloseable {
    private final HostAsync.HostEnd end;

    private StreamReader(HostAsync.HostEnd end) {
        this.end = end;
    }

    /**
     * A reader of the stream whose readable end is {@code readableEnd} (a {@code stream<T>} value). The value cannot
     * be given to a guest afterwards. Call it on the thread that drives the store.
     *
     * @throws ComponentException if the value is not a stream's readable end or was given away already
     */
    public static StreamReader of(Store<?> store, ComponentValue readableEnd) {
        return new StreamReader(HostAsync.reader(store, readableEnd, false));
    }

    public Optional<ValueType> elementType() {
        return end.elementType();
    }

    /** Reads at most {@code max} values; completes once some arrived, the writer dropped, or on {@link #cancel()}. */
    public CompletableFuture<CopyResult> read(int max) {
        return end.read(max).thenApply(StreamReader::result);
    }

    /** Reads until the writer drops its end; completes with all values read. */
    public CompletableFuture<List<ComponentValue>> readAll() {
        List<ComponentValue> all = new ArrayList<>();
        return readInto(r -> all.addAll(r.values())).thenApply(v -> all);
    }

    /** Reads a {@code stream<u8>} until the writer drops its end; completes with all bytes. */
    public CompletableFuture<byte[]> readAllBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return readInto(r -> out.writeBytes(r.bytes())).thenApply(v -> out.toByteArray());
    }

    private static final int CHUNK = 64 * 1024;

    private CompletableFuture<Void> readInto(java.util.function.Consumer<CopyResult> sink) {
        return read(CHUNK).thenCompose(r -> {
            sink.accept(r);
            if (r.status() != CopyResult.Status.COMPLETED) {
                return CompletableFuture.completedFuture(null);
            }
            return readInto(sink);
        });
    }

    /**
     * Completes as soon as the writer drops its end (during the guest's own turn that drops it, needing no later
     * event-loop turn), or at once if it did already; also when this end is closed. Reads after it complete at once
     * as {@link CopyResult.Status#DROPPED}.
     */
    public CompletableFuture<Void> writerDropped() {
        return end.otherEndDropped();
    }

    /** Cancels the read in progress, if any: it completes with {@code CANCELLED} (and what arrived, if any). */
    public void cancel() {
        end.cancel();
    }

    /** Drops the readable end (cancelling a read in progress): the guest writer sees the reader gone. */
    @Override
    public void close() {
        end.close();
    }

    static CopyResult result(HostAsync.Copy c) {
        CopyResult.Status status = switch (c.status()) {
            case HostAsync.COMPLETED -> CopyResult.Status.COMPLETED;
            case HostAsync.DROPPED -> CopyResult.Status.DROPPED;
            default -> CopyResult.Status.CANCELLED;
        };
        return new CopyResult(c.values(), c.count(), status);
    }
}
