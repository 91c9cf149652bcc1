package dev.basalt;

import dev.basalt.internal.interpreter.CompiledModule;
import dev.basalt.internal.interpreter.HotFunctions;
import dev.basalt.internal.runtime.TieredCode;
import dev.basalt.spi.FunctionTier;
import java.util.Arrays;

/**
 * {@link Config.Strategy#AUTO} for one module: collects the functions the interpreter reports hot and compiles them
 * in batches on the engine's compile thread (one task per module at a time, so {@link FunctionTier#compile} is never
 * called concurrently), then installs the code so later calls run it.
 */
final class ModuleTiering implements HotFunctions {
    private final Engine engine;
    private final CompiledModule compiled;
    private final FunctionTier tier;

    private final Object lock = new Object();
    /** Held while compiling: {@link FunctionTier#compile} is never called concurrently. */
    private final Object compileLock = new Object();
    private int[] pending = new int[16];
    private int pendingCount;
    private boolean scheduled;

    ModuleTiering(Engine engine, CompiledModule compiled, FunctionTier tier) {
        this.engine = engine;
        this.compiled = compiled;
        this.tier = tier;
    }

    @Override
    public void hot(int funcIndex) {
        if (!engine.config().compileInBackground()) {
            synchronized (compileLock) {
                install(new int[] {funcIndex});
            }
            return;
        }
        synchronized (lock) {
            if (pendingCount == pending.length) {
                pending = Arrays.copyOf(pending, pendingCount * 2);
            }
            pending[pendingCount++] = funcIndex;
            if (scheduled) {
                return;
            }
            scheduled = true;
        }
        engine.submitCompile(this::drain);
    }

    /** Compiles everything reported so far (functions reported while it runs form the next batch). */
    private void drain() {
        for (;;) {
            int[] batch;
            synchronized (lock) {
                if (pendingCount == 0) {
                    scheduled = false;
                    return;
                }
                batch = Arrays.copyOf(pending, pendingCount);
                pendingCount = 0;
            }
            synchronized (compileLock) {
                install(batch);
            }
        }
    }

    /** Compiles and installs {@code batch}; the caller holds {@link #compileLock}. */
    private void install(int[] batch) {
        TieredCode[] codes;
        try {
            codes = tier.compile(batch);
        } catch (RuntimeException | LinkageError e) {
            // The engine promises to isolate failures; if it does not, the batch stays interpreted.
            codes = new TieredCode[batch.length];
        }
        for (int i = 0; i < batch.length; i++) {
            if (codes[i] != null) {
                compiled.install(batch[i], codes[i]);
            }
        }
    }
}
