package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.CodeCache;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.wasm.binary.BinaryReader;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.WatParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine configured with a {@link CodeCache}: every module it compiles from bytes goes through the cache, a later
 * engine (another process, in real use) loads the stored code, and code compiled to track memory writes is loaded as
 * tracking only by engines that track.
 */
class CodeCacheTest {
    private static final byte[] WASM = BinaryWriter.write(WatParser.parseModule(CompilerTest.LOOPS));
    private static final String ANSWER = "(module (func (export \"fib\") (param i32) (result i32) i32.const 42))";

    @TempDir
    Path dir;

    private Engine engine(Config.Strategy strategy, boolean track) {
        return Engine.create(Config.builder().strategy(strategy).trackMemoryWrites(track)
                .codeCache(new CodeCache(dir)).build());
    }

    private List<Path> entries() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".bwasm")).sorted().toList();
        }
    }

    private static int fib20(Module m) {
        Instance inst = Linker.<Void>create(m.engine()).instantiate(Store.create(m.engine()), m);
        return inst.getFunc("fib").orElseThrow().callI32(20);
    }

    @Test
    void compileStoresAndALaterEngineLoadsTheStoredCode() throws IOException {
        assertThat(fib20(Module.compile(engine(Config.Strategy.COMPILER, false), WASM))).isEqualTo(6765);
        List<Path> entries = entries();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).getFileName().toString())
                .isEqualTo(Module.cacheKey(engine(Config.Strategy.COMPILER, false), WASM) + ".bwasm");

        // Plant another module's code under the key: a later engine runs what the entry holds, so it loaded it.
        Engine other = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        Files.write(entries.get(0), Module.fromWat(other, ANSWER).serialize());
        assertThat(fib20(Module.compile(engine(Config.Strategy.COMPILER, false), WASM))).isEqualTo(42);
    }

    @Test
    void textModulesAreCachedByTheirText() throws IOException {
        Module first = Module.fromWat(engine(Config.Strategy.COMPILER, false), CompilerTest.LOOPS);
        assertThat(fib20(first)).isEqualTo(6765);
        assertThat(entries()).hasSize(1);
        Object key = Files.readAttributes(entries().get(0),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertThat(fib20(Module.fromWat(engine(Config.Strategy.COMPILER, false), CompilerTest.LOOPS))).isEqualTo(6765);
        // a hit reads the entry; a store would have replaced the file (a new one renamed over it)
        assertThat(Files.readAttributes(entries().get(0), java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .isEqualTo(key);
    }

    /**
     * A module already decoded from its binary (a component's core module) uses the decoded model on a hit; an entry
     * that holds another module under its key is not trusted then: it is replaced by a fresh compile.
     */
    @Test
    void aDecodedModuleLoadsOnlyAnEntryOfItsOwnBinary() throws IOException {
        Engine engine = engine(Config.Strategy.COMPILER, false);
        assertThat(fib20(Module.fromModel(engine, BinaryReader.read(WASM), WASM))).isEqualTo(6765);
        Path entry = entries().get(0);
        Object key = Files.readAttributes(entry, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        Module hit = Module.fromModel(engine(Config.Strategy.COMPILER, false), BinaryReader.read(WASM), WASM);
        assertThat(fib20(hit)).isEqualTo(6765);
        assertThat(Files.readAttributes(entry, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .isEqualTo(key);

        Engine other = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        Files.write(entry, Module.fromWat(other, ANSWER).serialize());
        assertThat(fib20(Module.fromModel(engine(Config.Strategy.COMPILER, false), BinaryReader.read(WASM), WASM)))
                .isEqualTo(6765);
        // the impostor entry was replaced by the module's own code
        assertThat(fib20(Module.deserialize(engine, Files.readAllBytes(entry)))).isEqualTo(6765);
    }

    /** Tracked code has its own entries and stays tracked when loaded, so pooled memories still reset page-wise. */
    @Test
    void memoryWriteTrackingSurvivesTheCache() throws IOException {
        Module untracked = Module.compile(engine(Config.Strategy.COMPILER, false), WASM);
        Module tracked = Module.compile(engine(Config.Strategy.COMPILER, true), WASM);
        assertThat(entries()).hasSize(2);
        assertThat(untracked.tracksMemoryWrites()).isFalse();
        assertThat(tracked.tracksMemoryWrites()).isTrue();
        Module trackedAgain = Module.compile(engine(Config.Strategy.COMPILER, true), WASM);
        assertThat(trackedAgain.tracksMemoryWrites()).isTrue();
        assertThat(fib20(trackedAgain)).isEqualTo(6765);
        assertThat(Module.compile(engine(Config.Strategy.COMPILER, false), WASM).tracksMemoryWrites()).isFalse();
        assertThat(entries()).hasSize(2);
    }

    @Test
    void engineThatGeneratesNoCodeUpFrontLeavesTheCacheAlone() throws IOException {
        for (Config.Strategy s : List.of(Config.Strategy.INTERPRETER, Config.Strategy.AUTO)) {
            assertThat(fib20(Module.compile(engine(s, false), WASM))).isEqualTo(6765);
        }
        assertThat(entries()).isEmpty();
    }

    @Test
    void unwritableCacheOnlyCostsTheCompile() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER)
                .codeCache(new CodeCache(notADirectory)).build());
        assertThat(fib20(Module.compile(engine, WASM))).isEqualTo(6765);
        assertThat(fib20(Module.compile(engine, WASM))).isEqualTo(6765);
    }
}
