package dev.basalt.wasi.preview2;

import dev.basalt.component.Component;
import dev.basalt.component.ComponentFunc;
import dev.basalt.component.ComponentInstance;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.wasi.WasiExitException;
import dev.basalt.wasi.preview2.internal.WasiHost;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * WASI 0.2 (preview2) for components: host implementations of wasi:cli (environment, exit, stdin/stdout/stderr,
 * terminal-*), wasi:io (error, poll, streams), wasi:clocks (monotonic-clock, wall-clock), wasi:random (random,
 * insecure, insecure-seed), wasi:filesystem (types, preopens), wasi:http (types, outgoing-handler: only to the
 * hosts granted by {@link dev.basalt.wasi.WasiConfig.Builder#allowOutboundHost}) and wasi:sockets
 * (instance-network, network, tcp, tcp-create-socket, udp, udp-create-socket, ip-name-lookup), defined into a
 * {@link ComponentLinker} at version 0.2.12; imports of any 0.2.x version match them. A guest sees only what its
 * {@link WasiComponentContext} was granted: the directories (read-only where so granted; no path leaves them,
 * neither by {@code ..} nor absolute paths nor symlinks), the environment and arguments, stdio, and the network:
 * the addresses and ports it may connect to, bind and listen on, send datagrams to, and the names it may resolve
 * ({@link dev.basalt.wasi.WasiConfig.Builder#allowTcpConnect} and the like; nothing by default; outside its grants
 * a socket operation answers wasi:sockets' {@code access-denied}). {@link WasiHttp} calls a component's
 * {@code wasi:http/incoming-handler}. An interface not implemented here fails to link, naming the missing import.
 *
 * {@snippet :
 * ComponentLinker<WasiComponentContext> linker = ComponentLinker.create(engine);
 * WasiPreview2.addToLinker(linker, ctx -> ctx);
 * try (WasiComponentContext wasi = WasiComponentContext.create(WasiConfig.builder().args("app").inheritStdio().build())) {
 *     int exit = WasiPreview2.runCommand(linker.instantiate(Store.create(engine, wasi), component));
 * }
 * }
 */
public final class WasiPreview2 {
    /** The unversioned name of the command interface. */
    public static final String RUN_INTERFACE = "wasi:cli/run";

    private WasiPreview2() {
    }

    /**
     * Defines the WASI 0.2 interfaces in {@code linker}; {@code context} finds the guest's WASI state in its
     * store's data. The linker can then instantiate any number of guests, each in its own store and context.
     */
    public static <T> void addToLinker(ComponentLinker<T> linker, Function<T, WasiComponentContext> context) {
        new WasiHost().define(linker, store -> context.apply(store.data()).state);
    }

    /** Whether {@code component} is a command: it exports {@code wasi:cli/run@0.2.x}. */
    public static boolean isCommand(Component component) {
        return runExport(component.exportNames()).isPresent();
    }

    /**
     * Runs a command: calls {@code wasi:cli/run.run} and returns the exit code: 0 for {@code ok}, 1 for
     * {@code err}, or the code the guest passed to {@code wasi:cli/exit}.
     *
     * @throws IllegalArgumentException if the instance does not export {@code wasi:cli/run}
     */
    public static int runCommand(ComponentInstance instance) {
        String name = runExport(instance.exportNames()).orElseThrow(() -> new IllegalArgumentException(
                "the component is not a command: it exports no " + RUN_INTERFACE + "@0.2.x"));
        ComponentFunc run = instance.getFunc(name, "run").orElseThrow(() -> new IllegalArgumentException(
                "the component's " + name + " has no function run"));
        try {
            List<ComponentValue> result = run.call();
            return result.size() == 1 && result.getFirst() instanceof ComponentValue.ResultValue r && r.ok() ? 0 : 1;
        } catch (WasiExitException e) {
            return e.exitCode();
        }
    }

    private static Optional<String> runExport(List<String> exports) {
        return exports.stream().filter(n -> n.startsWith(RUN_INTERFACE + "@0.2.")).findFirst();
    }
}
