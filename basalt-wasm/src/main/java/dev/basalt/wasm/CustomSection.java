package dev.basalt.wasm;

import java.util.Arrays;

/**
 * A custom section other than a well-formed {@code name} section, kept verbatim.
 * {@code precedingSectionId} is the id of the last known section before it in the binary (0 when it comes first),
 * so that a writer can put it back where it was.
 */
public record CustomSection(String name, byte[] data, int precedingSectionId) {
    public CustomSection {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(data, "data");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomSection c && name.equals(c.name) && Arrays.equals(data, c.data)
                && precedingSectionId == c.precedingSectionId;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CustomSection[" + name + ", " + data.length + " bytes]";
    }
}
