package dev.basalt.component;

import dev.basalt.component.internal.runtime.ScalarList;
import java.util.List;

/**
 * The outcome of one host-side stream copy ({@link StreamWriter#write}, {@link StreamReader#read}): the values read
 * (empty for a write), how many values moved, and why the copy ended. A copy may move fewer values than asked;
 * once the other end is {@link Status#DROPPED dropped} no further copy moves anything.
 */
public record CopyResult(List<ComponentValue> values, int count, Status status) {
    public CopyResult {
        values = values instanceof ScalarList ? values : List.copyOf(values);
    }

    /** CanonicalABI.md's {@code CopyResult}. */
    public enum Status {
        /** Values moved (or a zero-length copy found the other end ready); the other end is still open. */
        COMPLETED,
        /** The other end was dropped (after the {@link #count} values that moved, if any). */
        DROPPED,
        /** The copy was cancelled (after the {@link #count} values that moved, if any). */
        CANCELLED
    }

    /** Whether the other end is gone: nothing will move any more. */
    public boolean isDropped() {
        return status == Status.DROPPED;
    }

    /** The values read from a {@code stream<u8>}, as bytes. */
    public byte[] bytes() {
        return new ComponentValue.ListValue(values).toByteArray();
    }
}
