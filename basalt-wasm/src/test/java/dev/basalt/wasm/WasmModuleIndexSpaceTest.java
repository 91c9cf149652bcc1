package dev.basalt.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.basalt.wasm.binary.BinaryReader;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.WatParser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The index-space helpers of {@link WasmModule}: imports of each kind first, then definitions. */
class WasmModuleIndexSpaceTest {
    private static final String MIXED = """
            (module
              (import "a" "f0" (func))
              (import "a" "g0" (global i32))
              (import "a" "m0" (memory 1))
              (import "a" "f1" (func (param i32)))
              (import "a" "t0" (table 1 funcref))
              (import "a" "g1" (global (mut i64)))
              (import "a" "f2" (func))
              (import "a" "e0" (tag))
              (func) (func)
              (global i32 (i32.const 0))
              (table 2 funcref)
              (tag))
            """;

    @Test
    void countsAndListsEachKindOfImportInOrder() {
        WasmModule m = WatParser.parseModule(MIXED);
        assertThat(m.importCount(ExternKind.FUNC)).isEqualTo(3);
        assertThat(m.importCount(ExternKind.GLOBAL)).isEqualTo(2);
        assertThat(m.importCount(ExternKind.MEMORY)).isEqualTo(1);
        assertThat(m.importCount(ExternKind.TABLE)).isEqualTo(1);
        assertThat(m.importCount(ExternKind.TAG)).isEqualTo(1);
        assertThat(m.imports(ExternKind.FUNC)).extracting(Import::name).containsExactly("f0", "f1", "f2");
        assertThat(m.imports(ExternKind.GLOBAL)).extracting(Import::name).containsExactly("g0", "g1");
        assertThat(m.functionCount()).isEqualTo(5);
        assertThat(m.globalCount()).isEqualTo(3);
        assertThat(m.memoryCount()).isEqualTo(1);
        assertThat(m.tableCount()).isEqualTo(2);
        assertThat(m.tagCount()).isEqualTo(2);
        assertThat(m.imports()).extracting(Import::name)
                .containsExactly("f0", "g0", "m0", "f1", "t0", "g1", "f2", "e0");
    }

    @Test
    void theImportsAreImmutableAndEqualToAPlainListOfTheSameImports() {
        WasmModule m = WatParser.parseModule(MIXED);
        List<Import> plain = new ArrayList<>(m.imports());
        assertThat(m.imports()).isEqualTo(plain).hasSameHashCodeAs(plain);
        assertThatThrownBy(() -> m.imports().add(plain.getFirst())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.imports(ExternKind.FUNC).clear())
                .isInstanceOf(UnsupportedOperationException.class);
        // The caller's list is copied: changing it afterwards changes neither the module nor its counts.
        WasmModule copy = new WasmModule(m.recGroups(), plain, m.functions(), m.tables(), m.memories(), m.tags(),
                m.globals(), m.exports(), m.start(), m.elements(), m.dataCount(), m.data(), m.customSections(),
                m.names());
        plain.clear();
        assertThat(copy).isEqualTo(m);
        assertThat(copy.importCount(ExternKind.FUNC)).isEqualTo(3);
        assertThat(BinaryReader.read(BinaryWriter.write(copy)).imports()).isEqualTo(m.imports());
    }

    @Test
    void aModuleWithoutImportsCountsOnlyItsDefinitions() {
        WasmModule m = WatParser.parseModule("(module (func) (memory 1))");
        assertThat(m.importCount(ExternKind.FUNC)).isZero();
        assertThat(m.imports(ExternKind.MEMORY)).isEmpty();
        assertThat(m.functionCount()).isEqualTo(1);
        assertThat(m.memoryCount()).isEqualTo(1);
        assertThat(WasmModule.empty().functionCount()).isZero();
    }

    @Test
    void typesAreOneIndexSpaceAcrossRecursionGroupsAndImmutable() {
        WasmModule m = WatParser.parseModule("""
                (module
                  (type $a (func))
                  (rec (type $b (struct (field (ref null $c)))) (type $c (struct (field (ref null $b)))))
                  (type $d (array i8)))
                """);
        assertThat(m.recGroups()).hasSize(3);
        List<SubType> flat = new ArrayList<>();
        m.recGroups().forEach(g -> flat.addAll(g.types()));
        assertThat(m.types()).hasSize(4).isEqualTo(flat);
        assertThatThrownBy(() -> m.types().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.recGroups().clear()).isInstanceOf(UnsupportedOperationException.class);
        // The caller's list of groups is copied: changing it afterwards changes neither the groups nor the types.
        List<RecGroup> groups = new ArrayList<>(m.recGroups());
        WasmModule copy = new WasmModule(groups, m.imports(), m.functions(), m.tables(), m.memories(), m.tags(),
                m.globals(), m.exports(), m.start(), m.elements(), m.dataCount(), m.data(), m.customSections(),
                m.names());
        groups.clear();
        assertThat(copy).isEqualTo(m).hasSameHashCodeAs(m);
        assertThat(copy.types()).isEqualTo(flat);
        assertThat(BinaryReader.read(BinaryWriter.write(copy)).types()).isEqualTo(m.types());
    }
}
