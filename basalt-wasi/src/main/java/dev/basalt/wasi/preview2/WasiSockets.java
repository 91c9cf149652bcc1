package dev.basalt.wasi.preview2;

import dev.basalt.component.ComponentLinker;
import dev.basalt.wasi.preview2.internal.SocketsHostP3;
import java.util.function.Function;

/**
 * WASI 0.3 sockets for components, so far {@code wasi:sockets/ip-name-lookup@0.3.0} (its {@code resolve-addresses}
 * is async: the guest task waits while the lookup runs off the guest's turn), under the guest's
 * {@link dev.basalt.wasi.WasiConfig} grants as in 0.2 ({@code allowIpNameLookup}: a name not granted is
 * {@code access-denied}, decided before any lookup). The 0.2 sockets are part of {@link WasiPreview2}.
 */
public final class WasiSockets {
    private WasiSockets() {
    }

    /** Defines {@code wasi:sockets/ip-name-lookup@0.3.0} in {@code linker}. */
    public static <T> void addP3ToLinker(ComponentLinker<T> linker, Function<T, WasiComponentContext> context) {
        new SocketsHostP3().define(linker, store -> context.apply(store.data()).state);
    }
}
