package dev.basalt.wasm.dwarf;

import java.util.ArrayList;
import java.util.List;

/**
 * One line-number program of {@code .debug_line} (DWARF 2 to 5) decoded into its file table and its address
 * sequences. Only what a backtrace needs is kept per row: address, file, line and column.
 */
final class LineProgram {
    int version;
    /** File paths by the program's file index (DWARF 5: from 0; before: from 1, index 0 unused); null entries unknown. */
    final List<String> files = new ArrayList<>();
    final List<Sequence> sequences = new ArrayList<>();

    /** A run of rows with increasing addresses, ending at {@code end} (exclusive). */
    static final class Sequence {
        final LineProgram program;
        final long start;
        final long end;
        final long[] addresses;
        final int[] fileIndices;
        final int[] lines;
        final int[] columns;

        Sequence(LineProgram program, long[] addresses, int[] fileIndices, int[] lines, int[] columns, long end) {
            this.program = program;
            this.start = addresses[0];
            this.end = end;
            this.addresses = addresses;
            this.fileIndices = fileIndices;
            this.lines = lines;
            this.columns = columns;
        }

        /** The row that covers {@code address} (the last with an address at or before it); -1 if none. */
        int rowOf(long address) {
            int lo = 0;
            int hi = addresses.length - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (addresses[mid] <= address) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }
    }

    /** Growable row columns of the sequence being decoded. */
    private static final class Rows {
        long[] addresses = new long[16];
        int[] files = new int[16];
        int[] lines = new int[16];
        int[] columns = new int[16];
        int size;

        void add(long address, int file, int line, int column) {
            if (size == addresses.length) {
                int n = size * 2;
                addresses = java.util.Arrays.copyOf(addresses, n);
                files = java.util.Arrays.copyOf(files, n);
                lines = java.util.Arrays.copyOf(lines, n);
                columns = java.util.Arrays.copyOf(columns, n);
            }
            addresses[size] = address;
            files[size] = file;
            lines[size] = line;
            columns[size] = column;
            size++;
        }
    }

    private static final int DW_LNCT_PATH = 1;
    private static final int DW_LNCT_DIRECTORY_INDEX = 2;

    /**
     * Decodes the program at {@code offset} of {@code line}. {@code compDir} (the compilation unit's directory from
     * {@code .debug_info}, or null) completes relative paths; {@code strings}/{@code lineStrings} back the string
     * forms of DWARF 5 entry formats.
     */
    static LineProgram parse(DwarfInput line, long offset, String compDir, DwarfInput strings, DwarfInput lineStrings) {
        LineProgram p = new LineProgram();
        DwarfInput at = line.at(offset);
        int[] offsetSizeOut = new int[1];
        long length = at.initialLength(offsetSizeOut);
        int offsetSize = offsetSizeOut[0];
        DwarfInput in = line.window(at.pos(), length);
        int version = in.u16();
        p.version = version;
        if (version < 2 || version > 5) {
            throw new DwarfFormatException("unsupported .debug_line version " + version);
        }
        if (version >= 5) {
            in.u8(); // address size: set_address operands carry their own length
            in.u8(); // segment selector size
        }
        long headerLength = in.unsigned(offsetSize);
        long programStart = in.pos() + headerLength;
        int minInstLength = in.u8();
        if (version >= 4) {
            in.u8(); // maximum operations per instruction (VLIW only)
        }
        in.u8(); // default_is_stmt: statement boundaries do not matter for backtraces
        int lineBase = in.s8();
        int lineRange = in.u8();
        if (lineRange == 0) {
            throw new DwarfFormatException("line_range 0 in .debug_line");
        }
        int opcodeBase = in.u8();
        int[] standardLengths = new int[Math.max(opcodeBase, 1)];
        for (int i = 1; i < opcodeBase; i++) {
            standardLengths[i] = in.u8();
        }
        List<String> directories = new ArrayList<>();
        if (version >= 5) {
            readEntries(in, offsetSize, strings, lineStrings, directories, null, compDir);
            readEntries(in, offsetSize, strings, lineStrings, p.files, directories, compDir);
        } else {
            directories.add(compDir);
            for (String dir; !(dir = in.cstring()).isEmpty(); ) {
                directories.add(join(compDir, dir));
            }
            p.files.add(null);
            for (String name; !(name = in.cstring()).isEmpty(); ) {
                int dir = in.ulebInt();
                in.uleb(); // modification time
                in.uleb(); // length
                p.files.add(join(dir < directories.size() ? directories.get(dir) : null, name));
            }
        }
        in.seek(programStart);
        p.run(in, minInstLength, lineBase, lineRange, opcodeBase, standardLengths, directories);
        return p;
    }

    /** DWARF 5 directory or file entries: the format, then the entries; keeps each entry's path. */
    private static void readEntries(DwarfInput in, int offsetSize, DwarfInput strings, DwarfInput lineStrings,
                                    List<String> out, List<String> directories, String compDir) {
        int formats = in.u8();
        long[] kinds = new long[formats];
        int[] forms = new int[formats];
        for (int i = 0; i < formats; i++) {
            kinds[i] = in.uleb();
            forms[i] = in.ulebInt();
        }
        int count = in.ulebInt();
        for (int e = 0; e < count; e++) {
            String path = null;
            long dir = 0;
            for (int i = 0; i < formats; i++) {
                Forms.Value v = Forms.read(in, forms[i], offsetSize, 4, 5);
                if (kinds[i] == DW_LNCT_PATH) {
                    path = v.string(strings, lineStrings);
                } else if (kinds[i] == DW_LNCT_DIRECTORY_INDEX) {
                    dir = v.number();
                }
            }
            if (directories == null) {
                // directory 0 is the compilation directory itself; the others may be relative to it
                out.add(e == 0 || path == null ? (path != null ? path : compDir) : join(compDir, path));
            } else {
                out.add(join(dir >= 0 && dir < directories.size() ? directories.get((int) dir) : null, path));
            }
        }
    }

    private void run(DwarfInput in, int minInstLength, int lineBase, int lineRange, int opcodeBase, int[] standardLengths, List<String> directories) {
        long address = 0;
        int file = 1;
        long lineNo = 1;
        int column = 0;
        Rows rows = new Rows();
        while (!in.atEnd()) {
            int op = in.u8();
            if (op >= opcodeBase) {
                int adjusted = op - opcodeBase;
                address += (long) (adjusted / lineRange) * minInstLength;
                lineNo += lineBase + adjusted % lineRange;
                rows.add(address, file, clampLine(lineNo), column);
            } else if (op == 0) {
                long len = in.uleb();
                if (len == 0) {
                    continue;
                }
                int next = checkedEnd(in, len);
                int sub = in.u8();
                switch (sub) {
                    case 1 -> { // end_sequence
                        finish(rows, address);
                        rows = new Rows();
                        address = 0;
                        file = 1;
                        lineNo = 1;
                        column = 0;
                    }
                    case 2 -> address = in.unsigned(next - in.pos()); // set_address: the operand fills the opcode
                    case 3 -> { // define_file (DWARF 2-4)
                        String name = in.cstring();
                        int dir = in.ulebInt();
                        files.add(join(dir < directories.size() ? directories.get(dir) : null, name));
                    }
                    default -> {
                        // set_discriminator and vendor extensions: nothing a backtrace needs
                    }
                }
                in.seek(next);
            } else {
                switch (op) {
                    case 1 -> rows.add(address, file, clampLine(lineNo), column); // copy
                    case 2 -> address += in.uleb() * minInstLength; // advance_pc
                    case 3 -> lineNo += in.sleb(); // advance_line
                    case 4 -> file = (int) Math.min(in.uleb(), Integer.MAX_VALUE); // set_file
                    case 5 -> column = (int) Math.min(in.uleb(), Integer.MAX_VALUE); // set_column
                    case 8 -> address += (long) ((255 - opcodeBase) / lineRange) * minInstLength; // const_add_pc
                    case 9 -> address += in.u16(); // fixed_advance_pc
                    case 6, 7, 10, 11 -> {
                        // negate_stmt, basic_block, prologue_end, epilogue_begin: no operands, not needed
                    }
                    default -> {
                        // set_isa and opcodes this DWARF version does not know: skip their LEB operands
                        for (int i = 0; i < standardLengths[op]; i++) {
                            in.uleb();
                        }
                    }
                }
            }
        }
        // A program that ends without end_sequence: its rows have no end address, so they are dropped.
    }

    private static int checkedEnd(DwarfInput in, long len) {
        if (len > in.end() - in.pos()) {
            throw new DwarfFormatException("extended opcode of " + len + " bytes overruns .debug_line at " + in.pos());
        }
        return (int) (in.pos() + len);
    }

    private static int clampLine(long line) {
        return line < 0 ? 0 : (int) Math.min(line, Integer.MAX_VALUE);
    }

    /**
     * Ends a sequence. Sequences of code the linker removed start at a tombstone address: 0 (older lld; in a Wasm
     * code section offset 0 is the function count, never an instruction), or -1/-2 truncated to the address size;
     * they would shadow the first live functions, so they are dropped.
     */
    private void finish(Rows rows, long end) {
        if (rows.size == 0) {
            return;
        }
        long start = rows.addresses[0];
        if (start == 0 || start >= 0xffff_fffeL || end <= start) {
            return;
        }
        int n = rows.size;
        sequences.add(new Sequence(this, java.util.Arrays.copyOf(rows.addresses, n),
                java.util.Arrays.copyOf(rows.files, n), java.util.Arrays.copyOf(rows.lines, n),
                java.util.Arrays.copyOf(rows.columns, n), end));
    }

    /** The path of file {@code index}, or null. */
    String file(long index) {
        return index >= 0 && index < files.size() ? files.get((int) index) : null;
    }

    /** {@code name} under {@code dir} unless absolute; "." segments dropped (clang records "./x.c" as "././x.c"). */
    static String join(String dir, String name) {
        if (name == null) {
            return null;
        }
        String path = dir == null || dir.isEmpty() || name.startsWith("/") || isWindowsAbsolute(name)
                ? name : dir.endsWith("/") ? dir + name : dir + "/" + name;
        return normalize(path);
    }

    private static boolean isWindowsAbsolute(String p) {
        return p.length() > 2 && p.charAt(1) == ':' && (p.charAt(2) == '\\' || p.charAt(2) == '/');
    }

    private static String normalize(String path) {
        String p = path;
        while (p.startsWith("./") && p.length() > 2) {
            p = p.substring(2);
        }
        while (p.contains("/./")) {
            p = p.replace("/./", "/");
        }
        return p;
    }
}
