package dev.basalt.wasm;

/** A global defined in the module with its constant initialiser. */
public record Global(GlobalType type, Expression init) {
    public Global {
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(init, "init");
    }
}
