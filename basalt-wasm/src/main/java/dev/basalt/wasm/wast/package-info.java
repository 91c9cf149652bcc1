/**
 * WAST scripts, the spec testsuite's format: the script model ({@link dev.basalt.wasm.wast.WastScript},
 * {@link dev.basalt.wasm.wast.Directive}, {@link dev.basalt.wasm.wast.ModuleSource},
 * {@link dev.basalt.wasm.wast.Action}, {@link dev.basalt.wasm.wast.WastValue},
 * {@link dev.basalt.wasm.wast.WastResult}) and its parser {@link dev.basalt.wasm.wast.WastParser}.
 *
 * <p>Modules inside a script stay unparsed source ({@link dev.basalt.wasm.wast.ModuleSource}) until a runner needs
 * them, so that {@code assert_malformed} sees exactly its module's error.
 *
 * {@snippet :
 * WastScript script = WastParser.parse("i32.wast", bytes);
 * for (Directive d : script.directives()) {
 *     // run d
 * }
 * }
 */
package dev.basalt.wasm.wast;
