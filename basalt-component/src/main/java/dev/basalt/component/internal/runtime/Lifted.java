package dev.basalt.component.internal.runtime;

import dev.basalt.component.ComponentValue;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Values lifted for a call (arguments or results), with the encoding hints of the strings among them (keyed by
 * identity; null when there are none), handed from the lifting side to the lowering side.
 */
public record Lifted(List<ComponentValue> values, IdentityHashMap<ComponentValue, StringHint> hints) {
    public static Lifted of(List<ComponentValue> values) {
        return new Lifted(values, null);
    }
}
