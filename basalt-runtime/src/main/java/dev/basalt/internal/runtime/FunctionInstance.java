package dev.basalt.internal.runtime;

import dev.basalt.Trap;

/**
 * A function of some instance (Wasm code plus the instance it closes over) or a host function. A single final
 * class, not a hierarchy, so that calls in the interpreter stay monomorphic: {@link #code} is null exactly for
 * host functions. This object is also the runtime value of a non-null {@code funcref}.
 */
public final class FunctionInstance {
    public final DefinedType type;
    /** The interpreter's translated body (an {@code interpreter.CompiledCode}), null for host functions. */
    public final Object code;
    public final ModuleInstance instance;
    public final HostCode host;
    /** Index in the defining module's function space, for backtraces. */
    public final int index;
    public final String name;
    /** Cached public handle (a {@code dev.basalt.Func}), created on demand. */
    public Object handle;

    public FunctionInstance(DefinedType type, Object code, ModuleInstance instance, int index, String name) {
        this.type = type;
        this.code = code;
        this.instance = instance;
        this.host = null;
        this.index = index;
        this.name = name;
    }

    /**
     * A function of {@code instance} whose code an execution engine made: invoked through {@code host} like a host
     * function, but it belongs to the instance (backtraces, {@code ref.func} identity).
     */
    public FunctionInstance(DefinedType type, HostCode host, ModuleInstance instance, int index, String name) {
        this.type = type;
        this.code = null;
        this.instance = instance;
        this.host = host;
        this.index = index;
        this.name = name;
    }

    public FunctionInstance(DefinedType type, HostCode host, String name) {
        this.type = type;
        this.code = null;
        this.instance = null;
        this.host = host;
        this.index = -1;
        this.name = name;
    }

    Trap.Frame frame(long offset) {
        String module = instance == null ? "<host>" : instance.moduleName;
        Trap.Frame frame = new Trap.Frame(module, index, name, offset);
        SourceLines lines = instance == null ? null : instance.sourceLines;
        return lines == null ? frame : lines.addSource(frame);
    }

    @Override
    public String toString() {
        return "func " + (name != null ? name : Integer.toString(index));
    }
}
