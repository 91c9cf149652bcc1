package dev.basalt.component;

import dev.basalt.Config;
import dev.basalt.Engine;

/** {@link TaskTeardownTest} with the core modules compiled to JVM bytecode. */
class TaskTeardownOnCompilerTest extends TaskTeardownTest {
    @Override
    Engine newEngine() {
        return Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    }
}
