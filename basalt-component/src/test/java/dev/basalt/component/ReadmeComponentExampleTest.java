package dev.basalt.component;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.component.bindgen.InMemoryJavac;
import dev.basalt.component.bindgen.JavaBindgen;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.WitLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's component example, compiled and run as written: bindings generated from examples/calc/calc.wit, the
 * Java block after the {@code readme-component-example} marker in README.md wrapped in a method, and its output
 * checked.
 */
class ReadmeComponentExampleTest {
    static Path repositoryFile(String relative) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theReadmeExampleRunsAsWritten() throws Exception {
        Path wit = repositoryFile("examples/calc/calc.wit");
        Path wat = repositoryFile("examples/calc/calc.wat");
        String readme = Files.readString(wit.getParent().getParent().getParent().resolve("README.md"));
        Matcher block = Pattern.compile("<!-- readme-component-example -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                .matcher(readme);
        assertThat(block.find()).as("README.md has the marked component example").isTrue();
        String snippet = block.group(1).replace("\"examples/calc/calc.wat\"",
                "\"" + wat.toString().replace("\\", "\\\\") + "\"");

        WitLoader.Loaded loaded = WitLoader.load(wit, WitLoader.Options.DEFAULT);
        Resolve.WorldId world = loaded.resolve().findWorld(loaded.roots().getFirst(), "calc").orElseThrow();
        Map<String, String> sources = new HashMap<>(
                JavaBindgen.generate(loaded.resolve(), world, new JavaBindgen.Options("example.calc")));
        sources.put("example/calc/ReadmeExample.java", """
                package example.calc;

                import dev.basalt.Engine;
                import dev.basalt.Store;
                import dev.basalt.component.Component;
                import dev.basalt.component.ComponentInstance;
                import dev.basalt.component.ComponentLinker;
                import dev.basalt.component.binding.ComponentCaller;
                import dev.basalt.component.binding.HostRegistrar;
                import dev.basalt.component.text.ComponentTextParser;
                import java.nio.file.Files;
                import java.nio.file.Path;

                public final class ReadmeExample {
                    public static void main(String[] args) throws Exception {
                %s
                    }
                }
                """.formatted(snippet));
        ClassLoader classes = InMemoryJavac.compile(sources);

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            classes.loadClass("example.calc.ReadmeExample").getMethod("main", String[].class)
                    .invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("42\n");
    }
}
