package dev.basalt.internal.runtime;

/** Maps a position in an engine's translated code back to the byte offset of the Wasm instruction (for backtraces). */
public interface CodeOffsets {
    /** The module byte offset of the instruction executing at code position {@code pc}, or -1 if unknown. */
    long byteOffset(int pc);

    /** For interpreted code that tiering has compiled: the compiled code's frames; null while interpreted only. */
    default CompiledFrames tiered() {
        return null;
    }
}
