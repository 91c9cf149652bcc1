package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's first command, {@code ./basalt run examples/hello.wasm Basalt}, does what the README says. */
class ReadmeExampleTest {
    /** examples/ at the repository root; Maven runs this module's tests in basalt-cli/. */
    private static Path example(String name) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve("examples").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("examples/" + name + " not found above " + here);
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void helloGreetsComputesAndSeesOnlyTheGrantedEnvironment() {
        String hello = example("hello.wasm").toString();
        assertThat(run("run", hello, "Basalt")).containsExactly("0",
                "Hello, Basalt, from WebAssembly on the JVM!\n"
                        + "fib(25) = 75025, computed in Wasm\n"
                        + "LANG is not set (the guest sees only the environment it is given)\n",
                "");
        String[] withEnv = run("run", "--env", "LANG=C", hello, "fail");
        assertThat(withEnv[0]).isEqualTo("7");
        assertThat(withEnv[1]).contains("LANG is C");
    }

    @Test
    void theWastExampleRunsWithoutFailures() {
        String[] r = run("wast", example("hello.wast").toString());
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains(" 0 failed");
    }
}
