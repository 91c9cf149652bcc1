package dev.basalt.wasm;

/** {@code (import "module" "name" desc)}. */
public record Import(String module, String name, ImportDesc desc) {
    public Import {
        java.util.Objects.requireNonNull(module, "module");
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(desc, "desc");
    }
}
