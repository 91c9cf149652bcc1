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
    /** Per-guest state of host interfaces defined outside basalt-wasi, by type (see {@link #attach}). */
    private final java.util.Map<Class<?>, Object> attachments = new java.util.concurrent.ConcurrentHashMap<>();

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

    /**
     * Lets {@code router} decide where each outbound wasi:http request of this guest goes (in-process, refused,
     * or the network under the grants) before the grants are looked at. Set it before the guest runs;
     * {@code null}: every request goes to the network.
     */
    public void routeOutboundHttp(OutboundHttpRouter router) {
        state.outboundHttpRouter = router;
    }

    /**
     * Lets {@code router} decide where the requests go that this guest passes to its imported
     * {@code wasi:http/handler@0.3.x} (the {@code wasi:http/middleware} world's next handler): typically
     * {@link OutboundHttpRouter.Route#inProcess} to the next component of a chain. Where it answers
     * {@link OutboundHttpRouter.Route#network()}, and without one, such a request goes where a
     * {@code wasi:http/client.send} of it would: through {@link #routeOutboundHttp}'s router, then to the network
     * under the grants ({@code allowOutboundHost}) -- to the request's own scheme and authority. Set it before the
     * guest runs; {@code null} removes it.
     */
    public void routeImportedHandler(OutboundHttpRouter router) {
        state.importedHandlerRouter = router;
    }

    /**
     * Attaches {@code value} as this guest's {@code type}: the state of host interfaces defined outside basalt-wasi
     * (e.g. basalt-spin's key-value stores), so that their linker definitions find it from the same store data.
     * An {@link AutoCloseable} attachment is closed when this context is.
     *
     * @throws IllegalStateException if a {@code type} is already attached
     */
    public <A> void attach(Class<A> type, A value) {
        if (attachments.putIfAbsent(type, type.cast(java.util.Objects.requireNonNull(value, "value"))) != null) {
            throw new IllegalStateException("a " + type.getName() + " is already attached");
        }
    }

    /** The {@code type} attached with {@link #attach}, if any. */
    public <A> java.util.Optional<A> attachment(Class<A> type) {
        return java.util.Optional.ofNullable(type.cast(attachments.get(type)));
    }

    /** Flushes the guest's stdout and stderr. */
    public void flush() {
        state.flush();
    }

    @Override
    public void close() {
        try {
            state.close();
        } finally {
            for (Object a : attachments.values()) {
                if (a instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception ignored) {
                        // an attachment's release failing must not keep the others (or the guest's files) open
                    }
                }
            }
            attachments.clear();
        }
    }
}
