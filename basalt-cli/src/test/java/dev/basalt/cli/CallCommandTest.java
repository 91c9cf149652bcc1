package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code basalt call}: Extism plug-ins from the command line (fixtures from basalt-plugin/src/test/c). */
class CallCommandTest {
    @TempDir
    Path dir;

    private Path plugin(String name) throws IOException {
        try (InputStream in = CallCommandTest.class.getResourceAsStream("/plugins/" + name)) {
            Path p = dir.resolve(name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }

    @Test
    void aHostFunctionTheCliDoesNotProvideIsReported() throws IOException {
        CliRun r = CliRun.of("call", plugin("test-plugin.wasm").toString(), "greet", "--input", "CLI",
                "--config", "greeting=Hey");
        // the test plug-in imports extism:host/user reverse, which the CLI does not provide
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("basalt call: plug-in cannot be linked: ").contains("extism:host/user")
                .contains("reverse");
    }

    @Test
    void manifestsLoopsConfigAndErrors() throws IOException {
        Path wasm = plugin("wasi-plugin.wasm");
        Path out = Files.createDirectory(dir.resolve("out"));
        Path manifest = dir.resolve("manifest.json");
        Files.writeString(manifest, "{\"wasm\": [{\"path\": \"wasi-plugin.wasm\"}], \"config\": {\"file\": \"m.txt\"}}");
        CliRun noWasi = CliRun.of("call", manifest.toString(), "write_file", "--input", "x");
        assertThat(noWasi.code()).isEqualTo(1);
        assertThat(noWasi.err()).contains("imports WASI").contains("--wasi");

        CliRun ok = CliRun.of("call", manifest.toString(), "write_file", "--wasi", "--input", "from the CLI",
                "--allow-path", out + "::/out", "--loop", "2");
        assertThat(ok.err()).isEmpty();
        assertThat(ok.code()).isEqualTo(0);
        assertThat(ok.out()).isEqualTo("from the CLI\nfrom the CLI\n");
        assertThat(Files.readString(out.resolve("m.txt"))).isEqualTo("from the CLI");

        CliRun readOnly = CliRun.of("call", wasm.toString(), "write_file", "--wasi", "--input", "x",
                "--config", "file=ro.txt", "--allow-path", out + "::/out:ro");
        assertThat(readOnly.code()).isEqualTo(1);
        assertThat(readOnly.err()).isEqualTo("basalt call: cannot open the file\n");
        assertThat(out.resolve("ro.txt")).doesNotExist();

        CliRun missing = CliRun.of("call", wasm.toString(), "nope", "--wasi");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).startsWith("basalt call: plug-in has no function 'nope' (it has [");

        CliRun badManifest = CliRun.of("call", Files.writeString(dir.resolve("bad.json"), "{\"wasm\": 3}").toString(), "f");
        assertThat(badManifest.code()).isEqualTo(2);
        assertThat(badManifest.err()).contains("\"wasm\" must be a non-empty array");
    }
}
