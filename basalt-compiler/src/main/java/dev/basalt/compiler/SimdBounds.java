package dev.basalt.compiler;

import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.Opcode;
import dev.basalt.wasm.V128;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Upper bounds of the 16-bit lanes of v128 values, found by following the operand stack through straight-line code,
 * so that {@link SimdPairs} can add {@code i16x8} values with one {@code long} addition per half where no lane can
 * carry into the next (the widened 8-bit sums of image filters: {@code extend_low_i8x16_u} gives lanes up to 255,
 * {@code shl} by 1 up to 510, their sum up to 765, ...), and narrow to unsigned bytes without the negative-lane mask
 * where no lane has its top bit set.
 *
 * <p>A bound {@code B} of a value means: every one of its eight 16-bit lanes, read unsigned, is at most {@code B}
 * ({@link #UNKNOWN} when nothing is known). Sources: {@code i16x8.extend_*_i8x16_u} (255), {@code v128.const} (its
 * largest lane), {@code i16x8.shl} and {@code i16x8.shr_u} by a constant count (the bound shifted, when no bit leaves
 * the lane), {@code i16x8.add} whose operands' bounds sum to at most 0xFFFF (the sum: no lane carries), and
 * {@code local.tee} (the value it leaves is the one it took). Everything else gives {@link #UNKNOWN}.
 *
 * <p>The walk mirrors the top of the operand stack: each instruction it knows pops and pushes exactly what it does
 * at run time; any other instruction (control, calls, instructions without a fixed signature) forgets the whole
 * simulated stack, and a pop of a value pushed before that reads as unknown. So a recorded bound is only ever
 * derived from the instructions that computed that very value, in the order they run.
 */
final class SimdBounds {
    /** No bound known: any 16-bit lane. */
    static final int UNKNOWN = 0xFFFF;

    /** A simulated stack entry: a v128's lane bound, or an i32 known to be {@code constant}. */
    private record Entry(int bound, Integer constant) {
        static final Entry ANY = new Entry(UNKNOWN, null);
    }

    /** By instruction index of an {@code i16x8.add} or {@code i8x16.narrow_i16x8_u}: its operands' bounds. */
    private final Map<Integer, int[]> operands = new HashMap<>();

    private SimdBounds() {
    }

    /** The bounds of {@code body}'s {@code i16x8.add} and {@code i8x16.narrow_i16x8_u} operands. */
    static SimdBounds of(List<Instruction> body) {
        SimdBounds out = new SimdBounds();
        List<Entry> stack = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            Instruction in = body.get(i);
            Opcode op = in.opcode();
            switch (op) {
                case I32_CONST -> stack.add(new Entry(UNKNOWN, ((Instruction.I32Const) in).value()));
                case V128_CONST -> stack.add(new Entry(largestLane(((Instruction.V128Const) in).value()), null));
                case LOCAL_GET, I64_CONST, F32_CONST, F64_CONST -> stack.add(Entry.ANY);
                case LOCAL_SET, DROP -> pop(stack);
                case LOCAL_TEE -> stack.add(pop(stack));
                case I16X8_EXTEND_LOW_I8X16_U, I16X8_EXTEND_HIGH_I8X16_U -> {
                    pop(stack);
                    stack.add(new Entry(0xFF, null));
                }
                case I16X8_SHL, I16X8_SHR_U -> {
                    Entry count = pop(stack);
                    int bound = pop(stack).bound;
                    if (op == Opcode.I16X8_SHR_U) {
                        // a logical right shift never makes a lane larger
                        bound = count.constant == null ? bound : bound >>> (count.constant & 15);
                    } else {
                        long shifted = count.constant == null ? UNKNOWN + 1L : (long) bound << (count.constant & 15);
                        bound = shifted <= UNKNOWN ? (int) shifted : UNKNOWN;
                    }
                    stack.add(new Entry(bound, null));
                }
                case I16X8_ADD, I8X16_NARROW_I16X8_U -> {
                    int b = pop(stack).bound;
                    int a = pop(stack).bound;
                    out.operands.put(i, new int[] {a, b});
                    stack.add(new Entry(op == Opcode.I16X8_ADD && a + b <= UNKNOWN ? a + b : UNKNOWN, null));
                }
                default -> {
                    if (!op.hasFixedSignature() || isControl(op)) {
                        stack.clear();
                        break;
                    }
                    int pops = op.params().size();
                    if (in instanceof Instruction.Memory || in instanceof Instruction.MemoryLane) {
                        pops++; // the address, which params() leaves out
                    } else if (in.getClass() != Instruction.Simple.class && op.prefix() != SimdCodegen.PREFIX) {
                        // an immediate-carrying instruction whose stack effect this walk does not model
                        stack.clear();
                        break;
                    }
                    for (int k = 0; k < pops; k++) {
                        pop(stack);
                    }
                    for (int k = 0; k < op.results().size(); k++) {
                        stack.add(Entry.ANY);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Whether the {@code i16x8.add} at {@code index} can be one {@code long} addition per half: its operands' lane
     * bounds sum to at most 0xFFFF, so no lane's sum carries into the next lane.
     */
    boolean addWithoutCarry(int index) {
        int[] b = operands.get(index);
        return b != null && b[0] + b[1] <= UNKNOWN;
    }

    /** Whether no lane of either operand of the {@code i8x16.narrow_i16x8_u} at {@code index} is negative. */
    boolean narrowsNonNegative(int index) {
        int[] b = operands.get(index);
        return b != null && b[0] <= Short.MAX_VALUE && b[1] <= Short.MAX_VALUE;
    }

    private static Entry pop(List<Entry> stack) {
        return stack.isEmpty() ? Entry.ANY : stack.remove(stack.size() - 1);
    }

    private static int largestLane(V128 v) {
        int max = 0;
        for (long half : new long[] {v.lo(), v.hi()}) {
            for (int k = 0; k < 4; k++) {
                max = Math.max(max, (int) (half >>> (16 * k)) & 0xFFFF);
            }
        }
        return max;
    }

    private static boolean isControl(Opcode op) {
        return switch (op) {
            case BLOCK, LOOP, IF, ELSE, END, TRY, TRY_TABLE, CATCH, CATCH_ALL, DELEGATE, BR, BR_IF, BR_TABLE,
                 BR_ON_NULL, BR_ON_NON_NULL, BR_ON_CAST, BR_ON_CAST_FAIL, RETURN, RETURN_CALL, RETURN_CALL_INDIRECT,
                 RETURN_CALL_REF, UNREACHABLE, THROW, THROW_REF, RETHROW, CALL, CALL_INDIRECT, CALL_REF,
                 SELECT, SELECT_TYPED -> true;
            default -> false;
        };
    }
}
