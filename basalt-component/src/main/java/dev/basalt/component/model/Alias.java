package dev.basalt.component.model;

/** {@code alias} (Binary.md "Alias Definitions"). */
public sealed interface Alias {
    Sort sort();

    /** {@code (alias export i "n" (sort))}: an export of a component instance. */
    record InstanceExport(Sort sort, int instance, String name) implements Alias {
    }

    /** {@code (alias core export i "n" (core sort))}: an export of a core instance. */
    record CoreInstanceExport(Sort sort, int instance, String name) implements Alias {
    }

    /** {@code (alias outer ct idx (sort))}: {@code count} enclosing scopes out. */
    record Outer(Sort sort, int count, int index) implements Alias {
    }
}
