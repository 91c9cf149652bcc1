package dev.basalt.cli;

import dev.basalt.component.ComponentException;
import dev.basalt.component.bindgen.JavaBindgen;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.WitLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code basalt bindgen WIT --world W --package P -o DIR}: Java bindings for a WIT world. */
@Command(name = "bindgen", mixinStandardHelpOptions = true,
        description = {"Generate Java bindings for a WIT world: types as records, sealed interfaces, enums and "
                + "EnumSets; an Imports interface per imported interface for the host to implement, and an Exports "
                + "class per exported interface for calling the component. The generated code needs only "
                + "basalt-component at run time."})
final class BindgenCommand implements Callable<Integer> {
    @Parameters(paramLabel = "WIT", description = "A .wit file or a WIT package directory.")
    Path path;

    @Option(names = "--world", paramLabel = "NAME",
            description = "The world to generate (default: the only world of the root package).")
    String world;

    @Option(names = "--package", required = true, paramLabel = "JAVA_PACKAGE",
            description = "The Java package of the generated classes, e.g. com.example.bindings.")
    String javaPackage;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "Source root to write to (files go to DIR/<package path>/).")
    Path out;

    @Option(names = "--features", split = ",", paramLabel = "NAME",
            description = "Include items gated @unstable(feature = NAME).")
    List<String> features = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!javaPackage.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
            throw new ComponentException("--package " + javaPackage + " is not a Java package name");
        }
        WitLoader.Loaded loaded = WitLoader.load(path, new WitLoader.Options(Set.copyOf(features), false));
        Resolve r = loaded.resolve();
        List<Resolve.WorldId> candidates = new ArrayList<>();
        for (Resolve.PackageId root : loaded.roots()) {
            for (Resolve.WorldId w : r.pkg(root).worlds()) {
                if (world == null || r.world(w).name().equals(world)) {
                    candidates.add(w);
                }
            }
        }
        if (candidates.size() != 1) {
            List<String> names = loaded.roots().stream().flatMap(p -> r.pkg(p).worlds().stream())
                    .map(w -> r.world(w).name()).toList();
            throw new ComponentException(world == null
                    ? "choose a world with --world: the package has " + (names.isEmpty() ? "none" : names)
                    : "no world " + world + " in " + path + " (worlds: " + names + ")");
        }
        Map<String, String> files = JavaBindgen.generate(r, candidates.getFirst(), new JavaBindgen.Options(javaPackage));
        PrintWriter o = spec.commandLine().getOut();
        files.forEach((relative, source) -> {
            Path target = out.resolve(relative);
            try {
                Files.createDirectories(target.getParent());
                Files.writeString(target, source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            o.println(target);
        });
        o.flush();
        return Main.OK;
    }
}
