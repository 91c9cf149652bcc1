package dev.basalt.wasm;

/** A run of {@code count} locals of one type, as the binary format groups them. */
public record Locals(int count, ValType type) {
    public Locals {
        if (count < 0) {
            throw new IllegalArgumentException("negative local count " + count);
        }
        java.util.Objects.requireNonNull(type, "type");
    }
}
