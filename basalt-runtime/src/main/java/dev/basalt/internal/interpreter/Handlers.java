package dev.basalt.internal.interpreter;

import dev.basalt.internal.runtime.ExnObject;
import dev.basalt.internal.runtime.ModuleInstance;

/** Finding the handler of a thrown Wasm exception in a function's handler table, and landing on it. */
final class Handlers {
    private Handlers() {
    }

    /**
     * The handler and clause that catch {@code exn} thrown at {@code pc} (already advanced past the throwing
     * instruction), as {@code handler << 16 | clause}, or -1 when the exception leaves the function.
     */
    static int find(CompiledCode.Handler[] hs, int pc, ExnObject exn, ModuleInstance inst) {
        int h = -1;
        for (int i = hs.length - 1; i >= 0; i--) {
            if (hs[i].start < pc && pc <= hs[i].end) {
                h = i;
                break;
            }
        }
        while (h >= 0) {
            CompiledCode.Handler x = hs[h];
            if (x.kind == CompiledCode.Handler.DELEGATE) {
                h = x.delegateTo;
                continue;
            }
            for (int c = 0; c < x.count; c++) {
                int tag = x.tags[c];
                if (tag < 0 || inst.tags[tag] == exn.tag) {
                    return (h << 16) | c;
                }
            }
            h = x.parent;
        }
        return -1;
    }

    /** Pushes what the clause receives at its label's height; returns the new stack pointer. */
    static int land(CompiledCode.Handler h, int clause, ExnObject exn, long[] s, long[] hs, Object[] rs, int fp) {
        int sp = fp + h.heights[clause];
        if (h.pushPayload[clause]) {
            int n = exn.values.length;
            System.arraycopy(exn.values, 0, s, sp, n);
            System.arraycopy(exn.his, 0, hs, sp, n);
            System.arraycopy(exn.refs, 0, rs, sp, n);
            sp += n;
        }
        if (h.pushRef[clause]) {
            rs[sp++] = exn;
        }
        if (h.kind == CompiledCode.Handler.LEGACY) {
            rs[fp + h.exnSlot] = exn;
        }
        return sp;
    }
}
