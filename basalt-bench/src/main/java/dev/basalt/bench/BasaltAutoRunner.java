package dev.basalt.bench;

import dev.basalt.Config;

/**
 * Basalt with {@link Config.Strategy#AUTO}: modules start in the interpreter and hot functions are compiled in the
 * background, so its compile column is what the fast-start path costs and its first run is mostly interpreted.
 */
final class BasaltAutoRunner extends BasaltRunner {
    BasaltAutoRunner() {
        super("basalt-auto", Config.Strategy.AUTO);
    }
}
