package dev.basalt.testkit;

import dev.basalt.component.binary.ComponentBinaryReader;
import dev.basalt.component.model.Component;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.validate.ComponentValidator;
import dev.basalt.testkit.ExecutionBackend.Failure;
import dev.basalt.testkit.ExecutionBackend.FailureKind;
import dev.basalt.testkit.ExecutionBackend.Instance;
import dev.basalt.testkit.ExecutionBackend.Session;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.Features;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.wast.Action;
import dev.basalt.wasm.wast.Directive;
import dev.basalt.wasm.wast.ModuleSource;
import dev.basalt.wasm.wast.WastScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs WAST scripts directive by directive and says what became of each: the runner behind {@code basalt wast} and
 * the JUnit spec suite.
 *
 * <p>What each directive asserts:
 * <ul>
 *   <li>{@code (module ...)}: the module parses (text with the WAT parser, {@code binary} with the binary reader,
 *       {@code quote} with the WAT parser) and validates, and, when the backend executes, instantiates.</li>
 *   <li>{@code assert_malformed}: parsing throws {@link MalformedException}.</li>
 *   <li>{@code assert_invalid}: parsing succeeds and validation throws {@link InvalidException}.</li>
 *   <li>Everything that needs execution goes through the {@link ExecutionBackend}; with {@link NoExecution} it is
 *       skipped (the modules it names are still parsed and validated).</li>
 * </ul>
 * Malformed and invalid modules are decided by the exception's kind; when its message does not start with the
 * text the script expects, the directive still passes and the {@link Outcome#note()} says so. Trap messages are
 * compared too, because for traps the message is the kind.
 *
 * <p>A runner is stateless and may run several scripts at once on different threads.
 */
public final class WastRunner {
    private final Frontend frontend;
    private final ExecutionBackend backend;

    public WastRunner(Frontend frontend, ExecutionBackend backend) {
        this.frontend = java.util.Objects.requireNonNull(frontend, "frontend");
        this.backend = java.util.Objects.requireNonNull(backend, "backend");
    }

    /** A runner on Basalt's own parsers and validator. */
    public static WastRunner standard(ExecutionBackend backend) {
        return new WastRunner(Frontend.standard(), backend);
    }

    public ExecutionBackend backend() {
        return backend;
    }

    /** Reads, parses and runs the script at {@code file}; {@code displayName} names it in the result. */
    public ScriptResult run(Path file, String displayName) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return new ScriptResult(displayName, List.of(Outcome.failed(0, "script", "cannot read " + file + ": " + e)));
        }
        return run(displayName, content);
    }

    /** Parses and runs a script; a script that does not parse gives a single failed outcome at line 0. */
    public ScriptResult run(String fileName, byte[] content) {
        WastScript script;
        try {
            script = frontend.parseScript(fileName, content);
        } catch (Throwable t) {
            return new ScriptResult(fileName, List.of(Outcome.failed(0, "script",
                    "the script does not parse: " + describe(t), unexpected(t))));
        }
        return run(script);
    }

    public ScriptResult run(WastScript script) {
        List<Outcome> outcomes = new ArrayList<>(script.directives().size());
        try (Run run = new Run(SpecSuite.featuresFor(script.fileName()))) {
            for (Directive d : script.directives()) {
                outcomes.add(run.execute(d));
            }
        }
        return new ScriptResult(script.fileName(), outcomes);
    }

    /** Why directives that need a component instance are skipped until the component runtime is wired in. */
    public static final String COMPONENT_RUNTIME_SKIP_REASON = "component runtime";

    /** The directive's keyword as the script spells it. */
    public static String kind(Directive d) {
        return switch (d) {
            case Directive.Module m -> m.definition() ? "module definition" : "module";
            case Directive.ModuleInstance ignored -> "module instance";
            case Directive.Register ignored -> "register";
            case Directive.ActionDirective a -> a.action() instanceof Action.Get ? "get" : "invoke";
            case Directive.AssertReturn ignored -> "assert_return";
            case Directive.AssertTrap ignored -> "assert_trap";
            case Directive.AssertModuleTrap ignored -> "assert_trap";
            case Directive.AssertExhaustion ignored -> "assert_exhaustion";
            case Directive.AssertException ignored -> "assert_exception";
            case Directive.AssertMalformed m -> m.custom() ? "assert_malformed_custom" : "assert_malformed";
            case Directive.AssertInvalid i -> i.custom() ? "assert_invalid_custom" : "assert_invalid";
            case Directive.AssertUnlinkable ignored -> "assert_unlinkable";
        };
    }

    /** Whether the directive defines or asserts something about a component rather than a core module. */
    static boolean componentSource(Directive d) {
        ModuleSource source = switch (d) {
            case Directive.Module m -> m.source();
            case Directive.AssertModuleTrap a -> a.module();
            case Directive.AssertUnlinkable a -> a.module();
            case Directive.AssertMalformed a -> a.module();
            case Directive.AssertInvalid a -> a.module();
            default -> null;
        };
        return source instanceof ModuleSource.Component;
    }

    /** Whether the directive invokes or reads the current instance. */
    private static boolean actionOn(Directive d) {
        return d instanceof Directive.ActionDirective || d instanceof Directive.AssertReturn
                || d instanceof Directive.AssertTrap || d instanceof Directive.AssertExhaustion
                || d instanceof Directive.AssertException;
    }

    /** Parses a component as the script gives it: its binary form with the reader, its text with the parser. */
    static Component parseComponent(ModuleSource source) {
        if (!(source instanceof ModuleSource.Component c)) {
            throw new IllegalStateException("not a component: " + source);
        }
        return c.binary().isPresent() ? ComponentBinaryReader.read(c.binary().get())
                : ComponentTextParser.parse(c.text());
    }

    /** Parses a module as the script gives it (no validation), accepting only {@code features}. */
    WasmModule parse(ModuleSource source, Features features) {
        return switch (source) {
            case ModuleSource.Text t -> frontend.parseText(t.text(), features);
            case ModuleSource.Binary b -> frontend.decode(b.bytes());
            case ModuleSource.Quote q -> frontend.parseText(quotedModuleText(q.text()), features);
            case ModuleSource.Component c -> throw new IllegalStateException("a component is not a core module: " + c);
        };
    }

    /**
     * The module text of {@code (module quote "...")}. Like the spec interpreter, a quoted text may be a whole
     * {@code (module ...)} form or just its fields; only the latter is wrapped.
     */
    static String quotedModuleText(String text) {
        int i = skipBlankAndComments(text, 0);
        if (text.startsWith("(module", i)
                && (i + 7 == text.length() || isDelimiter(text.charAt(i + 7)))) {
            return text;
        }
        return "(module " + text + ")";
    }

    private static boolean isDelimiter(char c) {
        return Character.isWhitespace(c) || c == '(' || c == ')' || c == ';' || c == '"';
    }

    private static int skipBlankAndComments(String s, int i) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith(";;", i)) {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? s.length() : nl + 1;
            } else if (s.startsWith("(;", i)) {
                int depth = 0;
                while (i < s.length()) {
                    if (s.startsWith("(;", i)) {
                        depth++;
                        i += 2;
                    } else if (s.startsWith(";)", i)) {
                        i += 2;
                        if (--depth == 0) {
                            break;
                        }
                    } else {
                        i++;
                    }
                }
            } else {
                break;
            }
        }
        return i;
    }

    /** The state of one script run: its backend session, named instances and module definitions. */
    private final class Run implements AutoCloseable {
        private Session session;
        private final Map<String, Instance> instances = new HashMap<>();
        private final Map<String, WasmModule> definitions = new HashMap<>();
        /** Component definitions by name, and the names of component instances (which the runtime cannot run yet). */
        private final Map<String, Component> componentDefinitions = new HashMap<>();
        private final java.util.Set<String> componentInstances = new java.util.HashSet<>();
        /** Whether the last {@code definition} directive defined a component rather than a core module. */
        private boolean lastDefinitionIsComponent;
        private Component lastComponentDefinition;
        /** Instantiated components by name, and why named ones could not be instantiated (skipped). */
        private final Map<String, ExecutionBackend.ComponentTarget> componentTargets = new HashMap<>();
        private final Map<String, String> componentSkips = new HashMap<>();
        /** The current component instance, or why there is none (skipped); both null after a failure. */
        private ExecutionBackend.ComponentTarget currentComponent;
        private String currentComponentSkipped;
        private WasmModule lastDefinition;
        private Instance current;
        /** Whether the last module directive defined a component (which is not instantiated yet). */
        private boolean currentIsComponent;
        /** Line of the last module directive that failed to give an instance, for clearer follow-on failures. */
        private int currentFailedAt;
        /** Why the current instance is missing when the engine could not run its module; null otherwise. */
        private String currentSkipped;
        /** Named instances whose module the engine could not run, with the reason. */
        private final Map<String, String> skippedInstances = new HashMap<>();
        /** Registered names of such instances, with the reason. */
        private final Map<String, String> skippedRegistrations = new HashMap<>();
        /** What the script's modules may use (see {@link SpecSuite#featuresFor}). */
        private final Features features;

        Run(Features features) {
            this.features = features;
        }

        Outcome execute(Directive d) {
            String kind = kind(d);
            if (componentSource(d)) {
                return component(d, kind);
            }
            if (d instanceof Directive.ModuleInstance mi && namesComponentDefinition(mi)) {
                return componentInstance(mi, kind);
            }
            if (d instanceof Directive.Module m && !m.definition()) {
                currentIsComponent = false;
            } else if (actionsOnComponent(d)) {
                return backend.executes() ? componentAction(d, kind) : skippedForNoEngine(d.line(), kind);
            }
            try {
                return switch (d) {
                    case Directive.Module m -> module(m, kind);
                    case Directive.ModuleInstance mi -> moduleInstance(mi, kind);
                    case Directive.Register r -> register(r, kind);
                    case Directive.ActionDirective a -> action(a, kind);
                    case Directive.AssertReturn ar -> assertReturn(ar, kind);
                    case Directive.AssertTrap at -> expectFailure(at.line(), kind, at.action(), FailureKind.TRAP,
                            at.message());
                    case Directive.AssertExhaustion ae -> expectFailure(ae.line(), kind, ae.action(),
                            FailureKind.EXHAUSTION, ae.message());
                    case Directive.AssertException ae -> expectFailure(ae.line(), kind, ae.action(),
                            FailureKind.EXCEPTION, null);
                    case Directive.AssertModuleTrap mt -> expectInstantiationFailure(mt.line(), kind, mt.module(),
                            FailureKind.TRAP, mt.message());
                    case Directive.AssertUnlinkable au -> expectInstantiationFailure(au.line(), kind, au.module(),
                            FailureKind.UNLINKABLE, au.message());
                    case Directive.AssertMalformed am -> assertMalformed(am, kind);
                    case Directive.AssertInvalid ai -> assertInvalid(ai, kind);
                };
            } catch (Throwable t) {
                // a bug in the runner or backend; keep going with the next directive
                return Outcome.failed(d.line(), kind, "unexpected " + describe(t), t);
            }
        }

        private Outcome module(Directive.Module m, String kind) {
            WasmModule module;
            try {
                module = parse(m.source(), features);
            } catch (Throwable t) {
                noCurrent(m.line());
                return Outcome.failed(m.line(), kind, "the module does not parse: " + describe(t), unexpected(t));
            }
            try {
                frontend.validate(module, features);
            } catch (Throwable t) {
                noCurrent(m.line());
                return Outcome.failed(m.line(), kind, "the module does not validate: " + describe(t), unexpected(t));
            }
            if (m.definition()) {
                lastDefinition = module;
                lastDefinitionIsComponent = false;
                m.source().id().ifPresent(id -> definitions.put(id, module));
                return Outcome.passed(m.line(), kind);
            }
            if (!backend.executes()) {
                return Outcome.passed(m.line(), kind);
            }
            return instantiate(m.line(), kind, module, m.source().id());
        }

        private Outcome moduleInstance(Directive.ModuleInstance mi, String kind) {
            WasmModule module = mi.module().isPresent() ? definitions.get(mi.module().get()) : lastDefinition;
            if (module == null) {
                return Outcome.failed(mi.line(), kind, "no module definition " + mi.module().orElse("(none so far)"));
            }
            if (!backend.executes()) {
                return skippedForNoEngine(mi.line(), kind);
            }
            return instantiate(mi.line(), kind, module, mi.instance());
        }

        private Outcome instantiate(int line, String kind, WasmModule module, Optional<String> name) {
            currentIsComponent = false;
            name.ifPresent(componentInstances::remove);
            Instance instance;
            try {
                instance = session().instantiate(module, name);
            } catch (Throwable t) {
                noCurrent(line);
                Optional<String> skip = unsupported(t, module);
                if (skip.isPresent()) {
                    currentSkipped = skip.get();
                    name.ifPresent(n -> skippedInstances.put(n, skip.get()));
                    return Outcome.skipped(line, kind, skip.get());
                }
                return Outcome.failed(line, kind, "instantiation failed: " + describeFailure(t), unexpected(t));
            }
            current = instance;
            currentSkipped = null;
            name.ifPresent(n -> {
                instances.put(n, instance);
                skippedInstances.remove(n);
            });
            return Outcome.passed(line, kind);
        }

        private Outcome register(Directive.Register r, String kind) {
            if (!backend.executes()) {
                return skippedForNoEngine(r.line(), kind);
            }
            Optional<String> skip = skipReason(r.module());
            if (skip.isPresent()) {
                skippedRegistrations.put(r.as(), skip.get());
                return Outcome.skipped(r.line(), kind, skip.get());
            }
            skippedRegistrations.remove(r.as());
            session().register(r.as(), instance(r.module()));
            return Outcome.passed(r.line(), kind);
        }

        private Outcome action(Directive.ActionDirective a, String kind) {
            if (!backend.executes()) {
                return skippedForNoEngine(a.line(), kind);
            }
            Optional<String> skip = skipReason(a.action().module());
            if (skip.isPresent()) {
                return Outcome.skipped(a.line(), kind, skip.get());
            }
            try {
                perform(a.action());
            } catch (Throwable t) {
                return Outcome.failed(a.line(), kind, describeAction(a.action()) + " failed: " + describeFailure(t),
                        unexpected(t));
            }
            return Outcome.passed(a.line(), kind);
        }

        private Outcome assertReturn(Directive.AssertReturn ar, String kind) {
            if (!backend.executes()) {
                return skippedForNoEngine(ar.line(), kind);
            }
            Optional<String> skip = skipReason(ar.action().module());
            if (skip.isPresent()) {
                return Outcome.skipped(ar.line(), kind, skip.get());
            }
            List<Value> results;
            try {
                results = perform(ar.action());
            } catch (Throwable t) {
                return Outcome.failed(ar.line(), kind, describeAction(ar.action()) + " failed: " + describeFailure(t),
                        unexpected(t));
            }
            Optional<String> mismatch = ResultMatcher.mismatch(ar.expected(), results);
            return mismatch.map(why -> Outcome.failed(ar.line(), kind, describeAction(ar.action()) + ": " + why))
                    .orElseGet(() -> Outcome.passed(ar.line(), kind));
        }

        private Outcome expectFailure(int line, String kind, Action action, FailureKind expected, String message) {
            if (!backend.executes()) {
                return skippedForNoEngine(line, kind);
            }
            Optional<String> skip = skipReason(action.module());
            if (skip.isPresent()) {
                return Outcome.skipped(line, kind, skip.get());
            }
            List<Value> results;
            try {
                results = perform(action);
            } catch (Throwable t) {
                return judgeFailure(line, kind, t, expected, message);
            }
            return Outcome.failed(line, kind, describeAction(action) + ": expected " + expectation(expected, message)
                    + ", got results " + ResultMatcher.describeValues(results));
        }

        private Outcome expectInstantiationFailure(int line, String kind, ModuleSource source, FailureKind expected,
                                                   String message) {
            WasmModule module;
            try {
                module = parse(source, features);
                frontend.validate(module, features);
            } catch (Throwable t) {
                return Outcome.failed(line, kind, "the module should be valid, but: " + describe(t), unexpected(t));
            }
            if (!backend.executes()) {
                return skippedForNoEngine(line, kind);
            }
            try {
                // such a module never becomes the current one, whatever happens
                session().instantiate(module, source.id());
            } catch (Throwable t) {
                Optional<String> skip = unsupported(t, module);
                if (skip.isPresent()) {
                    return Outcome.skipped(line, kind, skip.get());
                }
                return judgeFailure(line, kind, t, expected, message);
            }
            return Outcome.failed(line, kind, "expected " + expectation(expected, message)
                    + ", but the module instantiated");
        }

        private Outcome judgeFailure(int line, String kind, Throwable t, FailureKind expected, String message) {
            Failure failure = backend.classify(t);
            if (failure.kind() != expected) {
                return Outcome.failed(line, kind, "expected " + expectation(expected, message) + ", got "
                        + failure.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + failure.message(),
                        failure.kind() == FailureKind.OTHER ? t : null);
            }
            if (message == null || messagesAgree(message, failure.message())) {
                return Outcome.passed(line, kind);
            }
            if (expected == FailureKind.UNLINKABLE) {
                // link errors are decided by kind; engines word the details differently
                return Outcome.passed(line, kind, Optional.of(messageNote(message, failure.message())));
            }
            return Outcome.failed(line, kind, "expected " + expectation(expected, message) + ", got "
                    + failure.kind().name().toLowerCase(java.util.Locale.ROOT) + " \"" + failure.message() + "\"");
        }

        /** Whether the directive invokes, reads or registers a component instance. */
        private boolean actionsOnComponent(Directive d) {
            Optional<String> target = switch (d) {
                case Directive.ActionDirective a -> a.action().module();
                case Directive.AssertReturn a -> a.action().module();
                case Directive.AssertTrap a -> a.action().module();
                case Directive.AssertExhaustion a -> a.action().module();
                case Directive.AssertException a -> a.action().module();
                case Directive.Register r -> r.module();
                default -> null;
            };
            if (target == null) {
                return false;
            }
            return target.isPresent() ? componentInstances.contains(target.get()) : currentIsComponent;
        }

        private boolean namesComponentDefinition(Directive.ModuleInstance mi) {
            return mi.module().isPresent() ? componentDefinitions.containsKey(mi.module().get())
                    : lastDefinitionIsComponent;
        }

        /** {@code (component instance $I $C)}: instantiates a component definition. */
        private Outcome componentInstance(Directive.ModuleInstance mi, String kind) {
            Component c = mi.module().isPresent() ? componentDefinitions.get(mi.module().get())
                    : lastComponentDefinition;
            becomesCurrentComponent(mi.instance());
            if (c == null) {
                currentFailedAt = mi.line();
                return Outcome.failed(mi.line(), kind, "no component definition "
                        + mi.module().orElse("(none so far)"));
            }
            if (!backend.executes()) {
                return skippedForNoEngine(mi.line(), kind);
            }
            return instantiateComponent(mi.line(), kind, c, mi.instance());
        }

        private void becomesCurrentComponent(Optional<String> name) {
            current = null;
            currentSkipped = null;
            currentFailedAt = 0;
            currentIsComponent = true;
            currentComponent = null;
            currentComponentSkipped = null;
            name.ifPresent(n -> {
                componentInstances.add(n);
                instances.remove(n);
                componentTargets.remove(n);
                componentSkips.remove(n);
            });
        }

        private Outcome instantiateComponent(int line, String kind, Component c, Optional<String> name) {
            ExecutionBackend.ComponentTarget target;
            try {
                target = session().instantiateComponent(c, name);
            } catch (UnsupportedOperationException e) {
                currentComponentSkipped = COMPONENT_RUNTIME_SKIP_REASON;
                name.ifPresent(n -> componentSkips.put(n, COMPONENT_RUNTIME_SKIP_REASON));
                return Outcome.skipped(line, kind, COMPONENT_RUNTIME_SKIP_REASON);
            } catch (Throwable t) {
                currentFailedAt = line;
                return Outcome.failed(line, kind, "instantiation failed: " + describeFailure(t), unexpected(t));
            }
            currentComponent = target;
            name.ifPresent(n -> componentTargets.put(n, target));
            return Outcome.passed(line, kind);
        }

        /** {@code invoke}, {@code assert_return} and {@code assert_trap} on a component instance. */
        private Outcome componentAction(Directive d, String kind) {
            Action action = switch (d) {
                case Directive.ActionDirective a -> a.action();
                case Directive.AssertReturn a -> a.action();
                case Directive.AssertTrap a -> a.action();
                default -> null;
            };
            if (action == null) {
                return Outcome.skipped(d.line(), kind, "not supported on component instances");
            }
            Optional<String> target = action.module();
            ExecutionBackend.ComponentTarget instance = target.isPresent() ? componentTargets.get(target.get())
                    : currentComponent;
            if (instance == null) {
                String skip = target.isPresent() ? componentSkips.get(target.get()) : currentComponentSkipped;
                if (skip != null) {
                    return Outcome.skipped(d.line(), kind, skip);
                }
                return Outcome.failed(d.line(), kind, currentFailedAt > 0
                        ? "no component instance (the component at line " + currentFailedAt + " failed)"
                        : "no component instance");
            }
            if (!(action instanceof Action.Invoke inv)) {
                return Outcome.failed(d.line(), kind, "components have no globals to get");
            }
            List<dev.basalt.wasm.wast.WastValue> results;
            try {
                results = instance.invoke(inv.name(), inv.args());
            } catch (Throwable t) {
                if (d instanceof Directive.AssertTrap at) {
                    Failure failure = backend.classify(t);
                    if (componentTrapMatches(at.message(), failure)) {
                        return Outcome.passed(d.line(), kind);
                    }
                    return Outcome.failed(d.line(), kind, "expected trap \"" + at.message() + "\", got "
                            + describeFailure(t), failure.kind() == FailureKind.OTHER ? t : null);
                }
                return Outcome.failed(d.line(), kind, describeAction(action) + " failed: " + describeFailure(t),
                        unexpected(t));
            }
            String got = results.stream().map(ResultMatcher::describe)
                    .collect(java.util.stream.Collectors.joining(" ", "[", "]"));
            return switch (d) {
                case Directive.AssertTrap at -> Outcome.failed(d.line(), kind, describeAction(action)
                        + ": expected trap \"" + at.message() + "\", got results " + got);
                case Directive.AssertReturn ar -> {
                    boolean ok = ar.expected().size() == results.size();
                    for (int i = 0; ok && i < results.size(); i++) {
                        ok = ar.expected().get(i) instanceof dev.basalt.wasm.wast.WastResult.Exact e
                                && ComponentValues.matches(e.value(), results.get(i));
                    }
                    yield ok ? Outcome.passed(d.line(), kind) : Outcome.failed(d.line(), kind,
                            describeAction(action) + ": expected " + ar.expected().stream()
                                    .map(ResultMatcher::describe).collect(java.util.stream.Collectors.joining(" ",
                                            "[", "]")) + ", got " + got);
                }
                default -> Outcome.passed(d.line(), kind);
            };
        }

        /**
         * A component directive: the component is parsed (text or binary) and validated; {@code assert_malformed}
         * and {@code assert_invalid} are decided by that. Instantiating (a plain {@code (component ...)} with an
         * executing backend, {@code assert_unlinkable}, {@code assert_trap} on a component) needs the component
         * runtime and is skipped with {@link #COMPONENT_RUNTIME_SKIP_REASON}.
         */
        private Outcome component(Directive d, String kind) {
            return switch (d) {
                case Directive.Module m -> componentModule(m, kind);
                case Directive.AssertMalformed am -> componentMalformed(am, kind);
                case Directive.AssertInvalid ai -> componentInvalid(ai, kind);
                case Directive.AssertUnlinkable au -> componentNeedsRuntime(au.line(), kind, au.module());
                case Directive.AssertModuleTrap mt -> componentModuleTrap(mt, kind);
                default -> Outcome.failed(d.line(), kind, "not a component directive");
            };
        }

        private Outcome componentModule(Directive.Module m, String kind) {
            Component c;
            try {
                c = parseComponent(m.source());
            } catch (Throwable t) {
                if (!m.definition()) {
                    becomesCurrentComponent(m.source().id());
                }
                return Outcome.failed(m.line(), kind, "the component does not parse: " + describe(t), unexpected(t));
            }
            try {
                ComponentValidator.validate(c);
            } catch (Throwable t) {
                if (!m.definition()) {
                    becomesCurrentComponent(m.source().id());
                }
                return Outcome.failed(m.line(), kind, "the component does not validate: " + describe(t),
                        unexpected(t));
            }
            if (m.definition()) {
                lastDefinitionIsComponent = true;
                lastComponentDefinition = c;
                m.source().id().ifPresent(id -> componentDefinitions.put(id, c));
                return Outcome.passed(m.line(), kind);
            }
            becomesCurrentComponent(m.source().id());
            if (!backend.executes()) {
                return Outcome.passed(m.line(), kind);
            }
            return instantiateComponent(m.line(), kind, c, m.source().id());
        }

        private Outcome componentMalformed(Directive.AssertMalformed am, String kind) {
            try {
                parseComponent(am.module());
            } catch (MalformedException e) {
                return componentMessageCheck(am.line(), kind, am.message(), e.reason());
            } catch (Throwable t) {
                return Outcome.failed(am.line(), kind, "expected malformed \"" + am.message() + "\", got "
                        + describe(t), unexpected(t));
            }
            return Outcome.failed(am.line(), kind, "expected malformed \"" + am.message()
                    + "\", but the component parsed");
        }

        private Outcome componentInvalid(Directive.AssertInvalid ai, String kind) {
            Component c;
            try {
                c = parseComponent(ai.module());
            } catch (InvalidException e) {
                return componentMessageCheck(ai.line(), kind, ai.message(), e.reason());
            } catch (Throwable t) {
                return Outcome.failed(ai.line(), kind, "expected invalid \"" + ai.message()
                        + "\", but the component does not parse: " + describe(t), unexpected(t));
            }
            try {
                ComponentValidator.validate(c);
            } catch (InvalidException e) {
                return componentMessageCheck(ai.line(), kind, ai.message(), e.reason());
            } catch (Throwable t) {
                return Outcome.failed(ai.line(), kind, "expected invalid \"" + ai.message() + "\", got "
                        + describe(t), unexpected(t));
            }
            return Outcome.failed(ai.line(), kind, "expected invalid \"" + ai.message()
                    + "\", but the component validated");
        }

        /**
         * Whether a component-level failure is the trap a component script expects (the scripts write traps as
         * wasmtime prints them; {@link dev.basalt.component.ComponentWast#expectedTrapMessage} maps that wording).
         */
        private static boolean componentTrapMatches(String expectedMessage, Failure failure) {
            String expected = dev.basalt.component.ComponentWast.expectedTrapMessage(expectedMessage);
            return failure.kind() == FailureKind.TRAP && failure.message() != null
                    && failure.message().contains(expected);
        }

        /**
         * {@code (assert_trap (component ...) "msg")}: instantiating the component (its core start functions) must
         * trap. Such a component never becomes the current one.
         */
        private Outcome componentModuleTrap(Directive.AssertModuleTrap mt, String kind) {
            Component c;
            try {
                c = parseComponent(mt.module());
                ComponentValidator.validate(c);
            } catch (Throwable t) {
                return Outcome.failed(mt.line(), kind, "the component should be valid, but: " + describe(t),
                        unexpected(t));
            }
            if (!backend.executes()) {
                return skippedForNoEngine(mt.line(), kind);
            }
            try {
                session().instantiateComponent(c, Optional.empty());
            } catch (UnsupportedOperationException e) {
                return Outcome.skipped(mt.line(), kind, COMPONENT_RUNTIME_SKIP_REASON);
            } catch (Throwable t) {
                Failure failure = backend.classify(t);
                if (componentTrapMatches(mt.message(), failure)) {
                    return Outcome.passed(mt.line(), kind);
                }
                return Outcome.failed(mt.line(), kind, "expected trap \"" + mt.message() + "\", got "
                        + describeFailure(t), failure.kind() == FailureKind.OTHER ? t : null);
            }
            return Outcome.failed(mt.line(), kind, "expected trap \"" + mt.message()
                    + "\", but the component instantiated");
        }

        private Outcome componentNeedsRuntime(int line, String kind, ModuleSource source) {
            try {
                ComponentValidator.validate(parseComponent(source));
            } catch (Throwable t) {
                return Outcome.failed(line, kind, "the component should be valid, but: " + describe(t), unexpected(t));
            }
            return backend.executes() ? Outcome.skipped(line, kind, COMPONENT_RUNTIME_SKIP_REASON)
                    : skippedForNoEngine(line, kind);
        }

        private Outcome assertMalformed(Directive.AssertMalformed am, String kind) {
            try {
                parse(am.module(), features);
            } catch (MalformedException e) {
                return passedWithMessageCheck(am.line(), kind, am.message(), e.reason());
            } catch (Throwable t) {
                return Outcome.failed(am.line(), kind, "expected malformed \"" + am.message() + "\", got "
                        + describe(t), unexpected(t));
            }
            return Outcome.failed(am.line(), kind, "expected malformed \"" + am.message() + "\", but the module parsed");
        }

        private Outcome assertInvalid(Directive.AssertInvalid ai, String kind) {
            WasmModule module;
            try {
                module = parse(ai.module(), features);
            } catch (InvalidException e) {
                // a text parser may resolve and reject some things (e.g. inline type uses) before validation
                return passedWithMessageCheck(ai.line(), kind, ai.message(), e.reason());
            } catch (Throwable t) {
                return Outcome.failed(ai.line(), kind, "expected invalid \"" + ai.message()
                        + "\", but the module does not parse: " + describe(t), unexpected(t));
            }
            try {
                frontend.validate(module, features);
            } catch (InvalidException e) {
                return passedWithMessageCheck(ai.line(), kind, ai.message(), e.reason());
            } catch (Throwable t) {
                return Outcome.failed(ai.line(), kind, "expected invalid \"" + ai.message() + "\", got "
                        + describe(t), unexpected(t));
            }
            return Outcome.failed(ai.line(), kind, "expected invalid \"" + ai.message() + "\", but the module validated");
        }

        private List<Value> perform(Action action) {
            Instance target = instance(action.module());
            return switch (action) {
                case Action.Invoke inv -> target.invoke(inv.name(), inv.args());
                case Action.Get get -> List.of(target.get(get.name()));
            };
        }

        private Instance instance(Optional<String> name) {
            if (name.isPresent()) {
                Instance named = instances.get(name.get());
                if (named == null) {
                    throw new IllegalStateException("no module instance named " + name.get());
                }
                return named;
            }
            if (current == null) {
                throw new IllegalStateException(currentFailedAt > 0
                        ? "no current module instance (the module at line " + currentFailedAt + " failed)"
                        : "no module instance yet");
            }
            return current;
        }

        private void noCurrent(int failedAt) {
            current = null;
            currentFailedAt = failedAt;
            currentSkipped = null;
        }

        /**
         * Why directives on the instance {@code name} (or the current one) are skipped: the engine could not run its
         * module (an engine limit, never counted as passed); empty when they run.
         */
        private Optional<String> skipReason(Optional<String> name) {
            return Optional.ofNullable(name.isPresent() ? skippedInstances.get(name.get()) : currentSkipped);
        }

        /** The engine's skip reason for {@code t}, or that of a skipped registration {@code module} imports from. */
        private Optional<String> unsupported(Throwable t, WasmModule module) {
            Optional<String> own = backend.unsupported(t);
            if (own.isPresent()) {
                return own;
            }
            for (var im : module.imports()) {
                String reason = skippedRegistrations.get(im.module());
                if (reason != null) {
                    return Optional.of(reason);
                }
            }
            return Optional.empty();
        }

        private Session session() {
            if (session == null) {
                session = backend.openSession();
            }
            return session;
        }

        private String describeFailure(Throwable t) {
            Failure f = backend.classify(t);
            return f.kind() == FailureKind.OTHER ? describe(t)
                    : f.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + f.message();
        }

        @Override
        public void close() {
            if (session != null) {
                session.close();
            }
        }
    }

    private static Outcome skippedForNoEngine(int line, String kind) {
        return Outcome.skipped(line, kind, NoExecution.SKIP_REASON);
    }

    private static Outcome passedWithMessageCheck(int line, String kind, String expected, String actual) {
        return messagesAgree(expected, actual) ? Outcome.passed(line, kind)
                : Outcome.passed(line, kind, Optional.of(messageNote(expected, actual)));
    }

    /**
     * Component directives: the component testsuite is written against wasm-tools, whose runner accepts an error
     * whose message contains the expected text; a failure with another message still passes, with a note.
     */
    private static Outcome componentMessageCheck(int line, String kind, String expected, String actual) {
        return actual != null && actual.contains(expected) ? Outcome.passed(line, kind)
                : Outcome.passed(line, kind, Optional.of(messageNote(expected, actual)));
    }

    /**
     * The spec interpreter's rule: the actual message starts with the expected text. Also accepted: the actual
     * message is a non-empty prefix of the expected one (e.g. "uninitialized element" for "uninitialized element 2"),
     * since the kind is what the wording identifies.
     */
    static boolean messagesAgree(String expected, String actual) {
        if (actual == null) {
            return expected.isEmpty();
        }
        return actual.startsWith(expected) || (!actual.isEmpty() && expected.startsWith(actual));
    }

    private static String messageNote(String expected, String actual) {
        return "message differs: expected \"" + expected + "\", got \"" + actual + "\"";
    }

    private static String expectation(FailureKind kind, String message) {
        String what = switch (kind) {
            case TRAP -> "trap";
            case EXHAUSTION -> "exhaustion";
            case EXCEPTION -> "an uncaught exception";
            case UNLINKABLE -> "link error";
            case OTHER -> "failure";
        };
        return message == null ? what : what + " \"" + message + "\"";
    }

    private static String describeAction(Action action) {
        String target = action.module().map(m -> m + " ").orElse("");
        return switch (action) {
            case Action.Invoke inv -> "invoke " + target + "\"" + inv.name() + "\""
                    + (inv.args().isEmpty() ? "" : inv.args().stream().map(ResultMatcher::describe)
                    .collect(java.util.stream.Collectors.joining(" ", " ", "")));
            case Action.Get get -> "get " + target + "\"" + get.name() + "\"";
        };
    }

    /** A one-line description: Basalt's own exceptions by their message, anything else with its class. */
    static String describe(Throwable t) {
        if (t instanceof MalformedException e) {
            return "malformed: " + e.getMessage();
        }
        if (t instanceof InvalidException e) {
            return "invalid: " + e.getMessage();
        }
        if (t instanceof dev.basalt.wasm.BasaltException) {
            return t.getMessage();
        }
        return "crash: " + t;
    }

    /** The throwable worth a stack trace in verbose output: anything but Basalt's own exceptions. */
    private static Throwable unexpected(Throwable t) {
        return t instanceof dev.basalt.wasm.BasaltException ? null : t;
    }
}
