package dev.basalt.component;

import dev.basalt.Config;
import dev.basalt.Engine;

/** {@link AsyncBindingsEndToEndTest} with the core modules compiled to JVM bytecode. */
class AsyncBindingsEndToEndOnCompilerTest extends AsyncBindingsEndToEndTest {
    @Override
    Engine newEngine() {
        return Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    }
}
