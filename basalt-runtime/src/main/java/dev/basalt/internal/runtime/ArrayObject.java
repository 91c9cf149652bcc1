package dev.basalt.internal.runtime;

/**
 * A GC array: numeric elements (packed ones masked to their width) in {@link #values}, v128 high halves in
 * {@link #his}, references in {@link #refs}; the arrays not needed by the element type are null.
 */
public final class ArrayObject {
    public final DefinedType type;
    public final int length;
    public final long[] values;
    public final long[] his;
    public final Object[] refs;

    public ArrayObject(DefinedType type, int length, long[] values, long[] his, Object[] refs) {
        this.type = type;
        this.length = length;
        this.values = values;
        this.his = his;
        this.refs = refs;
    }
}
