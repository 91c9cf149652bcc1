package dev.basalt.internal.runtime;

import dev.basalt.internal.memory.LinearMemory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runtime state of one instantiated module: its index spaces resolved to instances (imports first, as in
 * the module), its remaining element and data segments, and its exports. Fields are public and read directly
 * by the interpreter's hot loop.
 */
public final class ModuleInstance {
    public final StoreState store;
    /** The interpreter's translation of the module (an {@code interpreter.CompiledModule}). */
    public final Object compiled;
    public final DefinedType[] types;
    public final String moduleName;
    public FunctionInstance[] funcs;
    public TableInstance[] tables;
    public LinearMemory[] memories;
    /** Memory 0 or null: the hot loop's fast path. */
    public LinearMemory mem0;
    public GlobalInstance[] globals;
    public TagInstance[] tags;
    /** Element segment contents by index; an empty array once dropped. */
    public Object[][] elems;
    /** Data segment bytes by index; an empty array once dropped. */
    public byte[][] datas;
    /** Export name to FunctionInstance, TableInstance, LinearMemory, GlobalInstance or TagInstance. */
    public final Map<String, Object> exports = new LinkedHashMap<>();
    /** Source positions for backtrace frames (from the module's DWARF), or null: most modules have none. */
    public SourceLines sourceLines;

    public ModuleInstance(StoreState store, Object compiled, DefinedType[] types, String moduleName) {
        this.store = store;
        this.compiled = compiled;
        this.types = types;
        this.moduleName = moduleName;
    }
}
