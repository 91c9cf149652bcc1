/**
 * What Java bindings generated from WIT ({@code basalt bindgen}, {@link dev.basalt.component.bindgen.JavaBindgen})
 * need at run time: {@link dev.basalt.component.binding.Result} and {@link dev.basalt.component.binding.Tuples}
 * for WIT's {@code result} and {@code tuple}, {@link dev.basalt.component.binding.TypedStream} and
 * {@link dev.basalt.component.binding.TypedFuture} for {@code stream<T>} and {@code future<T>}, the conversions between Java values and
 * {@link dev.basalt.component.ComponentValue}s ({@link dev.basalt.component.binding.Bindings}), and the two seams
 * to a running component: {@link dev.basalt.component.binding.ComponentCaller} (call an export) and
 * {@link dev.basalt.component.binding.HostRegistrar} (define an import in Java). Generated code talks to
 * components only through these, so it works with any way of instantiating them.
 */
package dev.basalt.component.binding;
