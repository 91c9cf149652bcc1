package dev.basalt.component.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.component.model.Component;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastParser;
import dev.basalt.wasm.wast.WastScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code (component binary ...)} form of the component-model testsuite through the reader: components
 * must decode and round-trip through the writer; {@code assert_malformed} ones must fail with the expected
 * message; {@code assert_invalid} ones are well-formed (validation is not the reader's job), so they must decode.
 */
class ComponentBinarySuiteTest {
    private static Path suite() {
        Path root = Path.of(System.getProperty("basalt.shared", "../../shared"), "component-model-tests");
        assumeTrue(Files.isDirectory(root), "component-model-tests not found at " + root.toAbsolutePath()
                + " (set -Dbasalt.shared); skipping");
        return root;
    }

    @Test
    void everyBinaryFormIsDecidedAsTheSuiteExpects() throws IOException {
        Path root = suite();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> p.toString().endsWith(".wast")).sorted().toList();
        }
        int valid = 0;
        int malformed = 0;
        int invalid = 0;
        List<String> failures = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f);
            if (!text.contains("binary")) {
                continue;
            }
            String name = root.relativize(f).toString();
            WastScript script = WastParser.parse(name, Files.readAllBytes(f));
            for (Directive d : script.directives()) {
                String where = name + ":" + d.line();
                switch (d) {
                    case Directive.Module m when binary(m.source()) != null -> {
                        valid++;
                        try {
                            Component c = ComponentBinaryReader.read(binary(m.source()));
                            Component again = ComponentBinaryReader.read(ComponentBinaryWriter.write(c));
                            if (!again.equals(c)) {
                                failures.add(where + ": round trip differs");
                            }
                        } catch (RuntimeException e) {
                            failures.add(where + ": valid component rejected: " + e);
                        }
                    }
                    case Directive.AssertMalformed a when binary(a.module()) != null -> {
                        malformed++;
                        try {
                            ComponentBinaryReader.read(binary(a.module()));
                            failures.add(where + ": malformed component accepted (expected \"" + a.message() + "\")");
                        } catch (MalformedException e) {
                            if (!e.reason().startsWith(a.message())) {
                                failures.add(where + ": expected \"" + a.message() + "\", got \"" + e.reason() + "\"");
                            }
                        } catch (RuntimeException e) {
                            failures.add(where + ": not a MalformedException: " + e);
                        }
                    }
                    case Directive.AssertInvalid a when binary(a.module()) != null -> {
                        invalid++;
                        try {
                            ComponentBinaryReader.read(binary(a.module()));
                        } catch (RuntimeException e) {
                            failures.add(where + ": invalid (but well-formed) component rejected as malformed: " + e);
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        System.out.printf("component binary forms: %d components, %d assert_malformed, %d assert_invalid; %d failures%n",
                valid, malformed, invalid, failures.size());
        failures.forEach(System.out::println);
        assertThat(valid + malformed + invalid).as("binary forms found").isGreaterThan(100);
        assertThat(failures).isEmpty();
    }

    private static byte[] binary(ModuleSource source) {
        return source instanceof ModuleSource.Component c ? c.binary().orElse(null) : null;
    }
}
