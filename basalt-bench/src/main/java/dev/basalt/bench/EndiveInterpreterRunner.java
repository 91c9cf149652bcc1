package dev.basalt.bench;

import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;

/** Endive 1.0.0 (formerly Chicory), its interpreter. Compile = {@link Parser#parse}. */
final class EndiveInterpreterRunner extends JvmRunner {
    @Override
    public String name() {
        return "endive-interp";
    }

    @Override
    public boolean slow() {
        return true;
    }

    @Override
    Compiled compile(byte[] wasm) {
        WasmModule module = Parser.parse(wasm);
        return () -> {
            var export = run.endive.runtime.Instance.builder(module).build().export("run");
            return () -> export.apply()[0];
        };
    }
}
