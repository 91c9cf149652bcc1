package dev.basalt.wasm.dwarf;

/**
 * Malformed or unsupported DWARF. Internal to the parser: {@link DwarfDebugInfo#parse} catches it and keeps what
 * it understood, so debug sections never make a module fail to load or a trap fail to report.
 */
final class DwarfFormatException extends RuntimeException {
    DwarfFormatException(String message) {
        super(message, null, false, false);
    }
}
