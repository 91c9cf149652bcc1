/**
 * Running components: the dynamic value model ({@link dev.basalt.component.ComponentValue}, checked against
 * resolved {@link dev.basalt.component.ValueType}s and {@link dev.basalt.component.ComponentFuncType}s), resources
 * ({@link dev.basalt.component.ResourceType}, {@link dev.basalt.component.ResourceHandle}), and — built on them —
 * compiled components, the component linker and instances. Async from the host: {@link
 * dev.basalt.component.ComponentAsyncHostFunction} (host functions of async types completed later), {@link
 * dev.basalt.component.StreamWriter}/{@link dev.basalt.component.StreamReader} and {@link
 * dev.basalt.component.FutureWriter}/{@link dev.basalt.component.FutureReader} (stream and future ends held by Java
 * code, {@link dev.basalt.component.CopyResult}), {@link dev.basalt.component.ComponentFunc#callAsync} ({@link
 * dev.basalt.component.ComponentCall}) and {@link dev.basalt.component.ComponentEventLoop}. The binary model is in
 * {@code dev.basalt.component.model}, the canonical ABI and the runtime internals in
 * {@code dev.basalt.component.internal}.
 */
package dev.basalt.component;
