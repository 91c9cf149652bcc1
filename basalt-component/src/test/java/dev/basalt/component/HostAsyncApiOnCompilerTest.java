package dev.basalt.component;

import dev.basalt.Config;
import dev.basalt.Engine;

/** {@link HostAsyncApiTest} with the core modules compiled to JVM bytecode. */
class HostAsyncApiOnCompilerTest extends HostAsyncApiTest {
    @Override
    Engine newEngine() {
        return Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    }
}
