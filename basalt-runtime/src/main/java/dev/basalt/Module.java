package dev.basalt;

import dev.basalt.internal.interpreter.CompiledModule;
import dev.basalt.internal.runtime.DefinedType;
import dev.basalt.internal.runtime.FunctionInstance;
import dev.basalt.internal.runtime.ModuleInstance;
import dev.basalt.internal.runtime.SourceLines;
import dev.basalt.spi.ModuleCode;
import dev.basalt.wasm.Export;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.binary.BinaryReader;
import dev.basalt.wasm.text.WatParser;
import dev.basalt.wasm.types.TypeSpace;
import dev.basalt.wasm.validate.Validator;
import java.util.List;

/**
 * A compiled WebAssembly module: parsed, validated and translated once, immutable and thread-safe. Instantiate it
 * with a {@link Linker} in a {@link Store}, as often as needed.
 *
 * {@snippet :
 * Module module = Module.compile(engine, Files.readAllBytes(Path.of("app.wasm")));
 * }
 */
public final class Module {
    private final Engine engine;
    private final WasmModule wasm;
    /** The binary the module was compiled from (a private copy), or null when it came from text or a model. */
    private final byte[] source;
    final TypeSpace space;
    final DefinedType[] types;
    final CompiledModule compiled;
    /** The selected engine's code, or null when the interpreter runs the module. */
    final ModuleCode code;
    /**
     * Whether all code that runs this module marks the memory pages it writes, so that its pooled memories are
     * reset page by page ({@link Config#trackMemoryWrites()}).
     */
    final boolean tracksMemoryWrites;
    /** AUTO's background compilation, or null. */
    private final ModuleTiering tiering;
    /** Source positions for backtraces when the module carries DWARF and its binary is known, else null. */
    final SourceLines sourceLines;

    private Module(Engine engine, WasmModule wasm, byte[] source) {
        this(engine, wasm, source, null, false);
    }

    /**
     * {@code storedCode}: code an earlier run serialized, loaded instead of compiling (null: compile);
     * {@code validated}: the caller validated {@code wasm} under the engine's features (see {@link #fromValidatedModel}),
     * so only its type space is computed.
     */
    private Module(Engine engine, WasmModule wasm, byte[] source, byte[] storedCode, boolean validated) {
        this.engine = engine;
        this.wasm = wasm;
        this.source = source;
        this.sourceLines = SourceLines.register(wasm, source,
                wasm.names().flatMap(dev.basalt.wasm.NameSection::moduleName).orElse(null));
        this.space = validated ? dev.basalt.wasm.types.TypeSpace.of(wasm)
                : Validator.validateAndGetTypes(wasm, engine.config().features());
        this.types = engine.types().canonicalize(space);
        boolean track = engine.config().trackMemoryWrites();
        this.code = storedCode != null
                ? engine.codeEngine().orElseThrow().load(wasm, storedCode, track)
                : engine.executionEngine().map(e -> e.compile(wasm, track)).orElse(null);
        // The interpreter's translation is kept under every strategy: it evaluates constant expressions. Function
        // bodies only when the interpreter runs them (no code, or AUTO's start).
        this.compiled = code == null ? CompiledModule.translate(wasm) : CompiledModule.constantsOnly(wasm);
        dev.basalt.spi.FunctionTier tier = engine.tierEngine().map(e -> e.tier(wasm, track)).orElse(null);
        this.tiering = tier == null ? null : new ModuleTiering(engine, compiled, tier);
        // The interpreter marks every write (LinearMemory), so only other engines' code can leave writes untracked.
        this.tracksMemoryWrites = track && (code == null || code.tracksMemoryWrites())
                && (tier == null || tier.tracksMemoryWrites());
        if (tiering != null) {
            compiled.enableTiering(tiering, engine.config().tierUpThreshold());
        }
    }

    /**
     * Decodes, validates and translates a binary module.
     *
     * @throws dev.basalt.wasm.MalformedException if the bytes are not a well-formed module
     * @throws dev.basalt.wasm.InvalidException if the module does not validate
     * @throws dev.basalt.spi.UnsupportedCodeException if the configured engine cannot translate the module yet
     */
    public static Module compile(Engine engine, byte[] wasm) {
        byte[] copy = wasm.clone();
        return cached(engine, copy, null, false, () -> new Module(engine, BinaryReader.read(copy), copy));
    }

    /**
     * Parses, validates and translates a module in the text format ({@code (module ...)}).
     *
     * @throws dev.basalt.wasm.MalformedException if the text is not a well-formed module
     * @throws dev.basalt.wasm.InvalidException if the module does not validate
     */
    public static Module fromWat(Engine engine, String wat) {
        return cached(engine, wat.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, false,
                () -> new Module(engine, WatParser.parseModule(wat), null));
    }

    /**
     * Validates and translates an already parsed module (from the binary reader or the text parser). Not cached
     * (there are no bytes to key the cache by): see {@link #fromModel(Engine, WasmModule, byte[])}.
     */
    public static Module fromModel(Engine engine, WasmModule module) {
        return new Module(engine, module, null);
    }

    /**
     * Validates and translates a module already decoded from {@code binary} (a component's core module, say),
     * keeping the binary as {@link #compile} does: for {@link #serialize()} and for DWARF source lines in
     * backtraces, whose addresses are relative to the binary's code section. {@code binary} is not copied and must
     * not change.
     */
    public static Module fromModel(Engine engine, WasmModule module, byte[] binary) {
        java.util.Objects.requireNonNull(binary, "binary");
        return cached(engine, binary, module, false, () -> new Module(engine, module, binary));
    }

    /**
     * {@link #fromModel(Engine, WasmModule, byte[])} for a module the caller has just validated with
     * {@link Validator#validate(WasmModule, dev.basalt.wasm.Features)} under exactly this engine's
     * {@linkplain Config#features() features} (a component's core modules, which the component validator checks):
     * validating a large module again is a noticeable part of loading it (about a sixth of a cached 14 MB JS
     * component's load). Nothing checks the caller's claim: an invalid module can fail anywhere later, so anything
     * else uses {@link #fromModel}. {@code binary} may be null, as for {@link #fromModel(Engine, WasmModule)}: the
     * module then goes through no code cache.
     */
    public static Module fromValidatedModel(Engine engine, WasmModule module, byte[] binary) {
        if (binary == null) {
            return new Module(engine, module, null, null, true);
        }
        return cached(engine, binary, module, true, () -> new Module(engine, module, binary, null, true));
    }

    /**
     * {@code compile}'s module, through the engine's {@link Config#codeCache()} when it has one and generates code;
     * {@code source} determines the module ({@code parsed}, when known, is it decoded; {@code validated}: and the
     * caller validated it, see {@link #fromValidatedModel}).
     */
    private static Module cached(Engine engine, byte[] source, WasmModule parsed, boolean validated,
            java.util.function.Supplier<Module> compile) {
        CodeCache cache = engine.config().codeCache().orElse(null);
        if (cache == null || engine.codeEngine().isEmpty()) {
            return compile.get();
        }
        return cache.load(engine, source, parsed, validated, compile);
    }

    /**
     * Whether every write of this module's code to its memories is tracked page by page
     * ({@link Config#trackMemoryWrites()} on an engine whose code can), so that {@link Store#release()} resets only the
     * pages a store wrote.
     */
    public boolean tracksMemoryWrites() {
        return tracksMemoryWrites;
    }

    /**
     * The DWARF debug information of this module's binary (parsed on first use; the same that backtraces use), or
     * empty when the module has no {@code .debug_*} sections or was not compiled from a binary.
     */
    public java.util.Optional<dev.basalt.wasm.dwarf.DwarfDebugInfo> debugInfo() {
        return java.util.Optional.ofNullable(sourceLines).map(SourceLines::debug);
    }

    /**
     * What every instantiation needs about the defined functions, computed once: canonical types and names (the name
     * section is a map lookup per function otherwise).
     */
    record Defined(int importedFunctions, DefinedType[] types, String[] names, String moduleName,
            int[][] elementFunctions) {
    }

    /**
     * Per element segment, the function index of each item when every item is {@code ref.func} (the index) or
     * {@code ref.null} (-1), so instantiation need not look at the expressions; null for a segment with other items.
     */
    private static int[][] elementFunctions(WasmModule wasm) {
        List<dev.basalt.wasm.ElementSegment> elems = wasm.elements();
        int[][] out = new int[elems.size()][];
        for (int i = 0; i < out.length; i++) {
            List<dev.basalt.wasm.Expression> init = elems.get(i).init();
            int[] indices = new int[init.size()];
            for (int j = 0; indices != null && j < indices.length; j++) {
                List<dev.basalt.wasm.Instruction> ins = init.get(j).instructions();
                if (ins.size() == 1 && ins.get(0) instanceof dev.basalt.wasm.Instruction.Index ix
                        && ix.opcode() == dev.basalt.wasm.Opcode.REF_FUNC) {
                    indices[j] = ix.index();
                } else if (ins.size() == 1 && ins.get(0) instanceof dev.basalt.wasm.Instruction.HeapTypeInstr h
                        && h.opcode() == dev.basalt.wasm.Opcode.REF_NULL) {
                    indices[j] = -1;
                } else {
                    indices = null;
                }
            }
            out[i] = indices;
        }
        return out;
    }

    private volatile Defined defined;

    /** Makes a defined function's instance the first time an instance uses it (see {@code ModuleInstance.func}). */
    final ModuleInstance.FunctionMaker functionMaker = this::makeFunction;

    private FunctionInstance makeFunction(ModuleInstance inst, int index) {
        Defined d = defined();
        int k = index - d.importedFunctions();
        return code != null ? code.function(inst, index, d.types()[k], d.names()[k])
                : compiled.function(inst, index, d.types()[k], d.names()[k]);
    }

    Defined defined() {
        Defined d = defined;
        if (d == null) {
            int imported = wasm.importCount(dev.basalt.wasm.ExternKind.FUNC);
            List<dev.basalt.wasm.Function> functions = wasm.functions();
            DefinedType[] fTypes = new DefinedType[functions.size()];
            String[] names = new String[functions.size()];
            dev.basalt.wasm.NameSection ns = wasm.names().orElse(null);
            for (int i = 0; i < fTypes.length; i++) {
                fTypes[i] = types[functions.get(i).typeIndex()];
                names[i] = ns == null ? null : ns.functionName(imported + i).orElse(null);
            }
            d = new Defined(imported, fTypes, names, ns == null ? null : ns.moduleName().orElse(null), elementFunctions(wasm));
            defined = d;
        }
        return d;
    }

    /** {@link #memoryImage()} when the module has none (the field caches absence too). */
    private static final Object NO_MEMORY_IMAGE = new Object();
    private volatile Object memoryImage;

    /**
     * The initial contents of the defined memories, computed on first use, or null when instantiation must apply
     * the data segments one by one ({@link MemoryImage#of}).
     */
    MemoryImage memoryImage() {
        Object m = memoryImage;
        if (m == null) {
            MemoryImage image = MemoryImage.of(wasm);
            m = image == null ? NO_MEMORY_IMAGE : image;
            memoryImage = m;
        }
        return m == NO_MEMORY_IMAGE ? null : (MemoryImage) m;
    }

    static Module fromStored(Engine engine, WasmModule wasm, byte[] source, byte[] storedCode, boolean validated) {
        return new Module(engine, wasm, source, storedCode, validated);
    }

    /**
     * This module in Basalt's serialized form ({@code .bwasm}): the binary module plus, under
     * {@link Config.Strategy#COMPILER}, the generated code, so that {@link #deserialize} skips code generation. The
     * bytes are tied to this Basalt build and to the engine's strategy and features.
     */
    public byte[] serialize() {
        byte[] bytes = source != null ? source : dev.basalt.wasm.binary.BinaryWriter.write(wasm);
        return ModuleSerializer.serialize(this, bytes);
    }

    /**
     * Loads a module that {@link #serialize()} stored. Only load bytes from a trusted source: stored code is JVM
     * bytecode (a checksum detects damage, not malice).
     *
     * @throws SerializedModuleException if the bytes are not a serialized module, are truncated or altered, or were
     *     made by another Basalt build or for another strategy or feature set
     */
    public static Module deserialize(Engine engine, byte[] serialized) {
        return ModuleSerializer.deserialize(engine, serialized);
    }

    /** Whether {@code bytes} look like {@link #serialize()}'s output rather than a binary module. */
    public static boolean isSerialized(byte[] bytes) {
        return ModuleSerializer.looksSerialized(bytes);
    }

    /**
     * The strategy {@code serialized} (output of {@link #serialize()}) was made for, read from its header without
     * checking the rest; empty if the bytes do not start like a serialized module. Lets tools pick a matching
     * {@link Config} before calling {@link #deserialize}.
     */
    public static java.util.Optional<Config.Strategy> serializedStrategy(byte[] serialized) {
        return ModuleSerializer.strategy(serialized);
    }

    /**
     * The key under which a code cache may store {@code wasm} compiled by {@code engine}: SHA-256 of the module
     * bytes, the Basalt version and the engine's configuration and code-generator fingerprint. Equal keys mean
     * {@link #serialize()} output for one is valid for the other.
     */
    public static String cacheKey(Engine engine, byte[] wasm) {
        String k = ModuleSerializer.moduleHash(wasm) + "|" + ModuleSerializer.basaltVersion() + "|"
                + ModuleSerializer.fingerprint(engine);
        byte[] key = k.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.util.HexFormat.of().formatHex(ModuleSerializer.sha256(key, key.length));
    }

    public Engine engine() {
        return engine;
    }

    /** The module as parsed. */
    public WasmModule wasm() {
        return wasm;
    }

    /**
     * How many of the module's defined functions run as JVM bytecode right now: all of them under
     * {@link Config.Strategy#COMPILER}, none under {@code INTERPRETER}, and under {@code AUTO} those compiled in the
     * background so far (see {@link Engine#awaitBackgroundCompilation}).
     */
    public int compiledFunctionCount() {
        if (code != null) {
            return wasm.functions().size();
        }
        return tiering == null ? 0 : compiled.tieredCount();
    }

    public List<Import> imports() {
        return wasm.imports();
    }

    public List<Export> exports() {
        return wasm.exports();
    }
}
