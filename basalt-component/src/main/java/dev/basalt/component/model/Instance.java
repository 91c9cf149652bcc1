package dev.basalt.component.model;

import java.util.List;

/** A component {@code instance} (Binary.md "Instance Definitions"). */
public sealed interface Instance {
    /** {@code (instantiate c (with "n" sortidx)*)}. */
    record Instantiate(int component, List<Arg> args) implements Instance {
        public Instantiate {
            args = List.copyOf(args);
        }
    }

    /** An instance made of inline exports. */
    record FromExports(List<InlineExport> exports) implements Instance {
        public FromExports {
            exports = List.copyOf(exports);
        }
    }

    record Arg(String name, Sort sort, int index) {
    }

    record InlineExport(ExternName name, Sort sort, int index) {
    }
}
