package dev.basalt.wasm;

import java.util.List;

/** A function defined in the module: its type index, its declared locals (after the params) and its body. */
public record Function(int typeIndex, List<Locals> locals, Expression body) {
    public Function {
        locals = List.copyOf(locals);
        java.util.Objects.requireNonNull(body, "body");
    }

    /** The number of declared locals (params not included). */
    public long localCount() {
        long n = 0;
        for (Locals l : locals) {
            n += l.count();
        }
        return n;
    }
}
