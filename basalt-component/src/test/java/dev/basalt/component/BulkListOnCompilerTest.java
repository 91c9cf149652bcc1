package dev.basalt.component;

import dev.basalt.Config;
import dev.basalt.Engine;

/** {@link BulkListTest} with the core modules compiled to JVM bytecode. */
class BulkListOnCompilerTest extends BulkListTest {
    @Override
    Engine newEngine() {
        return Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
    }
}
