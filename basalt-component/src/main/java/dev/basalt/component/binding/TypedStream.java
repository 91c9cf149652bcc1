package dev.basalt.component.binding;

import dev.basalt.Store;
import dev.basalt.component.ComponentEventLoop;
import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.CopyResult;
import dev.basalt.component.StreamReader;
import dev.basalt.component.StreamWriter;
import dev.basalt.component.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The readable end of a WIT {@code stream<T>} in generated bindings: the end itself ({@link #end()}, what a guest
 * receives or gave) with the conversion of its elements to {@code T}. The host reads it with {@link #reader} or
 * {@link #readAll}, or passes it on to a guest; an end is used once (read or passed, not both). Reading needs the
 * store the stream lives in, which drives the guests that write it ({@link ComponentEventLoop}).
 *
 * <p>To give a guest a stream the host writes, make a {@link Writer} ({@link #writer}) and pass its
 * {@link Writer#readableEnd()}.
 *
 * @param <T> the Java type of the elements ({@link Void} for {@code stream} without elements)
 */
public final class TypedStream<T> {
    private final ComponentValue end;
    private final Function<ComponentValue, ? extends T> lift;

    /** {@code end} (a stream's readable end) whose elements {@code lift} converts to {@code T}. */
    public TypedStream(ComponentValue end, Function<ComponentValue, ? extends T> lift) {
        if (!(Objects.requireNonNull(end, "end") instanceof ComponentValue.AsyncEnd)) {
            throw new ComponentException("expected the readable end of a stream, got " + end);
        }
        this.end = end;
        this.lift = Objects.requireNonNull(lift, "lift");
    }

    /** The readable end as a component value (what is lowered into a guest). */
    public ComponentValue end() {
        return end;
    }

    /** A reader of this end in {@code store} (the end cannot be given to a guest afterwards). */
    public StreamReader reader(Store<?> store) {
        return StreamReader.of(store, end);
    }

    /**
     * Reads until the writer drops its end, running {@code store}'s event loop meanwhile, and returns the elements
     * as {@code T}. Call it on the thread that drives the store.
     */
    public List<T> readAll(Store<?> store) {
        try (StreamReader reader = reader(store)) {
            List<ComponentValue> values = ComponentEventLoop.join(store, reader.readAll());
            List<T> out = new ArrayList<>(values.size());
            for (ComponentValue v : values) {
                out.add(lift.apply(v));
            }
            return out;
        }
    }

    /** {@link #readAll} of a {@code stream<u8>} (or {@code stream<s8>}) as one byte array. */
    public byte[] readAllBytes(Store<?> store) {
        try (StreamReader reader = reader(store)) {
            return ComponentEventLoop.join(store, reader.readAllBytes());
        }
    }

    /**
     * A new stream in {@code store} that the host writes: {@code element} is the component type of its elements
     * (empty: {@code stream} without elements) and {@code lower} converts a {@code T} to it.
     */
    public static <T> Writer<T> writer(Store<?> store, Optional<ValueType> element,
            Function<? super T, ComponentValue> lower) {
        return new Writer<>(StreamWriter.create(store, element), lower);
    }

    @Override
    public String toString() {
        return "TypedStream[" + end + "]";
    }

    /**
     * The writable end of a stream the host writes ({@link TypedStream#writer}); its {@link #readableEnd()} goes to
     * a guest. Writes complete as the guest reads (nothing is buffered); close it to end the stream.
     */
    public static final class Writer<T> implements AutoCloseable {
        private final StreamWriter raw;
        private final Function<? super T, ComponentValue> lower;

        private Writer(StreamWriter raw, Function<? super T, ComponentValue> lower) {
            this.raw = raw;
            this.lower = Objects.requireNonNull(lower, "lower");
        }

        /** The untyped writer underneath (byte writes, cancellation). */
        public StreamWriter raw() {
            return raw;
        }

        /** The readable end, to pass to a guest (once). */
        public TypedStream<T> readableEnd() {
            return new TypedStream<T>(raw.readableEnd(), v -> {
                throw new ComponentException("the host wrote this stream: give its readable end to a guest");
            });
        }

        /** Writes {@code values}; completes once the reader took some of them. */
        public CompletableFuture<CopyResult> write(List<? extends T> values) {
            return raw.write(lowerAll(values));
        }

        /** Writes all of {@code values}, in as many copies as the reader needs. */
        public CompletableFuture<CopyResult> writeAll(List<? extends T> values) {
            return raw.writeAll(lowerAll(values));
        }

        private List<ComponentValue> lowerAll(List<? extends T> values) {
            List<ComponentValue> out = new ArrayList<>(values.size());
            for (T v : values) {
                out.add(lower.apply(v));
            }
            return out;
        }

        /** Drops the writable end: the guest reader sees the stream end once it has read what was written. */
        @Override
        public void close() {
            raw.close();
        }
    }
}
