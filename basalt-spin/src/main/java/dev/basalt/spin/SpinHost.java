package dev.basalt.spin;

import dev.basalt.Store;
import dev.basalt.Trap;
import dev.basalt.TrapKind;
import dev.basalt.component.ComponentFuncType;
import dev.basalt.component.ComponentLinker;
import dev.basalt.component.ComponentValue;
import dev.basalt.component.ResourceHandle;
import dev.basalt.component.ResourceType;
import dev.basalt.component.wit.Function;
import dev.basalt.component.wit.Resolve;
import dev.basalt.spin.SpinGuest.Cas;
import dev.basalt.spin.SpinGuest.OpenStore;
import dev.basalt.spin.kv.KeyValueException;
import dev.basalt.spin.kv.KeyValueStore;
import dev.basalt.wasi.preview2.internal.WasiWit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Host implementations of the key-value and variable interfaces Spin offers, defined into a
 * {@link ComponentLinker}:
 * <ul>
 * <li>{@code wasi:keyvalue/store}, {@code atomics} and {@code batch} at {@code 0.2.0-draft2} (buckets, counters,
 *     compare-and-swap, batches),</li>
 * <li>{@code fermyon:spin/key-value@2.0.0} (Spin 2/3's store resource),</li>
 * <li>{@code fermyon:spin/variables@2.0.0} and {@code wasi:config/store@0.2.0-draft-2024-09-27} (the
 *     component's variables),</li>
 * <li>{@code fermyon:spin/sqlite@2.0.0} (statements on the SQLite databases the component may open),</li>
 * <li>{@code fermyon:spin/redis@2.0.0} (outbound Redis to the servers its outbound grants admit),</li>
 * <li>Spin 3's {@code spin:sqlite/sqlite@3.0.0} (Spin 2's sqlite plus {@code changes} and
 *     {@code last-insert-rowid}) and {@code spin:redis/redis@3.0.0} (Spin 2's redis with every function
 *     {@code async}: the command runs on a virtual thread while the guest's other tasks go on),</li>
 * <li>{@code fermyon:spin/redis-types} (types only: what a Redis trigger's component imports for its
 *     {@code inbound-redis} export, see {@link dev.basalt.spin.redis.RedisTrigger}).</li>
 * </ul>
 * A guest opens only the stores its {@link SpinConfig} allows ({@code access-denied} otherwise, before looking
 * whether the store exists: a denied guest learns nothing about other stores); keys and values over the
 * {@link SpinConfig.Limits} and backend failures are the interface's {@code other} error, never a trap.
 */
public final class SpinHost {
    /** The interfaces defined, with their versions. */
    public static final List<String> INTERFACES = List.of(
            "wasi:keyvalue/store@0.2.0-draft2", "wasi:keyvalue/atomics@0.2.0-draft2",
            "wasi:keyvalue/batch@0.2.0-draft2", "fermyon:spin/key-value@2.0.0", "fermyon:spin/variables@2.0.0",
            "wasi:config/store@0.2.0-draft-2024-09-27", "fermyon:spin/sqlite@2.0.0", "fermyon:spin/redis@2.0.0",
            "fermyon:spin/redis-types", "spin:sqlite/sqlite@3.0.0", "spin:redis/redis@3.0.0");

    /** Keys per {@code list-keys} page. */
    static final int KEYS_PAGE = 1000;

    private static final List<String> WIT_FILES = List.of("keyvalue.wit", "spin.wit", "config.wit",
            "spin-unversioned.wit", "spin-sqlite3.wit", "spin-redis3.wit");
    private static volatile Resolve resolve;
    /** Where the async functions' blocking work runs: a virtual thread each. */
    private static final Executor BLOCKING = work -> Thread.ofVirtual().name("basalt-spin-async").start(work);

    @FunctionalInterface
    interface Impl {
        /** The result value (every function here has one). */
        ComponentValue call(SpinGuest g, List<ComponentValue> args);
    }

    private final Map<String, Impl> impls = new HashMap<>();
    private final ResourceType bucketType = ResourceType.host("bucket", SpinGuest::drop);
    private final ResourceType casType = ResourceType.host("cas", SpinGuest::drop);
    private final ResourceType storeType = ResourceType.host("store", SpinGuest::drop);
    private final ResourceType sqliteType = ResourceType.host("connection", SpinGuest::drop);
    private final ResourceType redisType = ResourceType.host("connection", SpinGuest::drop);
    private final ResourceType sqlite3Type = ResourceType.host("connection", SpinGuest::drop);
    private final ResourceType redis3Type = ResourceType.host("connection", SpinGuest::drop);

    private SpinHost() {
        registerWasiKeyValue();
        registerSpinKeyValue();
        registerVariables();
        SpinData.register(this);
    }

    /**
     * Defines the interfaces in {@code linker}; {@code guest} finds the guest's {@link SpinGuest} in its store's
     * data.
     */
    public static <T> void addToLinker(ComponentLinker<T> linker, java.util.function.Function<T, SpinGuest> guest) {
        new SpinHost().define(linker, store -> guest.apply(store.data()));
    }

    private static Resolve resolve() {
        Resolve r = resolve;
        if (r == null) {
            r = WasiWit.loadResolve(SpinHost.class, "/dev/basalt/spin/wit/", WIT_FILES, "basalt-spin");
            resolve = r;
        }
        return r;
    }

    private <T> void define(ComponentLinker<T> linker, java.util.function.Function<Store<T>, SpinGuest> guest) {
        Resolve r = resolve();
        // sqlite and redis both call their resource `connection`: resources are told apart by interface
        Map<String, ResourceType> byName = Map.of("bucket", bucketType, "cas", casType, "store", storeType,
                "fermyon:spin/sqlite@2.0.0#connection", sqliteType, "fermyon:spin/redis@2.0.0#connection", redisType,
                "spin:sqlite/sqlite@3.0.0#connection", sqlite3Type, "spin:redis/redis@3.0.0#connection", redis3Type);
        Map<Resolve.TypeId, ResourceType> byId = WasiWit.resourceTypes(r, INTERFACES,
                (iface, name) -> byName.getOrDefault(iface + "#" + name, byName.get(name)));
        WasiWit.Converter conv = new WasiWit.Converter(r, byId);
        Set<String> used = new HashSet<>();
        for (String iface : INTERFACES) {
            Resolve.InterfaceId id = WasiWit.iface(r, iface);
            String unversioned = iface.contains("@") ? iface.substring(0, iface.indexOf('@')) : iface;
            ComponentLinker.LinkerInstance<T> inst = linker.instance(iface);
            WasiWit.defineTypes(inst, r, id, conv);
            for (Function f : r.iface(id).functions()) {
                String key = unversioned + "#" + f.name();
                Impl impl = impls.get(key);
                if (impl == null) {
                    throw new IllegalStateException("no implementation of " + key);
                }
                used.add(key);
                ComponentFuncType type = conv.funcType(f);
                if (type.async()) {
                    // Spin 3's async functions block (a database, a Redis server): on a virtual thread, so the
                    // guest's other tasks (and the store's other guests' turns) go on meanwhile
                    inst.defineAsyncFunction(f.name(), type, (store, args) -> {
                        SpinGuest g = guest.apply(store);
                        return CompletableFuture.supplyAsync(() -> List.of(impl.call(g, args)), BLOCKING);
                    });
                } else {
                    inst.defineFunction(f.name(), type, (store, args) -> List.of(impl.call(guest.apply(store), args)));
                }
            }
        }
        if (!used.equals(impls.keySet())) {
            Set<String> extra = new TreeSet<>(impls.keySet());
            extra.removeAll(used);
            throw new IllegalStateException("implementations without a WIT function: " + extra);
        }
    }

    void on(String iface, String function, Impl impl) {
        if (impls.put(iface + "#" + function, impl) != null) {
            throw new IllegalStateException("defined twice: " + iface + "#" + function);
        }
    }

    // ---------------------------------------------------------------- errors

    /** An operation's failure as the interface's error value. */
    private static final class Failure extends RuntimeException {
        final String kind;
        final String message;

        Failure(String kind, String message) {
            super(kind + (message == null ? "" : ": " + message), null, false, false);
            this.kind = kind;
            this.message = message;
        }
    }

    private static Failure other(String message) {
        return new Failure("other", message);
    }

    /** The error variant: {@code no-such-store}, {@code access-denied}, {@code store-table-full}, {@code other(s)}. */
    private static ComponentValue errorValue(Failure f) {
        return f.message == null || !f.kind.equals("other") ? ComponentValue.variant(f.kind)
                : ComponentValue.variant("other", ComponentValue.string(f.message));
    }

    /** Runs {@code body}; its failures (and the backend's) become {@code err(error)}. */
    private static ComponentValue result(Body body) {
        try {
            return body.run();
        } catch (Failure f) {
            return ComponentValue.err(errorValue(f));
        } catch (KeyValueException e) {
            return ComponentValue.err(errorValue(other(e.getMessage())));
        } catch (Trap t) {
            throw t;
        } catch (RuntimeException e) {
            // a backend's unexpected failure (a driver bug, a lost connection): the guest's `other`, not a host crash
            return ComponentValue.err(errorValue(other(e.getClass().getSimpleName() + ": " + e.getMessage())));
        }
    }

    @FunctionalInterface
    private interface Body {
        ComponentValue run();
    }

    // ---------------------------------------------------------------- arguments

    static String str(List<ComponentValue> a, int i) {
        return ((ComponentValue.Str) a.get(i)).value();
    }

    static int rep(List<ComponentValue> a, int i) {
        return switch (a.get(i)) {
            case ComponentValue.Borrow b -> b.handle().rep();
            case ComponentValue.Own o -> o.handle().rep();
            default -> throw new Trap(TrapKind.HOST_ERROR, "not a handle: " + a.get(i));
        };
    }

    static byte[] bytes(ComponentValue v) {
        return ((ComponentValue.ListValue) v).toByteArray();
    }

    private static String key(SpinGuest g, String key) {
        int n = utf8Length(key);
        if (n > g.config().limits().maxKeyBytes()) {
            throw other("key too large: " + n + " bytes (at most " + g.config().limits().maxKeyBytes() + ")");
        }
        return key;
    }

    private static byte[] value(SpinGuest g, byte[] value) {
        if (value.length > g.config().limits().maxValueBytes()) {
            throw other("value too large: " + value.length + " bytes (at most "
                    + g.config().limits().maxValueBytes() + ")");
        }
        return value;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 2 : 3; // a surrogate pair: 2 + 2
        }
        return n;
    }

    /** Opens {@code label} for {@code g}: access-denied unless granted, then no-such-store unless configured. */
    private static OpenStore open(SpinGuest g, String label, String tableFull) {
        if (!g.config().allowedStores().contains(label)) {
            throw new Failure("access-denied", null);
        }
        if (g.openStores() >= g.config().limits().maxOpenStores()) {
            throw tableFull == null ? other("too many open buckets (at most " + g.config().limits().maxOpenStores()
                    + ")") : new Failure(tableFull, null);
        }
        KeyValueStore s = g.config().stores().open(label).orElseThrow(() -> new Failure("no-such-store", null));
        return new OpenStore(label, s);
    }

    ResourceType sqliteType() {
        return sqliteType;
    }

    ResourceType redisType() {
        return redisType;
    }

    ResourceType sqlite3Type() {
        return sqlite3Type;
    }

    ResourceType redis3Type() {
        return redis3Type;
    }

    ComponentValue own(ResourceType type, SpinGuest g, SpinGuest.Handle h) {
        return ComponentValue.own(ResourceHandle.own(type, g.add(h)));
    }

    private static ComponentValue optionBytes(Optional<byte[]> v) {
        return v.map(b -> ComponentValue.some(ComponentValue.u8List(b))).orElseGet(ComponentValue::none);
    }

    private static ComponentValue strings(List<String> s) {
        return ComponentValue.list(s.stream().map(ComponentValue::string).toList());
    }

    // ---------------------------------------------------------------- wasi:keyvalue

    private void registerWasiKeyValue() {
        String store = "wasi:keyvalue/store";
        on(store, "open", (g, a) -> result(() -> ComponentValue.ok(own(bucketType, g, open(g, str(a, 0), null)))));
        on(store, "[method]bucket.get", (g, a) -> result(() -> ComponentValue.ok(
                optionBytes(bucket(a).store.get(key(g, str(a, 1)))))));
        on(store, "[method]bucket.set", (g, a) -> result(() -> {
            bucket(a).store.set(key(g, str(a, 1)), value(g, bytes(a.get(2))));
            return ComponentValue.ok();
        }));
        on(store, "[method]bucket.delete", (g, a) -> result(() -> {
            bucket(a).store.delete(key(g, str(a, 1)));
            return ComponentValue.ok();
        }));
        on(store, "[method]bucket.exists", (g, a) -> result(() -> ComponentValue.ok(
                ComponentValue.bool(bucket(a).store.exists(key(g, str(a, 1)))))));
        on(store, "[method]bucket.list-keys", (g, a) -> result(() -> {
            Optional<ComponentValue> cursor = ((ComponentValue.OptionValue) a.get(1)).value();
            List<String> keys = bucket(a).store.keys();
            int from = 0;
            if (cursor.isPresent()) {
                // the cursor is the last key of the previous page: continue after it (keys are sorted)
                String after = ((ComponentValue.Str) cursor.get()).value();
                int i = java.util.Collections.binarySearch(keys, after);
                from = i >= 0 ? i + 1 : -i - 1;
            }
            int to = Math.min(keys.size(), from + KEYS_PAGE);
            List<String> page = keys.subList(from, to);
            ComponentValue next = to < keys.size() ? ComponentValue.some(ComponentValue.string(page.getLast()))
                    : ComponentValue.none();
            return ComponentValue.ok(ComponentValue.record(ComponentValue.field("keys", strings(page)),
                    ComponentValue.field("cursor", next)));
        }));

        String atomics = "wasi:keyvalue/atomics";
        on(atomics, "increment", (g, a) -> result(() -> ComponentValue.ok(ComponentValue.s64(
                bucket(a).store.increment(key(g, str(a, 1)), ((ComponentValue.S64) a.get(2)).value())))));
        on(atomics, "[static]cas.new", (g, a) -> result(() -> {
            OpenStore b = bucket(a);
            String k = key(g, str(a, 1));
            return ComponentValue.ok(own(casType, g, new Cas(b, k, b.store.get(k))));
        }));
        on(atomics, "[method]cas.current", (g, a) -> result(() ->
                ComponentValue.ok(optionBytes(SpinGuest.get(rep(a, 0), Cas.class).current))));
        on(atomics, "swap", (g, a) -> {
            // the cas is owned: it is consumed whatever the outcome
            Cas cas = SpinGuest.take(rep(a, 0), Cas.class);
            try {
                byte[] v = value(g, bytes(a.get(1)));
                if (cas.bucket.store.compareAndSwap(cas.key, cas.current, v)) {
                    return ComponentValue.ok();
                }
                Cas fresh = new Cas(cas.bucket, cas.key, cas.bucket.store.get(cas.key));
                return ComponentValue.err(ComponentValue.variant("cas-failed", own(casType, g, fresh)));
            } catch (Failure f) {
                return ComponentValue.err(ComponentValue.variant("store-error", errorValue(f)));
            } catch (Trap t) {
                throw t;
            } catch (RuntimeException e) {
                return ComponentValue.err(ComponentValue.variant("store-error", errorValue(other(
                        e instanceof KeyValueException ? e.getMessage()
                                : e.getClass().getSimpleName() + ": " + e.getMessage()))));
            }
        });

        String batch = "wasi:keyvalue/batch";
        on(batch, "get-many", (g, a) -> result(() -> {
            OpenStore b = bucket(a);
            List<ComponentValue> out = new ArrayList<>();
            for (ComponentValue k : ((ComponentValue.ListValue) a.get(1)).elements()) {
                String key = key(g, ((ComponentValue.Str) k).value());
                Optional<byte[]> v = b.store.get(key);
                out.add(v.map(bytes -> ComponentValue.some(ComponentValue.tuple(ComponentValue.string(key),
                        ComponentValue.u8List(bytes)))).orElseGet(ComponentValue::none));
            }
            return ComponentValue.ok(ComponentValue.list(out));
        }));
        on(batch, "set-many", (g, a) -> result(() -> {
            OpenStore b = bucket(a);
            List<ComponentValue> pairs = ((ComponentValue.ListValue) a.get(1)).elements();
            // check every pair before writing any, so a bad one does not leave half a batch behind
            List<Map.Entry<String, byte[]>> checked = new ArrayList<>();
            for (ComponentValue p : pairs) {
                List<ComponentValue> kv = ((ComponentValue.TupleValue) p).elements();
                checked.add(Map.entry(key(g, ((ComponentValue.Str) kv.get(0)).value()), value(g, bytes(kv.get(1)))));
            }
            for (Map.Entry<String, byte[]> e : checked) {
                b.store.set(e.getKey(), e.getValue());
            }
            return ComponentValue.ok();
        }));
        on(batch, "delete-many", (g, a) -> result(() -> {
            OpenStore b = bucket(a);
            List<String> keys = new ArrayList<>();
            for (ComponentValue k : ((ComponentValue.ListValue) a.get(1)).elements()) {
                keys.add(key(g, ((ComponentValue.Str) k).value()));
            }
            keys.forEach(b.store::delete);
            return ComponentValue.ok();
        }));
    }

    private static OpenStore bucket(List<ComponentValue> a) {
        return SpinGuest.get(rep(a, 0), OpenStore.class);
    }

    // ---------------------------------------------------------------- fermyon:spin/key-value

    private void registerSpinKeyValue() {
        String kv = "fermyon:spin/key-value";
        on(kv, "[static]store.open", (g, a) -> result(() ->
                ComponentValue.ok(own(storeType, g, open(g, str(a, 0), "store-table-full")))));
        on(kv, "[method]store.get", (g, a) -> result(() -> ComponentValue.ok(
                optionBytes(bucket(a).store.get(key(g, str(a, 1)))))));
        on(kv, "[method]store.set", (g, a) -> result(() -> {
            bucket(a).store.set(key(g, str(a, 1)), value(g, bytes(a.get(2))));
            return ComponentValue.ok();
        }));
        on(kv, "[method]store.delete", (g, a) -> result(() -> {
            bucket(a).store.delete(key(g, str(a, 1)));
            return ComponentValue.ok();
        }));
        on(kv, "[method]store.exists", (g, a) -> result(() -> ComponentValue.ok(
                ComponentValue.bool(bucket(a).store.exists(key(g, str(a, 1)))))));
        on(kv, "[method]store.get-keys", (g, a) -> result(() -> ComponentValue.ok(strings(bucket(a).store.keys()))));
    }

    // ---------------------------------------------------------------- variables

    private void registerVariables() {
        on("fermyon:spin/variables", "get", (g, a) -> {
            try {
                return ComponentValue.ok(ComponentValue.string(
                        g.config().variables().get(g.config().componentId(), str(a, 0))));
            } catch (Variables.VariableException e) {
                String kind = switch (e.kind()) {
                    case INVALID_NAME -> "invalid-name";
                    case UNDEFINED -> "undefined";
                    case PROVIDER -> "provider";
                    case OTHER -> "other";
                };
                return ComponentValue.err(ComponentValue.variant(kind, ComponentValue.string(e.getMessage())));
            }
        });
        String config = "wasi:config/store";
        on(config, "get", (g, a) -> {
            try {
                return ComponentValue.ok(ComponentValue.some(ComponentValue.string(
                        g.config().variables().get(g.config().componentId(), str(a, 0)))));
            } catch (Variables.VariableException e) {
                return switch (e.kind()) {
                    // wasi:config: a key that is not set (or cannot be) is none, not an error
                    case INVALID_NAME, UNDEFINED -> ComponentValue.ok(ComponentValue.none());
                    case PROVIDER -> ComponentValue.err(ComponentValue.variant("upstream",
                            ComponentValue.string(e.getMessage())));
                    case OTHER -> ComponentValue.err(ComponentValue.variant("io", ComponentValue.string(e.getMessage())));
                };
            }
        });
        on(config, "get-all", (g, a) -> {
            try {
                List<ComponentValue> pairs = new ArrayList<>();
                g.config().variables().getAll(g.config().componentId()).forEach((k, v) -> pairs.add(
                        ComponentValue.tuple(ComponentValue.string(k), ComponentValue.string(v))));
                return ComponentValue.ok(ComponentValue.list(pairs));
            } catch (Variables.VariableException e) {
                return ComponentValue.err(ComponentValue.variant("upstream", ComponentValue.string(e.getMessage())));
            }
        });
    }
}
