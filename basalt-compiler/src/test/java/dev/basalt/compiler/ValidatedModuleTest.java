package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.CodeCache;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Instance;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.WasmModule;
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
 * {@link Module#fromValidatedModel}: a module its caller has validated is not validated again, through the code
 * cache (miss and hit) and without it, and runs as {@link Module#fromModel} runs it.
 */
class ValidatedModuleTest {
    private static final String ADD = """
            (module
              (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
            """;

    /** Valid but for the duplicate export name: only validation notices. */
    private static final String DUPLICATE_EXPORT = """
            (module
              (func $f (result i32) (i32.const 7))
              (export "f" (func $f))
              (export "f" (func $f)))
            """;

    @TempDir
    Path dir;

    private static int add(Engine engine, Module module) {
        Instance inst = Linker.<Void>create(engine).instantiate(Store.create(engine), module);
        return inst.getFunc("add").orElseThrow().callI32(40, 2);
    }

    @Test
    void aValidatedModuleRunsOnEveryEngineAndThroughTheCache() throws IOException {
        WasmModule wasm = WatParser.parseModule(ADD);
        byte[] binary = BinaryWriter.write(wasm);
        for (Config.Strategy strategy : Config.Strategy.values()) {
            Engine engine = Engine.create(Config.builder().strategy(strategy).build());
            assertThat(add(engine, Module.fromValidatedModel(engine, wasm, null))).as(strategy.name()).isEqualTo(42);
            assertThat(add(engine, Module.fromValidatedModel(engine, wasm, binary))).as(strategy.name()).isEqualTo(42);
        }
        Engine cached = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER)
                .codeCache(new CodeCache(dir)).build());
        assertThat(add(cached, Module.fromValidatedModel(cached, wasm, binary))).as("a miss").isEqualTo(42);
        assertThat(entries()).hasSize(1);
        assertThat(add(cached, Module.fromValidatedModel(cached, wasm, binary))).as("a hit").isEqualTo(42);
        assertThat(add(cached, Module.fromModel(cached, wasm, binary))).as("the same entry, validated").isEqualTo(42);
        assertThat(entries()).hasSize(1);
    }

    @Test
    void onlyTheUnvalidatedPathsValidate() {
        WasmModule wasm = WatParser.parseModule(DUPLICATE_EXPORT);
        byte[] binary = BinaryWriter.write(wasm);
        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER)
                .codeCache(new CodeCache(dir)).build());
        assertThatThrownBy(() -> Module.fromModel(engine, wasm)).isInstanceOf(InvalidException.class)
                .hasMessageStartingWith("duplicate export name");
        assertThatThrownBy(() -> Module.fromModel(engine, wasm, binary)).isInstanceOf(InvalidException.class)
                .hasMessageStartingWith("duplicate export name");
        assertThat(Module.fromValidatedModel(engine, wasm, binary)).as("the caller's claim is taken").isNotNull();
        assertThatThrownBy(() -> Module.fromModel(engine, wasm, binary)).as("a cache hit validates too")
                .isInstanceOf(InvalidException.class).hasMessageStartingWith("duplicate export name");
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
