/**
 * The WebAssembly binary format: {@link dev.basalt.wasm.binary.BinaryReader} decodes a module binary into the
 * immutable {@link dev.basalt.wasm.WasmModule} model, {@link dev.basalt.wasm.binary.BinaryWriter} encodes one.
 *
 * <p>The reader checks well-formedness only (validation is {@code dev.basalt.wasm.validate}'s job) and reports
 * every problem as a {@link dev.basalt.wasm.MalformedException} whose reason is the spec testsuite's wording and
 * whose offset is the byte position. It is hardened against hostile input: no recursion proportional to the
 * input, no allocation from a count that the remaining bytes cannot back, no exception other than
 * {@code MalformedException}. Index immediates are u32 values kept as the bit pattern of an {@code int} (as
 * everywhere in the model), except type indices inside heap types, which the model needs non-negative and which
 * are clamped to {@link java.lang.Integer#MAX_VALUE} (out of range for every module, so still invalid).
 *
 * <p>The writer is canonical and inverse to the reader on the model:
 * {@snippet :
 * WasmModule module = BinaryReader.read(bytes);
 * assert BinaryReader.read(BinaryWriter.write(module)).equals(module);
 * }
 *
 * @see <a href="https://webassembly.github.io/spec/core/binary/index.html">Binary Format</a>
 */
package dev.basalt.wasm.binary;
