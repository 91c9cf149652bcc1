package dev.basalt.internal.interpreter;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.internal.ops.NumericOps;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.ExnObject;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.GlobalInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.StoreState;
import dev.basalt.internal.runtime.TableInstance;
import dev.basalt.internal.runtime.TagInstance;
import dev.basalt.internal.runtime.TieredCode;
import dev.basalt.internal.runtime.WasmThrow;

/**
 * The interpreter's dispatch loop. One Java invocation of {@link #execute} runs one Wasm activation; tail calls
 * replace the activation in place. Values live in the store's three parallel stack arrays (see {@link StoreState});
 * i32 and f32 are the low 32 bits of a slot (floats as raw bits, so reinterpretations are free), i64 and f64 the
 * whole slot, v128 the slot plus the same index of the high-half array, references the reference array.
 *
 * <p>The hot loop handles control flow, locals, globals, calls, scalar arithmetic and memory 0 accesses inline;
 * everything else is delegated to {@link ColdOps} so that this method stays small enough for HotSpot to compile.
 */
public final class Interpreter {
    private Interpreter() {
    }

    /** Calls {@code f} with its arguments at {@code base} (results replace them there); handles host functions. */
    public static void invoke(StoreState m, FunctionInstance f, int base) {
        if (f.code == null) {
            m.top = base + f.type.paramCount;
            f.host.invoke(m, null, base);
            return;
        }
        m.enter(f);
        execute(m, f, base);
        m.depth--;
    }

    static void execute(StoreState m, FunctionInstance fn, int fp) {
        final int myDepth = m.depth;
        reentry:
        for (;;) {
            CompiledCode cc = (CompiledCode) fn.code;
            TieredCode tier = cc.tier;
            if (tier != null) {
                // Tiered up: the compiled code runs the call and records its own frame, so step out of ours.
                m.depth--;
                tier.invoke(m, fn.instance, fp);
                m.depth++;
                return;
            }
            // Tiering (AUTO) only: without it, no per-call or per-iteration write of the countdown. A local read once
            // per activation, so the interpreter's loop header tests a register, not a field.
            final boolean counting = cc.hotSink != null;
            if (counting && --cc.countdown == 0) {
                cc.becameHot();
            }
            ModuleInstance inst = fn.instance;
            int[] code = cc.code;
            LinearMemory mem = inst.mem0;
            GlobalInstance[] globals = inst.globals;
            m.ensureStack(fp + cc.maxHeight);
            long[] s = m.stack;
            long[] hs = m.his;
            Object[] rs = m.refs;
            int sp = fp + cc.frameSlots;
            for (int i = fp + cc.paramCount; i < sp; i++) {
                s[i] = 0;
                hs[i] = 0;
                rs[i] = null;
            }
            if ((m.fuel -= cc.entryFuel) < 0 | m.interrupt != 0) {
                m.poll();
            }
            int pc = 0;
            for (;;) {
                try {
                    for (;;) {
                        switch (code[pc++]) {
                            case Op.UNREACHABLE -> throw new Trap(TrapKind.UNREACHABLE);
                            case Op.JMP -> pc = code[pc];
                            case Op.JMP_IF -> {
                                if ((int) s[--sp] != 0) {
                                    pc = code[pc];
                                } else {
                                    pc++;
                                }
                            }
                            case Op.JMP_UNLESS -> {
                                if ((int) s[--sp] == 0) {
                                    pc = code[pc];
                                } else {
                                    pc++;
                                }
                            }
                            case Op.BR -> {
                                sp = move(s, hs, rs, sp, code[pc + 1], fp + code[pc + 2]);
                                pc = code[pc];
                            }
                            case Op.BR_IF -> {
                                if ((int) s[--sp] != 0) {
                                    sp = move(s, hs, rs, sp, code[pc + 1], fp + code[pc + 2]);
                                    pc = code[pc];
                                } else {
                                    pc += 3;
                                }
                            }
                            case Op.BR_TABLE -> {
                                int n = code[pc];
                                int i = (int) s[--sp];
                                int e = pc + 1 + 3 * (Integer.compareUnsigned(i, n) < 0 ? i : n);
                                sp = move(s, hs, rs, sp, code[e + 1], fp + code[e + 2]);
                                pc = code[e];
                            }
                            case Op.RETURN -> {
                                move(s, hs, rs, sp, cc.resultCount, fp);
                                return;
                            }
                            case Op.LOOP_HEADER -> {
                                if ((m.fuel -= code[pc++]) < 0 | m.interrupt != 0) {
                                    m.poll();
                                }
                                if (counting && --cc.countdown == 0) {
                                    cc.becameHot();
                                }
                            }
                            case Op.CALL -> {
                                FunctionInstance callee = inst.func(code[pc++]);
                                int base = sp - callee.type.paramCount;
                                if (callee.code != null) {
                                    m.enter(callee);
                                    execute(m, callee, base);
                                    m.depth--;
                                } else {
                                    callHost(m, callee, inst, base);
                                }
                                sp = base + callee.type.resultCount;
                                s = m.stack;
                                hs = m.his;
                                rs = m.refs;
                            }
                            case Op.CALL_INDIRECT -> {
                                FunctionInstance callee = indirect(inst, code[pc], code[pc + 1], s[--sp]);
                                pc += 2;
                                int base = sp - callee.type.paramCount;
                                invokeFrom(m, callee, inst, base);
                                sp = base + callee.type.resultCount;
                                s = m.stack;
                                hs = m.his;
                                rs = m.refs;
                            }
                            case Op.CALL_REF -> {
                                Object r = rs[--sp];
                                pc++;
                                if (r == null) {
                                    throw new Trap(TrapKind.NULL_FUNCTION_REFERENCE);
                                }
                                FunctionInstance callee = (FunctionInstance) r;
                                int base = sp - callee.type.paramCount;
                                invokeFrom(m, callee, inst, base);
                                sp = base + callee.type.resultCount;
                                s = m.stack;
                                hs = m.his;
                                rs = m.refs;
                            }
                            case Op.RETURN_CALL, Op.RETURN_CALL_INDIRECT, Op.RETURN_CALL_REF -> {
                                FunctionInstance callee = tailCallee(inst, code, pc - 1, s, rs, sp);
                                if (code[pc - 1] != Op.RETURN_CALL) {
                                    sp--;
                                }
                                int np = callee.type.paramCount;
                                move(s, hs, rs, sp, np, fp);
                                if (callee.code == null) {
                                    callHost(m, callee, inst, fp);
                                    return;
                                }
                                fn = callee;
                                m.frames[m.depth] = callee;
                                continue reentry;
                            }
                            case Op.DROP -> sp--;
                            case Op.SELECT -> {
                                sp -= 2;
                                if ((int) s[sp + 1] == 0) {
                                    s[sp - 1] = s[sp];
                                }
                            }
                            case Op.SELECT_V128 -> {
                                sp -= 2;
                                if ((int) s[sp + 1] == 0) {
                                    s[sp - 1] = s[sp];
                                    hs[sp - 1] = hs[sp];
                                }
                            }
                            case Op.SELECT_REF -> {
                                sp -= 2;
                                if ((int) s[sp + 1] == 0) {
                                    rs[sp - 1] = rs[sp];
                                }
                            }
                            case Op.LOCAL_GET -> s[sp++] = s[fp + code[pc++]];
                            case Op.LOCAL_SET -> s[fp + code[pc++]] = s[--sp];
                            case Op.LOCAL_TEE -> s[fp + code[pc++]] = s[sp - 1];
                            case Op.LOCAL_GET_REF -> rs[sp++] = rs[fp + code[pc++]];
                            case Op.LOCAL_SET_REF -> rs[fp + code[pc++]] = rs[--sp];
                            case Op.LOCAL_TEE_REF -> rs[fp + code[pc++]] = rs[sp - 1];
                            case Op.LOCAL_GET_V128 -> {
                                int l = fp + code[pc++];
                                s[sp] = s[l];
                                hs[sp++] = hs[l];
                            }
                            case Op.LOCAL_SET_V128 -> {
                                int l = fp + code[pc++];
                                s[l] = s[--sp];
                                hs[l] = hs[sp];
                            }
                            case Op.LOCAL_TEE_V128 -> {
                                int l = fp + code[pc++];
                                s[l] = s[sp - 1];
                                hs[l] = hs[sp - 1];
                            }
                            case Op.GLOBAL_GET -> s[sp++] = globals[code[pc++]].value;
                            case Op.GLOBAL_SET -> globals[code[pc++]].value = s[--sp];
                            case Op.GLOBAL_GET_REF -> rs[sp++] = globals[code[pc++]].ref;
                            case Op.GLOBAL_SET_REF -> globals[code[pc++]].ref = rs[--sp];
                            case Op.GLOBAL_GET_V128 -> {
                                GlobalInstance g = globals[code[pc++]];
                                s[sp] = g.value;
                                hs[sp++] = g.hi;
                            }
                            case Op.GLOBAL_SET_V128 -> {
                                GlobalInstance g = globals[code[pc++]];
                                g.value = s[--sp];
                                g.hi = hs[sp];
                            }
                            case Op.I32_CONST -> s[sp++] = code[pc++];
                            case Op.I64_CONST -> {
                                s[sp++] = (code[pc] & 0xFFFF_FFFFL) | ((long) code[pc + 1] << 32);
                                pc += 2;
                            }
                            case Op.V128_CONST -> {
                                s[sp] = (code[pc] & 0xFFFF_FFFFL) | ((long) code[pc + 1] << 32);
                                hs[sp++] = (code[pc + 2] & 0xFFFF_FFFFL) | ((long) code[pc + 3] << 32);
                                pc += 4;
                            }
                            case Op.THROW -> {
                                pc++;
                                sp = throwNew(inst, code[pc - 1], s, hs, rs, sp);
                            }
                            case Op.THROW_REF -> {
                                Object r = rs[--sp];
                                if (r == null) {
                                    throw new Trap(TrapKind.NULL_REFERENCE);
                                }
                                throw new WasmThrow((ExnObject) r);
                            }
                            case Op.RETHROW -> throw new WasmThrow((ExnObject) rs[fp + code[pc++]]);
                            case Op.BR_ON_NULL -> {
                                if (rs[sp - 1] == null) {
                                    sp = move(s, hs, rs, sp - 1, code[pc + 1], fp + code[pc + 2]);
                                    pc = code[pc];
                                } else {
                                    pc += 3;
                                }
                            }
                            case Op.BR_ON_NON_NULL -> {
                                if (rs[sp - 1] != null) {
                                    sp = move(s, hs, rs, sp, code[pc + 1], fp + code[pc + 2]);
                                    pc = code[pc];
                                } else {
                                    sp--;
                                    pc += 3;
                                }
                            }
                            case Op.BR_ON_CAST, Op.BR_ON_CAST_FAIL -> {
                                boolean ok = Casts.test(rs[sp - 1], code[pc + 3], code[pc + 4] != 0, inst);
                                if (ok == (code[pc - 1] == Op.BR_ON_CAST)) {
                                    sp = move(s, hs, rs, sp, code[pc + 1], fp + code[pc + 2]);
                                    pc = code[pc];
                                } else {
                                    pc += 5;
                                }
                            }
                            case Op.REF_NULL -> rs[sp++] = null;
                            case Op.REF_IS_NULL -> {
                                s[sp - 1] = rs[sp - 1] == null ? 1 : 0;
                            }
                            case Op.REF_FUNC -> rs[sp++] = inst.func(code[pc++]);
                            case Op.REF_AS_NON_NULL -> {
                                if (rs[sp - 1] == null) {
                                    throw new Trap(TrapKind.NULL_REFERENCE);
                                }
                            }
                            case Op.REF_EQ -> {
                                sp--;
                                s[sp - 1] = Casts.refEq(rs[sp - 1], rs[sp]) ? 1 : 0;
                            }
                            case Op.I32_LOAD -> s[sp - 1] = mem.i32Load(s[sp - 1] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL);
                            case Op.I64_LOAD -> s[sp - 1] = mem.i64Load(s[sp - 1] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL);
                            case Op.I32_LOAD8_S, Op.I64_LOAD8_S -> s[sp - 1] = mem.i32Load8S(s[sp - 1] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL);
                            case Op.I32_LOAD8_U, Op.I64_LOAD8_U -> s[sp - 1] = mem.i32Load8U(s[sp - 1] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL);
                            case Op.I32_LOAD16_S, Op.I64_LOAD16_S -> s[sp - 1] = mem.i32Load16S(s[sp - 1] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL);
                            case Op.I32_LOAD16_U, Op.I64_LOAD16_U -> s[sp - 1] = mem.i32Load16U(s[sp - 1] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL);
                            case Op.I64_LOAD32_S -> s[sp - 1] = mem.i32Load(s[sp - 1] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL);
                            case Op.I64_LOAD32_U -> s[sp - 1] = mem.i32Load(s[sp - 1] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL) & 0xFFFF_FFFFL;
                            case Op.I32_STORE -> {
                                sp -= 2;
                                mem.i32Store(s[sp] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL, (int) s[sp + 1]);
                            }
                            case Op.I64_STORE -> {
                                sp -= 2;
                                mem.i64Store(s[sp] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL, s[sp + 1]);
                            }
                            case Op.I32_STORE8 -> {
                                sp -= 2;
                                mem.i32Store8(s[sp] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL, (int) s[sp + 1]);
                            }
                            case Op.I32_STORE16 -> {
                                sp -= 2;
                                mem.i32Store16(s[sp] & 0xFFFF_FFFFL, code[pc++] & 0xFFFF_FFFFL, (int) s[sp + 1]);
                            }
                            case Op.MEMORY_SIZE -> s[sp++] = inst.memories[code[pc++]].size();
                            case Op.MEMORY_GROW -> {
                                LinearMemory mm = inst.memories[code[pc++]];
                                s[sp - 1] = ColdOps.memoryGrow(m, mm, s[sp - 1]);
                            }
                            case Op.MEM_GENERIC -> {
                                sp = MemoryOps.exec(m, inst, code, pc, s, hs, sp);
                                pc += 6;
                            }
                            case Op.COLD -> {
                                sp = ColdOps.exec(m, inst, code, pc, s, hs, rs, sp);
                                pc += 2 + code[pc + 1];
                            }
                            // ---- superinstructions (see Translator's peephole) ----
                            case Op.LOCAL_GET2 -> {
                                s[sp] = s[fp + code[pc]];
                                s[sp + 1] = s[fp + code[pc + 1]];
                                sp += 2;
                                pc += 2;
                            }
                            case Op.I32_ADD_IMM -> s[sp - 1] = (int) s[sp - 1] + code[pc++];
                            case Op.JMP_IF_I32_EQ -> { sp -= 2; pc = (int) s[sp] == (int) s[sp + 1] ? code[pc] : pc + 1; }
                            case Op.JMP_IF_I32_NE -> { sp -= 2; pc = (int) s[sp] != (int) s[sp + 1] ? code[pc] : pc + 1; }
                            case Op.JMP_IF_I32_LT_S -> { sp -= 2; pc = (int) s[sp] < (int) s[sp + 1] ? code[pc] : pc + 1; }
                            case Op.JMP_IF_I32_LT_U -> { sp -= 2; pc = Integer.compareUnsigned((int) s[sp], (int) s[sp + 1]) < 0 ? code[pc] : pc + 1; }
                            case Op.JMP_IF_I32_GT_S -> { sp -= 2; pc = (int) s[sp] > (int) s[sp + 1] ? code[pc] : pc + 1; }
                            case Op.JMP_IF_I32_GT_U -> { sp -= 2; pc = Integer.compareUnsigned((int) s[sp], (int) s[sp + 1]) > 0 ? code[pc] : pc + 1; }
                            case Op.JMP_IF_I32_LE_S -> { sp -= 2; pc = (int) s[sp] <= (int) s[sp + 1] ? code[pc] : pc + 1; }
                            case Op.JMP_IF_I32_LE_U -> { sp -= 2; pc = Integer.compareUnsigned((int) s[sp], (int) s[sp + 1]) <= 0 ? code[pc] : pc + 1; }
                            case Op.JMP_IF_I32_GE_S -> { sp -= 2; pc = (int) s[sp] >= (int) s[sp + 1] ? code[pc] : pc + 1; }
                            case Op.JMP_IF_I32_GE_U -> { sp -= 2; pc = Integer.compareUnsigned((int) s[sp], (int) s[sp + 1]) >= 0 ? code[pc] : pc + 1; }
                            case Op.JMP_UNLESS_I32_EQ -> { sp -= 2; pc = (int) s[sp] == (int) s[sp + 1] ? pc + 1 : code[pc]; }
                            case Op.JMP_UNLESS_I32_NE -> { sp -= 2; pc = (int) s[sp] != (int) s[sp + 1] ? pc + 1 : code[pc]; }
                            case Op.JMP_UNLESS_I32_LT_S -> { sp -= 2; pc = (int) s[sp] < (int) s[sp + 1] ? pc + 1 : code[pc]; }
                            case Op.JMP_UNLESS_I32_LT_U -> { sp -= 2; pc = Integer.compareUnsigned((int) s[sp], (int) s[sp + 1]) < 0 ? pc + 1 : code[pc]; }
                            case Op.JMP_UNLESS_I32_GT_S -> { sp -= 2; pc = (int) s[sp] > (int) s[sp + 1] ? pc + 1 : code[pc]; }
                            case Op.JMP_UNLESS_I32_GT_U -> { sp -= 2; pc = Integer.compareUnsigned((int) s[sp], (int) s[sp + 1]) > 0 ? pc + 1 : code[pc]; }
                            case Op.JMP_UNLESS_I32_LE_S -> { sp -= 2; pc = (int) s[sp] <= (int) s[sp + 1] ? pc + 1 : code[pc]; }
                            case Op.JMP_UNLESS_I32_LE_U -> { sp -= 2; pc = Integer.compareUnsigned((int) s[sp], (int) s[sp + 1]) <= 0 ? pc + 1 : code[pc]; }
                            case Op.JMP_UNLESS_I32_GE_S -> { sp -= 2; pc = (int) s[sp] >= (int) s[sp + 1] ? pc + 1 : code[pc]; }
                            case Op.JMP_UNLESS_I32_GE_U -> { sp -= 2; pc = Integer.compareUnsigned((int) s[sp], (int) s[sp + 1]) >= 0 ? pc + 1 : code[pc]; }
                            // ---- numeric ----
                            case Op.I32_EQZ -> s[sp - 1] = (int) s[sp - 1] == 0 ? 1 : 0;
                            case Op.I32_EQ -> { sp--; s[sp - 1] = (int) s[sp - 1] == (int) s[sp] ? 1 : 0; }
                            case Op.I32_NE -> { sp--; s[sp - 1] = (int) s[sp - 1] != (int) s[sp] ? 1 : 0; }
                            case Op.I32_LT_S -> { sp--; s[sp - 1] = (int) s[sp - 1] < (int) s[sp] ? 1 : 0; }
                            case Op.I32_LT_U -> { sp--; s[sp - 1] = Integer.compareUnsigned((int) s[sp - 1], (int) s[sp]) < 0 ? 1 : 0; }
                            case Op.I32_GT_S -> { sp--; s[sp - 1] = (int) s[sp - 1] > (int) s[sp] ? 1 : 0; }
                            case Op.I32_GT_U -> { sp--; s[sp - 1] = Integer.compareUnsigned((int) s[sp - 1], (int) s[sp]) > 0 ? 1 : 0; }
                            case Op.I32_LE_S -> { sp--; s[sp - 1] = (int) s[sp - 1] <= (int) s[sp] ? 1 : 0; }
                            case Op.I32_LE_U -> { sp--; s[sp - 1] = Integer.compareUnsigned((int) s[sp - 1], (int) s[sp]) <= 0 ? 1 : 0; }
                            case Op.I32_GE_S -> { sp--; s[sp - 1] = (int) s[sp - 1] >= (int) s[sp] ? 1 : 0; }
                            case Op.I32_GE_U -> { sp--; s[sp - 1] = Integer.compareUnsigned((int) s[sp - 1], (int) s[sp]) >= 0 ? 1 : 0; }
                            case Op.I64_EQZ -> s[sp - 1] = s[sp - 1] == 0 ? 1 : 0;
                            case Op.I64_EQ -> { sp--; s[sp - 1] = s[sp - 1] == s[sp] ? 1 : 0; }
                            case Op.I64_NE -> { sp--; s[sp - 1] = s[sp - 1] != s[sp] ? 1 : 0; }
                            case Op.I64_LT_S -> { sp--; s[sp - 1] = s[sp - 1] < s[sp] ? 1 : 0; }
                            case Op.I64_LT_U -> { sp--; s[sp - 1] = Long.compareUnsigned(s[sp - 1], s[sp]) < 0 ? 1 : 0; }
                            case Op.I64_GT_S -> { sp--; s[sp - 1] = s[sp - 1] > s[sp] ? 1 : 0; }
                            case Op.I64_GT_U -> { sp--; s[sp - 1] = Long.compareUnsigned(s[sp - 1], s[sp]) > 0 ? 1 : 0; }
                            case Op.I64_LE_S -> { sp--; s[sp - 1] = s[sp - 1] <= s[sp] ? 1 : 0; }
                            case Op.I64_LE_U -> { sp--; s[sp - 1] = Long.compareUnsigned(s[sp - 1], s[sp]) <= 0 ? 1 : 0; }
                            case Op.I64_GE_S -> { sp--; s[sp - 1] = s[sp - 1] >= s[sp] ? 1 : 0; }
                            case Op.I64_GE_U -> { sp--; s[sp - 1] = Long.compareUnsigned(s[sp - 1], s[sp]) >= 0 ? 1 : 0; }
                            case Op.F32_EQ -> { sp--; s[sp - 1] = f32(s[sp - 1]) == f32(s[sp]) ? 1 : 0; }
                            case Op.F32_NE -> { sp--; s[sp - 1] = f32(s[sp - 1]) != f32(s[sp]) ? 1 : 0; }
                            case Op.F32_LT -> { sp--; s[sp - 1] = f32(s[sp - 1]) < f32(s[sp]) ? 1 : 0; }
                            case Op.F32_GT -> { sp--; s[sp - 1] = f32(s[sp - 1]) > f32(s[sp]) ? 1 : 0; }
                            case Op.F32_LE -> { sp--; s[sp - 1] = f32(s[sp - 1]) <= f32(s[sp]) ? 1 : 0; }
                            case Op.F32_GE -> { sp--; s[sp - 1] = f32(s[sp - 1]) >= f32(s[sp]) ? 1 : 0; }
                            case Op.F64_EQ -> { sp--; s[sp - 1] = f64(s[sp - 1]) == f64(s[sp]) ? 1 : 0; }
                            case Op.F64_NE -> { sp--; s[sp - 1] = f64(s[sp - 1]) != f64(s[sp]) ? 1 : 0; }
                            case Op.F64_LT -> { sp--; s[sp - 1] = f64(s[sp - 1]) < f64(s[sp]) ? 1 : 0; }
                            case Op.F64_GT -> { sp--; s[sp - 1] = f64(s[sp - 1]) > f64(s[sp]) ? 1 : 0; }
                            case Op.F64_LE -> { sp--; s[sp - 1] = f64(s[sp - 1]) <= f64(s[sp]) ? 1 : 0; }
                            case Op.F64_GE -> { sp--; s[sp - 1] = f64(s[sp - 1]) >= f64(s[sp]) ? 1 : 0; }
                            case Op.I32_CLZ -> s[sp - 1] = Integer.numberOfLeadingZeros((int) s[sp - 1]);
                            case Op.I32_CTZ -> s[sp - 1] = Integer.numberOfTrailingZeros((int) s[sp - 1]);
                            case Op.I32_POPCNT -> s[sp - 1] = Integer.bitCount((int) s[sp - 1]);
                            case Op.I32_ADD -> { sp--; s[sp - 1] = (int) s[sp - 1] + (int) s[sp]; }
                            case Op.I32_SUB -> { sp--; s[sp - 1] = (int) s[sp - 1] - (int) s[sp]; }
                            case Op.I32_MUL -> { sp--; s[sp - 1] = (int) s[sp - 1] * (int) s[sp]; }
                            case Op.I32_DIV_S -> { sp--; s[sp - 1] = NumericOps.i32DivS((int) s[sp - 1], (int) s[sp]); }
                            case Op.I32_DIV_U -> { sp--; s[sp - 1] = NumericOps.i32DivU((int) s[sp - 1], (int) s[sp]); }
                            case Op.I32_REM_S -> { sp--; s[sp - 1] = NumericOps.i32RemS((int) s[sp - 1], (int) s[sp]); }
                            case Op.I32_REM_U -> { sp--; s[sp - 1] = NumericOps.i32RemU((int) s[sp - 1], (int) s[sp]); }
                            case Op.I32_AND -> { sp--; s[sp - 1] = (int) s[sp - 1] & (int) s[sp]; }
                            case Op.I32_OR -> { sp--; s[sp - 1] = (int) s[sp - 1] | (int) s[sp]; }
                            case Op.I32_XOR -> { sp--; s[sp - 1] = (int) s[sp - 1] ^ (int) s[sp]; }
                            case Op.I32_SHL -> { sp--; s[sp - 1] = (int) s[sp - 1] << (int) s[sp]; }
                            case Op.I32_SHR_S -> { sp--; s[sp - 1] = (int) s[sp - 1] >> (int) s[sp]; }
                            case Op.I32_SHR_U -> { sp--; s[sp - 1] = (int) s[sp - 1] >>> (int) s[sp]; }
                            case Op.I32_ROTL -> { sp--; s[sp - 1] = Integer.rotateLeft((int) s[sp - 1], (int) s[sp]); }
                            case Op.I32_ROTR -> { sp--; s[sp - 1] = Integer.rotateRight((int) s[sp - 1], (int) s[sp]); }
                            case Op.I64_CLZ -> s[sp - 1] = Long.numberOfLeadingZeros(s[sp - 1]);
                            case Op.I64_CTZ -> s[sp - 1] = Long.numberOfTrailingZeros(s[sp - 1]);
                            case Op.I64_POPCNT -> s[sp - 1] = Long.bitCount(s[sp - 1]);
                            case Op.I64_ADD -> { sp--; s[sp - 1] += s[sp]; }
                            case Op.I64_SUB -> { sp--; s[sp - 1] -= s[sp]; }
                            case Op.I64_MUL -> { sp--; s[sp - 1] *= s[sp]; }
                            case Op.I64_DIV_S -> { sp--; s[sp - 1] = NumericOps.i64DivS(s[sp - 1], s[sp]); }
                            case Op.I64_DIV_U -> { sp--; s[sp - 1] = NumericOps.i64DivU(s[sp - 1], s[sp]); }
                            case Op.I64_REM_S -> { sp--; s[sp - 1] = NumericOps.i64RemS(s[sp - 1], s[sp]); }
                            case Op.I64_REM_U -> { sp--; s[sp - 1] = NumericOps.i64RemU(s[sp - 1], s[sp]); }
                            case Op.I64_AND -> { sp--; s[sp - 1] &= s[sp]; }
                            case Op.I64_OR -> { sp--; s[sp - 1] |= s[sp]; }
                            case Op.I64_XOR -> { sp--; s[sp - 1] ^= s[sp]; }
                            case Op.I64_SHL -> { sp--; s[sp - 1] <<= s[sp]; }
                            case Op.I64_SHR_S -> { sp--; s[sp - 1] >>= s[sp]; }
                            case Op.I64_SHR_U -> { sp--; s[sp - 1] >>>= s[sp]; }
                            case Op.I64_ROTL -> { sp--; s[sp - 1] = Long.rotateLeft(s[sp - 1], (int) s[sp]); }
                            case Op.I64_ROTR -> { sp--; s[sp - 1] = Long.rotateRight(s[sp - 1], (int) s[sp]); }
                            case Op.F32_ABS -> s[sp - 1] = (int) s[sp - 1] & 0x7FFF_FFFF;
                            case Op.F32_NEG -> s[sp - 1] = (int) s[sp - 1] ^ 0x8000_0000;
                            case Op.F32_COPYSIGN -> { sp--; s[sp - 1] = ((int) s[sp - 1] & 0x7FFF_FFFF) | ((int) s[sp] & 0x8000_0000); }
                            case Op.F32_ADD -> { sp--; s[sp - 1] = f32b(f32(s[sp - 1]) + f32(s[sp])); }
                            case Op.F32_SUB -> { sp--; s[sp - 1] = f32b(f32(s[sp - 1]) - f32(s[sp])); }
                            case Op.F32_MUL -> { sp--; s[sp - 1] = f32b(f32(s[sp - 1]) * f32(s[sp])); }
                            case Op.F32_DIV -> { sp--; s[sp - 1] = f32b(f32(s[sp - 1]) / f32(s[sp])); }
                            case Op.F64_ABS -> s[sp - 1] &= 0x7FFF_FFFF_FFFF_FFFFL;
                            case Op.F64_NEG -> s[sp - 1] ^= 0x8000_0000_0000_0000L;
                            case Op.F64_COPYSIGN -> { sp--; s[sp - 1] = (s[sp - 1] & 0x7FFF_FFFF_FFFF_FFFFL) | (s[sp] & 0x8000_0000_0000_0000L); }
                            case Op.F64_ADD -> { sp--; s[sp - 1] = f64b(f64(s[sp - 1]) + f64(s[sp])); }
                            case Op.F64_SUB -> { sp--; s[sp - 1] = f64b(f64(s[sp - 1]) - f64(s[sp])); }
                            case Op.F64_MUL -> { sp--; s[sp - 1] = f64b(f64(s[sp - 1]) * f64(s[sp])); }
                            case Op.F64_DIV -> { sp--; s[sp - 1] = f64b(f64(s[sp - 1]) / f64(s[sp])); }
                            case Op.I64_EXTEND_I32_S -> s[sp - 1] = (int) s[sp - 1];
                            case Op.I64_EXTEND_I32_U -> s[sp - 1] &= 0xFFFF_FFFFL;
                            case Op.I32_EXTEND8_S -> s[sp - 1] = (byte) s[sp - 1];
                            case Op.I32_EXTEND16_S -> s[sp - 1] = (short) s[sp - 1];
                            case Op.I64_EXTEND8_S -> s[sp - 1] = (byte) s[sp - 1];
                            case Op.I64_EXTEND16_S -> s[sp - 1] = (short) s[sp - 1];
                            case Op.I64_EXTEND32_S -> s[sp - 1] = (int) s[sp - 1];
                            default -> sp = Numeric.exec(code[pc - 1], s, sp);
                        }
                    }
                } catch (Trap t) {
                    m.notePc(myDepth, pc);
                    throw t;
                } catch (WasmThrow t) {
                    CompiledCode.Handler[] hs0 = cc.handlers;
                    if (hs0.length == 0) {
                        throw t;
                    }
                    int target = Handlers.find(hs0, pc, t.exn, inst);
                    if (target < 0) {
                        throw t;
                    }
                    m.depth = myDepth;
                    CompiledCode.Handler h = hs0[target >>> 16];
                    int clause = target & 0xFFFF;
                    m.ensureStack(fp + cc.maxHeight + t.exn.values.length + 1);
                    s = m.stack;
                    hs = m.his;
                    rs = m.refs;
                    sp = Handlers.land(h, clause, t.exn, s, hs, rs, fp);
                    pc = h.targets[clause];
                }
            }
        }
    }

    /** Moves the top {@code n} values down to {@code to}; returns the new stack pointer. */
    static int move(long[] s, long[] hs, Object[] rs, int sp, int n, int to) {
        int from = sp - n;
        if (from != to) {
            for (int i = 0; i < n; i++) {
                s[to + i] = s[from + i];
                hs[to + i] = hs[from + i];
                rs[to + i] = rs[from + i];
            }
        }
        return to + n;
    }

    static float f32(long v) {
        return Float.intBitsToFloat((int) v);
    }

    static double f64(long v) {
        return Double.longBitsToDouble(v);
    }

    static long f32b(float f) {
        return Float.floatToRawIntBits(f);
    }

    static long f64b(double d) {
        return Double.doubleToRawLongBits(d);
    }

    static void callHost(StoreState m, FunctionInstance callee, ModuleInstance caller, int base) {
        m.top = base + callee.type.paramCount;
        callee.host.invoke(m, caller, base);
    }

    static void invokeFrom(StoreState m, FunctionInstance callee, ModuleInstance caller, int base) {
        if (callee.code != null) {
            m.enter(callee);
            execute(m, callee, base);
            m.depth--;
        } else {
            callHost(m, callee, caller, base);
        }
    }

    /**
     * The function at {@code rawIndex} of table {@code tableIndex}, checked against type {@code typeIndex}: the
     * {@code call_indirect} lookup, shared with the compiler so both engines trap alike.
     */
    public static FunctionInstance indirect(ModuleInstance inst, int typeIndex, int tableIndex, long rawIndex) {
        TableInstance t = inst.tables[tableIndex];
        long i = t.type.is64() ? rawIndex : rawIndex & 0xFFFF_FFFFL;
        if (i < 0 || i >= t.size) {
            throw new Trap(TrapKind.UNDEFINED_ELEMENT);
        }
        Object r = t.elements[(int) i];
        if (r == null && (r = t.elementOrLazy((int) i)) == null) {
            throw new Trap(TrapKind.UNINITIALIZED_ELEMENT);
        }
        FunctionInstance f = (FunctionInstance) r;
        DefinedType expected = inst.types[typeIndex];
        if (f.type != expected && !f.type.isSubtypeOf(expected)) {
            throw new Trap(TrapKind.INDIRECT_CALL_TYPE_MISMATCH);
        }
        return f;
    }

    private static FunctionInstance tailCallee(ModuleInstance inst, int[] code, int at, long[] s, Object[] rs, int sp) {
        switch (code[at]) {
            case Op.RETURN_CALL:
                return inst.func(code[at + 1]);
            case Op.RETURN_CALL_INDIRECT:
                return indirect(inst, code[at + 1], code[at + 2], s[sp - 1]);
            default: {
                Object r = rs[sp - 1];
                if (r == null) {
                    throw new Trap(TrapKind.NULL_FUNCTION_REFERENCE);
                }
                return (FunctionInstance) r;
            }
        }
    }

    private static int throwNew(ModuleInstance inst, int tagIndex, long[] s, long[] hs, Object[] rs, int sp) {
        TagInstance tag = inst.tags[tagIndex];
        int n = tag.type.paramCount;
        long[] v = new long[n];
        long[] h = new long[n];
        Object[] r = new Object[n];
        int from = sp - n;
        System.arraycopy(s, from, v, 0, n);
        System.arraycopy(hs, from, h, 0, n);
        System.arraycopy(rs, from, r, 0, n);
        throw new WasmThrow(new ExnObject(tag, v, h, r));
    }
}
