package dev.basalt.wasi.preview2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.wasi.WasiConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WASI 0.3 commands ({@link WasiPreview3}) run end to end: guest components (WAT in {@code src/test/resources/wasi-p3})
 * that use wasi:cli, wasi:clocks and wasi:filesystem through async lowers and lifts, streams and futures, on both
 * engines.
 */
class WasiPreview3Test {
    @TempDir
    Path tmp;

    static String wat(String name) throws IOException {
        try (InputStream in = WasiPreview3Test.class.getResourceAsStream("/wasi-p3/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    record Run(int exitCode, String stdout) {
    }

    Run run(Config.Strategy strategy, String fixture, WasiConfig.Builder config) throws IOException {
        Engine engine = Engine.create(Config.builder().strategy(strategy).build());
        Component component = Component.fromModel(engine, ComponentTextParser.parse(wat(fixture)));
        assertThat(WasiPreview3.isCommand(component)).isTrue();
        ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
        WasiPreview3.addToLinker(linker, ctx -> ctx);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (WasiComponentContext wasi = WasiComponentContext.create(config.stdout(out).build())) {
            int code = WasiPreview3.runCommand(linker.instantiate(Store.create(engine, wasi), component));
            return new Run(code, out.toString(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void aCommandUsesArgumentsClocksFilesAndStdoutThroughStreams(Config.Strategy strategy) throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("app"));
        Files.writeString(dir.resolve("data.txt"), "line one\nline two, longer than one read\n");
        Files.writeString(tmp.resolve("secret.txt"), "not for the guest");
        Run r = run(strategy, "cli.wat", WasiConfig.builder().args("cli", "basalt").preopenDir(dir, "/app", true));
        assertThat(r.exitCode()).isZero();
        // not-permitted (30) is the sandbox's answer to a path leaving the preopen, as for 0.2
        assertThat(r.stdout()).isEqualTo("hello basalt\nline one\nline two, longer than one read\nescape: err 30\n");
    }

    @ParameterizedTest
    @EnumSource(value = Config.Strategy.class, names = {"INTERPRETER", "COMPILER"})
    void filesWrittenAndListedThroughStreamsStdinDroppedEarlyAWaitCancelledAndAnExitCode(Config.Strategy strategy)
            throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("work"));
        Files.writeString(dir.resolve("existing.txt"), "x");
        Run r = run(strategy, "fs.wat", WasiConfig.builder().preopenDir(dir, "/work")
                .stdin("abcdefgh, more than the guest reads".getBytes(StandardCharsets.UTF_8)));
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(Files.readString(dir.resolve("out.txt"))).isEqualTo("written by p3\nappended\n");
        assertThat(r.stdout().lines().filter(l -> l.startsWith("entry ")))
                .containsExactlyInAnyOrder("entry existing.txt", "entry out.txt");
        // CANCELLED_BEFORE_RETURNED = 4: the host's timer future was cancelled
        assertThat(r.stdout()).contains("stdin: abcd\n").endsWith("wait cancelled: 4\n");
        // a descriptor opened for reading only: the host drops the guest's stream (DROPPED = 1, nothing written) and
        // the result is err(bad-descriptor = 2); the file is unchanged
        assertThat(r.stdout()).contains("read-only: write 1, result 1\n02\n");
        assertThat(Files.readString(dir.resolve("existing.txt"))).isEqualTo("x");
    }
}
