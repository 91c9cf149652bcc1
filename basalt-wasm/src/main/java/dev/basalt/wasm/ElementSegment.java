package dev.basalt.wasm;

import java.util.List;

/**
 * An element segment. Every entry is a constant expression; the binary form that lists plain function indices
 * is decoded to {@code ref.func} expressions so that there is one representation.
 */
public record ElementSegment(RefType type, List<Expression> init, Mode mode) {
    public ElementSegment {
        java.util.Objects.requireNonNull(type, "type");
        init = List.copyOf(init);
        java.util.Objects.requireNonNull(mode, "mode");
    }

    public sealed interface Mode {
    }

    public record Passive() implements Mode {
    }

    public record Declarative() implements Mode {
    }

    public record Active(int table, Expression offset) implements Mode {
    }
}
