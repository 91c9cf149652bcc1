/**
 * OCI registries for Wasm applications: {@link dev.basalt.serve.oci.OciDistribution} pushes a Spin application
 * ({@code spin.toml} and what it references) or a single component, and pulls either back, through a
 * {@link dev.basalt.serve.oci.RegistryClient} (the distribution API on {@code java.net.http}, with Docker's
 * credentials and the registry token flow, {@link dev.basalt.serve.oci.DockerCredentials}) into a
 * content-addressed, digest-verified {@link dev.basalt.serve.oci.OciCache}. {@code basalt registry push/pull} and
 * {@code basalt serve oci://REF} / {@code basalt run oci://REF} are its command line.
 *
 * {@snippet :
 * OciDistribution oci = new OciDistribution(
 *         new RegistryClient(DockerCredentials.fromEnvironment(), false), OciCache.defaultCache());
 * String digest = oci.pushApp(Path.of("spin.toml"), OciReference.parse("ghcr.io/me/shop:1.0"));
 * if (oci.pull(OciReference.parse("ghcr.io/me/shop:1.0")) instanceof OciDistribution.PulledApp app) {
 *     AppManifest.load(app.manifest()).serverBuilder(engine).start();
 * }
 * }
 */
package dev.basalt.serve.oci;
