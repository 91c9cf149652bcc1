package dev.basalt.internal.interpreter;

/**
 * One function body translated for the interpreter: a flat {@code int[]} of internal opcodes ({@link Op}) with
 * their immediates inline, branch targets resolved to code offsets and stack heights relative to the frame base.
 *
 * <p>Frame layout on the store's value stack, from the frame base {@code fp}: parameters, declared locals, hidden
 * slots (the caught exception of each legacy {@code try}), then the operand stack. {@link #maxHeight} bounds the
 * whole frame so the hot loop never checks for stack overflow. Results are returned at {@code fp}.
 */
final class CompiledCode implements dev.basalt.internal.runtime.CodeOffsets {
    final int[] code;
    final int paramCount;
    final int resultCount;
    /** Parameters + declared locals + hidden slots. */
    final int frameSlots;
    final int maxHeight;
    /** Exception handlers in pre-order (outer before inner); empty when the body has none. */
    final Handler[] handlers;
    /** Fuel charged on entry: the instructions of the body outside loops. */
    final int entryFuel;
    final int funcIndex;
    /** Code positions where Wasm instructions start (ascending) and their module byte offsets; empty if unknown. */
    private final int[] opPcs;
    private final int[] opOffsets;

    /**
     * Tiering ({@code Config.Strategy.AUTO}): counts calls and loop iterations down; reaching 0 reports the function
     * hot to {@link #hotSink}. Updated without synchronisation on purpose: it is a heuristic, a lost update only
     * delays the report. Without tiering ({@link #hotSink} null) the interpreter does not touch it.
     */
    int countdown;
    /** Where hot functions are reported; null unless the module tiers up. Set before the module is used. */
    HotFunctions hotSink;
    /**
     * The compiled code once tiering installed it; calls then run it. A plain field: {@link TieredCode} objects are
     * immutable (final fields), so a racing reader sees either null (and interprets) or the complete object.
     */
    dev.basalt.internal.runtime.TieredCode tier;

    CompiledCode(int[] code, int paramCount, int resultCount, int frameSlots, int maxHeight, Handler[] handlers,
                 int entryFuel, int funcIndex, int[] opPcs, int[] opOffsets) {
        this.opPcs = opPcs;
        this.opOffsets = opOffsets;
        this.code = code;
        this.paramCount = paramCount;
        this.resultCount = resultCount;
        this.frameSlots = frameSlots;
        this.maxHeight = maxHeight;
        this.handlers = handlers;
        this.entryFuel = entryFuel;
        this.funcIndex = funcIndex;
    }

    /** The countdown reached 0. */
    void becameHot() {
        HotFunctions sink = hotSink;
        if (sink != null) {
            sink.hot(funcIndex);
        }
    }

    @Override
    public dev.basalt.internal.runtime.CompiledFrames tiered() {
        return tier;
    }

    /** {@inheritDoc} The program counter has already moved past the instruction that was executing. */
    @Override
    public long byteOffset(int pc) {
        int lo = 0;
        int hi = opPcs.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (opPcs[mid] < pc) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? -1 : opOffsets[found];
    }

    /**
     * A {@code try_table} or legacy {@code try}: the code range of its body and what it catches. Ranges are
     * half-open on the left, {@code (start, end]}, because the interpreter has already advanced the program counter
     * past the throwing instruction when it looks for a handler.
     */
    static final class Handler {
        static final byte TRY_TABLE = 0;
        static final byte LEGACY = 1;
        static final byte DELEGATE = 2;

        byte kind;
        int start;
        int end = Integer.MAX_VALUE;
        /** The enclosing handler (index), or -1. */
        int parent;
        /** For DELEGATE: the handler that receives the exception, or -1 for the caller. */
        int delegateTo = -1;
        /** For LEGACY: the frame slot that holds the caught exception for {@code rethrow}. */
        int exnSlot;
        int count;
        /** Per clause: tag index or -1 for catch_all. */
        int[] tags = new int[2];
        /** Per clause: whether the exnref is pushed after the payload (catch_ref, catch_all_ref). */
        boolean[] pushRef = new boolean[2];
        /** Per clause: whether the payload is pushed (false for catch_all forms). */
        boolean[] pushPayload = new boolean[2];
        int[] targets = new int[2];
        int[] heights = new int[2];

        int addClause(int tag, boolean payload, boolean ref, int target, int height) {
            if (count == tags.length) {
                tags = java.util.Arrays.copyOf(tags, count * 2);
                pushRef = java.util.Arrays.copyOf(pushRef, count * 2);
                pushPayload = java.util.Arrays.copyOf(pushPayload, count * 2);
                targets = java.util.Arrays.copyOf(targets, count * 2);
                heights = java.util.Arrays.copyOf(heights, count * 2);
            }
            tags[count] = tag;
            pushPayload[count] = payload;
            pushRef[count] = ref;
            targets[count] = target;
            heights[count] = height;
            return count++;
        }
    }
}
