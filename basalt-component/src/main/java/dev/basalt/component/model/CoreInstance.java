package dev.basalt.component.model;

import java.util.List;

/** {@code core:instance} (Binary.md "Instance Definitions"). */
public sealed interface CoreInstance {
    /** {@code (instantiate m (with "n" (instance i))*)}. */
    record Instantiate(int module, List<Arg> args) implements CoreInstance {
        public Instantiate {
            args = List.copyOf(args);
        }
    }

    /** An instance made of inline exports. */
    record FromExports(List<InlineExport> exports) implements CoreInstance {
        public FromExports {
            exports = List.copyOf(exports);
        }
    }

    /** {@code core:instantiatearg}: the named core instance supplying a module's imports. */
    record Arg(String name, int instance) {
    }

    /** {@code core:inlineexport}; {@code sort} is always a core sort. */
    record InlineExport(String name, Sort sort, int index) {
    }
}
