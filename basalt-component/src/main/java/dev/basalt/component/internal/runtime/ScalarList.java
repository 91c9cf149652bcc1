package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentValue;
import dev.basalt.component.model.PrimValType;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * The elements of a {@code list} of one numeric primitive type held in one primitive array: {@code byte[]} for
 * {@code u8}/{@code s8}, {@code short[]} for {@code u16}/{@code s16}, {@code int[]} for {@code u32}/{@code s32},
 * {@code long[]} for {@code u64}/{@code s64}, {@code float[]} for {@code f32}, {@code double[]} for {@code f64}
 * (unsigned types hold their bits). The canonical ABI lifts such lists with one bulk copy out of linear memory and
 * lowers them with one bulk copy in, instead of one {@link ComponentValue} per element; {@link #get} makes the
 * element value on demand, so a {@link ComponentValue.ListValue} backed by this list looks and compares like one
 * holding the element values. Immutable: the array is never written after construction, and nobody outside the
 * runtime sees it (the public API copies).
 */
public final class ScalarList extends AbstractList<ComponentValue> implements RandomAccess {
    private final PrimValType type;
    private final Object array;
    private final int size;

    private ScalarList(PrimValType type, Object array, int size) {
        this.type = type;
        this.array = array;
        this.size = size;
    }

    /**
     * A list over {@code array}, which the list now owns: the caller must not change it afterwards (the runtime's
     * freshly filled arrays, and the public factories' copies).
     */
    public static ScalarList wrap(PrimValType type, Object array) {
        Class<?> expected = arrayClass(type);
        if (expected == null) {
            throw new IllegalArgumentException(type + " lists are not held in primitive arrays");
        }
        if (array.getClass() != expected) {
            throw new IllegalArgumentException("a " + type.text() + " list needs a " + expected.getSimpleName()
                    + ", got a " + array.getClass().getSimpleName());
        }
        return new ScalarList(type, array, java.lang.reflect.Array.getLength(array));
    }

    /** The array class holding lists of {@code type}, or null when such lists are lists of values. */
    public static Class<?> arrayClass(PrimValType type) {
        return switch (type) {
            case U8, S8 -> byte[].class;
            case U16, S16 -> short[].class;
            case U32, S32 -> int[].class;
            case U64, S64 -> long[].class;
            case F32 -> float[].class;
            case F64 -> double[].class;
            default -> null;
        };
    }

    /** The element type: one of u8, s8, u16, s16, u32, s32, u64, s64, f32, f64. */
    public PrimValType elementType() {
        return type;
    }

    /** The backing array, read-only by contract: the runtime writes it into linear memory; nobody may change it. */
    public Object array() {
        return array;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public ComponentValue get(int i) {
        java.util.Objects.checkIndex(i, size);
        return switch (type) {
            case U8 -> new ComponentValue.U8(((byte[]) array)[i] & 0xff);
            case S8 -> new ComponentValue.S8(((byte[]) array)[i]);
            case U16 -> new ComponentValue.U16(((short[]) array)[i] & 0xffff);
            case S16 -> new ComponentValue.S16(((short[]) array)[i]);
            case U32 -> new ComponentValue.U32(Integer.toUnsignedLong(((int[]) array)[i]));
            case S32 -> new ComponentValue.S32(((int[]) array)[i]);
            case U64 -> new ComponentValue.U64(((long[]) array)[i]);
            case S64 -> new ComponentValue.S64(((long[]) array)[i]);
            case F32 -> new ComponentValue.F32(((float[]) array)[i]);
            case F64 -> new ComponentValue.F64(((double[]) array)[i]);
            default -> throw new IllegalStateException(type.text());
        };
    }

    /** Two lists of the same element type compare their arrays (floats by bits, as the element records do). */
    @Override
    public boolean equals(Object o) {
        if (o instanceof ScalarList other && other.type == type) {
            return switch (array) {
                case byte[] a -> Arrays.equals(a, (byte[]) other.array);
                case short[] a -> Arrays.equals(a, (short[]) other.array);
                case int[] a -> Arrays.equals(a, (int[]) other.array);
                case long[] a -> Arrays.equals(a, (long[]) other.array);
                case float[] a -> Arrays.equals(a, (float[]) other.array);
                case double[] a -> Arrays.equals(a, (double[]) other.array);
                default -> throw new IllegalStateException(type.text());
            };
        }
        return super.equals(o);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
