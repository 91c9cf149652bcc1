package dev.basalt.internal.runtime;

/** An {@code i31ref}: an unboxed 31-bit integer in the any hierarchy, compared by value by {@code ref.eq}. */
public record I31Ref(int value) {
    public static I31Ref of(int v) {
        return new I31Ref(v & 0x7FFF_FFFF);
    }

    public int signed() {
        return (value << 1) >> 1;
    }
}
