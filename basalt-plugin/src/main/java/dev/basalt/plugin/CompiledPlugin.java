package dev.basalt.plugin;

import dev.basalt.wasm.BasaltException;
import dev.basalt.Engine;
import dev.basalt.InstancePre;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.WasiPreview1;
import dev.basalt.wasm.CompositeType;
import dev.basalt.wasm.ExternKind;
import dev.basalt.wasm.ImportDesc;
import dev.basalt.wasm.Import;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.WasmModule;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A plug-in's modules, fetched, checked against their hashes, compiled and linked once: immutable and shareable
 * across threads. {@link #instantiate()} makes a {@link Plugin} (one guest instance, for one thread at a time);
 * make as many as you need, e.g. one per worker thread.
 *
 * {@snippet :
 * CompiledPlugin compiled = CompiledPlugin.builder(Engine.create(), PluginManifest.load(Path.of("manifest.json")))
 *         .hostFunction(PluginFunction.of("reverse", List.of(NumType.I64), List.of(NumType.I64), (p, args) ->
 *                 new long[] {p.writeString(new StringBuilder(p.readString(args[0])).reverse().toString())}))
 *         .build();
 * try (Plugin plugin = compiled.instantiate()) {
 *     String json = plugin.call("count_vowels", "Hello, World!");
 * }
 * }
 */
public final class CompiledPlugin {
    /** Kernel memory cap when the manifest sets no {@code max_pages}. */
    public static final long DEFAULT_KERNEL_MEMORY = 1L << 30;
    /** Extism's defaults. */
    public static final long DEFAULT_MAX_VAR_BYTES = 1L << 20;
    public static final long DEFAULT_MAX_HTTP_RESPONSE_BYTES = 50L << 20;
    private static final String WASI_MODULE = "wasi_snapshot_preview1";

    private final Engine engine;
    private final PluginManifest manifest;
    private final List<NamedModule> dependencies;
    private final Module main;
    private final List<PluginFunction> hostFunctions;
    private final boolean wasi;
    private final Consumer<WasiConfig.Builder> wasiSetup;
    private final LogLevel logLevel;
    private final LogSink logSink;
    private final long fuelPerCall;
    private final HttpBridge http;
    /** Set when the plug-in is one module: all linking done once. */
    private final InstancePre<PluginState> pre;
    private final List<String> functions;
    private final java.util.Set<String> functionSet;

    record NamedModule(String name, Module module) {
    }

    private CompiledPlugin(Builder b, List<NamedModule> dependencies, Module main) {
        this.engine = b.engine;
        this.manifest = b.manifest;
        this.dependencies = List.copyOf(dependencies);
        this.main = main;
        this.hostFunctions = List.copyOf(b.hostFunctions);
        this.wasi = b.wasi;
        this.wasiSetup = b.wasiSetup;
        this.logLevel = b.logLevel;
        this.logSink = b.logSink;
        this.fuelPerCall = b.fuelPerCall;
        this.http = new HttpBridge(manifest.allowedHosts(),
                manifest.maxHttpResponseBytes().orElse(DEFAULT_MAX_HTTP_RESPONSE_BYTES));
        this.pre = dependencies.isEmpty() ? newLinker().instantiatePre(main) : null;
        List<String> names = new ArrayList<>();
        for (var e : main.exports()) {
            if (e.kind() == ExternKind.FUNC && isPluginFunction(e.name())) {
                names.add(e.name());
            }
        }
        this.functions = List.copyOf(names);
        this.functionSet = java.util.Set.copyOf(names);
    }

    public static Builder builder(Engine engine, PluginManifest manifest) {
        return new Builder(engine, manifest);
    }

    /** Compiles a plug-in of one module with nothing granted and no host functions. */
    public static CompiledPlugin compile(Engine engine, byte[] wasm) {
        return builder(engine, PluginManifest.ofWasm(wasm)).build();
    }

    /** A new plug-in instance. Cheap: the modules are compiled and (for one module) linked already. */
    public Plugin instantiate() {
        return new Plugin(this);
    }

    public PluginManifest manifest() {
        return manifest;
    }

    /** The functions a caller may {@link Plugin#call}: exports of the main module taking nothing, returning i32 or nothing. */
    public List<String> functions() {
        return functions;
    }

    public boolean functionExists(String name) {
        return functionSet.contains(name);
    }

    private boolean isPluginFunction(String name) {
        return exportedFunctionType(name)
                .filter(t -> t.params().isEmpty() && (t.results().isEmpty() || t.results().equals(List.of(NumType.I32))))
                .isPresent();
    }

    /** The type of the main module's function export {@code name}. */
    Optional<CompositeType.Func> exportedFunctionType(String name) {
        WasmModule wasm = main.wasm();
        for (var e : wasm.exports()) {
            if (e.kind() == ExternKind.FUNC && e.name().equals(name)) {
                List<Import> imported = wasm.imports(ExternKind.FUNC);
                int typeIndex = e.index() < imported.size()
                        ? ((ImportDesc.Func) imported.get(e.index()).desc()).typeIndex()
                        : wasm.functions().get(e.index() - imported.size()).typeIndex();
                return wasm.types().get(typeIndex).composite() instanceof CompositeType.Func f
                        ? Optional.of(f) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    Engine engine() {
        return engine;
    }

    long kernelMemoryLimit() {
        return manifest.maxPages().isPresent() ? manifest.maxPages().getAsInt() * 65536L : DEFAULT_KERNEL_MEMORY;
    }

    long maxVarBytes() {
        return manifest.maxVarBytes().orElse(DEFAULT_MAX_VAR_BYTES);
    }

    LogLevel logLevel() {
        return logLevel;
    }

    LogSink logSink() {
        return logSink;
    }

    long fuelPerCall() {
        return fuelPerCall;
    }

    boolean wasi() {
        return wasi;
    }

    Store.Limits limits() {
        Store.Limits defaults = Store.Limits.of(engine.config());
        if (manifest.maxPages().isEmpty()) {
            return defaults;
        }
        long bytes = Math.min(defaults.maxMemoryBytes(), manifest.maxPages().getAsInt() * 65536L);
        return new Store.Limits(bytes, defaults.maxTableElements(), defaults.maxInstances());
    }

    /** The WASI grants of one instance: the manifest's allowed paths, then the embedder's setup (stdio, env...). */
    WasiConfig wasiConfig() {
        WasiConfig.Builder b = WasiConfig.builder();
        manifest.allowedPaths().forEach((host, guest) ->
                b.preopenDir(Path.of(host), guest, manifest.readOnlyPaths().contains(host)));
        wasiSetup.accept(b);
        return b.build();
    }

    /** Instantiates the modules into {@code store}: dependencies in order, each linked under its name, then main. */
    dev.basalt.Instance instantiateInto(Store<PluginState> store) {
        if (pre != null) {
            return pre.instantiate(store);
        }
        Linker<PluginState> linker = newLinker();
        for (NamedModule d : dependencies) {
            linker.defineInstance(d.name(), linker.instantiate(store, d.module()));
        }
        return linker.instantiate(store, main);
    }

    private Linker<PluginState> newLinker() {
        Linker<PluginState> linker = Linker.create(engine);
        ExtismEnv.define(linker, http);
        for (PluginFunction f : hostFunctions) {
            ExtismEnv.define(linker, f);
        }
        if (wasi) {
            WasiPreview1.addToLinker(linker, PluginState::wasi);
        }
        return linker;
    }

    /** Configures and compiles a plug-in. */
    public static final class Builder {
        private final Engine engine;
        private final PluginManifest manifest;
        private final List<PluginFunction> hostFunctions = new ArrayList<>();
        private boolean wasi;
        private Consumer<WasiConfig.Builder> wasiSetup = b -> { };
        private LogLevel logLevel = LogLevel.INFO;
        private LogSink logSink = LogSink.systemLogger();
        private long fuelPerCall = -1;

        private Builder(Engine engine, PluginManifest manifest) {
            this.engine = engine;
            this.manifest = manifest;
        }

        /** A host function the plug-in imports (by default from {@code extism:host/user}). */
        public Builder hostFunction(PluginFunction f) {
            hostFunctions.add(f);
            return this;
        }

        /**
         * Links WASI preview1 for plug-ins built with it. The guest sees the manifest's {@code allowed_paths} and
         * nothing else: no environment, arguments or stdio unless {@link #wasi(Consumer)} grants them.
         */
        public Builder withWasi(boolean enabled) {
            this.wasi = enabled;
            return this;
        }

        /** Links WASI and adds grants to each instance's WASI configuration (stdio, environment, ...). */
        public Builder wasi(Consumer<WasiConfig.Builder> setup) {
            this.wasi = true;
            this.wasiSetup = setup;
            return this;
        }

        /** The least level of guest log messages passed on (and what {@code get_log_level} tells the guest). */
        public Builder logLevel(LogLevel level) {
            this.logLevel = level;
            return this;
        }

        public Builder logSink(LogSink sink) {
            this.logSink = sink;
            return this;
        }

        /** Fuel for each call (one unit per instruction, roughly); a call that runs out fails. */
        public Builder fuelPerCall(long fuel) {
            if (fuel < 0) {
                throw new IllegalArgumentException("fuel must not be negative");
            }
            this.fuelPerCall = fuel;
            return this;
        }

        /**
         * Fetches (for URL sources), checks hashes, compiles and links.
         *
         * @throws PluginException if a module cannot be read or fetched, has the wrong hash, is not valid Wasm,
         *         or imports something this host does not provide
         */
        public CompiledPlugin build() {
            List<PluginManifest.WasmSource> sources = manifest.wasm();
            int mainIndex = sources.size() - 1;
            for (int i = 0; i < sources.size(); i++) {
                if (sources.get(i).name().filter(PluginManifest.MAIN::equals).isPresent()) {
                    mainIndex = i;
                }
            }
            List<NamedModule> dependencies = new ArrayList<>();
            Module main = null;
            for (int i = 0; i < sources.size(); i++) {
                PluginManifest.WasmSource s = sources.get(i);
                String name = s.name().orElse(i == mainIndex ? PluginManifest.MAIN : "module" + i);
                Module m = compile(name, s);
                if (!wasi) {
                    Optional<String> wasiImport = m.imports().stream()
                            .filter(im -> im.module().equals(WASI_MODULE)).map(im -> im.name()).findFirst();
                    if (wasiImport.isPresent()) {
                        throw new PluginException("wasm '" + name + "' imports WASI (" + WASI_MODULE + "::"
                                + wasiImport.get() + "): enable WASI for this plug-in (withWasi(true), --wasi)");
                    }
                }
                if (i == mainIndex) {
                    main = m;
                } else {
                    dependencies.add(new NamedModule(name, m));
                }
            }
            try {
                return new CompiledPlugin(this, dependencies, main);
            } catch (BasaltException e) {
                throw new PluginException("plug-in cannot be linked: " + e.getMessage(), e);
            }
        }

        private Module compile(String name, PluginManifest.WasmSource source) {
            byte[] bytes = read(name, source);
            if (source.hash().isPresent()) {
                String actual = sha256(bytes);
                if (!actual.equals(source.hash().get())) {
                    throw new PluginException("wasm '" + name + "': hash mismatch: the manifest expects "
                            + source.hash().get() + ", the module's SHA-256 is " + actual);
                }
            }
            try {
                return Module.compile(engine, bytes);
            } catch (BasaltException e) {
                throw new PluginException("wasm '" + name + "': " + e.getMessage(), e);
            }
        }

        private static byte[] read(String name, PluginManifest.WasmSource source) {
            return switch (source) {
                case PluginManifest.BytesSource b -> b.data().clone();
                case PluginManifest.FileSource f -> {
                    try {
                        yield Files.readAllBytes(f.path());
                    } catch (IOException e) {
                        throw new PluginException("wasm '" + name + "': cannot read " + f.path() + ": " + e, e);
                    }
                }
                case PluginManifest.UrlSource u -> fetch(name, u);
            };
        }

        private static byte[] fetch(String name, PluginManifest.UrlSource u) {
            HttpRequest.Builder req = HttpRequest.newBuilder(u.url()).method(u.method(),
                    HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(2));
            u.headers().forEach(req::header);
            try {
                HttpResponse<byte[]> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                        .send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new PluginException("wasm '" + name + "': " + u.url() + " answered " + r.statusCode());
                }
                return r.body();
            } catch (IOException e) {
                throw new PluginException("wasm '" + name + "': cannot fetch " + u.url() + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PluginException("wasm '" + name + "': interrupted while fetching " + u.url(), e);
            } catch (IllegalArgumentException e) {
                throw new PluginException("wasm '" + name + "': bad request for " + u.url() + ": " + e.getMessage(), e);
            }
        }

        static String sha256(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
        }
    }
}
