package dev.basalt.compiler;

import dev.basalt.internal.memory.LinearMemory;
import dev.basalt.wasm.Instruction;
import dev.basalt.wasm.MemArg;
import dev.basalt.wasm.MemoryType;
import dev.basalt.wasm.Opcode;
import java.util.List;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Plain loads and stores of unshared memories, inlined into the generated code: no call into {@link LinearMemory},
 * one bounds check, the access itself on the backing {@code byte[]}.
 *
 * <p><b>Locals.</b> For every unshared memory the function loads from or stores to, its backing array and its size
 * in bytes (an int: no memory exceeds {@link LinearMemory#MAX_BYTES} &lt; 2^31) live in two JVM locals. They are
 * read on entry (of the function's method and of every piece of a split function) and read again after everything
 * that can replace the array, which only {@code memory.grow} does: after {@code memory.grow}, after every call
 * (any callee, Wasm or host, may grow the memory), after a split function's piece returns (it may have called),
 * and on entry to an exception handler (the frames the exception unwound may have grown it). {@code memory.fill},
 * {@code copy} and {@code init} never replace the array. Between those points the locals are loop-invariant, so
 * HotSpot keeps them in registers.
 *
 * <p><b>Bounds check.</b> An access of {@code width} bytes at address {@code a} with static offset {@code o} is in
 * bounds iff {@code a + o + width <= size} without wrapping. With {@code k = o + width}: if {@code k} exceeds
 * {@code MAX_BYTES} no address is valid (the access is compiled against address -1, which always traps); otherwise
 * the valid addresses are exactly {@code 0 <= a <= size - k} as signed ints (a 32-bit address at or above 2^31 is
 * negative as an int), two comparisons with a loop-invariant bound and no calls. An unsigned comparison against
 * {@code max(size - k + 1, 0)} (one branch, through the {@code Math.max}/{@code Integer.compareUnsigned}
 * intrinsics) was as fast once compiled, but those calls made code that still runs in the bytecode interpreter or
 * C1 (the first runs) markedly slower. The index into the array is then {@code a + o}, which cannot overflow. A
 * miss throws the trap from the access itself (through {@link MemorySupport#outOfBounds}), so the backtrace's byte
 * offset is the instruction's. The JVM's own exception is never what reports the trap (HotSpot may omit the stack
 * traces of implicit exceptions): where exact arrays below let the array's check stand for ours, a handler in this
 * frame throws the trap in its place. Multi-byte values go through little-endian {@code byteArrayViewVarHandle}s,
 * which HotSpot intrinsifies.
 *
 * <p><b>Exact arrays.</b> The array's own index check (the JVM's, or the view VarHandle's) is against its length,
 * which exceeds the memory's size once {@code memory.grow} left slack (arrays grow geometrically); where it does not,
 * that check is exactly ours, and the access needs no other. So a scalar access of a 32-bit memory whose array's
 * length equals its size skips our comparisons: only an address at or above 2^31 is tested when the static offset
 * is not 0 (so that {@code a + o} cannot wrap back into the array), and an exception-table entry over the access
 * turns the array's {@code ArrayIndexOutOfBoundsException} into the same trap, thrown by a handler in this frame at
 * the access's line (so the backtrace is the checked form's, whatever stack trace HotSpot gave the exception). C2
 * compiles the length test to one guard that later accesses share (it reads the length the array check reads anyway;
 * a local holding the outcome instead was one more value live in every deoptimisation state), and the access to one
 * array check that its loop optimisations (range-check elimination, predication) treat like any array access:
 * quicksort's scanning loops went from three compare-and-branches per load to one. v128 accesses (two array
 * accesses: a trap between them would leave half a store) and memories with slack keep the comparisons.
 *
 * <p><b>Compact form.</b> In functions whose own method would exceed {@link MethodSplitter#COMPACT_ABOVE} bytes
 * with inline accesses, plain accesses of 32-bit memories are one call each to a {@link MemorySupport} helper that
 * checks and accesses ({@code load32(address, offset, array, size)}, ...): about 8 bytes instead of 25-30. C1
 * compiles those helpers as calls and C2 inlines them where hot, so large methods stay within C1's register limit
 * and leave C2 its inlining budget, and a function is not split only because inline accesses made it too large.
 * Outlined loops keep the inline form.
 *
 * <p><b>Write tracking.</b> When the module is compiled to track memory writes ({@code Config.trackMemoryWrites},
 * for servers that reset a pooled memory after each request), each inlined memory has a third local, its
 * written-page map ({@code LinearMemory.writtenPages()}, read once on entry: it never changes), and every store
 * also marks the page of its first byte:
 * {@code map[index >>> 12] = 1}, one byte store the JIT compiler needs no range check for (the map has an entry for
 * any int shifted so). Without tracking the generated code is exactly what it was before.
 *
 * <p>Memory64 accesses work the same way on a {@code long} address, and {@code v128.load}/{@code v128.store} as two
 * little-endian longs. Shared memories, atomics and the other SIMD memory instructions (extending, splatting,
 * zero-filling and lane loads/stores) keep calling {@link LinearMemory}: a shared memory's size is published by
 * other threads (a local copy would go stale), and atomics need its locks.
 */
final class MemoryCodegen implements Opcodes {
    private static final String MEMORY = "dev/basalt/internal/memory/LinearMemory";
    private static final String SUPPORT = "dev/basalt/compiler/MemorySupport";
    /** What the array's own index check throws: a {@code byte[]} access, or a byte-array view VarHandle's. */
    private static final String ARRAY_INDEX = "java/lang/ArrayIndexOutOfBoundsException";

    private final FunctionCompiler fc;
    /** Per memory index: whether this function accesses it inline (it is unshared and has plain loads/stores). */
    private final boolean[] inlined;
    private final boolean any;
    /**
     * Whether plain accesses of 32-bit memories take the compact form (one helper call, see {@link #emitCompact})
     * in the method being generated, instead of the inline bounds check and access.
     */
    boolean compact;
    /** Per memory index: the JVM slots of its backing array and its size in bytes, in the method being generated. */
    private int[] arraySlots;
    private int[] sizeSlots;
    /**
     * While a checked stretch is translated ({@link CountedLoops#findStretches}): the instruction indices of the
     * accesses whose addresses the stretch's entry check proved in bounds, compiled without the bounds check.
     */
    java.util.BitSet unchecked;
    /**
     * Whether stores also mark their page in the memory's written-page map ({@code LinearMemory.writtenPages()},
     * {@code Config.trackMemoryWrites}); then {@link #mapSlots} holds each inlined memory's map.
     */
    private final boolean track;
    /** Whether memory 0 is read from the instance at each use in this function (see {@link #keepsLocals0}). */
    private final boolean rereads0;
    private int[] mapSlots;
    /**
     * Set by {@link #checkedIndex} when the access it checked may rely on the array's own index check (an exact
     * array): the handler that turns that check's exception into the trap, for {@link #emit} to register over the
     * access.
     */
    private Label arrayCheckHandler;

    MemoryCodegen(FunctionCompiler fc) {
        this.fc = fc;
        int n = fc.mc.memoryTypes.size();
        inlined = new boolean[n];
        boolean found = false;
        for (Instruction in : fc.function.body().instructions()) {
            if (in instanceof Instruction.Memory m && access(in.opcode()) != null
                    && !fc.mc.memoryTypes.get(m.memArg().memory()).shared()) {
                inlined[m.memArg().memory()] = true;
                found = true;
            }
        }
        any = found;
        rereads0 = found && noWritesInInnermostLoops(fc.function.body().instructions());
        track = fc.mc.trackWrites();
        arraySlots = new int[n];
        sizeSlots = new int[n];
        mapSlots = new int[n];
    }

    /**
     * Reserves the two locals of each inlined memory from JVM slot {@code next} on, for the method about to be
     * generated; returns the next free slot.
     */
    int reserveSlots(int next) {
        arraySlots = new int[inlined.length];
        sizeSlots = new int[inlined.length];
        mapSlots = new int[inlined.length];
        for (int m = 0; m < inlined.length; m++) {
            if (inlined[m]) {
                arraySlots[m] = next++;
                sizeSlots[m] = next++;
                if (track) {
                    mapSlots[m] = next++;
                }
            }
        }
        return next;
    }

    /** Whether plain accesses of memory {@code m} are inline in this function and the memory is 32-bit. */
    boolean inlines32(int m) {
        return inlined[m] && !fc.mc.memoryTypes.get(m).is64();
    }

    /**
     * Whether this is MethodSplitter's dry run that decides the compact form ({@link MethodSplitter#COMPACT_ABOVE}):
     * it measures memory 0 kept in locals, as before memory 0 was read at each use, so that the same functions take
     * the compact form (re-reading costs about 2 bytes more an access and saves the reload after each call; hash's
     * run, 2,920 bytes in that measure, went compact and 11% slower when the reads were counted). Only that
     * decision: the compact dry run, which decides splitting, measures what is generated.
     */
    private boolean measuresAsLocals() {
        return fc.cw instanceof SizeCounter.Measure && !fc.compactMemory;
    }

    /**
     * Whether memory 0's array and size live in locals in the method being generated, as other memories' do: in
     * methods with compact accesses (large functions, whose loops with calls cannot hoist the reads: deflate's main
     * function got 23% slower reading them at each access) and in the dry run above.
     */
    private boolean keepsLocals0() {
        return compact || measuresAsLocals() || !rereads0;
    }

    /**
     * Whether no innermost loop of the function writes memory 0 (plain stores, bulk memory instructions) or calls:
     * only then is memory 0 read at each use. HotSpot's C2 does not tell a store through the byte array's views from
     * the fields it read memory 0 from, so after each store it reads the instance, the memory, its array and its size
     * again and repeats the exactness test (nbody's loops, which store doubles, ran 2.2x slower).
     */
    private static boolean noWritesInInnermostLoops(List<Instruction> body) {
        for (int[] loop : CountedLoops.innermostLoops(body)) {
            for (int i = loop[0] + 1; i < loop[1]; i++) {
                Instruction in = body.get(i);
                // any store of a memory (lane stores, atomics included): conservative, whatever the memory
                if (in instanceof Instruction.Memory && (in.opcode().mnemonic().contains("store")
                        || in.opcode().mnemonic().contains("atomic"))) {
                    return false;
                }
                switch (in.opcode()) {
                    case CALL, CALL_INDIRECT, CALL_REF, MEMORY_GROW, MEMORY_FILL, MEMORY_COPY, MEMORY_INIT -> {
                        return false;
                    }
                    default -> {
                    }
                }
            }
        }
        return true;
    }

    /**
     * Pushes memory {@code m}'s backing array. Memory 0's is read from the instance at each use ({@link
     * MemorySupport#array0}), other memories' from the locals {@link #reload} fills.
     */
    void pushArray(int m) {
        MethodVisitor mv = fc.mv;
        if (m == 0 && !keepsLocals0()) {
            mv.visitVarInsn(ALOAD, fc.instSlot);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "array0", "(L" + ModuleCompiler.INST + ";)[B", false);
        } else {
            mv.visitVarInsn(ALOAD, arraySlots[m]);
        }
    }

    /** Pushes memory {@code m}'s size in bytes (an int); memory 0's read at each use, as {@link #pushArray}. */
    void pushSize(int m) {
        MethodVisitor mv = fc.mv;
        if (m == 0 && !keepsLocals0()) {
            mv.visitVarInsn(ALOAD, fc.instSlot);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "size0", "(L" + ModuleCompiler.INST + ";)I", false);
        } else {
            mv.visitVarInsn(ILOAD, sizeSlots[m]);
        }
    }

    /** The slots of the method being generated, to restore after generating a piece of a split function. */
    int[][] slots() {
        return new int[][] {arraySlots, sizeSlots, mapSlots};
    }

    void restoreSlots(int[][] saved) {
        arraySlots = saved[0];
        sizeSlots = saved[1];
        mapSlots = saved[2];
    }

    /** Reads the backing array and size of every inlined memory into their locals; leaves the operand stack alone. */
    void reload() {
        if (!any) {
            return;
        }
        MethodVisitor mv = fc.mv;
        for (int m = 0; m < inlined.length; m++) {
            if (inlined[m] && (m != 0 || keepsLocals0())) { // memory 0 is read where it is used (pushArray)
                fc.memory(m);
                mv.visitInsn(DUP);
                mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "array", "()[B", false);
                mv.visitVarInsn(ASTORE, arraySlots[m]);
                mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "byteSize", "()J", false);
                mv.visitInsn(L2I);
                mv.visitVarInsn(ISTORE, sizeSlots[m]);
            }
        }
    }

    /**
     * On entry to a generated method: {@link #reload()}, and the written-page map of every inlined memory when stores
     * mark pages. A memory's map never changes, so it is read once per method, not again after calls.
     */
    void loadOnEntry() {
        if (!any) {
            return;
        }
        if (track) {
            MethodVisitor mv = fc.mv;
            for (int m = 0; m < inlined.length; m++) {
                if (inlined[m]) {
                    fc.memory(m);
                    mv.visitMethodInsn(INVOKEVIRTUAL, MEMORY, "writtenPages", "()[B", false);
                    mv.visitVarInsn(ASTORE, mapSlots[m]);
                }
            }
        }
        reload();
    }

    /** Called after each instruction that was translated: re-reads the locals after what can replace an array. */
    void after(Instruction in) {
        switch (in.opcode()) {
            case CALL, CALL_INDIRECT, CALL_REF, MEMORY_GROW -> reload();
            default -> {
            }
        }
    }

    /** An access's width in bytes, value type and kind, by opcode; null for everything else. */
    private record Access(int width, char type, boolean store, boolean signed) {
    }

    private static Access access(Opcode op) {
        return switch (op) {
            case I32_LOAD -> new Access(4, 'I', false, false);
            case I64_LOAD -> new Access(8, 'J', false, false);
            case F32_LOAD -> new Access(4, 'F', false, false);
            case F64_LOAD -> new Access(8, 'D', false, false);
            case I32_LOAD8_S -> new Access(1, 'I', false, true);
            case I32_LOAD8_U -> new Access(1, 'I', false, false);
            case I32_LOAD16_S -> new Access(2, 'I', false, true);
            case I32_LOAD16_U -> new Access(2, 'I', false, false);
            case I64_LOAD8_S -> new Access(1, 'J', false, true);
            case I64_LOAD8_U -> new Access(1, 'J', false, false);
            case I64_LOAD16_S -> new Access(2, 'J', false, true);
            case I64_LOAD16_U -> new Access(2, 'J', false, false);
            case I64_LOAD32_S -> new Access(4, 'J', false, true);
            case I64_LOAD32_U -> new Access(4, 'J', false, false);
            case I32_STORE -> new Access(4, 'I', true, false);
            case I64_STORE -> new Access(8, 'J', true, false);
            case F32_STORE -> new Access(4, 'F', true, false);
            case F64_STORE -> new Access(8, 'D', true, false);
            case I32_STORE8 -> new Access(1, 'I', true, false);
            case I32_STORE16 -> new Access(2, 'I', true, false);
            case I64_STORE8 -> new Access(1, 'J', true, false);
            case I64_STORE16 -> new Access(2, 'J', true, false);
            case I64_STORE32 -> new Access(4, 'J', true, false);
            case V128_LOAD -> new Access(16, ModuleCompiler.V128_PAIR, false, false);
            case V128_STORE -> new Access(16, ModuleCompiler.V128, true, false);
            default -> null;
        };
    }

    /**
     * Emits {@code in} (at instruction {@code index}) if it is a plain load or store of an inlined memory; false
     * otherwise.
     */
    boolean emit(Instruction in, int index) {
        if (!any || !(in instanceof Instruction.Memory mem)) {
            return false;
        }
        Access a = access(in.opcode());
        MemArg arg = mem.memArg();
        if (a == null || !inlined[arg.memory()]) {
            return false;
        }
        MethodVisitor mv = fc.mv;
        MemoryType type = fc.mc.memoryTypes.get(arg.memory());
        boolean proven = unchecked != null && unchecked.get(index) && !type.is64();
        if (compact && !proven && !type.is64() && a.width != 16) {
            emitCompact(in.opcode(), a, arg);
            return true;
        }
        int mark = fc.nextSlot;
        int value = -1;
        if (a.store) {
            // A v128 value (a pair or an object) waits as its two longs (FunctionCompiler.localSize) across the check.
            char c = fc.pop();
            value = fc.newTemp(c);
            fc.nextSlot = value + FunctionCompiler.localSize(c);
            FunctionCompiler.storeLocal(mv, c, value);
        }
        fc.pop();
        // v128 objects stay out of the bounds check's way (see FunctionCompiler.spillVectors).
        int[] spilled = null;
        if (fc.lowestOnStack(ModuleCompiler.V128) >= 0) {
            int address = fc.newTemp(type.is64() ? 'J' : 'I');
            mv.visitVarInsn(type.is64() ? LSTORE : ISTORE, address);
            spilled = fc.spillVectors();
            mv.visitVarInsn(type.is64() ? LLOAD : ILOAD, address);
        }
        // The array's own check may stand for ours (see checkedIndex) only where one array access does the whole
        // access: a v128 is two, and a trap between them would leave half a store.
        // MethodSplitter's dry run decides the compact form by the size of the checked form, as it did before the
        // exact path existed: that path's length test and handler (about 12 bytes an access, folded by C2 after
        // its first guard) would otherwise tip functions such as hash's run over the threshold into the slower
        // compact form. The method stays far below HugeMethodLimit (a 3,000-byte method holds at most ~115 accesses).
        boolean mayBeExact = !proven && a.width != 16 && !type.is64() && !(fc.cw instanceof SizeCounter.Measure);
        int at = checkedIndex(type.is64(), arg, a.width, arg.memory(), proven, mayBeExact);
        fc.reloadSpilled(spilled);
        Label accessStart = new Label();
        Label accessEnd = new Label();
        mv.visitLabel(accessStart);
        if (a.store) {
            store(a, arg.memory(), at, value);
            mv.visitLabel(accessEnd);
            if (track) {
                // written[at >>> 12] = 1: the unsigned shift of an int is below the map's length, no range check
                mv.visitVarInsn(ALOAD, mapSlots[arg.memory()]);
                mv.visitVarInsn(ILOAD, at);
                FunctionCompiler.pushInt(mv, LinearMemory.WRITTEN_PAGE_LOG2);
                mv.visitInsn(IUSHR);
                mv.visitInsn(ICONST_1);
                mv.visitInsn(BASTORE);
            }
        } else {
            load(a, arg.memory(), at);
            mv.visitLabel(accessEnd);
            fc.push(a.type);
        }
        if (arrayCheckHandler != null) {
            mv.visitTryCatchBlock(accessStart, accessEnd, arrayCheckHandler, ARRAY_INDEX);
            arrayCheckHandler = null;
        }
        fc.nextSlot = mark;
        return true;
    }

    /**
     * The compact form of an access: one call to a {@link MemorySupport} helper that checks the bounds and accesses
     * the array (address and value on the stack, then the static offset, the array and the size).
     */
    private void emitCompact(Opcode op, Access a, MemArg arg) {
        MethodVisitor mv = fc.mv;
        if (a.store) {
            switch (fc.pop()) {
                case 'F' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
                case 'D' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J",
                        false);
                case 'J' -> {
                    if (a.width < 8) {
                        mv.visitInsn(L2I);
                    }
                }
                default -> {
                }
            }
        }
        fc.pop();
        FunctionCompiler.pushInt(mv, (int) arg.offset()); // a u32: the helper reads it unsigned
        pushArray(arg.memory());
        pushSize(arg.memory());
        if (a.store) {
            String name = "store" + a.width * 8;
            if (track) {
                mv.visitVarInsn(ALOAD, mapSlots[arg.memory()]);
                mv.visitMethodInsn(INVOKESTATIC, SUPPORT, name + "w", a.width == 8 ? "(IJI[BI[B)V" : "(III[BI[B)V",
                        false);
                return;
            }
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, name, a.width == 8 ? "(IJI[BI)V" : "(III[BI)V", false);
            return;
        }
        String name = switch (op) {
            case I32_LOAD, F32_LOAD, I64_LOAD32_S -> "load32";
            case I64_LOAD32_U -> "load32u";
            case I64_LOAD, F64_LOAD -> "load64";
            default -> "load" + a.width * 8 + (a.signed ? "s" : "u");
        };
        boolean wide = name.equals("load64") || name.equals("load32u");
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, name, wide ? "(II[BI)J" : "(II[BI)I", false);
        switch (a.type) {
            case 'F' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
            case 'D' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
            case 'J' -> {
                if (!wide) {
                    mv.visitInsn(I2L);
                }
            }
            default -> {
            }
        }
        fc.push(a.type);
    }

    /**
     * Turns the address on the stack (int, or long for memory64) into the array index of an access of {@code width}
     * bytes at static offset {@code arg.offset()}, trapping when out of bounds; stores the index in a new temporary
     * and returns its slot. With {@code proven} (a checked stretch's access, in bounds by its entry check), the
     * check is left out: the array's own index check stays.
     */
    private int checkedIndex(boolean is64, MemArg arg, int width, int memory, boolean proven, boolean mayBeExact) {
        MethodVisitor mv = fc.mv;
        long offset = arg.offset();
        if (proven && !is64 && offset >= 0 && offset <= LinearMemory.MAX_BYTES - width) {
            return storeIndex((int) offset);
        }
        // A memory64 offset is unsigned: negative here means at least 2^63.
        if (offset < 0 || offset > LinearMemory.MAX_BYTES - width) {
            // No address is in bounds: check address -1 instead, which always fails.
            mv.visitInsn(is64 ? POP2 : POP);
            if (is64) {
                mv.visitLdcInsn(-1L);
            } else {
                mv.visitInsn(ICONST_M1);
            }
            offset = 0;
        }
        long k = offset + width;
        Label ok = new Label();
        Label trap = new Label();
        Label exact = mayBeExact ? new Label() : null;
        if (exact != null) {
            if (memory == 0 && !keepsLocals0()) {
                mv.visitVarInsn(ALOAD, fc.instSlot);
                mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "exact0", "(L" + ModuleCompiler.INST + ";)Z", false);
                mv.visitJumpInsn(IFNE, exact);
            } else {
                mv.visitVarInsn(ALOAD, arraySlots[memory]);
                mv.visitInsn(ARRAYLENGTH);
                mv.visitVarInsn(ILOAD, sizeSlots[memory]);
                mv.visitJumpInsn(IF_ICMPEQ, exact);
            }
        }
        if (is64) {
            mv.visitInsn(DUP2);
            mv.visitInsn(LCONST_0);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFLT, trap);
            mv.visitInsn(DUP2);
            pushSize(memory);
            FunctionCompiler.pushInt(mv, (int) k);
            mv.visitInsn(ISUB);
            mv.visitInsn(I2L);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFLE, ok);
        } else {
            mv.visitInsn(DUP);
            mv.visitJumpInsn(IFLT, trap);
            mv.visitInsn(DUP);
            pushSize(memory);
            FunctionCompiler.pushInt(mv, (int) k);
            mv.visitInsn(ISUB);
            mv.visitJumpInsn(IF_ICMPLE, ok);
        }
        mv.visitLabel(trap);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "outOfBounds", "()Ldev/basalt/Trap;", false);
        mv.visitInsn(ATHROW);
        if (exact != null) {
            // The handler of the access's own index check (registered by emit over the access): the same trap,
            // thrown from this frame at the access's line, so the backtrace is the one the check above gives.
            // Placed after the athrow, it costs no jump.
            arrayCheckHandler = new Label();
            mv.visitLabel(arrayCheckHandler);
            mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "outOfBounds", "()Ldev/basalt/Trap;", false);
            mv.visitInsn(ATHROW);
            mv.visitLabel(exact);
            if (offset != 0) {
                // a + o must not wrap back into the array: an address at or above 2^31 (negative) traps here, and
                // a + o of a smaller one either is the exact index or wraps negative, which the array rejects.
                mv.visitInsn(DUP);
                mv.visitJumpInsn(IFLT, trap);
            }
        }
        mv.visitLabel(ok);
        if (is64) {
            mv.visitInsn(L2I); // below the size, hence below 2^31
        }
        return storeIndex((int) offset);
    }

    /** Adds the static offset to the int address on the stack and stores the index in a new temporary (its slot). */
    private int storeIndex(int offset) {
        MethodVisitor mv = fc.mv;
        if (offset != 0) {
            FunctionCompiler.pushInt(mv, offset);
            mv.visitInsn(IADD);
        }
        int index = fc.newTemp('I');
        mv.visitVarInsn(ISTORE, index);
        return index;
    }

    private void load(Access a, int memory, int index) {
        MethodVisitor mv = fc.mv;
        if (a.width == 16) {
            // v128: two little-endian longs, low half first (as LinearMemory.v128Load), left as a pair
            for (int half = 0; half < 2; half++) {
                pushArray(memory);
                mv.visitVarInsn(ILOAD, index);
                if (half == 1) {
                    mv.visitIntInsn(BIPUSH, 8);
                    mv.visitInsn(IADD);
                }
                mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "getLong", "([BI)J", false);
            }
            return;
        }
        if (a.width == 1) {
            pushArray(memory);
            mv.visitVarInsn(ILOAD, index);
            mv.visitInsn(BALOAD);
            if (!a.signed) {
                FunctionCompiler.pushInt(mv, 0xFF);
                mv.visitInsn(IAND);
            }
            if (a.type == 'J') {
                mv.visitInsn(I2L);
            }
            return;
        }
        String handle = a.width == 2 ? "Short" : a.width == 4 ? "Int" : "Long";
        char viewType = a.width == 2 ? 'S' : a.width == 4 ? 'I' : 'J';
        pushArray(memory);
        mv.visitVarInsn(ILOAD, index);
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "get" + handle, "([BI)" + viewType, false);
        switch (a.type) {
            case 'F' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "intBitsToFloat", "(I)F", false);
            case 'D' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "longBitsToDouble", "(J)D", false);
            case 'I' -> {
                if (a.width == 2 && !a.signed) {
                    mv.visitLdcInsn(0xFFFF);
                    mv.visitInsn(IAND);
                }
            }
            default -> { // 'J'
                if (a.width == 2 && !a.signed) {
                    mv.visitLdcInsn(0xFFFF);
                    mv.visitInsn(IAND);
                }
                if (a.width < 8) {
                    mv.visitInsn(I2L);
                }
                if (a.width == 4 && !a.signed) {
                    mv.visitLdcInsn(0xFFFF_FFFFL);
                    mv.visitInsn(LAND);
                }
            }
        }
    }

    private void store(Access a, int memory, int index, int value) {
        MethodVisitor mv = fc.mv;
        if (a.width == 16) {
            for (int half = 0; half < 2; half++) {
                pushArray(memory);
                mv.visitVarInsn(ILOAD, index);
                if (half == 1) {
                    mv.visitIntInsn(BIPUSH, 8);
                    mv.visitInsn(IADD);
                }
                mv.visitVarInsn(LLOAD, value + 2 * half);
                mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "setLong", "([BIJ)V", false);
            }
            return;
        }
        if (a.width == 1) {
            pushArray(memory);
            mv.visitVarInsn(ILOAD, index);
            mv.visitVarInsn(FunctionCompiler.opLoad(a.type), value);
            if (a.type == 'J') {
                mv.visitInsn(L2I);
            }
            mv.visitInsn(BASTORE);
            return;
        }
        String handle = a.width == 2 ? "Short" : a.width == 4 ? "Int" : "Long";
        char viewType = a.width == 2 ? 'S' : a.width == 4 ? 'I' : 'J';
        pushArray(memory);
        mv.visitVarInsn(ILOAD, index);
        mv.visitVarInsn(FunctionCompiler.opLoad(a.type), value);
        switch (a.type) {
            case 'F' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Float", "floatToRawIntBits", "(F)I", false);
            case 'D' -> mv.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "doubleToRawLongBits", "(D)J", false);
            case 'J' -> {
                if (a.width < 8) {
                    mv.visitInsn(L2I);
                }
            }
            default -> {
            }
        }
        if (a.width == 2) {
            mv.visitInsn(I2S);
        }
        mv.visitMethodInsn(INVOKESTATIC, SUPPORT, "set" + handle, "([BI" + viewType + ")V", false);
    }
}
