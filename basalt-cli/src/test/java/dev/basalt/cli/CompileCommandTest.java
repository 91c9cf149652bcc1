package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.CodeCache;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Module;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.WatParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt compile}, {@code basalt run} of .bwasm files, and the code cache of {@code basalt run}. */
class CompileCommandTest {
    private static final String FAC = """
            (module
              (func $fac (export "fac") (param i64) (result i64)
                (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
                  (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))
            """;
    /** Same export, different answer: planted in the cache to show that a run really loads from it. */
    private static final String IMPOSTOR = """
            (module (func (export "fac") (param i64) (result i64) (i64.const 42)))
            """;

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result basalt(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private Path wasm(String name, String wat) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, BinaryWriter.write(WatParser.parseModule(wat)));
        return file;
    }

    @Test
    void compiledFileRunsWithItsOwnEngine() throws IOException {
        Path wasm = wasm("fac.wasm", FAC);
        Result compiled = basalt("compile", wasm.toString());
        assertThat(compiled.code()).as(compiled.err()).isZero();
        Path bwasm = dir.resolve("fac.bwasm");
        assertThat(Module.isSerialized(Files.readAllBytes(bwasm))).isTrue();
        assertThat(Module.serializedStrategy(Files.readAllBytes(bwasm))).contains(Config.Strategy.COMPILER);
        assertThat(basalt("run", bwasm.toString(), "--invoke", "fac", "20"))
                .isEqualTo(new Result(0, "2432902008176640000\n", ""));
        Path out = dir.resolve("other.bwasm");
        assertThat(basalt("compile", wasm.toString(), "-o", out.toString(), "--engine", "interpreter").code()).isZero();
        assertThat(basalt("run", out.toString(), "--invoke", "fac", "5").out()).isEqualTo("120\n");
    }

    @Test
    void damagedOrMismatchedFilesAreRefusedWithAMessage() throws IOException {
        Path wasm = wasm("fac.wasm", FAC);
        Path bwasm = dir.resolve("fac.bwasm");
        assertThat(basalt("compile", wasm.toString(), "-o", bwasm.toString()).code()).isZero();
        byte[] good = Files.readAllBytes(bwasm);

        byte[] tampered = good.clone();
        tampered[good.length / 2] ^= 0x01;
        Files.write(bwasm, tampered);
        Result r = basalt("run", bwasm.toString(), "--invoke", "fac", "3");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("basalt: serialized module is corrupt").doesNotContain("internal error");

        Files.write(bwasm, java.util.Arrays.copyOf(good, good.length - 40));
        r = basalt("run", bwasm.toString(), "--invoke", "fac", "3");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("basalt: serialized module is").doesNotContain("internal error");

        Files.write(bwasm, good);
        r = basalt("run", bwasm.toString(), "--engine", "interpreter", "--invoke", "fac", "3");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("another configuration");
    }

    private List<Path> entries(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cache)) {
            return s.sorted().toList();
        }
    }

    @Test
    void cacheStoresReusesAndReplacesDamagedEntries() throws IOException {
        Path wasm = wasm("fac.wasm", FAC);
        Path cache = dir.resolve("cache");
        String[] run = {"run", "--engine", "compiler", "--cache-dir", cache.toString(), wasm.toString(),
            "--invoke", "fac", "10"};
        assertThat(basalt(run)).isEqualTo(new Result(0, "3628800\n", ""));
        List<Path> entries = entries(cache);
        assertThat(entries).hasSize(1);
        Path entry = entries.get(0);
        byte[] stored = Files.readAllBytes(entry);
        assertThat(Module.isSerialized(stored)).isTrue();

        // A second run loads the entry: plant another module's code under the same key and it is what runs.
        Engine compiler = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        Files.write(entry, Module.fromWat(compiler, IMPOSTOR).serialize());
        assertThat(basalt(run).out()).isEqualTo("42\n");

        // Damaged entries (truncated, garbage, empty) are ignored and replaced, never fatal.
        for (byte[] damage : List.of(java.util.Arrays.copyOf(stored, stored.length / 2), "garbage".getBytes(),
                new byte[0])) {
            Files.write(entry, damage);
            assertThat(basalt(run)).isEqualTo(new Result(0, "3628800\n", ""));
            byte[] replaced = Files.readAllBytes(entry);
            // A fresh compile, loadable again. Not byte-compared with the first: generated class names number the
            // modules compiled in this JVM, and a module compiled after others carries its own copies of the
            // runtime helpers (HelperCopies), so the bytes depend on what the tests before this one compiled.
            assertThat(Module.isSerialized(replaced)).isTrue();
            assertThat(Module.deserialize(compiler, replaced).exports()).hasSize(1);
        }
        assertThat(entries(cache)).hasSize(1);
    }

    @Test
    void noCacheAndTheInterpreterLeaveNoEntries() throws IOException {
        Path wasm = wasm("fac.wasm", FAC);
        Path cache = dir.resolve("cache");
        assertThat(basalt("run", "--engine", "compiler", "--no-cache", "--cache-dir", cache.toString(),
                wasm.toString(), "--invoke", "fac", "4").out()).isEqualTo("24\n");
        assertThat(basalt("run", "--engine", "interpreter", "--cache-dir", cache.toString(), wasm.toString(),
                "--invoke", "fac", "4").out()).isEqualTo("24\n");
        assertThat(basalt("run", "--engine", "auto", "--cache-dir", cache.toString(), wasm.toString(),
                "--invoke", "fac", "4").out()).isEqualTo("24\n");
        assertThat(entries(cache)).isEmpty();
    }

    /**
     * Without --engine a module or component is compiled, through the cache (the second run loads what the first
     * stored), as wasmtime does; a .bwasm file runs under the engine it was compiled for.
     */
    @Test
    void theDefaultEngineCompilesModulesThroughTheCache() throws IOException {
        Path wasm = wasm("fac.wasm", FAC);
        Path cache = dir.resolve("cache");
        assertThat(basalt("run", "--cache-dir", cache.toString(), wasm.toString(), "--invoke", "fac", "5"))
                .isEqualTo(new Result(0, "120\n", ""));
        assertThat(entries(cache)).hasSize(1);
        Engine compiler = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        Files.write(entries(cache).get(0), Module.fromWat(compiler, IMPOSTOR).serialize());
        assertThat(basalt("run", "--cache-dir", cache.toString(), wasm.toString(), "--invoke", "fac", "5").out())
                .isEqualTo("42\n");

        assertThat(RunCommand.defaultStrategy(Files.readAllBytes(wasm))).isEqualTo(Config.Strategy.COMPILER);
        assertThat(RunCommand.defaultStrategy("(component)".getBytes())).isEqualTo(Config.Strategy.COMPILER);
        assertThat(RunCommand.defaultStrategy(new byte[] {0, 'a', 's', 'm', 0x0d, 0, 1, 0}))
                .isEqualTo(Config.Strategy.COMPILER);
        Engine interpreter = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        assertThat(RunCommand.defaultStrategy(Module.fromWat(interpreter, IMPOSTOR).serialize()))
                .isEqualTo(Config.Strategy.INTERPRETER);
    }

    /**
     * A component's core modules each get an entry (the adapter and the program), and the second run of the
     * component loads them all: no entry is written again (a store renames a new file over the entry).
     */
    @Test
    void theDefaultEngineCompilesComponentsThroughTheCache() throws IOException {
        Path hello = ComponentCommandRunTest.fixture("hello");
        Path cache = dir.resolve("cache");
        String[] run = {"run", "--cache-dir", cache.toString(), hello.toString(), "big", "world"};
        assertThat(basalt(run)).isEqualTo(new Result(0, "hello big world\n", ""));
        List<Path> entries = entries(cache);
        assertThat(entries).hasSizeGreaterThanOrEqualTo(2);
        List<Object> identities = new java.util.ArrayList<>();
        for (Path e : entries) {
            identities.add(Files.readAttributes(e, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        }
        assertThat(basalt(run)).isEqualTo(new Result(0, "hello big world\n", ""));
        assertThat(entries(cache)).isEqualTo(entries);
        for (int i = 0; i < entries.size(); i++) {
            assertThat(Files.readAttributes(entries.get(i), java.nio.file.attribute.BasicFileAttributes.class)
                    .fileKey()).isEqualTo(identities.get(i));
        }
        // --no-cache and the other engines leave the cache alone
        Path other = dir.resolve("other");
        for (String[] args : List.of(new String[] {"--no-cache"}, new String[] {"--engine", "auto"},
                new String[] {"--engine", "interpreter"})) {
            List<String> full = new java.util.ArrayList<>(List.of("run", "--cache-dir", other.toString()));
            full.addAll(List.of(args));
            full.addAll(List.of(hello.toString(), "x"));
            assertThat(basalt(full.toArray(String[]::new)).out()).isEqualTo("hello x\n");
        }
        assertThat(other).doesNotExist();
    }

    /**
     * The cache stays under its size limit: after a store, the least recently used entries go (a hit renews an
     * entry), temporary files of killed runs after an hour; nothing that is not the cache's own is touched.
     */
    @Test
    void cacheEvictsTheLeastRecentlyUsedEntriesOverItsLimit() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        java.nio.file.attribute.FileTime longAgo = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(3)));
        java.nio.file.attribute.FileTime yesterday = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(1)));
        Path oldest = Files.write(cache.resolve("a".repeat(64) + ".bwasm"), new byte[1000]);
        Files.setLastModifiedTime(oldest, longAgo);
        Path older = Files.write(cache.resolve("b".repeat(64) + ".bwasm"), new byte[1000]);
        Files.setLastModifiedTime(older, yesterday);
        Path staleTemp = Files.write(cache.resolve(".entry-1.tmp"), new byte[10]);
        Files.setLastModifiedTime(staleTemp, yesterday);
        Path freshTemp = Files.write(cache.resolve(".entry-2.tmp"), new byte[10]); // a run writing right now
        Path foreign = Files.write(cache.resolve("notes.txt"), new byte[5000]);
        Path oci = Files.createDirectories(cache.resolve("oci"));
        Files.setLastModifiedTime(Files.write(oci.resolve("blob.bwasm"), new byte[5000]), longAgo);

        Path wasm = wasm("fac.wasm", FAC);
        String[] run = {"run", "--cache-dir", cache.toString(), wasm.toString(), "--invoke", "fac", "3"};
        assertThat(basalt(run)).isEqualTo(new Result(0, "6\n", ""));
        Path fresh = entries(cache).stream().filter(p -> p.toString().endsWith(".bwasm")
                && !p.equals(oldest) && !p.equals(older)).findFirst().orElseThrow();
        long freshSize = Files.size(fresh);
        // the default limit (2 GiB) keeps everything; the stale temporary file goes
        assertThat(oldest).exists();
        assertThat(staleTemp).doesNotExist();
        assertThat(freshTemp).exists();

        // a hit renews the entry: it is now the most recently used
        Files.setLastModifiedTime(fresh, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(5))));
        assertThat(basalt(run).out()).isEqualTo("6\n");
        assertThat(Files.getLastModifiedTime(fresh).toInstant())
                .isAfter(java.time.Instant.now().minus(java.time.Duration.ofHours(1)));

        // room for the new entry and one old one: the least recently used old one goes
        new CodeCache(cache, freshSize + 1000).trim();
        assertThat(oldest).doesNotExist();
        assertThat(older).exists();
        assertThat(fresh).exists();
        // --cache-max-size 1: only the entry just stored stays; foreign files and subdirectories are never touched
        Files.delete(fresh);
        assertThat(basalt("run", "--cache-max-size", "1", "--cache-dir", cache.toString(), wasm.toString(),
                "--invoke", "fac", "3").out()).isEqualTo("6\n");
        assertThat(older).doesNotExist();
        assertThat(fresh).exists();
        assertThat(foreign).exists();
        assertThat(oci.resolve("blob.bwasm")).exists();
        assertThat(freshTemp).exists();
    }

    @Test
    void unwritableCacheOnlyCostsTheCompile() throws IOException {
        Path wasm = wasm("fac.wasm", FAC);
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        assertThat(basalt("run", "--engine", "compiler", "--cache-dir", notADirectory.toString(), wasm.toString(),
                "--invoke", "fac", "4")).isEqualTo(new Result(0, "24\n", ""));
    }

    @Test
    void defaultCacheDirectoryFollowsXdg() {
        assertThat(CodeCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "/var/cache/me"), "/home/me"))
                .isEqualTo(Path.of("/var/cache/me/basalt"));
        assertThat(CodeCache.defaultDirectory(Map.of(), "/home/me")).isEqualTo(Path.of("/home/me/.cache/basalt"));
        assertThat(CodeCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "relative"), "/home/me"))
                .isEqualTo(Path.of("/home/me/.cache/basalt"));
    }
}
