package dev.basalt;

import dev.basalt.wasm.BasaltException;
import java.util.List;

/**
 * Execution of WebAssembly stopped abnormally. A trap unwinds all Wasm frames up to the embedder; the
 * {@link Store} that ran the code stays usable. {@link #backtrace()} lists the Wasm frames, innermost first.
 */
public final class Trap extends BasaltException {
    private final TrapKind kind;
    private volatile List<Frame> backtrace;

    /** One Wasm frame of a backtrace: function index, its name if known, and the byte offset if known (-1). */
    public record Frame(String module, int functionIndex, String functionName, long offset) {
        @Override
        public String toString() {
            String name = functionName != null ? functionName : "<func " + functionIndex + ">";
            return (module != null ? module + "!" : "") + name + (offset >= 0 ? " @0x" + Long.toHexString(offset) : "");
        }
    }

    public Trap(TrapKind kind) {
        this(kind, null, List.of());
    }

    public Trap(TrapKind kind, String detail) {
        this(kind, detail, List.of());
    }

    public Trap(TrapKind kind, String detail, List<Frame> backtrace) {
        super(detail == null ? kind.message() : kind.message() + ": " + detail);
        this.kind = kind;
        this.backtrace = List.copyOf(backtrace);
    }

    private Trap(TrapKind kind, String message, boolean verbatim) {
        super(message);
        this.kind = kind;
        this.backtrace = List.of();
    }

    /**
     * A trap whose message is exactly {@code message}, without the kind's wording in front: for traps whose
     * conventional wording is not the kind's (the component model's canonical-ABI traps use wasmtime's wording,
     * "unknown handle index 3", which the component testsuite expects as a prefix).
     */
    public static Trap withMessage(TrapKind kind, String message) {
        return new Trap(kind, message, true);
    }

    public Trap(TrapKind kind, Throwable cause) {
        super(kind.message() + ": " + cause, cause);
        this.kind = kind;
        this.backtrace = List.of();
    }

    public TrapKind kind() {
        return kind;
    }

    /** Wasm frames, innermost first; empty if the engine recorded none. */
    public List<Frame> backtrace() {
        return backtrace;
    }

    /** Engines attach the backtrace while unwinding. */
    public Trap withBacktrace(List<Frame> frames) {
        this.backtrace = List.copyOf(frames);
        return this;
    }

    /** Message plus the backtrace, one frame a line, as the CLI prints it. */
    public String describe() {
        StringBuilder sb = new StringBuilder("wasm trap: ").append(getMessage());
        if (!backtrace.isEmpty()) {
            sb.append("\nwasm backtrace:");
            int i = 0;
            for (Frame f : backtrace) {
                sb.append("\n  ").append(i++).append(": ").append(f);
            }
        }
        return sb.toString();
    }
}
