package dev.basalt.wasm;

import java.util.Arrays;

/** A data segment: bytes, and for an active one the memory and offset expression. */
public record DataSegment(byte[] init, Mode mode) {
    public DataSegment {
        java.util.Objects.requireNonNull(init, "init");
        java.util.Objects.requireNonNull(mode, "mode");
    }

    public sealed interface Mode {
    }

    public record Passive() implements Mode {
    }

    public record Active(int memory, Expression offset) implements Mode {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataSegment d && Arrays.equals(init, d.init) && mode.equals(d.mode);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(init) * 31 + mode.hashCode();
    }

    @Override
    public String toString() {
        return "DataSegment[" + init.length + " bytes, " + mode + "]";
    }
}
