package dev.basalt.component.model;

/** {@code sort} and {@code core:sort} (Binary.md "Instance Definitions"): which index space an index is in. */
public enum Sort {
    CORE_FUNC, CORE_TABLE, CORE_MEMORY, CORE_GLOBAL, CORE_TAG, CORE_TYPE, CORE_MODULE, CORE_INSTANCE,
    FUNC, VALUE, TYPE, COMPONENT, INSTANCE;

    public boolean isCore() {
        return ordinal() <= CORE_INSTANCE.ordinal();
    }
}
