package dev.basalt.component.wit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A <a href="https://semver.org/">semantic version</a> ({@code major.minor.patch[-pre][+build]}), as used in
 * WIT package names and in {@code @since}/{@code @deprecated} gates.
 *
 * @param pre pre-release identifiers (empty for a release)
 * @param build build metadata (empty when absent; ignored by {@link #compareTo})
 */
public record SemVer(long major, long minor, long patch, List<String> pre, String build) implements Comparable<SemVer> {
    public SemVer {
        pre = List.copyOf(pre);
    }

    /** Parses a full semver string, or returns empty when it is not one. */
    public static Optional<SemVer> parse(String text) {
        String rest = text;
        String build = "";
        int plus = rest.indexOf('+');
        if (plus >= 0) {
            build = rest.substring(plus + 1);
            rest = rest.substring(0, plus);
            if (!identifiers(build, false)) {
                return Optional.empty();
            }
        }
        List<String> pre = List.of();
        int dash = rest.indexOf('-');
        if (dash >= 0) {
            String p = rest.substring(dash + 1);
            rest = rest.substring(0, dash);
            if (!identifiers(p, true)) {
                return Optional.empty();
            }
            pre = List.of(p.split("\\.", -1));
        }
        String[] core = rest.split("\\.", -1);
        if (core.length != 3) {
            return Optional.empty();
        }
        long[] n = new long[3];
        for (int i = 0; i < 3; i++) {
            if (!numeric(core[i]) || (core[i].length() > 1 && core[i].charAt(0) == '0') || core[i].length() > 18) {
                return Optional.empty();
            }
            n[i] = Long.parseLong(core[i]);
        }
        return Optional.of(new SemVer(n[0], n[1], n[2], pre, build));
    }

    private static boolean identifiers(String s, boolean noLeadingZeros) {
        if (s.isEmpty()) {
            return false;
        }
        for (String id : s.split("\\.", -1)) {
            if (id.isEmpty()) {
                return false;
            }
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-')) {
                    return false;
                }
            }
            if (noLeadingZeros && numeric(id) && id.length() > 1 && id.charAt(0) == '0') {
                return false;
            }
        }
        return true;
    }

    private static boolean numeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a reference to {@code this} version may be satisfied by {@code candidate} under semver rules:
     * same major version (for {@code 0.x}: same minor; for {@code 0.0.x}: same patch), no pre-release, and
     * {@code candidate >= this}.
     */
    public boolean acceptsCompatible(SemVer candidate) {
        if (!pre.isEmpty() || !candidate.pre.isEmpty() || candidate.compareTo(this) < 0) {
            return false;
        }
        if (major != 0) {
            return candidate.major == major;
        }
        if (minor != 0) {
            return candidate.major == 0 && candidate.minor == minor;
        }
        return candidate.major == 0 && candidate.minor == 0 && candidate.patch == patch;
    }

    @Override
    public int compareTo(SemVer o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Long.compare(patch, o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (pre.isEmpty() || o.pre.isEmpty()) {
            return Boolean.compare(pre.isEmpty(), o.pre.isEmpty());
        }
        for (int i = 0; i < Math.min(pre.size(), o.pre.size()); i++) {
            String a = pre.get(i);
            String b = o.pre.get(i);
            boolean na = numeric(a);
            boolean nb = numeric(b);
            int d = na && nb ? (a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b))
                    : na ? -1 : nb ? 1 : a.compareTo(b);
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(pre.size(), o.pre.size());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(major).append('.').append(minor).append('.').append(patch);
        if (!pre.isEmpty()) {
            sb.append('-').append(String.join(".", new ArrayList<>(pre)));
        }
        if (!build.isEmpty()) {
            sb.append('+').append(build);
        }
        return sb.toString();
    }
}
