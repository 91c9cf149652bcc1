package dev.basalt.component.bindgen;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks javac to generate Java bindings for a WIT world while compiling the annotated class or package
 * ({@link BindgenProcessor}), so a project keeps only the WIT in source control:
 *
 * <pre>{@code
 * @GenerateBindings(wit = "src/main/wit", world = "calc", javaPackage = "com.example.calc")
 * final class CalcHost { ... uses com.example.calc.Calc ... }
 * }</pre>
 *
 * <p>The processor must be enabled (on JDK 23 and later javac runs no processor it merely finds on the class path):
 * with Maven, list basalt-component under the compiler plugin's {@code annotationProcessorPaths}, or pass
 * {@code -proc:full}. A relative {@code wit} path is resolved against the processor option {@code basalt.wit.root}
 * ({@code -Abasalt.wit.root=${project.basedir}}), else against the working directory.
 */
@Retention(RetentionPolicy.SOURCE)
@Target({ElementType.TYPE, ElementType.PACKAGE})
public @interface GenerateBindings {
    /** A .wit file or a WIT package directory (with deps/). */
    String wit();

    /** The world; may be left out when the package has exactly one. */
    String world() default "";

    /** The package of the generated classes; by default the annotated element's own package. */
    String javaPackage() default "";

    /** Features of {@code @unstable} items to include. */
    String[] features() default {};
}
