package dev.basalt.component;

import dev.basalt.Config;
import dev.basalt.Engine;

/** {@link CanonicalAbiTest} with the core modules compiled to JVM bytecode. */
class CanonicalAbiOnCompilerTest extends CanonicalAbiTest {
    @Override
    Engine newEngine() {
        return Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    }
}
