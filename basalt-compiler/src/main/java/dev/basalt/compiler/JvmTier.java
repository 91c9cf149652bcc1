package dev.basalt.compiler;

import dev.basalt.internal.runtime.TieredCode;
import dev.basalt.spi.FunctionTier;
import dev.basalt.spi.UnsupportedCodeException;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.WasmModule;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link dev.basalt.Config.Strategy#AUTO}'s background compiler for one module: each {@link #compile} call (a batch
 * of hot functions) becomes one generated class. Calls between functions of the batch and to functions of earlier
 * batches are direct {@code invokestatic}s (each batch's class loader has the previous one as parent, so the names
 * resolve); calls to functions not compiled yet go through the runtime, which runs them interpreted or, once
 * compiled, compiled. A function the compiler cannot translate is left out of the batch and stays interpreted.
 * Compile cost is that of the functions compiled: linear in their size. The module's copies of the runtime
 * helpers ({@link HelperCopies}) are defined with the first batch that calls them and shared by later ones.
 */
final class JvmTier implements FunctionTier {
    private final WasmModule module;
    private final String classPrefix;
    private final int imported;
    /** Per function (index space): the class that defines it, or null. Only the compile thread touches it. */
    private final String[] owners;
    private final boolean[] unsupported;
    /** Compiled functions by index. */
    private final java.util.Map<Integer, TieredCode> installed = new java.util.HashMap<>();
    private ClassLoader lastLoader = JvmCompiler.class.getClassLoader();
    private int batches;
    /** The module-wide tables every batch shares (computed once: a batch costs the size of its functions). */
    private ModuleCompiler shape;
    /** The module's copies of the runtime helpers: each defined with the first batch that calls it. */
    private final HelperCopies helpers;

    /** Whether the compiled functions mark the memory pages they write ({@link ModuleCompiler#trackWrites}). */
    private final boolean trackWrites;

    JvmTier(WasmModule module, String classPrefix, boolean trackWrites) {
        this.trackWrites = trackWrites;
        this.module = module;
        this.classPrefix = classPrefix;
        this.imported = module.importCount(ExternKind.FUNC);
        int total = imported + module.functions().size();
        this.owners = new String[total];
        this.unsupported = new boolean[total];
        this.helpers = new HelperCopies(classPrefix);
    }

    @Override
    public boolean tracksMemoryWrites() {
        return trackWrites;
    }

    @Override
    public TieredCode[] compile(int[] functions) {
        TieredCode[] out = new TieredCode[functions.length];
        List<Integer> todo = new ArrayList<>();
        for (int f : functions) {
            if (f >= imported && f < owners.length && owners[f] == null && !unsupported[f] && !todo.contains(f)) {
                todo.add(f);
            }
        }
        compileBatch(todo);
        for (int i = 0; i < functions.length; i++) {
            out[i] = installed.get(functions[i]);
        }
        return out;
    }

    /** Compiles {@code todo} into one class; drops what cannot be translated; on an unexpected failure, one by one. */
    private void compileBatch(List<Integer> todo) {
        while (!todo.isEmpty()) {
            int[] members = todo.stream().mapToInt(Integer::intValue).toArray();
            String className = classPrefix + "T" + (++batches);
            if (shape == null) {
                shape = new ModuleCompiler(module, classPrefix + "Shape", new int[0], null);
                shape.copyHelpers(helpers);
                shape.trackWrites(trackWrites);
            }
            ModuleCompiler mc = new ModuleCompiler(shape, className, members, owners);
            try {
                byte[] bytes = mc.compile();
                var loader = new JvmCompiler.GeneratedLoader(lastLoader);
                List<HelperCopies.Copy> copies = helpers.classes();
                for (HelperCopies.Copy copy : copies) {
                    loader.define(copy.className().replace('/', '.'), copy.bytes());
                }
                if (!copies.isEmpty()) {
                    lastLoader = loader; // later batches find the copies through it, even if this batch fails
                }
                Invoker invoker = JvmCompiler.instantiate(loader, className, bytes);
                lastLoader = loader;
                for (int k = 0; k < members.length; k++) {
                    owners[members[k]] = className;
                    installed.put(members[k], loader.add(new CompiledFunction(invoker, k, className, members[k],
                            mc.lineOffsets[k], mc.tailBodies[members[k] - imported], module)));
                }
                return;
            } catch (UnsupportedCodeException e) {
                int index = todo.indexOf(e.functionIndex());
                if (index < 0) {
                    giveUpOrSplit(todo);
                    return;
                }
                unsupported[todo.remove(index)] = true;
            } catch (RuntimeException | LinkageError e) {
                // A compiler bug must not stop the program: isolate the function that causes it, keep it interpreted.
                giveUpOrSplit(todo);
                return;
            }
        }
    }

    private void giveUpOrSplit(List<Integer> todo) {
        if (todo.size() == 1) {
            unsupported[todo.get(0)] = true;
            return;
        }
        for (int f : todo) {
            compileBatch(new ArrayList<>(List.of(f)));
        }
    }
}
