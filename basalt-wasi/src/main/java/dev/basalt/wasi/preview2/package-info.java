/**
 * WASI 0.2 for components: {@link dev.basalt.wasi.preview2.WasiPreview2} defines the host interfaces into a
 * {@link dev.basalt.component.ComponentLinker} and runs commands ({@code wasi:cli/run});
 * {@link dev.basalt.wasi.preview2.WasiComponentContext} is one guest's granted capabilities and open resources,
 * configured by the same {@link dev.basalt.wasi.WasiConfig} as preview1 guests; {@link dev.basalt.wasi.preview2.WasiHttp}
 * calls a component's {@code wasi:http/incoming-handler} with a Java-side request and streams its response
 * ({@link dev.basalt.wasi.preview2.WasiHttpException} when the guest gives none);
 * {@link dev.basalt.wasi.preview2.OutboundHttpObserver} watches a guest's outbound wasi:http requests (telemetry),
 * {@link dev.basalt.wasi.preview2.OutboundHttpRouter} sends some of them elsewhere (in-process service chaining). The implementation is in
 * {@code dev.basalt.wasi.preview2.internal} (not API).
 */
package dev.basalt.wasi.preview2;
