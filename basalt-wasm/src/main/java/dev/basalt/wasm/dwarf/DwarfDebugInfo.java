package dev.basalt.wasm.dwarf;

import dev.basalt.wasm.CustomSection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The DWARF debug information of a Wasm module (its {@code .debug_*} custom sections), reduced to what backtraces
 * need: code offset to source file, line and column ({@code .debug_line}, DWARF 2 to 5), and the function, with the
 * functions inlined at that point and their call sites ({@code .debug_info}).
 *
 * <p>Addresses are offsets into the code section's contents (after its size), as DWARF for Wasm defines them.
 * {@link #parse} never throws: malformed or unsupported DWARF leaves out what could not be read and says why in
 * {@link #problem()}, so debug sections can never make a module fail to load or a trap fail to report.
 *
 * {@snippet :
 * DwarfDebugInfo debug = DwarfDebugInfo.parse(module.customSections());
 * List<SourceLocation> where = debug.locate(codeOffset); // innermost (inlined) first
 * }
 */
public final class DwarfDebugInfo {
    private static final DwarfDebugInfo NONE = new DwarfDebugInfo();

    /** All sequences of all line programs, by start address. */
    private LineProgram.Sequence[] sequences = new LineProgram.Sequence[0];
    /** Function ranges, by start address: start, end and the function in three parallel arrays. */
    private long[] functionStarts = new long[0];
    private long[] functionEnds = new long[0];
    private InfoParser.Scope[] functionScopes = new InfoParser.Scope[0];
    private final TreeSet<Integer> lineVersions = new TreeSet<>();
    private final TreeSet<Integer> infoVersions = new TreeSet<>();
    private final List<String> sections = new ArrayList<>();
    private int units;
    private int functions;
    private int inlined;
    private long rows;
    private String problem;

    private DwarfDebugInfo() {
    }

    /** The sections the reader uses; other {@code .debug_*} sections (types, locations, frames) are not needed. */
    private static final java.util.Set<String> USED = java.util.Set.of(".debug_line", ".debug_info", ".debug_abbrev",
            ".debug_str", ".debug_line_str", ".debug_str_offsets", ".debug_addr", ".debug_ranges", ".debug_rnglists");

    /** Whether the reader uses custom section {@code name} for source positions. */
    public static boolean usesSection(String name) {
        return USED.contains(name);
    }

    /** Whether {@code sections} hold DWARF line or unit information (cheap: looks at the names only). */
    public static boolean present(List<CustomSection> sections) {
        for (CustomSection s : sections) {
            if (s.name().equals(".debug_line") || s.name().equals(".debug_info")) {
                return true;
            }
        }
        return false;
    }

    /** The debug information in {@code sections} (the module's custom sections); never throws. */
    public static DwarfDebugInfo parse(List<CustomSection> sections) {
        Map<String, byte[]> byName = new HashMap<>();
        for (CustomSection s : sections) {
            if (s.name().startsWith(".debug_")) {
                byName.putIfAbsent(s.name(), s.data());
            }
        }
        if (!byName.containsKey(".debug_line") && !byName.containsKey(".debug_info")) {
            return NONE;
        }
        DwarfDebugInfo d = new DwarfDebugInfo();
        d.sections.addAll(new TreeSet<>(byName.keySet()));
        d.read(byName);
        return d;
    }

    private static DwarfInput input(Map<String, byte[]> sections, String name) {
        byte[] b = sections.get(name);
        return b == null ? null : new DwarfInput(b);
    }

    private void read(Map<String, byte[]> s) {
        DwarfInput strings = input(s, ".debug_str");
        DwarfInput lineStrings = input(s, ".debug_line_str");
        // units by their line program (several units may share one, e.g. after LTO or with partial units)
        Map<Long, List<InfoParser.Unit>> unitsByLineOffset = new HashMap<>();
        List<InfoParser.Scope> scopes = List.of();
        DwarfInput info = input(s, ".debug_info");
        DwarfInput abbrev = input(s, ".debug_abbrev");
        if (info != null && abbrev != null) {
            InfoParser p = new InfoParser(info, abbrev, strings, lineStrings, input(s, ".debug_str_offsets"),
                    input(s, ".debug_addr"), input(s, ".debug_ranges"), input(s, ".debug_rnglists"));
            try {
                p.parse();
            } catch (DwarfFormatException | IllegalArgumentException e) {
                note(".debug_info: " + e.getMessage());
            } finally {
                p.resolveNames();
            }
            for (InfoParser.Unit u : p.units) {
                infoVersions.add(u.version);
                if (u.stmtList >= 0) {
                    unitsByLineOffset.computeIfAbsent(u.stmtList, k -> new ArrayList<>()).add(u);
                }
            }
            units = p.units.size();
            scopes = p.functions;
            inlined = p.inlinedCount;
        }
        List<LineProgram.Sequence> seqs = new ArrayList<>();
        DwarfInput line = input(s, ".debug_line");
        if (line != null) {
            // Every program in turn, not only those a unit names: line tables stay usable without .debug_info.
            int[] offsetSize = new int[1];
            DwarfInput in = line.at(0);
            try {
                while (!in.atEnd()) {
                    long offset = in.pos();
                    long length = in.initialLength(offsetSize);
                    in.skip(length);
                    List<InfoParser.Unit> owners = unitsByLineOffset.getOrDefault(offset, List.of());
                    try {
                        LineProgram program = LineProgram.parse(line, offset,
                                owners.isEmpty() ? null : owners.get(0).compDir, strings, lineStrings);
                        lineVersions.add(program.version);
                        for (InfoParser.Unit unit : owners) {
                            unit.lines = program;
                        }
                        seqs.addAll(program.sequences);
                    } catch (DwarfFormatException | IllegalArgumentException e) {
                        // the next program's offset is known: only this one is lost
                        note(".debug_line at " + offset + ": " + e.getMessage());
                    }
                }
            } catch (DwarfFormatException e) {
                note(".debug_line: " + e.getMessage());
            }
        }
        seqs.sort(Comparator.comparingLong(q -> q.start));
        sequences = seqs.toArray(LineProgram.Sequence[]::new);
        for (LineProgram.Sequence q : sequences) {
            rows += q.addresses.length;
        }
        List<long[]> entries = new ArrayList<>();
        List<InfoParser.Scope> owners = new ArrayList<>();
        for (InfoParser.Scope f : scopes) {
            for (int i = 0; i + 1 < f.ranges.length; i += 2) {
                entries.add(new long[] {f.ranges[i], f.ranges[i + 1], owners.size()});
                owners.add(f);
            }
        }
        entries.sort(Comparator.comparingLong(e -> e[0]));
        functionStarts = new long[entries.size()];
        functionEnds = new long[entries.size()];
        functionScopes = new InfoParser.Scope[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            functionStarts[i] = entries.get(i)[0];
            functionEnds[i] = entries.get(i)[1];
            functionScopes[i] = owners.get((int) entries.get(i)[2]);
        }
        functions = scopes.size();
    }

    private void note(String message) {
        if (problem == null) {
            problem = message;
        }
    }

    /**
     * Where the instruction at {@code codeOffset} (relative to the code section's contents) comes from, innermost
     * first: the function inlined deepest at that point with the instruction's line, then each function it was
     * inlined into with the call site's line, ending with the function the code belongs to. Empty when the debug
     * information says nothing about the offset.
     */
    public List<SourceLocation> locate(long codeOffset) {
        String file = null;
        int line = 0;
        int column = 0;
        LineProgram.Sequence q = sequenceOf(codeOffset);
        if (q != null) {
            int row = q.rowOf(codeOffset);
            // Line 0 marks code that belongs to no single line (merged by the optimiser); the nearest earlier line
            // of the same sequence is where the reader should look.
            int r = row;
            while (r > 0 && q.lines[r] == 0) {
                r--;
            }
            if (r >= 0 && q.lines[r] != 0) {
                row = r;
            }
            if (row >= 0) {
                file = q.program.file(q.fileIndices[row]);
                line = q.lines[row];
                column = q.columns[row];
            }
        }
        InfoParser.Scope function = functionOf(codeOffset);
        if (function == null) {
            return q == null ? List.of() : List.of(new SourceLocation(null, file, line, column));
        }
        List<InfoParser.Scope> chain = new ArrayList<>();
        chain.add(function);
        for (InfoParser.Scope s = function; ; ) {
            InfoParser.Scope inner = null;
            for (InfoParser.Scope c : s.children) {
                if (c.contains(codeOffset)) {
                    inner = c;
                    break;
                }
            }
            if (inner == null) {
                break;
            }
            chain.add(inner);
            s = inner;
        }
        List<SourceLocation> out = new ArrayList<>(chain.size());
        for (int i = chain.size() - 1; i >= 0; i--) {
            InfoParser.Scope s = chain.get(i);
            out.add(new SourceLocation(s.name, file, line, column));
            LineProgram lines = s.unit.lines;
            file = lines == null ? null : lines.file(s.callFile);
            line = s.callLine;
            column = s.callColumn;
        }
        return List.copyOf(out);
    }

    private LineProgram.Sequence sequenceOf(long address) {
        int lo = 0;
        int hi = sequences.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (sequences[mid].start <= address) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // Sequences may nest or overlap in odd output; look back over the few that start before the address.
        for (int i = found, tries = 0; i >= 0 && tries < 16; i--, tries++) {
            if (address < sequences[i].end) {
                return sequences[i];
            }
        }
        return null;
    }

    private InfoParser.Scope functionOf(long address) {
        int lo = 0;
        int hi = functionStarts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (functionStarts[mid] <= address) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (int i = found, tries = 0; i >= 0 && tries < 16; i--, tries++) {
            if (address < functionEnds[i]) {
                return functionScopes[i];
            }
        }
        return null;
    }

    /** Whether anything could be read: some line rows or some function ranges. */
    public boolean isEmpty() {
        return sequences.length == 0 && functionStarts.length == 0;
    }

    /** Why part of the debug information was left out (the first problem met), if any. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** The names of the {@code .debug_*} sections present. */
    public List<String> sections() {
        return List.copyOf(sections);
    }

    /**
     * One line on what was understood, e.g. {@code "DWARF 5: 1 unit, 4 functions (1 inlined), 22 line rows in 4
     * sequences"}.
     */
    public String summary() {
        TreeSet<Integer> versions = new TreeSet<>(infoVersions);
        versions.addAll(lineVersions);
        StringBuilder sb = new StringBuilder("DWARF ");
        sb.append(versions.isEmpty() ? "?" : String.join("/", versions.stream().map(String::valueOf).toList()));
        sb.append(": ").append(units).append(units == 1 ? " unit, " : " units, ");
        sb.append(functions).append(functions == 1 ? " function" : " functions");
        sb.append(" (").append(inlined).append(" inlined), ");
        sb.append(rows).append(" line rows in ").append(sequences.length).append(" sequences");
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary() + (problem == null ? "" : " [" + problem + "]") + " " + Arrays.toString(sections.toArray());
    }
}
