package dev.basalt.component.model;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An import or export name with its {@code nameattributes} (Binary.md "Import and Export Definitions").
 * {@code form} is the leading byte as encoded (0x00 and 0x01 are plain names, 0x02 carries attributes), kept
 * so that a binary round-trips exactly. {@link #kind()} classifies the name by the Explainer's
 * {@code externname} grammar; names that fit none of its forms are {@link Kind#INVALID} (a validation error,
 * "is not a valid extern name").
 */
public record ExternName(String name, int form, List<Attribute> attributes) {
    public ExternName {
        attributes = List.copyOf(attributes);
    }

    /** A plain name without attributes. */
    public static ExternName of(String name) {
        return new ExternName(name, 0x00, List.of());
    }

    public enum AttributeKind {
        IMPLEMENTS("implements"), VERSION_SUFFIX("versionsuffix"), EXTERNAL_ID("external-id");

        private final String text;

        AttributeKind(String text) {
            this.text = text;
        }

        /** The text format keyword. */
        public String text() {
            return text;
        }
    }

    /** {@code (implements "ns:pkg/iface")}, {@code (versionsuffix "...")} or {@code (external-id "...")}. */
    public record Attribute(AttributeKind kind, String value) {
    }

    /** The forms of {@code externname}. */
    public enum Kind {
        /** {@code label}. */
        PLAIN,
        /** {@code [constructor]label}. */
        CONSTRUCTOR,
        /** {@code [method]resource.label}. */
        METHOD,
        /** {@code [static]resource.label}. */
        STATIC,
        /** {@code ns:pkg/iface@version?}. */
        INTERFACE,
        /** None of the above. */
        INVALID
    }

    private static final String WORD_FIRST = "[a-z][0-9a-z]*";
    private static final String LABEL = "(?:[a-z][0-9a-z]*|[A-Z][0-9A-Z]*)(?:-(?:[0-9a-z]+|[0-9A-Z]+))*";
    private static final String WORDS = WORD_FIRST + "(?:-[0-9a-z]+)*";
    private static final Pattern PLAIN = Pattern.compile(LABEL);
    private static final Pattern CONSTRUCTOR = Pattern.compile("\\[constructor\\](" + LABEL + ")");
    private static final Pattern METHOD = Pattern.compile("\\[method\\](" + LABEL + ")\\.(" + LABEL + ")");
    private static final Pattern STATIC = Pattern.compile("\\[static\\](" + LABEL + ")\\.(" + LABEL + ")");
    /** Namespaces and projections may nest (🪺); the version is checked by {@link #isValidSemver}. */
    private static final Pattern INTERFACE = Pattern.compile(
            "((?:" + WORDS + ":)+)(" + WORDS + ")((?:/" + LABEL + ")+)(?:@(.+))?");
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)"
                    + "(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)"
                    + "(?:\\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");
    /** {@code canonversion} (🔗): {@code N}, {@code 0.N}, {@code 0.0.N}, {@code 0.0.0}. */
    private static final Pattern CANON_VERSION = Pattern.compile("[1-9][0-9]*|0\\.[1-9][0-9]*|0\\.0\\.[1-9][0-9]*|0\\.0\\.0");

    /** Which form of {@code externname} this name has. */
    public Kind kind() {
        if (PLAIN.matcher(name).matches()) {
            return Kind.PLAIN;
        }
        if (CONSTRUCTOR.matcher(name).matches()) {
            return Kind.CONSTRUCTOR;
        }
        if (METHOD.matcher(name).matches()) {
            return Kind.METHOD;
        }
        if (STATIC.matcher(name).matches()) {
            return Kind.STATIC;
        }
        var m = INTERFACE.matcher(name);
        if (m.matches() && (m.group(4) == null || isValidSemver(m.group(4))
                || CANON_VERSION.matcher(m.group(4)).matches())) {
            return Kind.INTERFACE;
        }
        return Kind.INVALID;
    }

    /** For {@code [method]r.m}, {@code [static]r.s} and {@code [constructor]r}: the resource name {@code r}. */
    public Optional<String> resource() {
        for (Pattern p : List.of(CONSTRUCTOR, METHOD, STATIC)) {
            var m = p.matcher(name);
            if (m.matches()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** For an interface name {@code ns:pkg/iface@v}: the version {@code v}, if any. */
    public Optional<String> version() {
        var m = INTERFACE.matcher(name);
        return m.matches() ? Optional.ofNullable(m.group(4)) : Optional.empty();
    }

    /** Whether {@code v} is a valid semantic version (semver.org 2.0.0). */
    public static boolean isValidSemver(String v) {
        return SEMVER.matcher(v).matches();
    }
}
