package dev.basalt.component.internal.runtime;

import dev.basalt.wasm.BasaltException;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The host's side of the async canonical ABI, behind the public API of {@code dev.basalt.component}
 * ({@code ComponentAsyncHostFunction}, {@code StreamWriter}/{@code StreamReader}, {@code FutureWriter}/
 * {@code FutureReader}, {@code ComponentEventLoop}): host functions whose results come later, and stream and future
 * ends held by Java code.
 *
 * <p>Threading: a store's component state is touched only by the thread that drives its event loop (the one in
 * {@code ComponentFunc.call} or {@code ComponentEventLoop.runUntil}). Everything the host starts from other threads
 * (a completed {@link CompletableFuture}, a write to a stream) is posted to the store's {@link Scheduler} and runs
 * there between guest turns; the futures this class hands out complete on that thread.
 */
public final class HostAsync {
    private HostAsync() {
    }

    /** Runs {@code store}'s event loop until {@code done} holds (a {@code deadlock} trap when it never can). */
    public static void runUntil(Store<?> store, BooleanSupplier done) {
        Scheduler sched = Scheduler.of(store);
        sched.fromHost(() -> {
            sched.runUntil(done);
            return null;
        });
    }

    /** Runs {@code store}'s event loop while something can run without waiting for the host. */
    public static void runUntilIdle(Store<?> store) {
        Scheduler sched = Scheduler.of(store);
        sched.fromHost(() -> {
            while (sched.tick()) {
                // each tick ran one posted host work item or resumed one ready thread
            }
            return null;
        });
    }

    /**
     * Runs a call from the host into {@code store}'s components: when it ends with a trap, the waiting threads of
     * the instances that trapped are ended (they could never run again).
     */
    public static <R> R fromHost(Store<?> store, java.util.function.Supplier<R> call) {
        return Scheduler.of(store).fromHost(call);
    }

    /** How many component-model threads of {@code store} have a live Java thread (for tests and diagnostics). */
    public static int liveThreads(Store<?> store) {
        return Scheduler.of(store).liveThreads();
    }

    /** The body of an async host function: the lifted arguments to the results, later. */
    @FunctionalInterface
    public interface AsyncBody {
        CompletionStage<List<ComponentValue>> call(List<ComponentValue> args);
    }

    /** A component function implemented by an async host function in {@code store}. */
    public static FuncInst asyncFunction(Store<?> store, String name, ComponentFuncType type, AsyncBody body) {
        return new AsyncHostFunc(Scheduler.of(store), name, type, body);
    }

    /**
     * An async host function ({@code canon lower} of it: the calling guest task waits, its other tasks run on):
     * the arguments go to the body at once; the results are lowered when the body's future completes, on the event
     * loop. A caller's {@code subtask.cancel} cancels the future, and the subtask resolves as cancelled unless the
     * future had completed.
     */
    private record AsyncHostFunc(Scheduler sched, String name, ComponentFuncType type, AsyncBody body)
            implements FuncInst {

        @Override
        public void call(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
            FuncInst.callToResolution(this, sched, caller, onStart, onResolve);
        }

        @Override
        public OnCancel callAsync(RuntimeInstance caller, Supplier<Lifted> onStart, Consumer<Lifted> onResolve) {
            Lifted args = onStart.get();
            CompletionStage<List<ComponentValue>> stage;
            try {
                stage = body.call(args.values());
            } catch (RuntimeException e) {
                throw hostFailure(e);
            }
            if (stage == null) {
                throw new ComponentException("async host function " + name + " returned no future");
            }
            CompletableFuture<List<ComponentValue>> future = stage.toCompletableFuture();
            if (future.isDone()) {
                settle(future, false, onResolve);
                return c -> {
                };
            }
            sched.hostActivity.incrementAndGet();
            boolean[] settled = new boolean[1];
            boolean[] cancelRequested = new boolean[1];
            future.whenComplete((v, e) -> sched.post(() -> {
                sched.hostActivity.decrementAndGet();
                if (!settled[0]) {
                    settled[0] = true;
                    settle(future, cancelRequested[0], onResolve);
                }
            }));
            return c -> {
                cancelRequested[0] = true;
                if (!settled[0] && future.cancel(false)) {
                    // resolved as cancelled right away: subtask.cancel then returns CANCELLED_BEFORE_RETURNED
                    settled[0] = true;
                    onResolve.accept(null);
                }
            };
        }

        private void settle(CompletableFuture<List<ComponentValue>> future, boolean cancelRequested,
                Consumer<Lifted> onResolve) {
            List<ComponentValue> results;
            try {
                results = future.get();
            } catch (CancellationException e) {
                if (cancelRequested) {
                    onResolve.accept(null);
                    return;
                }
                throw hostFailure(new ComponentException("async host function " + name
                        + " was cancelled without the caller asking for it", e));
            } catch (ExecutionException e) {
                throw hostFailure(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw hostFailure(e);
            }
            onResolve.accept(Lifted.of(HostFunc.checkResults(name, type, results)));
        }

        @Override
        public String toString() {
            return "async host function " + name;
        }
    }

    /** What a failing host function becomes: Basalt's own exceptions as they are, anything else a host-error trap. */
    static RuntimeException hostFailure(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof BasaltException b) {
            return b;
        }
        return new Trap(TrapKind.HOST_ERROR, e);
    }

    // ---- streams and futures in the host's hands --------------------------------------------------------------

    /** Outcomes of a copy, as the ABI reports them to guests. */
    public static final int COMPLETED = Streams.COMPLETED, DROPPED = Streams.DROPPED, CANCELLED = Streams.CANCELLED;

    /** The outcome of one host copy: the values read (empty for a write), how many moved, and the status. */
    public record Copy(List<ComponentValue> values, int count, int status) {
    }

    /**
     * A new stream ({@code future}: a future) of {@code element} whose writable end the host holds; its readable
     * end is {@link HostEnd#readableValue()}.
     */
    public static HostEnd newWriter(Store<?> store, boolean future, Optional<ValueType> element) {
        Streams.Shared shared = new Streams.Shared(future, element);
        shared.readableHeldByHost = true;
        return new HostEnd(Scheduler.of(store), shared, false);
    }

    /**
     * The readable end {@code value} (a stream or future the host received from a guest or created) as a host
     * reader; the value cannot be given to a guest afterwards.
     */
    public static HostEnd reader(Store<?> store, ComponentValue value, boolean future) {
        if (!(value instanceof ComponentValue.AsyncEnd end) || !(end.shared() instanceof Streams.Shared shared)) {
            throw new ComponentException("expected the readable end of a " + (future ? "future" : "stream")
                    + ", got " + value);
        }
        if (shared.future != future) {
            throw new ComponentException("expected the readable end of a " + (future ? "future" : "stream")
                    + ", got one of a " + (shared.future ? "future" : "stream"));
        }
        if (!shared.readableHeldByHost) {
            throw new ComponentException("the readable end of this " + (future ? "future" : "stream")
                    + " was already given away (to a guest or a host reader)");
        }
        shared.readableHeldByHost = false;
        return new HostEnd(Scheduler.of(store), shared, true);
    }

    /**
     * One end of a stream or future held by the host. Its operations may be called from any thread; they run on
     * the event loop, one copy at a time per end, and their futures complete there. While an end is open the
     * event loop waits for the host instead of reporting a deadlock, so close every end.
     */
    public static final class HostEnd {
        private final Scheduler sched;
        private final Streams.Shared shared;
        private final boolean readable;
        /** The host's copy in progress (its buffer may be the shared pending one). */
        private Streams.Buffer pending;
        private boolean closed;
        /** {@link #close()} was called (on any thread; {@link #closed} is the event loop's). */
        private volatile boolean closeRequested;
        /** The result of the copy posted last (one at a time per end), until it completes. */
        private volatile CompletableFuture<Copy> posted;
        /** Whether the drop of the other end completes {@link #posted} (registered once, on the first post). */
        private volatile boolean watchingDrop;
        /** The other end was dropped (a copy reported DROPPED): no further copy can move anything. */
        private boolean otherDropped;

        private HostEnd(Scheduler sched, Streams.Shared shared, boolean readable) {
            this.sched = sched;
            this.shared = shared;
            this.readable = readable;
            sched.hostActivity.incrementAndGet();
        }

        public Optional<ValueType> elementType() {
            return shared.t;
        }

        public boolean isFuture() {
            return shared.future;
        }

        /** The readable end as a value to hand to a guest (a writer's; the value may be lowered once). */
        public ComponentValue readableValue() {
            return new ComponentValue.AsyncEnd(shared);
        }

        /** Writes {@code values} (a future: one); completes when some (a future: the one) were taken. */
        public CompletableFuture<Copy> write(List<ComponentValue> values) {
            if (readable) {
                throw new IllegalStateException("a reader cannot write");
            }
            List<ComponentValue> copy = values instanceof ScalarList ? values : List.copyOf(values);
            if (shared.future && copy.size() != 1) {
                throw new IllegalArgumentException("a future takes exactly one value, got " + copy.size());
            }
            if (otherEndGone()) {
                // decided already: no event-loop turn needed (none may come once the guest's call returned)
                return CompletableFuture.completedFuture(new Copy(List.of(), 0, DROPPED));
            }
            return post(new Source(copy), true);
        }

        /**
         * Posts a copy to the event loop. With {@code endsOnDrop}, a drop of the other end also completes it as
         * DROPPED (nothing moved) if the event loop has not started it by then: a copy posted just before the guest
         * dropped its end and returned would otherwise wait for a turn that may never come. (A started copy is
         * pending in {@link Streams.Shared}, whose drop reports DROPPED with what moved, before the signal.)
         */
        private CompletableFuture<Copy> post(Streams.Buffer buffer, boolean endsOnDrop) {
            CompletableFuture<Copy> result = new CompletableFuture<>();
            if (endsOnDrop) {
                posted = result;
                if (!watchingDrop) {
                    synchronized (this) {
                        if (!watchingDrop) {
                            watchingDrop = true;
                            shared.dropSignal().thenRun(this::endPostedCopy);
                        }
                    }
                }
            }
            sched.post(() -> start(buffer, result));
            if (endsOnDrop && otherEndGone()) {
                // dropped between the check above and the post (the signal may have seen the previous copy)
                endPostedCopy();
            }
            return result;
        }

        private void endPostedCopy() {
            CompletableFuture<Copy> r = posted;
            if (r != null && !closeRequested) {
                r.complete(new Copy(List.of(), 0, DROPPED));
            }
        }

        /** The other end was dropped while this one is open: every copy now reports DROPPED. */
        private boolean otherEndGone() {
            return shared.dropped && !closeRequested;
        }

        /**
         * Completes as soon as the other end is dropped (the guest's drop completes it during the guest's own turn,
         * on the thread driving the store), or at once if it was; also when this end is closed. It needs no later
         * event-loop turn: a host that waits on something else (a socket, a request body) can stop then.
         */
        public CompletableFuture<Void> otherEndDropped() {
            return shared.dropSignal();
        }

        /** Reads at most {@code max} values (a future: its value); completes when some arrived or the writer dropped. */
        public CompletableFuture<Copy> read(int max) {
            if (!readable) {
                throw new IllegalStateException("a writer cannot read");
            }
            if (max < 0) {
                throw new IllegalArgumentException("negative read length " + max);
            }
            if (otherEndGone() && !shared.future) {
                // a stream whose writer is gone has nothing more to give; a future's value may still be there
                return CompletableFuture.completedFuture(new Copy(List.of(), 0, DROPPED));
            }
            return post(new Sink(shared.future ? 1 : max), !shared.future);
        }

        private void start(Streams.Buffer buffer, CompletableFuture<Copy> result) {
            if (closed) {
                result.completeExceptionally(new IllegalStateException("this " + noun() + " end is closed"));
                return;
            }
            if (pending != null) {
                result.completeExceptionally(new IllegalStateException(
                        "a copy is already in progress on this " + noun() + " end"));
                return;
            }
            if (otherDropped) {
                result.complete(new Copy(List.of(), 0, DROPPED));
                return;
            }
            pending = buffer;
            IntConsumer onCopyDone = status -> finish(buffer, status, result);
            Consumer<Runnable> onCopy = reclaim -> {
                reclaim.run();
                finish(buffer, COMPLETED, result);
            };
            try {
                if (shared.future) {
                    if (readable) {
                        shared.futureRead(null, buffer, onCopyDone);
                    } else {
                        shared.futureWrite(null, buffer, onCopyDone);
                    }
                } else if (readable) {
                    shared.streamRead(null, buffer, onCopy, onCopyDone);
                } else {
                    shared.streamWrite(null, buffer, onCopy, onCopyDone);
                }
            } catch (RuntimeException e) {
                // a value the guest's buffer could not hold (wrong type): nothing was moved
                if (shared.pendingBuffer == buffer) {
                    shared.resetPending();
                }
                pending = null;
                result.completeExceptionally(e);
            }
        }

        private void finish(Streams.Buffer buffer, int status, CompletableFuture<Copy> result) {
            if (pending == buffer) {
                pending = null;
            }
            if (status == DROPPED || (shared.future && status == COMPLETED)) {
                otherDropped = true;
            }
            List<ComponentValue> values = buffer instanceof Sink s ? s.values() : List.of();
            result.complete(new Copy(values, buffer.progress, status));
        }

        /** Cancels the copy in progress, if any: its future completes with {@link #CANCELLED}. */
        public void cancel() {
            sched.post(() -> {
                if (pending != null && shared.pendingBuffer == pending) {
                    shared.cancel();
                }
            });
        }

        /** Drops this end (cancelling a copy in progress); the other side sees {@link #DROPPED}. */
        public void close() {
            closeRequested = true;
            sched.post(() -> {
                if (closed) {
                    return;
                }
                closed = true;
                if (pending != null && shared.pendingBuffer == pending) {
                    shared.cancel();
                }
                shared.drop();
                sched.hostActivity.decrementAndGet();
            });
        }

        private String noun() {
            return shared.future ? "future" : "stream";
        }
    }

    /** A host write's values, taken by the guest reader. */
    private static final class Source extends Streams.Buffer {
        private final List<ComponentValue> values;

        Source(List<ComponentValue> values) {
            super(values.size());
            this.values = values;
        }

        @Override
        List<ComponentValue> read(int n) {
            List<ComponentValue> r;
            if (values instanceof ScalarList s && s.array() instanceof byte[] bytes) {
                // byte streams stay one array end to end: the guest buffer stores it with one bulk copy
                r = ScalarList.wrap(s.elementType(), Arrays.copyOfRange(bytes, progress, progress + n));
            } else {
                r = List.copyOf(values.subList(progress, progress + n));
            }
            progress += n;
            return r;
        }

        @Override
        void write(List<ComponentValue> vs) {
            throw new IllegalStateException("a host write buffer is not written to");
        }
    }

    /** A host read's buffer, filled by the guest writer. */
    private static final class Sink extends Streams.Buffer {
        private final List<List<ComponentValue>> chunks = new ArrayList<>(1);

        Sink(int capacity) {
            super(capacity);
        }

        @Override
        List<ComponentValue> read(int n) {
            throw new IllegalStateException("a host read buffer is not read from");
        }

        @Override
        void write(List<ComponentValue> vs) {
            chunks.add(vs);
            progress += vs.size();
        }

        List<ComponentValue> values() {
            if (chunks.size() == 1) {
                return chunks.getFirst();
            }
            List<ComponentValue> all = new ArrayList<>(progress);
            chunks.forEach(all::addAll);
            return all;
        }
    }
}
