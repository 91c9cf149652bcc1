package dev.basalt.internal.interpreter;

import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.ops.SimdOps;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.StoreState;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.V128;

/**
 * Memory instructions outside the hot loop's fast path: any memory other than a 32-bit memory 0, 64-bit static
 * offsets, SIMD loads and stores, and atomics. Code layout after {@link Op#MEM_GENERIC}: Wasm opcode ordinal,
 * memory index, offset low and high words, lane, is64.
 */
final class MemoryOps {
    private static final Opcode[] OPS = Opcode.values();
    /** Per opcode ordinal, for atomic read-modify-writes: access width in bytes (0 if not an RMW). */
    private static final int[] RMW_WIDTH = new int[OPS.length];
    /** Per opcode ordinal: the LinearMemory.RMW_* operation, or -1 for cmpxchg. */
    private static final int[] RMW_OP = new int[OPS.length];

    static {
        for (Opcode op : OPS) {
            String n = op.name();
            int i = n.indexOf("_ATOMIC_RMW");
            if (i < 0) {
                continue;
            }
            String rest = n.substring(i + "_ATOMIC_RMW".length());
            int width = n.startsWith("I64") ? 8 : 4;
            if (rest.startsWith("8")) {
                width = 1;
            } else if (rest.startsWith("16")) {
                width = 2;
            } else if (rest.startsWith("32")) {
                width = 4;
            }
            RMW_WIDTH[op.ordinal()] = width;
            RMW_OP[op.ordinal()] = rest.contains("CMPXCHG") ? -1
                    : rest.contains("XCHG") ? LinearMemory.RMW_XCHG
                    : rest.contains("ADD") ? LinearMemory.RMW_ADD
                    : rest.contains("SUB") ? LinearMemory.RMW_SUB
                    : rest.contains("AND") ? LinearMemory.RMW_AND
                    : rest.contains("XOR") ? LinearMemory.RMW_XOR
                    : LinearMemory.RMW_OR;
        }
    }

    private MemoryOps() {
    }

    static int exec(StoreState m, ModuleInstance inst, int[] code, int pc, long[] s, long[] hs, int sp) {
        Opcode op = OPS[code[pc]];
        LinearMemory mem = inst.memories[code[pc + 1]];
        long off = (code[pc + 2] & 0xFFFF_FFFFL) | ((long) code[pc + 3] << 32);
        int lane = code[pc + 4];
        boolean is64 = code[pc + 5] != 0;
        int ai = sp - op.params().size() - 1;
        long a = is64 ? s[ai] : s[ai] & 0xFFFF_FFFFL;
        int vi = ai + 1;
        int rw = RMW_WIDTH[op.ordinal()];
        if (rw != 0) {
            return rmw(op, mem, rw, a, off, s, ai);
        }
        switch (op) {
            case I32_LOAD, F32_LOAD -> s[ai] = mem.i32Load(a, off);
            case I64_LOAD, F64_LOAD -> s[ai] = mem.i64Load(a, off);
            case I32_LOAD8_S, I64_LOAD8_S -> s[ai] = mem.i32Load8S(a, off);
            case I32_LOAD8_U, I64_LOAD8_U -> s[ai] = mem.i32Load8U(a, off);
            case I32_LOAD16_S, I64_LOAD16_S -> s[ai] = mem.i32Load16S(a, off);
            case I32_LOAD16_U, I64_LOAD16_U -> s[ai] = mem.i32Load16U(a, off);
            case I64_LOAD32_S -> s[ai] = mem.i32Load(a, off);
            case I64_LOAD32_U -> s[ai] = mem.i32Load(a, off) & 0xFFFF_FFFFL;
            case I32_STORE, F32_STORE, I64_STORE32 -> mem.i32Store(a, off, (int) s[vi]);
            case I64_STORE, F64_STORE -> mem.i64Store(a, off, s[vi]);
            case I32_STORE8, I64_STORE8 -> mem.i32Store8(a, off, (int) s[vi]);
            case I32_STORE16, I64_STORE16 -> mem.i32Store16(a, off, (int) s[vi]);
            case V128_LOAD -> put(s, hs, ai, mem.v128Load(a, off));
            case V128_LOAD8X8_S -> put(s, hs, ai, SimdOps.load8x8S(mem.i64Load(a, off)));
            case V128_LOAD8X8_U -> put(s, hs, ai, SimdOps.load8x8U(mem.i64Load(a, off)));
            case V128_LOAD16X4_S -> put(s, hs, ai, SimdOps.load16x4S(mem.i64Load(a, off)));
            case V128_LOAD16X4_U -> put(s, hs, ai, SimdOps.load16x4U(mem.i64Load(a, off)));
            case V128_LOAD32X2_S -> put(s, hs, ai, SimdOps.load32x2S(mem.i64Load(a, off)));
            case V128_LOAD32X2_U -> put(s, hs, ai, SimdOps.load32x2U(mem.i64Load(a, off)));
            case V128_LOAD8_SPLAT -> put(s, hs, ai, SimdOps.load8Splat(mem.i32Load8U(a, off)));
            case V128_LOAD16_SPLAT -> put(s, hs, ai, SimdOps.load16Splat(mem.i32Load16U(a, off)));
            case V128_LOAD32_SPLAT -> put(s, hs, ai, SimdOps.load32Splat(mem.i32Load(a, off)));
            case V128_LOAD64_SPLAT -> put(s, hs, ai, SimdOps.load64Splat(mem.i64Load(a, off)));
            case V128_LOAD32_ZERO -> put(s, hs, ai, SimdOps.load32Zero(mem.i32Load(a, off)));
            case V128_LOAD64_ZERO -> put(s, hs, ai, SimdOps.load64Zero(mem.i64Load(a, off)));
            case V128_STORE -> mem.v128Store(a, off, new V128(s[vi], hs[vi]));
            case V128_LOAD8_LANE -> put(s, hs, ai, SimdOps.i8x16ReplaceLane(get(s, hs, vi), lane, mem.i32Load8U(a, off)));
            case V128_LOAD16_LANE -> put(s, hs, ai, SimdOps.i16x8ReplaceLane(get(s, hs, vi), lane, mem.i32Load16U(a, off)));
            case V128_LOAD32_LANE -> put(s, hs, ai, SimdOps.i32x4ReplaceLane(get(s, hs, vi), lane, mem.i32Load(a, off)));
            case V128_LOAD64_LANE -> put(s, hs, ai, SimdOps.i64x2ReplaceLane(get(s, hs, vi), lane, mem.i64Load(a, off)));
            case V128_STORE8_LANE -> mem.i32Store8(a, off, SimdOps.i8x16ExtractLaneU(get(s, hs, vi), lane));
            case V128_STORE16_LANE -> mem.i32Store16(a, off, SimdOps.i16x8ExtractLaneU(get(s, hs, vi), lane));
            case V128_STORE32_LANE -> mem.i32Store(a, off, SimdOps.i32x4ExtractLane(get(s, hs, vi), lane));
            case V128_STORE64_LANE -> mem.i64Store(a, off, SimdOps.i64x2ExtractLane(get(s, hs, vi), lane));
            case I32_ATOMIC_LOAD -> s[ai] = mem.atomicLoad32(a, off);
            case I64_ATOMIC_LOAD -> s[ai] = mem.atomicLoad64(a, off);
            case I32_ATOMIC_LOAD8_U, I64_ATOMIC_LOAD8_U -> s[ai] = mem.atomicLoad8(a, off);
            case I32_ATOMIC_LOAD16_U, I64_ATOMIC_LOAD16_U -> s[ai] = mem.atomicLoad16(a, off);
            case I64_ATOMIC_LOAD32_U -> s[ai] = mem.atomicLoad32(a, off) & 0xFFFF_FFFFL;
            case I32_ATOMIC_STORE, I64_ATOMIC_STORE32 -> mem.atomicStore32(a, off, (int) s[vi]);
            case I64_ATOMIC_STORE -> mem.atomicStore64(a, off, s[vi]);
            case I32_ATOMIC_STORE8, I64_ATOMIC_STORE8 -> mem.atomicStore8(a, off, (int) s[vi]);
            case I32_ATOMIC_STORE16, I64_ATOMIC_STORE16 -> mem.atomicStore16(a, off, (int) s[vi]);
            case MEMORY_ATOMIC_NOTIFY -> s[ai] = mem.notify(a, off, (int) s[vi]);
            case MEMORY_ATOMIC_WAIT32 -> s[ai] = mem.wait32(a, off, (int) s[vi], s[vi + 1], m.poller);
            case MEMORY_ATOMIC_WAIT64 -> s[ai] = mem.wait64(a, off, s[vi], s[vi + 1], m.poller);
            default -> throw new IllegalStateException("not a memory instruction: " + op);
        }
        return ai + op.results().size();
    }

    private static int rmw(Opcode op, LinearMemory mem, int width, long a, long off, long[] s, int ai) {
        int kind = RMW_OP[op.ordinal()];
        boolean wide = op.name().startsWith("I64");
        long r;
        if (kind < 0) {
            long expected = s[ai + 1];
            long replacement = s[ai + 2];
            r = switch (width) {
                case 1 -> mem.atomicCmpxchg8(a, off, (int) expected, (int) replacement);
                case 2 -> mem.atomicCmpxchg16(a, off, (int) expected, (int) replacement);
                case 4 -> mem.atomicCmpxchg32(a, off, (int) expected, (int) replacement) & (wide ? 0xFFFF_FFFFL : -1L);
                default -> mem.atomicCmpxchg64(a, off, expected, replacement);
            };
        } else {
            long v = s[ai + 1];
            r = switch (width) {
                case 1 -> mem.atomicRmw8(kind, a, off, (int) v);
                case 2 -> mem.atomicRmw16(kind, a, off, (int) v);
                case 4 -> mem.atomicRmw32(kind, a, off, (int) v) & (wide ? 0xFFFF_FFFFL : -1L);
                default -> mem.atomicRmw64(kind, a, off, v);
            };
        }
        s[ai] = r;
        return ai + 1;
    }

    static void put(long[] s, long[] hs, int i, V128 v) {
        s[i] = v.lo();
        hs[i] = v.hi();
    }

    static V128 get(long[] s, long[] hs, int i) {
        return new V128(s[i], hs[i]);
    }
}
