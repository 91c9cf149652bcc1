package dev.basalt.bench;

import run.endive.runtime.Instance;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;

/** Endive (formerly Chicory), its interpreter: the baseline issue 3 measures against. */
final class EndiveInterpreterRunner implements Runner {
    @Override
    public String name() {
        return "endive-interp";
    }

    @Override
    public Prepared prepare(byte[] wasm) {
        WasmModule module = Parser.parse(wasm);
        return () -> Instance.builder(module).build().export("run").apply()[0];
    }
}
