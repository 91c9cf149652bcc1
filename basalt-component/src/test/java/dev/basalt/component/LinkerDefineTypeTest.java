package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.text.ComponentTextParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ComponentLinker.LinkerInstance#defineType}: an imported interface's instance type exports the named types
 * its functions use ({@code (export "kind" (type (eq N)))}); the linker must define them, structurally equal.
 */
class LinkerDefineTypeTest {
    static final String COMPONENT = """
            (component
              (import "x:y/z@1.0.0" (instance $i
                (type $k (enum "a" "b"))
                (export "kind" (type $kind (eq $k)))
                (export "get" (func (result $kind)))))
              (alias export $i "get" (func $get))
              (core func $g (canon lower (func $get)))
              (core module $m
                (import "h" "get" (func $get (result i32)))
                (func (export "get") (result i32) (call $get)))
              (core instance $h (export "get" (func $g)))
              (core instance $c (instantiate $m (with "h" (instance $h))))
              (alias export $i "kind" (type $k2))
              (func (export "get") (result $k2) (canon lift (core func $c "get"))))
            """;

    final Engine engine = Engine.create();
    final Component component = Component.fromModel(engine, ComponentTextParser.parse(COMPONENT));
    static final ValueType KIND = ValueType.enumOf("a", "b");

    ComponentLinker<Void> linker(ValueType kind) {
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        var inst = linker.instance("x:y/z@1.0.0");
        if (kind != null) {
            inst.defineType("kind", kind);
        }
        inst.defineFunction("get", ComponentFuncType.of(List.of(), KIND),
                (store, args) -> List.of(ComponentValue.enumValue("b")));
        return linker;
    }

    @Test
    void aDefinedTypeSatisfiesTheTypeExportAndValuesFlow() {
        ComponentInstance instance = linker(KIND).instantiate(Store.create(engine), component);
        assertThat(instance.getFunc("get").orElseThrow().callOne()).contains(ComponentValue.enumValue("b"));
    }

    @Test
    void aMissingOrDifferentTypeIsALinkError() {
        assertThatThrownBy(() -> linker(null).instantiate(Store.create(engine), component))
                .isInstanceOf(ComponentException.class).hasMessageContaining("lacks export `kind`");
        assertThatThrownBy(() -> linker(ValueType.enumOf("a", "c")).instantiate(Store.create(engine), component))
                .isInstanceOf(ComponentException.class).hasMessageContaining("type mismatch");
    }

    @Test
    void aTypeIsAKindOfDefinitionOfItsOwn() {
        ComponentLinker<Void> linker = ComponentLinker.create(engine);
        linker.instance("i").defineType("t", KIND);
        assertThatThrownBy(() -> linker.instance("i").defineType("t", KIND))
                .isInstanceOf(ComponentException.class).hasMessageContaining("already defined");
    }
}
