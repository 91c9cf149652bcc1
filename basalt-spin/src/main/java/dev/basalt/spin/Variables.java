package dev.basalt.spin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Spin's application variables: the application declares variables ({@code [variables]}: a default, or
 * {@code required = true}; {@code secret = true} keeps the value out of messages), providers give them values
 * (the environment: {@code SPIN_VARIABLE_NAME} for {@code name}), and each component has its own variables,
 * templates over the application's ({@code [component.X.variables] api_url = "https://{{ host }}/v1"}). A
 * component sees only its own variables ({@link #get}); the application's are reachable only through them.
 *
 * <p>Names are lowercase ASCII letters, digits and single underscores, start with a letter and end with a letter
 * or digit (Spin's rule). {@link Builder#build()} checks every template and that every required variable has a
 * value, so a request never meets a broken configuration.
 */
public final class Variables {
    /** An application variable: exactly one of a default value and {@code required}. */
    public record Definition(String name, Optional<String> defaultValue, boolean required, boolean secret) {
        public Definition {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(defaultValue, "defaultValue");
        }

        @Override
        public String toString() {
            return "Definition[" + name + (required ? ", required" : "") + (secret ? ", secret" : "")
                    + (defaultValue.isPresent() ? ", default " + (secret ? "***" : defaultValue.get()) : "") + "]";
        }
    }

    /** Gives application variables their values. */
    @FunctionalInterface
    public interface Provider {
        /** The value of the application variable {@code name}, if this provider has one. */
        Optional<String> get(String name);
    }

    /** Why a variable has no value: the cases of {@code fermyon:spin/variables}' error. */
    public enum ErrorKind { INVALID_NAME, UNDEFINED, PROVIDER, OTHER }

    /** A variable could not be resolved. */
    public static final class VariableException extends RuntimeException {
        private final ErrorKind kind;

        public VariableException(ErrorKind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public ErrorKind kind() {
            return kind;
        }
    }

    /** A template: literal text and {@code {{ variable }}} references, alternating. */
    private record Template(List<String> literals, List<String> references) {
    }

    private final Map<String, Definition> definitions;
    private final List<Provider> providers;
    private final Map<String, Map<String, Template>> components;

    private Variables(Map<String, Definition> definitions, List<Provider> providers,
            Map<String, Map<String, Template>> components) {
        this.definitions = definitions;
        this.providers = providers;
        this.components = components;
    }

    /** No variables at all. */
    public static Variables none() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The environment provider: {@code SPIN_VARIABLE_API_KEY} gives {@code api_key} its value. */
    public static Provider environment(Map<String, String> env) {
        Map<String, String> copy = Map.copyOf(env);
        return name -> Optional.ofNullable(copy.get("SPIN_VARIABLE_" + name.toUpperCase(java.util.Locale.ROOT)));
    }

    /** The application variables declared. */
    public Map<String, Definition> definitions() {
        return definitions;
    }

    /**
     * The value of component {@code component}'s variable {@code name}.
     *
     * @throws VariableException with the kind the guest's error case is made from
     */
    public String get(String component, String name) {
        String invalid = invalidName(name);
        if (invalid != null) {
            throw new VariableException(ErrorKind.INVALID_NAME, name + ": " + invalid);
        }
        Template t = components.getOrDefault(component, Map.of()).get(name);
        if (t == null) {
            throw new VariableException(ErrorKind.UNDEFINED, "no variable " + name);
        }
        return render(t);
    }

    /** Every variable of component {@code component} with its value, by name. */
    public Map<String, String> getAll(String component) {
        Map<String, String> all = new TreeMap<>();
        components.getOrDefault(component, Map.of()).forEach((name, t) -> all.put(name, render(t)));
        return all;
    }

    private String render(Template t) {
        StringBuilder sb = new StringBuilder(t.literals().getFirst());
        for (int i = 0; i < t.references().size(); i++) {
            sb.append(resolve(t.references().get(i))).append(t.literals().get(i + 1));
        }
        return sb.toString();
    }

    /** The value of application variable {@code name}: the first provider's, else its default. */
    private String resolve(String name) {
        Definition d = definitions.get(name);
        for (Provider p : providers) {
            Optional<String> v;
            try {
                v = p.get(name);
            } catch (RuntimeException e) {
                throw new VariableException(ErrorKind.PROVIDER, "the provider of " + name + " failed: " + e.getMessage());
            }
            if (v.isPresent()) {
                return v.get();
            }
        }
        if (d != null && d.defaultValue().isPresent()) {
            return d.defaultValue().get();
        }
        throw new VariableException(ErrorKind.PROVIDER, "no provider has a value for the required variable " + name);
    }

    /** Why {@code name} is not a valid variable name, or null if it is. */
    public static String invalidName(String name) {
        if (name.isEmpty()) {
            return "a variable name must not be empty";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                return "a variable name may contain only lowercase letters, digits and underscores";
            }
        }
        if (!(name.charAt(0) >= 'a' && name.charAt(0) <= 'z')) {
            return "a variable name must start with a lowercase letter";
        }
        if (name.endsWith("_")) {
            return "a variable name must end with a letter or digit";
        }
        if (name.contains("__")) {
            return "a variable name must not contain consecutive underscores";
        }
        return null;
    }

    /** Parses {@code text} into literals and {@code {{ name }}} references. */
    private static Template parse(String text) {
        List<String> literals = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        int pos = 0;
        while (true) {
            int open = text.indexOf("{{", pos);
            if (open < 0) {
                literals.add(text.substring(pos));
                return new Template(literals, refs);
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("unterminated {{ in template \"" + text + "\"");
            }
            literals.add(text.substring(pos, open));
            String name = text.substring(open + 2, close).strip();
            String invalid = invalidName(name);
            if (invalid != null) {
                throw new IllegalArgumentException("template \"" + text + "\" refers to `" + name + "`: " + invalid);
            }
            refs.add(name);
            pos = close + 2;
        }
    }

    /** Collects definitions, providers and component variables; {@link #build()} checks them. */
    public static final class Builder {
        private final Map<String, Definition> definitions = new LinkedHashMap<>();
        private final List<Provider> providers = new ArrayList<>();
        private final Map<String, Map<String, String>> components = new LinkedHashMap<>();

        private Builder() {
        }

        /** Declares an application variable. */
        public Builder define(Definition d) {
            definitions.put(d.name(), d);
            return this;
        }

        /** Adds a provider; earlier providers win. */
        public Builder provider(Provider p) {
            providers.add(Objects.requireNonNull(p));
            return this;
        }

        /** Component {@code id}'s variables: name to template. */
        public Builder component(String id, Map<String, String> variables) {
            components.put(id, new LinkedHashMap<>(variables));
            return this;
        }

        /**
         * Checks and freezes the variables.
         *
         * @throws IllegalArgumentException for an invalid name or template, a reference to an undeclared variable,
         *     a definition with both or neither of a default and required, or a required variable no provider gives
         */
        public Variables build() {
            for (Definition d : definitions.values()) {
                String invalid = invalidName(d.name());
                if (invalid != null) {
                    throw new IllegalArgumentException("variable `" + d.name() + "`: " + invalid);
                }
                if (d.required() == d.defaultValue().isPresent()) {
                    throw new IllegalArgumentException("variable `" + d.name()
                            + "` needs exactly one of `default = \"...\"` and `required = true`");
                }
            }
            Map<String, Map<String, Template>> parsed = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, String>> c : components.entrySet()) {
                Map<String, Template> vars = new LinkedHashMap<>();
                for (Map.Entry<String, String> v : c.getValue().entrySet()) {
                    String invalid = invalidName(v.getKey());
                    if (invalid != null) {
                        throw new IllegalArgumentException("component " + c.getKey() + " variable `" + v.getKey()
                                + "`: " + invalid);
                    }
                    Template t;
                    try {
                        t = parse(v.getValue());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("component " + c.getKey() + " variable `" + v.getKey()
                                + "`: " + e.getMessage());
                    }
                    for (String ref : t.references()) {
                        if (!definitions.containsKey(ref)) {
                            throw new IllegalArgumentException("component " + c.getKey() + " variable `"
                                    + v.getKey() + "` refers to the undeclared application variable `" + ref + "`");
                        }
                    }
                    vars.put(v.getKey(), t);
                }
                parsed.put(c.getKey(), java.util.Collections.unmodifiableMap(vars));
            }
            Variables v = new Variables(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(definitions)),
                    List.copyOf(providers), java.util.Collections.unmodifiableMap(parsed));
            for (Definition d : definitions.values()) {
                if (d.required()) {
                    try {
                        v.resolve(d.name());
                    } catch (VariableException e) {
                        throw new IllegalArgumentException("the required variable `" + d.name()
                                + "` has no value (set SPIN_VARIABLE_" + d.name().toUpperCase(java.util.Locale.ROOT)
                                + " in the environment)");
                    }
                }
            }
            return v;
        }
    }
}
