package dev.basalt.cli;

import dev.basalt.component.text.ComponentTextParser;
import dev.basalt.component.validate.ComponentValidator;
import dev.basalt.component.wit.ComponentWit;
import dev.basalt.component.wit.Resolve;
import dev.basalt.component.wit.WitLoader;
import dev.basalt.component.wit.WitPrinter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * {@code basalt wit PATH}: prints the world of a component (binary or text, decoded from its imports and exports)
 * or resolves WIT and prints it back, worlds flattened and elaborated.
 */
@Command(name = "wit", mixinStandardHelpOptions = true,
        description = {"Print the WIT world of a component (a .wasm component binary or a component in the text "
                + "format), decoded from its imports and exports as `wasm-tools component wit` does: world `root` of "
                + "package root:component, the interfaces it imports and exports in nested package blocks.",
            "Or resolve a WIT package (a .wit file, a package directory with optional deps/, or a directory of "
                + "package directories) and print it back as WIT: every interface, and every world with its "
                + "includes flattened and the interfaces it needs through `use` imported."})
final class WitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "A component (.wasm, or .wat text), a .wit file or a directory.")
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
        if (Files.isRegularFile(path) && !path.toString().endsWith(".wit")) {
            byte[] bytes = ModuleFiles.read(path);
            String start = ModuleFiles.isBinary(bytes) ? "" : withoutLeadingComments(new String(bytes, StandardCharsets.UTF_8));
            if (start.startsWith("(module")) {
                throw new Main.CliException("this is a core module, not a component: a core module has no WIT world",
                        Main.PROBLEM);
            }
            if (ModuleFiles.isBinary(bytes) || start.startsWith("(component")) {
                PrintWriter out = spec.commandLine().getOut();
                out.print(decode(bytes).print());
                out.flush();
                return Main.OK;
            }
        }
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

    /** WebAssembly text from its first token: leading white space, {@code ;;} and {@code (; ;)} comments skipped. */
    static String withoutLeadingComments(String text) {
        int i = 0;
        while (i < text.length()) {
            if (Character.isWhitespace(text.charAt(i))) {
                i++;
            } else if (text.startsWith(";;", i)) {
                int nl = text.indexOf('\n', i);
                i = nl < 0 ? text.length() : nl + 1;
            } else if (text.startsWith("(;", i)) {
                int depth = 0;
                do {
                    if (text.startsWith("(;", i)) {
                        depth++;
                        i += 2;
                    } else if (text.startsWith(";)", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                } while (depth > 0 && i < text.length());
            } else {
                break;
            }
        }
        return text.substring(Math.min(i, text.length()));
    }

    private static ComponentWit.Decoded decode(byte[] bytes) {
        if (ModuleFiles.isBinary(bytes)) {
            if (bytes.length >= 8 && bytes[6] == 0 && bytes[7] == 0) {
                throw new Main.CliException("this is a core module, not a component: a core module has no WIT world",
                        Main.PROBLEM);
            }
            return ComponentWit.decode(bytes);
        }
        dev.basalt.component.model.Component model = ComponentTextParser.parse(new String(bytes, StandardCharsets.UTF_8));
        ComponentValidator.validate(model);
        return ComponentWit.decode(model);
    }
}
