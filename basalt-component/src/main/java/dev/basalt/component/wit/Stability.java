package dev.basalt.component.wit;

import java.util.Optional;

/**
 * The feature gate of a WIT item: {@code @since(version = ...)}, {@code @unstable(feature = ...)}, each optionally
 * with {@code @deprecated(version = ...)}, or none. See WIT.md, "Feature Gates".
 */
public sealed interface Stability {
    /** No gate. */
    record Unknown() implements Stability {}

    /** {@code @since(version = since)}, possibly {@code @deprecated(version = deprecated)}. */
    record Stable(SemVer since, Optional<SemVer> deprecated) implements Stability {}

    /** {@code @unstable(feature = feature)}, possibly {@code @deprecated(version = deprecated)}. */
    record Unstable(String feature, Optional<SemVer> deprecated) implements Stability {}

    Stability UNKNOWN = new Unknown();
}
