package dev.basalt;

/**
 * A function implemented in Java and called from Wasm. It receives the arguments as {@link Val}s (in the order of
 * its {@link FuncType}'s parameters) and returns the results in the order of its result types. Throwing a
 * {@link Trap} traps the calling Wasm code; any other exception becomes a trap of kind
 * {@link TrapKind#HOST_ERROR} with the exception as cause.
 */
@FunctionalInterface
public interface HostFunction<T> {
    Val[] call(Caller<T> caller, Val[] args);
}
