package dev.basalt.internal.interpreter;

import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.WasmModule;

/**
 * A validated module translated for the interpreter: one {@link CompiledCode} per defined function, made once and
 * shared by every instance (it is immutable). Constant expressions are translated when an instance needs them.
 */
public final class CompiledModule {
    private final WasmModule module;
    private final Translator translator;
    private final CompiledCode[] functions;
    private final int importedFunctions;

    private CompiledModule(WasmModule module) {
        this.module = module;
        this.translator = new Translator(module);
        this.importedFunctions = module.importCount(ExternKind.FUNC);
        this.functions = new CompiledCode[module.functions().size()];
        for (int i = 0; i < functions.length; i++) {
            functions[i] = translator.translateFunction(importedFunctions + i);
        }
    }

    public static CompiledModule translate(WasmModule module) {
        return new CompiledModule(module);
    }

    public WasmModule module() {
        return module;
    }

    /** The function instance of defined function {@code index} (in the function index space) for {@code inst}. */
    public FunctionInstance function(ModuleInstance inst, int index, DefinedType type, String name) {
        return new FunctionInstance(type, functions[index - importedFunctions], inst, index, name);
    }

    /** A constant expression as a parameterless function of {@code inst}; run it with {@link Interpreter#invoke}. */
    public FunctionInstance constant(ModuleInstance inst, Expression e) {
        return new FunctionInstance(null, translator.translateConst(e), inst, -1, "<const>");
    }
}
