package dev.basalt.bench;

import dev.basalt.Config;

/** Basalt's compiler (Wasm to JVM bytecode, {@link Config.Strategy#COMPILER}). */
final class BasaltCompilerRunner extends BasaltRunner {
    BasaltCompilerRunner() {
        super("basalt-compiler", Config.Strategy.COMPILER);
    }
}
