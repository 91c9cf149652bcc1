package dev.basalt.wasm.text;

import dev.basalt.wasm.SpecTestsuite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.wasm.BasaltException;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastParser;
import dev.basalt.wasm.wast.WastScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Parses every {@code .wast} file of the spec testsuite (top level, custom/, legacy/, proposals/*) with the WAST
 * parser, then every text module in it with the WAT parser: modules outside {@code assert_malformed} must parse,
 * {@code (module quote ...)} inside {@code assert_malformed} must be rejected with a {@link MalformedException}.
 */
class TextCorpusTest {

    @Test
    void parsesEveryScriptAndModuleOfTheTestsuite() throws IOException {
        Path root = SpecTestsuite.dir();
        assumeTrue(root != null, "SKIPPED: spec testsuite not found (set -Dbasalt.shared or BASALT_WASM_TESTSUITE)");
        List<Path> files = SpecTestsuite.wastFiles(root);
        assertThat(files).hasSizeGreaterThan(100);
        List<String> failures = new ArrayList<>();
        List<String> acceptedMalformed = new ArrayList<>();
        int scripts = 0;
        int textModules = 0;
        int quoteModules = 0;
        int malformedRejected = 0;
        int malformedQuotes = 0;
        int sameMessage = 0;
        List<String> otherMessages = new ArrayList<>();
        for (Path f : files) {
            String name = root.relativize(f).toString();
            WastScript script;
            try {
                script = WastParser.parse(name, Files.readAllBytes(f));
                scripts++;
            } catch (BasaltException e) {
                failures.add(name + ": WAST: " + e.getMessage());
                continue;
            }
            for (Directive d : script.directives()) {
                ModuleSource src = switch (d) {
                    case Directive.Module m -> m.source();
                    case Directive.AssertModuleTrap a -> a.module();
                    case Directive.AssertInvalid a -> a.module();
                    case Directive.AssertUnlinkable a -> a.module();
                    case Directive.AssertMalformed a -> a.module();
                    default -> null;
                };
                if (src == null) {
                    continue;
                }
                String text = switch (src) {
                    case ModuleSource.Text t -> t.text();
                    case ModuleSource.Quote q -> "(module " + q.text() + ")";
                    case ModuleSource.Binary b -> null;
                    case ModuleSource.Component c -> null;
                };
                if (text == null) {
                    continue;
                }
                boolean mustFail = d instanceof Directive.AssertMalformed;
                if (mustFail) {
                    malformedQuotes++;
                } else if (src instanceof ModuleSource.Text) {
                    textModules++;
                } else {
                    quoteModules++;
                }
                try {
                    WatParser.parseModule(text, SpecTestsuite.features(name));
                    if (mustFail) {
                        acceptedMalformed.add(name + ":" + d.line() + " expected \""
                                + ((Directive.AssertMalformed) d).message() + "\"");
                    }
                } catch (MalformedException e) {
                    if (mustFail) {
                        malformedRejected++;
                        String expected = ((Directive.AssertMalformed) d).message();
                        if (e.reason().startsWith(expected)) {
                            sameMessage++;
                        } else {
                            otherMessages.add(name + ":" + d.line() + " expected \"" + expected + "\", got \""
                                    + e.reason() + "\"");
                        }
                    } else {
                        failures.add(name + ":" + d.line() + ": " + e.getMessage());
                    }
                } catch (dev.basalt.wasm.InvalidException e) {
                    // the parser may reject what only the text format can express wrongly (branch hint targets)
                    if (!(d instanceof Directive.AssertInvalid)) {
                        failures.add(name + ":" + d.line() + ": " + e);
                    }
                } catch (RuntimeException e) {
                    failures.add(name + ":" + d.line() + ": " + e);
                }
            }
        }
        System.out.printf("text corpus: %d scripts, %d text modules + %d quote modules parsed, "
                        + "%d/%d malformed quote modules rejected, %d failures%n",
                scripts, textModules, quoteModules, malformedRejected, malformedQuotes, failures.size());
        System.out.printf("  %d rejections with the reference wording, %d with other wording%n", sameMessage,
                otherMessages.size());
        otherMessages.stream().limit(1000).forEach(s -> System.out.println("  wording: " + s));
        acceptedMalformed.forEach(s -> System.out.println("  accepted malformed: " + s));
        failures.stream().limit(200).forEach(s -> System.out.println("  FAIL " + s));
        assertThat(failures).isEmpty();
        assertThat(acceptedMalformed).isEmpty();
    }
}
