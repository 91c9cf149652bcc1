package dev.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** The class dump writes both compilers' classes for a workload as class files that hold its function. */
class GeneratedClassesTest {
    @Test
    void writesBasaltsAndEndivesClassesOfAWorkload(@TempDir Path dir) throws Exception {
        GeneratedClasses.main(new String[] {"mandel", dir.toString()});

        Path basalt = dir.resolve("basalt/dev/basalt/compiler/gen/Inspected.class");
        // mandel's one function is f0 in Basalt's class, func_0 in Endive's function group.
        assertThat(methods(basalt)).contains("f0");
        try (var files = Files.walk(dir.resolve("endive"))) {
            List<Path> endive = files.filter(f -> f.toString().endsWith(".class")).toList();
            assertThat(endive).isNotEmpty();
            List<String> all = new ArrayList<>();
            for (Path f : endive) {
                all.addAll(methods(f));
            }
            assertThat(all).contains("func_0");
        }
    }

    @Test
    void basaltsClassesAreTheOnesItsEngineDefines() throws Exception {
        // nbody's time step is a chunked loop: its method is in the same class, next to f0.
        Map<String, byte[]> classes = GeneratedClasses.basalt(GeneratedClasses.moduleBytes("nbody"));
        assertThat(classes).containsKey("dev/basalt/compiler/gen/Inspected");
        assertThat(methods(classes.get("dev/basalt/compiler/gen/Inspected"))).contains("f0", "f0$loop1");
    }

    private static List<String> methods(Path classFile) throws Exception {
        return methods(Files.readAllBytes(classFile));
    }

    private static List<String> methods(byte[] bytes) {
        List<String> names = new ArrayList<>();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                names.add(name);
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return names;
    }
}
