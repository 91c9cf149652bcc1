package dev.basalt.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.wasm.CustomSection;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.wast.Action;
import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastResult;
import dev.basalt.wasm.wast.WastScript;
import dev.basalt.wasm.wast.WastValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The runner's decisions, on a scripted frontend: module text containing "malformed" fails to parse, text
 * containing "invalid" parses to a module that fails validation, "crash" makes the parser throw a bug.
 */
class WastRunnerTest {
    /** A frontend whose behaviour is written into the module text. */
    static final class ScriptedFrontend implements Frontend {
        final List<String> parsedTexts = new ArrayList<>();

        @Override
        public WastScript parseScript(String fileName, byte[] content) {
            throw new MalformedException("unexpected token", 3);
        }

        @Override
        public WasmModule parseText(String text) {
            parsedTexts.add(text);
            if (text.contains("malformed")) {
                throw new MalformedException("unexpected token");
            }
            if (text.contains("crash")) {
                throw new ArrayIndexOutOfBoundsException(7);
            }
            return text.contains("invalid") ? marked("invalid") : WasmModule.empty();
        }

        @Override
        public WasmModule decode(byte[] bytes) {
            if (bytes.length < 8) {
                throw new MalformedException("unexpected end", bytes.length);
            }
            return WasmModule.empty();
        }

        @Override
        public byte[] encode(WasmModule module) {
            throw new UnsupportedOperationException("not needed by the runner");
        }

        @Override
        public void validate(WasmModule module) {
            if (!module.customSections().isEmpty()) {
                throw new InvalidException("type mismatch", 0, 12);
            }
        }

        private static WasmModule marked(String name) {
            WasmModule e = WasmModule.empty();
            return new WasmModule(e.recGroups(), e.imports(), e.functions(), e.tables(), e.memories(), e.tags(),
                    e.globals(), e.exports(), e.start(), e.elements(), e.dataCount(), e.data(),
                    List.of(new CustomSection(name, new byte[0], 0)), e.names());
        }
    }

    private final ScriptedFrontend frontend = new ScriptedFrontend();

    private static ModuleSource text(String s) {
        return new ModuleSource.Text(Optional.empty(), s);
    }

    private ScriptResult run(ExecutionBackend backend, Directive... directives) {
        return new WastRunner(frontend, backend).run(new WastScript("t.wast", List.of(directives)));
    }

    @Test
    void malformedPassesOnlyWhenParsingFailsAsMalformed() {
        ScriptResult r = run(NoExecution.INSTANCE,
                new Directive.AssertMalformed(1, text("(module malformed)"), "unexpected token", false),
                new Directive.AssertMalformed(2, text("(module malformed)"), "unknown operator", false),
                new Directive.AssertMalformed(3, text("(module)"), "unexpected token", false),
                new Directive.AssertMalformed(4, text("(module invalid)"), "unexpected token", false),
                new Directive.AssertMalformed(5, new ModuleSource.Binary(Optional.empty(), new byte[] {0, 'a'}),
                        "unexpected end", false),
                new Directive.AssertMalformed(6, text("(module crash)"), "unexpected token", false));
        List<Outcome> o = r.outcomes();
        assertThat(o.get(0).passed()).isTrue();
        assertThat(o.get(0).note()).isEmpty();
        assertThat(o.get(1).passed()).isTrue();
        assertThat(o.get(1).note()).hasValue("message differs: expected \"unknown operator\", got \"unexpected token\"");
        assertThat(o.get(2).failed()).isTrue();
        assertThat(o.get(2).reason()).contains("but the module parsed");
        // parses fine; its invalidity is not malformedness
        assertThat(o.get(3).failed()).isTrue();
        assertThat(o.get(4).passed()).isTrue();
        assertThat(o.get(5).failed()).isTrue();
        assertThat(o.get(5).reason()).contains("crash: java.lang.ArrayIndexOutOfBoundsException");
        assertThat(o.get(5).error()).isPresent();
        assertThat(o.get(0).kind()).isEqualTo("assert_malformed");
    }

    @Test
    void invalidPassesOnlyWhenValidationRejects() {
        ScriptResult r = run(NoExecution.INSTANCE,
                new Directive.AssertInvalid(1, text("(module invalid)"), "type mismatch", false),
                new Directive.AssertInvalid(2, text("(module)"), "type mismatch", false),
                new Directive.AssertInvalid(3, text("(module malformed)"), "type mismatch", false),
                new Directive.AssertInvalid(4, text("(module invalid)"), "unknown type", true));
        List<Outcome> o = r.outcomes();
        assertThat(o.get(0).passed()).isTrue();
        assertThat(o.get(1).failed()).isTrue();
        assertThat(o.get(1).reason()).contains("the module validated");
        assertThat(o.get(2).failed()).isTrue();
        assertThat(o.get(2).reason()).contains("does not parse");
        assertThat(o.get(3).passed()).isTrue();
        assertThat(o.get(3).note()).isPresent();
        assertThat(o.get(3).kind()).isEqualTo("assert_invalid_custom");
    }

    @Test
    void withoutAnEngineExecutionIsSkippedButModulesAreStillChecked() {
        Action invoke = new Action.Invoke(Optional.empty(), "f", List.of());
        ScriptResult r = run(NoExecution.INSTANCE,
                new Directive.Module(1, text("(module)"), false),
                new Directive.Module(2, text("(module invalid)"), false),
                new Directive.AssertReturn(3, invoke, List.of()),
                new Directive.AssertTrap(4, invoke, "unreachable"),
                new Directive.AssertUnlinkable(5, text("(module)"), "unknown import"),
                new Directive.AssertUnlinkable(6, text("(module invalid)"), "unknown import"),
                new Directive.Register(7, "M", Optional.empty()),
                new Directive.ActionDirective(8, invoke));
        List<Outcome> o = r.outcomes();
        assertThat(o).extracting(Outcome::status).containsExactly(Outcome.Status.PASSED, Outcome.Status.FAILED,
                Outcome.Status.SKIPPED, Outcome.Status.SKIPPED, Outcome.Status.SKIPPED, Outcome.Status.FAILED,
                Outcome.Status.SKIPPED, Outcome.Status.SKIPPED);
        assertThat(o.get(2).reason()).isEqualTo(NoExecution.SKIP_REASON);
        assertThat(r.summary()).isEqualTo("t.wast: 1 passed, 2 failed, 5 skipped");
    }

    @Test
    void quotedModulesAreWrappedUnlessTheyAreWholeModules() {
        assertThat(WastRunner.quotedModuleText("(func)")).isEqualTo("(module (func))");
        assertThat(WastRunner.quotedModuleText("  ;; c\n (module $m (func))")).isEqualTo("  ;; c\n (module $m (func))");
        assertThat(WastRunner.quotedModuleText("(; x ;)(module)")).isEqualTo("(; x ;)(module)");
        assertThat(WastRunner.quotedModuleText("(modulex)")).isEqualTo("(module (modulex))");
        run(NoExecution.INSTANCE, new Directive.Module(1, new ModuleSource.Quote(Optional.empty(), "(memory 1)"), false));
        assertThat(frontend.parsedTexts).containsExactly("(module (memory 1))");
    }

    @Test
    void componentsAreParsedAndValidatedAndActionsOnThemSkipped() {
        String script = """
                (component binary "\\00asm\\0d\\00\\01\\00")
                (assert_malformed (component binary "\\00asm\\0d\\00\\01\\00\\0d\\00") "malformed section id")
                (assert_malformed (component binary "\\00asm\\0d\\00\\01\\00") "malformed section id")
                (component binary "\\00asm\\0d\\00")
                (component (core module))
                (assert_invalid (component (type (record))) "at least one field")
                (assert_invalid (component (type (tuple u8))) "at least one")
                (assert_malformed (component quote "(type (record (field \\"a\\" nope)))") "unexpected token")
                (component $c (import "f" (func (param "x" u32))))
                (assert_return (invoke "f" (u32.const 1)))
                """;
        ScriptResult none = new WastRunner(Frontend.standard(), NoExecution.INSTANCE)
                .run("c.wast", script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(none.outcomes()).extracting(Outcome::status).containsExactly(Outcome.Status.PASSED,
                Outcome.Status.PASSED, Outcome.Status.FAILED, Outcome.Status.FAILED, Outcome.Status.PASSED,
                Outcome.Status.PASSED, Outcome.Status.FAILED, Outcome.Status.PASSED, Outcome.Status.PASSED,
                Outcome.Status.SKIPPED);
        assertThat(none.outcomes().get(2).reason()).contains("but the component parsed");
        assertThat(none.outcomes().get(3).reason()).contains("does not parse").contains("unexpected end-of-file");
        assertThat(none.outcomes().get(6).reason()).contains("but the component validated");
        assertThat(none.outcomes().get(9).reason()).isEqualTo(NoExecution.SKIP_REASON);
    }

    @Test
    void theComponentModelsAsyncScriptsRunLikeAnyOther() {
        // they were skipped wholesale before the component runtime had async; known gaps are in component-skips.txt
        ScriptResult r = new WastRunner(Frontend.standard(), NoExecution.INSTANCE)
                .run("component-model-tests/async/x.wast", "(component) (assert_return (invoke \"f\"))"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(r.outcomes()).extracting(Outcome::status)
                .containsExactly(Outcome.Status.PASSED, Outcome.Status.SKIPPED);
        assertThat(r.outcomes().get(1).reason()).isEqualTo(NoExecution.SKIP_REASON);
    }

    @Test
    void aScriptThatDoesNotParseIsOneFailure() {
        ScriptResult r = new WastRunner(frontend, NoExecution.INSTANCE).run("bad.wast", new byte[0]);
        assertThat(r.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.failed()).isTrue();
            assertThat(o.kind()).isEqualTo("script");
            assertThat(o.reason()).contains("unexpected token");
        });
    }

    /** A backend whose one instance exports: "one" -> [i32 1], "trap" -> unreachable, "deep" -> exhaustion. */
    static final class FakeBackend implements ExecutionBackend {
        final List<String> registered = new ArrayList<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Session openSession() {
            return new Session() {
                @Override
                public Instance instantiate(WasmModule module, Optional<String> name) {
                    if (!module.customSections().isEmpty()) {
                        throw new Trap(TrapKind.OUT_OF_BOUNDS_MEMORY_ACCESS);
                    }
                    return new Instance() {
                        @Override
                        public List<Value> invoke(String export, List<WastValue> args) {
                            return switch (export) {
                                case "one" -> List.of(new Value.I32(1));
                                case "trap" -> throw new Trap(TrapKind.UNREACHABLE, "in func 0");
                                case "deep" -> throw new Trap(TrapKind.CALL_STACK_EXHAUSTED);
                                default -> throw new IllegalArgumentException("no export " + export);
                            };
                        }

                        @Override
                        public Value get(String export) {
                            return new Value.I64(42);
                        }
                    };
                }

                @Override
                public void register(String as, Instance instance) {
                    registered.add(as);
                }
            };
        }
    }

    @Test
    void executionDirectivesGoThroughTheBackend() {
        FakeBackend backend = new FakeBackend();
        Action one = new Action.Invoke(Optional.empty(), "one", List.of());
        Action trap = new Action.Invoke(Optional.empty(), "trap", List.of());
        Action deep = new Action.Invoke(Optional.of("$m"), "deep", List.of());
        ScriptResult r = run(backend,
                new Directive.AssertReturn(1, one, List.of()),                                    // no module yet
                new Directive.Module(2, new ModuleSource.Text(Optional.of("$m"), "(module $m)"), false),
                new Directive.AssertReturn(3, one, List.of(new WastResult.Exact(new WastValue.I32(1)))),
                new Directive.AssertReturn(4, one, List.of(new WastResult.Exact(new WastValue.I32(2)))),
                new Directive.AssertTrap(5, trap, "unreachable"),
                new Directive.AssertTrap(6, trap, "integer overflow"),
                new Directive.AssertTrap(7, one, "unreachable"),
                new Directive.AssertExhaustion(8, deep, "call stack exhausted"),
                new Directive.AssertExhaustion(9, trap, "call stack exhausted"),
                new Directive.AssertReturn(10, new Action.Get(Optional.empty(), "g"),
                        List.of(new WastResult.Exact(new WastValue.I64(42)))),
                new Directive.Register(11, "M", Optional.of("$m")),
                new Directive.AssertModuleTrap(12, text("(module invalid-but-only-for-this-fake)"), "out of bounds"),
                new Directive.AssertReturn(13, new Action.Invoke(Optional.of("$nope"), "one", List.of()), List.of()));
        assertThat(r.outcomes()).extracting(Outcome::status).containsExactly(
                Outcome.Status.FAILED, Outcome.Status.PASSED, Outcome.Status.PASSED, Outcome.Status.FAILED,
                Outcome.Status.PASSED, Outcome.Status.FAILED, Outcome.Status.FAILED, Outcome.Status.PASSED,
                Outcome.Status.FAILED, Outcome.Status.PASSED, Outcome.Status.PASSED, Outcome.Status.FAILED,
                Outcome.Status.FAILED);
        Map<Integer, String> reasons = new java.util.HashMap<>();
        r.outcomes().forEach(o -> reasons.put(o.line(), o.reason()));
        assertThat(reasons.get(1)).contains("no module instance yet");
        assertThat(reasons.get(4)).contains("expected (i32.const 2), got (i32.const 1)");
        assertThat(reasons.get(6)).contains("expected trap \"integer overflow\", got trap \"unreachable: in func 0\"");
        assertThat(reasons.get(7)).contains("got results [(i32.const 1)]");
        assertThat(reasons.get(9)).contains("expected exhaustion");
        // the fake "instantiates" the marked module by trapping, but the frontend says it is invalid
        assertThat(reasons.get(12)).contains("should be valid");
        assertThat(reasons.get(13)).contains("no module instance named $nope");
        assertThat(backend.registered).containsExactly("M");
    }

    @Test
    void aFailedModuleLeavesNoCurrentInstance() {
        Action one = new Action.Invoke(Optional.empty(), "one", List.of());
        ScriptResult r = run(new FakeBackend(),
                new Directive.Module(1, text("(module)"), false),
                new Directive.Module(2, text("(module malformed)"), false),
                new Directive.AssertReturn(3, one, List.of(new WastResult.Exact(new WastValue.I32(1)))));
        assertThat(r.outcomes().get(2).reason()).contains("the module at line 2 failed");
    }

    @Test
    void messagesAgreeByPrefixEitherWay() {
        assertThat(WastRunner.messagesAgree("unknown function", "unknown function 3")).isTrue();
        assertThat(WastRunner.messagesAgree("uninitialized element 2", "uninitialized element")).isTrue();
        assertThat(WastRunner.messagesAgree("type mismatch", "unknown type")).isFalse();
        assertThat(WastRunner.messagesAgree("type mismatch", "")).isFalse();
    }
}
