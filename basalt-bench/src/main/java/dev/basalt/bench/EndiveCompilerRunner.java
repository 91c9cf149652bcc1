package dev.basalt.bench;

import run.endive.compiler.MachineFactoryCompiler;
import run.endive.runtime.Machine;
import run.endive.wasm.Parser;
import run.endive.wasm.WasmModule;
import java.util.function.Function;

/**
 * Endive 1.0.0's compiler (formerly Chicory's): Wasm to JVM bytecode at run time, in its default configuration
 * (functions it cannot compile fall back to its interpreter, as Endive does out of the box). Compile = parse plus
 * {@link MachineFactoryCompiler#compile(WasmModule)}, once per module; each instance reuses the compiled classes.
 */
final class EndiveCompilerRunner extends JvmRunner {
    @Override
    public String name() {
        return "endive-compiler";
    }

    @Override
    Compiled compile(byte[] wasm) {
        WasmModule module = Parser.parse(wasm);
        Function<run.endive.runtime.Instance, Machine> machines = MachineFactoryCompiler.compile(module);
        return () -> {
            var export = run.endive.runtime.Instance.builder(module).withMachineFactory(machines).build().export("run");
            return () -> export.apply()[0];
        };
    }
}
