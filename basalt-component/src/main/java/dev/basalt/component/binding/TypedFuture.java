package dev.basalt.component.binding;

import dev.basalt.Store;
import dev.basalt.component.ComponentEventLoop;
import dev.basalt.component.ComponentException;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.FutureReader;
import dev.basalt.component.FutureWriter;
import dev.basalt.component.ValueType;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The readable end of a WIT {@code future<T>} in generated bindings: the end itself ({@link #end()}) with the
 * conversion of its value to {@code T}. The host reads it once ({@link #read}, {@link #reader}) or passes it on to a
 * guest. To give a guest a future the host completes, make a {@link Writer} ({@link #writer}) and pass its
 * {@link Writer#readableEnd()}.
 *
 * @param <T> the Java type of the value ({@link Void} for {@code future} without a value)
 */
public final class TypedFuture<T> {
    private final ComponentValue end;
    private final Function<ComponentValue, ? extends T> lift;

    /** {@code end} (a future's readable end) whose value {@code lift} converts to {@code T}. */
    public TypedFuture(ComponentValue end, Function<ComponentValue, ? extends T> lift) {
        if (!(Objects.requireNonNull(end, "end") instanceof ComponentValue.AsyncEnd)) {
            throw new ComponentException("expected the readable end of a future, got " + end);
        }
        this.end = end;
        this.lift = Objects.requireNonNull(lift, "lift");
    }

    /** The readable end as a component value (what is lowered into a guest). */
    public ComponentValue end() {
        return end;
    }

    /** A reader of this end in {@code store} (the end cannot be given to a guest afterwards). */
    public FutureReader reader(Store<?> store) {
        return FutureReader.of(store, end);
    }

    /**
     * Waits for the value, running {@code store}'s event loop meanwhile: the value as {@code T}, or empty when the
     * writer dropped its end without writing. For a {@code future} without a value use {@link #readDone}. Call it
     * on the thread that drives the store.
     */
    public Optional<T> read(Store<?> store) {
        return readValue(store).map(lift);
    }

    /**
     * Waits for the future to be written, running {@code store}'s event loop meanwhile: true when it was, false when
     * the writer dropped its end without writing (the value, if the future has one, is discarded).
     */
    public boolean readDone(Store<?> store) {
        return readValue(store).isPresent();
    }

    private Optional<ComponentValue> readValue(Store<?> store) {
        try (FutureReader reader = reader(store)) {
            return ComponentEventLoop.join(store, reader.read());
        }
    }

    /**
     * A new future in {@code store} that the host completes: {@code element} is the component type of its value
     * (empty: {@code future} without a value) and {@code lower} converts a {@code T} to it.
     */
    public static <T> Writer<T> writer(Store<?> store, Optional<ValueType> element,
            Function<? super T, ComponentValue> lower) {
        return new Writer<>(FutureWriter.create(store, element), lower);
    }

    @Override
    public String toString() {
        return "TypedFuture[" + end + "]";
    }

    /** The writable end of a future the host completes ({@link TypedFuture#writer}). */
    public static final class Writer<T> implements AutoCloseable {
        private final FutureWriter raw;
        private final Function<? super T, ComponentValue> lower;

        private Writer(FutureWriter raw, Function<? super T, ComponentValue> lower) {
            this.raw = raw;
            this.lower = Objects.requireNonNull(lower, "lower");
        }

        /** The untyped writer underneath. */
        public FutureWriter raw() {
            return raw;
        }

        /** The readable end, to pass to a guest (once). */
        public TypedFuture<T> readableEnd() {
            return new TypedFuture<T>(raw.readableEnd(), v -> {
                throw new ComponentException("the host writes this future: give its readable end to a guest");
            });
        }

        /** Writes the value; completes with true once the reader took it, false if it dropped its end first. */
        public CompletableFuture<Boolean> write(T value) {
            return raw.write(lower.apply(value));
        }

        /** Drops the writable end (unwritten: the reader sees it dropped). */
        @Override
        public void close() {
            raw.close();
        }
    }
}
