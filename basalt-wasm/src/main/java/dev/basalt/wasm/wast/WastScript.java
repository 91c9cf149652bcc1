package dev.basalt.wasm.wast;

import java.util.List;

/**
 * A parsed WAST script (the spec testsuite's format): a file name and its directives in order.
 * Modules inside directives are kept as {@link ModuleSource}s and parsed only when a runner needs them, because
 * {@code assert_malformed} must see the parse error of exactly that module.
 */
public record WastScript(String fileName, List<Directive> directives) {
    public WastScript {
        directives = List.copyOf(directives);
    }
}
