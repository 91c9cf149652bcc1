package dev.basalt.internal.interpreter;

import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.TieredCode;
import dev.basalt.wasm.Expression;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.WasmModule;

/**
 * A validated module translated for the interpreter: one {@link CompiledCode} per defined function, made once and
 * shared by every instance (it is immutable). Constant expressions are translated when an instance needs them. A
 * module whose functions another engine runs ({@link #constantsOnly}) translates no function bodies: that would
 * cost a big module seconds of start-up (a 14 MB JS runtime: about a third of loading its cached code).
 */
public final class CompiledModule {
    private final WasmModule module;
    private final Translator translator;
    private final CompiledCode[] functions;
    private final int importedFunctions;

    private CompiledModule(WasmModule module, boolean translateFunctions) {
        this.module = module;
        this.translator = new Translator(module);
        this.importedFunctions = module.importCount(ExternKind.FUNC);
        this.functions = new CompiledCode[translateFunctions ? module.functions().size() : 0];
        for (int i = 0; i < functions.length; i++) {
            functions[i] = translator.translateFunction(importedFunctions + i);
        }
    }

    public static CompiledModule translate(WasmModule module) {
        return new CompiledModule(module, true);
    }

    /**
     * The translation of {@code module}'s constant expressions only, for a module whose functions all run as another
     * engine's code: {@link #function}, {@link #enableTiering} and {@link #install} are not for it.
     */
    public static CompiledModule constantsOnly(WasmModule module) {
        return new CompiledModule(module, false);
    }

    public WasmModule module() {
        return module;
    }

    /** The function instance of defined function {@code index} (in the function index space) for {@code inst}. */
    public FunctionInstance function(ModuleInstance inst, int index, DefinedType type, String name) {
        if (functions.length != module.functions().size()) {
            throw new IllegalStateException("the module's functions were not translated for the interpreter");
        }
        return new FunctionInstance(type, functions[index - importedFunctions], inst, index, name);
    }

    /**
     * Turns on tiering: each function is reported to {@code sink} once its calls plus loop iterations reach
     * {@code threshold}. Call before the module runs.
     */
    public void enableTiering(HotFunctions sink, int threshold) {
        for (CompiledCode cc : functions) {
            cc.hotSink = sink;
            cc.countdown = threshold;
        }
    }

    /** Makes later calls of function {@code index} (function index space) run {@code code}. Any thread. */
    public void install(int index, TieredCode code) {
        functions[index - importedFunctions].tier = code;
    }

    /** How many defined functions have tiered-up code installed. */
    public int tieredCount() {
        int n = 0;
        for (CompiledCode cc : functions) {
            if (cc.tier != null) {
                n++;
            }
        }
        return n;
    }

    /** Translated constant expressions (global initialisers, segment offsets), by identity: once per module. */
    private final java.util.IdentityHashMap<Expression, CompiledCode> constants = new java.util.IdentityHashMap<>();

    /**
     * A constant expression as a parameterless function of {@code inst}; run it with {@link Interpreter#invoke}. The
     * translation does not depend on the instance, so every instantiation after the first reuses it.
     */
    public FunctionInstance constant(ModuleInstance inst, Expression e) {
        CompiledCode code;
        synchronized (constants) {
            code = constants.computeIfAbsent(e, translator::translateConst);
        }
        return new FunctionInstance(null, code, inst, -1, "<const>");
    }
}
