package dev.basalt.cli;

import static dev.basalt.cli.DockerfileTest.app;
import static dev.basalt.cli.DockerfileTest.deploy;
import static dev.basalt.cli.DockerfileTest.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.basalt.testkit.DockerRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests in {@code deploy/k8s}: parsed as YAML, their cross-references checked (selectors,
 * named ports, the probes' port and paths, the ConfigMap and its mount, the HPA's target, the kustomization), and
 * the Deployment's container arguments run as {@code basalt serve} against a real registry (only the ports, the
 * registry reference and the mounted runtime-config path replaced), with the probes' requests sent to the
 * endpoints they name.
 */
class KubernetesManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The app URL the command announces, failing at once (with its output) if the command ends first. */
    static String awaitUrl(ServeCommandTest.Announcements out, Thread command, StringWriter err) throws Exception {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < end) {
            try {
                return out.url.get(200, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (!command.isAlive() && !out.url.isDone()) {
                    throw new AssertionError("basalt serve ended without serving: " + out.text + err);
                }
            }
        }
        throw new AssertionError("basalt serve did not announce its URL within 3 min: " + out.text + err);
    }

    static Map<String, JsonNode> k8s() throws IOException {
        Map<String, JsonNode> byKind = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(deploy().resolve("k8s"))) {
            for (Path f : files.sorted().toList()) {
                JsonNode doc = YAML.readTree(f.toFile());
                assertThat(doc.path("apiVersion").isTextual()).as(f + " apiVersion").isTrue();
                assertThat(doc.path("kind").isTextual()).as(f + " kind").isTrue();
                byKind.put(doc.path("kind").asText(), doc);
            }
        }
        return byKind;
    }

    @Test
    void kubernetesManifestsReferToEachOther() throws IOException {
        Map<String, JsonNode> k = k8s();
        assertThat(k).containsKeys("Deployment", "Service", "HorizontalPodAutoscaler", "ConfigMap", "Kustomization");
        JsonNode deployment = k.get("Deployment");
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode labels = pod.path("metadata").path("labels");
        deployment.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e ->
                assertThat(labels.path(e.getKey()).asText()).as("pod label " + e.getKey()).isEqualTo(e.getValue().asText()));
        k.get("Service").path("spec").path("selector").fields().forEachRemaining(e ->
                assertThat(labels.path(e.getKey()).asText()).as("service selector " + e.getKey()).isEqualTo(e.getValue().asText()));

        JsonNode container = pod.path("spec").path("containers").get(0);
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        Map<String, Integer> ports = new HashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports.get("http")).isEqualTo(port(args.get(args.indexOf("--listen") + 1)));
        assertThat(ports.get("admin")).isEqualTo(port(args.get(args.indexOf("--admin-listen") + 1)));
        assertThat(ports).containsKey(k.get("Service").path("spec").path("ports").get(0).path("targetPort").asText());
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("port").asText()).as(probe).isEqualTo("admin");
        }
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
        assertThat(container.path("resources").path("requests").path("cpu").isMissingNode())
                .as("a CPU request (the HPA's utilization is relative to it)").isFalse();

        JsonNode hpa = k.get("HorizontalPodAutoscaler");
        assertThat(hpa.path("spec").path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText())
                .isEqualTo(deployment.path("metadata").path("name").asText());
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isLessThanOrEqualTo(hpa.path("spec").path("maxReplicas").asInt());

        // the runtime-config file basalt serve is given is the ConfigMap's key, mounted where the argument says
        String configFile = args.get(args.indexOf("--runtime-config-file") + 1);
        JsonNode mount = null;
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(configFile)) {
                mount = m;
            }
        }
        assertThat(mount).as("a volume mounted at " + configFile).isNotNull();
        JsonNode volume = null;
        for (JsonNode v : pod.path("spec").path("volumes")) {
            if (v.path("name").asText().equals(mount.path("name").asText())) {
                volume = v;
            }
        }
        assertThat(volume.path("configMap").path("name").asText()).isEqualTo(k.get("ConfigMap").path("metadata").path("name").asText());
        assertThat(k.get("ConfigMap").path("data").has(mount.path("subPath").asText())).isTrue();
        List<String> listed = new ArrayList<>();
        k.get("Kustomization").path("resources").forEach(r -> listed.add(r.asText()));
        assertThat(listed).containsExactlyInAnyOrder("configmap.yaml", "deployment.yaml", "service.yaml", "hpa.yaml");
        assertThat(listed).allSatisfy(f -> assertThat(deploy().resolve("k8s").resolve(f)).isRegularFile());
    }

    @Test
    void deploymentArgumentsServeAnAppFromARegistryWithWorkingProbes(@TempDir Path tmp) throws Exception {
        assumeTrue(DockerRegistry.binary().isPresent(),
                "docker-registry is not installed (apt-get install docker-registry): the Deployment run is SKIPPED");
        Map<String, JsonNode> k = k8s();
        JsonNode pod = k.get("Deployment").path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").get(0);
        try (DockerRegistry registry = DockerRegistry.start(tmp.resolve("registry"), "")) {
            String ref = registry.host() + "/deploy/shop:1.0";
            assertThat(CliRun.of("registry", "push", "-k", app(tmp.resolve("app")).toString(), ref).code()).isZero();
            Path runtimeConfig = tmp.resolve("runtime-config.toml");
            Files.writeString(runtimeConfig, k.get("ConfigMap").path("data").path("runtime-config.toml").asText());
            List<String> args = new ArrayList<>(List.of("serve", "--insecure"));
            container.path("args").forEach(a -> {
                String s = a.asText();
                args.add(s.startsWith("oci://") ? "oci://" + ref : s.endsWith("runtime-config.toml") ? runtimeConfig.toString()
                        : s.matches("0\\.0\\.0\\.0:\\d+") ? "127.0.0.1:0" : s);
            });
            args.addAll(List.of("--engine", "interpreter"));
            System.setProperty("basalt.cache.dir", tmp.resolve("cache").toString());
            ServeCommandTest.Announcements out = new ServeCommandTest.Announcements();
            StringWriter err = new StringWriter();
            int[] code = {-1};
            Thread command = new Thread(() -> code[0] = Main.run(args.toArray(String[]::new), new PrintWriter(out, true),
                    new PrintWriter(err, true)));
            command.start();
            try {
                String base = awaitUrl(out, command, err);
                Matcher health = Pattern.compile("health checks at (http://\\S+) ").matcher(out.text);
                assertThat(health.find()).as(out.text.toString()).isTrue();
                for (String probe : List.of("livenessProbe", "readinessProbe")) {
                    HttpResponse<String> r = ServeCommandTest.get(health.group(1)
                            + container.path(probe).path("httpGet").path("path").asText());
                    assertThat(r.statusCode()).as(probe + ": " + r.body()).isEqualTo(200);
                }
                assertThat(ServeCommandTest.get(base + "shop").body()).startsWith("GET /shop\n");
            } finally {
                command.interrupt();
                command.join(60_000);
                System.clearProperty("basalt.cache.dir");
            }
            assertThat(code[0]).as(err.toString()).isZero();
        }
    }
}
