package dev.basalt.component;

import dev.basalt.Config;
import dev.basalt.Engine;

/** {@link ResourcesAndLinkingTest} with the core modules compiled to JVM bytecode. */
class ResourcesAndLinkingOnCompilerTest extends ResourcesAndLinkingTest {
    @Override
    Engine newEngine() {
        return Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    }
}
