package dev.basalt.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Linker;
import dev.basalt.Module;
import dev.basalt.Store;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential test on basalt-bench's C workloads: under the compiler each gives the answer the same C gives
 * natively (expected.properties), and the interpreter's answer.
 */
class BenchWorkloadsTest {
    private static final Path DIR = Path.of("../basalt-bench/src/main/resources/wasm");

    @TestFactory
    Stream<DynamicTest> workloadsGiveTheNativeAnswers() throws IOException {
        assumeTrue(Files.isDirectory(DIR), "bench workloads not found at " + DIR.toAbsolutePath());
        Properties expected = new Properties();
        try (Reader r = Files.newBufferedReader(DIR.resolve("expected.properties"))) {
            expected.load(r);
        }
        List<String> names = expected.stringPropertyNames().stream().sorted().toList();
        assertThat(names).isNotEmpty();
        Engine compiler = Engine.create(Config.builder().strategy(Config.Strategy.COMPILER).build());
        return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            byte[] wasm = Files.readAllBytes(DIR.resolve(name + ".wasm"));
            long want = Long.parseLong(expected.getProperty(name));
            assertThat(run(compiler, wasm)).isEqualTo(want);
        }));
    }

    static long run(Engine engine, byte[] wasm) {
        Module m = Module.compile(engine, wasm);
        return Linker.<Void>create(engine).instantiate(Store.create(engine), m).getFunc("run").orElseThrow().callI64();
    }
}
