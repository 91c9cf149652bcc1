package dev.basalt.cli;

import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.WitLoader;
import dev.basalt.component.wit.WitPrinter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code basalt wit PATH}: resolves WIT and prints it back, worlds flattened and elaborated. */
@Command(name = "wit", mixinStandardHelpOptions = true,
        description = {"Resolve a WIT package (a .wit file, a package directory with optional deps/, or a directory "
                + "of package directories) and print it back as WIT: every interface, and every world with its "
                + "includes flattened and the interfaces it needs through `use` imported.",
            "PATH must be WIT text: decoding the WIT of a component binary (.wasm) is not implemented yet."})
final class WitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "A .wit file or a directory.")
    Path path;

    @Option(names = "--features", split = ",", paramLabel = "NAME",
            description = "Include items gated @unstable(feature = NAME).")
    List<String> features = new ArrayList<>();

    @Option(names = "--all-features", description = "Include every @unstable item.")
    boolean allFeatures;

    @Option(names = "--deps", description = "Also print the dependency packages that were resolved.")
    boolean deps;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        WitLoader.Loaded loaded = WitLoader.load(path, new WitLoader.Options(Set.copyOf(features), allFeatures));
        Resolve r = loaded.resolve();
        List<Resolve.PackageId> shown = new ArrayList<>();
        for (int i = 0; i < r.packages().size(); i++) {
            Resolve.PackageId id = new Resolve.PackageId(i);
            if (deps || loaded.roots().contains(id)) {
                shown.add(id);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < shown.size(); i++) {
            if (i > 0) {
                out.println();
            }
            out.print(WitPrinter.print(r, shown.get(i)));
        }
        out.flush();
        return Main.OK;
    }
}
