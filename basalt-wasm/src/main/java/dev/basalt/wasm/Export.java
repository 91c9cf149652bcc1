package dev.basalt.wasm;

/** {@code (export "name" (kind index))}; the index is into the kind's index space, imports first. */
public record Export(String name, ExternKind kind, int index) {
    public Export {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(kind, "kind");
    }
}
