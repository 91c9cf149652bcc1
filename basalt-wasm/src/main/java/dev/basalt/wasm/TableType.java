package dev.basalt.wasm;

/** A table type: element reference type, limits in elements, and whether it is indexed by i64 (memory64 tables). */
public record TableType(RefType elementType, Limits limits, boolean is64) {
    public TableType {
        java.util.Objects.requireNonNull(elementType, "elementType");
        java.util.Objects.requireNonNull(limits, "limits");
    }

    public NumType addressType() {
        return is64 ? NumType.I64 : NumType.I32;
    }
}
