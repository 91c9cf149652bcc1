package dev.basalt.compiler;

import dev.basalt.Config;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.spi.ExecutionEngine;
import dev.basalt.spi.FunctionTier;
import dev.basalt.spi.ModuleCode;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.WasmModule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link Config.Strategy#COMPILER} engine: translates every defined function of a module to a static JVM
 * method of one generated class, defined in a class loader of its own (so the class is unloaded with the module).
 * Under {@link Config.Strategy#AUTO} it compiles hot functions in batches ({@link #tier}).
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
        ModuleCompiler mc = new ModuleCompiler(module, className);
        byte[] bytes = mc.compile();
        return load(module, className, bytes, mc.lineOffsets);
    }

    @Override
    public FunctionTier tier(WasmModule module) {
        return new JvmTier(module, "dev/basalt/compiler/gen/WasmModule" + MODULES.incrementAndGet());
    }

    @Override
    public String codeFingerprint() {
        return CodeFingerprint.get();
    }

    @Override
    public ModuleCode load(WasmModule module, byte[] artifact) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(artifact))) {
            String className = in.readUTF();
            int members = in.readInt();
            int defined = module.functions().size();
            if (members != defined) {
                throw new IllegalArgumentException("compiled code has " + members + " functions, the module " + defined);
            }
            int[][] lines = new int[members][];
            for (int i = 0; i < members; i++) {
                int n = in.readInt();
                if (n < 0 || n > OffsetLines.MAX_LINES) {
                    throw new IllegalArgumentException("corrupt line table");
                }
                lines[i] = new int[n];
                for (int k = 0; k < n; k++) {
                    lines[i][k] = in.readInt();
                }
            }
            int size = in.readInt();
            if (size < 0 || size > in.available()) {
                throw new IllegalArgumentException("truncated class bytes");
            }
            byte[] bytes = in.readNBytes(size);
            return load(module, className, bytes, lines);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated compiled code", e);
        }
    }

    /** The generated class of a module, for tests and tools (e.g. the JVM verifier, disassembly). */
    public static byte[] generate(WasmModule module) {
        return new ModuleCompiler(module, "dev/basalt/compiler/gen/Inspected").compile();
    }

    private static Code load(WasmModule module, String className, byte[] bytes, int[][] lineOffsets) {
        Invoker invoker = instantiate(new GeneratedLoader(JvmCompiler.class.getClassLoader()), className, bytes);
        int imported = module.importCount(ExternKind.FUNC);
        CompiledFunction[] functions = new CompiledFunction[lineOffsets.length];
        String[] owners = new String[imported + functions.length];
        java.util.Arrays.fill(owners, imported, owners.length, className);
        boolean[] tailBodies = CallCodegen.tailBodies(module, imported, CallCodegen.tailCallers(module, imported),
                owners);
        for (int i = 0; i < functions.length; i++) {
            functions[i] = new CompiledFunction(invoker, i, className, imported + i, lineOffsets[i], tailBodies[i]);
        }
        return new Code(functions, imported, className, bytes, lineOffsets);
    }

    static Invoker instantiate(GeneratedLoader loader, String className, byte[] bytes) {
        try {
            Class<?> c = loader.define(className.replace('/', '.'), bytes);
            return (Invoker) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load generated class " + className, e);
        }
    }

    private record Code(CompiledFunction[] functions, int imported, String className, byte[] classBytes,
                        int[][] lineOffsets) implements ModuleCode {
        @Override
        public FunctionInstance function(ModuleInstance inst, int index, DefinedType type, String name) {
            return new FunctionInstance(type, functions[index - imported].bind(inst), inst, index, name);
        }

        @Override
        public byte[] artifact() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(classBytes.length + 1024);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(className);
                out.writeInt(lineOffsets.length);
                for (int[] lines : lineOffsets) {
                    out.writeInt(lines.length);
                    for (int offset : lines) {
                        out.writeInt(offset);
                    }
                }
                out.writeInt(classBytes.length);
                out.write(classBytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /**
     * One per generated class: the class becomes unreachable together with its module. Tiering chains them (each
     * batch's loader has the previous batch's as parent) so that later batches call earlier ones directly.
     */
    static final class GeneratedLoader extends ClassLoader {
        GeneratedLoader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
