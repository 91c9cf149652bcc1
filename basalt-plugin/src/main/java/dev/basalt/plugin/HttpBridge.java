package dev.basalt.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code http_request} for plug-ins: the guest passes Extism's request JSON ({@code {"url", "method", "headers"}})
 * and a body; only hosts of the manifest's {@code allowed_hosts} are reached (none by default), redirects are
 * not followed (they could lead to a host that is not allowed), the response body is capped by
 * {@code max_http_response_bytes} and the request by the call's remaining time.
 */
final class HttpBridge {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> allowedHosts;
    private final long maxResponseBytes;
    private volatile HttpClient client;

    HttpBridge(List<String> allowedHosts, long maxResponseBytes) {
        this.allowedHosts = List.copyOf(allowedHosts);
        this.maxResponseBytes = maxResponseBytes;
    }

    /** Whether {@code host} matches a pattern: a name, {@code *.suffix} (any subdomain) or {@code *}. */
    static boolean allowed(List<String> patterns, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String p : patterns) {
            String pattern = p.toLowerCase(Locale.ROOT);
            if (pattern.equals("*") || pattern.equals(h)
                    || (pattern.startsWith("*.") && h.endsWith(pattern.substring(1)))) {
                return true;
            }
        }
        return false;
    }

    long request(PluginState state, byte[] requestJson, byte[] body) {
        JsonNode req;
        try {
            req = JSON.readTree(requestJson);
        } catch (IOException e) {
            throw fail("extism: http_request: the request is not JSON: " + e.getMessage());
        }
        if (req == null || !req.isObject() || !req.path("url").isTextual()) {
            throw fail("extism: http_request: the request needs a \"url\" string");
        }
        URI url;
        try {
            url = URI.create(req.get("url").asText());
        } catch (IllegalArgumentException e) {
            throw fail("extism: http_request: bad url: " + e.getMessage());
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw fail("extism: http_request: only http and https URLs with a host: " + url);
        }
        if (!allowed(allowedHosts, url.getHost())) {
            throw fail("HTTP request to " + url + " is not allowed (host " + url.getHost()
                    + " is not in allowed_hosts)");
        }
        String method = req.path("method").asText("GET").toUpperCase(Locale.ROOT);
        HttpRequest.Builder b = HttpRequest.newBuilder(url)
                .method(method, body.length == 0 && !method.equals("POST") && !method.equals("PUT")
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(remaining(state));
        for (Iterator<Map.Entry<String, JsonNode>> it = req.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                b.header(h.getKey(), h.getValue().asText());
            }
        }
        HttpResponse<InputStream> response;
        byte[] responseBody;
        try {
            response = client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                responseBody = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxResponseBytes + 1));
            }
        } catch (IOException e) {
            throw fail("HTTP request to " + url + " failed: " + e);
        } catch (IllegalArgumentException e) {
            throw fail("HTTP request to " + url + " is malformed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("HTTP request to " + url + " was interrupted");
        }
        if (responseBody.length > maxResponseBytes) {
            throw fail("HTTP response from " + url + " is larger than max_http_response_bytes (" + maxResponseBytes + ")");
        }
        ObjectNode headers = JSON.createObjectNode();
        response.headers().map().forEach((k, v) -> headers.put(k, String.join(", ", v)));
        state.httpResponse(response.statusCode(), headers.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long p = state.memory().write(responseBody);
        if (p == 0 && responseBody.length > 0) {
            throw fail("HTTP response from " + url + " does not fit the plug-in's kernel memory");
        }
        return p;
    }

    private static Duration remaining(PluginState state) {
        long deadline = state.callDeadline();
        if (deadline == Long.MAX_VALUE) {
            return DEFAULT_TIMEOUT;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new Trap(TrapKind.DEADLINE_EXCEEDED);
        }
        return Duration.ofNanos(left);
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
                    client = c;
                }
            }
        }
        return c;
    }

    private static Trap fail(String message) {
        return new Trap(TrapKind.HOST_ERROR, message);
    }
}
