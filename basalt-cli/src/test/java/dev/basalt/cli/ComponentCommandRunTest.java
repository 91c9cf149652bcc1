package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code basalt run COMPONENT [ARGS]} for WASI 0.2 command components (the fixtures of basalt-wasi's
 * src/test/resources/wasi-p2, C programs wrapped by jco's preview1 adapter): the same flags as for core modules
 * grant exactly the directories, environment and arguments; the exit code is the guest's; on both engines.
 */
class ComponentCommandRunTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) {
        String relative = "basalt-wasi/src/test/resources/wasi-p2/" + name + ".component.wasm";
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    static CliRun run(String engine, String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "run";
        full[1] = "--engine";
        full[2] = engine;
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.of(full);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void argumentsEnvironmentAndExitCodes(String engine) {
        String hello = fixture("hello").toString();
        CliRun r = run(engine, "--env", "GREETING=hi", hello, "big", "world");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("hello big world\nGREETING=hi\n");
        assertThat(r.code()).isZero();
        CliRun x = run(engine, hello, "x");
        assertThat(x.out()).isEqualTo("hello x\n");
        assertThat(x.code()).as("the adapter reports a failing main as exit(err)").isEqualTo(1);
        // argv[0] is the file name, as for core modules; the host's environment is not inherited unless asked
        CliRun env = run(engine, fixture("p2").toString(), "env", "a b");
        assertThat(env.out()).isEqualTo("argc=3 [p2.component.wasm] [env] [a b]\nok env\n");
        assertThat(run(engine, fixture("p2").toString(), "exit", "0").code()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void filesOnlyInGrantedDirectoriesAndReadOnlyMeansReadOnly(String engine) throws IOException {
        Path work = Files.createDirectory(tmp.resolve("work"));
        CliRun files = run(engine, "--dir", work + "::/work", fixture("p2").toString(), "files");
        assertThat(files.out()).doesNotContain("FAIL").contains("ok files\n");
        assertThat(files.code()).isZero();
        assertThat(Files.readString(work.resolve("d/e/f.txt"))).isEqualTo("data");

        Path sandbox = Files.createDirectories(tmp.resolve("sandbox/sub")).getParent();
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        Path outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(ro.resolve("readme.txt"), "read me");
        Files.createSymbolicLink(sandbox.resolve("escape"), Path.of("../outside"));
        Files.createSymbolicLink(sandbox.resolve("abs"), outside.resolve("secret.txt").toAbsolutePath());
        Files.createSymbolicLink(sandbox.resolve("inner"), Path.of("sub"));
        CliRun r = run(engine, "--dir", sandbox + "::/sandbox", "--dir", ro + "::/ro:ro", fixture("p2").toString(),
                "sandbox");
        assertThat(r.out()).doesNotContain("FAIL").contains("ok dotdot\n", "ok symlinks\n", "ok readonly\n");
        assertThat(r.code()).isZero();
        try (Stream<Path> s = Files.list(ro)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("readme.txt");
        }
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter", "compiler"})
    void withoutAGrantTheFileSystemIsEmpty(String engine) {
        CliRun r = run(engine, fixture("p2").toString(), "files");
        // no pre-open at all: wasi-libc finds none for /work and answers ENOTCAPABLE (76) without asking the host
        assertThat(r.out()).containsPattern("FAIL \\d+ write_file\\(\"/work/a.txt\", \"hello world\"\\) == 0 \\(errno 76\\)")
                .doesNotContain("ok files");
        assertThat(r.code()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interpreter"})
    void socketsAreNotForComponentsYet(String engine) {
        CliRun r = run(engine, "--listen", "127.0.0.1:0", fixture("hello").toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("--listen is for core modules");
        CliRun missing = run(engine, "--dir", tmp.resolve("nope") + "::/x", fixture("hello").toString());
        assertThat(missing.code()).isEqualTo(Main.USAGE);
        assertThat(missing.err()).contains("cannot pre-open");
    }
}
