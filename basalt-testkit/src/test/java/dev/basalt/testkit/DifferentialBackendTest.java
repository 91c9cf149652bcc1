package dev.basalt.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.wast.WastValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The differential backend itself: agreement passes the reference's outcome on to the script's checks; a
 * disagreement fails the directive whatever the script expected, with both sides in the reason.
 */
class DifferentialBackendTest {
    private static final String MODULE = """
            (module
              (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
              (func (export "lie_add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
              (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
              (func (export "lie_trap") (result i32) (unreachable))
              (func (export "lie_nan") (result f32) (f32.const nan))
              (func (export "lie_snan") (result f32) (f32.const nan)))
            """;

    private static ScriptResult run(ExecutionBackend backend, String directives) {
        return WastRunner.standard(backend).run("d.wast", (MODULE + directives).getBytes(StandardCharsets.UTF_8));
    }

    private static List<Outcome> directives(ScriptResult r) {
        return r.outcomes().subList(1, r.outcomes().size());
    }

    @Test
    void interpreterAndCompilerAgreeOnResultsAndTraps() {
        ScriptResult r = run(DifferentialBackend.INTERPRETER_VS_COMPILER, """
                (assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
                (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
                (assert_trap (invoke "div" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
                (assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 6))
                """);
        assertThat(r.outcomes()).extracting(Outcome::status).containsExactly(Outcome.Status.PASSED,
                Outcome.Status.PASSED, Outcome.Status.PASSED, Outcome.Status.PASSED, Outcome.Status.FAILED);
        // a wrong expectation on which both agree is an ordinary failure, not a disagreement
        assertThat(r.outcomes().get(4).reason()).doesNotContain(DifferentialBackend.Disagreement.PREFIX);
    }

    @Test
    void differentResultsAreADisagreementEvenWhenTheReferenceMatchesTheScript() {
        ScriptResult r = run(new DifferentialBackend(RuntimeBackend.INSTANCE, new Lying()), """
                (assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
                (assert_return (invoke "lie_add" (i32.const 2) (i32.const 3)) (i32.const 5))
                (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
                (assert_trap (invoke "lie_trap") "unreachable")
                """);
        List<Outcome> o = directives(r);
        assertThat(o).extracting(Outcome::status).containsExactly(Outcome.Status.PASSED, Outcome.Status.FAILED,
                Outcome.Status.PASSED, Outcome.Status.FAILED);
        assertThat(o.get(1).reason()).contains("engines disagree on invoke \"lie_add\": interpreter returned "
                + "[(i32.const 5)], liar returned [(i32.const 6)]");
        assertThat(o.get(3).reason()).contains("engines disagree on invoke \"lie_trap\": interpreter failed "
                + "(trap UNREACHABLE)").contains("liar returned [(i32.const 0)]");
    }

    @Test
    void arithmeticNansAgreeWhateverTheirSignButASignallingNanDoesNot() {
        DifferentialBackend backend = new DifferentialBackend(RuntimeBackend.INSTANCE, new Lying());
        ScriptResult r = run(backend, """
                (assert_return (invoke "lie_nan") (f32.const nan:canonical))
                (assert_return (invoke "lie_snan") (f32.const nan:canonical))
                """);
        List<Outcome> o = directives(r);
        assertThat(o).extracting(Outcome::status).containsExactly(Outcome.Status.PASSED, Outcome.Status.FAILED);
        assertThat(o.get(1).reason()).contains("engines disagree on invoke \"lie_snan\"");
        assertThat(backend.toleratedNanDifferences()).isEqualTo(1);
    }

    @Test
    void aModuleTheCandidateCannotTranslateIsSkippedWithItsReason() {
        // A body over 64 KB that cannot be split (it has a try_table): the compiler cannot translate it.
        String script = "(module (func (export \"big\") (result i32) (local" + " i64".repeat(40_000)
                + ") (try_table) (i32.const 7)))\n(assert_return (invoke \"big\") (i32.const 7))\n";
        ScriptResult r = WastRunner.standard(DifferentialBackend.INTERPRETER_VS_COMPILER).run("u.wast",
                script.getBytes(StandardCharsets.UTF_8));
        assertThat(r.outcomes()).hasSize(2).allSatisfy(x -> {
            assertThat(x.skipped()).isTrue();
            assertThat(x.reason()).startsWith("compiler: unsupported");
        });
    }

    /**
     * The interpreter, except that exports named {@code lie_*} return their i32 result plus one (f32 results: see
     * below), and a trap in them becomes the result 0: a stand-in for a miscompiling engine.
     */
    private static final class Lying implements ExecutionBackend {
        @Override
        public String name() {
            return "liar";
        }

        @Override
        public Failure classify(Throwable t) {
            return RuntimeBackend.INSTANCE.classify(t);
        }

        @Override
        public Session openSession() {
            Session inner = RuntimeBackend.INSTANCE.openSession();
            return new Session() {
                @Override
                public Instance instantiate(WasmModule module, Optional<String> name) {
                    Instance i = inner.instantiate(module, name);
                    return new Instance() {
                        @Override
                        public List<Value> invoke(String export, List<WastValue> args) {
                            if (!export.startsWith("lie_")) {
                                return i.invoke(export, args);
                            }
                            try {
                                return i.invoke(export, args).stream().map(v -> switch (v) {
                                    case Value.I32 x -> new Value.I32(x.value() + 1);
                                    // lie_nan: the other sign; lie_snan: the quiet bit cleared
                                    case Value.F32 f when export.equals("lie_nan") -> new Value.F32(f.bits() ^ 0x8000_0000);
                                    case Value.F32 f -> new Value.F32((f.bits() & ~0x0040_0000) | 1);
                                    default -> v;
                                }).toList();
                            } catch (RuntimeException trap) {
                                return List.of(new Value.I32(0));
                            }
                        }

                        @Override
                        public Value get(String export) {
                            return i.get(export);
                        }
                    };
                }

                @Override
                public void register(String as, Instance instance) {
                    throw new UnsupportedOperationException("not used by these scripts");
                }
            };
        }
    }
}
