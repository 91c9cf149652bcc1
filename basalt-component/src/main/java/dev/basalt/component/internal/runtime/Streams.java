package dev.basalt.component.internal.runtime;

import dev.basalt.Func;
import dev.basalt.Store;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ValueType;
import dev.basalt.wasm.NumType;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Streams and futures (CanonicalABI.md "Buffer State", "Stream State", "Future State" and the {@code stream.*} /
 * {@code future.*} built-ins): the state both ends share, the ends as waitables in a handle table, guest buffers,
 * and the built-ins, following the Python definitions. Trap wording is wasmtime's, which the testsuite expects.
 */
final class Streams {
    private Streams() {
    }

    static final int COMPLETED = 0, DROPPED = 1, CANCELLED = 2;

    /**
     * A guest buffer: {@code length} elements of {@code elem} (null: no payload) at {@code ptr}. The host's buffers
     * ({@link HostAsync}) extend it, holding Java values instead of guest memory.
     */
    static class Buffer {
        static final long MAX_LENGTH = (1L << 28) - 1;
        final AbiContext cx;
        final Layout elem;
        long ptr;
        int progress;
        final int length;

        Buffer(AbiContext cx, Layout elem, long ptr, long length) {
            Traps.trapIf(length > MAX_LENGTH, "buffer too long");
            if (elem != null && length > 0) {
                Traps.trapIf(ptr % elem.alignment != 0, Traps.UNALIGNED);
                Traps.trapIf(ptr + length * elem.size > cx.memLength(), "pointer out of bounds of memory");
            }
            this.cx = cx;
            this.elem = elem;
            this.ptr = ptr;
            this.length = (int) length;
        }

        /** A host buffer of {@code length} elements (no guest memory behind it). */
        Buffer(int length) {
            this.cx = null;
            this.elem = null;
            this.length = length;
        }

        int remain() {
            return length - progress;
        }

        boolean isZeroLength() {
            return length == 0;
        }

        List<ComponentValue> read(int n) {
            List<ComponentValue> vs;
            if (elem != null) {
                vs = CanonicalAbi.loadListFromValidRange(cx, ptr, n, elem);
                ptr += n * elem.size;
            } else {
                vs = java.util.Collections.nCopies(n, UNIT);
            }
            progress += n;
            return vs;
        }

        void write(List<ComponentValue> vs) {
            if (elem != null) {
                CanonicalAbi.storeListIntoValidRange(cx, vs, ptr, elem);
                ptr += vs.size() * elem.size;
            }
            progress += vs.size();
        }
    }

    private static final ComponentValue UNIT = new ComponentValue.TupleValue(List.of());

    /** {@code SharedStreamImpl} and {@code SharedFutureImpl}: what the two ends of one stream or future share. */
    static final class Shared {
        final boolean future;
        final Optional<ValueType> t;
        /** An end was dropped. Set on the event loop's thread; volatile for the host's threads (see dropSignal). */
        volatile boolean dropped;
        /**
         * Completed when an end is dropped, in the turn that drops it; made on first request (host ends only), so
         * that the guests' own streams do not pay for it.
         */
        private volatile CompletableFuture<Void> dropSignal;
        /**
         * Whether the readable end is a value in the host's hands ({@code ComponentValue.AsyncEnd}: created by the
         * host or lifted out of a guest) that may be lowered into a guest or read by the host, once.
         */
        boolean readableHeldByHost;
        RuntimeInstance pendingInst;
        Buffer pendingBuffer;
        Consumer<Runnable> pendingOnCopy;
        IntConsumer pendingOnCopyDone;

        Shared(boolean future, Optional<ValueType> t) {
            this.future = future;
            this.t = t;
        }

        void resetPending() {
            setPending(null, null, null, null);
        }

        void setPending(RuntimeInstance inst, Buffer buffer, Consumer<Runnable> onCopy, IntConsumer onCopyDone) {
            pendingInst = inst;
            pendingBuffer = buffer;
            pendingOnCopy = onCopy;
            pendingOnCopyDone = onCopyDone;
        }

        void resetAndNotifyPending(int result) {
            IntConsumer done = pendingOnCopyDone;
            resetPending();
            done.accept(result);
        }

        void cancel() {
            resetAndNotifyPending(CANCELLED);
        }

        void drop() {
            if (!dropped) {
                dropped = true;
                if (pendingBuffer != null) {
                    resetAndNotifyPending(DROPPED);
                }
                CompletableFuture<Void> signal = dropSignal;
                if (signal != null) {
                    signal.complete(null);
                }
            }
        }

        /**
         * Completes as soon as an end is dropped (at once if one was): callable from any thread. The volatile
         * write of one side and read of the other (dropped here, the signal in drop) make sure one of the two
         * completes it.
         */
        CompletableFuture<Void> dropSignal() {
            CompletableFuture<Void> signal = dropSignal;
            if (signal == null) {
                synchronized (this) {
                    signal = dropSignal;
                    if (signal == null) {
                        signal = new CompletableFuture<>();
                        dropSignal = signal;
                    }
                }
            }
            if (dropped) {
                signal.complete(null);
            }
            return signal;
        }

        private void checkIntraComponent(RuntimeInstance inst) {
            // CanonicalABI.md's "temporary" restriction: a copy within one instance only of numbers (or nothing).
            // The host (null) holding both ends is no instance: a host-made end a guest handed back to the host
            // (e.g. a wasi:http body passed through a middleware) is read by the host from its own writer.
            Traps.trapIf(inst != null && inst == pendingInst && !noneOrNumberType(t), "cannot read from and write to intra-component "
                    + (future ? "future" : "stream") + " with non-numeric payload");
        }

        void streamRead(RuntimeInstance inst, Buffer dst, Consumer<Runnable> onCopy, IntConsumer onCopyDone) {
            if (dropped) {
                onCopyDone.accept(DROPPED);
            } else if (pendingBuffer == null) {
                setPending(inst, dst, onCopy, onCopyDone);
            } else {
                checkIntraComponent(inst);
                if (pendingBuffer.remain() > 0) {
                    if (dst.remain() > 0) {
                        int n = Math.min(dst.remain(), pendingBuffer.remain());
                        dst.write(pendingBuffer.read(n));
                        pendingOnCopy.accept(this::resetPending);
                    }
                    onCopyDone.accept(COMPLETED);
                } else {
                    resetAndNotifyPending(COMPLETED);
                    setPending(inst, dst, onCopy, onCopyDone);
                }
            }
        }

        void streamWrite(RuntimeInstance inst, Buffer src, Consumer<Runnable> onCopy, IntConsumer onCopyDone) {
            if (dropped) {
                onCopyDone.accept(DROPPED);
            } else if (pendingBuffer == null) {
                setPending(inst, src, onCopy, onCopyDone);
            } else {
                checkIntraComponent(inst);
                if (pendingBuffer.remain() > 0) {
                    if (src.remain() > 0) {
                        int n = Math.min(src.remain(), pendingBuffer.remain());
                        pendingBuffer.write(src.read(n));
                        pendingOnCopy.accept(this::resetPending);
                    }
                    onCopyDone.accept(COMPLETED);
                } else if (src.isZeroLength() && pendingBuffer.isZeroLength()) {
                    onCopyDone.accept(COMPLETED);
                } else {
                    resetAndNotifyPending(COMPLETED);
                    setPending(inst, src, onCopy, onCopyDone);
                }
            }
        }

        void futureRead(RuntimeInstance inst, Buffer dst, IntConsumer onCopyDone) {
            if (dropped) {
                // only a host writer can drop without writing (a guest's drop traps first): the read sees DROPPED
                onCopyDone.accept(DROPPED);
            } else if (pendingBuffer == null) {
                setPending(inst, dst, null, onCopyDone);
            } else {
                checkIntraComponent(inst);
                dst.write(pendingBuffer.read(1));
                resetAndNotifyPending(COMPLETED);
                onCopyDone.accept(COMPLETED);
            }
        }

        void futureWrite(RuntimeInstance inst, Buffer src, IntConsumer onCopyDone) {
            if (dropped) {
                onCopyDone.accept(DROPPED);
            } else if (pendingBuffer == null) {
                setPending(inst, src, null, onCopyDone);
            } else {
                checkIntraComponent(inst);
                pendingBuffer.write(src.read(1));
                resetAndNotifyPending(COMPLETED);
                onCopyDone.accept(COMPLETED);
            }
        }
    }

    static boolean noneOrNumberType(Optional<ValueType> t) {
        if (t.isEmpty()) {
            return true;
        }
        if (t.get() instanceof ValueType.Primitive p) {
            return switch (p.type()) {
                case U8, U16, U32, U64, S8, S16, S32, S64, F32, F64 -> true;
                default -> false;
            };
        }
        return false;
    }

    enum CopyState { IDLE, COPYING, CANCELLING_COPY, DONE }

    /** {@code CopyEnd}: one end of a stream or future in a handle table. */
    static final class End extends Waitable {
        final Shared shared;
        final boolean readable;
        CopyState state = CopyState.IDLE;
        /**
         * While the pending event of this end reports a partial copy into or out of a buffer that still has room
         * (the other end copied some elements and may copy more until the event is delivered): that buffer, and
         * the event a cancellation reports instead. wasmtime counts such a copy as still in progress, so cancelling
         * it reports CANCELLED with the elements copied so far, not COMPLETED; the suite expects that.
         */
        Buffer partialBuffer;
        java.util.function.Supplier<Waitable.Event> partialCancelEvent;

        End(Shared shared, boolean readable) {
            this.shared = shared;
            this.readable = readable;
        }

        boolean copying() {
            return state == CopyState.COPYING || state == CopyState.CANCELLING_COPY;
        }

        String noun() {
            return shared.future ? "future" : "stream";
        }

        @Override
        void drop() {
            // wasmtime's wording: a busy readable end cannot be removed from the table, a busy writable one dropped
            Traps.trapIf(copying(), (readable ? "cannot remove busy " : "cannot drop busy ") + noun());
            if (shared.future && !readable) {
                Traps.trapIf(state != CopyState.DONE, "cannot drop future write end without first writing a value");
            }
            shared.drop();
            super.drop();
        }
    }

    // ---- lifting and lowering (lift_async_value, lower_stream/lower_future) ---------------------------------------

    static ComponentValue lift(AbiContext cx, int i, Layout t) {
        boolean future = t.kind == Layout.Kind.FUTURE;
        String noun = future ? "future" : "stream";
        Object o = cx.inst.handles.getAny(i);
        if (!(o instanceof End e) || !e.readable || e.shared.future != future) {
            throw Traps.trap("handle index " + Integer.toUnsignedString(i) + " is not a readable " + noun + " end");
        }
        Traps.trapIf(!e.shared.t.equals(elementType(t.type)), "mismatched " + noun + " payload type");
        Traps.trapIf(e.state == CopyState.COPYING || e.state == CopyState.CANCELLING_COPY, "cannot remove busy " + noun);
        Traps.trapIf(e.state == CopyState.DONE, future ? "cannot lift future after previous read succeeded"
                : "cannot lift stream after being notified that the writable end dropped");
        Traps.trapIf(e.inWaitableSet(), "cannot lift " + noun + " while it's in a waitable set");
        cx.inst.handles.removeAny(i);
        e.shared.readableHeldByHost = true;
        return new ComponentValue.AsyncEnd(e.shared);
    }

    static long lower(AbiContext cx, ComponentValue v, Layout t) {
        if (!(v instanceof ComponentValue.AsyncEnd a) || !(a.shared() instanceof Shared shared)) {
            throw new dev.basalt.component.ComponentException("expected a " + t.type + " value, got " + v);
        }
        if (!shared.t.equals(elementType(t.type)) || shared.future != (t.kind == Layout.Kind.FUTURE)) {
            throw new dev.basalt.component.ComponentException("expected a " + t.type + " value, got the readable end "
                    + "of a " + (shared.future ? "future" : "stream") + shared.t.map(e -> "<" + e + ">").orElse(""));
        }
        if (!shared.readableHeldByHost) {
            throw new dev.basalt.component.ComponentException("the readable end of this "
                    + (shared.future ? "future" : "stream") + " was already given away (to a guest or a host reader)");
        }
        shared.readableHeldByHost = false;
        return Integer.toUnsignedLong(cx.inst.handles.add(new End(shared, true)));
    }

    static Optional<ValueType> elementType(ValueType t) {
        return switch (t) {
            case ValueType.StreamType s -> s.element();
            case ValueType.FutureType f -> f.element();
            default -> throw new IllegalArgumentException("not a stream or future type: " + t);
        };
    }

    // ---- built-ins ------------------------------------------------------------------------------------------------

    static Func newEnds(Store<?> store, RuntimeInstance inst, ValueType type) {
        boolean future = type instanceof ValueType.FutureType;
        Optional<ValueType> t = elementType(type);
        return Builtins.fn(store, Builtins.NONE, List.of(NumType.I64), future ? "future.new" : "stream.new", a -> {
            Builtins.checkMayLeave(inst);
            Shared shared = new Shared(future, t);
            long ri = inst.handles.add(new End(shared, true));
            long wi = inst.handles.add(new End(shared, false));
            return Builtins.one(ri | (wi << 32));
        });
    }

    private static End end(RuntimeInstance inst, long i, boolean readable, ValueType type) {
        boolean future = type instanceof ValueType.FutureType;
        Object o = inst.handles.getAny((int) i);
        if (!(o instanceof End e) || e.readable != readable || e.shared.future != future) {
            throw Traps.trap("handle index " + i + " is not a " + (readable ? "readable" : "writable") + " "
                    + (future ? "future" : "stream") + " end");
        }
        Traps.trapIf(!e.shared.t.equals(elementType(type)), "mismatched " + (future ? "future" : "stream")
                + " payload type");
        return e;
    }

    /** {@code stream.read/write} and {@code future.read/write} ({@code readable}: the read). */
    static Func copy(Store<?> store, RuntimeInstance inst, ValueType type, boolean readable, AbiOptions opts,
            boolean async) {
        boolean future = type instanceof ValueType.FutureType;
        Optional<ValueType> t = elementType(type);
        Layout elem = t.map(Layout::of).orElse(null);
        String name = (future ? "future." : "stream.") + (readable ? "read" : "write");
        List<NumType> params = future ? Builtins.I32_I32 : List.of(NumType.I32, NumType.I32, NumType.I32);
        int eventCode = future ? (readable ? Waitable.FUTURE_READ : Waitable.FUTURE_WRITE)
                : (readable ? Waitable.STREAM_READ : Waitable.STREAM_WRITE);
        return Builtins.fn(store, params, Builtins.I32, name, a -> {
            Builtins.checkMayLeave(inst);
            CmThread thread = inst.sched.current();
            Traps.trapIf(!async && !thread.task.mayBlock(), CmThread.CANNOT_BLOCK_SYNC);
            int i = (int) a[0];
            End e = end(inst, a[0], readable, type);
            if (e.state == CopyState.DONE) {
                throw Traps.trap(future
                        ? (readable ? "cannot read from future after previous read succeeded"
                                : "cannot write to future after previous write succeeded or readable end dropped")
                        : (readable ? "cannot read from stream after being notified that the writable end dropped"
                                : "cannot write to stream after being notified that the readable end dropped"));
            }
            Traps.trapIf(e.state != CopyState.IDLE, "cannot have concurrent operations active on a future/stream");
            Traps.trapIf(e.inWaitableSet() && !async, Builtins.TRANSFER_IN_SET);
            AbiContext cx = new AbiContext(opts, inst, null, null, false);
            Buffer buffer = new Buffer(cx, elem, a[1] & 0xffff_ffffL, future ? 1 : a[2] & 0xffff_ffffL);
            e.state = CopyState.COPYING;
            if (future) {
                IntConsumer onCopyDone = result -> e.setPendingEvent(() -> {
                    e.state = result == DROPPED || result == COMPLETED ? CopyState.DONE : CopyState.IDLE;
                    return new Waitable.Event(eventCode, i, result);
                });
                if (readable) {
                    e.shared.futureRead(inst, buffer, onCopyDone);
                } else {
                    e.shared.futureWrite(inst, buffer, onCopyDone);
                }
            } else {
                java.util.function.BiFunction<Integer, Runnable, Waitable.Event> streamEvent = (result, reclaim) -> {
                    reclaim.run();
                    e.partialBuffer = null;
                    e.partialCancelEvent = null;
                    e.state = result == DROPPED ? CopyState.DONE : CopyState.IDLE;
                    return new Waitable.Event(eventCode, i, result | (buffer.progress << 4));
                };
                Consumer<Runnable> onCopy = reclaim -> {
                    e.setPendingEvent(() -> streamEvent.apply(COMPLETED, reclaim));
                    e.partialBuffer = buffer;
                    e.partialCancelEvent = () -> streamEvent.apply(CANCELLED, reclaim);
                };
                IntConsumer onCopyDone = result -> {
                    e.setPendingEvent(() -> streamEvent.apply(result, () -> {
                    }));
                    e.partialBuffer = null;
                    e.partialCancelEvent = null;
                };
                if (readable) {
                    e.shared.streamRead(inst, buffer, onCopy, onCopyDone);
                } else {
                    e.shared.streamWrite(inst, buffer, onCopy, onCopyDone);
                }
            }
            if (!e.hasPendingEvent()) {
                if (!async) {
                    Traps.trapIf(!thread.task.mayBlock(), CmThread.CANNOT_BLOCK_SYNC);
                    e.waitForPendingEvent(thread);
                } else {
                    return Builtins.one(Builtins.BLOCKED);
                }
            }
            return Builtins.one(e.getPendingEvent().p2() & 0xffff_ffffL);
        });
    }

    /** {@code stream.cancel-read/write} and {@code future.cancel-read/write}. */
    static Func cancel(Store<?> store, RuntimeInstance inst, ValueType type, boolean readable, boolean async) {
        boolean future = type instanceof ValueType.FutureType;
        String name = (future ? "future." : "stream.") + (readable ? "cancel-read" : "cancel-write");
        return Builtins.fn(store, Builtins.I32, Builtins.I32, name, a -> {
            Builtins.checkMayLeave(inst);
            CmThread thread = inst.sched.current();
            Traps.trapIf(!async && !thread.task.mayBlock(), CmThread.CANNOT_BLOCK_SYNC);
            End e = end(inst, a[0], readable, type);
            Traps.trapIf(e.state != CopyState.COPYING || e.hasSyncWaiter, "cancel of a " + e.noun()
                    + " end that is not copying");
            Traps.trapIf(e.inWaitableSet() && !async, Builtins.TRANSFER_IN_SET);
            e.state = CopyState.CANCELLING_COPY;
            if (e.hasPendingEvent() && e.partialBuffer != null && e.partialBuffer.remain() > 0) {
                e.setPendingEvent(e.partialCancelEvent);
            } else if (!e.hasPendingEvent()) {
                e.shared.cancel();
                if (!e.hasPendingEvent()) {
                    if (!async) {
                        Traps.trapIf(!thread.task.mayBlock(), CmThread.CANNOT_BLOCK_SYNC);
                        e.waitForPendingEvent(thread);
                    } else {
                        return Builtins.one(Builtins.BLOCKED);
                    }
                }
            }
            return Builtins.one(e.getPendingEvent().p2() & 0xffff_ffffL);
        });
    }

    /** {@code stream.drop-readable/writable} and {@code future.drop-readable/writable}. */
    static Func drop(Store<?> store, RuntimeInstance inst, ValueType type, boolean readable) {
        boolean future = type instanceof ValueType.FutureType;
        String name = (future ? "future." : "stream.") + (readable ? "drop-readable" : "drop-writable");
        return Builtins.fn(store, Builtins.I32, Builtins.NONE, name, a -> {
            Builtins.checkMayLeave(inst);
            End e = end(inst, a[0], readable, type);
            e.drop();
            inst.handles.removeAny((int) a[0]);
            return Builtins.VOID;
        });
    }
}
