package dev.basalt.internal.runtime;

import dev.basalt.internal.memory.LinearMemory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The runtime state of one instantiated module: its index spaces resolved to instances (imports first, as in
 * the module), its remaining element and data segments, and its exports. Fields are public and read directly
 * by the interpreter's hot loop; functions are read through {@link #func(int)}.
 *
 * <p>Functions are made on first use: an instance of a large module (StarlingMonkey's JS runtime defines 12,696
 * functions) runs a few hundred of them per request in {@code basalt serve}, so making every function object
 * (and the engine's binding to this instance) up front costs more than the functions a request calls. Imports,
 * exports and the functions element segments name are made at instantiation; the rest when code first calls
 * them, takes a {@code ref.func} of them or tail-calls them through the runtime.
 */
public final class ModuleInstance {
    public final StoreState store;
    /** The interpreter's translation of the module (an {@code interpreter.CompiledModule}). */
    public final Object compiled;
    public final DefinedType[] types;
    public final String moduleName;
    /** The function index space; a defined function's entry is null until {@link #func} first makes it. */
    private FunctionInstance[] funcs;
    /** Makes defined functions' instances; null for an instance whose functions were all given. */
    private FunctionMaker maker;
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

    /**
     * Makes the function instance of a defined function of an instance, called at most once per function and
     * instance (under the instance's lock): shared by every instance of a module, so it holds nothing of one.
     */
    @FunctionalInterface
    public interface FunctionMaker {
        FunctionInstance make(ModuleInstance instance, int index);
    }

    /**
     * Sets the function index space: {@code space} holds the imported functions (and any function already made);
     * {@code maker} makes the others on first use.
     */
    public void functions(FunctionInstance[] space, FunctionMaker maker) {
        this.funcs = space;
        this.maker = maker;
    }

    /** How many functions the index space has (imported and defined). */
    public int functionCount() {
        return funcs.length;
    }

    /**
     * Function {@code index} of the function index space (a valid index: the module was validated), made on first
     * use. What the interpreter and generated code call for {@code call}, {@code ref.func} and tail calls through
     * the runtime: small enough for the JIT to inline the array read and null test.
     */
    public FunctionInstance func(int index) {
        FunctionInstance f = funcs[index];
        return f != null ? f : make(index);
    }

    /**
     * {@link #func} without the lock, for the instantiator while no other thread can see this instance (filling
     * element segments names thousands of functions in a large module).
     */
    public FunctionInstance funcWhileUnshared(int index) {
        FunctionInstance f = funcs[index];
        if (f == null) {
            f = maker.make(this, index);
            funcs[index] = f;
        }
        return f;
    }

    /**
     * The slow path of {@link #func}: one instance per function even when threads sharing the instance race (a
     * function's identity is observable: {@code ref.func}, tables, exported handles). A thread that read null sees
     * the stored object after taking the lock; one that reads it without the lock sees a fully built object,
     * because {@link FunctionInstance}'s fields are final.
     */
    private synchronized FunctionInstance make(int index) {
        return funcWhileUnshared(index);
    }
}
