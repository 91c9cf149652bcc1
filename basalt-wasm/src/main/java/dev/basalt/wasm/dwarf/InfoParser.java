package dev.basalt.wasm.dwarf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code .debug_info} (DWARF 2 to 5) for what a backtrace needs: per compilation unit its line program and
 * directory, and the code ranges of its functions ({@code DW_TAG_subprogram}) with the functions inlined into them
 * ({@code DW_TAG_inlined_subroutine}, nested, with their call sites). Types, variables and locations are skipped.
 * The DIE tree is walked with an explicit stack, so deep nesting costs no Java stack.
 */
final class InfoParser {
    static final int DW_TAG_INLINED_SUBROUTINE = 0x1d;
    static final int DW_TAG_SUBPROGRAM = 0x2e;
    static final int DW_TAG_COMPILE_UNIT = 0x11;
    static final int DW_TAG_PARTIAL_UNIT = 0x3c;
    static final int DW_TAG_SKELETON_UNIT = 0x4a;

    static final int DW_AT_NAME = 0x03;
    static final int DW_AT_STMT_LIST = 0x10;
    static final int DW_AT_LOW_PC = 0x11;
    static final int DW_AT_HIGH_PC = 0x12;
    static final int DW_AT_COMP_DIR = 0x1b;
    static final int DW_AT_ABSTRACT_ORIGIN = 0x31;
    static final int DW_AT_SPECIFICATION = 0x47;
    static final int DW_AT_RANGES = 0x55;
    static final int DW_AT_CALL_COLUMN = 0x57;
    static final int DW_AT_CALL_FILE = 0x58;
    static final int DW_AT_CALL_LINE = 0x59;
    static final int DW_AT_STR_OFFSETS_BASE = 0x72;
    static final int DW_AT_ADDR_BASE = 0x73;
    static final int DW_AT_RNGLISTS_BASE = 0x74;

    /** One compilation unit. */
    static final class Unit {
        int version;
        long stmtList = -1;
        String compDir;
        String name;
        LineProgram lines;
    }

    /** A function's code, or a function inlined into it, with the code ranges it covers. */
    static final class Scope {
        final Unit unit;
        /** Start/end pairs (end exclusive). */
        long[] ranges;
        /** Section offset of the DIE naming it (itself, or its abstract origin / specification); -1 if none. */
        long nameDie;
        String name;
        long callFile = -1;
        int callLine;
        int callColumn;
        final List<Scope> children = new ArrayList<>();

        Scope(Unit unit) {
            this.unit = unit;
        }

        boolean contains(long address) {
            for (int i = 0; i + 1 < ranges.length; i += 2) {
                if (ranges[i] <= address && address < ranges[i + 1]) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A DIE that may name a function: its name, or where the name is (abstract origin / specification). */
    private record Named(String name, long target) {
    }

    final List<Unit> units = new ArrayList<>();
    final List<Scope> functions = new ArrayList<>();
    int inlinedCount;
    private final Map<Long, Named> named = new HashMap<>();

    private final DwarfInput info;
    private final DwarfInput abbrev;
    private final DwarfInput strings;
    private final DwarfInput lineStrings;
    private final DwarfInput strOffsets;
    private final DwarfInput addresses;
    private final DwarfInput ranges;
    private final DwarfInput rangeLists;

    InfoParser(DwarfInput info, DwarfInput abbrev, DwarfInput strings, DwarfInput lineStrings, DwarfInput strOffsets,
               DwarfInput addresses, DwarfInput ranges, DwarfInput rangeLists) {
        this.info = info;
        this.abbrev = abbrev;
        this.strings = strings;
        this.lineStrings = lineStrings;
        this.strOffsets = strOffsets;
        this.addresses = addresses;
        this.ranges = ranges;
        this.rangeLists = rangeLists;
    }

    /**
     * Reads every unit; on malformed input throws after keeping the units and functions read so far (call
     * {@link #resolveNames} either way).
     */
    void parse() {
        DwarfInput in = info.at(0);
        int[] offsetSizeOut = new int[1];
        while (!in.atEnd()) {
            long unitStart = in.pos();
            long length = in.initialLength(offsetSizeOut);
            DwarfInput unit = info.window(in.pos(), length);
            in.skip(length);
            parseUnit(unit, unitStart, offsetSizeOut[0]);
        }
    }

    /** Names every function and inlined function read, from the DIEs they refer to. */
    void resolveNames() {
        for (Scope s : functions) {
            resolveNames(s);
        }
        named.clear();
    }

    private static final class Abbrev {
        int tag;
        boolean children;
        int[] attributes;
        int[] forms;
        long[] implicitConsts;
    }

    private Map<Long, Abbrev> abbreviations(long offset) {
        Map<Long, Abbrev> table = new HashMap<>();
        DwarfInput in = abbrev.at(offset);
        for (long code; (code = in.uleb()) != 0; ) {
            Abbrev a = new Abbrev();
            a.tag = in.ulebInt();
            a.children = in.u8() != 0;
            List<long[]> specs = new ArrayList<>();
            for (; ; ) {
                long attr = in.uleb();
                long form = in.uleb();
                if (attr == 0 && form == 0) {
                    break;
                }
                long implicit = form == 0x21 ? in.sleb() : 0;
                specs.add(new long[] {attr, form, implicit});
            }
            a.attributes = new int[specs.size()];
            a.forms = new int[specs.size()];
            a.implicitConsts = new long[specs.size()];
            for (int i = 0; i < specs.size(); i++) {
                a.attributes[i] = (int) Math.min(specs.get(i)[0], Integer.MAX_VALUE);
                a.forms[i] = (int) Math.min(specs.get(i)[1], Integer.MAX_VALUE);
                a.implicitConsts[i] = specs.get(i)[2];
            }
            table.put(code, a);
        }
        return table;
    }

    /** The attribute values of one DIE that matter here, in unit context. */
    private static final class Attributes {
        Forms.Value name;
        Forms.Value lowPc;
        Forms.Value highPc;
        Forms.Value ranges;
        Forms.Value origin;
        Forms.Value callFile;
        Forms.Value callLine;
        Forms.Value callColumn;
        Forms.Value stmtList;
        Forms.Value compDir;
        Forms.Value strOffsetsBase;
        Forms.Value addrBase;
        Forms.Value rnglistsBase;

        void clear() {
            name = lowPc = highPc = ranges = origin = callFile = callLine = callColumn = null;
            stmtList = compDir = strOffsetsBase = addrBase = rnglistsBase = null;
        }
    }

    /** Unit-level context for resolving indexed forms. */
    private static final class Context {
        long unitStart;
        int offsetSize;
        int addressSize;
        int version;
        long strOffsetsBase = 8;
        long addrBase = 8;
        long rnglistsBase = 12;
        long baseAddress;
    }

    private void parseUnit(DwarfInput in, long unitStart, int offsetSize) {
        Context cx = new Context();
        cx.unitStart = unitStart;
        cx.offsetSize = offsetSize;
        cx.version = in.u16();
        if (cx.version < 2 || cx.version > 5) {
            throw new DwarfFormatException("unsupported .debug_info version " + cx.version);
        }
        long abbrevOffset;
        if (cx.version >= 5) {
            int unitType = in.u8();
            cx.addressSize = in.u8();
            abbrevOffset = in.unsigned(offsetSize);
            if (unitType == 2 || unitType == 6) {
                return; // type units describe no code
            }
            if (unitType == 4 || unitType == 5) {
                in.u64(); // dwo id
            }
        } else {
            abbrevOffset = in.unsigned(offsetSize);
            cx.addressSize = in.u8();
        }
        if (cx.addressSize != 4 && cx.addressSize != 8) {
            throw new DwarfFormatException("unsupported address size " + cx.addressSize);
        }
        Map<Long, Abbrev> abbrevs = abbreviations(abbrevOffset);
        Unit unit = new Unit();
        unit.version = cx.version;
        Attributes at = new Attributes();
        // the unit's own DIE first: its attributes are the bases every other DIE's indexed forms need
        long dieOffset = in.pos();
        Abbrev top = abbrevs.get(in.uleb());
        if (top == null) {
            return; // an empty unit
        }
        readAttributes(in, top, cx, at);
        if (top.tag != DW_TAG_COMPILE_UNIT && top.tag != DW_TAG_PARTIAL_UNIT && top.tag != DW_TAG_SKELETON_UNIT) {
            return;
        }
        if (at.strOffsetsBase != null) {
            cx.strOffsetsBase = at.strOffsetsBase.number();
        }
        if (at.addrBase != null) {
            cx.addrBase = at.addrBase.number();
        }
        if (at.rnglistsBase != null) {
            cx.rnglistsBase = at.rnglistsBase.number();
        }
        if (at.lowPc != null) {
            cx.baseAddress = address(at.lowPc, cx);
        }
        unit.stmtList = at.stmtList == null ? -1 : at.stmtList.number();
        unit.compDir = string(at.compDir, cx);
        unit.name = string(at.name, cx);
        units.add(unit);
        if (!top.children) {
            return;
        }
        // Children: a stack of the scope each open level belongs to (null outside any function).
        List<Scope> stack = new ArrayList<>();
        stack.add(null);
        while (!in.atEnd() && !stack.isEmpty()) {
            dieOffset = in.pos();
            long code = in.uleb();
            if (code == 0) {
                stack.remove(stack.size() - 1);
                continue;
            }
            Abbrev a = abbrevs.get(code);
            if (a == null) {
                throw new DwarfFormatException("unknown abbreviation " + code + " at .debug_info offset " + dieOffset);
            }
            at.clear();
            readAttributes(in, a, cx, at);
            Scope parent = stack.get(stack.size() - 1);
            Scope scope = parent;
            if (a.tag == DW_TAG_SUBPROGRAM) {
                named.put(dieOffset, new Named(string(at.name, cx), reference(at.origin, cx)));
            }
            if (a.tag == DW_TAG_SUBPROGRAM || (a.tag == DW_TAG_INLINED_SUBROUTINE && parent != null)) {
                long[] r = ranges(at, cx);
                if (r.length > 0) {
                    scope = new Scope(unit);
                    scope.ranges = r;
                    scope.nameDie = a.tag == DW_TAG_SUBPROGRAM ? dieOffset : reference(at.origin, cx);
                    if (a.tag == DW_TAG_INLINED_SUBROUTINE) {
                        scope.callFile = at.callFile == null ? -1 : at.callFile.number();
                        scope.callLine = at.callLine == null ? 0 : (int) Math.min(at.callLine.number(), Integer.MAX_VALUE);
                        scope.callColumn = at.callColumn == null ? 0
                                : (int) Math.min(at.callColumn.number(), Integer.MAX_VALUE);
                        parent.children.add(scope);
                        inlinedCount++;
                    } else {
                        functions.add(scope);
                    }
                }
            }
            if (a.children) {
                stack.add(scope);
            }
        }
    }

    private void readAttributes(DwarfInput in, Abbrev a, Context cx, Attributes at) {
        for (int i = 0; i < a.attributes.length; i++) {
            Forms.Value v = Forms.read(in, a.forms[i], cx.offsetSize, cx.addressSize, cx.version,
                    a.implicitConsts[i], 0);
            switch (a.attributes[i]) {
                case DW_AT_NAME -> at.name = v;
                case DW_AT_LOW_PC -> at.lowPc = v;
                case DW_AT_HIGH_PC -> at.highPc = v;
                case DW_AT_RANGES -> at.ranges = v;
                case DW_AT_ABSTRACT_ORIGIN, DW_AT_SPECIFICATION -> at.origin = v;
                case DW_AT_CALL_FILE -> at.callFile = v;
                case DW_AT_CALL_LINE -> at.callLine = v;
                case DW_AT_CALL_COLUMN -> at.callColumn = v;
                case DW_AT_STMT_LIST -> at.stmtList = v;
                case DW_AT_COMP_DIR -> at.compDir = v;
                case DW_AT_STR_OFFSETS_BASE -> at.strOffsetsBase = v;
                case DW_AT_ADDR_BASE -> at.addrBase = v;
                case DW_AT_RNGLISTS_BASE -> at.rnglistsBase = v;
                default -> {
                }
            }
        }
    }

    private String string(Forms.Value v, Context cx) {
        if (v == null) {
            return null;
        }
        if (v.kind() == Forms.Kind.STRING_INDEX) {
            if (strOffsets == null || strings == null) {
                return null;
            }
            DwarfInput in = strOffsets.at(cx.strOffsetsBase + v.number() * cx.offsetSize);
            return strings.cstringAt(in.unsigned(cx.offsetSize));
        }
        return v.string(strings, lineStrings);
    }

    private long address(Forms.Value v, Context cx) {
        if (v.kind() == Forms.Kind.ADDRESS_INDEX) {
            return indexedAddress(v.number(), cx);
        }
        return v.number();
    }

    private long indexedAddress(long index, Context cx) {
        if (addresses == null) {
            throw new DwarfFormatException("indexed address without .debug_addr");
        }
        return addresses.at(cx.addrBase + index * cx.addressSize).unsigned(cx.addressSize);
    }

    /** The section offset of the DIE a reference names, or -1. */
    private static long reference(Forms.Value v, Context cx) {
        if (v == null) {
            return -1;
        }
        return switch (v.kind()) {
            case UNIT_REFERENCE -> cx.unitStart + v.number();
            case SECTION_REFERENCE -> v.number();
            default -> -1;
        };
    }

    /** The code ranges of a DIE (low/high pc or a range list), as start/end pairs; empty when it has none. */
    private long[] ranges(Attributes at, Context cx) {
        if (at.lowPc != null && at.highPc != null) {
            long low = address(at.lowPc, cx);
            long high = at.highPc.kind() == Forms.Kind.ADDRESS || at.highPc.kind() == Forms.Kind.ADDRESS_INDEX
                    ? address(at.highPc, cx) : low + at.highPc.number();
            return live(low, high) ? new long[] {low, high} : new long[0];
        }
        if (at.ranges == null) {
            return new long[0];
        }
        List<Long> out = new ArrayList<>();
        if (cx.version >= 5) {
            long offset = at.ranges.number();
            if (rangeLists == null) {
                return new long[0];
            }
            if (at.ranges.kind() == Forms.Kind.RANGE_LIST_INDEX) {
                offset = cx.rnglistsBase + rangeLists.at(cx.rnglistsBase + offset * cx.offsetSize).unsigned(cx.offsetSize);
            }
            rangeList5(rangeLists.at(offset), cx, out);
        } else {
            if (ranges == null) {
                return new long[0];
            }
            rangeList4(ranges.at(at.ranges.number()), cx, out);
        }
        long[] r = new long[out.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = out.get(i);
        }
        return r;
    }

    /**
     * Whether a range is code that exists: not empty, and not at a tombstone the linker writes for removed code (0,
     * which in a Wasm code section is the function count, or -1/-2 truncated to 32 bits).
     */
    private static boolean live(long low, long high) {
        return high > low && low != 0 && low < 0xffff_fffeL;
    }

    private static void add(List<Long> out, long low, long high) {
        if (live(low, high)) {
            out.add(low);
            out.add(high);
        }
    }

    private void rangeList4(DwarfInput in, Context cx, List<Long> out) {
        long base = cx.baseAddress;
        long max = cx.addressSize == 4 ? 0xffff_ffffL : -1L;
        while (true) {
            long start = in.unsigned(cx.addressSize);
            long end = in.unsigned(cx.addressSize);
            if (start == 0 && end == 0) {
                return;
            }
            if (start == max) {
                base = end;
            } else {
                add(out, base + start, base + end);
            }
        }
    }

    private void rangeList5(DwarfInput in, Context cx, List<Long> out) {
        long base = cx.baseAddress;
        while (true) {
            int kind = in.u8();
            switch (kind) {
                case 0 -> {
                    return;
                }
                case 1 -> base = indexedAddress(in.uleb(), cx); // base_addressx
                case 2 -> add(out, indexedAddress(in.uleb(), cx), indexedAddress(in.uleb(), cx)); // startx_endx
                case 3 -> { // startx_length
                    long start = indexedAddress(in.uleb(), cx);
                    add(out, start, start + in.uleb());
                }
                case 4 -> { // offset_pair
                    long start = in.uleb();
                    long end = in.uleb();
                    add(out, base + start, base + end);
                }
                case 5 -> base = in.unsigned(cx.addressSize); // base_address
                case 6 -> add(out, in.unsigned(cx.addressSize), in.unsigned(cx.addressSize)); // start_end
                case 7 -> { // start_length
                    long start = in.unsigned(cx.addressSize);
                    add(out, start, start + in.uleb());
                }
                default -> throw new DwarfFormatException("unknown range list entry " + kind);
            }
        }
    }

    private void resolveNames(Scope root) {
        List<Scope> work = new ArrayList<>();
        work.add(root);
        while (!work.isEmpty()) {
            Scope s = work.remove(work.size() - 1);
            s.name = nameOf(s.nameDie);
            work.addAll(s.children);
        }
    }

    /** A function DIE's name, following abstract origins and specifications (a few hops at most). */
    private String nameOf(long die) {
        for (int hops = 0; die >= 0 && hops < 8; hops++) {
            Named n = named.get(die);
            if (n == null) {
                return null;
            }
            if (n.name() != null) {
                return n.name();
            }
            die = n.target();
        }
        return null;
    }
}
