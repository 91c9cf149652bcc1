package dev.basalt.serve.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Registry credentials from a Docker client configuration ({@code $DOCKER_CONFIG/config.json}, else
 * {@code ~/.docker/config.json}): {@code auths} entries ({@code "auth": base64(user:password)}, or
 * {@code username}/{@code password}), and credential helpers ({@code credHelpers} per registry, {@code credsStore}
 * for all), which are run as {@code docker-credential-NAME get} the way the Docker CLI runs them. A missing file
 * means no credentials (anonymous access), not an error; an unreadable or malformed one is an error, so that a
 * typo does not silently turn into anonymous pushes.
 */
public final class DockerCredentials {
    /** A user name and password (or token used as a password). */
    public record Basic(String username, String password) {
        /** The {@code Authorization} header value. */
        public String header() {
            return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Basic[" + username + ", password hidden]";
        }
    }

    private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
    private final JsonNode config;
    private final Path file;

    private DockerCredentials(Path file, JsonNode config) {
        this.file = file;
        this.config = config;
    }

    /** No credentials at all. */
    public static DockerCredentials none() {
        return new DockerCredentials(null, com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    }

    /** The configuration Docker would use: {@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}. */
    public static DockerCredentials fromEnvironment() throws OciException {
        String dir = System.getenv("DOCKER_CONFIG");
        Path file = dir != null && !dir.isEmpty() ? Path.of(dir, "config.json")
                : Path.of(System.getProperty("user.home"), ".docker", "config.json");
        return load(file);
    }

    /** The configuration in {@code file}; none if it does not exist. */
    public static DockerCredentials load(Path file) throws OciException {
        if (!Files.exists(file)) {
            return new DockerCredentials(file, com.fasterxml.jackson.databind.node.MissingNode.getInstance());
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new OciException(file + ": not a Docker config (a JSON object expected)");
            }
            return new DockerCredentials(file, root);
        } catch (IOException e) {
            throw new OciException("cannot read Docker config " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The credentials for {@code registry} (a host with an optional port, as in a reference), if any.
     *
     * @throws OciException if an entry or a credential helper is broken
     */
    public Optional<Basic> lookup(String registry) throws OciException {
        String key = registry.equals("docker.io") || registry.equals("registry-1.docker.io") ? DOCKER_HUB_KEY : registry;
        JsonNode helpers = config.path("credHelpers");
        if (helpers.path(key).isTextual()) {
            return helper(helpers.path(key).asText(), key);
        }
        JsonNode auths = config.path("auths");
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (hostOf(e.getKey()).equals(hostOf(key)) || e.getKey().equals(key)) {
                Optional<Basic> found = entry(e.getKey(), e.getValue());
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        if (config.path("credsStore").isTextual()) {
            return helper(config.path("credsStore").asText(), key);
        }
        return Optional.empty();
    }

    /** {@code https://host:port/v1/} and {@code host:port} name the same registry in {@code auths}. */
    private static String hostOf(String key) {
        String k = key.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        int slash = k.indexOf('/');
        return slash >= 0 ? k.substring(0, slash) : k;
    }

    private Optional<Basic> entry(String key, JsonNode entry) throws OciException {
        if (entry.path("auth").isTextual() && !entry.path("auth").asText().isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(entry.path("auth").asText().trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new OciException(file + ": auths." + key + ".auth is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new OciException(file + ": auths." + key + ".auth is not base64(user:password)");
            }
            return Optional.of(new Basic(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        if (entry.path("username").isTextual() && entry.path("password").isTextual()) {
            return Optional.of(new Basic(entry.path("username").asText(), entry.path("password").asText()));
        }
        // an entry with only an identitytoken (OAuth2 refresh token) is not understood: anonymous
        return Optional.empty();
    }

    /** Runs {@code docker-credential-NAME get} with the server on stdin, as Docker does. */
    private static Optional<Basic> helper(String name, String server) throws OciException {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new OciException("bad credential helper name `" + name + "` in the Docker config");
        }
        String program = "docker-credential-" + name;
        Process p;
        try {
            p = new ProcessBuilder(program, "get").redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new OciException("the Docker config names the credential helper " + program
                    + ", which cannot be run: " + e.getMessage(), e);
        }
        try {
            try (var in = p.getOutputStream()) {
                in.write(server.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out;
            try (InputStream o = p.getInputStream()) {
                out = o.readNBytes(64 * 1024);
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new OciException(program + " get did not finish within 30 s");
            }
            if (p.exitValue() != 0) {
                // helpers exit 1 with "credentials not found in native keychain": anonymous
                return Optional.empty();
            }
            JsonNode r = new ObjectMapper().readTree(out);
            if (r == null || !r.path("Username").isTextual() || !r.path("Secret").isTextual()) {
                throw new OciException(program + " get answered without Username and Secret");
            }
            return Optional.of(new Basic(r.path("Username").asText(), r.path("Secret").asText()));
        } catch (IOException e) {
            throw new OciException(program + " get failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new OciException(program + " get was interrupted");
        }
    }
}
