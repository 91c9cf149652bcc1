package dev.basalt.internal.runtime;

/**
 * A thrown Wasm exception (the value of an {@code exnref}): its tag and payload, split like the stack
 * (numbers and low v128 halves in {@link #values}, high halves in {@link #his}, references in {@link #refs}).
 */
public final class ExnObject {
    public final TagInstance tag;
    public final long[] values;
    public final long[] his;
    public final Object[] refs;

    public ExnObject(TagInstance tag, long[] values, long[] his, Object[] refs) {
        this.tag = tag;
        this.values = values;
        this.his = his;
        this.refs = refs;
    }
}
