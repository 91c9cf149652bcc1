package dev.basalt.compiler;

import dev.basalt.Config;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.spi.ExecutionEngine;
import dev.basalt.spi.ModuleCode;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.WasmModule;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Config.Strategy#COMPILER} engine: translates every defined function of a module to a static JVM
 * method of one generated class, defined in a class loader of its own (so the class is unloaded with the module).
 */
public final class JvmCompiler implements ExecutionEngine {
    static final String NAME = "compiler";
    private static final AtomicLong MODULES = new AtomicLong();

    public JvmCompiler() {
    }

    @Override
    public Config.Strategy strategy() {
        return Config.Strategy.COMPILER;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModuleCode compile(WasmModule module) {
        String className = "dev/basalt/compiler/gen/WasmModule" + MODULES.incrementAndGet();
        byte[] bytes = new ModuleCompiler(module, className).compile();
        Invoker invoker = load(className, bytes);
        int imported = module.importCount(ExternKind.FUNC);
        return new Code(invoker, imported);
    }

    /** The generated class of a module, for tests and tools (e.g. the JVM verifier, disassembly). */
    public static byte[] generate(WasmModule module) {
        return new ModuleCompiler(module, "dev/basalt/compiler/gen/Inspected").compile();
    }

    private static Invoker load(String className, byte[] bytes) {
        var loader = new GeneratedLoader(JvmCompiler.class.getClassLoader());
        try {
            Class<?> c = loader.define(className.replace('/', '.'), bytes);
            return (Invoker) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load generated class " + className, e);
        }
    }

    private record Code(Invoker invoker, int imported) implements ModuleCode {
        @Override
        public FunctionInstance function(ModuleInstance inst, int index, DefinedType type, String name) {
            int defined = index - imported;
            return new FunctionInstance(type, (m, caller, base) -> invoker.invoke(defined, m, inst, base), inst, index,
                    name);
        }
    }

    /** One per module: its generated class becomes unreachable together with the module. */
    private static final class GeneratedLoader extends ClassLoader {
        GeneratedLoader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
