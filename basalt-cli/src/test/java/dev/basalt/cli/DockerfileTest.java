package dev.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image in {@code deploy/Dockerfile}: Docker is not available here, so the Dockerfile is parsed
 * (stages, what is built and copied from where, the entrypoint) and its entrypoint command line is run as written
 * in a new JVM, only with the jar replaced by the same main class on the test class path, the ports by free ones
 * and {@code /app/spin.toml} by a local app; its health endpoints and the app are then asked over HTTP and the
 * process is stopped with SIGTERM, as {@code docker stop} does.
 */
class DockerfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path deploy() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deploy/Dockerfile"))) {
                return p.resolve("deploy");
            }
        }
        throw new IllegalStateException("deploy/Dockerfile not found above " + Path.of("").toAbsolutePath());
    }

    /** A Dockerfile instruction: keyword and its arguments (continuation lines joined). */
    record Instruction(String keyword, String args) {
    }

    static List<Instruction> parseDockerfile(Path file) throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (pending.isEmpty() && (t.isEmpty() || t.startsWith("#"))) {
                continue;
            }
            if (t.startsWith("#")) {
                continue; // comments inside a continued instruction
            }
            if (t.endsWith("\\")) {
                pending.append(t, 0, t.length() - 1).append(' ');
                continue;
            }
            pending.append(t);
            String full = pending.toString().strip();
            pending.setLength(0);
            String[] parts = full.split("\\s+", 2);
            assertThat(parts[0]).as("instruction keyword in " + full).matches("[A-Z]+");
            out.add(new Instruction(parts[0], parts.length > 1 ? parts[1] : ""));
        }
        assertThat(pending).as("an unfinished continuation at the end").isEmpty();
        return out;
    }

    static List<String> execForm(Instruction i) throws IOException {
        JsonNode array = JSON.readTree(i.args());
        assertThat(array.isArray()).as(i.keyword() + " in exec (JSON array) form").isTrue();
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** An application directory with the wasi:http test handler on every path. */
    static Path app(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(ServeCommandTest.handler(), dir.resolve("handler.wasm"));
        Files.writeString(dir.resolve("spin.toml"), """
                spin_manifest_version = 2
                [application]
                name = "deployed"
                [[trigger.http]]
                route = "/..."
                component = "web"
                [component.web]
                source = "handler.wasm"
                """);
        return dir.resolve("spin.toml");
    }

    /** {@code HOST:PORT} -> the same port number. */
    static int port(String listen) {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    @Test
    void dockerfileBuildsTheCliJarAndItsEntrypointServes(@TempDir Path tmp) throws Exception {
        Path root = deploy().getParent();
        List<Instruction> ins = parseDockerfile(deploy().resolve("Dockerfile"));
        List<Instruction> froms = ins.stream().filter(i -> i.keyword().equals("FROM")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0).args()).matches("eclipse-temurin:\\d+-jdk AS build");
        Matcher runtime = Pattern.compile("eclipse-temurin:(\\d+)-jre").matcher(froms.get(1).args());
        assertThat(runtime.matches()).as(froms.get(1).args()).isTrue();
        assertThat(Integer.parseInt(runtime.group(1))).as("the run stage's Java").isGreaterThanOrEqualTo(21);

        // the build stage packages the CLI with the wrapper, and the jar it copies is what basalt-cli's shade makes
        assertThat(ins).anySatisfy(i -> assertThat(i.keyword() + " " + i.args())
                .isEqualTo("RUN ./mvnw -B -q -ntp -DskipTests -pl basalt-cli -am package"));
        assertThat(root.resolve("mvnw")).isExecutable();
        Instruction copy = ins.stream().filter(i -> i.keyword().equals("COPY") && i.args().startsWith("--from=build"))
                .findFirst().orElseThrow();
        String[] copyArgs = copy.args().split("\\s+");
        assertThat(copyArgs[1]).isEqualTo("/src/basalt-cli/target/basalt.jar");
        String cliPom = Files.readString(root.resolve("basalt-cli/pom.xml"));
        assertThat(cliPom).contains("<outputFile>${project.build.directory}/basalt.jar</outputFile>")
                .contains("<mainClass>dev.basalt.cli.Main</mainClass>");
        String jar = copyArgs[2];

        Map<String, String> env = new HashMap<>();
        ins.stream().filter(i -> i.keyword().equals("ENV")).forEach(i -> {
            String[] kv = i.args().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        assertThat(env).containsKey("BASALT_CACHE_DIR");
        List<String> entrypoint = execForm(ins.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).findFirst().orElseThrow());
        List<String> cmd = execForm(ins.stream().filter(i -> i.keyword().equals("CMD")).findFirst().orElseThrow());
        assertThat(entrypoint.get(0)).isEqualTo("java");
        int jarAt = entrypoint.indexOf("-jar");
        assertThat(entrypoint.get(jarAt + 1)).isEqualTo(jar);
        assertThat(entrypoint.subList(jarAt + 2, entrypoint.size())).containsExactly("serve");
        List<String> exposed = List.of(ins.stream().filter(i -> i.keyword().equals("EXPOSE")).findFirst().orElseThrow()
                .args().split("\\s+"));
        assertThat(exposed).containsExactlyInAnyOrder(
                String.valueOf(port(cmd.get(cmd.indexOf("--listen") + 1))),
                String.valueOf(port(cmd.get(cmd.indexOf("--admin-listen") + 1))));

        // the entrypoint as written: the same JVM options, the jar's main class from the test class path, the
        // CMD's arguments with free ports and a local app in place of /app/spin.toml
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(entrypoint.subList(1, jarAt));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.basalt.cli.Main"));
        command.addAll(entrypoint.subList(jarAt + 2, entrypoint.size()));
        Path manifest = app(tmp.resolve("app"));
        for (String a : cmd) {
            command.add(a.equals("/app/spin.toml") ? manifest.toString() : a.matches("0\\.0\\.0\\.0:\\d+") ? "127.0.0.1:0" : a);
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("BASALT_CACHE_DIR", tmp.resolve("cache").toString());
        Process p = pb.start();
        try {
            Map<String, String> urls = announcements(p, 3);
            assertThat(ServeCommandTest.get(urls.get("health") + "/healthz").statusCode()).isEqualTo(200);
            assertThat(ServeCommandTest.get(urls.get("health") + "/readyz").statusCode()).isEqualTo(200);
            HttpResponse<String> r = ServeCommandTest.get(urls.get("app") + "hello");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("GET /hello\n");
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook drains and stops, as `docker stop` does
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
    }

    /** Reads the process's output until both announcements (app URL and health URL) were printed. */
    private static Map<String, String> announcements(Process p, int minutes) throws Exception {
        CompletableFuture<Map<String, String>> found = new CompletableFuture<>();
        StringBuilder all = new StringBuilder();
        Thread reader = new Thread(() -> {
            Map<String, String> urls = new LinkedHashMap<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (all) {
                        all.append(line).append('\n');
                    }
                    Matcher health = Pattern.compile("health checks at (http://\\S+) ").matcher(line);
                    if (health.find()) {
                        urls.put("health", health.group(1));
                    }
                    Matcher app = Pattern.compile(" on (http://\\S+/)$").matcher(line);
                    if (app.find()) {
                        urls.put("app", app.group(1));
                    }
                    if (urls.size() == 2) {
                        found.complete(urls);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            found.completeExceptionally(new AssertionError("basalt serve ended without announcing: " + all));
        });
        reader.setDaemon(true);
        reader.start();
        try {
            return found.get(minutes, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            synchronized (all) {
                throw new AssertionError("no announcements within " + minutes + " min: " + all);
            }
        }
    }
}
