package dev.basalt.serve.oci;

import java.util.regex.Pattern;

/**
 * A parsed OCI reference {@code [REGISTRY/]REPOSITORY[:TAG][@DIGEST]}, with Docker's defaults: no registry means
 * {@code docker.io} (and a one-segment repository there gets {@code library/}), no tag and no digest means
 * {@code latest}. An {@code oci://} prefix is accepted and dropped.
 *
 * @param registry the registry host, with its port if any ({@code ghcr.io}, {@code 127.0.0.1:5000})
 * @param repository the repository path ({@code fermyon/hello})
 * @param tag the tag, or null when only a digest is given
 * @param digest the manifest digest ({@code sha256:...}), or null
 */
public record OciReference(String registry, String repository, String tag, String digest) {
    /** The scheme prefix {@code basalt serve} and {@code basalt run} accept in place of a file. */
    public static final String SCHEME = "oci://";

    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final String DOCKER_HUB = "docker.io";

    public OciReference {
        if (tag == null && digest == null) {
            tag = "latest";
        }
    }

    /** True for text that names a registry reference ({@code oci://...}) rather than a file. */
    public static boolean isOciSource(String text) {
        return text.startsWith(SCHEME);
    }

    /**
     * Parses a reference.
     *
     * @throws IllegalArgumentException naming the reference and what is wrong with it
     */
    public static OciReference parse(String text) {
        String rest = text.startsWith(SCHEME) ? text.substring(SCHEME.length()) : text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("invalid OCI reference " + text + ": the digest must be sha256:<64 hex digits>");
            }
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("invalid OCI reference " + text + ": bad tag `" + tag + "`");
            }
        }
        String registry;
        String repository;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? "" : rest.substring(0, slash);
        // As Docker: the first segment is a registry if it looks like a host (a dot, a port, or localhost)
        if (slash > 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
            registry = first;
            repository = rest.substring(slash + 1);
        } else {
            registry = DOCKER_HUB;
            repository = rest.contains("/") ? rest : "library/" + rest;
        }
        if (!REPOSITORY.matcher(repository).matches()) {
            throw new IllegalArgumentException("invalid OCI reference " + text + ": bad repository name `" + repository
                    + "` (lower-case letters, digits, separators . _ - and /)");
        }
        if (registry.isEmpty() || !registry.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?")) {
            throw new IllegalArgumentException("invalid OCI reference " + text + ": bad registry `" + registry + "`");
        }
        return new OciReference(registry, repository, tag, digest);
    }

    /** The host the registry's API is at: Docker Hub's API is {@code registry-1.docker.io}. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    /** The digest if given, else the tag: what {@code /v2/<name>/manifests/<reference>} takes. */
    public String manifestReference() {
        return digest != null ? digest : tag;
    }

    /** The same repository at another tag or digest. */
    public OciReference withDigest(String newDigest) {
        return new OciReference(registry, repository, tag, newDigest);
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
