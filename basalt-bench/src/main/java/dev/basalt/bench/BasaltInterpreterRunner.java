package dev.basalt.bench;

import dev.basalt.Config;

/** Basalt's interpreter. */
final class BasaltInterpreterRunner extends BasaltRunner {
    BasaltInterpreterRunner() {
        super("basalt-interp", Config.Strategy.INTERPRETER);
    }

    @Override
    public boolean slow() {
        return true;
    }
}
