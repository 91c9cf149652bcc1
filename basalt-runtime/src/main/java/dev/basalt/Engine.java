package dev.basalt;

import dev.basalt.internal.runtime.TypeRegistry;

/**
 * The root object: holds the {@link Config} and the engine-wide type registry. Thread-safe; create one per
 * process and share it. Modules compiled by one engine are used with stores of the same engine.
 *
 * {@snippet :
 * Engine engine = Engine.create();
 * Module module = Module.compile(engine, wasmBytes);
 * }
 */
public final class Engine {
    private final Config config;
    private final TypeRegistry types = new TypeRegistry();

    /** The engine of {@link Config#strategy()}; empty for the interpreter (also AUTO, for now). */
    private final java.util.Optional<dev.basalt.spi.ExecutionEngine> executionEngine;

    private Engine(Config config) {
        this.config = config;
        this.executionEngine = findExecutionEngine(config.strategy());
    }

    private static java.util.Optional<dev.basalt.spi.ExecutionEngine> findExecutionEngine(Config.Strategy strategy) {
        if (strategy != Config.Strategy.COMPILER) {
            return java.util.Optional.empty();
        }
        for (dev.basalt.spi.ExecutionEngine e : java.util.ServiceLoader.load(dev.basalt.spi.ExecutionEngine.class,
                Engine.class.getClassLoader())) {
            if (e.strategy() == strategy) {
                return java.util.Optional.of(e);
            }
        }
        throw new IllegalStateException("strategy " + strategy + " needs an execution engine on the class path"
                + " (add the basalt-compiler module)");
    }

    java.util.Optional<dev.basalt.spi.ExecutionEngine> executionEngine() {
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
}
