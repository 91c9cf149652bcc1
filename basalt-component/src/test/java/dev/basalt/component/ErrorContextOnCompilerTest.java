package dev.basalt.component;

import dev.basalt.Config;
import dev.basalt.Engine;

/** {@link ErrorContextTest} with the core modules compiled to JVM bytecode. */
class ErrorContextOnCompilerTest extends ErrorContextTest {
    @Override
    Engine newEngine() {
        return Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    }
}
