package dev.basalt;

import dev.basalt.wasm.BasaltException;
import dev.basalt.wasm.dwarf.SourceLocation;
import java.util.List;

/**
 * Execution of WebAssembly stopped abnormally. A trap unwinds all Wasm frames up to the embedder; the
 * {@link Store} that ran the code stays usable. {@link #backtrace()} lists the Wasm frames, innermost first.
 */
public final class Trap extends BasaltException {
    private final TrapKind kind;
    private volatile List<Frame> backtrace;

    /**
     * One Wasm frame of a backtrace: function index, its name if known, the module byte offset of the trapping
     * instruction or of the call if known (-1), and where that is in the source code when the module carries DWARF
     * debug information: {@code source} lists the innermost function first (one inlined at that point, if any), each
     * next one is the function it was inlined into, at the call site, ending with the function the Wasm code
     * belongs to; empty without debug information.
     */
    public record Frame(String module, int functionIndex, String functionName, long offset,
                        List<SourceLocation> source) {
        public Frame {
            source = source == null ? List.of() : List.copyOf(source);
        }

        /** A frame without source information. */
        public Frame(String module, int functionIndex, String functionName, long offset) {
            this(module, functionIndex, functionName, offset, List.of());
        }

        /** This frame with source information (the same frame if {@code where} is empty). */
        public Frame withSource(List<SourceLocation> where) {
            return where.isEmpty() ? this : new Frame(module, functionIndex, functionName, offset, where);
        }

        /** The source file of the position (of the innermost inlined function), or null if unknown. */
        public String sourceFile() {
            return source.isEmpty() ? null : source.get(0).file();
        }

        /** The source line of the position (1-based), or 0 if unknown. */
        public int sourceLine() {
            return source.isEmpty() ? 0 : source.get(0).line();
        }

        /** The source column of the position (1-based), or 0 if unknown. */
        public int sourceColumn() {
            return source.isEmpty() ? 0 : source.get(0).column();
        }

        /** {@code module!function @0xoffset}, without the source position. */
        public String location() {
            String name = functionName != null ? functionName : "<func " + functionIndex + ">";
            return (module != null ? module + "!" : "") + name + (offset >= 0 ? " @0x" + Long.toHexString(offset) : "");
        }

        /**
         * One line: {@link #location()}, then the source position and, for inlined code, each inlining, e.g.
         * {@code sum_from @0x66 at crash.c:7:12 (inlined: element into sum_from at crash.c:11:17)}.
         */
        @Override
        public String toString() {
            if (source.isEmpty()) {
                return location();
            }
            StringBuilder sb = new StringBuilder(location()).append(" at ").append(source.get(0).position());
            if (source.size() > 1) {
                sb.append(" (inlined: ");
                for (int i = 0; i + 1 < source.size(); i++) {
                    SourceLocation inner = source.get(i);
                    SourceLocation outer = source.get(i + 1);
                    sb.append(i > 0 ? ", " : "").append(name(inner)).append(" into ").append(name(outer))
                            .append(" at ").append(outer.position());
                }
                sb.append(')');
            }
            return sb.toString();
        }

        private static String name(SourceLocation s) {
            return s.function() != null ? s.function() : "?";
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

    /**
     * Message plus the backtrace, one frame a line, as the CLI prints it; a frame with source information is
     * followed by one line per source function ({@code at function (file:line:column)}), innermost first.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder("wasm trap: ").append(getMessage());
        if (!backtrace.isEmpty()) {
            sb.append("\nwasm backtrace:");
            int i = 0;
            for (Frame f : backtrace) {
                sb.append("\n  ").append(i++).append(": ").append(f.location());
                for (int k = 0; k < f.source().size(); k++) {
                    SourceLocation s = f.source().get(k);
                    sb.append("\n        at ").append(s.function() != null ? s.function() : "?").append(" (")
                            .append(s.position()).append(')');
                    if (k + 1 < f.source().size()) {
                        sb.append(" [inlined]");
                    }
                }
            }
        }
        return sb.toString();
    }
}
