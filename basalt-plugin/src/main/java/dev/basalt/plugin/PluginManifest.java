package dev.basalt.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What a plug-in is made of and what it may do, in the shape of an Extism manifest: the Wasm modules, memory
 * limits, the configuration the guest reads with {@code config_get}, the hosts {@code http_request} may reach,
 * the directories WASI may open and a timeout per call.
 *
 * <p>The JSON form is Extism's ({@link #parse(String, Path)}, {@link #load(Path)}):
 * <pre>{@code
 * {"wasm": [{"path": "count_vowels.wasm", "hash": "<sha256 hex>"}],
 *  "memory": {"max_pages": 16, "max_http_response_bytes": 1048576, "max_var_bytes": 4096},
 *  "config": {"greeting": "Hi"}, "allowed_hosts": ["*.example.com"],
 *  "allowed_paths": {"ro:data": "/data"}, "timeout_ms": 1000}
 * }</pre>
 * A wasm source is {@code path} (relative to the manifest's directory), {@code data} (base64) or {@code url}
 * (fetched once when the plug-in is compiled; {@code headers} and {@code method} optional), each with an optional
 * {@code name} and {@code hash}. Unknown keys are refused with a message naming them, so a manifest that asks for
 * something Basalt does not do fails loudly instead of running with less than it asked for.
 */
public final class PluginManifest {
    /** Default name of the module whose exports are the plug-in's functions. */
    public static final String MAIN = "main";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_LEVEL_KEYS =
            Set.of("wasm", "memory", "config", "allowed_hosts", "allowed_paths", "timeout_ms");
    private static final Set<String> MEMORY_KEYS = Set.of("max_pages", "max_http_response_bytes", "max_var_bytes");

    /** One Wasm module of a plug-in. */
    public sealed interface WasmSource {
        /** The module name other modules import it by; the main module is named {@link #MAIN} or is the last. */
        Optional<String> name();

        /** The expected SHA-256 of the module's bytes, lower-case hex. */
        Optional<String> hash();
    }

    /** A module in a file. */
    public record FileSource(Path path, Optional<String> name, Optional<String> hash) implements WasmSource {
    }

    /** A module given as bytes. */
    public record BytesSource(byte[] data, Optional<String> name, Optional<String> hash) implements WasmSource {
    }

    /** A module fetched over HTTP(S) when the plug-in is compiled. */
    public record UrlSource(URI url, String method, Map<String, String> headers, Optional<String> name,
            Optional<String> hash) implements WasmSource {
    }

    private final List<WasmSource> wasm;
    private final OptionalInt maxPages;
    private final OptionalLong maxHttpResponseBytes;
    private final OptionalLong maxVarBytes;
    private final Map<String, String> config;
    private final List<String> allowedHosts;
    private final Map<String, String> allowedPaths;
    private final Set<String> readOnlyPaths;
    private final Optional<Duration> timeout;

    private PluginManifest(Builder b) {
        this.wasm = List.copyOf(b.wasm);
        this.maxPages = b.maxPages;
        this.maxHttpResponseBytes = b.maxHttpResponseBytes;
        this.maxVarBytes = b.maxVarBytes;
        this.config = Map.copyOf(b.config);
        this.allowedHosts = List.copyOf(b.allowedHosts);
        this.allowedPaths = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.allowedPaths));
        this.readOnlyPaths = Set.copyOf(b.readOnlyPaths);
        this.timeout = b.timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A manifest of one module file and nothing else granted. */
    public static PluginManifest ofWasm(Path wasmFile) {
        return builder().wasm(wasmFile).build();
    }

    /** A manifest of one module and nothing else granted. */
    public static PluginManifest ofWasm(byte[] wasm) {
        return builder().wasm(wasm).build();
    }

    /** Reads an Extism manifest (JSON) from a file; relative wasm paths are relative to its directory. */
    public static PluginManifest load(Path manifestFile) throws IOException {
        Path base = manifestFile.toAbsolutePath().getParent();
        return parse(Files.readString(manifestFile), base);
    }

    /**
     * Parses an Extism manifest (JSON). Relative wasm paths resolve against {@code baseDir}.
     *
     * @throws PluginException if the JSON is malformed or names something Basalt does not support
     */
    public static PluginManifest parse(String json, Path baseDir) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PluginException("manifest: malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new PluginException("manifest: expected a JSON object");
        }
        refuseUnknownKeys(root, TOP_LEVEL_KEYS, "manifest");
        Builder b = builder();
        JsonNode wasm = root.get("wasm");
        if (wasm == null || !wasm.isArray() || wasm.isEmpty()) {
            throw new PluginException("manifest: \"wasm\" must be a non-empty array of modules");
        }
        for (JsonNode w : wasm) {
            b.wasm.add(parseSource(w, baseDir));
        }
        JsonNode memory = root.get("memory");
        if (memory != null && !memory.isNull()) {
            if (!memory.isObject()) {
                throw new PluginException("manifest: \"memory\" must be an object");
            }
            refuseUnknownKeys(memory, MEMORY_KEYS, "manifest memory");
            if (memory.hasNonNull("max_pages")) {
                b.maxPages((int) nonNegative(memory.get("max_pages"), "memory.max_pages", 65536));
            }
            if (memory.hasNonNull("max_http_response_bytes")) {
                b.maxHttpResponseBytes(nonNegative(memory.get("max_http_response_bytes"),
                        "memory.max_http_response_bytes", Integer.MAX_VALUE));
            }
            if (memory.hasNonNull("max_var_bytes")) {
                b.maxVarBytes(nonNegative(memory.get("max_var_bytes"), "memory.max_var_bytes", Integer.MAX_VALUE));
            }
        }
        for (Map.Entry<String, String> e : stringMap(root.get("config"), "config").entrySet()) {
            b.config(e.getKey(), e.getValue());
        }
        JsonNode hosts = root.get("allowed_hosts");
        if (hosts != null && !hosts.isNull()) {
            if (!hosts.isArray()) {
                throw new PluginException("manifest: \"allowed_hosts\" must be an array of host patterns");
            }
            for (JsonNode h : hosts) {
                if (!h.isTextual()) {
                    throw new PluginException("manifest: \"allowed_hosts\" entries must be strings");
                }
                b.allowHost(h.asText());
            }
        }
        for (Map.Entry<String, String> e : stringMap(root.get("allowed_paths"), "allowed_paths").entrySet()) {
            String host = e.getKey();
            boolean readOnly = host.startsWith("ro:");
            Path hostPath = Path.of(readOnly ? host.substring(3) : host);
            if (!hostPath.isAbsolute() && baseDir != null) {
                hostPath = baseDir.resolve(hostPath);
            }
            b.allowPath(hostPath, e.getValue(), readOnly);
        }
        JsonNode timeout = root.get("timeout_ms");
        if (timeout != null && !timeout.isNull()) {
            b.timeout(Duration.ofMillis(nonNegative(timeout, "timeout_ms", Long.MAX_VALUE)));
        }
        return b.build();
    }

    private static WasmSource parseSource(JsonNode w, Path baseDir) {
        if (!w.isObject()) {
            throw new PluginException("manifest: each \"wasm\" entry must be an object with path, data or url");
        }
        refuseUnknownKeys(w, Set.of("path", "data", "url", "name", "hash", "headers", "method"), "manifest wasm");
        Optional<String> name = optionalText(w, "name");
        Optional<String> hash = optionalText(w, "hash").map(PluginManifest::checkHash);
        int kinds = (w.has("path") ? 1 : 0) + (w.has("data") ? 1 : 0) + (w.has("url") ? 1 : 0);
        if (kinds != 1) {
            throw new PluginException("manifest: a \"wasm\" entry needs exactly one of path, data or url");
        }
        if (w.has("path")) {
            Path p = Path.of(text(w, "path"));
            return new FileSource(p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p), name, hash);
        }
        if (w.has("data")) {
            try {
                return new BytesSource(Base64.getDecoder().decode(text(w, "data")), name, hash);
            } catch (IllegalArgumentException e) {
                throw new PluginException("manifest: wasm \"data\" is not base64: " + e.getMessage());
            }
        }
        URI url;
        try {
            url = URI.create(text(w, "url"));
        } catch (IllegalArgumentException e) {
            throw new PluginException("manifest: wasm \"url\" is not a URL: " + e.getMessage());
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new PluginException("manifest: wasm \"url\" must be http or https: " + url);
        }
        return new UrlSource(url, optionalText(w, "method").orElse("GET"), stringMap(w.get("headers"), "headers"),
                name, hash);
    }

    private static void refuseUnknownKeys(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new PluginException(where + ": unknown key \"" + k + "\" (known: "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new PluginException("manifest: \"" + key + "\" must be a string");
        }
        return v.asText();
    }

    private static Optional<String> optionalText(JsonNode n, String key) {
        return n.hasNonNull(key) ? Optional.of(text(n, key)) : Optional.empty();
    }

    private static long nonNegative(JsonNode n, String what, long max) {
        if (!n.canConvertToExactIntegral() || n.asLong() < 0 || n.asLong() > max) {
            throw new PluginException("manifest: \"" + what + "\" must be an integer from 0 to " + max);
        }
        return n.asLong();
    }

    private static Map<String, String> stringMap(JsonNode n, String what) {
        Map<String, String> m = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return m;
        }
        if (!n.isObject()) {
            throw new PluginException("manifest: \"" + what + "\" must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new PluginException("manifest: \"" + what + "\" value of \"" + e.getKey() + "\" must be a string");
            }
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    private static String checkHash(String hash) {
        if (!hash.matches("[0-9a-fA-F]{64}")) {
            throw new PluginException("manifest: wasm \"hash\" must be a SHA-256 in hex (64 digits): " + hash);
        }
        return hash.toLowerCase(java.util.Locale.ROOT);
    }

    public List<WasmSource> wasm() {
        return wasm;
    }

    /** Cap of each linear memory and of the kernel memory, in 64 KiB pages. */
    public OptionalInt maxPages() {
        return maxPages;
    }

    public OptionalLong maxHttpResponseBytes() {
        return maxHttpResponseBytes;
    }

    public OptionalLong maxVarBytes() {
        return maxVarBytes;
    }

    public Map<String, String> config() {
        return config;
    }

    public List<String> allowedHosts() {
        return allowedHosts;
    }

    /** Host directory (as given, {@code ro:} removed) to guest path; see {@link #readOnlyPaths()}. */
    public Map<String, String> allowedPaths() {
        return allowedPaths;
    }

    /** The host directories of {@link #allowedPaths()} granted read-only. */
    public Set<String> readOnlyPaths() {
        return readOnlyPaths;
    }

    public Optional<Duration> timeout() {
        return timeout;
    }

    /** Builds a manifest in Java. */
    public static final class Builder {
        private final List<WasmSource> wasm = new ArrayList<>();
        private OptionalInt maxPages = OptionalInt.empty();
        private OptionalLong maxHttpResponseBytes = OptionalLong.empty();
        private OptionalLong maxVarBytes = OptionalLong.empty();
        private final Map<String, String> config = new LinkedHashMap<>();
        private final List<String> allowedHosts = new ArrayList<>();
        private final Map<String, String> allowedPaths = new LinkedHashMap<>();
        private final Set<String> readOnlyPaths = new java.util.HashSet<>();
        private Optional<Duration> timeout = Optional.empty();

        private Builder() {
        }

        public Builder wasm(Path file) {
            wasm.add(new FileSource(file, Optional.empty(), Optional.empty()));
            return this;
        }

        public Builder wasm(byte[] bytes) {
            wasm.add(new BytesSource(bytes.clone(), Optional.empty(), Optional.empty()));
            return this;
        }

        public Builder wasm(WasmSource source) {
            wasm.add(source);
            return this;
        }

        public Builder maxPages(int pages) {
            if (pages < 0 || pages > 65536) {
                throw new IllegalArgumentException("max pages must be 0..65536: " + pages);
            }
            maxPages = OptionalInt.of(pages);
            return this;
        }

        public Builder maxHttpResponseBytes(long bytes) {
            maxHttpResponseBytes = OptionalLong.of(bytes);
            return this;
        }

        public Builder maxVarBytes(long bytes) {
            maxVarBytes = OptionalLong.of(bytes);
            return this;
        }

        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        /** A host {@code http_request} may reach: a name, {@code *.example.com}, or {@code *} for any. */
        public Builder allowHost(String pattern) {
            allowedHosts.add(pattern);
            return this;
        }

        /** A host directory WASI guests see at {@code guestPath}. */
        public Builder allowPath(Path hostDir, String guestPath, boolean readOnly) {
            String key = hostDir.toString();
            allowedPaths.put(key, guestPath);
            if (readOnly) {
                readOnlyPaths.add(key);
            } else {
                readOnlyPaths.remove(key);
            }
            return this;
        }

        public Builder timeout(Duration perCall) {
            timeout = Optional.of(perCall);
            return this;
        }

        public PluginManifest build() {
            if (wasm.isEmpty()) {
                throw new IllegalStateException("a plug-in needs at least one wasm module");
            }
            return new PluginManifest(this);
        }
    }
}
