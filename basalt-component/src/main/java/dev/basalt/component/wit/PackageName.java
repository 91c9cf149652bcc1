package dev.basalt.component.wit;

import java.util.Optional;

/** A WIT package name {@code namespace:name[@version]}, e.g. {@code wasi:io@0.2.12}. */
public record PackageName(String namespace, String name, Optional<SemVer> version) implements Comparable<PackageName> {
    /** The name of interface or world {@code item} of this package, as used in component imports and exports. */
    public String qualify(String item) {
        return namespace + ":" + name + "/" + item + version.map(v -> "@" + v).orElse("");
    }

    /** Whether {@code other} names the same package, ignoring versions. */
    public boolean sameNameAs(PackageName other) {
        return namespace.equals(other.namespace) && name.equals(other.name);
    }

    @Override
    public int compareTo(PackageName o) {
        int c = namespace.compareTo(o.namespace);
        if (c == 0) {
            c = name.compareTo(o.name);
        }
        if (c == 0) {
            c = version.isPresent() && o.version.isPresent() ? version.get().compareTo(o.version.get())
                    : Boolean.compare(version.isPresent(), o.version.isPresent());
        }
        return c;
    }

    @Override
    public String toString() {
        return namespace + ":" + name + version.map(v -> "@" + v).orElse("");
    }
}
