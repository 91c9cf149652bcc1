package dev.basalt.spin.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An application's named resources of one kind (key-value stores, SQLite databases): each is opened from its
 * factory on first use and shared by every guest (and thread) after that; {@link #close()} closes those opened.
 * Which names a guest may open is decided by its grants, not here.
 *
 * @param <T> the resource
 */
public final class OpenedOnFirstUse<T> {
    private final Map<String, Supplier<T>> factories;
    private final Map<String, String> descriptions;
    private final Consumer<T> closer;
    private final Supplier<RuntimeException> closedError;
    private final Map<String, T> open = new LinkedHashMap<>();
    private boolean closed;

    /**
     * @param factories per name, how to open it
     * @param descriptions per name, where it is (for logs)
     * @param closer closes one opened resource
     * @param closedError the exception for an {@link #open} after {@link #close()}
     */
    public OpenedOnFirstUse(Map<String, Supplier<T>> factories, Map<String, String> descriptions,
                            Consumer<T> closer, Supplier<RuntimeException> closedError) {
        this.factories = Map.copyOf(factories);
        this.descriptions = Collections.unmodifiableMap(new LinkedHashMap<>(descriptions));
        this.closer = closer;
        this.closedError = closedError;
    }

    /** Whether {@code name} is configured. */
    public boolean has(String name) {
        return factories.containsKey(name);
    }

    /** The configured names with where each resource is. */
    public Map<String, String> describe() {
        return descriptions;
    }

    /**
     * The resource {@code name}, opened now if this is its first use; empty if none is configured. A factory's
     * exception propagates, and the next call tries again.
     */
    public synchronized Optional<T> open(String name) {
        if (closed) {
            throw closedError.get();
        }
        T r = open.get(name);
        if (r == null) {
            Supplier<T> f = factories.get(name);
            if (f == null) {
                return Optional.empty();
            }
            r = f.get();
            open.put(name, r);
        }
        return Optional.of(r);
    }

    /** Closes every opened resource; later {@link #open} calls fail. */
    public synchronized void close() {
        closed = true;
        open.values().forEach(closer);
        open.clear();
    }
}
