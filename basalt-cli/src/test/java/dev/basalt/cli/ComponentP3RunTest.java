package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code basalt run COMPONENT [ARGS]} for WASI 0.3 command components (exporting {@code wasi:cli/run@0.3.x}; the WAT
 * fixtures of basalt-wasi's src/test/resources/wasi-p3): the same --dir and argument handling as for 0.2, stdout
 * through a {@code stream<u8>}, on both engines.
 */
class ComponentP3RunTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) {
        String relative = "basalt-wasi/src/test/resources/wasi-p3/" + name;
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void aWasi03CommandRunsWithTheGrantedDirectoryAndArguments(String engine) throws IOException {
        Path app = Files.createDirectory(tmp.resolve("app"));
        Files.writeString(app.resolve("data.txt"), "from the host\n");
        Files.writeString(tmp.resolve("secret.txt"), "not for the guest");
        CliRun r = CliRun.of("run", "--engine", engine, "--dir", app + "::/app:ro", fixture("cli.wat").toString(),
                "basalt");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("hello basalt\nfrom the host\nescape: err 30\n");
        assertThat(r.code()).isZero();
    }
}
