package dev.basalt.wasm;

import java.util.List;

/**
 * A recursion group: types that may refer to each other. A lone type definition is a group of one.
 * The types of a module form one flat index space across all its groups, in order.
 */
public record RecGroup(List<SubType> types) {
    public RecGroup {
        types = List.copyOf(types);
    }

    public static RecGroup single(SubType type) {
        return new RecGroup(List.of(type));
    }
}
