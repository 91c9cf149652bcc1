package dev.basalt.component;

import dev.basalt.Config;
import dev.basalt.Engine;

/** {@link AsyncAbiTest} with the core modules compiled to JVM bytecode. */
class AsyncAbiOnCompilerTest extends AsyncAbiTest {
    @Override
    Engine newEngine() {
        return Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    }
}
