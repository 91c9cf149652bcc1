package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.wasm.Features;
import dev.basalt.wasm.InvalidException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A component's core modules are validated once, by the component validator, under Wasm 3.0's features; an engine
 * configured with fewer features must still refuse a core module that uses one it lacks (the core module is then
 * validated again, under the engine's features).
 */
class CoreModuleFeaturesTest {
    private static final String TWO_MEMORIES = """
            (component
              (core module $m
                (memory 1)
                (memory $second 1)
                (func (export "seven") (result i32) (i32.const 7)))
              (core instance $i (instantiate $m))
              (func (export "seven") (result u32) (canon lift (core func $i "seven"))))
            """;

    @Test
    void anEngineWithoutAFeatureRefusesACoreModuleThatUsesIt() {
        for (Config.Strategy strategy : List.of(Config.Strategy.INTERPRETER, Config.Strategy.COMPILER)) {
            Engine full = Engine.create(Config.builder().strategy(strategy).build());
            Component component = Component.fromModel(full, ComponentTextParser.parse(TWO_MEMORIES));
            ComponentInstance inst = ComponentLinker.<Void>create(full).instantiate(Store.create(full), component);
            assertThat(inst.getFunc("seven").orElseThrow().call(List.of())).as(strategy.name())
                    .containsExactly(ComponentValue.u32(7));

            Engine narrow = Engine.create(Config.builder().strategy(strategy)
                    .features(Features.wasm3().without(Features.Feature.MULTI_MEMORY)).build());
            assertThatThrownBy(() -> Component.fromModel(narrow, ComponentTextParser.parse(TWO_MEMORIES)))
                    .as(strategy.name()).isInstanceOf(InvalidException.class)
                    .hasMessageStartingWith("multiple memories");
        }
    }
}
