package dev.basalt.internal.runtime;

/**
 * A function that tiering has compiled while the module runs in the interpreter ({@link dev.basalt.Config.Strategy#AUTO}):
 * shared by every instance of the module, so it takes the function's own instance. The interpreter calls it instead
 * of interpreting the body once it is installed. Implementations keep only final fields: they are published to
 * running threads without locking (a thread that sees the reference sees the object complete, JLS 17.5).
 */
public interface TieredCode extends CompiledFrames {
    /**
     * Runs the function with its arguments on {@code m}'s value stack at {@code base}; the results replace them.
     * Like every compiled function it respects the call depth limit (see {@link dev.basalt.spi.ModuleCode}) and
     * charges fuel.
     */
    void invoke(StoreState m, ModuleInstance inst, int base);
}
