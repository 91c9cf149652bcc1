package dev.basalt.component.model;

import dev.basalt.wasm.WasmModule;
import java.util.Arrays;

/**
 * A core module embedded in a component: its binary (written back unchanged) and its decoded model.
 * Create one with {@code ComponentBinaryReader.coreModule(bytes)}, which decodes the bytes.
 */
public record CoreModule(byte[] bytes, WasmModule module) {
    public CoreModule {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoreModule m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "CoreModule[" + bytes.length + " bytes]";
    }
}
