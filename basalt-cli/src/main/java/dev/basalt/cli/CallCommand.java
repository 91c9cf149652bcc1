package dev.basalt.cli;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.plugin.CompiledPlugin;
import dev.basalt.plugin.LogLevel;
import dev.basalt.plugin.Plugin;
import dev.basalt.plugin.PluginException;
import dev.basalt.plugin.PluginManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code basalt call plugin.wasm count_vowels --input "Hello"}: calls a function of an Extism plug-in, as
 * {@code extism call} does, and prints its output. The plug-in is a module, or an Extism manifest (JSON) naming
 * its modules and grants; options add grants on top of the manifest's.
 */
@Command(name = "call", mixinStandardHelpOptions = true,
        description = {"Call a function of an Extism plug-in (a module using the extism:host/env kernel, or an "
                + "Extism manifest .json) and print its output.",
                "Exit code: 1 if the call fails (the plug-in's error, a trap, a timeout), 2 for usage errors."})
final class CallCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PLUGIN", description = "A plug-in module (.wasm) or an Extism manifest (.json).")
    Path file;

    @Parameters(index = "1", paramLabel = "FUNCTION", description = "The exported function to call.")
    String function;

    @Option(names = "--input", paramLabel = "TEXT", description = "The call's input (UTF-8; default: empty).")
    String input;

    @Option(names = "--stdin", description = "Read the call's input from standard input.")
    boolean stdin;

    @Option(names = "--loop", paramLabel = "N", defaultValue = "1",
            description = "Call N times in the same plug-in instance (variables carry over); prints each output.")
    int loop;

    @Option(names = "--config", paramLabel = "KEY=VALUE", description = "A configuration value the guest reads with config_get.")
    List<String> config = new ArrayList<>();

    @Option(names = "--allow-host", paramLabel = "HOST",
            description = "A host http_request may reach: name, *.example.com or * (default: none).")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--allow-path", paramLabel = "HOST[::GUEST][:ro]",
            description = "Grant a host directory to a WASI plug-in as GUEST (:ro read-only).")
    List<String> allowPaths = new ArrayList<>();

    @Option(names = "--wasi", description = "Link WASI preview1 (stdio is the terminal's; files only as --allow-path grants).")
    boolean wasi;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Time per call, e.g. 500ms, 2s.")
    String timeout;

    @Option(names = "--fuel", paramLabel = "N", description = "Fuel per call.")
    Long fuel;

    @Option(names = "--max-pages", paramLabel = "N", description = "Cap linear and kernel memory at N 64 KiB pages.")
    Integer maxPages;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "warn",
            description = "Guest log messages shown on stderr: trace, debug, info, warn (default), error, off.")
    String logLevel;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "compiler",
            description = {"Execution engine: compiler (the default: JVM bytecode, kept in the code cache, so only a",
                    "plug-in's first call compiles it), interpreter or auto."})
    String engineName;

    @picocli.CommandLine.Mixin
    CacheOptions cacheOptions = new CacheOptions();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (input != null && stdin) {
            throw new Main.CliException("--input and --stdin exclude each other", Main.USAGE);
        }
        if (loop < 1) {
            throw new Main.CliException("--loop must be at least 1", Main.USAGE);
        }
        LogLevel level;
        try {
            level = LogLevel.valueOf(logLevel.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Main.CliException("--log-level: one of trace, debug, info, warn, error, off", Main.USAGE);
        }
        PluginManifest manifest = manifest();
        Config.Strategy strategy = RunCommand.strategy(engineName);
        Engine engine = Engine.create(Config.builder().strategy(strategy).codeCache(cacheOptions.cache(strategy))
                .build());
        CompiledPlugin.Builder b = CompiledPlugin.builder(engine, manifest).logLevel(level)
                .logSink((l, message) -> {
                    synchronized (err) {
                        err.println(l.name().toLowerCase(Locale.ROOT) + ": " + message);
                        err.flush();
                    }
                });
        if (wasi) {
            b.wasi(w -> {
                if (Main.systemStdio) {
                    w.inheritStdio();
                }
            });
        }
        if (fuel != null) {
            b.fuelPerCall(fuel);
        }
        byte[] in = stdin ? System.in.readAllBytes()
                : input == null ? new byte[0] : input.getBytes(StandardCharsets.UTF_8);
        try (Plugin plugin = b.build().instantiate()) {
            for (int i = 0; i < loop; i++) {
                byte[] result = plugin.call(function, in);
                if (Main.systemStdio) {
                    out.flush();
                    System.out.write(result);
                    System.out.flush();
                } else {
                    out.print(new String(result, StandardCharsets.UTF_8));
                }
                if (loop > 1) {
                    out.println();
                }
                out.flush();
            }
        } catch (PluginException e) {
            err.println("basalt call: " + e.getMessage());
            e.trap().filter(t -> !t.backtrace().isEmpty()).ifPresent(t -> err.println(
                    t.describe().substring(t.describe().indexOf("wasm backtrace:"))));
            err.flush();
            return Main.PROBLEM;
        }
        return Main.OK;
    }

    private PluginManifest manifest() {
        PluginManifest base;
        try {
            if (file.getFileName().toString().endsWith(".json")) {
                base = PluginManifest.load(file);
            } else {
                base = PluginManifest.builder().wasm(file).build();
            }
        } catch (IOException e) {
            throw new Main.CliException("cannot read " + file + ": " + e.getMessage(), Main.USAGE);
        } catch (PluginException e) {
            throw new Main.CliException(file + ": " + e.getMessage(), Main.USAGE);
        }
        PluginManifest.Builder m = PluginManifest.builder();
        base.wasm().forEach(m::wasm);
        base.config().forEach(m::config);
        base.allowedHosts().forEach(m::allowHost);
        base.allowedPaths().forEach((host, guest) ->
                m.allowPath(Path.of(host), guest, base.readOnlyPaths().contains(host)));
        base.maxPages().ifPresent(m::maxPages);
        base.maxHttpResponseBytes().ifPresent(m::maxHttpResponseBytes);
        base.maxVarBytes().ifPresent(m::maxVarBytes);
        base.timeout().ifPresent(m::timeout);
        for (String kv : config) {
            java.util.Map.Entry<String, String> pair = Main.nameValue(kv, "--config expects KEY=VALUE: ");
            m.config(pair.getKey(), pair.getValue());
        }
        allowHosts.forEach(m::allowHost);
        for (String spec : allowPaths) {
            boolean readOnly = spec.endsWith(":ro");
            String s = readOnly ? spec.substring(0, spec.length() - 3) : spec;
            int sep = s.indexOf("::");
            String host = sep < 0 ? s : s.substring(0, sep);
            String guest = sep < 0 ? s : s.substring(sep + 2);
            m.allowPath(Path.of(host).toAbsolutePath(), guest, readOnly);
        }
        if (maxPages != null) {
            try {
                m.maxPages(maxPages);
            } catch (IllegalArgumentException e) {
                throw new Main.CliException("--max-pages: " + e.getMessage(), Main.USAGE);
            }
        }
        if (timeout != null) {
            m.timeout(RunCommand.parseDuration(timeout));
        }
        return m.build();
    }
}
