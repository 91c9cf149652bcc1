package dev.basalt.component.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.component.binary.ComponentBinaryReader;
import dev.basalt.component.binary.ComponentBinaryWriter;
import dev.basalt.component.model.Component;
import dev.basalt.wasm.InvalidException;
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
 * Every text {@code (component ...)} form of the component-model testsuite (outside {@code async/}) through the
 * text parser: components and the subjects of {@code assert_invalid} must parse, and round-trip through the binary
 * writer and reader to an equal model; text {@code assert_malformed} forms must be rejected with the expected
 * message.
 */
public class ComponentTextSuiteTest {
    public static Path suite() {
        Path root = Path.of(System.getProperty("basalt.shared", "../../shared"), "component-model-tests");
        assumeTrue(Files.isDirectory(root), "component-model-tests not found at " + root.toAbsolutePath()
                + " (set -Dbasalt.shared); skipping");
        return root;
    }

    public static List<Path> scripts(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".wast"))
                    .filter(p -> !root.relativize(p).toString().startsWith("async"))
                    .sorted().toList();
        }
    }

    @Test
    void everyTextFormParsesAndRoundTrips() throws IOException {
        Path root = suite();
        int parsed = 0;
        int malformed = 0;
        List<String> failures = new ArrayList<>();
        for (Path f : scripts(root)) {
            String name = root.relativize(f).toString();
            WastScript script = WastParser.parse(name, Files.readAllBytes(f));
            for (Directive d : script.directives()) {
                String where = name + ":" + d.line();
                ModuleSource src = switch (d) {
                    case Directive.Module m -> m.source();
                    case Directive.AssertInvalid a -> a.module();
                    case Directive.AssertUnlinkable a -> a.module();
                    case Directive.AssertModuleTrap a -> a.module();
                    default -> null;
                };
                if (src instanceof ModuleSource.Component c && c.binary().isEmpty()) {
                    parsed++;
                    try {
                        Component comp = ComponentTextParser.parse(c.text());
                        Component again = ComponentBinaryReader.read(ComponentBinaryWriter.write(comp));
                        if (!again.equals(comp)) {
                            failures.add(where + ": round trip differs");
                        }
                    } catch (InvalidException e) {
                        if (!(d instanceof Directive.AssertInvalid)) {
                            failures.add(where + ": " + e);
                        }
                    } catch (RuntimeException e) {
                        failures.add(where + ": " + e);
                    }
                }
                if (d instanceof Directive.AssertMalformed a && a.module() instanceof ModuleSource.Component c
                        && c.binary().isEmpty()) {
                    malformed++;
                    try {
                        ComponentTextParser.parse(c.text());
                        failures.add(where + ": malformed text accepted (expected \"" + a.message() + "\")");
                    } catch (MalformedException e) {
                        if (!e.reason().startsWith(a.message())) {
                            failures.add(where + ": expected \"" + a.message() + "\", got \"" + e.reason() + "\"");
                        }
                    } catch (RuntimeException e) {
                        failures.add(where + ": not a MalformedException: " + e);
                    }
                }
            }
        }
        System.out.printf("component text forms: %d parsed, %d assert_malformed; %d failures%n", parsed, malformed,
                failures.size());
        failures.forEach(System.out::println);
        assertThat(parsed).as("text forms found").isGreaterThan(500);
        assertThat(failures).isEmpty();
    }
}
