package dev.basalt.serve.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A component a manifest names by {@code source = { url = "https://...", digest = "sha256:..." }}: downloaded
 * once into the {@link OciCache}'s content-addressed blobs (the same store pulled layers go to) and used from
 * there while its content still matches the digest. A download whose content does not match is refused and not
 * kept; one larger than {@link #MAX_BYTES} is cut off.
 */
public final class UrlSource {
    /** The largest component downloaded. */
    public static final long MAX_BYTES = 512L << 20;

    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30)).build();

    private UrlSource() {
    }

    /**
     * The file with {@code digest}'s content, from the cache or downloaded from {@code url}.
     *
     * @throws OciException if the URL is not http(s), the digest is not {@code sha256:<64 hex>}, the download
     *     fails, or its content does not match the digest
     */
    public static Path fetch(OciCache cache, String url, String digest) throws OciException {
        RegistryClient.checkDigest(digest);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new OciException("not a URL: " + url);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null) {
            throw new OciException("a component source url must be http(s)://...: " + url);
        }
        java.util.Optional<Path> cached = cache.verified(digest);
        if (cached.isPresent()) {
            return cached.get();
        }
        Path part = cache.temp("url-");
        try {
            HttpResponse<InputStream> r = CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(part)) {
                if (r.statusCode() != 200) {
                    throw new OciException("downloading " + url + " failed: HTTP " + r.statusCode());
                }
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                    if (total > MAX_BYTES) {
                        throw new OciException("downloading " + url + ": larger than " + MAX_BYTES + " bytes");
                    }
                    out.write(buf, 0, n);
                }
            }
            String actual = RegistryClient.sha256(part);
            if (!actual.equals(digest)) {
                throw new OciException("the content of " + url + " does not match its digest: expected " + digest
                        + ", got " + actual);
            }
        } catch (OciException e) {
            OciCache.deleteTree(part);
            throw e;
        } catch (IOException e) {
            OciCache.deleteTree(part);
            throw new OciException("downloading " + url + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            OciCache.deleteTree(part);
            Thread.currentThread().interrupt();
            throw new OciException("downloading " + url + " was interrupted", e);
        }
        return cache.install(part, cache.blobPath(digest));
    }
}
