package dev.basalt.spin;

import dev.basalt.spin.kv.KeyValueStores;
import java.util.Objects;
import java.util.Set;

/**
 * What one component is granted of the Spin host interfaces: the key-value stores it may open (by label, the
 * manifest's {@code key_value_stores}; any other label is {@code access-denied}), the application's stores,
 * its variables, and the limits. Shared by all of the component's guests; each guest gets its own
 * {@link SpinGuest}.
 *
 * @param componentId the component whose variables the guest sees
 * @param stores the application's stores (shared, long-lived; closed by their owner)
 * @param allowedStores the labels this component may open
 * @param variables the application's variables
 * @param limits size limits
 */
public record SpinConfig(String componentId, KeyValueStores stores, Set<String> allowedStores, Variables variables,
        Limits limits) {
    public SpinConfig {
        Objects.requireNonNull(componentId, "componentId");
        Objects.requireNonNull(stores, "stores");
        allowedStores = Set.copyOf(allowedStores);
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(limits, "limits");
    }

    /**
     * Limits on what a guest may store and hold; beyond them an operation answers the interface's error
     * ({@code other}, or {@code store-table-full} for too many open stores).
     *
     * @param maxKeyBytes a key's UTF-8 length (Spin: 255)
     * @param maxValueBytes a value's length (Spin: 1 MiB)
     * @param maxOpenStores store/bucket handles one guest holds at once
     */
    public record Limits(int maxKeyBytes, int maxValueBytes, int maxOpenStores) {
        public static final Limits DEFAULT = new Limits(255, 1 << 20, 256);

        public Limits {
            if (maxKeyBytes < 1 || maxValueBytes < 0 || maxOpenStores < 1) {
                throw new IllegalArgumentException("limits must be positive: " + maxKeyBytes + ", " + maxValueBytes
                        + ", " + maxOpenStores);
            }
        }
    }
}
