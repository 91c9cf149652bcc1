package dev.basalt.wasi.preview2;

import dev.basalt.component.ComponentLinker;
import dev.basalt.wasi.preview2.internal.SocketsHostP3;
import java.util.function.Function;

/**
 * WASI 0.3 sockets for components: {@code wasi:sockets/types@0.3.0} (TCP sockets whose {@code connect} is async,
 * {@code listen} a {@code stream<tcp-socket>}, {@code send}/{@code receive} {@code stream<u8>}s with a result
 * future; UDP sockets with async {@code send}/{@code receive}) and {@code wasi:sockets/ip-name-lookup@0.3.0} (async
 * {@code resolve-addresses}), under the guest's {@link dev.basalt.wasi.WasiConfig} grants as in 0.2
 * ({@code allowTcpConnect}, {@code allowTcpListen}, {@code allowUdpBind}, {@code allowUdpSend},
 * {@code allowIpNameLookup}, {@code maxSockets}: anything else is {@code access-denied}, decided before any packet
 * or lookup). The guest's other tasks run while one waits for the network. The 0.2 sockets are part of
 * {@link WasiPreview2}.
 */
public final class WasiSockets {
    private WasiSockets() {
    }

    /** Defines {@code wasi:sockets/types@0.3.0} and {@code wasi:sockets/ip-name-lookup@0.3.0} in {@code linker}. */
    public static <T> void addP3ToLinker(ComponentLinker<T> linker, Function<T, WasiComponentContext> context) {
        new SocketsHostP3().define(linker, store -> context.apply(store.data()).state);
    }
}
