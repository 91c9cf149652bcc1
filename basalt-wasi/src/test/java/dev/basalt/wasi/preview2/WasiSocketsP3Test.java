package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentInstancePre;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.wasi.WasiConfig;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code wasi:sockets/ip-name-lookup@0.3.0} through a guest (src/test/resources/wasi-http-p3/lookup.wat, which
 * calls the async {@code resolve-addresses} and returns its answer) on both engines: IP literals, a granted name,
 * names not granted and malformed ones.
 */
class WasiSocketsP3Test {
    private static ComponentValue lookup(Config.Strategy strategy, WasiConfig config, String name) {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        Component component = Component.fromModel(engine, ComponentTextParser.parse(WasiHttpP3Test.wat("lookup.wat")));
        ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
        WasiSockets.addP3ToLinker(linker, ctx -> ctx);
        ComponentInstancePre<WasiComponentContext> pre = linker.instantiatePre(component);
        try (WasiComponentContext wasi = WasiComponentContext.create(config)) {
            return pre.instantiate(Store.create(engine, wasi)).getFunc("lookup").orElseThrow()
                    .callOne(ComponentValue.string(name)).orElseThrow();
        }
    }

    private static ComponentValue ipv4(int a, int b, int c, int d) {
        return ComponentValue.variant("ipv4", ComponentValue.tuple(ComponentValue.u8(a), ComponentValue.u8(b),
                ComponentValue.u8(c), ComponentValue.u8(d)));
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void anIpLiteralNeedsNoGrant(Config.Strategy strategy) {
        assertThat(lookup(strategy, WasiConfig.builder().build(), "127.0.0.1"))
                .isEqualTo(ComponentValue.ok(ComponentValue.list(ipv4(127, 0, 0, 1))));
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aGrantedNameResolves(Config.Strategy strategy) {
        ComponentValue r = lookup(strategy, WasiConfig.builder().allowIpNameLookup("localhost").build(), "localhost");
        assertThat(r).isInstanceOfSatisfying(ComponentValue.ResultValue.class, res -> {
            assertThat(res.ok()).isTrue();
            assertThat(((ComponentValue.ListValue) res.payload().orElseThrow()).elements()).isNotEmpty();
        });
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aNameNotGrantedIsAccessDeniedAndAMalformedOneInvalid(Config.Strategy strategy) {
        WasiConfig onlyLocalhost = WasiConfig.builder().allowIpNameLookup("localhost").build();
        assertThat(lookup(strategy, onlyLocalhost, "example.com"))
                .isEqualTo(ComponentValue.err(new ComponentValue.VariantValue("access-denied", Optional.empty())));
        assertThat(lookup(strategy, onlyLocalhost, "bad name!"))
                .isEqualTo(ComponentValue.err(new ComponentValue.VariantValue("invalid-argument", Optional.empty())));
    }
}
