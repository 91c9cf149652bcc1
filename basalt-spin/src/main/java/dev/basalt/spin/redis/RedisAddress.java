package dev.basalt.spin.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Redis server's address as Spin's guests and runtime configs write it: {@code redis://[user:password@]host[:port][/db]}
 * ({@code rediss://} for TLS), port 6379 by default.
 *
 * @param tls whether the scheme is {@code rediss}
 * @param host the host name or address (IPv6 without brackets)
 * @param port the port
 * @param user the ACL user, if given
 * @param password the password, if given
 * @param database the database index (SELECT), 0 by default
 */
public record RedisAddress(boolean tls, String host, int port, Optional<String> user, Optional<String> password,
        int database) {
    public static final int DEFAULT_PORT = 6379;

    /**
     * Parses {@code address}.
     *
     * @throws IllegalArgumentException if it is not a redis:// or rediss:// URL with a host
     */
    public static RedisAddress parse(String address) {
        URI u;
        try {
            u = new URI(address);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a redis:// URL: " + redact(address));
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") || u.getHost() == null || u.getQuery() != null
                || u.getFragment() != null) {
            throw new IllegalArgumentException("not a redis:// URL: " + redact(address));
        }
        String host = u.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (u.getUserInfo() != null) {
            String info = u.getUserInfo();
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = Optional.of(info); // redis://secret@host: the password of the default user
            } else {
                user = Optional.of(info.substring(0, colon)).filter(s -> !s.isEmpty());
                password = Optional.of(info.substring(colon + 1));
            }
        }
        int db = 0;
        String path = u.getPath() == null ? "" : u.getPath();
        if (!path.isEmpty() && !path.equals("/")) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                db = -1;
            }
            if (db < 0) {
                throw new IllegalArgumentException("not a redis database number: " + redact(address));
            }
        }
        return new RedisAddress(scheme.equals("rediss"), host, port, user, password, db);
    }

    /** {@code address} with its password hidden (for messages and logs). */
    public static String redact(String address) {
        return address.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@").replaceAll("(://)([^:/@]+)@", "$1***@");
    }

    /** The scheme, {@code redis} or {@code rediss}. */
    public String scheme() {
        return tls ? "rediss" : "redis";
    }

    /**
     * Whether one of {@code allowedOutboundHosts} (a component's grants, Spin's syntax: {@code redis://host:port},
     * {@code redis://*.example.com:*}, {@code *://host:6379}, {@code redis://host} meaning port 6379) admits this
     * address. Entries with other schemes (http, https...) do not.
     */
    public boolean allowedBy(List<String> allowedOutboundHosts) {
        for (String pattern : allowedOutboundHosts) {
            if (grantAllows(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code pattern} is an outbound grant for Redis ({@code redis://} or {@code rediss://}). */
    public static boolean isRedisGrant(String pattern) {
        String p = pattern.strip().toLowerCase(Locale.ROOT);
        return p.startsWith("redis://") || p.startsWith("rediss://");
    }

    /**
     * Checks a Redis grant: {@code redis://HOST[:PORT]} with HOST a name, an address, {@code *} or
     * {@code *.domain}, PORT a number or {@code *}.
     *
     * @throws IllegalArgumentException naming the pattern if it is not of that form
     */
    public static void checkGrant(String pattern) {
        String p = pattern.strip();
        if (!isRedisGrant(p)) {
            throw new IllegalArgumentException("not a redis outbound host grant: " + pattern);
        }
        String rest = p.substring(p.indexOf("://") + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String host = rest;
        String port = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            host = close < 0 ? "" : rest.substring(1, close);
            if (close >= 0 && close + 1 < rest.length()) {
                port = rest.charAt(close + 1) == ':' ? rest.substring(close + 2) : "";
            }
        } else if (rest.lastIndexOf(':') >= 0) {
            host = rest.substring(0, rest.lastIndexOf(':'));
            port = rest.substring(rest.lastIndexOf(':') + 1);
        }
        boolean hostOk = !host.isEmpty() && !host.contains("/") && !host.contains("@") && (!host.contains("*")
                || host.equals("*") || host.startsWith("*.") && host.indexOf('*', 1) < 0 && host.length() > 2);
        boolean portOk = port == null || port.equals("*") || port.matches("[0-9]{1,5}")
                && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
        if (!hostOk || !portOk) {
            throw new IllegalArgumentException("not a redis outbound host grant (redis://HOST[:PORT]): " + pattern);
        }
    }

    private boolean grantAllows(String pattern) {
        int sep = pattern.indexOf("://");
        if (sep < 0) {
            return false;
        }
        String scheme = pattern.substring(0, sep).toLowerCase(Locale.ROOT);
        if (!scheme.equals("*") && !scheme.equals(scheme())) {
            return false;
        }
        String rest = pattern.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String grantHost;
        String grantPort = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                return false;
            }
            grantHost = rest.substring(1, close);
            if (close + 1 < rest.length()) {
                if (rest.charAt(close + 1) != ':') {
                    return false;
                }
                grantPort = rest.substring(close + 2);
            }
        } else {
            int colon = rest.lastIndexOf(':');
            grantHost = colon < 0 ? rest : rest.substring(0, colon);
            grantPort = colon < 0 ? null : rest.substring(colon + 1);
        }
        grantHost = grantHost.toLowerCase(Locale.ROOT);
        boolean hostOk = grantHost.equals("*") || grantHost.equals(host)
                || grantHost.startsWith("*.") && host.endsWith(grantHost.substring(1));
        boolean portOk = grantPort == null ? port == DEFAULT_PORT
                : grantPort.equals("*") || grantPort.equals(Integer.toString(port));
        return hostOk && portOk;
    }

    @Override
    public String toString() {
        return scheme() + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port
                + (database == 0 ? "" : "/" + database);
    }
}
