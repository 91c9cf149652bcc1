package dev.basalt.internal.runtime;

/**
 * A GC struct. Field {@code i} lives in {@code values[i]} (numbers, packed fields, low v128 half),
 * {@code his[i]} (high v128 half; null when the struct has no v128 field) or {@code refs[i]} (references;
 * null when it has none).
 */
public final class StructObject {
    public final DefinedType type;
    public final long[] values;
    public final long[] his;
    public final Object[] refs;

    public StructObject(DefinedType type, long[] values, long[] his, Object[] refs) {
        this.type = type;
        this.values = values;
        this.his = his;
        this.refs = refs;
    }
}
