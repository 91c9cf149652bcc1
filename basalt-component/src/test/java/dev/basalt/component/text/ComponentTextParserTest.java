package dev.basalt.component.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.component.model.Alias;
import dev.basalt.component.model.Canon;
import dev.basalt.component.model.Component;
import dev.basalt.component.model.Export;
import dev.basalt.component.model.ExternName;
import dev.basalt.component.model.ExternType;
import dev.basalt.component.model.Import;
import dev.basalt.component.model.Instance;
import dev.basalt.component.model.PrimValType;
import dev.basalt.component.model.Section;
import dev.basalt.component.model.Sort;
import dev.basalt.component.model.TypeDef;
import dev.basalt.component.model.ValType;
import dev.basalt.wasm.MalformedException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the text parser expands each abbreviation into the definitions it stands for, in order. */
class ComponentTextParserTest {
    private static List<Section> sections(String text) {
        return ComponentTextParser.parse(text).sections();
    }

    @Test
    void inlineValueTypesBecomeTypeDefinitionsBeforeTheirUser() {
        List<Section> s = sections("(component (type $r (record (field \"a\" (list u8)))))");
        assertThat(s).containsExactly(new Section.Types(List.of(
                new TypeDef.ListOf(new ValType.Primitive(PrimValType.U8), java.util.OptionalInt.empty()),
                new TypeDef.Record(List.of(new TypeDef.Field("a", new ValType.Indexed(0)))))));
    }

    @Test
    void anImportWithAnInlineFunctionTypeDefinesTheTypeFirst() {
        List<Section> s = sections("(component (import \"f\" (func (param \"x\" string))))");
        assertThat(s).containsExactly(
                new Section.Types(List.of(new TypeDef.Func(false, List.of(new TypeDef.Param("x",
                        new ValType.Primitive(PrimValType.STRING))), Optional.empty()))),
                new Section.Imports(List.of(new Import(ExternName.of("f"), new ExternType.Func(0)))));
    }

    @Test
    void projectionsBecomeAliasesAndInlineExportsFollowTheirDefinition() {
        List<Section> s = sections("""
                (component
                  (import "i" (instance $i (export "f" (func))))
                  (instance (export "x") (export "g" (func $i "f"))))""");
        assertThat(s.get(2)).isEqualTo(new Section.Aliases(List.of(new Alias.InstanceExport(Sort.FUNC, 0, "f"))));
        assertThat(s.get(3)).isEqualTo(new Section.Instances(List.of(new Instance.FromExports(List.of(
                new Instance.InlineExport(ExternName.of("g"), Sort.FUNC, 0))))));
        assertThat(s.get(4)).isEqualTo(new Section.Exports(List.of(new Export(ExternName.of("x"), Sort.INSTANCE, 1,
                Optional.empty()))));
    }

    @Test
    void canonLiftInsideFuncUsesTheFunctionTypeAndACoreProjection() {
        List<Section> s = sections("""
                (component
                  (core module $m (func (export "f")))
                  (core instance $i (instantiate $m))
                  (func (export "f") (canon lift (core func $i "f"))))""");
        assertThat(s.get(2)).isEqualTo(new Section.Types(List.of(new TypeDef.Func(false, List.of(),
                Optional.empty()))));
        assertThat(s.get(3)).isEqualTo(new Section.Aliases(List.of(new Alias.CoreInstanceExport(Sort.CORE_FUNC, 0,
                "f"))));
        assertThat(s.get(4)).isEqualTo(new Section.Canons(List.of(new Canon.Lift(0, List.of(), 0))));
        assertThat(s.get(5)).isEqualTo(new Section.Exports(List.of(new Export(ExternName.of("f"), Sort.FUNC, 0,
                Optional.empty()))));
    }

    @Test
    void anIdentifierOfAnEnclosingComponentBecomesAnOuterAlias() {
        List<Section> s = sections("(component (type $t u8) (component (import \"x\" (type (eq $t)))))");
        Component nested = ((Section.Components) s.get(1)).component();
        assertThat(nested.sections().getFirst()).isEqualTo(new Section.Aliases(List.of(
                new Alias.Outer(Sort.TYPE, 1, 0))));
        assertThat(nested.sections().get(1)).isEqualTo(new Section.Imports(List.of(new Import(ExternName.of("x"),
                new ExternType.Type(false, 0)))));
    }

    @Test
    void onlyTypesModulesAndComponentsMayBeReachedOutward() {
        assertThatThrownBy(() -> ComponentTextParser.parse(
                "(component (import \"x\" (func $x)) (component (export \"x\" (func $x))))"))
                .isInstanceOf(MalformedException.class)
                .hasMessageContaining("outer item `x` is not a module, type, or component");
    }

    @Test
    void attributesAreReadOnceEachAndEscapesAreChecked() {
        List<Section> s = sections("(component (import \"a\" (implements \"a:b/c\") (instance)))");
        assertThat(((Section.Imports) s.get(1)).imports().getFirst().name()).isEqualTo(new ExternName("a", 2,
                List.of(new ExternName.Attribute(ExternName.AttributeKind.IMPLEMENTS, "a:b/c"))));
        assertThatThrownBy(() -> ComponentTextParser.parse(
                "(component (import \"a\" (implements \"a:b/c\") (implements \"a:b/c\") (instance)))"))
                .isInstanceOf(MalformedException.class).hasMessageContaining("unexpected token");
        assertThatThrownBy(() -> ComponentTextParser.parse("(component (import \"a\" (external-id \"\\zz\") (func)))"))
                .isInstanceOf(MalformedException.class).hasMessageContaining("invalid string escape");
    }
}
