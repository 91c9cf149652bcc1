package dev.basalt.internal.runtime;

/**
 * The engine-side form of a host function: reads its {@code paramCount} arguments from the store's value stack
 * at {@code base} and writes its results there.
 */
@FunctionalInterface
public interface HostCode {
    void invoke(StoreState state, ModuleInstance caller, int base);
}
