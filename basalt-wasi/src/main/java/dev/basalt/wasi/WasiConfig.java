package dev.basalt.wasi;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The capabilities a WASI guest is granted, immutable: arguments, environment, pre-opened directories (each
 * possibly read-only), pre-opened listening sockets (preview1), the network a WASI 0.2 guest may use through
 * wasi:sockets ({@link SocketGrant}s and name lookup), where stdio goes, and the clock and random sources. Nothing
 * is granted by default: no files, no environment, no sockets, no network, no name lookup, empty stdin, stdout and
 * stderr discarded. Create a {@link WasiContext} (or a WASI 0.2 context) from it for each guest instance.
 *
 * <p>Network grants (wasi:sockets, components only) name what a guest may reach and where it may listen; an
 * operation outside them fails with wasi:sockets' {@code access-denied}:
 * {@snippet :
 * WasiConfig.builder()
 *         .allowTcpConnect("127.0.0.1", 8080)      // connect to exactly this address and port
 *         .allowTcpConnect("10.0.0.0/8", 0)        // any port on a network
 *         .allowTcpListen("127.0.0.1", 0)          // bind + listen on loopback, any port
 *         .allowUdpSend("192.0.2.7", 53)           // send datagrams there (and bind an ephemeral port for it)
 *         .allowIpNameLookup("example.com")        // resolve only this name
 *         .build();
 * }
 *
 * {@snippet :
 * WasiConfig config = WasiConfig.builder()
 *         .args("app", "--verbose")
 *         .env("LANG", "C")
 *         .preopenDir(Path.of("data"), "/data", true)   // read-only
 *         .inheritStdio()
 *         .build();
 * }
 */
public final class WasiConfig {
    /** A directory grant: {@code host} appears to the guest as {@code guestPath}. */
    public record DirGrant(Path host, String guestPath, boolean readOnly) {
        public DirGrant {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(guestPath, "guestPath");
        }
    }

    /**
     * A grant of outbound HTTP (wasi:http/outgoing-handler) to matching destinations, parsed from
     * {@code [scheme://]host[:port]}: {@code scheme} is {@code http} or {@code https} (absent: either);
     * {@code host} is a name or IP literal ({@code [::1]} for IPv6), {@code *} for any host, or
     * {@code *.example.com} for every subdomain of example.com (not example.com itself); {@code port} is a
     * number or {@code *} (absent: the scheme's default port, 80 or 443, or both if no scheme is given).
     * Host names compare case-insensitively; no name is resolved to decide a grant.
     *
     * @param scheme {@code http}, {@code https}, or empty for both
     * @param host the lower-cased host, {@code *}, or {@code *.suffix}
     * @param ports the ports granted; empty for any port
     */
    public record OutboundGrant(Optional<String> scheme, String host, List<Integer> ports) {
        public OutboundGrant {
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(host, "host");
            ports = List.copyOf(ports);
        }

        /**
         * Parses a grant, e.g. {@code api.example.com:443}, {@code https://*.example.com},
         * {@code http://127.0.0.1:8080}, {@code *:*}.
         *
         * @throws IllegalArgumentException if {@code pattern} is not of that form
         */
        public static OutboundGrant parse(String pattern) {
            String rest = pattern.strip();
            Optional<String> scheme = Optional.empty();
            int sep = rest.indexOf("://");
            if (sep >= 0) {
                String sc = rest.substring(0, sep).toLowerCase(java.util.Locale.ROOT);
                if (!sc.equals("http") && !sc.equals("https") && !sc.equals("*")) {
                    throw new IllegalArgumentException("not an outbound host grant (scheme must be http, https or *): "
                            + pattern);
                }
                scheme = sc.equals("*") ? Optional.empty() : Optional.of(sc);
                rest = rest.substring(sep + 3);
            }
            if (rest.endsWith("/")) {
                rest = rest.substring(0, rest.length() - 1);
            }
            String host;
            String port = null;
            if (rest.startsWith("[")) {
                int close = rest.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("not an outbound host grant (unclosed [): " + pattern);
                }
                host = rest.substring(0, close + 1);
                if (close + 1 < rest.length()) {
                    if (rest.charAt(close + 1) != ':') {
                        throw new IllegalArgumentException("not an outbound host grant: " + pattern);
                    }
                    port = rest.substring(close + 2);
                }
            } else {
                int colon = rest.lastIndexOf(':');
                host = colon < 0 ? rest : rest.substring(0, colon);
                port = colon < 0 ? null : rest.substring(colon + 1);
            }
            host = host.toLowerCase(java.util.Locale.ROOT);
            if (host.isEmpty() || host.contains("/") || host.contains("@") || (host.contains("*")
                    && !host.equals("*") && !(host.startsWith("*.") && host.indexOf('*', 1) < 0 && host.length() > 2))) {
                throw new IllegalArgumentException("not an outbound host grant (bad host): " + pattern);
            }
            List<Integer> ports;
            if (port == null) {
                ports = scheme.map(sc -> List.of(sc.equals("http") ? 80 : 443)).orElse(List.of(80, 443));
            } else if (port.equals("*")) {
                ports = List.of();
            } else {
                int p;
                try {
                    p = Integer.parseInt(port);
                } catch (NumberFormatException e) {
                    p = -1;
                }
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("not an outbound host grant (bad port): " + pattern);
                }
                ports = List.of(p);
            }
            return new OutboundGrant(scheme, host, ports);
        }

        /** Whether this grant allows a request with {@code scheme} ({@code http}/{@code https}) to host:port. */
        public boolean allows(String scheme, String host, int port) {
            if (this.scheme.isPresent() && !this.scheme.get().equalsIgnoreCase(scheme)) {
                return false;
            }
            if (!ports.isEmpty() && !ports.contains(port)) {
                return false;
            }
            String h = host.toLowerCase(java.util.Locale.ROOT);
            if (this.host.equals("*")) {
                return true;
            }
            if (this.host.startsWith("*.")) {
                return h.endsWith(this.host.substring(1)) && h.length() > this.host.length() - 1;
            }
            return this.host.equals(h);
        }

        @Override
        public String toString() {
            return scheme.map(sc -> sc + "://").orElse("") + host + (ports.isEmpty() ? ":*"
                    : ports.size() == 1 ? ":" + ports.getFirst() : "");
        }
    }

    /** The default of {@link Builder#maxSockets(int)}. */
    public static final int DEFAULT_MAX_SOCKETS = 256;

    /** What a {@link SocketGrant} allows. */
    public enum SocketUse {
        /** TCP: connect to the address ({@code start-connect}); also bind an ephemeral local port for it. */
        TCP_CONNECT,
        /** TCP: bind to the address ({@code start-bind}) and listen on it ({@code start-listen}). */
        TCP_LISTEN,
        /** UDP: bind to the address ({@code start-bind}) and receive datagrams there from anyone. */
        UDP_BIND,
        /**
         * UDP: send datagrams to the address (or {@code stream} connected to it); also bind an ephemeral local port
         * for it.
         */
        UDP_SEND
    }

    /**
     * One network grant: {@code use} of the socket addresses in {@code network/prefixLength} (an address with its
     * full length: exactly that address; length 0: any address of the family; {@code network} null: any address
     * of either family) with port {@code port} (0: any port).
     */
    public record SocketGrant(SocketUse use, InetAddress network, int prefixLength, int port) {
        public SocketGrant {
            Objects.requireNonNull(use, "use");
            int bits = network == null ? 0 : network.getAddress().length * 8;
            if (prefixLength < 0 || prefixLength > bits) {
                throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + network);
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        /** Whether this grant allows {@code use} of {@code address}. */
        public boolean permits(SocketUse use, InetSocketAddress address) {
            if (use != this.use || (port != 0 && port != address.getPort()) || address.getAddress() == null) {
                return false;
            }
            if (network == null) {
                return true;
            }
            byte[] a = address.getAddress().getAddress();
            byte[] n = network.getAddress();
            if (a.length != n.length) {
                return false;
            }
            int full = prefixLength / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != n[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (n[full] & mask);
        }

        @Override
        public String toString() {
            String where = network == null ? "*" : network.getHostAddress()
                    + (prefixLength == network.getAddress().length * 8 ? "" : "/" + prefixLength);
            return use + " " + where + ":" + (port == 0 ? "*" : port);
        }
    }

    /** Where a stdio stream comes from or goes to. */
    public sealed interface Stdio {
        /** The host process's own stream. */
        record Inherit() implements Stdio {
        }

        /** Nothing to read, or output discarded. */
        record Closed() implements Stdio {
        }

        /**
         * A stream supplied per context (each supplier is called once by each {@link WasiContext#create}; a
         * {@code null} supplier: nothing to read, output discarded). With {@code owned}, each context owns what the
         * suppliers gave it and closes it when the context closes or the guest closes the descriptor; without, the
         * stream is someone else's (shared by several contexts, say) and the context only flushes it.
         */
        record Streams(Supplier<InputStream> in, Supplier<OutputStream> out, boolean owned) implements Stdio {
            /** Streams the contexts do not own: they flush them but leave them open. */
            public Streams(Supplier<InputStream> in, Supplier<OutputStream> out) {
                this(in, out, false);
            }
        }
    }

    private final List<String> args;
    private final Map<String, String> env;
    private final List<DirGrant> dirs;
    private final List<InetSocketAddress> listen;
    private final List<SocketGrant> socketGrants;
    private final boolean lookupAnyName;
    private final int maxSockets;
    private final Set<String> lookupNames;
    private final Stdio stdin;
    private final Stdio stdout;
    private final Stdio stderr;
    private final WasiClock clock;
    private final Supplier<RandomGenerator> random;
    private final List<OutboundGrant> outboundHosts;

    private WasiConfig(Builder b) {
        this.args = List.copyOf(b.args);
        this.env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
        this.dirs = List.copyOf(b.dirs);
        this.listen = List.copyOf(b.listen);
        this.socketGrants = List.copyOf(b.socketGrants);
        this.lookupAnyName = b.lookupAnyName;
        this.lookupNames = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(b.lookupNames));
        this.maxSockets = b.maxSockets;
        this.stdin = b.stdin;
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.clock = b.clock;
        this.random = b.random;
        this.outboundHosts = List.copyOf(b.outboundHosts);
    }

    /** A copy of {@code base} whose guests' stdout and stderr are {@code stdout} and {@code stderr}. */
    private WasiConfig(WasiConfig base, Stdio stdout, Stdio stderr) {
        this.args = base.args;
        this.env = base.env;
        this.dirs = base.dirs;
        this.listen = base.listen;
        this.socketGrants = base.socketGrants;
        this.lookupAnyName = base.lookupAnyName;
        this.lookupNames = base.lookupNames;
        this.maxSockets = base.maxSockets;
        this.stdin = base.stdin;
        this.stdout = java.util.Objects.requireNonNull(stdout, "stdout");
        this.stderr = java.util.Objects.requireNonNull(stderr, "stderr");
        this.clock = base.clock;
        this.random = base.random;
        this.outboundHosts = base.outboundHosts;
    }

    /**
     * The same grants with the guests' stderr going to {@code stderr} (a host that also observes what its guests
     * write there, say, wrapping {@link #stderr()}).
     */
    public WasiConfig withStderr(Stdio stderr) {
        return new WasiConfig(this, stdout, stderr);
    }

    /** The same grants with the guests' stdout going to {@code stdout} (see {@link #withStderr}). */
    public WasiConfig withStdout(Stdio stdout) {
        return new WasiConfig(this, stdout, stderr);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> args() {
        return args;
    }

    /** The environment in the order given (inherited variables first if {@link Builder#inheritEnv()}). */
    public Map<String, String> env() {
        return env;
    }

    public List<DirGrant> dirs() {
        return dirs;
    }

    public List<InetSocketAddress> listenAddresses() {
        return listen;
    }

    /** The wasi:sockets grants, in the order given. */
    public List<SocketGrant> socketGrants() {
        return socketGrants;
    }

    /** Whether some grant allows {@code use} of {@code address}. */
    public boolean permitsSocket(SocketUse use, InetSocketAddress address) {
        for (SocketGrant g : socketGrants) {
            if (g.permits(use, address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any grant is of kind {@code use} (e.g. some TCP_CONNECT grant allows an ephemeral bind). */
    public boolean hasSocketGrant(SocketUse use) {
        return socketGrants.stream().anyMatch(g -> g.use() == use);
    }

    /**
     * Whether the guest may resolve {@code name} (wasi:sockets ip-name-lookup): any name after
     * {@link Builder#allowIpNameLookup()}, else only the names given to {@link Builder#allowIpNameLookup(String...)}
     * (compared case-insensitively, in their ASCII form; a trailing dot is ignored).
     */
    public boolean permitsIpNameLookup(String name) {
        return lookupAnyName || lookupNames.contains(normalizeName(name));
    }

    /** The names the guest may resolve (empty with {@link #permitsAnyIpNameLookup()}: then any name). */
    public Set<String> ipNameLookupNames() {
        return lookupNames;
    }

    /** How many wasi:sockets sockets (TCP and UDP, accepted connections included) a guest may hold at once. */
    public int maxSockets() {
        return maxSockets;
    }

    public boolean permitsAnyIpNameLookup() {
        return lookupAnyName;
    }

    private static String normalizeName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    public Stdio stdin() {
        return stdin;
    }

    public Stdio stdout() {
        return stdout;
    }

    public Stdio stderr() {
        return stderr;
    }

    public WasiClock clock() {
        return clock;
    }

    /** The destinations granted for outbound HTTP (wasi:http/outgoing-handler); empty: none. */
    public List<OutboundGrant> outboundHosts() {
        return outboundHosts;
    }

    /** Whether an outbound HTTP request with {@code scheme} to {@code host}:{@code port} is granted. */
    public boolean allowsOutbound(String scheme, String host, int port) {
        return outboundHosts.stream().anyMatch(g -> g.allows(scheme, host, port));
    }

    /** A fresh generator from the configured random source (each guest context takes its own). */
    public RandomGenerator newRandom() {
        return random.get();
    }

    /** Builder of {@link WasiConfig}; not thread-safe. */
    public static final class Builder {
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<DirGrant> dirs = new ArrayList<>();
        private final List<InetSocketAddress> listen = new ArrayList<>();
        private final List<SocketGrant> socketGrants = new ArrayList<>();
        private boolean lookupAnyName;
        private int maxSockets = DEFAULT_MAX_SOCKETS;
        private final Set<String> lookupNames = new LinkedHashSet<>();
        private Stdio stdin = new Stdio.Closed();
        private Stdio stdout = new Stdio.Closed();
        private Stdio stderr = new Stdio.Closed();
        private WasiClock clock = WasiClock.system();
        private Supplier<RandomGenerator> random = SecureRandom::new;
        private final List<OutboundGrant> outboundHosts = new ArrayList<>();

        private Builder() {
        }

        /**
         * Grants outbound HTTP requests (wasi:http/outgoing-handler) to destinations matching {@code pattern}
         * (see {@link OutboundGrant#parse}, e.g. {@code "api.example.com:443"}, {@code "https://*.example.com"});
         * a request to anything not granted fails with the error-code {@code HTTP-request-denied}.
         *
         * @throws IllegalArgumentException if {@code pattern} is not a grant
         */
        public Builder allowOutboundHost(String pattern) {
            outboundHosts.add(OutboundGrant.parse(pattern));
            return this;
        }

        /** Appends program arguments; by convention the first is the program name. */
        public Builder args(String... values) {
            return args(List.of(values));
        }

        public Builder args(List<String> values) {
            for (String a : values) {
                args.add(Objects.requireNonNull(a));
            }
            return this;
        }

        /** Sets one environment variable (a later value for the same key replaces the earlier one). */
        public Builder env(String key, String value) {
            if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("not a valid environment variable: " + key);
            }
            env.put(key, value);
            return this;
        }

        /** Adds every variable of the host process's environment (explicit {@link #env} calls take precedence). */
        public Builder inheritEnv() {
            for (Map.Entry<String, String> e : System.getenv().entrySet()) {
                env.putIfAbsent(e.getKey(), e.getValue());
            }
            return this;
        }

        /** Grants {@code host} (which must be a directory) to the guest under the name {@code guestPath}. */
        public Builder preopenDir(Path host, String guestPath, boolean readOnly) {
            dirs.add(new DirGrant(host, guestPath, readOnly));
            return this;
        }

        public Builder preopenDir(Path host, String guestPath) {
            return preopenDir(host, guestPath, false);
        }

        /** Pre-opens a TCP socket listening on {@code address} (port 0 picks a free port) for {@code sock_accept}. */
        public Builder listen(InetSocketAddress address) {
            listen.add(Objects.requireNonNull(address));
            return this;
        }

        /**
         * Allows wasi:sockets TCP connections to {@code host} on {@code port} (0: any port). {@code host} is an IP
         * address, a network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}), {@code *} for any address,
         * or a host name, which is resolved now, to all its addresses (the grant does not follow later DNS
         * changes). A connecting socket may also bind an ephemeral local port (port 0).
         *
         * @throws IllegalArgumentException if {@code host} is malformed or cannot be resolved, or the port is out
         *                                  of range
         */
        public Builder allowTcpConnect(String host, int port) {
            return grant(SocketUse.TCP_CONNECT, host, port);
        }

        /** Allows binding TCP sockets to {@code address} ({@code host} as in {@link #allowTcpConnect}) and listening there. */
        public Builder allowTcpListen(String address, int port) {
            return grant(SocketUse.TCP_LISTEN, address, port);
        }

        /** Allows binding UDP sockets to {@code address} on {@code port} (0: any port) and receiving there. */
        public Builder allowUdpBind(String address, int port) {
            return grant(SocketUse.UDP_BIND, address, port);
        }

        /** Allows sending UDP datagrams to {@code host} on {@code port} (also binding an ephemeral port for it). */
        public Builder allowUdpSend(String host, int port) {
            return grant(SocketUse.UDP_SEND, host, port);
        }

        /** Adds one grant. */
        public Builder allowSocket(SocketGrant grant) {
            socketGrants.add(Objects.requireNonNull(grant));
            return this;
        }

        /** Allows resolving any host name through wasi:sockets ip-name-lookup. */
        public Builder allowIpNameLookup() {
            lookupAnyName = true;
            return this;
        }

        /** Allows resolving exactly these host names (case-insensitive) through wasi:sockets ip-name-lookup. */
        public Builder allowIpNameLookup(String... names) {
            for (String n : names) {
                if (n.isEmpty()) {
                    throw new IllegalArgumentException("empty host name");
                }
                lookupNames.add(normalizeName(java.net.IDN.toASCII(n)));
            }
            return this;
        }

        /**
         * The whole network of the host, as wasmtime's {@code -S inherit-network,allow-ip-name-lookup}: TCP
         * connect and listen, UDP bind and send, on any address and port, and name lookup of any name.
         */
        /**
         * At most {@code n} wasi:sockets sockets per guest at once (default {@value #DEFAULT_MAX_SOCKETS}); one
         * more answers {@code new-socket-limit}, so a guest cannot exhaust the host's descriptors.
         */
        public Builder maxSockets(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative socket limit: " + n);
            }
            maxSockets = n;
            return this;
        }

        public Builder inheritNetwork() {
            for (SocketUse u : SocketUse.values()) {
                socketGrants.add(new SocketGrant(u, null, 0, 0));
            }
            return allowIpNameLookup();
        }

        private Builder grant(SocketUse use, String host, int port) {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            if (h.equals("*")) {
                socketGrants.add(new SocketGrant(use, null, 0, port));
                return this;
            }
            int slash = h.indexOf('/');
            if (slash >= 0) {
                InetAddress net = literal(h.substring(0, slash));
                int prefix;
                try {
                    prefix = Integer.parseInt(h.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a network in CIDR notation: " + host);
                }
                socketGrants.add(new SocketGrant(use, net, prefix, port));
                return this;
            }
            InetAddress[] all;
            try {
                all = InetAddress.getAllByName(h);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("cannot resolve the granted host " + host, e);
            }
            for (InetAddress a : all) {
                socketGrants.add(new SocketGrant(use, a, a.getAddress().length * 8, port));
            }
            return this;
        }

        /** An IP literal, never a DNS lookup. */
        private static InetAddress literal(String s) {
            try {
                if (s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                    String[] parts = s.split("\\.");
                    byte[] b = new byte[4];
                    for (int i = 0; i < 4; i++) {
                        int v = Integer.parseInt(parts[i]);
                        if (v > 255) {
                            throw new IllegalArgumentException("not an IP address: " + s);
                        }
                        b[i] = (byte) v;
                    }
                    return InetAddress.getByAddress(b);
                }
                // A string with a colon is parsed as an IPv6 literal by the JDK, never looked up.
                if (s.contains(":") && InetAddress.getByName(s) instanceof Inet6Address a) {
                    return a;
                }
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address: " + s, e);
            }
            throw new IllegalArgumentException("not an IP address: " + s);
        }

        /** The host's stdin, stdout and stderr. */
        public Builder inheritStdio() {
            stdin = new Stdio.Inherit();
            stdout = new Stdio.Inherit();
            stderr = new Stdio.Inherit();
            return this;
        }

        public Builder stdin(Stdio s) {
            stdin = Objects.requireNonNull(s);
            return this;
        }

        public Builder stdout(Stdio s) {
            stdout = Objects.requireNonNull(s);
            return this;
        }

        public Builder stderr(Stdio s) {
            stderr = Objects.requireNonNull(s);
            return this;
        }

        /** The guest reads these bytes from stdin (each context gets its own copy). */
        public Builder stdin(byte[] bytes) {
            byte[] copy = bytes.clone();
            stdin = new Stdio.Streams(() -> new java.io.ByteArrayInputStream(copy), null, true);
            return this;
        }

        /** The guest's stdin is {@code in} (shared by every context made from this config). */
        public Builder stdin(InputStream in) {
            stdin = new Stdio.Streams(() -> in, null);
            return this;
        }

        /** The guest's stdout goes to {@code out} (shared by every context made from this config). */
        public Builder stdout(OutputStream out) {
            stdout = new Stdio.Streams(null, () -> out);
            return this;
        }

        /** The guest's stderr goes to {@code out} (shared by every context made from this config). */
        public Builder stderr(OutputStream out) {
            stderr = new Stdio.Streams(null, () -> out);
            return this;
        }

        /**
         * Each context made from this config reads stdin from its own stream, which {@code perContext} opens when
         * the context is created; the context closes it when it closes (or the guest closes descriptor 0).
         */
        public Builder stdinPerContext(Supplier<? extends InputStream> perContext) {
            Objects.requireNonNull(perContext);
            stdin = new Stdio.Streams(perContext::get, null, true);
            return this;
        }

        /**
         * Each context made from this config writes stdout to its own stream, which {@code perContext} opens when
         * the context is created (a log file per guest, say); the context flushes and closes it when it closes (or
         * the guest closes descriptor 1).
         */
        public Builder stdoutPerContext(Supplier<? extends OutputStream> perContext) {
            Objects.requireNonNull(perContext);
            stdout = new Stdio.Streams(null, perContext::get, true);
            return this;
        }

        /** As {@link #stdoutPerContext} for stderr (descriptor 2). */
        public Builder stderrPerContext(Supplier<? extends OutputStream> perContext) {
            Objects.requireNonNull(perContext);
            stderr = new Stdio.Streams(null, perContext::get, true);
            return this;
        }

        public Builder clock(WasiClock c) {
            clock = Objects.requireNonNull(c);
            return this;
        }

        /** The source of {@code random_get}: a fresh generator per context (default: {@link SecureRandom}). */
        public Builder random(Supplier<RandomGenerator> source) {
            random = Objects.requireNonNull(source);
            return this;
        }

        /** A seeded, reproducible {@code random_get} for tests. */
        public Builder deterministicRandom(long seed) {
            random = () -> new java.util.SplittableRandom(seed);
            return this;
        }

        public WasiConfig build() {
            return new WasiConfig(this);
        }
    }

    /** The directory grant with exactly this guest path, if any. */
    public Optional<DirGrant> dir(String guestPath) {
        return dirs.stream().filter(d -> d.guestPath().equals(guestPath)).findFirst();
    }
}
