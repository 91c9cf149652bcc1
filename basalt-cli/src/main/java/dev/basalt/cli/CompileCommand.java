package dev.basalt.cli;

import dev.basalt.Config;
import dev.basalt.Engine;
import dev.basalt.Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code basalt compile FILE [-o OUT]}: compiles a module ahead of time into Basalt's serialized form
 * ({@code .bwasm}), which {@code basalt run} loads without generating code again. The file is tied to this Basalt
 * build and the chosen engine.
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = {"Compile a module ahead of time to a .bwasm file that 'basalt run' loads without compiling.",
                "The file only loads in the same Basalt build with the same engine."})
final class CompileCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A .wasm or .wat module.")
    Path file;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "Output file (default: FILE with .bwasm).")
    Path output;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "compiler (the default: JVM bytecode is stored), interpreter or auto (the module only).")
    String engineName = "compiler";

    @Override
    public Integer call() {
        Engine engine = Engine.create(Config.builder().strategy(RunCommand.strategy(engineName)).build());
        byte[] bytes = ModuleFiles.read(file);
        if (Module.isSerialized(bytes)) {
            throw new Main.CliException(file + " is already compiled", Main.USAGE);
        }
        long start = System.nanoTime();
        Module module = ModuleFiles.module(engine, bytes);
        byte[] out = module.serialize();
        Path target = output != null ? output : defaultOutput(file);
        try {
            Files.write(target, out);
        } catch (IOException e) {
            throw new Main.CliException("cannot write " + target + ": " + e.getMessage(), Main.USAGE);
        }
        spec.commandLine().getOut().printf("%s: %d functions, %d bytes (%.1f ms)%n", target,
                module.wasm().functions().size(), out.length, (System.nanoTime() - start) / 1e6);
        return Main.OK;
    }

    static Path defaultOutput(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".bwasm");
    }
}
