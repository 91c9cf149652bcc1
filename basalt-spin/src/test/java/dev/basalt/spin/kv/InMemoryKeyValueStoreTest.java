package dev.basalt.spin.kv;

class InMemoryKeyValueStoreTest extends KeyValueStoreContract {
    @Override
    protected KeyValueStore newStore() {
        return new InMemoryKeyValueStore();
    }
}
