package dev.basalt.bench;

import dev.basalt.compiler.JvmCompiler;
import dev.basalt.wasm.binary.BinaryReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the JVM classes that Basalt's compiler and Endive's compiler generate for a workload (or any module), so
 * that their bytecode can be compared side by side (issue 4: where one runtime's loop does more than the other's).
 * Run by hand:
 *
 * <pre>java -cp basalt-bench/target/basalt-bench.jar dev.basalt.bench.GeneratedClasses mandel /tmp/mandel-classes
 * javap -c -p /tmp/mandel-classes/basalt/dev/basalt/compiler/gen/Inspected.class
 * javap -c -p '/tmp/mandel-classes/endive/run/endive/$gen/CompiledMachineFuncGroup_0.class'</pre>
 *
 * <p>Arguments: a workload name or a {@code .wasm} file, then the output directory; classes go to
 * {@code basalt/} and {@code endive/} under it, as {@code internal/Name.class}. Basalt's are those
 * {@link JvmCompiler#classFiles} gives (the classes its engine defines, named {@code Inspected}); Endive's are
 * those its compiler's {@code Compiler.compile()} collects (an internal API of Endive 1.0.0's compiler, reachable
 * on the class path; a module Endive cannot compile is reported and skipped). For the machine code C2 makes of
 * them, run the workload with {@code -XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,<class>::<method>}
 * (without hsdis HotSpot prints the code bytes, which {@code objdump -D -b binary -m i386:x86-64} decodes).
 */
public final class GeneratedClasses {
    private GeneratedClasses() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: GeneratedClasses WORKLOAD|FILE.wasm OUTPUT-DIRECTORY");
            System.exit(2);
        }
        byte[] wasm = moduleBytes(args[0]);
        Path out = Path.of(args[1]);
        report(write(out.resolve("basalt"), basalt(wasm)));
        try {
            report(write(out.resolve("endive"), endive(wasm)));
        } catch (RuntimeException e) {
            System.out.println("endive: cannot compile " + args[0] + ": " + e);
        }
    }

    /** A workload's module, or the bytes of a {@code .wasm} file. */
    static byte[] moduleBytes(String workloadOrFile) throws IOException {
        if (workloadOrFile.endsWith(".wasm")) {
            return Files.readAllBytes(Path.of(workloadOrFile));
        }
        return Workload.all().stream().filter(w -> w.name().equals(workloadOrFile)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no workload " + workloadOrFile)).wasm();
    }

    /** Basalt's classes for {@code wasm}, by internal name. */
    static Map<String, byte[]> basalt(byte[] wasm) {
        return JvmCompiler.classFiles(BinaryReader.read(wasm));
    }

    /** Endive's classes for {@code wasm}, by internal name. */
    static Map<String, byte[]> endive(byte[] wasm) {
        var module = run.endive.wasm.Parser.parse(wasm);
        Map<String, byte[]> out = new LinkedHashMap<>();
        run.endive.compiler.internal.Compiler.builder(module).build().compile().classBytes()
                .forEach((name, bytes) -> out.put(name.replace('.', '/'), bytes));
        return out;
    }

    /** Writes each class as {@code dir/internal/Name.class}; returns the files with their sizes. */
    static Map<Path, Integer> write(Path dir, Map<String, byte[]> classes) throws IOException {
        Map<Path, Integer> written = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
            Path file = dir.resolve(c.getKey() + ".class");
            Files.createDirectories(file.getParent());
            Files.write(file, c.getValue());
            written.put(file, c.getValue().length);
        }
        return written;
    }

    private static void report(Map<Path, Integer> written) {
        written.forEach((file, size) -> System.out.println(file + " (" + size + " bytes)"));
    }
}
