package dev.basalt.spin.kv;

import java.util.List;
import java.util.Optional;

/**
 * A key-value store backend: string keys, byte-array values. Implementations are thread-safe (requests of a
 * server share one store) and report backend failures as {@link KeyValueException}, which the guest sees as the
 * interface's {@code other(message)} error.
 *
 * <p>Counters ({@link #increment}) are kept as the value's decimal ASCII text, the way Redis' {@code INCRBY}
 * keeps them, so a counter reads the same through every backend and through {@code get}.
 */
public interface KeyValueStore extends AutoCloseable {
    /** The value of {@code key}, or empty if there is none. */
    Optional<byte[]> get(String key);

    /** Sets the value of {@code key}, overwriting any existing value. */
    void set(String key, byte[] value);

    /** Deletes {@code key}; nothing happens if it does not exist. */
    void delete(String key);

    /** Whether {@code key} has a value. */
    boolean exists(String key);

    /** Every key, in ascending order (by UTF-16 code units, as {@link String#compareTo}). */
    List<String> keys();

    /**
     * Atomically adds {@code delta} to the counter {@code key} (absent counts as 0) and returns the new value.
     *
     * @throws KeyValueException if the current value is not a decimal 64-bit integer or the sum overflows
     */
    long increment(String key, long delta);

    /**
     * Atomically sets {@code key} to {@code value} if its current value is {@code expected} (empty: absent).
     *
     * @return whether the value was set
     */
    boolean compareAndSwap(String key, Optional<byte[]> expected, byte[] value);

    /** Releases connections; the store is unusable afterwards. */
    @Override
    void close();

    /** The counter value {@code current} (decimal text) plus {@code delta}; shared by the backends. */
    static long addToCounter(String key, Optional<byte[]> current, long delta) {
        long base = 0;
        if (current.isPresent()) {
            String text = new String(current.get(), java.nio.charset.StandardCharsets.US_ASCII);
            try {
                base = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new KeyValueException("the value of " + key + " is not an integer");
            }
        }
        try {
            return Math.addExact(base, delta);
        } catch (ArithmeticException e) {
            throw new KeyValueException("incrementing " + key + " by " + delta + " overflows a 64-bit integer");
        }
    }

    /** The decimal text a counter is stored as. */
    static byte[] counterBytes(long value) {
        return Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
