package dev.basalt.internal.interpreter;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.ops.NumericOps;
import dev.basalt.internal.runtime.I31Ref;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.StoreState;
import dev.basalt.internal.runtime.TableInstance;

/**
 * Instructions executed out of line: tables, bulk memory, GC objects, i31, casts, wide arithmetic and SIMD.
 * Code layout after {@link Op#COLD}: {@link ColdOp} id, immediate count, immediates.
 */
final class ColdOps {
    private ColdOps() {
    }

    static long memoryGrow(StoreState m, LinearMemory mem, long delta) {
        long d = mem.is64() ? delta : delta & 0xFFFF_FFFFL;
        long cap = m.maxMemoryBytes;
        return mem.grow(d, cap);
    }

    static int exec(StoreState m, ModuleInstance inst, int[] code, int pc, long[] s, long[] hs, Object[] rs, int sp) {
        int id = code[pc];
        int i0 = pc + 2 < code.length ? code[pc + 2] : 0;
        int i1 = pc + 3 < code.length ? code[pc + 3] : 0;
        switch (id) {
            case ColdOp.SIMD -> {
                return SimdDispatch.exec(code, pc + 2, s, hs, sp);
            }
            case ColdOp.TABLE_GET -> {
                TableInstance t = inst.tables[i0];
                rs[sp - 1] = t.get(idx(t, s[sp - 1]));
                return sp;
            }
            case ColdOp.TABLE_SET -> {
                TableInstance t = inst.tables[i0];
                t.set(idx(t, s[sp - 2]), rs[sp - 1]);
                return sp - 2;
            }
            case ColdOp.TABLE_SIZE -> {
                s[sp] = inst.tables[i0].size;
                return sp + 1;
            }
            case ColdOp.TABLE_GROW -> {
                TableInstance t = inst.tables[i0];
                long r = t.grow(idx(t, s[sp - 1]), rs[sp - 2]);
                s[sp - 2] = t.type.is64() ? r : (int) r;
                return sp - 1;
            }
            case ColdOp.TABLE_FILL -> {
                TableInstance t = inst.tables[i0];
                t.fill(idx(t, s[sp - 3]), rs[sp - 2], idx(t, s[sp - 1]));
                return sp - 3;
            }
            case ColdOp.TABLE_COPY -> {
                TableInstance d = inst.tables[i0];
                TableInstance src = inst.tables[i1];
                boolean wide = d.type.is64() && src.type.is64();
                long n = wide ? s[sp - 1] : s[sp - 1] & 0xFFFF_FFFFL;
                TableInstance.copy(d, idx(d, s[sp - 3]), src, idx(src, s[sp - 2]), n);
                return sp - 3;
            }
            case ColdOp.TABLE_INIT -> {
                TableInstance t = inst.tables[i1];
                t.init(idx(t, s[sp - 3]), inst.elems[i0], s[sp - 2] & 0xFFFF_FFFFL, s[sp - 1] & 0xFFFF_FFFFL);
                return sp - 3;
            }
            case ColdOp.ELEM_DROP -> {
                inst.elems[i0] = new Object[0];
                return sp;
            }
            case ColdOp.MEMORY_FILL -> {
                LinearMemory mem = inst.memories[i0];
                mem.fill(addr(mem, s[sp - 3]), (int) s[sp - 2], addr(mem, s[sp - 1]));
                return sp - 3;
            }
            case ColdOp.MEMORY_COPY -> {
                LinearMemory d = inst.memories[i0];
                LinearMemory src = inst.memories[i1];
                long n = d.is64() && src.is64() ? s[sp - 1] : s[sp - 1] & 0xFFFF_FFFFL;
                if (d == src) {
                    d.copy(addr(d, s[sp - 3]), addr(src, s[sp - 2]), n);
                } else {
                    d.copyFrom(src, addr(d, s[sp - 3]), addr(src, s[sp - 2]), n);
                }
                return sp - 3;
            }
            case ColdOp.MEMORY_INIT -> {
                LinearMemory mem = inst.memories[i1];
                mem.init(addr(mem, s[sp - 3]), inst.datas[i0], s[sp - 2] & 0xFFFF_FFFFL, s[sp - 1] & 0xFFFF_FFFFL);
                return sp - 3;
            }
            case ColdOp.DATA_DROP -> {
                inst.datas[i0] = new byte[0];
                return sp;
            }
            case ColdOp.I64_ADD128 -> {
                long alo = s[sp - 4];
                long ahi = s[sp - 3];
                long blo = s[sp - 2];
                long bhi = s[sp - 1];
                s[sp - 4] = NumericOps.i64Add128Lo(alo, ahi, blo, bhi);
                s[sp - 3] = NumericOps.i64Add128Hi(alo, ahi, blo, bhi);
                return sp - 2;
            }
            case ColdOp.I64_SUB128 -> {
                long alo = s[sp - 4];
                long ahi = s[sp - 3];
                long blo = s[sp - 2];
                long bhi = s[sp - 1];
                s[sp - 4] = NumericOps.i64Sub128Lo(alo, ahi, blo, bhi);
                s[sp - 3] = NumericOps.i64Sub128Hi(alo, ahi, blo, bhi);
                return sp - 2;
            }
            case ColdOp.I64_MUL_WIDE_S -> {
                long a = s[sp - 2];
                long b = s[sp - 1];
                s[sp - 2] = a * b;
                s[sp - 1] = Math.multiplyHigh(a, b);
                return sp;
            }
            case ColdOp.I64_MUL_WIDE_U -> {
                long a = s[sp - 2];
                long b = s[sp - 1];
                s[sp - 2] = a * b;
                s[sp - 1] = Math.unsignedMultiplyHigh(a, b);
                return sp;
            }
            case ColdOp.REF_I31 -> {
                rs[sp - 1] = I31Ref.of((int) s[sp - 1]);
                return sp;
            }
            case ColdOp.I31_GET_S, ColdOp.I31_GET_U -> {
                Object r = rs[sp - 1];
                if (r == null) {
                    throw new Trap(TrapKind.NULL_I31_REFERENCE);
                }
                I31Ref i = (I31Ref) r;
                s[sp - 1] = id == ColdOp.I31_GET_S ? i.signed() : i.value();
                return sp;
            }
            case ColdOp.ANY_CONVERT_EXTERN, ColdOp.EXTERN_CONVERT_ANY -> {
                return sp;
            }
            case ColdOp.REF_TEST, ColdOp.REF_TEST_NULL -> {
                s[sp - 1] = Casts.test(rs[sp - 1], i0, id == ColdOp.REF_TEST_NULL, inst) ? 1 : 0;
                return sp;
            }
            case ColdOp.REF_CAST, ColdOp.REF_CAST_NULL -> {
                if (!Casts.test(rs[sp - 1], i0, id == ColdOp.REF_CAST_NULL, inst)) {
                    throw new Trap(TrapKind.CAST_FAILURE);
                }
                return sp;
            }
            default -> {
                return Gc.exec(id, inst, i0, i1, s, hs, rs, sp);
            }
        }
    }

    /** A table index or length operand: unsigned 32-bit for table32, the raw value for table64. */
    private static long idx(TableInstance t, long raw) {
        long v = t.type.is64() ? raw : raw & 0xFFFF_FFFFL;
        return v < 0 ? Long.MAX_VALUE : v;
    }

    private static long addr(LinearMemory mem, long raw) {
        return mem.is64() ? raw : raw & 0xFFFF_FFFFL;
    }
}
