package dev.basalt;

import dev.basalt.internal.runtime.TypeRegistry;
import dev.basalt.spi.ExecutionEngine;
import java.time.Duration;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The root object: holds the {@link Config} and the engine-wide type registry. Thread-safe; create one per
 * process and share it. Modules compiled by one engine are used with stores of the same engine.
 *
 * <p>Under {@link Config.Strategy#AUTO} the engine owns one background compile thread (started on demand, ended
 * after a few idle seconds) that compiles the hot functions of its modules.
 *
 * {@snippet :
 * Engine engine = Engine.create();
 * Module module = Module.compile(engine, wasmBytes);
 * }
 */
public final class Engine {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Config config;
    private final TypeRegistry types = new TypeRegistry();

    /** The engine that compiles modules eagerly (COMPILER); empty for the interpreter and AUTO. */
    private final Optional<ExecutionEngine> executionEngine;
    /** The engine that compiles hot functions (AUTO with the compiler on the class path); empty otherwise. */
    private final Optional<ExecutionEngine> tierEngine;

    private final Object compileLock = new Object();
    private ThreadPoolExecutor compileThread;
    /** Background compile tasks submitted and not finished; guarded by {@link #compileLock}. */
    private int compilesOutstanding;

    private Engine(Config config) {
        this.config = config;
        this.executionEngine = config.strategy() == Config.Strategy.COMPILER
                ? Optional.of(findExecutionEngine(Config.Strategy.COMPILER).orElseThrow(
                        () -> new IllegalStateException("strategy COMPILER needs an execution engine on the class path"
                                + " (add the basalt-compiler module)")))
                : Optional.empty();
        this.tierEngine = config.strategy() == Config.Strategy.AUTO
                ? findExecutionEngine(Config.Strategy.COMPILER)
                : Optional.empty();
    }

    private static Optional<ExecutionEngine> findExecutionEngine(Config.Strategy strategy) {
        for (ExecutionEngine e : ServiceLoader.load(ExecutionEngine.class, Engine.class.getClassLoader())) {
            if (e.strategy() == strategy) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    Optional<ExecutionEngine> executionEngine() {
        return executionEngine;
    }

    Optional<ExecutionEngine> tierEngine() {
        return tierEngine;
    }

    /** The engine whose code {@link Module#serialize()} stores: the eager compiler, or none (the interpreter). */
    Optional<ExecutionEngine> codeEngine() {
        return executionEngine;
    }

    public static Engine create() {
        return new Engine(Config.defaults());
    }

    public static Engine create(Config config) {
        return new Engine(java.util.Objects.requireNonNull(config, "config"));
    }

    public Config config() {
        return config;
    }

    TypeRegistry types() {
        return types;
    }

    /** Runs {@code task} on this engine's background compile thread. */
    void submitCompile(Runnable task) {
        synchronized (compileLock) {
            if (compileThread == null) {
                compileThread = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "basalt-compile-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    t.setPriority(Thread.NORM_PRIORITY - 1);
                    return t;
                });
                compileThread.allowCoreThreadTimeOut(true);
            }
            compilesOutstanding++;
        }
        compileThread.execute(() -> {
            try {
                task.run();
            } finally {
                synchronized (compileLock) {
                    compilesOutstanding--;
                    compileLock.notifyAll();
                }
            }
        });
    }

    /**
     * Under {@link Config.Strategy#AUTO}: waits until the background compilations requested so far are done (their
     * functions then run compiled code, or stay interpreted if the compiler cannot translate them). For tests and
     * benchmarks that want a warmed-up state; programs never need to call it.
     *
     * @return false if {@code timeout} passed first
     */
    public boolean awaitBackgroundCompilation(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (compileLock) {
            while (compilesOutstanding > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(compileLock, left);
            }
        }
        return true;
    }
}
