package dev.basalt.wasm;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A WebAssembly module as written: the immutable result of parsing (binary or text), before validation.
 *
 * <p>Index spaces (functions, tables, memories, globals, tags) count imports first, then definitions, as the
 * spec does; the helpers below answer questions in those terms. Types form one flat index space across all
 * recursion groups ({@link #types()}).
 *
 * <p>{@code dataCount} is the value of the data count section when present (the binary needs it for
 * {@code memory.init}/{@code data.drop} to validate; the text parser always sets it to the number of segments).
 */
public record WasmModule(
        List<RecGroup> recGroups,
        List<Import> imports,
        List<Function> functions,
        List<Table> tables,
        List<MemoryType> memories,
        List<TagType> tags,
        List<Global> globals,
        List<Export> exports,
        OptionalInt start,
        List<ElementSegment> elements,
        OptionalInt dataCount,
        List<DataSegment> data,
        List<CustomSection> customSections,
        Optional<NameSection> names) {

    public WasmModule {
        recGroups = RecGroupList.of(recGroups);
        imports = ImportList.of(imports);
        functions = List.copyOf(functions);
        tables = List.copyOf(tables);
        memories = List.copyOf(memories);
        tags = List.copyOf(tags);
        globals = List.copyOf(globals);
        exports = List.copyOf(exports);
        java.util.Objects.requireNonNull(start, "start");
        elements = List.copyOf(elements);
        java.util.Objects.requireNonNull(dataCount, "dataCount");
        data = List.copyOf(data);
        customSections = List.copyOf(customSections);
        java.util.Objects.requireNonNull(names, "names");
    }

    /** The empty module {@code (module)}. */
    public static WasmModule empty() {
        return new WasmModule(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                OptionalInt.empty(), List.of(), OptionalInt.empty(), List.of(), List.of(), Optional.empty());
    }

    /** All defined types, flattened across recursion groups, in index order. */
    public List<SubType> types() {
        return ((RecGroupList) recGroups).types();
    }

    /** Imports of one kind, in order: the first entries of that kind's index space (unmodifiable). */
    public List<Import> imports(ExternKind kind) {
        return ((ImportList) imports).ofKind(kind);
    }

    /** How many imports of {@code kind} there are (counted once, when the module was made). */
    public int importCount(ExternKind kind) {
        return imports(kind).size();
    }

    /** Size of the function index space (imported + defined). */
    public int functionCount() {
        return importCount(ExternKind.FUNC) + functions.size();
    }

    public int tableCount() {
        return importCount(ExternKind.TABLE) + tables.size();
    }

    public int memoryCount() {
        return importCount(ExternKind.MEMORY) + memories.size();
    }

    public int globalCount() {
        return importCount(ExternKind.GLOBAL) + globals.size();
    }

    public int tagCount() {
        return importCount(ExternKind.TAG) + tags.size();
    }
}
