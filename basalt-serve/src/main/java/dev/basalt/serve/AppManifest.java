package dev.basalt.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.basalt.Engine;
import dev.basalt.component.Component;
import dev.basalt.serve.oci.OciCache;
import dev.basalt.serve.oci.UrlSource;
import dev.basalt.spin.SpinConfig;
import dev.basalt.spin.Variables;
import dev.basalt.spin.kv.KeyValueStore;
import dev.basalt.spin.kv.KeyValueStores;
import dev.basalt.spin.redis.RedisAddress;
import dev.basalt.spin.redis.RedisTrigger;
import dev.basalt.spin.sqlite.SqliteDatabases;
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
import java.util.Optional;
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
 * [application.trigger.redis]
 * address = "redis://localhost:6379"   # the Redis triggers' server
 *
 * [[trigger.http]]
 * route = "/api/..."            # /exact, /prefix/..., /...; route = { private = true }: only chained requests
 * component = "api"
 *
 * [[trigger.http]]
 * route = "/admin/..."
 * component = "auth"            # a wasi:http/middleware ...
 * next_handler = "admin"        # ... whose next handler on this route is admin (or a chain: ["audit", "admin"]);
 *                               # on other routes the component's own next_handler applies
 *
 * [[trigger.redis]]
 * channel = "orders"            # each message runs the component's fermyon:spin/inbound-redis#handle-message
 * component = "order-handler"
 *
 * [component.api]
 * source = "api.wasm"           # relative to the manifest's directory; or { url = "https://...", digest = "sha256:..." }
 *                               # (downloaded once into the OCI cache, verified)
 * allowed_outbound_hosts = ["https://payments.example.com", "http://127.0.0.1:8081", "redis://cache:6379",
 *                           "http://self", "http://accounts.spin.internal"]  # in-process: self-requests, chaining
 * environment = { MODE = "live" }
 * files = [{ source = "static", destination = "/static" }, "templates", "assets/**\/*.css"]  # read-only
 * exclude_files = ["**\/*.bak"]
 * key_value_stores = ["default", "cache"]   # the stores it may open (others: access-denied)
 * sqlite_databases = ["default"]            # the SQLite databases it may open (fermyon:spin/sqlite)
 * next_handler = "backend"      # a wasi:http/middleware's next handler (its imported wasi:http/handler@0.3.0):
 *                               # component backend, in-process (with or without a trigger of its own)
 * variables = { api_url = "https://{{ host }}/v1", token = "{{ api_token }}" }
 *
 * [variables]                   # application variables: a default, or required (from SPIN_VARIABLE_API_TOKEN)
 * host = { default = "api.example.com" }
 * api_token = { required = true, secret = true }
 * }</pre>
 *
 * The store {@code default} is an SQLite database {@code .spin/sqlite_key_value.db} beside the manifest (Spin's),
 * the SQLite database {@code default} is {@code .spin/sqlite_db.db} (Spin's); a runtime-config file
 * ({@link #serverBuilder(Engine, Optional, Map)}, {@code [key_value_store.NAME]}, {@code [sqlite_database.NAME]})
 * configures others or replaces them. {@code redis://} (and {@code rediss://}) outbound grants admit Redis servers
 * for {@code fermyon:spin/redis}; {@code http://self} (self-requests: a relative URL or the host {@code self.alt},
 * routed as an incoming request) and {@code http://ID.spin.internal} / {@code http://*.spin.internal} (Spin's
 * service chaining to component ID, also a private one) are served in-process by {@link WasiHttpServer}, without a
 * network hop. Anything that would grant more than this subset expresses (AI models, component
 * dependencies, other non-HTTP outbound schemes, templates) is
 * refused with a message naming it, rather than silently ignored. {@code build}, {@code description} and other
 * purely descriptive keys are ignored.
 *
 * @param file the manifest file
 * @param name the application's name
 * @param routes the routed HTTP triggers in the manifest's order
 * @param components the components by id
 * @param variables the application variables
 * @param redisTriggers the Redis triggers in the manifest's order
 */
public record AppManifest(Path file, String name, List<HttpTrigger> routes, Map<String, ComponentSpec> components,
        Map<String, Variables.Definition> variables, List<RedisTriggerSpec> redisTriggers) {
    /** A manifest without application variables. */
    public AppManifest(Path file, String name, List<HttpTrigger> routes, Map<String, ComponentSpec> components) {
        this(file, name, routes, components, Map.of());
    }

    /** A manifest without Redis triggers. */
    public AppManifest(Path file, String name, List<HttpTrigger> routes, Map<String, ComponentSpec> components,
            Map<String, Variables.Definition> variables) {
        this(file, name, routes, components, variables, List.of());
    }

    /**
     * The same application with {@code env} added to every component's environment, over the manifest's own values
     * (Spin's {@code spin up --env NAME=VALUE}, which passes a variable to all components).
     */
    public AppManifest withEnvironment(Map<String, String> env) {
        if (env.isEmpty()) {
            return this;
        }
        Map<String, ComponentSpec> out = new LinkedHashMap<>();
        components.forEach((id, c) -> {
            Map<String, String> merged = new LinkedHashMap<>(c.environment());
            merged.putAll(env);
            out.put(id, new ComponentSpec(c.id(), c.source(), c.allowedOutboundHosts(), merged, c.files(),
                    c.keyValueStores(), c.variables(), c.sqliteDatabases(), c.nextHandler()));
        });
        return new AppManifest(file, name, routes, java.util.Collections.unmodifiableMap(out), variables,
                redisTriggers);
    }

    /**
     * A Redis trigger ({@code [[trigger.redis]]}): messages published on {@code channel} of the server at
     * {@code address} (the trigger's own {@code address}, else {@code [application.trigger.redis] address}) run
     * {@code component}'s {@code fermyon:spin/inbound-redis#handle-message}.
     */
    public record RedisTriggerSpec(String channel, String component, String address) {
    }

    /**
     * An HTTP trigger: {@code route} to the component {@code component}; {@code route} is null for a private one
     * ({@code route = { private = true }}): the component is reached only by service chaining.
     *
     * @param nextHandlers the trigger's {@code next_handler}: for a {@code wasi:http/middleware} component, its
     *     next handlers on this route, in chain order (see {@link WasiHttpServer.Builder#routeNextHandlers}); empty:
     *     the components' own {@code next_handler}
     */
    public record HttpTrigger(String route, String component, List<String> nextHandlers) {
        public HttpTrigger {
            nextHandlers = List.copyOf(nextHandlers);
        }

        /** A trigger without next handlers of its own. */
        public HttpTrigger(String route, String component) {
            this(route, component, List.of());
        }
    }

    /**
     * A component: its source file and grants.
     *
     * @param keyValueStores the labels of the key-value stores it may open
     * @param variables its variables: name to template over the application's variables
     * @param sqliteDatabases the names of the SQLite databases it may open
     * @param nextHandler for a {@code wasi:http/middleware} component: the component its imported
     *     {@code wasi:http/handler} runs ({@code next_handler}), see {@link WasiHttpServer.Builder#nextHandler}
     */
    public record ComponentSpec(String id, Path source, List<String> allowedOutboundHosts,
            Map<String, String> environment, List<FileMount> files, List<String> keyValueStores,
            Map<String, String> variables, List<String> sqliteDatabases, Optional<String> nextHandler) {
        public ComponentSpec {
            Objects.requireNonNull(nextHandler, "nextHandler");
            allowedOutboundHosts = List.copyOf(allowedOutboundHosts);
            environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
            files = List.copyOf(files);
            keyValueStores = List.copyOf(keyValueStores);
            variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
            sqliteDatabases = List.copyOf(sqliteDatabases);
        }

        /** A component that is no middleware (no next handler). */
        public ComponentSpec(String id, Path source, List<String> allowedOutboundHosts,
                Map<String, String> environment, List<FileMount> files, List<String> keyValueStores,
                Map<String, String> variables, List<String> sqliteDatabases) {
            this(id, source, allowedOutboundHosts, environment, files, keyValueStores, variables, sqliteDatabases,
                    Optional.empty());
        }

        /** A component without SQLite databases. */
        public ComponentSpec(String id, Path source, List<String> allowedOutboundHosts,
                Map<String, String> environment, List<FileMount> files, List<String> keyValueStores,
                Map<String, String> variables) {
            this(id, source, allowedOutboundHosts, environment, files, keyValueStores, variables, List.of());
        }

        /** A component without key-value stores or variables. */
        public ComponentSpec(String id, Path source, List<String> allowedOutboundHosts,
                Map<String, String> environment, List<FileMount> files) {
            this(id, source, allowedOutboundHosts, environment, files, List.of(), Map.of(), List.of());
        }
    }

    /** A host directory the component sees, read-only, at {@code destination}. */
    public record FileMount(Path source, String destination) {
    }

    private static final Set<String> IGNORED_TOP = Set.of("spin_manifest_version", "application", "trigger",
            "variables");
    private static final Set<String> IGNORED_APP = Set.of("name", "version", "description", "authors", "trigger");
    private static final Set<String> IGNORED_COMPONENT = Set.of("description", "build", "tool");

    public AppManifest {
        Objects.requireNonNull(file, "file");
        routes = List.copyOf(routes);
        redisTriggers = List.copyOf(redisTriggers);
        components = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(components));
        variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
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

        for (ComponentSpec c : components.values()) {
            if (c.nextHandler().isPresent() && !components.containsKey(c.nextHandler().get())) {
                throw problem(file, "component " + c.id() + ": next_handler names the unknown component `"
                        + c.nextHandler().get() + "`");
            }
        }

        List<HttpTrigger> routes = new ArrayList<>();
        JsonNode trigger = root.path("trigger");
        for (Iterator<String> it = trigger.fieldNames(); it.hasNext(); ) {
            String kind = it.next();
            if (!kind.equals("http") && !kind.equals("redis")) {
                throw problem(file, "trigger type `" + kind + "` is not supported by basalt serve (only http and redis)");
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
            List<String> chain = triggerNextHandlers(file, t, components);
            if (route.isObject() && route.path("private").asBoolean(false)) {
                if (!chain.isEmpty()) {
                    throw problem(file, "trigger.http: next_handler on a private route has no requests to apply to "
                            + "(give the component its next_handler instead): " + t);
                }
                // reachable only from the app's other components (http://ID.spin.internal), not routed
                routes.add(new HttpTrigger(null, component.asText()));
                continue;
            }
            if (!route.isTextual()) {
                throw problem(file, "trigger.http needs `route = \"/...\"`: " + t);
            }
            try {
                Route.parse(route.asText());
            } catch (IllegalArgumentException ex) {
                throw problem(file, ex.getMessage());
            }
            routes.add(new HttpTrigger(route.asText(), component.asText(), chain));
        }
        List<RedisTriggerSpec> redisTriggers = redisTriggers(file, app, trigger.path("redis"), components);
        if (routes.stream().allMatch(t -> t.route() == null) && redisTriggers.isEmpty()) {
            throw problem(file, "no [[trigger.http]] or [[trigger.redis]] triggers: nothing to serve");
        }
        Map<String, Variables.Definition> variables = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("variables").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            variables.put(e.getKey(), variable(file, e.getKey(), e.getValue()));
        }
        AppManifest m = new AppManifest(file, name, routes, components, variables, redisTriggers);
        // names, templates and references now; the required variables' values come from the environment at serve time
        Map<String, String> placeholders = new LinkedHashMap<>();
        variables.values().stream().filter(Variables.Definition::required).forEach(d ->
                placeholders.put("SPIN_VARIABLE_" + d.name().toUpperCase(java.util.Locale.ROOT), ""));
        try {
            m.variables(placeholders);
        } catch (IllegalArgumentException e) {
            throw problem(file, e.getMessage());
        }
        return m;
    }

    /**
     * A trigger's {@code next_handler}: one component id, or a list of them (the chain after the trigger's
     * middleware); empty without one.
     */
    private static List<String> triggerNextHandlers(Path file, JsonNode trigger, Map<String, ComponentSpec> components) {
        JsonNode next = trigger.path("next_handler");
        if (next.isMissingNode()) {
            return List.of();
        }
        List<String> chain = new ArrayList<>();
        if (next.isTextual()) {
            chain.add(next.asText());
        } else if (next.isArray() && !next.isEmpty()) {
            for (JsonNode n : next) {
                if (!n.isTextual()) {
                    chain.clear();
                    break;
                }
                chain.add(n.asText());
            }
        }
        if (chain.isEmpty()) {
            throw problem(file, "trigger.http: next_handler must be a component id or a list of them: " + next);
        }
        for (String id : chain) {
            if (!components.containsKey(id)) {
                throw problem(file, "trigger.http: next_handler names the unknown component `" + id + "`");
            }
        }
        return chain;
    }

    private static List<RedisTriggerSpec> redisTriggers(Path file, JsonNode app, JsonNode triggers,
            Map<String, ComponentSpec> components) {
        JsonNode appRedis = app.path("trigger").path("redis");
        for (Iterator<String> it = app.path("trigger").fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("redis") && !key.equals("http")) {
                throw problem(file, "`application.trigger." + key + "` is not supported by basalt serve");
            }
        }
        for (Iterator<String> it = appRedis.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.equals("address")) {
                throw problem(file, "`application.trigger.redis." + key + "` is not supported by basalt serve");
            }
        }
        List<RedisTriggerSpec> out = new ArrayList<>();
        for (JsonNode t : triggers) {
            for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!Set.of("channel", "component", "address", "id").contains(key)) {
                    throw problem(file, "trigger.redis." + key + " is not supported by basalt serve: " + t);
                }
            }
            JsonNode component = t.path("component");
            if (!component.isTextual()) {
                throw problem(file, "trigger.redis needs `component = \"ID\"` (inline components are not supported): " + t);
            }
            if (!components.containsKey(component.asText())) {
                throw problem(file, "trigger.redis names the unknown component `" + component.asText() + "`");
            }
            if (!t.path("channel").isTextual() || t.path("channel").asText().isEmpty()) {
                throw problem(file, "trigger.redis needs `channel = \"NAME\"`: " + t);
            }
            String address = t.path("address").isTextual() ? t.path("address").asText()
                    : appRedis.path("address").asText("");
            if (address.isEmpty()) {
                throw problem(file, "trigger.redis on channel " + t.path("channel").asText() + " has no server: set "
                        + "[application.trigger.redis] address = \"redis://HOST:PORT\" (or the trigger's address)");
            }
            if (address.contains("{{")) {
                throw problem(file, "trigger.redis: templates in `address` are not supported by basalt serve");
            }
            try {
                RedisAddress.parse(address);
            } catch (IllegalArgumentException e) {
                throw problem(file, "trigger.redis: " + e.getMessage());
            }
            out.add(new RedisTriggerSpec(t.path("channel").asText(), component.asText(), address));
        }
        return out;
    }

    private static Variables.Definition variable(Path file, String name, JsonNode v) {
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("default", "required", "secret", "description").contains(key)) {
                throw problem(file, "variables." + name + "." + key + " is not understood");
            }
        }
        if (!v.isObject() || v.has("default") && !v.path("default").isTextual()
                || v.has("required") && !v.path("required").isBoolean()
                || v.has("secret") && !v.path("secret").isBoolean()) {
            throw problem(file, "variables." + name + " must be { default = \"...\" } or { required = true }"
                    + " (and optionally secret = true): " + v);
        }
        return new Variables.Definition(name, v.has("default") ? Optional.of(v.path("default").asText())
                : Optional.empty(), v.path("required").asBoolean(false), v.path("secret").asBoolean(false));
    }

    /**
     * The application's variables with the environment provider over {@code env} ({@code SPIN_VARIABLE_NAME}).
     *
     * @throws IllegalArgumentException if a required variable has no value or a template is broken
     */
    public Variables variables(Map<String, String> env) {
        Variables.Builder b = Variables.builder().provider(Variables.environment(env));
        variables.values().forEach(b::define);
        components.values().forEach(c -> b.component(c.id(), c.variables()));
        return b.build();
    }

    private static ComponentSpec component(Path file, Path dir, String id, JsonNode c) throws IOException {
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("source", "allowed_outbound_hosts", "environment", "files", "key_value_stores", "variables",
                    "sqlite_databases", "exclude_files", "next_handler").contains(key)
                    && !IGNORED_COMPONENT.contains(key)) {
                throw problem(file, "`component." + id + "." + key + "` is not supported by basalt serve");
            }
        }
        JsonNode source = c.path("source");
        Path sourcePath;
        if (source.isTextual()) {
            sourcePath = dir.resolve(source.asText()).normalize();
        } else if (source.isObject() && source.has("url")) {
            for (Iterator<String> it = source.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!key.equals("url") && !key.equals("digest")) {
                    throw problem(file, "component " + id + ": source." + key + " is not understood");
                }
            }
            if (!source.path("url").isTextual() || !source.path("digest").isTextual()) {
                throw problem(file, "component " + id + " needs `source = { url = \"https://...\", digest = "
                        + "\"sha256:...\" }`: " + source);
            }
            try {
                sourcePath = UrlSource.fetch(OciCache.defaultCache(), source.path("url").asText(),
                        source.path("digest").asText());
            } catch (IOException e) {
                throw problem(file, "component " + id + ": " + e.getMessage());
            }
        } else {
            throw problem(file, "component " + id + " needs `source = \"FILE.wasm\"` or `source = { url, digest }` "
                    + "(registry sources are not supported)");
        }
        List<String> hosts = new ArrayList<>();
        for (JsonNode h : c.path("allowed_outbound_hosts")) {
            String pattern = h.asText();
            if (pattern.contains("{{")) {
                throw problem(file, "component " + id + ": allowed_outbound_hosts entry `" + pattern
                        + "` (templates) is not supported by basalt serve");
            }
            try {
                if (RedisAddress.isRedisGrant(pattern)) {
                    RedisAddress.checkGrant(pattern); // for fermyon:spin/redis, not for WASI's HTTP and sockets
                } else {
                    WasiConfig.OutboundGrant.parse(pattern);
                }
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
        List<FileMount> files = files(file, dir, id, c);
        List<String> stores = new ArrayList<>();
        for (JsonNode k : c.path("key_value_stores")) {
            if (!k.isTextual() || k.asText().isEmpty()) {
                throw problem(file, "component " + id + ": key_value_stores must be a list of store labels: "
                        + c.path("key_value_stores"));
            }
            stores.add(k.asText());
        }
        List<String> databases = new ArrayList<>();
        for (JsonNode d : c.path("sqlite_databases")) {
            if (!d.isTextual() || d.asText().isEmpty()) {
                throw problem(file, "component " + id + ": sqlite_databases must be a list of database names: "
                        + c.path("sqlite_databases"));
            }
            databases.add(d.asText());
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.path("variables").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw problem(file, "component " + id + ": variable " + e.getKey() + " must be a string");
            }
            vars.put(e.getKey(), e.getValue().asText());
        }
        JsonNode next = c.path("next_handler");
        if (!next.isMissingNode() && (!next.isTextual() || next.asText().isEmpty() || next.asText().equals(id))) {
            throw problem(file, "component " + id + ": next_handler must name another component: " + next);
        }
        return new ComponentSpec(id, sourcePath, hosts, env, files, stores, vars, databases,
                next.isMissingNode() ? Optional.empty() : Optional.of(next.asText()));
    }

    /**
     * The component's {@code files}: directories (and {@code { source = DIR, destination }}) are mounted
     * read-only as they are; when there is anything else (a glob pattern, a single file, {@code exclude_files}),
     * the files {@link AppFiles#place} selects are copied into a private directory mounted read-only at {@code /}
     * (as Spin copies a local application's files), deleted when the JVM exits.
     */
    private static List<FileMount> files(Path file, Path dir, String id, JsonNode c) throws IOException {
        boolean plainDirectories = c.path("exclude_files").isEmpty();
        for (JsonNode f : c.path("files")) {
            String src = f.isTextual() ? f.asText() : f.path("source").asText("");
            if (src.isEmpty() || !f.isTextual() && f.path("destination").asText("").isEmpty()) {
                throw problem(file, "component " + id + ": files entries must be a path, a glob pattern or "
                        + "{ source = PATH, destination = \"/PATH\" }: " + f);
            }
            plainDirectories &= !AppFiles.isGlob(src) && Files.isDirectory(dir.resolve(src).normalize());
        }
        List<FileMount> mounts = new ArrayList<>();
        if (plainDirectories) {
            for (JsonNode f : c.path("files")) {
                String src = f.isTextual() ? f.asText() : f.path("source").asText();
                String dest = f.isTextual() ? "/" + src : f.path("destination").asText();
                mounts.add(new FileMount(dir.resolve(src).normalize(), dest));
            }
            return mounts;
        }
        java.util.TreeMap<String, Path> placed;
        try {
            placed = AppFiles.place(dir.toRealPath(), id, c);
        } catch (IllegalArgumentException e) {
            throw problem(file, e.getMessage());
        }
        Path copy = Files.createTempDirectory("basalt-files-" + id.replaceAll("[^A-Za-z0-9_-]", "_") + "-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> AppFiles.deleteTree(copy)));
        AppFiles.copy(placed, copy);
        mounts.add(new FileMount(copy, "/"));
        return mounts;
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
        c.allowedOutboundHosts().stream().filter(h -> !RedisAddress.isRedisGrant(h)).forEach(b::allowOutboundHost);
        return b.build();
    }

    private static void seed(Seed seed, KeyValueStores stores, SqliteDatabases databases) {
        if (!seed.keyValues().isEmpty()) {
            try {
                KeyValueStore store = stores.open(KeyValueStores.DEFAULT).orElseThrow();
                seed.keyValues().forEach((k, v) -> store.set(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (dev.basalt.spin.kv.KeyValueException e) {
                throw new IllegalArgumentException("--key-value: " + e.getMessage(), e);
            }
        }
        for (String script : seed.sqlScripts()) {
            try {
                databases.open(SqliteDatabases.DEFAULT).orElseThrow().executeScript(script);
            } catch (dev.basalt.spin.sqlite.SqliteException e) {
                throw new IllegalArgumentException("--sqlite: " + e.getMessage() + " (in: " + script + ")", e);
            }
        }
    }

    /**
     * A server builder with a route for every HTTP trigger; each routed component is compiled once.
     *
     * @throws IOException if a component's source cannot be read
     */
    public WasiHttpServer.Builder serverBuilder(Engine engine) throws IOException {
        return serverBuilder(engine, Optional.empty(), System.getenv());
    }

    /** Spin's state directory of a local application: {@code .spin} beside the manifest. */
    public Path defaultStateDir() {
        return file.toAbsolutePath().getParent().resolve(".spin");
    }

    /** Where Spin keeps the default key-value store in state directory {@code stateDir}. */
    public static Path keyValueDatabase(Path stateDir) {
        return stateDir.resolve("sqlite_key_value.db");
    }

    /**
     * The application's key-value stores: {@code default} in {@link #keyValueDatabase}{@code (stateDir)}, and
     * what the runtime-config file configures (see {@link KeyValueStores#fromRuntimeConfig}).
     *
     * @throws IllegalArgumentException if the runtime config is not understood, or a component lists a store
     *     that is not configured
     */
    public KeyValueStores keyValueStores(Optional<Path> runtimeConfig, Path stateDir) throws IOException {
        KeyValueStores.Builder b = KeyValueStores.builder().sqlite(KeyValueStores.DEFAULT, keyValueDatabase(stateDir));
        if (runtimeConfig.isPresent()) {
            b = KeyValueStores.fromRuntimeConfig(runtimeConfig.get(), b);
        }
        KeyValueStores stores = b.build();
        for (ComponentSpec c : components.values()) {
            for (String label : c.keyValueStores()) {
                if (!stores.has(label)) {
                    throw problem(file, "component " + c.id() + " uses the key-value store `" + label
                            + "`, which no runtime config defines (without one only `default` exists)");
                }
            }
        }
        return stores;
    }

    /**
     * Starts a {@link RedisTrigger} per Redis server the manifest's {@code [[trigger.redis]]} name (none without
     * Redis triggers); their guests get the same grants as the component's HTTP guests. What a handler fails
     * with is logged ({@code dev.basalt.serve} logger, as the server's errors).
     */
    private List<RedisTrigger> startRedisTriggers(Engine engine, KeyValueStores stores, SqliteDatabases databases,
            Variables vars) throws IOException {
        Map<String, List<RedisTrigger.Subscription>> byAddress = new LinkedHashMap<>();
        Map<String, Component> compiled = new LinkedHashMap<>();
        for (RedisTriggerSpec t : redisTriggers) {
            Component component = compiled.get(t.component());
            if (component == null) {
                component = Component.compile(engine, Files.readAllBytes(components.get(t.component()).source()));
                compiled.put(t.component(), component);
            }
            byAddress.computeIfAbsent(t.address(), a -> new ArrayList<>()).add(new RedisTrigger.Subscription(
                    t.channel(), t.component(), component, wasiConfig(t.component()), spinConfig(t.component(),
                    stores, databases, vars)));
        }
        List<RedisTrigger> started = new ArrayList<>();
        System.Logger log = System.getLogger("dev.basalt.serve");
        try {
            for (Map.Entry<String, List<RedisTrigger.Subscription>> e : byAddress.entrySet()) {
                started.add(RedisTrigger.start(engine, RedisAddress.parse(e.getKey()), e.getValue(),
                        message -> log.log(System.Logger.Level.WARNING, message)));
            }
        } catch (IllegalArgumentException ex) {
            started.forEach(RedisTrigger::close);
            throw problem(file, ex.getMessage());
        }
        return started;
    }

    private SpinConfig spinConfig(String id, KeyValueStores stores, SqliteDatabases databases, Variables vars) {
        ComponentSpec spec = components.get(id);
        return new SpinConfig(id, stores, Set.copyOf(spec.keyValueStores()), vars, SpinConfig.Limits.DEFAULT,
                databases, Set.copyOf(spec.sqliteDatabases()), spec.allowedOutboundHosts());
    }

    /** Where Spin keeps the default SQLite database in state directory {@code stateDir}. */
    public static Path sqliteDatabase(Path stateDir) {
        return stateDir.resolve("sqlite_db.db");
    }

    /**
     * The application's SQLite databases: {@code default} in {@link #sqliteDatabase}{@code (stateDir)} (created
     * on first use), and what the runtime-config file's {@code [sqlite_database.NAME]} sections configure.
     *
     * @throws IllegalArgumentException if the runtime config is not understood, or a component lists a database
     *     that is not configured
     */
    public SqliteDatabases sqliteDatabases(Optional<Path> runtimeConfig, Path stateDir) throws IOException {
        SqliteDatabases.Builder b = SqliteDatabases.builder().file(SqliteDatabases.DEFAULT, sqliteDatabase(stateDir));
        if (runtimeConfig.isPresent()) {
            b = SqliteDatabases.fromRuntimeConfig(runtimeConfig.get(), b);
        }
        SqliteDatabases databases = b.build();
        for (ComponentSpec c : components.values()) {
            for (String name : c.sqliteDatabases()) {
                if (!databases.has(name)) {
                    throw problem(file, "component " + c.id() + " uses the SQLite database `" + name
                            + "`, which no runtime config defines (without one only `default` exists)");
                }
            }
        }
        return databases;
    }

    /**
     * A server builder with a route for every HTTP trigger; each routed component is compiled once. Its guests
     * get the SQLite databases ({@link #sqliteDatabases}, closed with the server) and the key-value stores ({@link #keyValueStores}, closed with the server) their component lists and its
     * variables (values from {@code env}'s {@code SPIN_VARIABLE_*} or the defaults).
     *
     * @throws IOException if a component's source or the runtime config cannot be read
     * @throws IllegalArgumentException if the runtime config or the variables are not usable
     */
    public WasiHttpServer.Builder serverBuilder(Engine engine, Optional<Path> runtimeConfig, Map<String, String> env)
            throws IOException {
        return serverBuilder(engine, runtimeConfig, env, defaultStateDir());
    }

    /**
     * As {@link #serverBuilder(Engine, Optional, Map)}, with the default key-value store in state directory
     * {@code stateDir} (Spin's {@code --state-dir}) instead of {@code .spin} beside the manifest.
     */
    public WasiHttpServer.Builder serverBuilder(Engine engine, Optional<Path> runtimeConfig, Map<String, String> env,
            Path stateDir) throws IOException {
        return serverBuilder(engine, runtimeConfig, env, stateDir, Seed.NONE);
    }

    /**
     * What the operator puts into the application's default stores before it serves (Spin's {@code spin up
     * --key-value KEY=VALUE} and {@code --sqlite STATEMENTS}): key-value pairs set in the key-value store
     * {@code default} (overwriting), then SQL scripts run in order against the SQLite database {@code default}.
     */
    public record Seed(Map<String, String> keyValues, List<String> sqlScripts) {
        public static final Seed NONE = new Seed(Map.of(), List.of());

        public Seed {
            keyValues = Map.copyOf(keyValues);
            sqlScripts = List.copyOf(sqlScripts);
        }
    }

    /**
     * As {@link #serverBuilder(Engine, Optional, Map, Path)}, with {@code seed} written to the default stores
     * before anything runs.
     *
     * @throws IllegalArgumentException also if a seed's SQL fails (SQLite's message) or a store cannot be opened
     */
    public WasiHttpServer.Builder serverBuilder(Engine engine, Optional<Path> runtimeConfig, Map<String, String> env,
            Path stateDir, Seed seed) throws IOException {
        Variables vars;
        try {
            vars = variables(env);
        } catch (IllegalArgumentException e) {
            throw problem(file, e.getMessage());
        }
        KeyValueStores stores = keyValueStores(runtimeConfig, stateDir);
        SqliteDatabases databases;
        try {
            databases = sqliteDatabases(runtimeConfig, stateDir);
        } catch (IOException | RuntimeException e) {
            stores.close();
            throw e;
        }
        try {
            seed(seed, stores, databases);
        } catch (RuntimeException e) {
            stores.close();
            databases.close();
            throw e;
        }
        WasiHttpServer.Builder b = WasiHttpServer.builder(engine).closeWithServer(stores).closeWithServer(databases);
        if (routes.stream().allMatch(t -> t.route() == null)) {
            b.withoutRoutes(); // only Redis triggers: the HTTP listener answers 404
        }
        try {
            startRedisTriggers(engine, stores, databases, vars).forEach(b::closeWithServer);
        } catch (IOException | RuntimeException e) {
            stores.close();
            databases.close();
            throw e;
        }
        Map<String, Component> compiled = new LinkedHashMap<>();
        for (HttpTrigger t : routes) {
            Component component = compiled.get(t.component());
            if (component == null) {
                component = Component.compile(engine, Files.readAllBytes(components.get(t.component()).source()));
                compiled.put(t.component(), component);
            }
            SpinConfig spin = spinConfig(t.component(), stores, databases, vars);
            if (t.route() == null) {
                b.privateComponent(t.component(), component, wasiConfig(t.component()), new SpinExtension(spin));
            } else {
                b.route(t.route(), t.component(), component, wasiConfig(t.component()), new SpinExtension(spin));
            }
        }
        // the middlewares' next handlers, down each chain (the triggers' own, then the components'): one without a
        // trigger of its own is a private component
        java.util.Deque<String> served = new java.util.ArrayDeque<>(compiled.keySet());
        for (HttpTrigger t : routes) {
            if (!t.nextHandlers().isEmpty()) {
                b.routeNextHandlers(t.route(), t.nextHandlers().toArray(String[]::new));
                served.addAll(t.nextHandlers());
            }
        }
        java.util.Set<String> chained = new java.util.HashSet<>();
        while (!served.isEmpty()) {
            String id = served.removeFirst();
            if (!chained.add(id)) {
                continue;
            }
            if (!compiled.containsKey(id)) {
                Component component = Component.compile(engine, Files.readAllBytes(components.get(id).source()));
                compiled.put(id, component);
                b.privateComponent(id, component, wasiConfig(id),
                        new SpinExtension(spinConfig(id, stores, databases, vars)));
            }
            Optional<String> next = components.get(id).nextHandler();
            if (next.isPresent()) {
                served.addLast(next.get());
                b.nextHandler(id, next.get());
            }
        }
        return b;
    }
}
