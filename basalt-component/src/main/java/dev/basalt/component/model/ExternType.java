package dev.basalt.component.model;

/** {@code externtype}: the type of an import or export. */
public sealed interface ExternType {
    /** {@code (core module (type i))}, a core type index. */
    record CoreModule(int type) implements ExternType {
    }

    record Func(int type) implements ExternType {
    }

    /** {@code (value t)} 🪙: a value of type {@code t}. */
    record Value(ValType type) implements ExternType {
    }

    /** {@code (value (eq i))} 🪙: the same value as value {@code i}. */
    record ValueEq(int value) implements ExternType {
    }

    /** {@code (type (eq i))}, or with {@code subResource} {@code (type (sub resource))}. */
    record Type(boolean subResource, int eqIndex) implements ExternType {
    }

    record ComponentT(int type) implements ExternType {
    }

    record InstanceT(int type) implements ExternType {
    }
}
