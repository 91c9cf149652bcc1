package dev.basalt.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.basalt.Engine;
import dev.basalt.component.Component;
import dev.basalt.wasi.WasiConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A Spin-style application manifest ({@code spin.toml}, {@code spin_manifest_version = 2}): HTTP routes to
 * components, and per component its source, the outbound hosts it may reach, its environment and the directories
 * it sees. The subset understood:
 *
 * <pre>{@code
 * spin_manifest_version = 2
 * [application]
 * name = "shop"
 *
 * [[trigger.http]]
 * route = "/api/..."            # /exact, /prefix/..., /...; route = { private = true } is not routed
 * component = "api"
 *
 * [component.api]
 * source = "api.wasm"           # relative to the manifest's directory
 * allowed_outbound_hosts = ["https://payments.example.com", "http://127.0.0.1:8081"]
 * environment = { MODE = "live" }
 * files = [{ source = "static", destination = "/static" }, "templates"]   # directories, read-only
 * }</pre>
 *
 * Anything that would grant more than this subset expresses (key-value stores, SQLite databases, variables,
 * AI models, component dependencies, glob patterns in {@code files}, non-HTTP outbound schemes, {@code self}) is
 * refused with a message naming it, rather than silently ignored. {@code build}, {@code description} and other
 * purely descriptive keys are ignored.
 *
 * @param file the manifest file
 * @param name the application's name
 * @param routes the routed HTTP triggers in the manifest's order
 * @param components the components by id
 */
public record AppManifest(Path file, String name, List<HttpTrigger> routes, Map<String, ComponentSpec> components) {
    /** An HTTP trigger: {@code route} to the component {@code component}. */
    public record HttpTrigger(String route, String component) {
    }

    /** A component: its source file and grants. */
    public record ComponentSpec(String id, Path source, List<String> allowedOutboundHosts,
            Map<String, String> environment, List<FileMount> files) {
        public ComponentSpec {
            allowedOutboundHosts = List.copyOf(allowedOutboundHosts);
            environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
            files = List.copyOf(files);
        }
    }

    /** A host directory the component sees, read-only, at {@code destination}. */
    public record FileMount(Path source, String destination) {
    }

    private static final Set<String> IGNORED_TOP = Set.of("spin_manifest_version", "application", "trigger");
    private static final Set<String> IGNORED_APP = Set.of("name", "version", "description", "authors", "trigger");
    private static final Set<String> IGNORED_COMPONENT = Set.of("description", "build", "exclude_files", "tool");

    public AppManifest {
        Objects.requireNonNull(file, "file");
        routes = List.copyOf(routes);
        components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
    }

    /**
     * Reads and checks a manifest.
     *
     * @throws IllegalArgumentException naming the file and the problem if it is not a manifest this understands
     */
    public static AppManifest load(Path file) throws IOException {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw problem(file, "not valid TOML: " + e.getOriginalMessage());
        }
        Path dir = file.toAbsolutePath().getParent();
        JsonNode version = root.path("spin_manifest_version");
        if (!version.isInt() || version.asInt() != 2) {
            throw problem(file, "only spin_manifest_version = 2 is understood (got " + version + ")");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!IGNORED_TOP.contains(key) && !key.equals("component")) {
                throw problem(file, "`" + key + "` is not supported by basalt serve");
            }
        }
        JsonNode app = root.path("application");
        for (Iterator<String> it = app.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!IGNORED_APP.contains(key)) {
                throw problem(file, "`application." + key + "` is not supported by basalt serve");
            }
        }
        String name = app.path("name").asText("app");

        Map<String, ComponentSpec> components = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("component").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            components.put(e.getKey(), component(file, dir, e.getKey(), e.getValue()));
        }

        List<HttpTrigger> routes = new ArrayList<>();
        JsonNode trigger = root.path("trigger");
        for (Iterator<String> it = trigger.fieldNames(); it.hasNext(); ) {
            String kind = it.next();
            if (!kind.equals("http")) {
                throw problem(file, "trigger type `" + kind + "` is not supported by basalt serve (only http)");
            }
        }
        for (JsonNode t : trigger.path("http")) {
            JsonNode component = t.path("component");
            if (!component.isTextual()) {
                throw problem(file, "trigger.http needs `component = \"ID\"` (inline components are not supported): " + t);
            }
            if (!components.containsKey(component.asText())) {
                throw problem(file, "trigger.http names the unknown component `" + component.asText() + "`");
            }
            JsonNode route = t.path("route");
            if (route.isObject() && route.path("private").asBoolean(false)) {
                continue; // reachable only from other components in Spin; not routed here
            }
            if (!route.isTextual()) {
                throw problem(file, "trigger.http needs `route = \"/...\"`: " + t);
            }
            try {
                Route.parse(route.asText());
            } catch (IllegalArgumentException ex) {
                throw problem(file, ex.getMessage());
            }
            routes.add(new HttpTrigger(route.asText(), component.asText()));
        }
        if (routes.isEmpty()) {
            throw problem(file, "no [[trigger.http]] routes: nothing to serve");
        }
        return new AppManifest(file, name, routes, components);
    }

    private static ComponentSpec component(Path file, Path dir, String id, JsonNode c) {
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("source", "allowed_outbound_hosts", "environment", "files").contains(key)
                    && !IGNORED_COMPONENT.contains(key)) {
                throw problem(file, "`component." + id + "." + key + "` is not supported by basalt serve");
            }
        }
        JsonNode source = c.path("source");
        if (!source.isTextual()) {
            throw problem(file, "component " + id + " needs `source = \"FILE.wasm\"` (URLs and registries are not supported)");
        }
        List<String> hosts = new ArrayList<>();
        for (JsonNode h : c.path("allowed_outbound_hosts")) {
            String pattern = h.asText();
            if (pattern.contains("{{") || pattern.contains("://self")) {
                throw problem(file, "component " + id + ": allowed_outbound_hosts entry `" + pattern
                        + "` (templates and self) is not supported by basalt serve");
            }
            try {
                WasiConfig.OutboundGrant.parse(pattern);
            } catch (IllegalArgumentException e) {
                throw problem(file, "component " + id + ": " + e.getMessage());
            }
            hosts.add(pattern);
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.path("environment").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            env.put(e.getKey(), e.getValue().asText());
        }
        List<FileMount> files = new ArrayList<>();
        for (JsonNode f : c.path("files")) {
            String src;
            String dest;
            if (f.isTextual()) {
                src = f.asText();
                dest = "/" + src;
            } else {
                src = f.path("source").asText("");
                dest = f.path("destination").asText("");
            }
            if (src.isEmpty() || dest.isEmpty() || src.contains("*") || src.contains("?") || src.contains("[")) {
                throw problem(file, "component " + id + ": files entries must be a directory or { source = DIR, "
                        + "destination = \"/PATH\" } (glob patterns are not supported): " + f);
            }
            Path host = dir.resolve(src).normalize();
            if (!Files.isDirectory(host)) {
                throw problem(file, "component " + id + ": files source " + src + " is not a directory");
            }
            files.add(new FileMount(host, dest));
        }
        return new ComponentSpec(id, dir.resolve(source.asText()).normalize(), hosts, env, files);
    }

    private static IllegalArgumentException problem(Path file, String message) {
        return new IllegalArgumentException(file + ": " + message);
    }

    /** What component {@code id}'s guests are granted: its environment, directories (read-only), outbound hosts. */
    public WasiConfig wasiConfig(String id) {
        ComponentSpec c = Objects.requireNonNull(components.get(id), () -> "no component " + id);
        WasiConfig.Builder b = WasiConfig.builder().args(c.id());
        c.environment().forEach(b::env);
        for (FileMount m : c.files()) {
            b.preopenDir(m.source(), m.destination(), true);
        }
        c.allowedOutboundHosts().forEach(b::allowOutboundHost);
        return b.build();
    }

    /**
     * A server builder with a route for every HTTP trigger; each routed component is compiled once.
     *
     * @throws IOException if a component's source cannot be read
     */
    public WasiHttpServer.Builder serverBuilder(Engine engine) throws IOException {
        WasiHttpServer.Builder b = WasiHttpServer.builder(engine);
        Map<String, Component> compiled = new LinkedHashMap<>();
        for (HttpTrigger t : routes) {
            Component component = compiled.get(t.component());
            if (component == null) {
                component = Component.compile(engine, Files.readAllBytes(components.get(t.component()).source()));
                compiled.put(t.component(), component);
            }
            b.route(t.route(), t.component(), component, wasiConfig(t.component()));
        }
        return b;
    }
}
