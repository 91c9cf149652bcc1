/**
 * Component binary reading and writing (Binary.md): {@link dev.basalt.component.binary.ComponentBinaryReader}
 * decodes bytes into the {@link dev.basalt.component.model} model (failures are
 * {@link dev.basalt.wasm.MalformedException}s in the component testsuite's wording), and
 * {@link dev.basalt.component.binary.ComponentBinaryWriter} encodes a model back.
 *
 * {@snippet :
 * Component c = ComponentBinaryReader.read(bytes);
 * byte[] again = ComponentBinaryWriter.write(c);   // ComponentBinaryReader.read(again).equals(c)
 * }
 */
package dev.basalt.component.binary;
