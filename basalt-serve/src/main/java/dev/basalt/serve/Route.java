package dev.basalt.serve;

import java.util.Objects;
import java.util.Optional;

/**
 * A route as Spin writes them: {@code /hello} matches exactly that path, {@code /hello/...} matches
 * {@code /hello} and everything below it, {@code /...} everything. Among the routes that match a path, an exact
 * one wins over wildcards and a longer wildcard prefix over a shorter one.
 *
 * @param pattern the route as written
 * @param prefix the path without the trailing {@code /...} (empty for {@code /...})
 * @param wildcard whether the route ends with {@code /...}
 */
public record Route(String pattern, String prefix, boolean wildcard) {
    public Route {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * Parses a route.
     *
     * @throws IllegalArgumentException if it does not start with {@code /} or has {@code ...} other than at the end
     */
    public static Route parse(String pattern) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route starts with /: " + pattern);
        }
        boolean wildcard = pattern.endsWith("/...");
        String prefix = wildcard ? pattern.substring(0, pattern.length() - 4) : pattern;
        if (prefix.contains("...") || prefix.contains("?") || prefix.contains("#")) {
            throw new IllegalArgumentException("not a route (... only as the last segment, no query): " + pattern);
        }
        if (!wildcard && prefix.length() > 1 && prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return new Route(pattern, prefix, wildcard);
    }

    /**
     * The part of {@code path} (without query) below this route (Spin's {@code spin-path-info}), if it matches:
     * empty for an exact match, else what follows the prefix, starting with {@code /}.
     */
    public Optional<String> pathInfo(String path) {
        if (!wildcard) {
            String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            return p.equals(prefix) ? Optional.of("") : Optional.empty();
        }
        if (path.equals(prefix)) {
            return Optional.of("");
        }
        if (path.startsWith(prefix + "/")) {
            return Optional.of(path.substring(prefix.length()));
        }
        return Optional.empty();
    }

    /** Orders matches: exact routes first, then longer prefixes. */
    int specificity() {
        return wildcard ? prefix.length() : Integer.MAX_VALUE;
    }
}
