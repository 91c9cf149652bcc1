/**
 * The WebAssembly text format: lexer and parser for WAT modules.
 *
 * <p>{@link dev.basalt.wasm.text.WatParser} turns a {@code (module ...)} (or a bare list of module fields) into an
 * immutable {@link dev.basalt.wasm.WasmModule}, expanding every abbreviation of the Wasm 3.0 text format (inline
 * imports/exports and type uses, folded instructions, symbolic labels and indices, inline element and data
 * segments, ...) and producing a name section from the symbolic identifiers. {@link dev.basalt.wasm.text.Lexer}
 * and {@link dev.basalt.wasm.text.Token} are shared with the WAST parser in {@code dev.basalt.wasm.wast};
 * {@link dev.basalt.wasm.text.Numbers} converts literals; {@link dev.basalt.wasm.text.WatPrinter} goes the other
 * way, from a module to text. Parse errors are
 * {@link dev.basalt.wasm.MalformedException}s worded like the reference interpreter's, with a line:column.
 *
 * {@snippet :
 * WasmModule m = WatParser.parseModule("""
 *     (module
 *       (func $add (export "add") (param $a i32) (param $b i32) (result i32)
 *         (i32.add (local.get $a) (local.get $b))))
 *     """);
 * }
 */
package dev.basalt.wasm.text;

