package dev.basalt.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecSuiteTest {
    @TempDir
    Path root;

    private void touch(String name) throws IOException {
        Path p = root.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "");
    }

    @Test
    void listsTopLevelThenCustomLegacyAndEachProposal() throws IOException {
        for (String f : new String[] {"b.wast", "a.wast", "README.md", "custom/c.wast", "legacy/l.wast",
            "proposals/z/z.wast", "proposals/threads/t.wast", "other/ignored.wast"}) {
            touch(f);
        }
        assertThat(new SpecSuite(root).scripts()).extracting(SpecSuite.Script::name)
                .containsExactly("a.wast", "b.wast", "custom/c.wast", "legacy/l.wast", "proposals/threads/t.wast",
                        "proposals/z/z.wast");
        assertThat(new SpecSuite(root).scripts().get(4).folder()).isEqualTo("proposals/threads");
        assertThat(new SpecSuite(root).scripts().get(0).folder()).isEqualTo(".");
    }

    @Test
    void skipListNeedsAReasonPerEntryAndPrefersEngineSpecificEntries() {
        SpecTestSuite.SkipList skips = SpecTestSuite.SkipList.parse("""
                # comment
                a.wast:3  general reason
                interpreter/a.wast:3  engine reason
                proposals/x/b.wast:10 other
                """);
        assertThat(skips.reason("interpreter", "a.wast", 3)).hasValue("engine reason");
        assertThat(skips.reason("compiler", "a.wast", 3)).hasValue("general reason");
        assertThat(skips.reason("compiler", "a.wast", 4)).isEmpty();
        assertThat(skips.unusedKeys()).containsExactly("proposals/x/b.wast:10");
        assertThatThrownBy(() -> SpecTestSuite.SkipList.parse("a.wast:3\n"))
                .hasMessageContaining("line 1");
        assertThatThrownBy(() -> SpecTestSuite.SkipList.parse("a.wast  no line\n"))
                .hasMessageContaining("expected");
    }
}
