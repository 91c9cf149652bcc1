package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    /** (module (type (func (result i32))) (func (export "f") (type 0) i32.const 42) (@custom "note" "\01\02")). */
    static final byte[] VALID = {0, 'a', 's', 'm', 1, 0, 0, 0,
        1, 5, 1, 0x60, 0, 1, 0x7f,
        3, 2, 1, 0,
        7, 5, 1, 1, 'f', 0, 0,
        10, 6, 1, 4, 0, 0x41, 42, 0x0b,
        0, 7, 4, 'n', 'o', 't', 'e', 1, 2};
    /** The same function returning an i64 where the type says i32. */
    static final byte[] INVALID = {0, 'a', 's', 'm', 1, 0, 0, 0,
        1, 5, 1, 0x60, 0, 1, 0x7f,
        3, 2, 1, 0,
        10, 6, 1, 4, 0, 0x42, 42, 0x0b};

    @TempDir
    Path dir;


    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void versionNamesTheBuild() {
        CliRun r = run("--version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("basalt 0.");
        // the commit the build came from: git describe's abbreviated id (in a git checkout; the test runs in
        // basalt-cli, the repository's .git is beside it: a directory, or a file in a worktree)
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("..", ".git")),
                "not built in a git checkout (no ../.git): the version names no commit");
        assertThat(r.out()).containsPattern("\\(commit [0-9a-f]{12}(-dirty)?, Java ");
    }

    @Test
    void validateSaysValidOrGivesTheErrorInOneLine() throws IOException {
        CliRun ok = run("validate", write("ok.wasm", VALID).toString());
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).isEqualTo("valid\n");

        CliRun bad = run("validate", write("bad.wasm", INVALID).toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("invalid: type mismatch").doesNotContain("Exception").hasLineCount(1);

        CliRun truncated = run("validate", write("cut.wasm", java.util.Arrays.copyOf(VALID, 20)).toString());
        assertThat(truncated.code()).isEqualTo(1);
        assertThat(truncated.out()).contains("malformed: ").hasLineCount(1);
    }

    @Test
    void inspectListsSectionsAndContents() throws IOException {
        CliRun r = run("inspect", write("m.wasm", VALID).toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("binary module, 43 bytes")
                .containsPattern("type +5 bytes at 0x8")
                .containsPattern("code +6 bytes at 0x1a")
                .containsPattern("custom \"note\" +7 bytes")
                .contains("0: (func (result i32))")
                .contains("\"f\" func 0")
                .contains("functions: 1 (0 imported, 1 defined)")
                .contains("\"note\" 2 bytes");
    }

    @Test
    void inspectWatPrintsTheModule() throws IOException {
        CliRun r = run("inspect", "--wat", write("m.wasm", VALID).toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                (module
                  (type (func (result i32)))
                  (func (type 0) (result i32)
                    i32.const 42
                  )
                  (export "f" (func 0))
                  (@custom "note" (after code) "\\01\\02")
                )
                """);
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        CliRun missing = run("validate", dir.resolve("nope.wasm").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("basalt: no such file: ").hasLineCount(1);

        CliRun engine = run("wast", "--engine", "warp-drive", dir.toString());
        assertThat(engine.code()).isEqualTo(2);
        assertThat(engine.err()).contains("engine 'warp-drive' is not available").contains("none");

        CliRun unknown = run("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument").contains("basalt --help");
    }

    @Test
    void wastOverNoScriptsEndsWithTheTotalsLine() {
        CliRun r = run("wast", "--engine", "none", dir.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("0 passed, 0 failed, 0 skipped\n");
    }

    private static final String SCRIPT = """
            (module
              (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
              (func (export "boom") unreachable))
            (assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
            (assert_return (invoke "add" (i32.const 2) (i32.const 2)) (i32.const 5))
            (assert_trap (invoke "boom") "unreachable")
            (assert_malformed (module quote "(func (i32.const))") "unexpected token")
            (assert_invalid (module (func (result i32) (i64.const 1))) "unknown operator")
            """;

    @Test
    void wastReportsEachFileFailuresWithLinesAndTheTotals() throws IOException {
        Path script = write("t.wast", SCRIPT.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        CliRun r = run("wast", "--engine", "interpreter", script.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEqualTo(script + ": 5 passed, 1 failed, 0 skipped\n"
                + "  " + script + ":5 assert_return: invoke \"add\" (i32.const 2) (i32.const 2): result 0: "
                + "expected (i32.const 5), got (i32.const 4)\n"
                + "5 passed, 1 failed, 0 skipped\n");
    }

    @Test
    void wastWithoutAnEngineSkipsExecutionAndVerboseShowsMessageMismatches() throws IOException {
        Path script = write("t.wast", SCRIPT.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        CliRun r = run("wast", "--engine", "none", "-v", script.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith(script + ": 3 passed, 0 failed, 3 skipped\n")
                .contains(script + ":8 assert_invalid (passed): message differs: expected \"unknown operator\", got \"type mismatch")
                .endsWith("3 passed, 0 failed, 3 skipped\n");
    }

    @Test
    void theExampleScriptPasses() {
        Path example = Path.of("..", "examples", "hello.wast");
        CliRun r = run("wast", example.toString());
        assertThat(r.out()).endsWith("9 passed, 0 failed, 0 skipped\n");
        assertThat(r.code()).isZero();
    }
}
