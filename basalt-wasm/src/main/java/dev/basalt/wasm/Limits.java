package dev.basalt.wasm;

import java.util.OptionalLong;

/** Size limits of a memory (in pages) or table (in elements). Values are unsigned 64-bit for 64-bit address types. */
public record Limits(long min, OptionalLong max) {
    public Limits {
        java.util.Objects.requireNonNull(max, "max");
    }

    public static Limits of(long min) {
        return new Limits(min, OptionalLong.empty());
    }

    public static Limits of(long min, long max) {
        return new Limits(min, OptionalLong.of(max));
    }
}
