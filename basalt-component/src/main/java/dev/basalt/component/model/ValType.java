package dev.basalt.component.model;

/** {@code valtype}: a primitive value type or a type index. */
public sealed interface ValType {
    record Primitive(PrimValType type) implements ValType {
    }

    record Indexed(int index) implements ValType {
    }
}
