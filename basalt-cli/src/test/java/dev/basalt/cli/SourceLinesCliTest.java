package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code basalt run} prints DWARF source lines in its trap backtrace on every engine, and {@code basalt inspect}
 * says which debug sections it understood (fixture: basalt-wasm's src/test/c/dwarf/crash.c with DWARF 5).
 */
class SourceLinesCliTest {
    private static final Path FIXTURE = Path.of("../basalt-wasm/src/test/resources/dwarf/crash-dwarf5.wasm");

    @TempDir
    Path dir;

    @Test
    void runPrintsSourceLinesOnEachEngine() {
        for (String engine : new String[] {"interpreter", "compiler", "auto"}) {
            CliRun r = CliRun.of("run", "--engine", engine, "--no-cache", FIXTURE.toString());
            assertThat(r.code()).as(engine).isEqualTo(134);
            assertThat(r.err()).as(engine).startsWith("""
                    wasm trap: integer divide by zero
                    wasm backtrace:
                      0: divide @0x73
                            at divide (crash.c:16:14)
                      1: start @0xa4
                            at div (crash.c:24:12) [inlined]
                            at start (crash.c:32:16)""");
        }
    }

    @Test
    void invokedExportsToo() {
        CliRun r = CliRun.of("run", FIXTURE.toString(), "--invoke", "load", "100000000");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("0: sum_from @0x66\n        at element (crash.c:7:12) [inlined]\n"
                + "        at sum_from (crash.c:11:17)\n  1: load @0x7b\n        at load (crash.c:20:12)");
    }

    @Test
    void componentsToo() {
        CliRun r = CliRun.of("run", "../basalt-component/src/test/components/dwarf/crash.component.wasm",
                "--invoke", "divide(1, 0)");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("wasm trap: integer divide by zero")
                .contains("        at quotient (crash.c:3:14)\n  1: divide @0x4a\n        at divide (crash.c:7:12)");
    }

    @Test
    void inspectListsTheDebugSectionsItUnderstood() throws IOException {
        CliRun r = CliRun.of("inspect", FIXTURE.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("\".debug_line\" ").contains("bytes (DWARF: read for source lines)")
                .contains("\".debug_loclists\" 42 bytes (DWARF: not needed)")
                .contains("debug info: DWARF 5: 1 unit, 5 functions (2 inlined), ")
                .doesNotContain("ignored (malformed)");
        // a damaged line table: inspect says what it ignored
        byte[] damaged = Files.readAllBytes(FIXTURE);
        // the name with its length byte in front, so that ".debug_line_str" does not match
        byte[] name = "\u000b.debug_line".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int at = indexOf(damaged, name) + name.length;
        damaged[at + 4] = 9; // version 9
        Path file = Files.write(dir.resolve("damaged.wasm"), damaged);
        CliRun d = CliRun.of("inspect", file.toString());
        assertThat(d.out()).contains("ignored (malformed): .debug_line at 0: unsupported .debug_line version 9");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
