package dev.basalt.cli;

import dev.basalt.serve.oci.OciDistribution;
import dev.basalt.serve.oci.OciReference;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code basalt registry push|pull}: Spin applications and single components in OCI registries
 * ({@link OciDistribution}). Credentials come from the Docker config ({@code docker login}); {@code --insecure}
 * talks plain HTTP.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Push Spin applications and Wasm components to OCI registries, and pull them.",
        subcommands = {RegistryCommand.Push.class, RegistryCommand.Pull.class})
final class RegistryCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.USAGE;
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = {"Push a Spin application (a directory with a spin.toml, or the manifest file) in Spin's "
                    + "OCI layout, or a single component or module (.wasm) in the Wasm OCI artifact layout.",
                    "Prints the pushed reference with its digest."})
    static final class Push implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "APP", description = "APP-DIR, spin.toml or FILE.wasm")
        Path source;

        @Parameters(index = "1", paramLabel = "REF", description = "[REGISTRY/]REPOSITORY[:TAG], e.g. ghcr.io/me/shop:1.0")
        String reference;

        @Option(names = {"-k", "--insecure"}, description = "Talk plain HTTP to the registry (local and test registries).")
        boolean insecure;

        @Override
        public Integer call() {
            OciReference ref = OciSources.reference(reference);
            OciDistribution oci = OciSources.distribution(insecure);
            String digest;
            try {
                boolean wasm = Files.isRegularFile(source) && source.getFileName().toString().endsWith(".wasm");
                digest = wasm ? oci.pushWasm(source, ref) : oci.pushApp(source, ref);
            } catch (IOException e) {
                throw new Main.CliException("cannot push " + source + " to " + ref + ": " + e.getMessage(), Main.PROBLEM);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("pushed " + ref + "@" + digest);
            out.flush();
            return Main.OK;
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Pull a Spin application or a component into the local cache ($BASALT_CACHE_DIR, "
                    + "default ~/.cache/basalt/oci) and print where it is; with --output, also copy it to a directory "
                    + "(`basalt serve DIR/spin.toml` runs a pulled application)."})
    static final class Pull implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "REF", description = "[oci://][REGISTRY/]REPOSITORY[:TAG][@DIGEST]")
        String reference;

        @Option(names = {"-k", "--insecure"}, description = "Talk plain HTTP to the registry (local and test registries).")
        boolean insecure;

        @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Copy the application (or the .wasm) into DIR.")
        Path output;

        @Override
        public Integer call() {
            OciReference ref = OciSources.reference(reference);
            OciDistribution.Pulled pulled = OciSources.pull(ref, insecure);
            Path local = switch (pulled) {
                case OciDistribution.PulledApp app -> app.manifest();
                case OciDistribution.PulledWasm wasm -> wasm.wasm();
            };
            if (output != null) {
                try {
                    local = copyOut(pulled, output, ref);
                } catch (IOException e) {
                    throw new Main.CliException("cannot write " + output + ": " + e.getMessage(), Main.PROBLEM);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("pulled " + ref.withDigest(pulled.digest()) + ": "
                    + (pulled instanceof OciDistribution.PulledApp ? "Spin application " : "component ") + local);
            out.flush();
            return Main.OK;
        }

        private static Path copyOut(OciDistribution.Pulled pulled, Path dir, OciReference ref) throws IOException {
            Files.createDirectories(dir);
            if (pulled instanceof OciDistribution.PulledWasm wasm) {
                String name = ref.repository().substring(ref.repository().lastIndexOf('/') + 1) + ".wasm";
                return Files.copy(wasm.wasm(), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            Path from = ((OciDistribution.PulledApp) pulled).manifest().getParent();
            try (Stream<Path> s = Files.walk(from)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Path to = dir.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return dir.resolve("spin.toml");
        }
    }
}
