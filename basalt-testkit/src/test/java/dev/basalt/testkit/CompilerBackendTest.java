package dev.basalt.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The compiler backend in the runner: modules it translates run; directives on modules it cannot translate yet
 * (and on instances registered from them) are SKIPPED with the compiler's reason, never passed.
 */
class CompilerBackendTest {
    private static ScriptResult run(String script) {
        return WastRunner.standard(RuntimeBackend.COMPILER).run("c.wast", script.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void supportedModulesRun() {
        ScriptResult r = run("""
                (module (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))
                (assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
                (assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 6))
                """);
        assertThat(r.outcomes()).extracting(Outcome::status)
                .containsExactly(Outcome.Status.PASSED, Outcome.Status.PASSED, Outcome.Status.FAILED);
    }

    @Test
    void unsupportedModulesAreSkippedWithTheReason() {
        // Module $v: a function over 64 KB that cannot be split (40,000 i64 locals and a try_table) returning 7.
        ScriptResult r = run("""
                (module $v binary "\\00asm\\01\\00\\00\\00" "\\01\\05\\01\\60\\00\\01\\7f" "\\03\\02\\01\\00"
                  "\\07\\08\\01\\04lane\\00\\00" "\\0a\\0e\\01\\0c\\01\\c0\\b8\\02\\7e\\1f\\40\\00\\0b\\41\\07\\0b")
                (assert_return (invoke "lane") (i32.const 7))
                (assert_return (invoke $v "lane") (i32.const 8))
                (register "v" $v)
                (module (import "v" "lane" (func (result i32))))
                (module (func (export "one") (result i32) (i32.const 1)))
                (assert_return (invoke "one") (i32.const 1))
                """);
        List<Outcome> o = r.outcomes();
        assertThat(o).extracting(Outcome::status).containsExactly(Outcome.Status.SKIPPED, Outcome.Status.SKIPPED,
                Outcome.Status.SKIPPED, Outcome.Status.SKIPPED, Outcome.Status.SKIPPED, Outcome.Status.PASSED,
                Outcome.Status.PASSED);
        assertThat(o.get(0).reason()).startsWith("compiler: unsupported instruction (");
        assertThat(o.subList(1, 5)).allSatisfy(x -> assertThat(x.reason()).isEqualTo(o.get(0).reason()));
    }
}
