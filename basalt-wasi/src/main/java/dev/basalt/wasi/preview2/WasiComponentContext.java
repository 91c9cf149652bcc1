package dev.basalt.wasi.preview2;

import dev.basalt.wasi.WasiConfig;
import dev.basalt.wasi.preview2.internal.HostState;

/**
 * The state of one WASI 0.2 component guest: what its {@link WasiConfig} grants (arguments, environment,
 * directories, stdio, clock, random) and the resources it holds (open files, streams, pollables). One context per
 * component instance; closing it closes every file the guest left open. The same {@link WasiConfig} also
 * configures preview1 guests ({@link dev.basalt.wasi.WasiContext}): one capability model for both.
 *
 * {@snippet :
 * try (WasiComponentContext wasi = WasiComponentContext.create(config)) {
 *     Store<WasiComponentContext> store = Store.create(engine, wasi);
 *     int exitCode = WasiPreview2.runCommand(linker.instantiate(store, component));
 * }
 * }
 */
public final class WasiComponentContext implements AutoCloseable {
    final HostState state;

    private WasiComponentContext(HostState state) {
        this.state = state;
    }

    /**
     * Opens what {@code config} grants (each granted directory is resolved to its canonical host path).
     *
     * @throws IllegalArgumentException if a granted directory does not exist or is not a directory
     */
    public static WasiComponentContext create(WasiConfig config) {
        return new WasiComponentContext(HostState.create(config));
    }

    /**
     * Reports every request this guest sends with {@code wasi:http/outgoing-handler} to {@code observer} (which
     * may add headers to it, e.g. a trace context). Set it before the guest runs; {@code null} stops observing.
     */
    public void observeOutboundHttp(OutboundHttpObserver observer) {
        state.outboundHttpObserver = observer;
    }

    /** Flushes the guest's stdout and stderr. */
    public void flush() {
        state.flush();
    }

    @Override
    public void close() {
        state.close();
    }
}
