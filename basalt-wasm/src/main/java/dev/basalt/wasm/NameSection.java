package dev.basalt.wasm;

import java.util.Map;
import java.util.Optional;

/**
 * The {@code name} custom section, decoded: names for the index spaces, used for backtraces and printing.
 *
 * <p>{@code nameMaps} maps a subsection id (see the constants) to index -> name; {@code indirectNameMaps} maps an
 * indirect subsection id (locals, labels, fields) to outer index -> inner index -> name.
 * See the <a href="https://webassembly.github.io/spec/core/appendix/custom.html#name-section">name section</a>
 * and its extended-name-section additions.
 */
public record NameSection(Optional<String> moduleName,
                          Map<Integer, Map<Integer, String>> nameMaps,
                          Map<Integer, Map<Integer, Map<Integer, String>>> indirectNameMaps) {
    public static final int MODULE = 0;
    public static final int FUNCTIONS = 1;
    public static final int LOCALS = 2;
    public static final int LABELS = 3;
    public static final int TYPES = 4;
    public static final int TABLES = 5;
    public static final int MEMORIES = 6;
    public static final int GLOBALS = 7;
    public static final int ELEMS = 8;
    public static final int DATAS = 9;
    public static final int FIELDS = 10;
    public static final int TAGS = 11;

    public NameSection {
        java.util.Objects.requireNonNull(moduleName, "moduleName");
        nameMaps = Map.copyOf(nameMaps);
        indirectNameMaps = Map.copyOf(indirectNameMaps);
    }

    /** The name of function {@code index} (imports first), if the section gives one. */
    public Optional<String> functionName(int index) {
        return name(FUNCTIONS, index);
    }

    public Optional<String> name(int subsection, int index) {
        Map<Integer, String> m = nameMaps.get(subsection);
        return m == null ? Optional.empty() : Optional.ofNullable(m.get(index));
    }

    public Optional<String> localName(int function, int local) {
        Map<Integer, Map<Integer, String>> m = indirectNameMaps.get(LOCALS);
        Map<Integer, String> locals = m == null ? null : m.get(function);
        return locals == null ? Optional.empty() : Optional.ofNullable(locals.get(local));
    }
}
