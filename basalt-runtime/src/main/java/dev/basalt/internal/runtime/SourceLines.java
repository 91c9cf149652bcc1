package dev.basalt.internal.runtime;

import dev.basalt.Trap;
import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.dwarf.DwarfDebugInfo;
import dev.basalt.wasm.dwarf.SourceLocation;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The source positions of one module's code, from its DWARF custom sections, for backtrace frames. Exists only for
 * modules that carry {@code .debug_line} or {@code .debug_info} and whose binary is known (DWARF addresses are
 * code-section offsets, so the code section's position in the binary is needed); the DWARF is parsed on the first
 * frame that asks, once per module, so a module costs nothing for its debug information until one of its functions
 * is in a trap's backtrace. Malformed DWARF is logged once and otherwise ignored: such frames have no source, or
 * the part that could be read.
 *
 * <p>Interpreted frames find it through their {@link ModuleInstance#sourceLines}; compiled frames, which know only
 * their {@link WasmModule}, through {@link #of(WasmModule)} (a registry held weakly by the module model's identity).
 */
public final class SourceLines {
    private static final System.Logger LOG = System.getLogger(SourceLines.class.getName());
    private static final ConcurrentHashMap<Key, SourceLines> BY_MODULE = new ConcurrentHashMap<>();
    private static final ReferenceQueue<WasmModule> COLLECTED = new ReferenceQueue<>();

    /** The module's custom sections (not the module: the registry holds its values strongly, its keys weakly). */
    private final List<CustomSection> sections;
    private final String moduleName;
    /** Module byte offset of the code section's contents: DWARF address 0. */
    private final long codeStart;
    private volatile DwarfDebugInfo debug;

    private SourceLines(WasmModule wasm, String moduleName, long codeStart) {
        this.sections = wasm.customSections();
        this.moduleName = moduleName;
        this.codeStart = codeStart;
    }

    /**
     * The source lines of {@code wasm}, decoded from {@code binary}, registered for its compiled frames; null (and
     * nothing registered) when it has no DWARF sections, {@code binary} is null, or its code section is not found.
     * Looks at section headers only: the DWARF itself is read on first use.
     */
    public static SourceLines register(WasmModule wasm, byte[] binary, String moduleName) {
        if (binary == null || !DwarfDebugInfo.present(wasm.customSections())) {
            return null;
        }
        long codeStart = codeSectionContents(binary);
        if (codeStart < 0) {
            return null;
        }
        SourceLines lines = new SourceLines(wasm, moduleName, codeStart);
        for (Object r; (r = COLLECTED.poll()) != null; ) {
            BY_MODULE.remove((Key) r);
        }
        BY_MODULE.put(new Key(wasm, COLLECTED), lines);
        return lines;
    }

    /** The source lines registered for {@code wasm}, or null (the common case: a map miss). */
    public static SourceLines of(WasmModule wasm) {
        return BY_MODULE.isEmpty() ? null : BY_MODULE.get(new Key(wasm, null));
    }

    /** {@code frame} with its source position added when {@code wasm} has source lines for it. */
    public static Trap.Frame addSource(WasmModule wasm, Trap.Frame frame) {
        SourceLines lines = of(wasm);
        return lines == null ? frame : lines.addSource(frame);
    }

    /** {@code frame} (of this module) with its source position added when the debug information knows it. */
    public Trap.Frame addSource(Trap.Frame frame) {
        return frame.offset() < codeStart ? frame : frame.withSource(locate(frame.offset()));
    }

    /** Where module byte offset {@code offset} is in the source, innermost inlined function first; may be empty. */
    public List<SourceLocation> locate(long offset) {
        return offset < codeStart ? List.of() : debug().locate(offset - codeStart);
    }

    /** The parsed debug information (parsed now if this is the first use). */
    public DwarfDebugInfo debug() {
        DwarfDebugInfo d = debug;
        if (d == null) {
            synchronized (this) {
                d = debug;
                if (d == null) {
                    String m = moduleName != null ? "module " + moduleName : "a module";
                    try {
                        d = DwarfDebugInfo.parse(sections);
                        DwarfDebugInfo parsed = d;
                        d.problem().ifPresent(p -> LOG.log(System.Logger.Level.WARNING,
                                "ignoring malformed DWARF debug information of " + m + " (" + p
                                        + "); backtraces show what could be read: " + parsed.summary()));
                    } catch (RuntimeException e) {
                        // the reader reports problems instead of throwing; this is the guard against its bugs,
                        // which must not turn a trap into another exception
                        LOG.log(System.Logger.Level.WARNING, "ignoring the DWARF debug information of " + m, e);
                        d = DwarfDebugInfo.parse(List.of());
                    }
                    debug = d;
                }
            }
        }
        return d;
    }

    /**
     * The byte offset of the code section's contents (after its id and size) in {@code binary}, or -1: the section
     * headers are walked, nothing else is decoded (the module has been decoded and validated already).
     */
    static long codeSectionContents(byte[] binary) {
        int pos = 8;
        while (pos < binary.length) {
            int id = binary[pos++] & 0xff;
            long size = 0;
            int shift = 0;
            int b;
            do {
                if (pos >= binary.length || shift > 28) {
                    return -1;
                }
                b = binary[pos++] & 0xff;
                size |= (long) (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if (id == 10) {
                return pos;
            }
            pos += (int) Math.min(size, Integer.MAX_VALUE - pos);
        }
        return -1;
    }

    /** A module model by identity (records compare by value, which would be costly and wrong here). */
    private static final class Key extends WeakReference<WasmModule> {
        private final int hash;

        Key(WasmModule wasm, ReferenceQueue<WasmModule> queue) {
            super(wasm, queue);
            this.hash = System.identityHashCode(wasm);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key k)) {
                return false;
            }
            WasmModule w = get();
            return w != null && w == k.get();
        }
    }
}
