package dev.basalt.component.wit;

import java.util.List;
import java.util.Optional;

/**
 * A resolved function. Resource methods are desugared as in WIT.md: {@code name} is the component-level name
 * ({@code [constructor]r}, {@code [method]r.m}, {@code [static]r.s}), methods have an explicit first parameter
 * {@code self: borrow<r>} and constructors an explicit result ({@code r} or the written {@code result<r, E>}).
 */
public record Function(String name, Kind kind, boolean async, List<Param> params, Optional<WitType> result,
        Optional<String> docs, Stability stability) {
    public Function {
        params = List.copyOf(params);
    }

    /** Where a function belongs. */
    public sealed interface Kind {
        record Freestanding() implements Kind {}

        record Method(Resolve.TypeId resource) implements Kind {}

        record Static(Resolve.TypeId resource) implements Kind {}

        record Constructor(Resolve.TypeId resource) implements Kind {}
    }

    public record Param(String name, WitType type) {}

    /** The name as written in WIT: {@code m} for {@code [method]r.m}, {@code constructor} for a constructor. */
    public String itemName() {
        return switch (kind) {
            case Kind.Freestanding f -> name;
            case Kind.Constructor c -> "constructor";
            case Kind.Method m -> name.substring(name.indexOf('.') + 1);
            case Kind.Static s -> name.substring(name.indexOf('.') + 1);
        };
    }
}
