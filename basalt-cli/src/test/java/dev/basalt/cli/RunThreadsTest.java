package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code basalt run} of wasi-threads programs (basalt-wasi/src/test/resources/wasi-threads). */
class RunThreadsTest {
    @TempDir
    Path dir;

    private String program(String name) throws IOException {
        try (InputStream in = RunThreadsTest.class.getResourceAsStream("/wasi-threads/" + name)) {
            return Files.write(dir.resolve(name), in.readAllBytes()).toString();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void threadsRunAndEndTheProgramAsWasmtimeDoes(String engine) throws IOException {
        CliRun counter = CliRun.of("run", "--engine", engine, "--no-cache", program("counter.wat"));
        assertThat(counter.err()).isEmpty();
        assertThat(counter.code()).isZero();
        assertThat(counter.out()).isEqualTo("36000\n36\n");

        String ending = program("ending.wat");
        CliRun trap = CliRun.of("run", "--engine", engine, "--no-cache", ending, "1");
        assertThat(trap.code()).isEqualTo(134);
        assertThat(trap.err()).startsWith("wasm trap: unreachable").contains("wasm backtrace:");

        assertThat(CliRun.of("run", "--engine", engine, "--no-cache", ending, "2").code()).isEqualTo(3);

        CliRun limited = CliRun.of("run", "--engine", engine, "--no-cache", "--max-threads", "3", ending, "4");
        assertThat(limited.out()).isEqualTo("3\n");
        assertThat(limited.code()).isZero();

        CliRun timedOut = CliRun.of("run", "--engine", engine, "--no-cache", "--timeout", "300ms", ending, "3");
        assertThat(timedOut.code()).isEqualTo(134);
        assertThat(timedOut.err()).startsWith("wasm trap: deadline exceeded");
    }
}
