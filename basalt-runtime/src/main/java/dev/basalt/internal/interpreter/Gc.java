package dev.basalt.internal.interpreter;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.runtime.ArrayObject;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.StructObject;

/**
 * GC struct and array instructions. Objects are plain Java objects ({@link StructObject}, {@link ArrayObject})
 * that the JVM's collector manages; packed fields are stored masked to their width and sign- or zero-extended on
 * read.
 *
 * <p>The public methods take plain values (lengths, indices and offsets as unsigned 32-bit values in a long) and
 * are shared with the compiler's generated code, so that allocation limits, null checks, bounds checks and segment
 * access trap alike on both engines; not API.
 */
public final class Gc {
    /** Arrays longer than this trap instead of attempting the allocation. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private Gc() {
    }

    static int exec(int id, ModuleInstance inst, int i0, int i1, long[] s, long[] hs, Object[] rs, int sp) {
        switch (id) {
            case ColdOp.STRUCT_NEW -> {
                DefinedType t = inst.types[i0];
                int n = t.kinds.length;
                StructObject o = newStruct(t);
                int base = sp - n;
                for (int f = 0; f < n; f++) {
                    store(t.kinds[f], o.values, o.his, o.refs, f, s, hs, rs, base + f);
                }
                rs[base] = o;
                return base + 1;
            }
            case ColdOp.STRUCT_NEW_DEFAULT -> {
                rs[sp] = newStruct(inst.types[i0]);
                return sp + 1;
            }
            case ColdOp.STRUCT_GET, ColdOp.STRUCT_GET_S, ColdOp.STRUCT_GET_U -> {
                StructObject o = struct(rs[sp - 1]);
                load(o.type.kinds[i1], id == ColdOp.STRUCT_GET_S, o.values, o.his, o.refs, i1, s, hs, rs, sp - 1);
                return sp;
            }
            case ColdOp.STRUCT_SET -> {
                StructObject o = struct(rs[sp - 2]);
                store(o.type.kinds[i1], o.values, o.his, o.refs, i1, s, hs, rs, sp - 1);
                return sp - 2;
            }
            case ColdOp.ARRAY_NEW -> {
                DefinedType t = inst.types[i0];
                ArrayObject a = newArray(t, s[sp - 1] & 0xFFFF_FFFFL);
                byte k = t.kinds[0];
                for (int i = 0; i < a.length; i++) {
                    store(k, a.values, a.his, a.refs, i, s, hs, rs, sp - 2);
                }
                rs[sp - 2] = a;
                return sp - 1;
            }
            case ColdOp.ARRAY_NEW_DEFAULT -> {
                rs[sp - 1] = newArray(inst.types[i0], s[sp - 1] & 0xFFFF_FFFFL);
                return sp;
            }
            case ColdOp.ARRAY_NEW_FIXED -> {
                DefinedType t = inst.types[i0];
                ArrayObject a = newArray(t, i1 & 0xFFFF_FFFFL);
                int base = sp - i1;
                for (int i = 0; i < i1; i++) {
                    store(t.kinds[0], a.values, a.his, a.refs, i, s, hs, rs, base + i);
                }
                rs[base] = a;
                return base + 1;
            }
            case ColdOp.ARRAY_NEW_DATA -> {
                rs[sp - 2] = arrayNewData(inst, i0, i1, s[sp - 2] & 0xFFFF_FFFFL, s[sp - 1] & 0xFFFF_FFFFL);
                return sp - 1;
            }
            case ColdOp.ARRAY_NEW_ELEM -> {
                rs[sp - 2] = arrayNewElem(inst, i0, i1, s[sp - 2] & 0xFFFF_FFFFL, s[sp - 1] & 0xFFFF_FFFFL);
                return sp - 1;
            }
            case ColdOp.ARRAY_GET, ColdOp.ARRAY_GET_S, ColdOp.ARRAY_GET_U -> {
                ArrayObject a = array(rs[sp - 2]);
                int i = index(a, s[sp - 1]);
                load(a.type.kinds[0], id == ColdOp.ARRAY_GET_S, a.values, a.his, a.refs, i, s, hs, rs, sp - 2);
                return sp - 1;
            }
            case ColdOp.ARRAY_SET -> {
                ArrayObject a = array(rs[sp - 3]);
                int i = index(a, s[sp - 2]);
                store(a.type.kinds[0], a.values, a.his, a.refs, i, s, hs, rs, sp - 1);
                return sp - 3;
            }
            case ColdOp.ARRAY_LEN -> {
                s[sp - 1] = array(rs[sp - 1]).length;
                return sp;
            }
            case ColdOp.ARRAY_FILL -> {
                arrayFill(rs[sp - 4], s[sp - 3] & 0xFFFF_FFFFL, s[sp - 2], hs[sp - 2], rs[sp - 2],
                        s[sp - 1] & 0xFFFF_FFFFL);
                return sp - 4;
            }
            case ColdOp.ARRAY_COPY -> {
                arrayCopy(rs[sp - 5], s[sp - 4] & 0xFFFF_FFFFL, rs[sp - 3], s[sp - 2] & 0xFFFF_FFFFL,
                        s[sp - 1] & 0xFFFF_FFFFL);
                return sp - 5;
            }
            case ColdOp.ARRAY_INIT_DATA -> {
                arrayInitData(inst, i1, rs[sp - 4], s[sp - 3] & 0xFFFF_FFFFL, s[sp - 2] & 0xFFFF_FFFFL,
                        s[sp - 1] & 0xFFFF_FFFFL);
                return sp - 4;
            }
            case ColdOp.ARRAY_INIT_ELEM -> {
                arrayInitElem(inst, i1, rs[sp - 4], s[sp - 3] & 0xFFFF_FFFFL, s[sp - 2] & 0xFFFF_FFFFL,
                        s[sp - 1] & 0xFFFF_FFFFL);
                return sp - 4;
            }
            default -> throw new IllegalStateException("bad cold instruction " + id);
        }
    }

    /** {@code array.new_data}: {@code n} elements read from data segment {@code dataIndex} at {@code off}. */
    public static ArrayObject arrayNewData(ModuleInstance inst, int typeIndex, int dataIndex, long off, long n) {
        DefinedType t = inst.types[typeIndex];
        byte[] data = inst.datas[dataIndex];
        int size = t.byteSizes[0];
        if (off + n * size > data.length) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        }
        ArrayObject a = newArray(t, n);
        fromData(a, 0, data, (int) off, (int) n);
        return a;
    }

    /** {@code array.new_elem}: {@code n} references of element segment {@code elemIndex} from {@code off}. */
    public static ArrayObject arrayNewElem(ModuleInstance inst, int typeIndex, int elemIndex, long off, long n) {
        DefinedType t = inst.types[typeIndex];
        Object[] seg = inst.elems[elemIndex];
        if (off + n > seg.length) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
        ArrayObject a = newArray(t, n);
        System.arraycopy(seg, (int) off, a.refs, 0, (int) n);
        return a;
    }

    /**
     * {@code array.fill} of {@code n} elements from {@code d}: the value is {@code value} (numbers, packed values,
     * low v128 half), {@code hi} (high v128 half) or {@code ref}, as the element kind requires.
     */
    public static void arrayFill(Object array, long d, long value, long hi, Object ref, long n) {
        ArrayObject a = array(array);
        if (d + n > a.length) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_ARRAY_ACCESS);
        }
        byte k = a.type.kinds[0];
        int from = (int) d;
        int to = (int) (d + n);
        switch (k) {
            case DefinedType.K_REF -> java.util.Arrays.fill(a.refs, from, to, ref);
            case DefinedType.K_V128 -> {
                java.util.Arrays.fill(a.values, from, to, value);
                java.util.Arrays.fill(a.his, from, to, hi);
            }
            default -> java.util.Arrays.fill(a.values, from, to, pack(k, value));
        }
    }

    /** {@code array.copy}: {@code n} elements (overlapping ranges allowed). */
    public static void arrayCopy(Object dst, long di, Object src, long si, long n) {
        ArrayObject d = array(dst);
        ArrayObject s = array(src);
        if (di + n > d.length || si + n > s.length) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_ARRAY_ACCESS);
        }
        if (d.values != null) {
            System.arraycopy(s.values, (int) si, d.values, (int) di, (int) n);
        }
        if (d.his != null) {
            System.arraycopy(s.his, (int) si, d.his, (int) di, (int) n);
        }
        if (d.refs != null) {
            System.arraycopy(s.refs, (int) si, d.refs, (int) di, (int) n);
        }
    }

    /** {@code array.init_data}: {@code n} elements at {@code d} from data segment {@code dataIndex} at {@code off}. */
    public static void arrayInitData(ModuleInstance inst, int dataIndex, Object array, long d, long off, long n) {
        ArrayObject a = array(array);
        byte[] data = inst.datas[dataIndex];
        if (d + n > a.length) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_ARRAY_ACCESS);
        }
        if (off + n * a.type.byteSizes[0] > data.length) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
        }
        fromData(a, (int) d, data, (int) off, (int) n);
    }

    /** {@code array.init_elem}: {@code n} references at {@code d} from element segment {@code elemIndex}. */
    public static void arrayInitElem(ModuleInstance inst, int elemIndex, Object array, long d, long off, long n) {
        ArrayObject a = array(array);
        Object[] seg = inst.elems[elemIndex];
        if (d + n > a.length) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_ARRAY_ACCESS);
        }
        if (off + n > seg.length) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_TABLE_ACCESS);
        }
        System.arraycopy(seg, (int) off, a.refs, (int) d, (int) n);
    }

    /** A numeric value as a field or element of kind {@code k} stores it: packed kinds masked to their width. */
    public static long pack(byte k, long value) {
        return switch (k) {
            case DefinedType.K_I8 -> value & 0xFF;
            case DefinedType.K_I16 -> value & 0xFFFF;
            default -> value;
        };
    }

    /** {@code struct.new_default}, and the allocation of {@code struct.new} before its fields are stored. */
    public static StructObject newStruct(DefinedType t) {
        int n = t.kinds.length;
        return new StructObject(t, new long[n], t.hasV128 ? new long[n] : null, t.hasRef ? new Object[n] : null);
    }

    /** {@code array.new_default}, and the allocation of the other {@code array.new} forms ({@code length} unsigned). */
    public static ArrayObject newArray(DefinedType t, long length) {
        if (length > MAX_ARRAY) {
            throw new Trap(TrapKind.ALLOCATION_TOO_LARGE, "array of " + length + " elements");
        }
        int n = (int) length;
        byte k = t.kinds[0];
        try {
            return new ArrayObject(t, n, k == DefinedType.K_REF ? null : new long[n], k == DefinedType.K_V128 ? new long[n] : null,
                    k == DefinedType.K_REF ? new Object[n] : null);
        } catch (OutOfMemoryError e) {
            throw new Trap(TrapKind.ALLOCATION_TOO_LARGE, "array of " + length + " elements");
        }
    }

    /** The struct a {@code struct.get/set} operand refers to; traps on null. */
    public static StructObject struct(Object r) {
        if (r == null) {
            throw new Trap(TrapKind.NULL_STRUCTURE_REFERENCE);
        }
        return (StructObject) r;
    }

    /** The array an {@code array.*} operand refers to; traps on null. */
    public static ArrayObject array(Object r) {
        if (r == null) {
            throw new Trap(TrapKind.NULL_ARRAY_REFERENCE);
        }
        return (ArrayObject) r;
    }

    /** An element index of {@code a} ({@code raw}'s low 32 bits, unsigned); traps when out of bounds. */
    public static int index(ArrayObject a, long raw) {
        long i = raw & 0xFFFF_FFFFL;
        if (i >= a.length) {
            throw new Trap(TrapKind.OUT_OF_BOUNDS_ARRAY_ACCESS);
        }
        return (int) i;
    }

    private static void store(byte kind, long[] values, long[] his, Object[] refs, int i,
                              long[] s, long[] hs, Object[] rs, int from) {
        switch (kind) {
            case DefinedType.K_REF -> refs[i] = rs[from];
            case DefinedType.K_I8 -> values[i] = s[from] & 0xFF;
            case DefinedType.K_I16 -> values[i] = s[from] & 0xFFFF;
            case DefinedType.K_V128 -> {
                values[i] = s[from];
                his[i] = hs[from];
            }
            default -> values[i] = s[from];
        }
    }

    private static void load(byte kind, boolean signed, long[] values, long[] his, Object[] refs, int i,
                             long[] s, long[] hs, Object[] rs, int to) {
        switch (kind) {
            case DefinedType.K_REF -> rs[to] = refs[i];
            case DefinedType.K_I8 -> s[to] = signed ? (byte) values[i] : values[i];
            case DefinedType.K_I16 -> s[to] = signed ? (short) values[i] : values[i];
            case DefinedType.K_V128 -> {
                s[to] = values[i];
                hs[to] = his[i];
            }
            default -> s[to] = values[i];
        }
    }

    /** Fills {@code n} elements from {@code d} with little-endian values read from {@code data} at {@code off}. */
    private static void fromData(ArrayObject a, int d, byte[] data, int off, int n) {
        int size = a.type.byteSizes[0];
        for (int i = 0; i < n; i++) {
            int p = off + i * size;
            long lo = 0;
            for (int b = Math.min(size, 8) - 1; b >= 0; b--) {
                lo = (lo << 8) | (data[p + b] & 0xFF);
            }
            a.values[d + i] = lo;
            if (size == 16) {
                long hi = 0;
                for (int b = 7; b >= 0; b--) {
                    hi = (hi << 8) | (data[p + 8 + b] & 0xFF);
                }
                a.his[d + i] = hi;
            }
        }
    }
}
