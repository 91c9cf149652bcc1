package dev.basalt.component.bindgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles generated bindings in memory (with every lint warning an error) and loads them. */
public final class InMemoryJavac {
    private InMemoryJavac() {
    }

    /** Compiles the sources in memory against the test class path. */
    public static ClassLoader compile(Map<String, String> sources) {
        return compile(sources, List.of(), List.of());
    }

    /** Compiles with extra javac options and annotation processors (given processors run even on JDK 23+). */
    public static ClassLoader compile(Map<String, String> sources, List<String> options,
            List<javax.annotation.processing.Processor> processors) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((path, text) -> units.add(new SimpleJavaFileObject(URI.create("string:///" + path),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        }));
        StandardJavaFileManager standard = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        JavaFileManager files = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                    FileObject sibling) {
                ByteArrayOutputStream sink = kind == JavaFileObject.Kind.CLASS
                        ? classes.computeIfAbsent(className, k -> new ByteArrayOutputStream())
                        : new ByteArrayOutputStream();
                // Sources written by annotation processors are read back by javac in the next round.
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension),
                        kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return sink;
                    }

                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return sink.toString(StandardCharsets.UTF_8);
                    }
                };
            }
        };
        StringBuilder diagnostics = new StringBuilder();
        List<String> allOptions = new ArrayList<>(List.of("-classpath", System.getProperty("java.class.path"),
                "-Xlint:all", "-Werror", "-Xlint:-processing"));
        allOptions.addAll(options);
        javax.tools.JavaCompiler.CompilationTask task = javac.getTask(null, files,
                d -> diagnostics.append(d).append('\n'), allOptions, null, units);
        if (!processors.isEmpty()) {
            task.setProcessors(processors);
        }
        boolean ok = task.call();
        assertThat(ok).as(diagnostics.toString()).isTrue();
        return new ClassLoader(InMemoryJavac.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                ByteArrayOutputStream bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, bytes.toByteArray(), 0, bytes.size());
            }
        };
    }
}
