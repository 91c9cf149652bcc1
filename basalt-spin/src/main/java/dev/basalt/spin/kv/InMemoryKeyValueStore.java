package dev.basalt.spin.kv;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** A store in the JVM's memory: gone when the process ends. Values are copied in and out. */
public final class InMemoryKeyValueStore implements KeyValueStore {
    private final ConcurrentSkipListMap<String, byte[]> map = new ConcurrentSkipListMap<>();

    @Override
    public Optional<byte[]> get(String key) {
        byte[] v = map.get(key);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    @Override
    public void set(String key, byte[] value) {
        map.put(key, value.clone());
    }

    @Override
    public void delete(String key) {
        map.remove(key);
    }

    @Override
    public boolean exists(String key) {
        return map.containsKey(key);
    }

    @Override
    public List<String> keys() {
        return List.copyOf(map.keySet());
    }

    @Override
    public long increment(String key, long delta) {
        long[] result = new long[1];
        map.compute(key, (k, current) -> {
            result[0] = KeyValueStore.addToCounter(k, Optional.ofNullable(current), delta);
            return KeyValueStore.counterBytes(result[0]);
        });
        return result[0];
    }

    @Override
    public boolean compareAndSwap(String key, Optional<byte[]> expected, byte[] value) {
        byte[] copy = value.clone();
        boolean[] swapped = new boolean[1];
        map.compute(key, (k, current) -> {
            boolean matches = expected.isEmpty() ? current == null
                    : current != null && Arrays.equals(current, expected.get());
            swapped[0] = matches;
            return matches ? copy : current;
        });
        return swapped[0];
    }

    @Override
    public void close() {
        map.clear();
    }
}
