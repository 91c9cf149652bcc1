package dev.basalt.serve.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes and fetches Wasm applications in OCI registries, in the two layouts Wasm tooling uses:
 *
 * <ul>
 *   <li>Spin applications ({@code spin registry push}'s layout): one layer per component Wasm
 *       ({@value #WASM_LAYER}), one per file ({@value #DATA_LAYER}; files of up to 128 bytes are inlined in the
 *       locked app instead), and the locked app as a layer of type {@value #SPIN_APP}; the image config is a
 *       plain OCI image config ({@code architecture: wasm}) whose label {@code com.fermyon.spin.lockedAppDigest}
 *       names that layer. This is what Spin 2 and later push, and what containerd (SpinKube's shim) needs: a real
 *       image config. Pulling also accepts Spin 1's layout, where the locked app is the config itself (config
 *       media type {@value #SPIN_APP}).</li>
 *   <li>Single components or modules (the CNCF Wasm OCI artifact layout, as {@code wkg oci push}): config
 *       {@value #WASM_CONFIG}, one {@value #WASM} layer.</li>
 * </ul>
 *
 * Pulled content goes through the {@link OciCache} (each blob verified against its digest); a pulled Spin
 * application becomes a directory with a generated {@code spin.toml} that {@code basalt serve} runs.
 */
public final class OciDistribution {
    public static final String SPIN_APP = "application/vnd.fermyon.spin.application.v1+config";
    public static final String WASM_LAYER = "application/vnd.wasm.content.layer.v1+wasm";
    public static final String DATA_LAYER = "application/vnd.wasm.content.layer.v1+data";
    public static final String ARCHIVE_LAYER = "application/vnd.wasm.content.bundle.v1.tar+gzip";
    public static final String WASM_CONFIG = "application/vnd.wasm.config.v0+json";
    public static final String WASM = "application/wasm";
    public static final String IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
    /** JSON blobs (configs, locked apps) larger than this are refused. */
    static final long MAX_JSON_BLOB = 64L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a reference held, ready to run. */
    public sealed interface Pulled {
        /** The manifest digest the reference resolved to. */
        String digest();
    }

    /** A Spin application, laid out as a directory; {@code manifest} is its generated {@code spin.toml}. */
    public record PulledApp(String digest, Path manifest) implements Pulled {
    }

    /** A single component or module: {@code wasm} is its cached, verified file. */
    public record PulledWasm(String digest, Path wasm) implements Pulled {
    }

    private final RegistryClient client;
    private final OciCache cache;

    public OciDistribution(RegistryClient client, OciCache cache) {
        this.client = client;
        this.cache = cache;
    }

    /**
     * Pushes the Spin application of a manifest ({@code spin.toml}, or a directory holding one) to {@code ref}
     * and returns the manifest digest.
     */
    public String pushApp(Path manifestOrDir, OciReference ref) throws IOException {
        Path manifest = Files.isDirectory(manifestOrDir) ? manifestOrDir.resolve("spin.toml") : manifestOrDir;
        if (!Files.isRegularFile(manifest)) {
            throw new OciException(manifest + ": no such manifest");
        }
        LockedAppBuilder.Result app = LockedAppBuilder.build(manifest);
        ArrayNode layers = JSON.createArrayNode();
        for (LockedAppBuilder.Content c : app.contents()) {
            client.pushBlob(ref, c.digest(), HttpRequest.BodyPublishers.ofFile(c.file()));
            layers.add(descriptor(c.wasm() ? WASM_LAYER : DATA_LAYER, c.digest(), c.size()));
        }
        byte[] locked = JSON.writeValueAsBytes(app.lockedApp());
        String lockedDigest = RegistryClient.sha256(locked);
        client.pushBlob(ref, lockedDigest, HttpRequest.BodyPublishers.ofByteArray(locked));
        layers.add(descriptor(SPIN_APP, lockedDigest, locked.length));

        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "wasm");
        config.put("os", "wasip1");
        config.putObject("config").putObject("Labels").put("com.fermyon.spin.lockedAppDigest", lockedDigest);
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        byte[] configBytes = JSON.writeValueAsBytes(config);
        String configDigest = RegistryClient.sha256(configBytes);
        client.pushBlob(ref, configDigest, HttpRequest.BodyPublishers.ofByteArray(configBytes));

        Map<String, String> annotations = new LinkedHashMap<>();
        JsonNode meta = app.lockedApp().path("metadata");
        annotations.put("org.opencontainers.image.title", meta.path("name").asText());
        if (meta.path("version").isTextual()) {
            annotations.put("org.opencontainers.image.version", meta.path("version").asText());
        }
        if (meta.path("description").isTextual()) {
            annotations.put("org.opencontainers.image.description", meta.path("description").asText());
        }
        return client.pushManifest(ref, manifest(descriptor(IMAGE_CONFIG, configDigest, configBytes.length), layers,
                annotations), RegistryClient.OCI_MANIFEST);
    }

    /** Pushes a single component or core module ({@code .wasm}) to {@code ref} and returns the manifest digest. */
    public String pushWasm(Path wasm, OciReference ref) throws IOException {
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(wasm)) {
            if (in.readNBytes(head, 0, 8) != 8 || head[0] != 0 || head[1] != 'a' || head[2] != 's' || head[3] != 'm') {
                throw new OciException(wasm + " is not a binary Wasm module or component");
            }
        }
        boolean component = head[6] == 1 && head[7] == 0; // layer 1: the component encoding
        String digest = RegistryClient.sha256(wasm);
        long size = Files.size(wasm);
        client.pushBlob(ref, digest, HttpRequest.BodyPublishers.ofFile(wasm));
        ObjectNode config = JSON.createObjectNode();
        // the file's time, not now: pushing the same file twice gives the same digest
        config.put("created", Instant.ofEpochMilli(Files.getLastModifiedTime(wasm).toMillis()).toString());
        config.put("architecture", "wasm");
        config.put("os", component ? "wasip2" : "wasip1");
        config.putArray("layerDigests").add(digest);
        byte[] configBytes = JSON.writeValueAsBytes(config);
        String configDigest = RegistryClient.sha256(configBytes);
        client.pushBlob(ref, configDigest, HttpRequest.BodyPublishers.ofByteArray(configBytes));
        ArrayNode layers = JSON.createArrayNode().add(descriptor(WASM, digest, size));
        Map<String, String> annotations = Map.of("org.opencontainers.image.title", wasm.getFileName().toString());
        return client.pushManifest(ref, manifest(descriptor(WASM_CONFIG, configDigest, configBytes.length), layers,
                annotations), RegistryClient.OCI_MANIFEST);
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    private static byte[] manifest(ObjectNode config, ArrayNode layers, Map<String, String> annotations) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", RegistryClient.OCI_MANIFEST);
        m.set("config", config);
        m.set("layers", layers);
        if (!annotations.isEmpty()) {
            ObjectNode a = m.putObject("annotations");
            annotations.forEach(a::put);
        }
        return JSON.writeValueAsBytes(m);
    }

    /** Pulls what {@code ref} names into the cache and returns it ready to run. */
    public Pulled pull(OciReference ref) throws IOException {
        if (ref.digest() != null) {
            // pinned by digest: what the cache made from that manifest is still right, without asking the registry
            // (a restarted server comes up while the registry is down)
            Optional<Pulled> cached = cached(ref.digest());
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        RegistryClient.Manifest m = client.fetchManifest(ref);
        JsonNode manifest = parse(m.bytes(), "the manifest of " + ref);
        String type = manifest.path("mediaType").asText(m.mediaType());
        if (type.equals(RegistryClient.OCI_INDEX) || type.equals(RegistryClient.DOCKER_LIST) || manifest.has("manifests")) {
            JsonNode chosen = chooseFromIndex(manifest, ref);
            m = client.fetchManifest(ref.withDigest(chosen.path("digest").asText()));
            manifest = parse(m.bytes(), "the manifest of " + ref);
        }
        String digest = m.digest();
        JsonNode config = manifest.path("config");
        JsonNode layers = manifest.path("layers");
        if (!config.isObject() || !layers.isArray()) {
            throw new OciException(ref + " is not an image manifest (no config or layers)");
        }
        JsonNode lockedDescriptor = null;
        if (config.path("mediaType").asText().equals(SPIN_APP)) {
            lockedDescriptor = config;
        }
        for (JsonNode l : layers) {
            if (l.path("mediaType").asText().equals(SPIN_APP)) {
                lockedDescriptor = l;
            }
        }
        if (lockedDescriptor != null) {
            return pullApp(ref, digest, layers, lockedDescriptor);
        }
        JsonNode wasmLayer = null;
        for (JsonNode l : layers) {
            String t = l.path("mediaType").asText();
            if (t.equals(WASM) || t.equals(WASM_LAYER)) {
                if (wasmLayer != null) {
                    throw new OciException(ref + " has several Wasm layers but no Spin application: not a single component");
                }
                wasmLayer = l;
            }
        }
        if (wasmLayer == null) {
            throw new OciException(ref + " is neither a Spin application nor a Wasm component (config "
                    + config.path("mediaType").asText() + ", layers without " + WASM + ")");
        }
        Path wasm = fetch(ref, wasmLayer);
        // remember which blob this manifest's component is, for pulls pinned by digest
        Path pointer = cache.temp("component-");
        Files.writeString(pointer, wasmLayer.path("digest").asText());
        Path dir = cache.appPath(digest);
        Files.createDirectories(dir);
        cache.install(pointer, dir.resolve(COMPONENT_POINTER));
        return new PulledWasm(digest, wasm);
    }

    /** In an app directory of the cache: the digest of the component blob of a single-component manifest. */
    private static final String COMPONENT_POINTER = "component.digest";

    /** What an earlier pull of the manifest {@code digest} left in the cache, if it is complete and intact. */
    private Optional<Pulled> cached(String digest) throws OciException {
        Path dir = cache.appPath(digest);
        if (Files.isRegularFile(dir.resolve("spin.toml"))) {
            return Optional.of(new PulledApp(digest, dir.resolve("spin.toml")));
        }
        Path pointer = dir.resolve(COMPONENT_POINTER);
        if (Files.isRegularFile(pointer)) {
            try {
                String blob = Files.readString(pointer).trim();
                RegistryClient.checkDigest(blob);
                return cache.verified(blob).map(p -> new PulledWasm(digest, p));
            } catch (IOException e) {
                return Optional.empty(); // unreadable or damaged: pull again
            }
        }
        return Optional.empty();
    }

    private static JsonNode chooseFromIndex(JsonNode index, OciReference ref) throws OciException {
        JsonNode manifests = index.path("manifests");
        JsonNode wasm = null;
        for (JsonNode d : manifests) {
            if (d.path("platform").path("architecture").asText().equals("wasm")) {
                wasm = d;
                break;
            }
        }
        if (wasm == null && manifests.size() == 1) {
            wasm = manifests.get(0);
        }
        if (wasm == null) {
            throw new OciException(ref + " is an index without a manifest for the wasm architecture");
        }
        return wasm;
    }

    private Path fetch(OciReference ref, JsonNode descriptor) throws OciException {
        String digest = descriptor.path("digest").asText();
        long size = descriptor.path("size").asLong(-1);
        if (size < 0) {
            throw new OciException(ref + ": a descriptor without a size (" + descriptor + ")");
        }
        return cache.blob(client, ref, digest, size);
    }

    private PulledApp pullApp(OciReference ref, String digest, JsonNode layers, JsonNode lockedDescriptor)
            throws IOException {
        Path app = cache.appPath(digest);
        Path existing = app.resolve("spin.toml");
        if (Files.isRegularFile(existing)) {
            return new PulledApp(digest, existing);
        }
        if (lockedDescriptor.path("size").asLong(0) > MAX_JSON_BLOB) {
            throw new OciException(ref + ": the locked app is larger than " + MAX_JSON_BLOB + " bytes");
        }
        JsonNode locked = parse(Files.readAllBytes(fetch(ref, lockedDescriptor)), "the locked app of " + ref);
        Map<String, JsonNode> byDigest = new HashMap<>();
        for (JsonNode l : layers) {
            String t = l.path("mediaType").asText();
            if (t.equals(ARCHIVE_LAYER)) {
                // Spin packs a component's files in one archive layer when an app has too many for one layer each
                ArchiveLayers.unpack(fetch(ref, l), cache, ref + " archive layer " + l.path("digest").asText());
            } else {
                byDigest.put(l.path("digest").asText(), l);
            }
        }
        Map<String, Path> fetched = new HashMap<>();
        for (String d : LockedAppMaterializer.referencedDigests(locked)) {
            JsonNode layer = byDigest.get(d);
            Path p = layer != null ? fetch(ref, layer) : cache.verified(d).orElseThrow(() -> new OciException(ref
                    + ": the locked app references " + d + ", which is neither a layer nor in an archive layer of the image"));
            fetched.put(d, p);
        }
        Path tmp = cache.temp("app-");
        Files.delete(tmp);
        Files.createDirectories(tmp);
        try {
            LockedAppMaterializer.write(locked, d -> {
                Path p = fetched.get(d);
                if (p == null) {
                    throw new OciException(ref + ": content " + d + " is not in the image");
                }
                return p;
            }, tmp, ref.toString());
        } catch (IOException | RuntimeException e) {
            OciCache.deleteTree(tmp);
            throw e;
        }
        cache.install(tmp, app);
        return new PulledApp(digest, app.resolve("spin.toml"));
    }

    private static JsonNode parse(byte[] bytes, String what) throws OciException {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new OciException(what + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            if (e instanceof OciException o) {
                throw o;
            }
            throw new OciException(what + " is not valid JSON: " + e.getMessage());
        }
    }
}
