package dev.basalt.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.basalt.Config;
import dev.basalt.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spin-style manifests: what is understood, what is refused, and routing through a running server. */
class AppManifestTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    void handlerAs(String name) throws IOException {
        try (InputStream in = AppManifestTest.class.getResourceAsStream("/wasi-http/handler.component.wasm")) {
            assertThat(in).isNotNull();
            Files.write(dir.resolve(name), in.readAllBytes());
        }
    }

    Path manifest(String toml) throws IOException {
        return Files.writeString(dir.resolve("spin.toml"), toml);
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** spin up --env: a variable for every component, over the manifest's own; nothing else changes. */
    @Test
    void extraEnvironmentGoesToEveryComponentOverItsOwn() throws Exception {
        handlerAs("a.wasm");
        Path file = manifest("""
                spin_manifest_version = 2
                [application]
                name = "env-app"
                [[trigger.http]]
                route = "/a"
                component = "a"
                [[trigger.http]]
                route = "/b"
                component = "b"
                [component.a]
                source = "a.wasm"
                environment = { MODE = "manifest", KEEP = "yes" }
                [component.b]
                source = "a.wasm"
                """);
        AppManifest m = AppManifest.load(file);
        AppManifest withEnv = m.withEnvironment(java.util.Map.of("MODE", "cli", "EXTRA", "1"));
        assertThat(withEnv.wasiConfig("a").env()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("MODE", "cli", "KEEP", "yes", "EXTRA", "1"));
        assertThat(withEnv.wasiConfig("b").env()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("MODE", "cli", "EXTRA", "1"));
        assertThat(m.wasiConfig("a").env()).as("the original is unchanged").containsEntry("MODE", "manifest")
                .doesNotContainKey("EXTRA");
        assertThat(withEnv.routes()).isEqualTo(m.routes());
        assertThat(m.withEnvironment(java.util.Map.of())).isSameAs(m);
    }

    @Test
    void routesToComponentsWithTheirOwnGrants() throws Exception {
        handlerAs("a.wasm");
        handlerAs("b.wasm");
        Files.createDirectory(dir.resolve("static"));
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] out = "up".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        upstream.start();
        int up = upstream.getAddress().getPort();
        Path file = manifest("""
                spin_manifest_version = 2
                [application]
                name = "test-app"
                version = "1.0.0"

                [[trigger.http]]
                route = "/a/..."
                component = "a"
                [[trigger.http]]
                route = "/a/exact"
                component = "b"
                [[trigger.http]]
                route = "/b"
                component = "b"
                [[trigger.http]]
                route = { private = true }
                component = "b"
                [[trigger.http]]
                route = "/outbound/..."
                component = "a"
                [[trigger.http]]
                route = "/outbound/127.0.0.1:%d/from-b"
                component = "b"

                [component.a]
                source = "a.wasm"
                allowed_outbound_hosts = ["http://127.0.0.1:%d"]
                environment = { MODE = "test" }
                files = [{ source = "static", destination = "/static" }]
                [component.a.build]
                command = "make"

                [component.b]
                source = "b.wasm"
                """.formatted(up, up));
        AppManifest m = AppManifest.load(file);
        assertThat(m.name()).isEqualTo("test-app");
        assertThat(m.routes()).extracting(AppManifest.HttpTrigger::route)
                .containsExactly("/a/...", "/a/exact", "/b", null, "/outbound/...", "/outbound/127.0.0.1:" + up + "/from-b");
        assertThat(m.components().get("a").environment()).containsEntry("MODE", "test");
        assertThat(m.wasiConfig("a").dirs()).singleElement().satisfies(d -> {
            assertThat(d.guestPath()).isEqualTo("/static");
            assertThat(d.readOnly()).isTrue();
        });
        assertThat(m.wasiConfig("b").outboundHosts()).isEmpty();

        Engine engine = Engine.create(Config.builder().strategy(Config.Strategy.INTERPRETER).build());
        List<String> log = new CopyOnWriteArrayList<>();
        try (WasiHttpServer server = m.serverBuilder(engine).listen(new InetSocketAddress("127.0.0.1", 0))
                .errorLog(log::add).start()) {
            int port = server.port();
            HttpResponse<String> below = get(port, "/a/x/y?q");
            assertThat(below.statusCode()).isEqualTo(200);
            assertThat(below.body()).startsWith("GET /a/x/y?q\n").contains("\nspin-path-info: /x/y\n")
                    .contains("\nspin-matched-route: /a/...\n").contains("\nspin-component-route: /a\n");
            assertThat(get(port, "/a").body()).contains("\nspin-path-info: \n");
            assertThat(get(port, "/a/exact").body()).contains("\nspin-matched-route: /a/exact\n");
            assertThat(get(port, "/b").body()).contains("\nspin-matched-route: /b\n");
            assertThat(get(port, "/b/below").statusCode()).as("an exact route only").isEqualTo(404);
            assertThat(get(port, "/c").statusCode()).isEqualTo(404);
            // a may reach the upstream, b (no allowed_outbound_hosts) may not
            HttpResponse<String> fromA = get(port, "/outbound/127.0.0.1:" + up + "/from-a");
            assertThat(fromA.statusCode()).isEqualTo(200);
            assertThat(fromA.body()).isEqualTo("upstream: up");
            HttpResponse<String> fromB = get(port, "/outbound/127.0.0.1:" + up + "/from-b");
            assertThat(fromB.statusCode()).isEqualTo(502);
            assertThat(fromB.body()).isEqualTo("error-code: HTTP-request-denied\n");
        } finally {
            upstream.stop(0);
        }
        assertThat(log).isEmpty();
    }

    @Test
    void refusesWhatItDoesNotUnderstand() throws IOException {
        handlerAs("a.wasm");
        Files.createDirectory(dir.resolve("static"));
        String head = "spin_manifest_version = 2\n[[trigger.http]]\nroute = \"/...\"\ncomponent = \"a\"\n";
        record Case(String toml, String message) {
        }
        List<Case> cases = List.of(
                new Case("spin_version = \"1\"\n", "only spin_manifest_version = 2 is understood"),
                new Case(head + "[component.a]\nsource = \"a.wasm\"\nai_models = [\"llama2-chat\"]\n",
                        "`component.a.ai_models` is not supported by basalt serve"),
                new Case(head + "[component.a]\nsource = \"a.wasm\"\nsqlite_databases = [\"\"]\n",
                        "sqlite_databases must be a list of database names"),
                new Case(head + "[variables]\nx = { default = 1 }\n[component.a]\nsource = \"a.wasm\"\n",
                        "variables.x must be { default = \"...\" } or { required = true }"),
                new Case(head + "[variables]\nx = { default = \"1\", required = true }\n[component.a]\nsource = \"a.wasm\"\n",
                        "variable `x` needs exactly one of"),
                new Case(head + "[component.a]\nsource = \"a.wasm\"\nvariables = { y = \"{{ nope }}\" }\n",
                        "component a variable `y` refers to the undeclared application variable `nope`"),
                new Case(head + "[component.a]\nsource = \"a.wasm\"\nkey_value_stores = [1]\n",
                        "key_value_stores must be a list of store labels"),
                new Case(head + "[component.a]\nsource = \"a.wasm\"\nfiles = [\"../**/*.txt\"]\n",
                        "files pattern ../**/*.txt must stay inside the application directory"),
                new Case(head + "[component.a]\nsource = \"a.wasm\"\nfiles = [\"missing.txt\"]\n",
                        "files entry missing.txt does not exist and is not a glob pattern"),
                new Case(head + "[component.a]\nsource = \"a.wasm\"\nallowed_outbound_hosts = [\"mqtt://broker:1883\"]\n",
                        "not an outbound host grant"),
                new Case(head + "[component.a]\nsource = \"a.wasm\"\nallowed_outbound_hosts = [\"redis://cache:port\"]\n",
                        "not a redis outbound host grant (redis://HOST[:PORT]): redis://cache:port"),
                new Case(head + "[component.a]\nsource = \"a.wasm\"\nallowed_outbound_hosts = [\"https://{{ host }}\"]\n",
                        "(templates) is not supported"),
                new Case(head + "[component.b]\nsource = \"a.wasm\"\n", "names the unknown component `a`"),
                new Case(head.replace("\"/...\"", "\"api\"") + "[component.a]\nsource = \"a.wasm\"\n",
                        "a route starts with /"),
                new Case(head.replace("http", "mqtt") + "[component.a]\nsource = \"a.wasm\"\n",
                        "trigger type `mqtt` is not supported"),
                new Case(head + "[[trigger.redis]]\nchannel = \"c\"\ncomponent = \"a\"\n[component.a]\nsource = \"a.wasm\"\n",
                        "trigger.redis on channel c has no server: set [application.trigger.redis] address"),
                new Case(head + "[[trigger.redis]]\ncomponent = \"a\"\naddress = \"redis://h\"\n[component.a]\nsource = \"a.wasm\"\n",
                        "trigger.redis needs `channel = \"NAME\"`"),
                new Case("spin_manifest_version = 2\n[component.a]\nsource = \"a.wasm\"\n", "no [[trigger.http]] or [[trigger.redis]] triggers"),
                new Case("spin_manifest_version = [", "not valid TOML"));
        for (Case c : cases) {
            Path file = manifest(c.toml());
            assertThatThrownBy(() -> AppManifest.load(file)).as(c.toml())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(file + ": ")
                    .hasMessageContaining(c.message());
        }
    }

    @Test
    void filesGlobsSingleFilesAndExcludes() throws Exception {
        handlerAs("a.wasm");
        Files.createDirectories(dir.resolve("assets/css/deep"));
        Files.writeString(dir.resolve("assets/site.css"), "top");
        Files.writeString(dir.resolve("assets/css/a.css"), "a");
        Files.writeString(dir.resolve("assets/css/deep/b.css"), "b");
        Files.writeString(dir.resolve("assets/css/old.css.bak"), "old");
        Files.writeString(dir.resolve("assets/css/skip.css"), "skip");
        Files.writeString(dir.resolve("index.html"), "<h1>hi</h1>");
        Files.writeString(dir.resolve("secret.txt"), "not for the guest");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/app.toml"), "x = 1");
        Path file = manifest("""
                spin_manifest_version = 2
                [[trigger.http]]
                route = "/..."
                component = "a"
                [component.a]
                source = "a.wasm"
                files = ["assets/**/*.css", "index.html", { source = "conf/app.toml", destination = "/etc/app.toml" },
                         { source = "conf", destination = "/config" }]
                exclude_files = ["**/skip.css"]
                """);
        AppManifest m = AppManifest.load(file);
        dev.basalt.wasi.WasiConfig.DirGrant mount = m.wasiConfig("a").dirs().getFirst();
        assertThat(m.wasiConfig("a").dirs()).hasSize(1);
        assertThat(mount.guestPath()).isEqualTo("/");
        assertThat(mount.readOnly()).isTrue();
        Path root = mount.host();
        List<String> seen;
        try (var s = Files.walk(root)) {
            seen = s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
        // ** also matches no directory (assets/site.css), as Spin's globs do; the excluded and unlisted stay out
        assertThat(seen).containsExactly("assets/css/a.css", "assets/css/deep/b.css", "assets/site.css",
                "config/app.toml", "etc/app.toml", "index.html");
        assertThat(Files.readString(root.resolve("etc/app.toml"))).isEqualTo("x = 1");
        assertThat(root).as("a private copy, not the application directory").isNotEqualTo(dir);

        // a link out of the application directory is refused
        Path outside = Files.createTempFile("basalt-outside", ".txt");
        try {
            Files.createSymbolicLink(dir.resolve("assets/css/link.css"), outside);
            Path again = manifest(Files.readString(file));
            assertThatThrownBy(() -> AppManifest.load(again)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is outside the application directory");
        } finally {
            Files.deleteIfExists(outside);
        }
    }
}
