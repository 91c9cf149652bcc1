package dev.basalt.wasm.dwarf;

/**
 * A place in the source code: the function (as the debug information names it: the source name, not the linkage
 * name; null if unknown), the file (the path as recorded, joined with its directory; null if unknown), the line
 * (1-based, 0 if unknown) and the column (1-based, 0 if unknown).
 */
public record SourceLocation(String function, String file, int line, int column) {
    /** {@code file:line:column}, leaving out what is unknown. */
    public String position() {
        StringBuilder sb = new StringBuilder(file != null ? file : "<unknown>");
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return (function != null ? function + " " : "") + "at " + position();
    }
}
