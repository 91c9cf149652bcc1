package dev.basalt.cli;

import dev.basalt.Engine;
import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.component.Component;
import dev.basalt.component.ComponentFunc;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.wave.Wave;
import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.WasiExitException;
import dev.basalt.wasi.preview2.WasiComponentContext;
import dev.basalt.wasi.preview2.WasiPreview2;
import dev.basalt.wasi.preview2.WasiPreview3;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code basalt run COMPONENT [ARGS...]}: runs a command component ({@code wasi:cli/run}) with WASI 0.2 and the
 * capabilities the flags grant (as for core modules: {@code --dir}, {@code --env}, ARGS as its arguments), exiting
 * with its exit code. {@code basalt run COMPONENT --invoke 'name(args)'} instead calls one export with arguments
 * written in WAVE, printing the result in WAVE (as {@code wasmtime run --invoke} does). A function of an exported
 * interface is named {@code interface#function}, e.g. {@code 'example:calc/api@1.0.0#add(1, 2)'}.
 *
 * <p>Components are told apart from core modules by the binary header (the same magic, then layer 1 instead of
 * core version 1) or, in text, by a first form {@code (component ...)}. The host defines WASI 0.2 (wasi:cli, io,
 * clocks, random, filesystem); a component importing anything else fails to instantiate with the linker's message
 * naming the missing import.
 */
final class ComponentRun {
    private ComponentRun() {
    }

    /** A component binary: {@code \0asm}, version 0x0d, layer 1. */
    static boolean isComponent(byte[] bytes) {
        return ModuleFiles.isBinary(bytes) && bytes.length >= 8 && bytes[4] == 0x0d && bytes[5] == 0
                && bytes[6] == 1 && bytes[7] == 0;
    }

    /** Component text: the first form (after whitespace and comments) is {@code (component ...)}. */
    static boolean isComponentText(byte[] bytes) {
        if (ModuleFiles.isBinary(bytes)) {
            return false;
        }
        String text = new String(bytes, 0, Math.min(bytes.length, 64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (text.startsWith(";;", i)) {
                int nl = text.indexOf('\n', i);
                i = nl < 0 ? text.length() : nl + 1;
            } else if (text.startsWith("(;", i)) {
                int end = text.indexOf(";)", i);
                i = end < 0 ? text.length() : end + 2;
            } else {
                return text.startsWith("(component", i);
            }
        }
        return false;
    }

    /** The component in {@code bytes}, binary or text. */
    static Component load(Engine engine, byte[] bytes) {
        if (isComponent(bytes)) {
            return Component.compile(engine, bytes); // validates
        }
        return Component.fromModel(engine, ComponentTextParser.parse( // validates
                new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * Runs a component: without {@code invoke} a command ({@code wasi:cli/run}) with the WASI capabilities of
     * {@code wasi} (its arguments are the command line; {@code wasi:cli/run@0.2.x} or {@code @0.3.x}), else one
     * export with WAVE arguments. WASI 0.2 is linked in either case, so an invoked export may use it too, and WASI
     * 0.3 when the component imports a 0.3 interface.
     */
    static int run(Engine engine, byte[] bytes, String invoke, List<String> args, WasiConfig wasi, Long fuel,
            Duration timeout, PrintWriter out, PrintWriter err) {
        if (invoke != null && !args.isEmpty()) {
            throw new Main.CliException("a component's arguments go inside --invoke, e.g. --invoke 'add(1, 2)'; "
                    + "unexpected " + args, Main.USAGE);
        }
        Wave.Call call = invoke == null ? null : Wave.parseCall(invoke);
        Component component = load(engine, bytes);
        boolean p3Command = WasiPreview3.isCommand(component) && !WasiPreview2.isCommand(component);
        if (invoke == null && !WasiPreview2.isCommand(component) && !p3Command) {
            throw new Main.CliException("the component is not a command (it exports no " + WasiPreview2.RUN_INTERFACE
                    + "@0.2.x or @0.3.x): call one of its exports with --invoke 'name(args)' (exports: "
                    + component.exportNames() + ")", Main.USAGE);
        }
        WasiComponentContext context;
        try {
            context = WasiComponentContext.create(wasi);
        } catch (IllegalArgumentException e) {
            throw new Main.CliException(e.getMessage(), Main.USAGE);
        }
        Store<WasiComponentContext> store = Store.create(engine, context);
        if (fuel != null) {
            store.setFuel(fuel);
        }
        if (timeout != null) {
            store.setDeadline(timeout);
        }
        ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
        WasiPreview2.addToLinker(linker, ctx -> ctx);
        if (p3Command || component.importNames().stream().anyMatch(n -> n.startsWith("wasi:") && n.contains("@0.3."))) {
            WasiPreview3.addToLinker(linker, ctx -> ctx);
        }
        if (component.importNames().stream().anyMatch(n -> n.startsWith("wasi:http/") && n.contains("@0.3."))) {
            dev.basalt.wasi.preview2.WasiHttp.addP3ToLinker(linker, ctx -> ctx);
        }
        if (component.importNames().stream().anyMatch(n -> n.startsWith("wasi:sockets/") && n.contains("@0.3."))) {
            dev.basalt.wasi.preview2.WasiSockets.addP3ToLinker(linker, ctx -> ctx);
        }
        try {
            ComponentInstance instance = linker.instantiate(store, component);
            if (call == null) {
                return p3Command ? WasiPreview3.runCommand(instance) : WasiPreview2.runCommand(instance);
            }
            ComponentFunc func = find(instance, call.name());
            List<ComponentValue> values = call.arguments(func.type().paramTypes());
            Optional<ComponentValue> result = func.callOne(values.toArray(ComponentValue[]::new));
            context.flush();
            result.ifPresent(v -> out.println(Wave.print(v, func.type().result().orElseThrow())));
            out.flush();
            return Main.OK;
        } catch (WasiExitException e) {
            return e.exitCode();
        } catch (Trap t) {
            context.flush();
            err.println(t.describe());
            return call == null ? RunCommand.TRAP_EXIT : Main.PROBLEM;
        } finally {
            store.cancelDeadline();
            context.close();
        }
    }

    private static ComponentFunc find(ComponentInstance instance, String name) {
        int hash = name.lastIndexOf('#');
        Optional<ComponentFunc> f = hash < 0 ? instance.getFunc(name)
                : instance.getFunc(name.substring(0, hash), name.substring(hash + 1));
        return f.orElseThrow(() -> new Main.CliException("the component exports no function " + name
                + " (exports: " + instance.exportNames() + ")", Main.USAGE));
    }
}
