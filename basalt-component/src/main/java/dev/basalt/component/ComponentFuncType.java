package dev.basalt.component;

import java.util.List;
import java.util.Optional;

/**
 * A component function type: named parameters, at most one (unnamed) result, and whether it is an {@code async}
 * type (whose calls may block before they return; a task of a type that is not async may not).
 */
public record ComponentFuncType(List<Param> params, Optional<ValueType> result, boolean async) {
    public ComponentFuncType {
        params = List.copyOf(params);
    }

    /** A function type that is not async. */
    public ComponentFuncType(List<Param> params, Optional<ValueType> result) {
        this(params, result, false);
    }

    public record Param(String name, ValueType type) {
    }

    public static ComponentFuncType of(List<Param> params, ValueType result) {
        return new ComponentFuncType(params, Optional.ofNullable(result));
    }

    /** The parameter types in order. */
    public List<ValueType> paramTypes() {
        return params.stream().map(Param::type).toList();
    }

    @Override
    public String toString() {
        return (async ? "async " : "") + "func(" + String.join(", ", params.stream().map(p -> p.name() + ": " + p.type()).toList()) + ")"
                + result.map(r -> " -> " + r).orElse("");
    }

    /** The result types: empty or one. */
    public List<ValueType> resultTypes() {
        return result.map(List::of).orElse(List.of());
    }
}
