package dev.basalt.wasm.wast;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a script gives a module: as WAT text, as {@code (module binary "...")} bytes, or as
 * {@code (module quote "...")} text; or a component ({@link Component}), which core runners skip.
 * {@code id} is the module's {@code $name} if it has one.
 */
public sealed interface ModuleSource {
    Optional<String> id();

    /** An inline {@code (module ...)} form; {@code text} is its full source text including the parentheses. */
    record Text(Optional<String> id, String text) implements ModuleSource {
    }

    /** {@code (module $id? binary "..."*)}: the concatenated bytes. */
    record Binary(Optional<String> id, byte[] bytes) implements ModuleSource {
        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && id.equals(b.id) && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return id.hashCode() * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Binary[" + id + ", " + bytes.length + " bytes]";
        }
    }

    /**
     * {@code (module $id? quote "..."*)}: the concatenated strings are the module's fields, so the module text is
     * {@code "(module " + text + ")"}.
     */
    record Quote(Optional<String> id, String text) implements ModuleSource {
    }

    /**
     * A {@code (component ...)} form of the component-model test scripts. {@code text} is its full source text
     * including the parentheses, for the component text parser; for {@code (component $id? binary "..."*)},
     * {@code binary} holds the concatenated bytes.
     */
    record Component(Optional<String> id, String text, Optional<byte[]> binary) implements ModuleSource {
        @Override
        public boolean equals(Object o) {
            return o instanceof Component c && id.equals(c.id) && text.equals(c.text)
                    && binary.isPresent() == c.binary.isPresent()
                    && (binary.isEmpty() || Arrays.equals(binary.get(), c.binary.get()));
        }

        @Override
        public int hashCode() {
            return (id.hashCode() * 31 + text.hashCode()) * 31 + binary.map(Arrays::hashCode).orElse(0);
        }

        @Override
        public String toString() {
            return "Component[" + id + ", " + binary.map(b -> b.length + " bytes").orElse(text.length() + " chars")
                    + "]";
        }
    }
}
