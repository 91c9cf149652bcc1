package dev.basalt.cli;

import dev.basalt.serve.oci.DockerCredentials;
import dev.basalt.serve.oci.OciCache;
import dev.basalt.serve.oci.OciDistribution;
import dev.basalt.serve.oci.OciException;
import dev.basalt.serve.oci.OciReference;
import dev.basalt.serve.oci.RegistryClient;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code oci://REF} in place of a file for {@code basalt serve} and {@code basalt run}: pulls the reference into
 * the cache ({@link OciCache#defaultCache()}) with the Docker credentials and gives back a local file: the
 * generated {@code spin.toml} of a Spin application or the component's {@code .wasm}.
 */
final class OciSources {
    private OciSources() {
    }

    /** The distribution client the CLI commands share: Docker's credentials, the default cache. */
    static OciDistribution distribution(boolean insecure) {
        try {
            return new OciDistribution(new RegistryClient(DockerCredentials.fromEnvironment(), insecure),
                    OciCache.defaultCache());
        } catch (OciException e) {
            throw new Main.CliException(e.getMessage(), Main.USAGE);
        }
    }

    static OciReference reference(String text) {
        try {
            return OciReference.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Main.CliException(e.getMessage(), Main.USAGE);
        }
    }

    /** The local file for {@code source}: itself, or what {@code oci://REF} pulls to. */
    static Path resolve(String source, boolean insecure) {
        if (!OciReference.isOciSource(source)) {
            return Path.of(source);
        }
        return switch (pull(reference(source), insecure)) {
            case OciDistribution.PulledApp app -> app.manifest();
            case OciDistribution.PulledWasm wasm -> wasm.wasm();
        };
    }

    static OciDistribution.Pulled pull(OciReference ref, boolean insecure) {
        try {
            return distribution(insecure).pull(ref);
        } catch (IOException e) {
            throw new Main.CliException("cannot pull " + ref + ": " + e.getMessage(), Main.PROBLEM);
        }
    }
}
