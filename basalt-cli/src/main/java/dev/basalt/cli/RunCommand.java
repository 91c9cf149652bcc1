package dev.basalt.cli;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Func;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.Val;
import dev.basalt.WasmException;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.WasiContext;
import dev.basalt.wasi.WasiExitException;
import dev.basalt.wasi.WasiPreview1;
import dev.basalt.wasi.WasiThreads;
import dev.basalt.wasm.NumType;
import dev.basalt.wasm.ValType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code basalt run [OPTIONS] FILE [ARGS...]}: runs a module (binary or text). Without {@code --invoke} the module is
 * a WASI command: {@code _start} runs with ARGS as its command-line arguments (argv[0] is FILE's name), and the
 * process exit code is the guest's {@code proc_exit} code. With {@code --invoke NAME} the export NAME is called with
 * ARGS as its Wasm arguments and each result is printed on its own line. WASI imports are always available, with
 * only the capabilities granted by the options ({@code --dir}, {@code --env}, {@code --inherit-env},
 * {@code --listen}; for components the wasi:sockets grants {@code --tcp-connect}, {@code --tcp-listen},
 * {@code --udp-bind}, {@code --udp-send}, {@code --allow-ip-name-lookup}, {@code --ip-name-lookup},
 * {@code --inherit-network}). A trap prints the trap and its Wasm backtrace to stderr; the exit code is then
 * {@value #TRAP_EXIT} for a command (as wasmtime: 128 + SIGABRT) and 1 with {@code --invoke}. A component runs the
 * same way with WASI 0.2 ({@link ComponentRun}): a command component's {@code wasi:cli/run}, or {@code --invoke}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a WASI command (a module's _start or a component's wasi:cli/run; ARGS become its "
                + "arguments) or, with --invoke, call an export (ARGS become its Wasm arguments) and print its results.",
                "Exit code: the guest's proc_exit code; " + RunCommand.TRAP_EXIT + " after a trap of a command, 1 after a "
                        + "trap with --invoke, 2 for usage errors."})
final class RunCommand implements Callable<Integer> {
    /** The exit code after a trap of a WASI command: 128 + SIGABRT, what wasmtime reports. */
    static final int TRAP_EXIT = 134;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE",
            description = "A .wasm, .wat or .bwasm (basalt compile) module, or a component (binary or text), or "
                    + "oci://REF: a component or module in an OCI registry (basalt registry push).")
    String source;

    /** The local file {@link #source} names (after pulling an {@code oci://} reference). */
    private Path file;

    @Option(names = {"-k", "--insecure"}, description = "With oci://REF: talk plain HTTP to the registry.")
    boolean insecure;

    @Parameters(index = "1..*", paramLabel = "ARGS",
            description = "Arguments of the WASI command, or of the function given by --invoke.")
    List<String> args = new ArrayList<>();

    @Option(names = "--invoke", paramLabel = "NAME", description = "The exported function to call.")
    String invoke;

    @Option(names = "--fuel", paramLabel = "N", description = "Stop with a trap after about N units of fuel.")
    Long fuel;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop with a trap after this long, e.g. 500ms, 2s, 1m.")
    String timeout;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Cap each linear memory, e.g. 64MiB, 1GiB, 65536.")
    String maxMemory;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = {"Execution engine: compiler (the default: JVM bytecode, compiled before the program",
                    "starts and kept in the code cache, a component's per core module), auto (interpreted first, hot",
                    "functions compiled in the background) or interpreter. A .bwasm file defaults to its own engine."})
    String engineName;

    @picocli.CommandLine.Mixin
    CacheOptions cacheOptions = new CacheOptions();

    @Option(names = "--dir", paramLabel = "HOST[::GUEST][:ro]",
            description = {"Grant the host directory HOST to the guest as GUEST (default: the same path as given).",
                    "A trailing :ro makes it read-only, e.g. --dir out::/out --dir data::/data:ro."})
    List<String> dirs = new ArrayList<>();

    @Option(names = "--env", paramLabel = "NAME[=VALUE]",
            description = "Set an environment variable of the guest; a NAME alone passes the host's value (if set).")
    List<String> env = new ArrayList<>();

    @Option(names = "--inherit-env", description = "Give the guest the whole host environment (--env takes precedence).")
    boolean inheritEnv;

    @Option(names = "--listen", paramLabel = "ADDR",
            description = "Pre-open a TCP socket listening on HOST:PORT (after the directories), for sock_accept.")
    List<String> listen = new ArrayList<>();

    @Option(names = "--tcp-connect", paramLabel = "HOST:PORT",
            description = {"Components: allow wasi:sockets TCP connections to HOST:PORT. HOST is an IP address,",
                    "[IPv6], a network (10.0.0.0/8), * (any) or a name resolved now; PORT * or 0 is any port."})
    List<String> tcpConnect = new ArrayList<>();

    @Option(names = "--tcp-listen", paramLabel = "ADDR:PORT",
            description = "Components: allow binding TCP sockets to ADDR:PORT and listening there (PORT * or 0: any).")
    List<String> tcpListen = new ArrayList<>();

    @Option(names = "--udp-bind", paramLabel = "ADDR:PORT",
            description = "Components: allow binding UDP sockets to ADDR:PORT and receiving there.")
    List<String> udpBind = new ArrayList<>();

    @Option(names = "--udp-send", paramLabel = "HOST:PORT",
            description = "Components: allow sending UDP datagrams to HOST:PORT.")
    List<String> udpSend = new ArrayList<>();

    @Option(names = "--allow-ip-name-lookup", description = "Components: allow resolving any host name (wasi:sockets).")
    boolean allowIpNameLookup;

    @Option(names = "--ip-name-lookup", paramLabel = "NAME",
            description = "Components: allow resolving this host name (repeatable).")
    List<String> ipNameLookup = new ArrayList<>();

    @Option(names = "--max-sockets", paramLabel = "N",
            description = "Components: at most N wasi:sockets sockets at once (default 256).")
    Integer maxSockets;

    @Option(names = "--inherit-network",
            description = "Components: the host's whole network (TCP, UDP, any address; name lookup), as wasmtime -S inherit-network.")
    boolean inheritNetwork;

    @Option(names = "--max-threads", paramLabel = "N", defaultValue = "128",
            description = "wasi-threads programs: at most N threads at once (a further thread-spawn fails; default ${DEFAULT-VALUE}).")
    int maxThreads;

    @Option(names = "--trap-unknown-imports",
            description = {"Define the function imports no host or --preload provides as functions that trap when",
                    "called (wasmtime's -W unknown-imports-trap): the module runs as long as it does not call them."})
    boolean trapUnknownImports;

    @Option(names = "--argv0", paramLabel = "NAME",
            description = "The guest's argv[0] (default: FILE's name), as wasmtime run --argv0.")
    String argv0;

    @Option(names = "-W", paramLabel = "KEY=VALUE",
            description = {"wasmtime's Wasm options, as aliases: fuel=N (--fuel), timeout=DURATION (--timeout),",
                    "max-memory-size=BYTES (--max-memory); comma-separated or repeated."})
    List<String> wasmOptions = new ArrayList<>();

    @Option(names = "-S", paramLabel = "KEY[=VALUE]",
            description = {"wasmtime's WASI options, as aliases: inherit-env (--inherit-env), inherit-network",
                    "(--inherit-network), allow-ip-name-lookup (--allow-ip-name-lookup), tcplisten=HOST:PORT",
                    "(--listen), max-threads=N; cli,",
                    "preview2, threads, http (always on here); comma-separated or repeated."})
    List<String> wasiOptions = new ArrayList<>();

    @Option(names = "--preload", paramLabel = "NAME=FILE",
            description = "Instantiate FILE first and link its exports as imports under the module name NAME.")
    List<String> preload = new ArrayList<>();

    @Override
    public Integer call() {
        applyWasmtimeAliases();
        file = OciSources.resolve(source, insecure);
        if (file.getFileName().toString().equals("spin.toml") && dev.basalt.serve.oci.OciReference.isOciSource(source)) {
            throw new Main.CliException(source + " is a Spin application: run it with `basalt serve " + source + "`",
                    Main.USAGE);
        }
        byte[] bytes = ModuleFiles.read(file);
        Config.Strategy strategy = engineName != null ? strategy(engineName) : defaultStrategy(bytes);
        Config.Builder config = Config.builder().strategy(strategy)
                .codeCache(cacheOptions.cache(strategy));
        if (maxMemory != null) {
            config.maxMemoryBytes(parseSize(maxMemory));
        }
        Engine engine = Engine.create(config.build());
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        if (ComponentRun.isComponent(bytes) || ComponentRun.isComponentText(bytes)) {
            if (trapUnknownImports) {
                throw new Main.CliException("--trap-unknown-imports is for core modules (a component names its "
                        + "imports by interface; the missing one is reported)", Main.USAGE);
            }
            if (!listen.isEmpty() || !preload.isEmpty()) {
                throw new Main.CliException((listen.isEmpty() ? "--preload is for core modules"
                        : "--listen is for core modules (a pre-opened preview1 socket): a component gets "
                                + "wasi:sockets, granted by --tcp-listen ADDR:PORT"), Main.USAGE);
            }
            WasiConfig components = wasiConfig(out, err);
            return ComponentRun.run(engine, bytes, invoke, args, components, fuel,
                    timeout == null ? null : parseDuration(timeout), out, err);
        }
        if (grantsNetwork()) {
            throw new Main.CliException("--tcp-connect, --tcp-listen, --udp-bind, --udp-send, --allow-ip-name-lookup, "
                    + "--ip-name-lookup, --inherit-network and --max-sockets are for wasi:sockets in components; "
                    + "a core module gets "
                    + "pre-opened sockets with --listen", Main.USAGE);
        }
        Module module = loadModule(engine, bytes);
        WasiContext wasi;
        try {
            wasi = WasiContext.create(wasiConfig(out, err));
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new Main.CliException(e.getMessage(), Main.USAGE);
        }
        Store<WasiContext> store = Store.create(engine, wasi);
        if (fuel != null) {
            store.setFuel(fuel);
        }
        if (timeout != null) {
            store.setDeadline(parseDuration(timeout));
        }
        Linker<WasiContext> linker = Linker.create(engine);
        WasiPreview1.addToLinker(linker, ctx -> ctx);
        WasiThreads<WasiContext> threads = null;
        try {
            if (WasiThreads.uses(module)) {
                WasiThreads.Options<WasiContext> options = WasiThreads.Options.<WasiContext>defaults()
                        .withMaxThreads(maxThreads);
                if (fuel != null) {
                    options = options.withFuelPerThread(fuel);
                }
                if (timeout != null) {
                    options = options.withDeadline(parseDuration(timeout));
                }
                try {
                    threads = WasiThreads.addToLinker(linker, store, module, options);
                } catch (IllegalArgumentException e) {
                    throw new Main.CliException(file + " imports wasi.thread-spawn but is not a wasi-threads program: "
                            + e.getMessage(), Main.PROBLEM);
                }
            }
            for (String p : preload) {
                java.util.Map.Entry<String, String> named = Main.nameValue(p, "--preload wants NAME=FILE, got ");
                Path preloadFile = Path.of(named.getValue());
                Module m = loadModule(engine, ModuleFiles.read(preloadFile));
                Instance preloaded = linker.instantiate(store, m);
                linker.defineInstance(named.getKey(), preloaded);
            }
            if (trapUnknownImports) {
                linker.defineUnknownImportsAsTraps(module);
            }
            Instance instance = linker.instantiate(store, module);
            if (invoke == null) {
                if (instance.getFunc("_start").isEmpty() && instance.getFunc("_initialize").isEmpty()) {
                    return Main.OK;
                }
                return threads != null ? threads.run(instance) : WasiPreview1.runCommand(instance);
            }
            return invoke(instance, out);
        } catch (WasiExitException e) {
            return e.exitCode();
        } catch (Trap t) {
            wasi.flush();
            err.println(t.describe());
            return invoke == null ? TRAP_EXIT : Main.PROBLEM;
        } catch (WasmException e) {
            err.println("wasm exception: uncaught exception with payload " + e.payload());
            return invoke == null ? TRAP_EXIT : Main.PROBLEM;
        } finally {
            if (threads != null) {
                threads.stop();
            }
            store.cancelDeadline();
            wasi.close();
        }
    }

    /**
     * Turns wasmtime's {@code -W KEY=VALUE} and {@code -S KEY[=VALUE]} options into ours, so command lines written
     * for {@code wasmtime run} work where Basalt has the same feature. A key Basalt does not have is a usage error
     * naming it (silently ignoring e.g. a memory limit would run the guest without one).
     */
    private void applyWasmtimeAliases() {
        for (String option : splitOptions(wasmOptions)) {
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            String value = eq < 0 ? null : option.substring(eq + 1);
            switch (key) {
                case "fuel" -> fuel = parseCount("-W fuel", requireValue("-W", key, value));
                case "timeout" -> timeout = requireValue("-W", key, value);
                case "max-memory-size" -> maxMemory = requireValue("-W", key, value);
                case "unknown-imports-trap" -> trapUnknownImports = isYes(value);
                default -> throw new Main.CliException("-W " + key + " is not supported (Basalt knows -W fuel=N, "
                        + "timeout=DURATION, max-memory-size=BYTES, unknown-imports-trap)", Main.USAGE);
            }
        }
        for (String option : splitOptions(wasiOptions)) {
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            String value = eq < 0 ? null : option.substring(eq + 1);
            switch (key) {
                case "inherit-env" -> inheritEnv = isYes(value);
                case "inherit-network" -> inheritNetwork = isYes(value);
                case "allow-ip-name-lookup" -> allowIpNameLookup = isYes(value);
                case "tcplisten" -> listen.add(requireValue("-S", key, value));
                case "max-threads" -> maxThreads = (int) Math.min(Integer.MAX_VALUE,
                        parseCount("-S max-threads", requireValue("-S", key, value)));
                // what wasmtime turns on with these Basalt always offers: preview1 and 0.2 (cli), wasi-threads
                // for modules importing wasi.thread-spawn, wasi:http for components importing it
                case "cli", "preview2", "threads", "http" -> {
                    if (!isYes(value)) {
                        throw new Main.CliException("-S " + key + "=" + value + ": Basalt cannot turn " + key
                                + " off", Main.USAGE);
                    }
                }
                default -> throw new Main.CliException("-S " + key + " is not supported (Basalt knows -S inherit-env, "
                        + "inherit-network, allow-ip-name-lookup, tcplisten=HOST:PORT, max-threads=N, cli, preview2, "
                        + "threads, http)",
                        Main.USAGE);
            }
        }
    }

    /** A wasmtime boolean option's value: absent (the key alone), y, yes or true; n, no or false. */
    static boolean isYes(String value) {
        return switch (value == null ? "y" : value) {
            case "y", "yes", "true" -> true;
            case "n", "no", "false" -> false;
            default -> throw new Main.CliException("not a yes/no value: " + value + " (use y or n)", Main.USAGE);
        };
    }

    static List<String> splitOptions(List<String> options) {
        List<String> out = new ArrayList<>();
        for (String o : options) {
            for (String part : o.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    static String requireValue(String flag, String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new Main.CliException(flag + " " + key + " wants a value: " + flag + " " + key + "=...", Main.USAGE);
        }
        return value;
    }

    static long parseCount(String what, String text) {
        try {
            long n = Long.parseLong(text.replace("_", ""));
            if (n < 0) {
                throw new NumberFormatException(text);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Main.CliException(what + " wants a count, got " + text, Main.USAGE);
        }
    }

    /**
     * The module in a file's bytes. Binary modules the engine compiles to bytecode go through the engine's code cache
     * ({@link #codeCache}); text is cached here by its bytes (the testkit front end parses it); a serialized .bwasm
     * is already compiled.
     */
    private static Module loadModule(Engine engine, byte[] bytes) {
        java.util.Optional<dev.basalt.CodeCache> cache = engine.config().codeCache();
        if (cache.isEmpty() || Module.isSerialized(bytes) || ModuleFiles.isBinary(bytes)
                || engine.config().strategy() != Config.Strategy.COMPILER) {
            return ModuleFiles.module(engine, bytes);
        }
        return cache.get().load(engine, bytes, () -> ModuleFiles.module(engine, bytes));
    }

    /**
     * The engine without {@code --engine}: a .bwasm file's own; the compiler for modules and components, as
     * wasmtime always compiles (their compiled code is kept in the code cache, a component's per core module, so
     * only the first run of a program pays for compiling it).
     *
     * <p>Measured (2026-11-27, CPU seconds of a whole `basalt run` with a fresh JVM, alternated, a loaded machine):
     * examples/hello.wasm 1.5-1.8 on every engine (the JVM's start dominates; the compiler's first, uncached run
     * 2.8); the deflate benchmark (--invoke run) interpreter 17.9-18.5, auto 19.5-21.1 (its main loop runs in a
     * function entered once, which tiering never replaces), compiler 3.0-3.6; Flite (21 MB, speaking one sentence)
     * interpreter 5.6, auto 4.9-5.2, compiler 5.7 uncached and 2.8-3.5 from the cache; CRuby (30 MB) evaluating a
     * 200,000-element map: interpreter 57, auto 46, compiler 66 uncached (see basalt-cli/README.md). Components:
     * see basalt-cli/README.md ("Engines and the code cache").
     */
    static Config.Strategy defaultStrategy(byte[] bytes) {
        return Module.serializedStrategy(bytes).orElse(Config.Strategy.COMPILER);
    }

    /** The strategy an {@code --engine} name selects. */
    static Config.Strategy strategy(String engineName) {
        return switch (engineName) {
            case "interpreter" -> Config.Strategy.INTERPRETER;
            case "compiler" -> Config.Strategy.COMPILER;
            case "auto" -> Config.Strategy.AUTO;
            default -> throw new Main.CliException(
                    "unknown engine: " + engineName + " (available: interpreter, compiler, auto)", Main.USAGE);
        };
    }

    private int invoke(Instance instance, java.io.PrintWriter out) {
        String name = invoke;
        Func func = instance.getFunc(name).orElseThrow(
                () -> new Main.CliException("no exported function named " + name, Main.USAGE));
        List<ValType> params = func.type().params();
        if (params.size() != args.size()) {
            throw new Main.CliException(name + " takes " + params.size() + " arguments, got " + args.size(), Main.USAGE);
        }
        Val[] in = new Val[params.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = parseArg(params.get(i), args.get(i));
        }
        // A WASI reactor initialises itself (libc, constructors) before any other export may be called.
        if (!name.equals("_initialize")) {
            instance.getFunc("_initialize").ifPresent(init -> init.call());
        }
        for (Val v : func.call(in)) {
            out.println(format(v));
        }
        return Main.OK;
    }

    /** The capabilities the options grant. Stdio is the process's own unless output goes to in-memory writers. */
    private WasiConfig wasiConfig(java.io.PrintWriter out, java.io.PrintWriter err) {
        WasiConfig.Builder b = WasiConfig.builder();
        b.args(argv0 != null ? argv0
                : dev.basalt.serve.oci.OciReference.isOciSource(source) ? source : file.getFileName().toString());
        if (invoke == null) {
            b.args(args);
        }
        grantEnvAndDirs(b, env, inheritEnv, dirs);
        for (String l : listen) {
            int colon = l.lastIndexOf(':');
            try {
                String host = colon <= 0 ? "127.0.0.1" : l.substring(0, colon);
                int port = Integer.parseInt(l.substring(colon + 1));
                b.listen(new java.net.InetSocketAddress(host, port));
            } catch (IllegalArgumentException e) {
                throw new Main.CliException("--listen wants HOST:PORT, got " + l, Main.USAGE);
            }
        }
        grant(tcpConnect, "--tcp-connect", b::allowTcpConnect);
        grant(tcpListen, "--tcp-listen", b::allowTcpListen);
        grant(udpBind, "--udp-bind", b::allowUdpBind);
        grant(udpSend, "--udp-send", b::allowUdpSend);
        if (allowIpNameLookup) {
            b.allowIpNameLookup();
        }
        try {
            b.allowIpNameLookup(ipNameLookup.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new Main.CliException("--ip-name-lookup: " + e.getMessage(), Main.USAGE);
        }
        if (inheritNetwork) {
            b.inheritNetwork();
        }
        if (maxSockets != null) {
            if (maxSockets < 0) {
                throw new Main.CliException("--max-sockets wants a count, got " + maxSockets, Main.USAGE);
            }
            b.maxSockets(maxSockets);
        }
        if (Main.systemStdio) {
            b.inheritStdio();
        } else {
            b.stdout(new WriterOutputStream(out)).stderr(new WriterOutputStream(err));
        }
        return b.build();
    }

    /**
     * Grants the {@code --env NAME[=VALUE]}, {@code --inherit-env} and {@code --dir HOST[::GUEST][:ro]} options. A
     * NAME without a value passes the host's variable of that name, as {@code wasmtime run --env NAME} does, and
     * nothing when the host has none.
     */
    static void grantEnvAndDirs(WasiConfig.Builder b, List<String> env, boolean inheritEnv, List<String> dirs) {
        grantEnvAndDirs(b, env, inheritEnv, dirs, System.getenv());
    }

    /**
     * The variables {@code --env} options give, in order: {@code NAME=VALUE}, or {@code NAME} alone for the host's
     * value (left out when the host has none).
     */
    static java.util.Map<String, String> parseEnv(List<String> env, java.util.Map<String, String> hostEnv) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq == 0 || e.isEmpty()) {
                throw new Main.CliException("--env wants NAME=VALUE or NAME, got " + e, Main.USAGE);
            }
            if (eq < 0) {
                String hostValue = hostEnv.get(e);
                if (hostValue != null) {
                    out.put(e, hostValue);
                }
            } else {
                out.put(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        return out;
    }

    /** {@link #grantEnvAndDirs(WasiConfig.Builder, List, boolean, List)} with the host environment given. */
    static void grantEnvAndDirs(WasiConfig.Builder b, List<String> env, boolean inheritEnv, List<String> dirs,
            java.util.Map<String, String> hostEnv) {
        parseEnv(env, hostEnv).forEach(b::env);
        if (inheritEnv) {
            b.inheritEnv(); // adds only what --env did not set
        }
        for (String d : dirs) {
            boolean readOnly = d.endsWith(":ro") && !d.endsWith("::ro");
            String spec = readOnly ? d.substring(0, d.length() - 3) : d;
            int sep = spec.indexOf("::");
            String host = sep < 0 ? spec : spec.substring(0, sep);
            String guest = sep < 0 ? spec : spec.substring(sep + 2);
            if (host.isEmpty() || guest.isEmpty()) {
                throw new Main.CliException("--dir wants HOST[::GUEST][:ro], got " + d, Main.USAGE);
            }
            b.preopenDir(Path.of(host), guest, readOnly);
        }
    }

    private boolean grantsNetwork() {
        return !tcpConnect.isEmpty() || !tcpListen.isEmpty() || !udpBind.isEmpty() || !udpSend.isEmpty()
                || allowIpNameLookup || !ipNameLookup.isEmpty() || inheritNetwork || maxSockets != null;
    }

    /**
     * Adds socket grants given as {@code HOST:PORT}: HOST an IP address, {@code [IPv6]}, a CIDR network (an IPv6
     * one in brackets: {@code [fd00::/8]}), {@code *} or a host name; PORT a number or {@code *} (any).
     */
    private static void grant(List<String> specs, String option,
            java.util.function.ObjIntConsumer<String> grant) {
        for (String spec : specs) {
            String host;
            String port;
            if (spec.startsWith("[")) {
                int close = spec.indexOf(']');
                if (close < 0 || close + 1 >= spec.length() || spec.charAt(close + 1) != ':') {
                    throw new Main.CliException(option + " wants HOST:PORT, got " + spec, Main.USAGE);
                }
                host = spec.substring(1, close);
                port = spec.substring(close + 2);
            } else {
                int colon = spec.lastIndexOf(':');
                if (colon <= 0 || spec.indexOf(':') != colon) {
                    throw new Main.CliException(option + " wants HOST:PORT (an IPv6 host in brackets), got " + spec,
                            Main.USAGE);
                }
                host = spec.substring(0, colon);
                port = spec.substring(colon + 1);
            }
            try {
                grant.accept(host, port.equals("*") ? 0 : Integer.parseInt(port));
            } catch (IllegalArgumentException e) {
                throw new Main.CliException(option + " " + spec + ": " + e.getMessage(), Main.USAGE);
            }
        }
    }

    /** Guest output into a writer (tests, embedding of the CLI): bytes decoded as UTF-8. */
    private static final class WriterOutputStream extends java.io.OutputStream {
        private final java.io.PrintWriter writer;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        WriterOutputStream(java.io.PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() {
            writer.print(pending.toString(java.nio.charset.StandardCharsets.UTF_8));
            writer.flush();
            pending.reset();
        }
    }

    static Val parseArg(ValType type, String text) {
        try {
            if (type instanceof NumType n) {
                return switch (n) {
                    case I32 -> Val.i32((int) parseInteger(text, true));
                    case I64 -> Val.i64(parseInteger(text, false));
                    case F32 -> Val.f32(Float.parseFloat(text));
                    case F64 -> Val.f64(Double.parseDouble(text));
                    case V128 -> throw new Main.CliException("v128 arguments are not supported", Main.USAGE);
                };
            }
        } catch (NumberFormatException e) {
            throw new Main.CliException("not a valid " + type + ": " + text, Main.USAGE);
        }
        throw new Main.CliException("reference arguments are not supported (" + type + ")", Main.USAGE);
    }

    private static long parseInteger(String text, boolean i32) {
        String t = text.replace("_", "");
        boolean neg = t.startsWith("-");
        String digits = neg || t.startsWith("+") ? t.substring(1) : t;
        long v = digits.startsWith("0x") || digits.startsWith("0X")
                ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseUnsignedLong(digits);
        v = neg ? -v : v;
        if (i32 && (v < Integer.MIN_VALUE || v > 0xFFFF_FFFFL)) {
            throw new NumberFormatException(text);
        }
        return v;
    }

    static String format(Val v) {
        return switch (v) {
            case Val.I32 i -> Integer.toString(i.value());
            case Val.I64 i -> Long.toString(i.value());
            case Val.F32 f -> Float.toString(f.value());
            case Val.F64 f -> Double.toString(f.value());
            case Val.V128 x -> String.format("0x%016x%016x", x.hi(), x.lo());
            case Val.FuncRef f -> f.isNull() ? "null funcref" : "funcref";
            case Val.ExternRef e -> e.isNull() ? "null externref" : "externref";
            case Val.AnyRef a -> a.isNull() ? "null anyref" : "anyref";
            case Val.ExnRef e -> e.isNull() ? "null exnref" : "exnref";
        };
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new Main.CliException("not a duration: " + text + " (use e.g. 500ms, 2s, 1m)", Main.USAGE);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new Main.CliException("not a size: " + text + " (use e.g. 65536, 64MiB, 1GiB)", Main.USAGE);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        return n << shift;
    }
}
