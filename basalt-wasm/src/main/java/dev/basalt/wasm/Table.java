package dev.basalt.wasm;

import java.util.Optional;

/** A table defined in the module, with the expression that initialises its elements (null refs when absent). */
public record Table(TableType type, Optional<Expression> init) {
    public Table {
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(init, "init");
    }
}
