package dev.basalt.compiler;

import dev.basalt.Config;
import dev.basalt.internal.runtime.CompiledFrames;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.GeneratedCode;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.spi.ExecutionEngine;
import dev.basalt.spi.FunctionTier;
import dev.basalt.spi.ModuleCode;
import dev.basalt.spi.UnsupportedCodeException;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.Function;
import dev.basalt.wasm.WasmModule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.objectweb.asm.ClassTooLargeException;

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
        return compile(module, false);
    }

    @Override
    public ModuleCode compile(WasmModule module, boolean trackMemoryWrites) {
        return load(module, generateParts(module, "dev/basalt/compiler/gen/WasmModule" + MODULES.incrementAndGet(),
                PART_INSTRUCTIONS, trackMemoryWrites), trackMemoryWrites);
    }

    /** Instructions per generated class: keeps a class's constant pool (65,535 entries) far from full. */
    static final int PART_INSTRUCTIONS = 200_000;

    /** One generated class of a module: its members (function indices) and their line tables. */
    record Part(String className, byte[] bytes, int[] members, int[][] lineOffsets) {
    }

    /** The name suffix of a split module's dispatch class (see {@link IndirectCalls.Shared}). */
    static final String DISPATCH_CLASS_SUFFIX = "_dispatch";

    /**
     * The classes of a whole module. A large module (CRuby: 11 MB of code, 17,825 functions) does not fit one class
     * file, so its functions are spread over classes of about {@link #PART_INSTRUCTIONS} instructions each, named
     * {@code baseName}, {@code baseName_1}, ...; calls between them are direct {@code invokestatic}s, and typed
     * indirect calls of all of them go through the dispatchers of more classes, {@code baseName_dispatch}, ...,
     * which define no function (parts without members; see {@link IndirectCalls.Shared}). The module's copies of
     * the runtime helpers its code calls ({@link HelperCopies}) come last, also parts without members.
     */
    static List<Part> generateParts(WasmModule module, String baseName) {
        return generateParts(module, baseName, PART_INSTRUCTIONS);
    }

    /** As {@link #generateParts(WasmModule, String)}, with at most about {@code partInstructions} per class. */
    static List<Part> generateParts(WasmModule module, String baseName, int partInstructions) {
        return generateParts(module, baseName, partInstructions, false);
    }

    /** As {@link #generateParts(WasmModule, String, int)}; stores mark their pages if {@code trackWrites}. */
    static List<Part> generateParts(WasmModule module, String baseName, int partInstructions, boolean trackWrites) {
        int limit = partInstructions;
        while (true) {
            int[][] groups = partition(module, limit);
            int imported = module.importCount(ExternKind.FUNC);
            String[] owners = new String[imported + module.functions().size()];
            String[] names = new String[groups.length];
            for (int k = 0; k < groups.length; k++) {
                names[k] = k == 0 ? baseName : baseName + "_" + k;
                for (int m : groups[k]) {
                    owners[m] = names[k];
                }
            }
            try {
                List<Part> parts = new ArrayList<>();
                IndirectCalls.Shared dispatch = groups.length > 1
                        ? new IndirectCalls.Shared(baseName + DISPATCH_CLASS_SUFFIX) : null;
                ModuleCompiler shape = null;
                HelperCopies helpers = new HelperCopies(baseName);
                for (int k = 0; k < groups.length; k++) {
                    ModuleCompiler mc = shape == null ? new ModuleCompiler(module, names[k], groups[k], owners)
                            : new ModuleCompiler(shape, names[k], groups[k], owners);
                    if (shape == null) {
                        mc.copyHelpers(helpers);
                        mc.trackWrites(trackWrites);
                        shape = mc;
                    }
                    mc.sharedDispatch = dispatch;
                    parts.add(new Part(names[k], mc.compile(), groups[k], mc.lineOffsets));
                }
                if (dispatch != null) {
                    for (String name : dispatch.classNames()) {
                        parts.add(new Part(name, IndirectCalls.dispatchClass(shape, dispatch, name), new int[0],
                                new int[0][]));
                    }
                }
                for (HelperCopies.Copy copy : helpers.classes()) {
                    parts.add(new Part(copy.className(), copy.bytes(), new int[0], new int[0][]));
                }
                return parts;
            } catch (ClassTooLargeException e) {
                if (limit < 1_000) {
                    throw new UnsupportedCodeException(NAME, -1, "(module too large for JVM class files)");
                }
                limit /= 4; // a part with unusually many distinct constants: smaller parts for this module
            }
        }
    }

    /** Defined functions in order, in groups of at most {@code limit} instructions (at least one function each). */
    private static int[][] partition(WasmModule module, int limit) {
        int imported = module.importCount(ExternKind.FUNC);
        List<int[]> groups = new ArrayList<>();
        List<Function> functions = module.functions();
        int start = 0;
        long size = 0;
        for (int i = 0; i < functions.size(); i++) {
            int n = functions.get(i).body().instructions().size();
            if (i > start && size + n > limit) {
                groups.add(range(imported + start, imported + i));
                start = i;
                size = 0;
            }
            size += n;
        }
        groups.add(range(imported + start, imported + functions.size()));
        return groups.toArray(int[][]::new);
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    @Override
    public FunctionTier tier(WasmModule module) {
        return tier(module, false);
    }

    @Override
    public FunctionTier tier(WasmModule module, boolean trackMemoryWrites) {
        return new JvmTier(module, "dev/basalt/compiler/gen/WasmModule" + MODULES.incrementAndGet(), trackMemoryWrites);
    }

    @Override
    public String codeFingerprint() {
        return CodeFingerprint.get();
    }

    @Override
    public ModuleCode load(WasmModule module, byte[] artifact) {
        return load(module, artifact, false);
    }

    @Override
    public ModuleCode load(WasmModule module, byte[] artifact, boolean trackMemoryWrites) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(artifact))) {
            int partCount = in.readInt();
            int defined = module.functions().size();
            int imported = module.importCount(ExternKind.FUNC);
            // parts, then dispatch classes, then the module's copies of the helpers
            if (partCount < 1 || partCount > 2 * Math.max(1, defined) + 1 + HelperCopies.SOURCES.size()) {
                throw new IllegalArgumentException("corrupt class count " + partCount);
            }
            List<Part> parts = new ArrayList<>();
            int total = 0;
            for (int p = 0; p < partCount; p++) {
                String className = in.readUTF();
                int members = in.readInt();
                if (members < 0 || members > defined - total) {
                    throw new IllegalArgumentException("compiled code has more functions than the module's " + defined);
                }
                int[] indices = range(imported + total, imported + total + members);
                total += members;
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
                parts.add(new Part(className, in.readNBytes(size), indices, lines));
            }
            if (total != defined) {
                throw new IllegalArgumentException("compiled code has " + total + " functions, the module " + defined);
            }
            // The caller's fingerprint check vouches that the code was generated with this tracking setting.
            return load(module, parts, trackMemoryWrites);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated compiled code", e);
        }
    }

    /** The generated class of a module, for tests and tools (e.g. the JVM verifier, disassembly). */
    public static byte[] generate(WasmModule module) {
        return new ModuleCompiler(module, "dev/basalt/compiler/gen/Inspected").compile();
    }

    /**
     * Every class the compiler engine defines for a module, by internal name ({@code dev/basalt/compiler/gen/
     * Inspected}, its further parts, dispatch classes and helper copies), in definition order, exactly as
     * {@link #compile(WasmModule)} generates them apart from the names: for disassembly ({@code javap -c -p}) and
     * comparisons of builds' code.
     */
    public static Map<String, byte[]> classFiles(WasmModule module) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Part part : generateParts(module, "dev/basalt/compiler/gen/Inspected")) {
            out.put(part.className(), part.bytes());
        }
        return out;
    }

    private static Code load(WasmModule module, List<Part> parts, boolean tracksMemoryWrites) {
        var loader = new GeneratedLoader(JvmCompiler.class.getClassLoader());
        // Define every class first: they call each other, and the JVM resolves those calls through this loader.
        List<Class<?>> classes = new ArrayList<>();
        for (Part part : parts) {
            classes.add(loader.define(part.className().replace('/', '.'), part.bytes()));
        }
        int imported = module.importCount(ExternKind.FUNC);
        CompiledFunction[] functions = new CompiledFunction[module.functions().size()];
        String[] owners = new String[imported + functions.length];
        for (Part part : parts) {
            for (int m : part.members()) {
                owners[m] = part.className();
            }
        }
        boolean[] tailBodies = CallCodegen.tailBodies(module, imported, CallCodegen.tailCallers(module, imported),
                owners);
        for (int p = 0; p < parts.size(); p++) {
            Part part = parts.get(p);
            if (part.members().length == 0) {
                continue; // a split module's dispatch class or a helper copy: no functions, no bridge
            }
            Invoker invoker;
            try {
                invoker = (Invoker) classes.get(p).getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot load generated class " + part.className(), e);
            }
            for (int i = 0; i < part.members().length; i++) {
                int index = part.members()[i];
                functions[index - imported] = loader.add(new CompiledFunction(invoker, i, part.className(), index,
                        part.lineOffsets()[i], tailBodies[index - imported], module));
            }
        }
        return new Code(functions, imported, List.copyOf(parts), tracksMemoryWrites);
    }

    static Invoker instantiate(GeneratedLoader loader, String className, byte[] bytes) {
        try {
            Class<?> c = loader.define(className.replace('/', '.'), bytes);
            return (Invoker) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load generated class " + className, e);
        }
    }

    private record Code(CompiledFunction[] functions, int imported, List<Part> parts, boolean tracksMemoryWrites)
            implements ModuleCode {
        @Override
        public FunctionInstance function(ModuleInstance inst, int index, DefinedType type, String name) {
            return new FunctionInstance(type, functions[index - imported].bind(inst), inst, index, name);
        }

        @Override
        public byte[] artifact() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(parts.size());
                for (Part part : parts) {
                    out.writeUTF(part.className());
                    out.writeInt(part.lineOffsets().length);
                    for (int[] lines : part.lineOffsets()) {
                        out.writeInt(lines.length);
                        for (int offset : lines) {
                            out.writeInt(offset);
                        }
                    }
                    out.writeInt(part.bytes().length);
                    out.write(part.bytes());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /**
     * One per generated class: the class becomes unreachable together with its module. Tiering chains them (each
     * batch's loader has the previous batch's as parent) so that later batches call earlier ones directly.
     *
     * <p>Each has a unique name and is the {@link GeneratedCode.Unit} of its classes: backtraces find the compiled
     * function a JVM frame runs through it (its functions keep it reachable: they hold their classes).
     */
    static final class GeneratedLoader extends ClassLoader implements GeneratedCode.Unit {
        private final Map<Integer, CompiledFunction> functions = new ConcurrentHashMap<>();

        GeneratedLoader(ClassLoader parent) {
            this(GeneratedCode.loaderName(), parent);
        }

        private GeneratedLoader(String name, ClassLoader parent) {
            super(name, parent);
            GeneratedCode.register(name, this);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }

        /** Makes {@code f}, defined by one of this loader's classes, known to backtraces; returns it. */
        CompiledFunction add(CompiledFunction f) {
            functions.put(f.funcIndex(), f);
            return f;
        }

        @Override
        public CompiledFrames functionOf(StackTraceElement e) {
            int index = ModuleCompiler.functionOfMethod(e.getMethodName());
            CompiledFunction f = index < 0 ? null : functions.get(index);
            return f != null && f.className().equals(e.getClassName()) ? f : null;
        }
    }
}
