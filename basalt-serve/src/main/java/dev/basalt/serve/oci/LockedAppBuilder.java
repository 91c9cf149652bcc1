package dev.basalt.serve.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a Spin application manifest ({@code spin.toml}, {@code spin_manifest_version = 2}) into Spin's locked
 * application (the JSON document {@code spin registry push} publishes, {@code spin_lock_version}) plus the content
 * it references: every component's Wasm and every file its {@code files} mount, each named by its SHA-256 digest
 * (files of at most {@value #INLINE_MAX} bytes are inlined, base64, as Spin does, because some registries cannot
 * store very small blobs).
 *
 * <p>It keeps what the manifest says even where {@code basalt serve} does not support it yet (key-value stores,
 * variables, other trigger types): a published app is for any Spin-compatible host. Refused: sources that are not
 * local files (URLs, registry packages), inline trigger components, component dependencies, and files outside the
 * application directory.
 */
final class LockedAppBuilder {
    static final int INLINE_MAX = 128;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> COMPONENT_KEYS = Set.of("source", "description", "files", "exclude_files",
            "allowed_outbound_hosts", "key_value_stores", "sqlite_databases", "ai_models", "environment", "variables",
            "build", "tool", "dependencies_inherit_configuration", "dependencies");

    /** A piece of content the locked app references by digest: a component's Wasm or a file. */
    record Content(String digest, Path file, long size, boolean wasm) {
    }

    /** The locked app and the content to upload (one entry per distinct digest, in first-use order). */
    record Result(ObjectNode lockedApp, List<Content> contents) {
    }

    private final Path manifest;
    private final Path root;
    private final Map<String, Content> contents = new LinkedHashMap<>();

    private LockedAppBuilder(Path manifest) throws IOException {
        this.manifest = manifest;
        this.root = manifest.toAbsolutePath().getParent().toRealPath();
    }

    /** Builds the locked app for the manifest file. */
    static Result build(Path manifestFile) throws IOException {
        return new LockedAppBuilder(manifestFile).build();
    }

    private OciException problem(String message) {
        return new OciException(manifest + ": " + message);
    }

    private Result build() throws IOException {
        JsonNode toml;
        try {
            toml = new TomlMapper().readTree(Files.readString(manifest));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw problem("not valid TOML: " + e.getOriginalMessage());
        }
        if (toml.path("spin_manifest_version").asInt(0) != 2) {
            throw problem("only spin_manifest_version = 2 manifests can be pushed");
        }
        ObjectNode locked = NODES.objectNode();
        locked.put("spin_lock_version", 0);
        locked.set("metadata", metadata(toml));
        ObjectNode variables = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = toml.path("variables").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode v = NODES.objectNode();
            JsonNode def = e.getValue().path("default");
            boolean required = e.getValue().path("required").asBoolean(false);
            if (required == def.isTextual()) {
                throw problem("variable " + e.getKey() + " must be `required` OR have a `default`");
            }
            if (def.isTextual()) {
                v.put("default", def.asText());
            }
            if (e.getValue().path("secret").asBoolean(false)) {
                v.put("secret", true);
            }
            variables.set(e.getKey(), v);
        }
        if (!variables.isEmpty()) {
            locked.set("variables", variables);
        }
        JsonNode components = toml.path("component");
        locked.set("triggers", triggers(toml.path("trigger"), components));
        ArrayNode lockedComponents = NODES.arrayNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = components.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            lockedComponents.add(component(e.getKey(), e.getValue()));
        }
        locked.set("components", lockedComponents);
        if (usesServiceChaining(components)) {
            // as Spin writes it: a host without in-process chaining must refuse the app, not send it to the network
            locked.put("spin_lock_version", 1);
            locked.putArray("must_understand").add("host_requirements");
            locked.putObject("host_requirements").put(LockedAppMaterializer.LOCAL_SERVICE_CHAINING, "required");
        }
        return new Result(locked, List.copyOf(contents.values()));
    }

    /** Whether a component may call another in-process: a {@code spin.internal} host among its outbound grants. */
    private static boolean usesServiceChaining(JsonNode components) {
        for (JsonNode c : components) {
            for (JsonNode h : c.path("allowed_outbound_hosts")) {
                String host = h.asText();
                int scheme = host.indexOf("://");
                host = scheme < 0 ? host : host.substring(scheme + 3);
                int colon = host.lastIndexOf(':');
                host = colon < 0 ? host : host.substring(0, colon);
                if (host.toLowerCase(java.util.Locale.ROOT).endsWith(".spin.internal")) {
                    return true;
                }
            }
        }
        return false;
    }

    private ObjectNode metadata(JsonNode toml) {
        JsonNode app = toml.path("application");
        ObjectNode m = NODES.objectNode();
        m.put("name", app.path("name").asText("app"));
        for (String key : List.of("version", "description")) {
            if (app.path(key).isTextual()) {
                m.put(key, app.path(key).asText());
            }
        }
        if (app.path("authors").isArray()) {
            m.set("authors", app.path("authors").deepCopy());
        }
        ObjectNode triggerGlobals = app.path("trigger").isObject() ? (ObjectNode) app.path("trigger").deepCopy() : NODES.objectNode();
        m.set("triggers", triggerGlobals);
        List<String> types = new ArrayList<>();
        toml.path("trigger").fieldNames().forEachRemaining(types::add);
        if (types.size() == 1) {
            // Spin duplicates a single trigger type's globals under "trigger" with its "type", for older hosts
            ObjectNode single = triggerGlobals.path(types.get(0)).isObject()
                    ? (ObjectNode) triggerGlobals.path(types.get(0)).deepCopy() : NODES.objectNode();
            single.put("type", types.get(0));
            m.set("trigger", single);
        }
        return m;
    }

    private ArrayNode triggers(JsonNode trigger, JsonNode components) throws OciException {
        ArrayNode out = NODES.arrayNode();
        Set<String> ids = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = trigger.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String type = e.getKey();
            if (!e.getValue().isArray()) {
                throw problem("trigger." + type + " must be an array of tables ([[trigger." + type + "]])");
            }
            for (JsonNode t : e.getValue()) {
                if (!t.isObject()) {
                    throw problem("trigger." + type + " entries must be tables");
                }
                ObjectNode config = ((ObjectNode) t).deepCopy();
                JsonNode component = config.remove("component");
                if (component != null && !component.isTextual()) {
                    throw problem("trigger." + type + ": inline components cannot be pushed; give the component an id "
                            + "([component.ID]) and write `component = \"ID\"`");
                }
                if (config.has("components")) {
                    throw problem("trigger." + type + ": `components` (middleware) cannot be pushed");
                }
                if (component != null) {
                    if (!components.has(component.asText())) {
                        throw problem("trigger." + type + " names the unknown component `" + component.asText() + "`");
                    }
                    config.put("component", component.asText());
                }
                JsonNode explicitId = config.remove("id");
                String id = explicitId != null ? explicitId.asText()
                        : "trigger-" + (component != null ? component.asText() : type);
                String unique = id;
                for (int n = 2; !ids.add(unique); n++) {
                    unique = id + "-" + n;
                }
                ObjectNode lt = NODES.objectNode();
                lt.put("id", unique);
                lt.put("trigger_type", type);
                lt.set("trigger_config", config);
                out.add(lt);
            }
        }
        return out;
    }

    private ObjectNode component(String id, JsonNode c) throws IOException {
        if (!id.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw problem("component id `" + id + "` is not kebab-case (lower-case letters, digits and -)");
        }
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!COMPONENT_KEYS.contains(key)) {
                throw problem("component." + id + "." + key + " is not a Spin manifest key basalt can push");
            }
        }
        if (c.path("dependencies").size() > 0) {
            throw problem("component " + id + ": component dependencies cannot be pushed (compose the component first)");
        }
        JsonNode source = c.path("source");
        if (!source.isTextual()) {
            throw problem("component " + id + ": only local sources (`source = \"FILE.wasm\"`) can be pushed");
        }
        Path wasm = inside(source.asText(), "component " + id + " source");
        if (!Files.isRegularFile(wasm)) {
            throw problem("component " + id + ": source " + source.asText() + " is not a file");
        }
        ObjectNode lc = NODES.objectNode();
        lc.put("id", id);
        ObjectNode metadata = NODES.objectNode();
        if (c.path("description").isTextual()) {
            metadata.put("description", c.path("description").asText());
        }
        copyStrings(c, "allowed_outbound_hosts", metadata, "allowed_outbound_hosts", id);
        copyStrings(c, "key_value_stores", metadata, "key_value_stores", id);
        copyStrings(c, "sqlite_databases", metadata, "databases", id);
        copyStrings(c, "ai_models", metadata, "ai_models", id);
        lc.set("metadata", metadata);
        ObjectNode src = NODES.objectNode();
        src.put("content_type", "application/wasm");
        src.put("digest", add(wasm, true).digest());
        lc.set("source", src);
        ObjectNode env = stringMap(c.path("environment"), id, "environment");
        if (!env.isEmpty()) {
            lc.set("env", env);
        }
        ArrayNode files = files(id, c);
        if (!files.isEmpty()) {
            lc.set("files", files);
        }
        ObjectNode config = stringMap(c.path("variables"), id, "variables");
        if (!config.isEmpty()) {
            lc.set("config", config);
        }
        return lc;
    }

    private void copyStrings(JsonNode c, String key, ObjectNode into, String as, String id) throws OciException {
        JsonNode v = c.path(key);
        if (v.isMissingNode()) {
            return;
        }
        ArrayNode a = NODES.arrayNode();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw problem("component " + id + ": " + key + " must be a list of strings");
            }
            a.add(s.asText());
        }
        into.set(as, a);
    }

    private ObjectNode stringMap(JsonNode table, String id, String key) throws OciException {
        // sorted, as Spin's BTreeMap: the same manifest always gives the same locked app and digest
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = table.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                throw problem("component " + id + ": " + key + "." + e.getKey() + " must be a string");
            }
            sorted.put(e.getKey(), e.getValue().asText());
        }
        ObjectNode o = NODES.objectNode();
        sorted.forEach(o::put);
        return o;
    }

    /** A path relative to the application directory, which it must not leave (also not through links). */
    private Path inside(String relative, String what) throws IOException {
        Path p = root.resolve(relative).normalize();
        Path real = Files.exists(p) ? p.toRealPath() : p;
        if (!real.startsWith(root)) {
            throw problem(what + " " + relative + " is outside the application directory " + root);
        }
        return p;
    }

    private ArrayNode files(String id, JsonNode c) throws IOException {
        // destination path -> host file (Spin's files/exclude_files rules, shared with basalt serve)
        TreeMap<String, Path> placed;
        try {
            placed = dev.basalt.serve.AppFiles.place(root, id, c);
        } catch (IllegalArgumentException e) {
            throw problem(e.getMessage());
        }
        ArrayNode out = NODES.arrayNode();
        for (Map.Entry<String, Path> e : placed.entrySet()) {
            ObjectNode cp = NODES.objectNode();
            long size = Files.size(e.getValue());
            if (size <= INLINE_MAX) {
                byte[] bytes = Files.readAllBytes(e.getValue());
                cp.put("inline", Base64.getEncoder().encodeToString(bytes));
                cp.put("digest", RegistryClient.sha256(bytes));
            } else {
                cp.put("digest", add(e.getValue(), false).digest());
            }
            cp.put("path", e.getKey());
            out.add(cp);
        }
        return out;
    }

    private Content add(Path file, boolean wasm) throws IOException {
        String digest = RegistryClient.sha256(file);
        Content c = contents.get(digest);
        if (c == null) {
            c = new Content(digest, file, Files.size(file), wasm);
            contents.put(digest, c);
        }
        return c;
    }
}
