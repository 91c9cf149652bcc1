/**
 * Key-value store backends for the key-value host interfaces: {@link dev.basalt.spin.kv.KeyValueStore} (the
 * backend contract: get/set/delete/exists/keys, counters and compare-and-swap), {@link
 * dev.basalt.spin.kv.InMemoryKeyValueStore}, {@link dev.basalt.spin.kv.SqliteKeyValueStore} (Spin's table layout)
 * and {@link dev.basalt.spin.kv.RedisKeyValueStore}, and {@link dev.basalt.spin.kv.KeyValueStores}, the labelled
 * stores of an application as a Spin runtime-config file configures them.
 */
package dev.basalt.spin.kv;
