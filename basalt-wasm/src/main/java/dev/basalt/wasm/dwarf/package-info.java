/**
 * DWARF debug information of Wasm modules, for source lines in backtraces: {@link dev.basalt.wasm.dwarf.DwarfDebugInfo}
 * reads the {@code .debug_*} custom sections that clang and rustc emit for wasm32 (DWARF 2 to 5: the line table of
 * {@code .debug_line}, and from {@code .debug_info} the functions' code ranges and the functions inlined into them)
 * and maps a code-section offset to its {@link dev.basalt.wasm.dwarf.SourceLocation}s, innermost inlined frame first.
 *
 * <p>Malformed DWARF is never an error: parsing keeps what it understood and reports the first problem, because
 * debug information must not make a module fail to load or a trap fail to report. The parser is bounds-checked,
 * walks DIE trees without recursion and allocates only in proportion to the bytes it reads.
 */
package dev.basalt.wasm.dwarf;
