package dev.basalt.component.bindgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code @GenerateBindings}: bindings appear during compilation and user code compiled with them runs. */
class BindgenProcessorTest {
    static final Path RESOURCES = Path.of("src/test/resources").toAbsolutePath();

    @Test
    void generatesBindingsThatTheAnnotatedCodeUsesInTheSameCompilation() throws Exception {
        Map<String, String> sources = Map.of("app/Host.java", """
                package app;

                import dev.basalt.component.binding.Result;
                import dev.basalt.component.bindgen.GenerateBindings;
                import java.util.EnumSet;

                @GenerateBindings(wit = "bindgen/shapes.wit", world = "app", javaPackage = "app.shapes")
                public final class Host {
                    public static String describe() {
                        app.shapes.Types.Point p = new app.shapes.Types.Point(1, 2);
                        Result<byte[], String> r = Result.ok(new byte[0]);
                        return p + " " + r.isOk() + " " + EnumSet.of(app.shapes.Types.Permissions.READ);
                    }
                }
                """);
        ClassLoader classes = InMemoryJavac.compile(sources, List.of("-A" + BindgenProcessor.ROOT_OPTION + "=" + RESOURCES),
                List.of(new BindgenProcessor()));
        assertThat(classes.loadClass("app.Host").getMethod("describe").invoke(null))
                .isEqualTo("Point[x=1, y=2] true [READ]");
        assertThat(classes.loadClass("app.shapes.Logger$Imports").isInterface()).isTrue();
    }

    @Test
    void problemsAreCompileErrorsOnTheAnnotatedElement() {
        Map<String, String> sources = Map.of("app/Bad.java", """
                package app;
                @dev.basalt.component.bindgen.GenerateBindings(wit = "bindgen/shapes.wit", world = "nope")
                final class Bad {
                }
                """);
        assertThatThrownBy(() -> InMemoryJavac.compile(sources,
                List.of("-A" + BindgenProcessor.ROOT_OPTION + "=" + RESOURCES), List.of(new BindgenProcessor())))
                .hasMessageContaining("Bad.java:3: error: basalt bindgen: no world nope in ");
        Map<String, String> missing = Map.of("app/Missing.java", """
                package app;
                @dev.basalt.component.bindgen.GenerateBindings(wit = "no-such.wit")
                final class Missing {
                }
                """);
        assertThatThrownBy(() -> InMemoryJavac.compile(missing,
                List.of("-A" + BindgenProcessor.ROOT_OPTION + "=" + RESOURCES), List.of(new BindgenProcessor())))
                .hasMessageContaining("error: basalt bindgen: ");
    }
}
