package dev.basalt.component;

import dev.basalt.Store;
import java.util.List;

/**
 * A component function implemented in Java. It receives the lifted arguments in parameter order and returns the
 * results (an empty list, or one value for a function with a result). Borrowed handles among the arguments are
 * valid only during the call. Throw a {@link dev.basalt.Trap} to trap the calling component.
 */
@FunctionalInterface
public interface ComponentHostFunction<T> {
    List<ComponentValue> call(Store<T> store, List<ComponentValue> args);
}
