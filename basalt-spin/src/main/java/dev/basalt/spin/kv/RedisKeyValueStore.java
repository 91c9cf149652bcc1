package dev.basalt.spin.kv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A store in a Redis database ({@code redis://[user:password@]host:port[/db]}), as Spin's {@code type = "redis"}:
 * each key is the Redis key of the same name (UTF-8), each value a Redis string. Counters are {@code INCRBY};
 * compare-and-swap is a Lua script, so it is atomic on the server.
 */
public final class RedisKeyValueStore implements KeyValueStore {
    /** KEYS[1]: the key; ARGV[1]: "1" if a current value is expected, ARGV[2]: it, ARGV[3]: the new value. */
    private static final byte[] CAS_SCRIPT = ("local cur = redis.call('GET', KEYS[1]) "
            + "if ARGV[1] == '1' then if cur ~= ARGV[2] then return 0 end "
            + "elseif cur then return 0 end "
            + "redis.call('SET', KEYS[1], ARGV[3]) return 1").getBytes(StandardCharsets.UTF_8);

    private final RedisClient client;
    private final String url;

    private RedisKeyValueStore(RedisClient client, String url) {
        this.client = client;
        this.url = url;
    }

    /**
     * A store on the Redis server at {@code url} (connections are made on first use, pooled).
     *
     * @throws KeyValueException if the URL is malformed
     */
    public static RedisKeyValueStore open(String url) {
        try {
            return new RedisKeyValueStore(RedisClient.create(java.net.URI.create(url)), url);
        } catch (IllegalArgumentException | JedisException e) {
            throw new KeyValueException("bad Redis URL " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    private static byte[] k(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.ofNullable(client.get(k(key)));
        } catch (JedisException e) {
            throw failed("GET", e);
        }
    }

    @Override
    public void set(String key, byte[] value) {
        try {
            client.set(k(key), value);
        } catch (JedisException e) {
            throw failed("SET", e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            client.del(k(key));
        } catch (JedisException e) {
            throw failed("DEL", e);
        }
    }

    @Override
    public boolean exists(String key) {
        try {
            return client.exists(k(key));
        } catch (JedisException e) {
            throw failed("EXISTS", e);
        }
    }

    @Override
    public List<String> keys() {
        try {
            List<String> keys = new ArrayList<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams params = new ScanParams().count(1000);
            do {
                ScanResult<String> page = client.scan(cursor, params);
                keys.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            // SCAN may return a key twice when the keyspace is rehashed meanwhile
            return keys.stream().distinct().sorted().toList();
        } catch (JedisException e) {
            throw failed("SCAN", e);
        }
    }

    @Override
    public long increment(String key, long delta) {
        try {
            return client.incrBy(k(key), delta);
        } catch (JedisException e) {
            throw failed("INCRBY", e);
        }
    }

    @Override
    public boolean compareAndSwap(String key, Optional<byte[]> expected, byte[] value) {
        try {
            Object r = client.eval(CAS_SCRIPT, List.of(k(key)), List.of(
                    (expected.isPresent() ? "1" : "0").getBytes(StandardCharsets.US_ASCII),
                    expected.orElse(new byte[0]), value));
            return r instanceof Long l && l == 1;
        } catch (JedisException e) {
            throw failed("EVAL (compare-and-swap)", e);
        }
    }

    private KeyValueException failed(String op, JedisException e) {
        return new KeyValueException("Redis " + op + " at " + redact(url) + " failed: " + e.getMessage(), e);
    }

    /** The URL without its password, for messages. */
    static String redact(String url) {
        return url.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
    }

    @Override
    public void close() {
        client.close();
    }
}
