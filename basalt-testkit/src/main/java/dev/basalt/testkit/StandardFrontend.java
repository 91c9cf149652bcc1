package dev.basalt.testkit;

import dev.basalt.wasm.Features;
import dev.basalt.wasm.WasmModule;
import dev.basalt.wasm.binary.BinaryReader;
import dev.basalt.wasm.binary.BinaryWriter;
import dev.basalt.wasm.text.WatParser;
import dev.basalt.wasm.validate.Validator;
import dev.basalt.wasm.wast.WastParser;
import dev.basalt.wasm.wast.WastScript;

/** Basalt's own parsers, binary writer and validator. */
final class StandardFrontend implements Frontend {
    static final StandardFrontend INSTANCE = new StandardFrontend();

    private StandardFrontend() {
    }

    @Override
    public WastScript parseScript(String fileName, byte[] content) {
        return WastParser.parse(fileName, content);
    }

    @Override
    public WasmModule parseText(String text) {
        return WatParser.parseModule(text);
    }

    @Override
    public WasmModule parseText(String text, Features features) {
        return WatParser.parseModule(text, features);
    }

    @Override
    public WasmModule decode(byte[] bytes) {
        return BinaryReader.read(bytes);
    }

    @Override
    public byte[] encode(WasmModule module) {
        return BinaryWriter.write(module);
    }

    @Override
    public void validate(WasmModule module) {
        Validator.validate(module);
    }

    @Override
    public void validate(WasmModule module, Features features) {
        Validator.validate(module, features);
    }
}
