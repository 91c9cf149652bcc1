package dev.basalt.serve;

import dev.basalt.component.ComponentLinker;
import dev.basalt.wasi.preview2.WasiComponentContext;

/**
 * Host interfaces beyond WASI for a route's guests (e.g. {@link SpinExtension}: key-value stores and variables):
 * defined once into the route's linker, and prepared for every request's guest before it is instantiated,
 * typically by {@link WasiComponentContext#attach attaching} per-guest state its definitions find again.
 */
public interface HostExtension {
    /** Defines the interfaces into the linker of the route's component (once, when the server is built). */
    void define(ComponentLinker<WasiComponentContext> linker);

    /** Prepares one request's guest (before instantiation); what it attaches is closed with {@code wasi}. */
    void prepare(WasiComponentContext wasi);
}
