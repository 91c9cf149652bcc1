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

    private Engine(Config config) {
        this.config = config;
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
