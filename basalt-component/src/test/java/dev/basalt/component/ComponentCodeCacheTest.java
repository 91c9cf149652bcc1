package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.CodeCache;
import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Module;
import dev.basalt.Store;
import dev.basalt.component.binding.ComponentCaller;
import dev.basalt.component.fixtures.values.Api;
import dev.basalt.component.fixtures.values.Host;
import dev.basalt.component.model.Section;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A component compiled by an engine with a {@link CodeCache}: each embedded core module's code is stored under the
 * key the same module has on its own ({@link Module#cacheKey}), and a later engine loads all of it instead of
 * compiling.
 */
class ComponentCodeCacheTest {
    private static final Path FILE = ValuesComponentTest.DIR.resolve("values.component.wasm");

    @TempDir
    Path dir;

    private Engine engine() {
        return Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).codeCache(new CodeCache(dir)).build());
    }

    /** Entry file name -> file identity (a store renames a new file over an entry, so a hit keeps the identity). */
    private Map<String, Object> entries() throws IOException {
        Map<String, Object> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(), Files.readAttributes(p, BasicFileAttributes.class).fileKey());
            }
        }
        return out;
    }

    private static void coreModules(dev.basalt.component.model.Component c, List<byte[]> out) {
        for (Section s : c.sections()) {
            switch (s) {
                case Section.CoreModuleSection m -> out.add(m.module().bytes());
                case Section.Components nested -> coreModules(nested.component(), out);
                default -> {
                }
            }
        }
    }

    private static String run(Engine engine, Component component) {
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        List<String> logged = new ArrayList<>();
        Host.register(dev.basalt.component.binding.HostRegistrar.of(linker), logged::add);
        Api.Exports api = new Api.Exports(ComponentCaller.of(linker.instantiate(Store.create(engine), component)));
        return api.negate(true) + " " + api.sumInts((byte) -1, (byte) 255, (short) -2, (short) 0xffff, -3, -1, 10L, -1L);
    }

    @Test
    void eachCoreModuleIsCachedAndLoadedByALaterEngine() throws IOException {
        byte[] bytes = Files.readAllBytes(FILE);
        Engine first = engine();
        Component compiled = Component.compile(first, bytes);
        assertThat(run(first, compiled)).isEqualTo("false 4295033088");

        List<byte[]> cores = new ArrayList<>();
        coreModules(compiled.model(), cores);
        Set<String> expected = new HashSet<>();
        for (byte[] core : cores) {
            expected.add(Module.cacheKey(first, core) + ".bwasm");
        }
        assertThat(cores).hasSizeGreaterThan(1);
        Map<String, Object> stored = entries();
        assertThat(stored.keySet()).isEqualTo(new java.util.TreeSet<>(expected));

        Engine later = engine();
        Component loaded = Component.compile(later, bytes);
        assertThat(run(later, loaded)).isEqualTo("false 4295033088");
        assertThat(entries()).isEqualTo(stored); // every core module a hit: no entry was written again

        // a core module run on its own shares the component's entry
        Module alone = Module.compile(engine(), cores.get(0));
        assertThat(alone.compiledFunctionCount()).isEqualTo(alone.wasm().functions().size());
        assertThat(entries()).isEqualTo(stored);
    }

    @Test
    void withoutACacheNothingIsWritten() throws IOException {
        Engine plain = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        assertThat(run(plain, Component.compile(plain, Files.readAllBytes(FILE)))).isEqualTo("false 4295033088");
        Engine auto = Engine.create(Config.builder().strategy(Config.Strategy.AUTO).codeCache(new CodeCache(dir))
                .build());
        assertThat(run(auto, Component.compile(auto, Files.readAllBytes(FILE)))).isEqualTo("false 4295033088");
        assertThat(entries()).isEmpty();
    }
}
