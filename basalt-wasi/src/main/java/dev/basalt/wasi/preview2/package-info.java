/**
 * WASI 0.2 for components: {@link dev.basalt.wasi.preview2.WasiPreview2} defines the host interfaces into a
 * {@link dev.basalt.component.ComponentLinker} and runs commands ({@code wasi:cli/run});
 * {@link dev.basalt.wasi.preview2.WasiComponentContext} is one guest's granted capabilities and open resources,
 * configured by the same {@link dev.basalt.wasi.WasiConfig} as preview1 guests. The implementation is in
 * {@code dev.basalt.wasi.preview2.internal} (not API).
 */
package dev.basalt.wasi.preview2;
