/**
 * WAVE, the WebAssembly Value Encoding: the text syntax for component values that wasmtime uses for
 * {@code --invoke 'f(1, "two", some([3]))'} and in its tooling. {@link dev.basalt.component.wave.Wave} reads WAVE
 * text as {@link dev.basalt.component.ComponentValue}s of a given {@link dev.basalt.component.ValueType} and
 * prints values back; {@link dev.basalt.component.wave.Wave#parseCall} splits an invocation into the function name
 * and its arguments, which are typed once the function is known.
 *
 * @see <a href="https://github.com/bytecodealliance/wasm-tools/tree/main/crates/wasm-wave">wasm-wave</a>
 */
package dev.basalt.component.wave;
