/**
 * Whole programs embedded through Basalt's API, as examples of what a Java host writes.
 *
 * <p>{@link dev.basalt.wasi.examples.EmbeddedRuby} runs CRuby ({@code ruby+stdlib.wasm} from the npm package
 * {@code @ruby/3.4-wasm-wasi}) inside a Java program: WASI preview1 for its system calls, trapping stubs for its
 * JavaScript-interop imports, a handle table for its resources.
 *
 * {@snippet :
 * Module ruby = EmbeddedRuby.compile(Engine.create(), Path.of("ruby+stdlib.wasm"));
 * try (EmbeddedRuby vm = EmbeddedRuby.start(ruby, WasiConfig.builder().inheritStdio().build())) {
 *     vm.eval("require 'json'; puts JSON.generate({hello: 'Java'})");
 * }
 * }
 */
package dev.basalt.wasi.examples;
