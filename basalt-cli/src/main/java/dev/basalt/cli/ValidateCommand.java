package dev.basalt.cli;

import dev.basalt.testkit.Frontend;
import dev.basalt.wasm.InvalidException;
import dev.basalt.wasm.MalformedException;
import dev.basalt.wasm.WasmModule;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code basalt validate FILE}: says whether a module (binary or text) is valid. */
@Command(name = "validate", description = "Check that a module (.wasm, or .wat text) is well-formed and valid.",
        mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A binary module or a WAT text module.")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        byte[] bytes = ModuleFiles.read(file);
        try {
            WasmModule module = ModuleFiles.parse(bytes);
            Frontend.standard().validate(module);
        } catch (MalformedException | InvalidException e) {
            spec.commandLine().getOut().println(file + ": " + Main.oneLine(e));
            return Main.PROBLEM;
        }
        spec.commandLine().getOut().println("valid");
        return Main.OK;
    }
}
