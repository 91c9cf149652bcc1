package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.bindgen.JavaBindgen;
import dev.basalt.component.binding.ComponentCaller;
import dev.basalt.component.binding.HostRegistrar;
import dev.basalt.component.binding.Result;
import dev.basalt.component.binding.Tuples;
import dev.basalt.component.fixtures.values.Api;
import dev.basalt.component.fixtures.values.Host;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.WitLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The component {@code src/test/components/values.component.wasm}, built from C and WIT with clang and jco (not by
 * Basalt), run on both engines: every kind of component value and a resource, called through the bindings that
 * {@code basalt bindgen} generated from its WIT (committed under {@code fixtures/values}) and dynamically.
 */
class ValuesComponentTest {
    static final Path DIR = Path.of("src/test/components");
    static final String API = "basalt:values/api@1.0.0";

    record Running(Api.Exports api, ComponentInstance instance, List<String> logged) {}

    static Running start(Config.Strategy strategy) throws IOException {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        Component component = Component.compile(engine, Files.readAllBytes(DIR.resolve("values.component.wasm")));
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        List<String> logged = new ArrayList<>();
        Host.register(HostRegistrar.of(linker), logged::add);
        ComponentInstance instance = linker.instantiate(Store.create(engine), component);
        return new Running(new Api.Exports(ComponentCaller.of(instance)), instance, logged);
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void everyValueTypeThroughGeneratedBindings(Config.Strategy strategy) throws IOException {
        Running r = start(strategy);
        Api.Exports api = r.api();
        assertThat(api.negate(true)).isFalse();
        // s8 -1, u8 255, s16 -2, u16 65535, s32 -3, u32 4294967295, s64 10, u64 2^64-1 (wraps to -1 in the guest)
        assertThat(api.sumInts((byte) -1, (byte) 255, (short) -2, (short) 0xffff, -3, -1, 10L, -1L))
                .isEqualTo(4_295_033_088L);
        assertThat(api.mulFloats(1.5f, 2.0)).isEqualTo(3.0);
        assertThat(api.nextChar('a')).isEqualTo('b');
        assertThat(api.nextChar(0xD7FF)).isEqualTo(0xE000);
        assertThat(api.greet("Basalt ✓")).isEqualTo("Hello, Basalt ✓!");
        assertThat(r.logged()).containsExactly("Hello, Basalt ✓!");
        assertThat(api.reverse(List.of(1, 2, 3))).containsExactly(3, 2, 1);
        assertThat(api.reverse(List.of())).isEmpty();
        assertThat(api.swap(new Api.Point(1, -2))).isEqualTo(new Api.Point(-2, 1));
        assertThat(api.area(new Api.Shape.Circle(1.0f))).isCloseTo(Math.PI, within(1e-9));
        assertThat(api.area(new Api.Shape.Rect(new Api.Point(3, 4)))).isEqualTo(12.0);
        assertThat(api.area(new Api.Shape.Nothing())).isZero();
        assertThat(api.nextColor(Api.Color.BLUE)).isEqualTo(Api.Color.RED);
        assertThat(api.toggle(EnumSet.of(Api.Perms.READ))).isEqualTo(EnumSet.of(Api.Perms.WRITE, Api.Perms.EXEC));
        assertThat(api.find(List.of("a", "bb", "c"), "bb")).contains(1);
        assertThat(api.find(List.of(), "x")).isEmpty();
        assertThat(api.checkedDiv(7, 2)).isEqualTo(Result.ok(3));
        assertThat(api.checkedDiv(1, 0)).isEqualTo(Result.err("division by zero"));
        assertThat(api.checkedDiv(Integer.MIN_VALUE, -1)).isEqualTo(Result.err("overflow"));
        assertThat(api.flip(new Tuples.Of2<>(7, "seven"))).isEqualTo(new Tuples.Of2<>("seven", 7));
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void resourcesOwnedByTheHostBorrowedByTheComponent(Config.Strategy strategy) throws IOException {
        Api.Exports api = start(strategy).api();
        try (Api.Counter a = api.newCounter(5); Api.Counter b = api.newCounter(2)) {
            assertThat(a.add(3)).isEqualTo(8);
            assertThat(a.value()).isEqualTo(8);
            assertThat(api.total(List.of(a, b, a))).isEqualTo(18);
            assertThat(b.handle().isLive()).isTrue();
        }
    }

    @Test
    void dynamicCallsAndBadValuesLeaveTheInstanceUsable() throws IOException {
        Running r = start(Config.Strategy.INTERPRETER);
        ComponentFunc greet = r.instance().getFunc(API, "greet").orElseThrow();
        assertThat(greet.type().toString()).contains("string");
        assertThat(greet.callOne(ComponentValue.string("dynamic"))).contains(ComponentValue.string("Hello, dynamic!"));
        ComponentFunc find = r.instance().getFunc(API, "find").orElseThrow();
        assertThat(find.callOne(ComponentValue.list(ComponentValue.string("x")), ComponentValue.string("x")))
                .contains(ComponentValue.some(ComponentValue.u32(0)));
        assertThatThrownBy(() -> greet.callOne(ComponentValue.u32(1))).isInstanceOf(ComponentException.class);
        assertThatThrownBy(() -> greet.call(List.of())).isInstanceOf(ComponentException.class)
                .hasMessageContaining("takes 1 arguments, 0 given");
        assertThat(r.api().greet("again")).isEqualTo("Hello, again!");
    }

    @Test
    void theCommittedBindingsAreWhatBindgenGeneratesFromTheWit() throws IOException {
        WitLoader.Loaded loaded = WitLoader.load(DIR.resolve("wit"), WitLoader.Options.DEFAULT);
        Resolve.WorldId world = loaded.resolve().findWorld(loaded.roots().getFirst(), "values").orElseThrow();
        Map<String, String> generated = JavaBindgen.generate(loaded.resolve(), world,
                new JavaBindgen.Options("dev.basalt.component.fixtures.values"));
        assertThat(generated).hasSize(3);
        for (var e : generated.entrySet()) {
            assertThat(Files.readString(Path.of("src/test/java").resolve(e.getKey()))).as(e.getKey())
                    .isEqualTo(e.getValue());
        }
    }
}
