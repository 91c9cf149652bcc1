package dev.basalt.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * JavaScript components built at test time: {@code jco componentize} (StarlingMonkey, from the npm packages
 * {@code @bytecodealliance/jco} and {@code componentize-js} that {@code npm ci} installs) turns a JS source and a
 * WIT world into a component of about 12-14 MB, too big to commit. Builds are cached under the given directory
 * by a hash of the inputs, so a test run builds each component once.
 */
public final class JsComponents {
    private static final String JCO = "@bytecodealliance/jco";
    private static final String JCO_BIN = "dist/jco.js";

    /**
     * jco 1.35's WIT tools run on preview2-shim, which no longer pre-opens "/" by itself, so {@code componentize
     * --wit DIR} cannot read the WIT: this preload gives every copy of the shim "/" as a pre-open.
     */
    private static final String PREOPEN_PRELOAD = """
            import { existsSync, readdirSync } from 'node:fs';
            import { join } from 'node:path';
            import { pathToFileURL } from 'node:url';
            const roots = [process.env.BASALT_JCO_NODE_MODULES];
            const shims = [];
            while (roots.length) {
              const dir = roots.pop();
              const scope = join(dir, '@bytecodealliance');
              if (!existsSync(scope)) continue;
              for (const name of readdirSync(scope)) {
                if (name === 'preview2-shim') shims.push(join(scope, name, 'dist/nodejs/filesystem.js'));
                const nested = join(scope, name, 'node_modules');
                if (existsSync(nested)) roots.push(nested);
              }
            }
            for (const file of shims) {
              if (existsSync(file)) {
                const fs = await import(pathToFileURL(file).href);
                if (fs._setPreopens) fs._setPreopens({ '/': '/' });
              }
            }
            """;

    private JsComponents() {
    }

    /** Why JS components cannot be built here, for a skipped test's message; empty when they can. */
    public static Optional<String> unavailable() {
        if (NpmPackages.file(JCO, JCO_BIN).isEmpty()) {
            return Optional.of(NpmPackages.absentMessage(JCO, JCO_BIN));
        }
        if (node().isEmpty()) {
            return Optional.of("SKIPPED: `node` is not on the PATH (JS components are built with jco at test time)");
        }
        return Optional.empty();
    }

    /**
     * The WIT of a world exporting {@code wasi:http/incoming-handler@0.2.10}, the version StarlingMonkey's fetch
     * handler exports, assembled from jco's bundled WASI WIT (http from 0.2.12 renumbered, its worlds dropped).
     */
    public static Path fetchHandlerWit(Path dir) {
        Path builtin = NpmPackages.file(JCO, "lib/wit/builtin/0.2.10/wasi-io/package.wit")
                .orElseThrow(() -> new IllegalStateException(NpmPackages.absentMessage(JCO, "lib/wit/builtin")))
                .getParent().getParent().getParent();
        try {
            Files.createDirectories(dir.resolve("deps/http"));
            String http = Files.readString(builtin.resolve("0.2.12/wasi-http/package.wit")).replace("@0.2.12", "@0.2.10");
            Files.writeString(dir.resolve("deps/http/package.wit"), withoutWorlds(http));
            for (String p : List.of("io", "clocks")) {
                Files.createDirectories(dir.resolve("deps/" + p));
                Files.copy(builtin.resolve("0.2.10/wasi-" + p + "/package.wit"), dir.resolve("deps/" + p + "/package.wit"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(dir.resolve("world.wit"),
                    "package basalt:fetch-test;\n\nworld handler {\n  export wasi:http/incoming-handler@0.2.10;\n}\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String withoutWorlds(String wit) {
        StringBuilder out = new StringBuilder();
        boolean inWorld = false;
        for (String line : wit.split("\n", -1)) {
            if (line.startsWith("world ")) {
                inWorld = true;
            }
            if (!inWorld) {
                out.append(line).append('\n');
            }
            if (inWorld && line.equals("}")) {
                inWorld = false;
            }
        }
        return out.toString();
    }

    /**
     * Builds (or finds in {@code cacheDir}) the component of {@code jsSource} for {@code world} of {@code witDir}.
     *
     * @throws IllegalStateException if jco fails (its output is in the message)
     */
    public static Path componentize(Path jsSource, Path witDir, String world, Path cacheDir) {
        try {
            Files.createDirectories(cacheDir);
            Path out = cacheDir.resolve(hash(jsSource, witDir, world) + ".component.wasm");
            if (Files.isRegularFile(out) && Files.size(out) > 0) {
                return out;
            }
            Path jco = NpmPackages.file(JCO, JCO_BIN).orElseThrow();
            Path nodeModules = jco.getParent().getParent().getParent().getParent();
            Path preload = cacheDir.resolve("jco-preopen.mjs");
            Files.writeString(preload, PREOPEN_PRELOAD);
            Path partial = cacheDir.resolve(out.getFileName() + ".part");
            Path log = cacheDir.resolve(out.getFileName() + ".log");
            ProcessBuilder pb = new ProcessBuilder(node().orElseThrow().toString(), "--import", preload.toUri().toString(),
                    jco.toString(), "componentize", jsSource.toAbsolutePath().toString(), "--wit",
                    witDir.toAbsolutePath().toString(), "--world-name", world, "-o", partial.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("BASALT_JCO_NODE_MODULES", nodeModules.toString());
            Process p = pb.start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("jco componentize took more than 10 minutes: " + Files.readString(log));
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(partial)) {
                throw new IllegalStateException("jco componentize failed (" + p.exitValue() + "): " + Files.readString(log));
            }
            Files.move(partial, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jco", e);
        }
    }

    private static String hash(Path jsSource, Path witDir, String world) throws IOException {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(Files.readAllBytes(jsSource));
            d.update(world.getBytes(StandardCharsets.UTF_8));
            List<Path> wit = new ArrayList<>();
            try (Stream<Path> files = Files.walk(witDir)) {
                files.filter(Files::isRegularFile).sorted().forEach(wit::add);
            }
            for (Path f : wit) {
                d.update(witDir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                d.update(Files.readAllBytes(f));
            }
            d.update(Files.readAllBytes(NpmPackages.file(JCO, "package.json").orElseThrow()));
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Path> node() {
        return Executables.find("node");
    }
}
