package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentValue;
import dev.basalt.component.ValueType;
import dev.basalt.component.model.PrimValType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Lists of numeric element types moved between linear memory and a {@link ScalarList} with one bulk copy each way
 * (CanonicalABI.md {@code load_list_from_valid_range} / {@code store_list_into_valid_range} for element types
 * whose load and store are plain little-endian reads and writes). Floats still have their NaNs canonicalised in both
 * directions, as the per-element rules do. Range, alignment and length checks are the caller's, as for any list.
 */
final class BulkLists {
    private BulkLists() {
    }

    /** The element type of {@code elem} when lists of it are bulk-copied, or null. */
    static PrimValType scalarType(ValueType elem) {
        return elem instanceof ValueType.Primitive p && ScalarList.arrayClass(p.type()) != null ? p.type() : null;
    }

    /** {@code length} elements of {@code type} at {@code ptr} (already checked to be in bounds and aligned). */
    static ScalarList load(AbiContext cx, long ptr, int length, PrimValType type) {
        byte[] bytes = cx.read(ptr, (long) length * size(type));
        if (type == PrimValType.U8 || type == PrimValType.S8) {
            return ScalarList.wrap(type, bytes);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Object array = switch (type) {
            case U16, S16 -> {
                short[] a = new short[length];
                b.asShortBuffer().get(a);
                yield a;
            }
            case U32, S32 -> {
                int[] a = new int[length];
                b.asIntBuffer().get(a);
                yield a;
            }
            case U64, S64 -> {
                long[] a = new long[length];
                b.asLongBuffer().get(a);
                yield a;
            }
            case F32 -> {
                float[] a = new float[length];
                b.asFloatBuffer().get(a);
                for (int i = 0; i < length; i++) {
                    if (Float.isNaN(a[i])) {
                        a[i] = Float.intBitsToFloat(CanonicalAbi.CANONICAL_FLOAT32_NAN);
                    }
                }
                yield a;
            }
            case F64 -> {
                double[] a = new double[length];
                b.asDoubleBuffer().get(a);
                for (int i = 0; i < length; i++) {
                    if (Double.isNaN(a[i])) {
                        a[i] = Double.longBitsToDouble(CanonicalAbi.CANONICAL_FLOAT64_NAN);
                    }
                }
                yield a;
            }
            default -> throw new IllegalArgumentException(type.text());
        };
        return ScalarList.wrap(type, array);
    }

    /** Writes {@code list} at {@code ptr} (already allocated or checked for its byte length and alignment). */
    static void store(AbiContext cx, ScalarList list, long ptr) {
        if (list.array() instanceof byte[] a) {
            cx.write(ptr, a);
            return;
        }
        int n = list.size();
        ByteBuffer b = ByteBuffer.allocate(n * size(list.elementType())).order(ByteOrder.LITTLE_ENDIAN);
        switch (list.array()) {
            case short[] a -> b.asShortBuffer().put(a);
            case int[] a -> b.asIntBuffer().put(a);
            case long[] a -> b.asLongBuffer().put(a);
            case float[] a -> {
                for (int i = 0; i < n; i++) {
                    b.putInt(4 * i, (int) CanonicalAbi.f32Bits(a[i]));
                }
            }
            case double[] a -> {
                for (int i = 0; i < n; i++) {
                    b.putLong(8 * i, CanonicalAbi.f64Bits(a[i]));
                }
            }
            default -> throw new IllegalArgumentException(list.elementType().text());
        }
        cx.write(ptr, b.array());
    }

    /**
     * The element values of a list made element by element, gathered into the array a list of {@code type} is
     * held in (so that it is written with one copy); a {@link dev.basalt.component.ComponentException} naming the
     * list type if an element is not a value of {@code type}.
     */
    static ScalarList gather(List<ComponentValue> elements, PrimValType type, ValueType listType) {
        int n = elements.size();
        Object array = switch (type) {
            case U8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (byte) (elements.get(i) instanceof ComponentValue.U8 v ? v.value() : mismatch(listType, elements, i));
                }
                yield a;
            }
            case S8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) {
                    a[i] = elements.get(i) instanceof ComponentValue.S8 v ? v.value() : (byte) mismatch(listType, elements, i);
                }
                yield a;
            }
            case U16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (short) (elements.get(i) instanceof ComponentValue.U16 v ? v.value() : mismatch(listType, elements, i));
                }
                yield a;
            }
            case S16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = elements.get(i) instanceof ComponentValue.S16 v ? v.value() : (short) mismatch(listType, elements, i);
                }
                yield a;
            }
            case U32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (int) (elements.get(i) instanceof ComponentValue.U32 v ? v.value() : mismatch(listType, elements, i));
                }
                yield a;
            }
            case S32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = elements.get(i) instanceof ComponentValue.S32 v ? v.value() : mismatch(listType, elements, i);
                }
                yield a;
            }
            case U64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = elements.get(i) instanceof ComponentValue.U64 v ? v.value() : mismatch(listType, elements, i);
                }
                yield a;
            }
            case S64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = elements.get(i) instanceof ComponentValue.S64 v ? v.value() : mismatch(listType, elements, i);
                }
                yield a;
            }
            case F32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = elements.get(i) instanceof ComponentValue.F32 v ? v.value() : mismatch(listType, elements, i);
                }
                yield a;
            }
            case F64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = elements.get(i) instanceof ComponentValue.F64 v ? v.value() : mismatch(listType, elements, i);
                }
                yield a;
            }
            default -> throw new IllegalArgumentException(type.text());
        };
        return ScalarList.wrap(type, array);
    }

    /** Throws the mismatch of element {@code i} (typed as int so that the gathering loops stay expressions). */
    private static int mismatch(ValueType listType, List<ComponentValue> elements, int i) {
        throw new dev.basalt.component.ComponentException("type mismatch: expected " + listType + ", found element "
                + i + " " + elements.get(i));
    }

    static int size(PrimValType type) {
        return switch (type) {
            case U8, S8 -> 1;
            case U16, S16 -> 2;
            case U32, S32, F32 -> 4;
            case U64, S64, F64 -> 8;
            default -> throw new IllegalArgumentException(type.text());
        };
    }
}
