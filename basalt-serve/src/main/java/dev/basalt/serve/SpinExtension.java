package dev.basalt.serve;

import dev.basalt.component.ComponentLinker;
import dev.basalt.spin.SpinConfig;
import dev.basalt.spin.SpinGuest;
import dev.basalt.spin.SpinHost;
import dev.basalt.wasi.preview2.WasiComponentContext;
import java.util.Objects;

/**
 * basalt-spin's key-value stores and variables ({@link SpinHost}) for a route's guests: every request's guest
 * gets its own {@link SpinGuest} under the component's {@link SpinConfig} (its store grants and variables).
 */
public final class SpinExtension implements HostExtension {
    private final SpinConfig config;

    public SpinExtension(SpinConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public void define(ComponentLinker<WasiComponentContext> linker) {
        SpinHost.addToLinker(linker, wasi -> wasi.attachment(SpinGuest.class).orElseThrow(() ->
                new IllegalStateException("no SpinGuest attached to the guest's WasiComponentContext")));
    }

    @Override
    public void prepare(WasiComponentContext wasi) {
        wasi.attach(SpinGuest.class, SpinGuest.create(config));
    }
}
