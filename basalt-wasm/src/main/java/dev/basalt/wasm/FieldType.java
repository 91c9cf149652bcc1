package dev.basalt.wasm;

/** A struct field or array element type: storage type plus mutability. */
public record FieldType(StorageType storageType, boolean mutable) {
    public FieldType {
        java.util.Objects.requireNonNull(storageType, "storageType");
    }
}
