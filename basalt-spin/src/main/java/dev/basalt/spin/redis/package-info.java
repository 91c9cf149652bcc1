/**
 * Outbound Redis for Spin's {@code fermyon:spin/redis} interface and the Redis trigger:
 * {@link dev.basalt.spin.redis.RedisAddress} (a {@code redis://} URL and the grants of a component's
 * {@code allowed_outbound_hosts} that admit it) and {@link dev.basalt.spin.redis.RedisClient} (a small RESP2
 * client that keeps status replies apart from bulk strings, as the interface's {@code redis-result} does, and
 * bounds what a server's reply may allocate).
 */
package dev.basalt.spin.redis;
