package dev.basalt.serve.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lays out a pulled Spin application as a directory {@code basalt serve} runs like any other: a generated
 * {@code spin.toml}, {@code wasm/ID.wasm} for each component and {@code files/ID/...} with the files it mounts
 * (mounted at {@code /}, as Spin mounts a pulled app's files). The locked app is hostile input: component ids
 * and file paths are checked to stay inside the directory, content must match its digest, and what the locked app
 * requires but the manifest cannot say ({@code host_requirements} other than {@code local_service_chaining}, which
 * basalt serve provides; dependencies) is refused by name.
 *
 * <p>What the generated manifest grants is exactly what the locked app lists; {@link dev.basalt.serve.AppManifest}
 * then refuses what {@code basalt serve} does not support, with its usual messages.
 */
final class LockedAppMaterializer {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String ID = "[A-Za-z0-9]+([_-][A-Za-z0-9]+)*";

    /** Where a piece of content named by digest is: a verified cache blob. */
    interface Blobs {
        Path blob(String digest) throws OciException;
    }

    private LockedAppMaterializer() {
    }

    /** Spin's host requirement of an app whose components call each other in-process ({@code *.spin.internal}). */
    static final String LOCAL_SERVICE_CHAINING = "local_service_chaining";

    /** Writes the application into the (new, empty) directory {@code dir} and returns its manifest file. */
    static Path write(JsonNode locked, Blobs blobs, Path dir, String origin) throws IOException {
        if (!locked.isObject() || !locked.has("spin_lock_version")) {
            throw new OciException(origin + ": the application config is not a Spin locked app (no spin_lock_version)");
        }
        int version = locked.path("spin_lock_version").asInt(-1);
        if (version != 0 && version != 1) {
            throw new OciException(origin + ": spin_lock_version " + locked.path("spin_lock_version") + " is not understood");
        }
        for (JsonNode m : locked.path("must_understand")) {
            if (!m.asText().equals("host_requirements")) {
                throw new OciException(origin + ": the app needs `" + m.asText() + "`, which basalt does not understand");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = locked.path("host_requirements").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // basalt serve chains in-process (WasiHttpServer), which is what this requirement asks for
            if (!e.getValue().asText().equals("optional") && !e.getKey().equals(LOCAL_SERVICE_CHAINING)) {
                throw new OciException(origin + ": the app requires the host feature `" + e.getKey()
                        + "`, which basalt serve does not support");
            }
        }
        ObjectNode toml = NODES.objectNode();
        toml.put("spin_manifest_version", 2);
        ObjectNode application = toml.putObject("application");
        JsonNode metadata = locked.path("metadata");
        application.put("name", metadata.path("name").asText("app"));
        for (String key : List.of("version", "description")) {
            if (metadata.path(key).isTextual()) {
                application.put(key, metadata.path(key).asText());
            }
        }
        ObjectNode variables = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = locked.path("variables").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode v = variables.putObject(e.getKey());
            if (e.getValue().path("default").isTextual()) {
                v.put("default", e.getValue().path("default").asText());
            } else {
                v.put("required", true);
            }
            if (e.getValue().path("secret").asBoolean(false)) {
                v.put("secret", true);
            }
        }
        if (!variables.isEmpty()) {
            toml.set("variables", variables);
        }
        ObjectNode triggers = toml.putObject("trigger");
        for (JsonNode t : locked.path("triggers")) {
            String type = t.path("trigger_type").asText("");
            if (!type.matches(ID)) {
                throw new OciException(origin + ": bad trigger type " + t.path("trigger_type"));
            }
            JsonNode config = t.path("trigger_config");
            if (!config.isObject()) {
                throw new OciException(origin + ": trigger " + t.path("id") + " has no trigger_config");
            }
            ObjectNode entry = withoutNulls((ObjectNode) config);
            if (t.path("id").isTextual()) {
                entry.put("id", t.path("id").asText());
            }
            ArrayNode list = triggers.has(type) ? (ArrayNode) triggers.get(type) : triggers.putArray(type);
            list.add(entry);
        }
        ObjectNode components = toml.putObject("component");
        Files.createDirectories(dir.resolve("wasm"));
        for (JsonNode c : locked.path("components")) {
            String id = c.path("id").asText("");
            if (!id.matches(ID)) {
                throw new OciException(origin + ": bad component id " + c.path("id"));
            }
            if (c.path("dependencies").size() > 0) {
                throw new OciException(origin + ": component " + id + " has component dependencies, which basalt serve "
                        + "does not support (push it composed)");
            }
            ObjectNode spec = components.putObject(id);
            Path wasm = dir.resolve("wasm").resolve(id + ".wasm");
            content(c.path("source"), blobs, wasm, origin + ": component " + id + " source");
            spec.put("source", "wasm/" + id + ".wasm");
            JsonNode meta = c.path("metadata");
            if (meta.path("description").isTextual()) {
                spec.put("description", meta.path("description").asText());
            }
            copyNonEmpty(meta, "allowed_outbound_hosts", spec, "allowed_outbound_hosts");
            copyNonEmpty(meta, "key_value_stores", spec, "key_value_stores");
            copyNonEmpty(meta, "databases", spec, "sqlite_databases");
            copyNonEmpty(meta, "ai_models", spec, "ai_models");
            if (c.path("env").size() > 0) {
                spec.set("environment", strings(c.path("env"), origin + ": component " + id + " env"));
            }
            if (c.path("config").size() > 0) {
                spec.set("variables", strings(c.path("config"), origin + ": component " + id + " config"));
            }
            if (c.path("files").size() > 0) {
                Path files = dir.resolve("files").resolve(id);
                Files.createDirectories(files);
                for (JsonNode f : c.path("files")) {
                    String path = f.path("path").asText("");
                    Path target = safeJoin(files, path, origin + ": component " + id + " file");
                    Files.createDirectories(target.getParent());
                    content(f, blobs, target, origin + ": component " + id + " file " + path);
                }
                ObjectNode mount = NODES.objectNode();
                mount.put("source", "files/" + id);
                mount.put("destination", "/");
                spec.putArray("files").add(mount);
            }
        }
        Path manifest = dir.resolve("spin.toml");
        Files.writeString(manifest, "# Generated by basalt from the Spin application " + origin + "\n"
                + new TomlMapper().writeValueAsString(toml));
        return manifest;
    }

    private static ObjectNode withoutNulls(ObjectNode o) {
        ObjectNode copy = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                continue;
            }
            copy.set(e.getKey(), e.getValue().isObject() ? withoutNulls((ObjectNode) e.getValue()) : e.getValue());
        }
        return copy;
    }

    private static void copyNonEmpty(JsonNode from, String key, ObjectNode into, String as) {
        if (from.path(key).isArray() && from.path(key).size() > 0) {
            into.set(as, from.path(key).deepCopy());
        }
    }

    private static ObjectNode strings(JsonNode map, String what) throws OciException {
        ObjectNode o = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new OciException(what + " " + e.getKey() + " is not a string");
            }
            o.put(e.getKey(), e.getValue().asText());
        }
        return o;
    }

    /** {@code base/relative}, refusing absolute paths, {@code ..}, empty segments and the like. */
    static Path safeJoin(Path base, String relative, String what) throws OciException {
        if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\") || relative.contains("\0")) {
            throw new OciException(what + ": unsafe path `" + relative + "`");
        }
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new OciException(what + ": unsafe path `" + relative + "`");
            }
        }
        Path p = base.resolve(relative).normalize();
        if (!p.startsWith(base) || p.equals(base)) {
            throw new OciException(what + ": unsafe path `" + relative + "`");
        }
        return p;
    }

    /** Writes a content reference ({@code inline} base64 and/or {@code digest}) to {@code target}. */
    private static void content(JsonNode ref, Blobs blobs, Path target, String what) throws IOException {
        JsonNode inline = ref.path("inline");
        JsonNode digest = ref.path("digest");
        if (inline.isTextual()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(inline.asText());
            } catch (IllegalArgumentException e) {
                throw new OciException(what + ": inline content is not base64");
            }
            if (digest.isTextual() && !RegistryClient.sha256(bytes).equals(digest.asText())) {
                throw new OciException(what + ": inline content does not match its digest " + digest.asText());
            }
            Files.write(target, bytes);
            return;
        }
        if (!digest.isTextual()) {
            throw new OciException(what + " has neither a digest nor inline content");
        }
        Path blob = blobs.blob(digest.asText());
        try {
            Files.createLink(target, blob);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(blob, target);
        }
    }

    static Set<String> referencedDigests(JsonNode locked) {
        Set<String> digests = new java.util.LinkedHashSet<>();
        for (JsonNode c : locked.path("components")) {
            if (c.path("source").path("digest").isTextual() && !c.path("source").path("inline").isTextual()) {
                digests.add(c.path("source").path("digest").asText());
            }
            for (JsonNode f : c.path("files")) {
                if (f.path("digest").isTextual() && !f.path("inline").isTextual()) {
                    digests.add(f.path("digest").asText());
                }
            }
        }
        return digests;
    }
}
