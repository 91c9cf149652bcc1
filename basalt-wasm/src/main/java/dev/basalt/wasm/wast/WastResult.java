package dev.basalt.wasm.wast;

import dev.basalt.wasm.HeapType;
import dev.basalt.wasm.NumType;
import java.util.List;

/**
 * An expected result of {@code assert_return}: an exact value, a NaN class, a reference pattern, a v128 whose lanes
 * are patterns, or {@code (either r1 r2 ...)}.
 */
public sealed interface WastResult {
    /** Exactly this value (bitwise for floats). */
    record Exact(WastValue value) implements WastResult {
    }

    /** {@code nan:canonical} or {@code nan:arithmetic} of f32 or f64 ({@code type} is F32 or F64). */
    record Nan(NumType type, boolean canonical) implements WastResult {
    }

    /**
     * {@code (v128.const shape lane...)} where some lanes may be NaN patterns: {@code shape} is e.g. "f32x4",
     * {@code lanes} has one entry per lane, each an {@link Exact} (of I32/I64/F32/F64 for the lane) or {@link Nan}.
     */
    record VecLanes(String shape, List<WastResult> lanes) implements WastResult {
        public VecLanes {
            lanes = List.copyOf(lanes);
        }
    }

    /**
     * {@code (ref.null ht)} matches any null reference (the heap type is informational; null when the script
     * writes a bare {@code (ref.null)}).
     */
    record RefNull(HeapType heapType) implements WastResult {
    }

    /**
     * A non-null reference of an abstract kind: {@code (ref.func)}, {@code (ref.struct)}, {@code (ref.array)},
     * {@code (ref.i31)}, {@code (ref.eq)}, {@code (ref.any)}, {@code (ref.extern)}, {@code (ref.exn)}, ... ;
     * {@code kind} is the word after "ref.", e.g. "func".
     */
    record RefKind(String kind) implements WastResult {
    }

    /** {@code (ref.extern n)} / {@code (ref.host n)}: the host reference with that id. */
    record RefHostId(String kind, long id) implements WastResult {
    }

    /** {@code (either r...)}: any one of the alternatives (each may itself be a list of results). */
    record Either(List<List<WastResult>> alternatives) implements WastResult {
        public Either {
            alternatives = alternatives.stream().map(List::copyOf).toList();
        }
    }
}
