package dev.basalt.wasm;

/** A global's value type and mutability. */
public record GlobalType(ValType type, boolean mutable) {
    public GlobalType {
        java.util.Objects.requireNonNull(type, "type");
    }
}
