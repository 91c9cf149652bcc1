package dev.basalt.component.validate;

import dev.basalt.wasm.InvalidException;

/**
 * The name rules of component imports and exports (Explainer.md "Import and Export Definitions"): kebab-case
 * labels, {@code [constructor]}/{@code [method]}/{@code [static]} annotations, interface names
 * {@code ns:pkg/iface@version} with semver versions. Errors use wasm-tools' wording, which the component testsuite
 * checks.
 */
final class Names {
    private Names() {
    }

    /** What a valid extern name is. */
    enum Kind { PLAIN, CONSTRUCTOR, METHOD, STATIC, INTERFACE }

    /** A parsed extern name: its kind, and for annotated names the resource and item labels. */
    record Parsed(Kind kind, String resource, String item) {
    }

    /** Whether {@code s} is a kebab-case label: words of lower-case or upper-case letters and digits. */
    static boolean isKebab(String s) {
        if (s.isEmpty()) {
            return false;
        }
        String[] words = s.split("-", -1);
        for (int w = 0; w < words.length; w++) {
            String word = words[w];
            if (word.isEmpty()) {
                return false;
            }
            if (w == 0 && !Character.isLetter(word.charAt(0))) {
                return false;
            }
            boolean lower = false;
            boolean upper = false;
            for (int i = 0; i < word.length(); i++) {
                char c = word.charAt(i);
                if (c >= 'a' && c <= 'z') {
                    lower = true;
                } else if (c >= 'A' && c <= 'Z') {
                    upper = true;
                } else if (!(c >= '0' && c <= '9')) {
                    return false;
                }
            }
            if (lower && upper) {
                return false;
            }
        }
        return true;
    }

    static void requireKebab(String s) {
        if (!isKebab(s)) {
            throw new InvalidException("`" + s + "` is not in kebab case");
        }
    }

    /** Parses and checks an import or export name. */
    static Parsed parse(String name) {
        for (String prefix : new String[] {"[constructor]", "[method]", "[static]"}) {
            if (name.startsWith(prefix)) {
                String rest = name.substring(prefix.length());
                if (prefix.equals("[constructor]")) {
                    requireKebab(rest);
                    return new Parsed(Kind.CONSTRUCTOR, rest, rest);
                }
                int dot = rest.indexOf('.');
                if (dot < 0) {
                    throw new InvalidException("failed to find `.` character");
                }
                String resource = rest.substring(0, dot);
                String item = rest.substring(dot + 1);
                requireKebab(resource);
                requireKebab(item);
                return new Parsed(prefix.equals("[method]") ? Kind.METHOD : Kind.STATIC, resource, item);
            }
        }
        int colon = name.indexOf(':');
        if (colon >= 0) {
            interfaceName(name, colon);
            return new Parsed(Kind.INTERFACE, null, null);
        }
        if (!isKebab(name)) {
            throw new InvalidException("`" + name + "` is not a valid extern name: `" + name
                    + "` is not in kebab case");
        }
        return new Parsed(Kind.PLAIN, null, null);
    }

    private static void interfaceName(String name, int colon) {
        String ns = name.substring(0, colon);
        if (ns.isEmpty()) {
            requireKebab(ns);
        }
        if (!isKebab(ns)) {
            throw new InvalidException("`" + name + "` is not a valid extern name: `" + ns
                    + "` is not in kebab case");
        }
        if (!ns.equals(ns.toLowerCase(java.util.Locale.ROOT))) {
            throw new InvalidException("`" + name + "` is not a valid extern name");
        }
        String rest = name.substring(colon + 1);
        int slash = rest.indexOf('/');
        int at = rest.indexOf('@');
        String pkg = slash < 0 ? (at < 0 ? rest : rest.substring(0, at)) : rest.substring(0, slash);
        if (pkg.contains(":")) {
            throw new InvalidException("expected `/` after package name");
        }
        if (pkg.isEmpty()) {
            requireKebab(pkg);
        }
        if (!isKebab(pkg)) {
            throw new InvalidException("`" + name + "` is not a valid extern name: `" + pkg
                    + "` is not in kebab case");
        }
        if (!pkg.equals(pkg.toLowerCase(java.util.Locale.ROOT))) {
            throw new InvalidException("`" + name + "` is not a valid extern name");
        }
        if (slash < 0) {
            throw new InvalidException("expected `/` after package name");
        }
        String tail = rest.substring(slash + 1);
        int end = tail.length();
        for (int i = 0; i < tail.length(); i++) {
            if (tail.charAt(i) == '/' || tail.charAt(i) == '@') {
                end = i;
                break;
            }
        }
        String iface = tail.substring(0, end);
        requireKebab(iface);
        if (end < tail.length() && tail.charAt(end) == '/') {
            throw new InvalidException("trailing characters found: `" + tail.substring(end) + "`");
        }
        if (end < tail.length()) {
            semver(tail.substring(end + 1));
        }
    }

    /** Checks a semantic version with the messages of Rust's semver crate (which wasm-tools uses). */
    static void semver(String v) {
        if (v.isEmpty()) {
            throw new InvalidException("empty string, expected a semver version");
        }
        int[] pos = {0};
        number(v, pos, "major");
        dot(v, pos, "major");
        number(v, pos, "minor");
        dot(v, pos, "minor");
        number(v, pos, "patch");
        if (pos[0] < v.length() && v.charAt(pos[0]) == '-') {
            pos[0]++;
            identifiers(v, pos, "pre-release identifier", true);
        }
        if (pos[0] < v.length() && v.charAt(pos[0]) == '+') {
            pos[0]++;
            identifiers(v, pos, "build metadata", false);
        }
        if (pos[0] < v.length()) {
            throw new InvalidException("unexpected character '" + v.charAt(pos[0]) + "' after patch version number");
        }
    }

    private static void number(String v, int[] pos, String what) {
        int start = pos[0];
        while (pos[0] < v.length() && Character.isDigit(v.charAt(pos[0]))) {
            pos[0]++;
        }
        if (pos[0] == start) {
            if (pos[0] >= v.length()) {
                throw new InvalidException("unexpected end of input while parsing " + what + " version number");
            }
            throw new InvalidException("unexpected character '" + v.charAt(pos[0]) + "' while parsing " + what
                    + " version number");
        }
        if (pos[0] - start > 1 && v.charAt(start) == '0') {
            throw new InvalidException("invalid leading zero in " + what + " version number");
        }
    }

    private static void dot(String v, int[] pos, String after) {
        if (pos[0] >= v.length()) {
            throw new InvalidException("unexpected end of input while parsing " + (after.equals("major") ? "minor"
                    : "patch") + " version number");
        }
        if (v.charAt(pos[0]) != '.') {
            throw new InvalidException("unexpected character '" + v.charAt(pos[0]) + "' after " + after
                    + " version number");
        }
        pos[0]++;
    }

    private static void identifiers(String v, int[] pos, String what, boolean stopAtPlus) {
        while (true) {
            int start = pos[0];
            while (pos[0] < v.length()) {
                char c = v.charAt(pos[0]);
                if (Character.isLetterOrDigit(c) && c < 128 || c == '-') {
                    pos[0]++;
                } else {
                    break;
                }
            }
            if (pos[0] == start) {
                throw new InvalidException("empty identifier segment in " + what);
            }
            if (pos[0] < v.length() && v.charAt(pos[0]) == '.') {
                pos[0]++;
                continue;
            }
            return;
        }
    }
}
