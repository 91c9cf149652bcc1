package dev.basalt.component.binding;

import java.util.Objects;
import java.util.function.Function;

/**
 * WIT's {@code result<T, E>}: {@link Ok} or {@link Err}. A side without a type in WIT ({@code result<_, E>},
 * {@code result<T>}, {@code result}) is {@code Void} here and its value is {@code null}.
 */
public sealed interface Result<T, E> {
    record Ok<T, E>(T value) implements Result<T, E> {
    }

    record Err<T, E>(E error) implements Result<T, E> {
    }

    static <T, E> Result<T, E> ok(T value) {
        return new Ok<>(value);
    }

    static <T, E> Result<T, E> err(E error) {
        return new Err<>(error);
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** The ok value, or a {@link ResultException} carrying the error. */
    default T orElseThrow() {
        return switch (this) {
            case Ok<T, E> ok -> ok.value();
            case Err<T, E> err -> throw new ResultException(err.error());
        };
    }

    default <U> Result<U, E> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Ok<T, E> ok -> new Ok<>(f.apply(ok.value()));
            case Err<T, E> err -> new Err<>(err.error());
        };
    }

    /** The error of a {@link Result} that was expected to be ok. */
    final class ResultException extends RuntimeException {
        private final transient Object error;

        public ResultException(Object error) {
            super("result was err: " + Objects.toString(error));
            this.error = error;
        }

        public Object error() {
            return error;
        }
    }
}
