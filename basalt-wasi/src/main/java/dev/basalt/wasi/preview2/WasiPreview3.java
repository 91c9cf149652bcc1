package dev.basalt.wasi.preview2;

import dev.basalt.component.Component;
import dev.basalt.component.ComponentEventLoop;
import dev.basalt.component.ComponentFunc;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.wasi.WasiExitException;
import dev.basalt.wasi.preview2.internal.WasiHostP3;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * WASI 0.3 for components: host implementations of wasi:cli@0.3.0 (environment, exit, stdin/stdout/stderr as
 * {@code stream<u8>}, terminal-*), wasi:clocks@0.3.0 (monotonic-clock with the async {@code wait-for} /
 * {@code wait-until}, system-clock; timezone is an unstable interface the bundled WIT leaves out), wasi:random@0.3.0 and wasi:filesystem@0.3.0 (descriptors with
 * {@code read-via-stream} / {@code write-via-stream} / {@code append-via-stream}, {@code read-directory} as a
 * stream), defined into a {@link ComponentLinker} at version 0.3.0 (imports of 0.3.x match). 0.3 has no wasi:io:
 * streams and futures are the component model's own, and the guest's other tasks run while one waits. The guest's
 * {@link WasiComponentContext} is the same as for 0.2, with the same capability model: only the granted
 * directories (read-only where so granted; no path escapes them), environment, arguments and stdio. wasi:http@0.3.0
 * is {@link WasiHttp#addP3ToLinker}. It lives in this package because 0.2 and 0.3 share the context and the 0.3
 * host runs the 0.2 host's implementations where the interfaces kept a function.
 *
 * {@snippet :
 * ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
 * WasiPreview3.addToLinker(linker, ctx -> ctx);
 * try (WasiComponentContext wasi = WasiComponentContext.create(WasiConfig.builder().args("app").inheritStdio().build())) {
 *     int exit = WasiPreview3.runCommand(linker.instantiate(Store.create(engine, wasi), component));
 * }
 * }
 */
public final class WasiPreview3 {
    /** The unversioned name of the command interface. */
    public static final String RUN_INTERFACE = "wasi:cli/run";

    private WasiPreview3() {
    }

    /**
     * Defines the WASI 0.3 interfaces (cli, clocks, random, filesystem) in {@code linker}; {@code context} finds the
     * guest's WASI state in its store's data.
     */
    public static <T> void addToLinker(ComponentLinker<T> linker, Function<T, WasiComponentContext> context) {
        new WasiHostP3().define(linker, store -> context.apply(store.data()).state);
    }

    /** Whether {@code component} is a 0.3 command: it exports {@code wasi:cli/run@0.3.x}. */
    public static boolean isCommand(Component component) {
        return runExport(component.exportNames()).isPresent();
    }

    /**
     * Runs a 0.3 command: calls the async {@code wasi:cli/run.run}, running the store's event loop until it returns
     * and then until nothing is left to run at once (so that output the guest wrote reaches stdout), and returns the
     * exit code: 0 for {@code ok}, 1 for {@code err}, or the code the guest passed to {@code wasi:cli/exit}.
     *
     * @throws IllegalArgumentException if the instance does not export {@code wasi:cli/run@0.3.x}
     */
    public static int runCommand(ComponentInstance instance) {
        String name = runExport(instance.exportNames()).orElseThrow(() -> new IllegalArgumentException(
                "the component is not a WASI 0.3 command: it exports no " + RUN_INTERFACE + "@0.3.x"));
        ComponentFunc run = instance.getFunc(name, "run").orElseThrow(() -> new IllegalArgumentException(
                "the component's " + name + " has no function run"));
        try {
            List<ComponentValue> result = run.call();
            ComponentEventLoop.runUntilIdle(instance.store());
            return result.size() == 1 && result.getFirst() instanceof ComponentValue.ResultValue r && r.ok() ? 0 : 1;
        } catch (WasiExitException e) {
            return e.exitCode();
        }
    }

    private static Optional<String> runExport(List<String> exports) {
        return exports.stream().filter(n -> n.startsWith(RUN_INTERFACE + "@0.3.")).findFirst();
    }
}
