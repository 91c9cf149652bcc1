package dev.basalt;

import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.ImportDesc;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Names to externs: the imports available to modules instantiated through it. Define host functions and other
 * instances' exports once, then {@link #instantiatePre(Module)} resolves a module's imports once and
 * {@link InstancePre#instantiate(Store)} creates instances cheaply.
 *
 * {@snippet :
 * Linker<Void> linker = Linker.create(engine);
 * linker.defineHostFunction("env", "log", FuncType.of(List.of(NumType.I32), List.of()),
 *         (caller, args) -> { System.out.println(((Val.I32) args[0]).value()); return new Val[0]; });
 * Instance instance = linker.instantiate(store, module);
 * }
 */
public final class Linker<T> {
    private final Engine engine;
    /** "module\0name" to Extern (store-bound handles) or FunctionInstance (store-independent host functions). */
    private final Map<String, Object> definitions = new HashMap<>();

    private Linker(Engine engine) {
        this.engine = engine;
    }

    public static <T> Linker<T> create(Engine engine) {
        return new Linker<>(engine);
    }

    public Engine engine() {
        return engine;
    }

    private static String key(String module, String name) {
        return module + '\0' + name;
    }

    public Linker<T> define(String module, String name, Extern extern) {
        definitions.put(key(module, name), extern);
        return this;
    }

    /** Defines a host function; it can be used from any store of this linker's engine. */
    public Linker<T> defineHostFunction(String module, String name, FuncType type, HostFunction<T> fn) {
        FunctionInstance f = new FunctionInstance(engine.types().funcType(type.params(), type.results()),
                Calls.host(type, fn), module + "." + name);
        definitions.put(key(module, name), f);
        return this;
    }

    /**
     * Defines a host function on raw numbers ({@link RawHostFunction}): no {@link Val} boxing per call.
     *
     * @throws IllegalArgumentException if the type has a parameter or result that is not i32, i64, f32 or f64
     */
    public Linker<T> defineRawHostFunction(String module, String name, FuncType type, RawHostFunction<T> fn) {
        FunctionInstance f = new FunctionInstance(engine.types().funcType(type.params(), type.results()),
                Calls.rawHost(type, fn), module + "." + name);
        definitions.put(key(module, name), f);
        return this;
    }

    /** Defines every export of {@code instance} under the module name {@code name}. */
    public Linker<T> defineInstance(String name, Instance instance) {
        for (Map.Entry<String, Extern> e : instance.exports().entrySet()) {
            define(name, e.getKey(), e.getValue());
        }
        return this;
    }

    /**
     * Defines every function import of {@code module} from the import module {@code moduleName} that this linker
     * does not define yet as a host function that traps when called. For guests that import more than a host
     * provides but never call the rest on the paths the host uses (e.g. Ruby's JavaScript-interop imports in a
     * JVM host); instantiation then succeeds and a call traps with {@link TrapKind#HOST_ERROR}, naming the import.
     * Imports of other kinds (memories, tables, globals, tags) are left undefined: they cannot trap.
     */
    public Linker<T> defineUnknownImportsAsTraps(Module module, String moduleName) {
        java.util.Objects.requireNonNull(moduleName, "moduleName");
        return defineUndefinedFunctionImportsAsTraps(module, moduleName);
    }

    /** As {@link #defineUnknownImportsAsTraps(Module, String)}, for the function imports of every import module. */
    public Linker<T> defineUnknownImportsAsTraps(Module module) {
        return defineUndefinedFunctionImportsAsTraps(module, null);
    }

    private Linker<T> defineUndefinedFunctionImportsAsTraps(Module module, String onlyModule) {
        var types = module.wasm().types();
        for (Import im : module.imports()) {
            if (!(im.desc() instanceof ImportDesc.Func f)
                    || (onlyModule != null && !onlyModule.equals(im.module()))
                    || definitions.containsKey(key(im.module(), im.name()))) {
                continue;
            }
            // The module was validated, so the index names a function type.
            CompositeType.Func sig = (CompositeType.Func) types.get(f.typeIndex()).composite();
            String what = "unknown import " + im.module() + "." + im.name() + " was called";
            defineHostFunction(im.module(), im.name(), FuncType.of(sig.params(), sig.results()), (caller, args) -> {
                throw new Trap(TrapKind.HOST_ERROR, what);
            });
        }
        return this;
    }

    /** The definition of an import, as the engine-side object. */
    Optional<Object> resolve(String module, String name) {
        Object d = definitions.get(key(module, name));
        if (d instanceof Extern e) {
            return Optional.of(Values.unwrap(e));
        }
        return Optional.ofNullable(d);
    }

    public InstancePre<T> instantiatePre(Module module) {
        return new InstancePre<>(this, module);
    }

    public Instance instantiate(Store<T> store, Module module) {
        return instantiatePre(module).instantiate(store);
    }
}
