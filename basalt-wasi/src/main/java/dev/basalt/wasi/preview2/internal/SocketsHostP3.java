package dev.basalt.wasi.preview2.internal;

import dev.basalt.Store;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.wit.Function;
import dev.basalt.component.wit.Resolve;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * wasi:sockets@0.3.0, the part implemented so far: {@code wasi:sockets/ip-name-lookup} ({@code resolve-addresses}
 * is an async host function: the lookup runs on a virtual thread while the guest's other tasks go on), under the
 * same grant as the 0.2 host ({@link dev.basalt.wasi.WasiConfig}'s ip-name-lookup permissions: a name not granted is
 * {@code access-denied} before anything is resolved; IP literals need no lookup).
 */
public final class SocketsHostP3 {
    static final String VERSION = "0.3.0";
    static final String IP_NAME_LOOKUP = "wasi:sockets/ip-name-lookup";

    /** The cases of ip-name-lookup's {@code error-code} without payload (anything else is {@code other}). */
    private static final Set<String> LOOKUP_CODES = Set.of("access-denied", "invalid-argument", "name-unresolvable",
            "temporary-resolver-failure", "permanent-resolver-failure");

    private static final Executor LOOKUPS = Executors.newVirtualThreadPerTaskExecutor();

    /** Defines {@code wasi:sockets/ip-name-lookup@0.3.0} in {@code linker}. */
    public <T> void define(ComponentLinker<T> linker, java.util.function.Function<Store<T>, HostState> state) {
        Resolve r = WasiWit.resolveP3();
        WasiWit.Converter conv = new WasiWit.Converter(r, Map.of());
        Resolve.InterfaceId id = WasiWit.iface(r, IP_NAME_LOOKUP + "@" + VERSION);
        ComponentLinker.LinkerInstance<T> inst = linker.instance(IP_NAME_LOOKUP + "@" + VERSION);
        WasiWit.defineTypes(inst, r, id, conv);
        for (Function f : r.iface(id).functions()) {
            if (!f.name().equals("resolve-addresses")) {
                throw new IllegalStateException("no implementation of " + IP_NAME_LOOKUP + "#" + f.name());
            }
            inst.defineAsyncFunction(f.name(), conv.funcType(f), (store, args) -> {
                HostState s = state.apply(store);
                String name = ((ComponentValue.Str) args.get(0)).value();
                return CompletableFuture.supplyAsync(() -> List.of(resolveAddresses(s, name)), LOOKUPS);
            });
        }
    }

    /** {@code resolve-addresses}: the addresses of {@code name}, or the error-code. */
    static ComponentValue resolveAddresses(HostState s, String name) {
        try {
            List<InetAddress> addresses = SocketsHost.resolve(s, name);
            return WasiHost.ok(new ComponentValue.ListValue(addresses.stream().map(SocketsHost::ipAddress).toList()));
        } catch (SocketsHost.Failure f) {
            return WasiHost.err(lookupError(f.code));
        } catch (IOException e) {
            // a malformed IP literal
            return WasiHost.err(lookupError("invalid-argument"));
        }
    }

    private static ComponentValue lookupError(String code) {
        return LOOKUP_CODES.contains(code) ? new ComponentValue.VariantValue(code, Optional.empty())
                : new ComponentValue.VariantValue("other", Optional.of(new ComponentValue.OptionValue(
                        Optional.of(new ComponentValue.Str(code)))));
    }
}
